// @ts-nocheck
import { EventEmitter } from 'node:events';
/**
 * The node kit without Node-RED: a node and a RED that record what the kit does with them,
 * and a real account session against the simulator for the states the dot follows.
 */
import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import type { AccountSession, SessionState } from '../../src/features/session';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_USER } from '../../src/sim/renault';
import { accountGuard, codeKey, commonKey, handleInput, localTime, StatusDot, type AccountNode } from '../../src/nodes/kit';
import type { DoneFn, NodeMessage, NodeStatus, RedApi, RedNode, SendFn } from '../../src/nodes/red';
import { removeDir, tempDir } from '../helpers';
import { renaultSession } from '../renault-session';

type InputListener = (msg: NodeMessage, send: SendFn, done: DoneFn) => void;
type CloseListener = (removed: boolean, done: () => void) => void;

/** What one input brought: what was sent, and what done() was called with. */
interface Answer {
  sent: unknown[];
  err: Error | undefined;
}

/** A node that records its dots and errors and runs its input and close listeners as Node-RED would. */
class RecordingNode implements RedNode {
  readonly id = 'n1';
  readonly type = 'car-test';
  readonly dots: NodeStatus[] = [];
  readonly logged: unknown[] = [];
  private readonly inputs: InputListener[] = [];
  private readonly closers: CloseListener[] = [];

  on(event: 'input', cb: InputListener): void;
  on(event: 'close', cb: CloseListener): void;
  on(event: 'input' | 'close', cb: InputListener | CloseListener): void {
    if (event === 'input') this.inputs.push(cb as InputListener);
    else this.closers.push(cb as CloseListener);
  }
  send(): void {
    throw new Error('the kit sends through the input send');
  }
  status(s: NodeStatus): void {
    this.dots.push(s);
  }
  log(): void {}
  warn(): void {}
  error(err: string | Error): void {
    this.logged.push(err);
  }
  debug(): void {}

  get dot(): NodeStatus | undefined {
    return this.dots[this.dots.length - 1];
  }

  get listensForInput(): boolean {
    return this.inputs.length > 0;
  }

  receive(msg: NodeMessage): Promise<Answer> {
    return new Promise((resolve) => {
      const sent: unknown[] = [];
      for (const listener of this.inputs) listener(msg, (m) => sent.push(m), (err) => resolve({ sent, err }));
    });
  }

  async close(): Promise<void> {
    for (const listener of this.closers) await new Promise<void>((done) => listener(false, done));
  }
}

/** RED as the test helper gives it: RED._ returns the key (with the values, to see them). */
function fakeRed(accounts: Record<string, AccountNode> = {}): RedApi {
  return {
    _: (key, values) => (values ? `${key} ${JSON.stringify(values)}` : key),
    nodes: { createNode: () => undefined, registerType: () => undefined, getNode: (id) => accounts[id] ?? null },
    settings: {},
    httpAdmin: { get: () => undefined, post: () => undefined },
    auth: { needsPermission: () => () => undefined },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  };
}

describe('node kit', () => {
  let sim: Simulator;
  let dir: string;
  let session: AccountSession;

  before(async () => {
    sim = await startSimulator({ port: 0, renault: { quota: false } });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    dir = await tempDir('cc-kit-');
    session = renaultSession(sim, dir);
    sim.renault.setTfa(DEMO_RENAULT_USER, false);
  });
  afterEach(async () => {
    await session.close();
    await removeDir(dir);
  });

  describe('the account guard', () => {
    const needsAll = { account: 'required', vehicle: 'required' } as const;

    /** The guard refused: the dot, and the BAD_INPUT every input gets (nothing sent). */
    async function refusal(node: RecordingNode): Promise<{ dot: NodeStatus | undefined; err: CarError }> {
      const first = await node.receive({ payload: 1 });
      const second = await node.receive({ payload: 2 });
      assert.deepEqual([first.sent, second.sent], [[], []], 'nothing is sent');
      assert.ok(first.err instanceof CarError);
      assert.equal(first.err, second.err, 'every input gets the same answer');
      assert.equal(first.err.code, 'BAD_INPUT');
      return { dot: node.dot, err: first.err };
    }

    it('without an account: a red "no account" dot, and BAD_INPUT saying none is configured', async () => {
      const node = new RecordingNode();
      assert.equal(accountGuard(fakeRed(), node, { account: '', vin: 'VF1' }, needsAll), undefined);
      const { dot, err } = await refusal(node);
      assert.deepEqual(dot, { fill: 'red', shape: 'ring', text: commonKey('status.no-account') });
      assert.equal(err.message, commonKey('errors.no-account'));
      assert.deepEqual(node.logged, [], 'the account node reports its own problems');
    });

    it('with an account that is gone, not set up or not deployed: says which', async () => {
      const gone = new RecordingNode();
      assert.equal(accountGuard(fakeRed(), gone, { account: 'acc', vin: 'VF1' }, needsAll), undefined);
      assert.equal((await refusal(gone)).err.message, commonKey('errors.account-missing'));

      const notSetUp = new RecordingNode();
      const red = fakeRed({ acc: { type: 'car-account', configError: 'The account is not set up yet: enter the password' } });
      assert.equal(accountGuard(red, notSetUp, { account: 'acc', vin: 'VF1' }, needsAll), undefined);
      const { dot, err } = await refusal(notSetUp);
      assert.equal(err.message, 'The account is not set up yet: enter the password');
      assert.deepEqual(dot, { fill: 'red', shape: 'ring', text: commonKey('status.no-account') });

      const notDeployed = new RecordingNode();
      assert.equal(accountGuard(fakeRed({ acc: { type: 'car-account' } }), notDeployed, { account: 'acc', vin: 'VF1' }, needsAll), undefined);
      assert.equal((await refusal(notDeployed)).err.message, commonKey('errors.not-deployed'));

      const notAnAccount = new RecordingNode();
      assert.equal(accountGuard(fakeRed({ acc: { type: 'inject', session } }), notAnAccount, { account: 'acc', vin: 'VF1' }, needsAll), undefined);
      assert.equal((await refusal(notAnAccount)).err.message, commonKey('errors.account-missing'));
    });

    it('without a vehicle where one is needed: a grey "pick a vehicle" dot (not an error yet), and BAD_INPUT naming it', async () => {
      const node = new RecordingNode();
      assert.equal(accountGuard(fakeRed({ acc: { type: 'car-account', session } }), node, { account: 'acc', vin: ' ' }, needsAll), undefined);
      const { dot, err } = await refusal(node);
      assert.deepEqual(dot, { fill: 'grey', shape: 'ring', text: commonKey('status.pick-vehicle') });
      assert.equal(err.message, commonKey('errors.no-vehicle'));
    });

    it('gives the session and the vehicle when all is there, and lets a node do without what it does not need', () => {
      const red = fakeRed({ acc: { type: 'car-account', session } });
      const node = new RecordingNode();
      const all = accountGuard(red, node, { account: 'acc', vin: ' VF1AG000862Z50001 ' }, needsAll);
      assert.equal(all?.session, session);
      assert.equal(all?.vin, 'VF1AG000862Z50001');
      const noVehicle = accountGuard(red, node, { account: 'acc', vin: '' }, { account: 'required', vehicle: 'optional' });
      assert.deepEqual(noVehicle, { session, vin: undefined });
      const alone = accountGuard(red, node, { account: '', vin: '' }, { account: 'optional', vehicle: 'required' });
      assert.deepEqual(alone, { vin: undefined });
      assert.deepEqual([node.dots, node.listensForInput], [[], false], 'no dot, no refusal');
    });
  });

  describe('the status dot', () => {
    it("shows the account's sign-in over the node's own dot, and the node's own again once signed in", async () => {
      sim.renault.setTfa(DEMO_RENAULT_USER, true);
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node, session);
      dot.ok('80 % · 200 km');
      await assert.rejects(session.getAuth(), { code: 'TFA_REQUIRED' });
      assert.deepEqual(node.dots, [
        { fill: 'green', shape: 'dot', text: '80 % · 200 km' },
        { fill: 'yellow', shape: 'ring', text: commonKey('status.signing-in') },
        // Waiting for the user to type the e-mailed code: a step to take, not a failure; no secret shown.
        { fill: 'yellow', shape: 'ring', text: commonKey('status.confirm') },
      ]);
      assert.equal((await session.submitCode(sim.renault.lastTfaCode ?? '')).phase, 'ready');
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '80 % · 200 km' }, 'the node dot is back');
    });

    it('shows a pause the account was given in yellow with its end, a refused stream likewise, and the node dot after', () => {
      const account = new EventEmitter();
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node, account);
      dot.ok('80 %');
      const until = Date.parse('2026-11-20T14:05:00Z');
      account.emit('state', { phase: 'rate_limited', code: 'RATE_LIMITED', until });
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'ring', text: `${commonKey('status.rate-limited')} {"until":"${localTime(until)}"}` });
      account.emit('state', { phase: 'ready' });
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '80 %' });
      account.emit('stream', { state: 'refused', retryAt: until });
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'ring', text: `${commonKey('status.stream-refused')} {"until":"${localTime(until)}"}` });
      account.emit('stream', { state: 'connected' });
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '80 %' });
      account.emit('state', { phase: 'blocked', code: 'AUTH_FAILED' });
      assert.deepEqual(node.dot, { fill: 'red', shape: 'ring', text: codeKey('AUTH_FAILED') });
    });

    it("shows the account's state at once to a node made while it lasts, and keeps the node's own dots for when it is ready", () => {
      const account = Object.assign(new EventEmitter(), { state: { phase: 'signing_in' } as SessionState });
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node, account);
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'ring', text: commonKey('status.signing-in') }, 'at once');
      dot.waiting();
      dot.ok('80 %');
      dot.error(new CarError('TFA_REQUIRED', 'a code is needed'));
      assert.deepEqual(node.dots, [{ fill: 'yellow', shape: 'ring', text: commonKey('status.signing-in') }], "the node's own dots wait behind the account's");
      account.emit('state', { phase: 'ready' });
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '80 %' }, "the node's last own dot; a sign-in failure is the account's, not the node's");
    });

    it('says the stream is down (REST fallback) until it is back, also on the reads that come over REST meanwhile', () => {
      const account = new EventEmitter();
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node, account);
      dot.ok('80 %');
      const retryAt = Date.parse('2026-11-20T14:05:10Z');
      const down = `${commonKey('status.stream-down')} {"until":"${localTime(retryAt)}"}`;
      account.emit('stream', { state: 'disconnected', retryAt });
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'ring', text: down });
      // A status read over REST meanwhile: its summary, still saying the stream is down.
      dot.ok('79 %');
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'dot', text: `79 % · ${down}` });
      account.emit('stream', { state: 'connecting' });
      assert.deepEqual(node.dot, { fill: 'yellow', shape: 'dot', text: `79 % · ${down}` }, 'an attempt is not a connection');
      account.emit('stream', { state: 'connected' });
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '79 %' });
      // Down again while the account ring shows: back to the node's own green once connected.
      account.emit('stream', { state: 'disconnected', retryAt });
      account.emit('stream', { state: 'connected' });
      assert.deepEqual(node.dot, { fill: 'green', shape: 'dot', text: '79 %' });
    });

    it('stops following the account when the node closes', async () => {
      const node = new RecordingNode();
      const before = session.listenerCount('state');
      new StatusDot(fakeRed(), node, session);
      assert.equal(session.listenerCount('state'), before + 1);
      await node.close();
      assert.equal(session.listenerCount('state'), before);
    });

    it('offers the states a node shows: ok, reading, waiting, and errors with the rate-limited case in yellow', () => {
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node);
      dot.ok('');
      dot.busy();
      dot.waiting();
      const retryAt = Date.parse('2026-03-02T14:05:00Z');
      dot.error(new CarError('QUOTA_EXCEEDED', 'daily quota', { retryAt }));
      dot.error(new CarError('RATE_LIMITED', 'slow down'));
      dot.error(new CarError('NOT_SUPPORTED', 'no such endpoint'), 'GET soc-levels');
      dot.clear();
      assert.deepEqual(node.dots, [
        { fill: 'green', shape: 'dot', text: commonKey('status.ok') },
        { fill: 'blue', shape: 'dot', text: commonKey('status.reading') },
        { fill: 'grey', shape: 'ring', text: commonKey('status.waiting') },
        { fill: 'yellow', shape: 'ring', text: `${commonKey('status.rate-limited')} {"until":"${localTime(retryAt)}"}` },
        { fill: 'red', shape: 'ring', text: codeKey('RATE_LIMITED') },
        { fill: 'red', shape: 'ring', text: `GET soc-levels · ${codeKey('NOT_SUPPORTED')}` },
        {},
      ]);
    });
  });

  describe('the input handler', () => {
    it('answers a failure with done(err) carrying the CarError and its code, shows it, and sends nothing', async () => {
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node);
      handleInput(node, dot, async (msg, send, input) => {
        input.subject = 'GET cockpit';
        if (msg.payload === 'fail') throw new CarError('NOT_SUPPORTED', 'no cockpit on this car');
        if (msg.payload === 'crash') throw new Error('socket hang up');
        send({ payload: 'ok' });
      });
      const ok = await node.receive({ payload: 'go' });
      assert.deepEqual([ok.sent, ok.err], [[{ payload: 'ok' }], undefined]);
      const failed = await node.receive({ payload: 'fail' });
      assert.deepEqual(failed.sent, []);
      assert.ok(failed.err instanceof CarError);
      assert.deepEqual(failed.err.toJSON(), { code: 'NOT_SUPPORTED', message: 'no cockpit on this car' });
      assert.deepEqual(node.dot, { fill: 'red', shape: 'ring', text: `GET cockpit · ${codeKey('NOT_SUPPORTED')}` });
      const crashed = await node.receive({ payload: 'crash' });
      assert.ok(crashed.err instanceof CarError, 'any error becomes a CarError');
      assert.equal(crashed.err.code, 'UPSTREAM');
      assert.match(crashed.err.message, /socket hang up/);
    });

    it('takes a fallback code for errors that are not CarErrors', async () => {
      const node = new RecordingNode();
      handleInput(node, new StatusDot(fakeRed(), node), async () => JSON.parse('{') as void, { fallbackCode: 'BAD_INPUT' });
      assert.equal(((await node.receive({})).err as CarError).code, 'BAD_INPUT');
    });

    it('refuses a BigInt or a circular object in what the node reads as BAD_INPUT naming where, before the handler runs', async () => {
      const node = new RecordingNode();
      let ran = 0;
      handleInput(
        node,
        new StatusDot(fakeRed(), node),
        async () => {
          ran++;
        },
        { reads: ['query'] },
      );
      const circular: Record<string, unknown> = { command: 'lock' };
      circular.self = { back: circular };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ payload: 10n }, /^msg\.payload: a BigInt is not accepted; send a number or a string$/],
        [{ payload: { command: 'climate_start', temperatureC: 21n } }, /^msg\.payload\.temperatureC: a BigInt/],
        [{ payload: [1, [2, 3n]] }, /^msg\.payload\[1\]\[1\]: a BigInt/],
        [{ payload: circular }, /^msg\.payload\.self\.back: the object contains itself \(a circular reference\)/],
        [{ query: { start: 1n } }, /^msg\.query\.start: a BigInt/],
      ];
      for (const [msg, said] of cases) {
        const { err, sent } = await node.receive(msg);
        assert.ok(err instanceof CarError, String(err));
        assert.equal(err.code, 'BAD_INPUT');
        assert.match(err.message, said);
        assert.deepEqual(sent, []);
      }
      assert.equal(ran, 0, 'nothing was done with such an input');
      // A shared (not circular) object, bytes, and what the node does not read (an HTTP node's req) are fine.
      const shared = { a: 1 };
      const req: Record<string, unknown> = {};
      req.res = { req };
      assert.equal((await node.receive({ payload: { x: shared, y: shared, bytes: Buffer.alloc(4) }, req })).err, undefined);
      assert.equal(ran, 1);
    });

    it('reports a returned failure after the output, keeping the dot the handler chose', async () => {
      const node = new RecordingNode();
      const dot = new StatusDot(fakeRed(), node);
      handleInput(node, dot, async (msg, send) => {
        dot.set({ fill: 'red', shape: 'ring', text: 'lock failed 12:00:00' });
        send({ payload: { outcome: 'failed' } });
        return new CarError('UPSTREAM', 'the car refused');
      });
      const answer = await node.receive({});
      assert.deepEqual(answer.sent, [{ payload: { outcome: 'failed' } }]);
      assert.equal((answer.err as CarError).code, 'UPSTREAM');
      assert.deepEqual(node.dot, { fill: 'red', shape: 'ring', text: 'lock failed 12:00:00' });
    });

    it('drops the answer of an input that ends after the node closed (a redeploy)', async () => {
      const node = new RecordingNode();
      let fail: (err: Error) => void = () => undefined;
      handleInput(node, new StatusDot(fakeRed(), node), () => new Promise((_resolve, reject) => (fail = reject)));
      const answer = node.receive({});
      await node.close();
      fail(new CarError('NETWORK', 'the node was closed (redeploy)'));
      assert.deepEqual(await answer, { sent: [], err: undefined });
      assert.deepEqual(node.dots, [], 'no dot on a closed node');
    });
  });

  it('writes times of day as HH:MM, or HH:MM:SS', () => {
    const t = new Date(2026, 2, 2, 7, 5, 9).getTime();
    assert.equal(localTime(t), '07:05');
    assert.equal(localTime(new Date(t).toISOString(), true), '07:05:09');
  });
});
