// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { CommandResultSchema, CommandStepSchema, type CommandResult, type CommandStep } from '../../src/core';
import { caughtError, collect, helper, helpers, lastStatus, nextMessage, nodeModule, until, useNodeRed, type CaughtError, type Dot } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-command')];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('car-command node', () => {
  const fx = useNodeRed({ sim: { renault: { quota: false, actionDelayMs: 200 } } });
  beforeEach(() => {
    fx.sim.renault.setActionDelay(200);
    fx.sim.renault.car(ZOE).hvacOn = false;
  });
  const flow = (extra: Record<string, unknown> = {}): unknown[] =>
    fx.flow([
      { id: 'cmd', type: 'car-command', account: 'acc', vin: ZOE, command: '', temperatureC: '', allowUnlock: false, timeout: 3, steps: true, wires: [['result'], ['steps']], ...extra },
      ...helpers('result', 'steps'),
    ]);
  const actionCalls = (): string[] => Object.keys(fx.sim.renault.stats.byEndpoint).filter((k) => k !== 'persons' && k !== 'vehicles');
  const refused = (msg: Record<string, unknown>): Promise<CaughtError> => caughtError('cmd', msg, 18_000);

  it("runs the node's command on any message: result on output 1, every step on output 2", async () => {
    await helper.load(nodes, flow({ command: 'climate_start', temperatureC: '22' }), fx.credentials());
    const steps = collect(helper.getNode('steps'));
    const got = nextMessage(helper.getNode('result'), 18_000);
    helper.getNode('cmd').receive({ payload: 1732089600000, keep: 'me' });
    const msg = await got;
    const result = CommandResultSchema.parse(msg.payload) as CommandResult;
    assert.equal(result.outcome, 'executed');
    assert.equal(result.command, 'climate_start');
    assert.match(result.actionId ?? '', UUID);
    assert.equal(msg.topic, `car/${ZOE}/command`);
    assert.equal((msg.vehicle as { vin: string }).vin, ZOE);
    assert.equal(msg.keep, 'me', 'the input message properties are kept');
    assert.ok(fx.sim.renault.car(ZOE).hvacOn, 'the simulated Zoe climatises');
    const names = steps.map((m) => (CommandStepSchema.parse(m.payload) as CommandStep).step);
    assert.deepEqual(names, ['sent', 'accepted', 'executed']);
    assert.equal(steps[0]?.topic, `car/${ZOE}/command`);
    const status = lastStatus('cmd');
    assert.equal(status.fill, 'green');
    assert.match(status.text ?? '', /car-command\.status\.executed/);
  });

  it('takes the command and its fields from msg.payload', async () => {
    await helper.load(nodes, flow({ steps: false }), fx.credentials());
    const steps = collect(helper.getNode('steps'));
    const got = nextMessage(helper.getNode('result'), 18_000);
    helper.getNode('cmd').receive({ payload: { command: 'climate_start', temperatureC: 19 } });
    const result = (await got).payload as CommandResult;
    assert.equal(result.outcome, 'executed');
    assert.equal(fx.sim.renault.stats.byEndpoint['actions/hvac-start'], 1);
    assert.equal(steps.length, 0, 'no steps without the checkbox');
  });

  for (const [payload, pattern] of [
    [{ command: 'climate_start', temperatureC: 45 }, /temperatureC must be a number of °C from 15 to 30 \(got 45\)/],
    [{ command: 'fly' }, /command must be one of: lock, unlock, climate_start/],
    [{ command: 'climate_start', startAt: 'soon' }, /startAt must be an ISO-8601 time/],
    [{ command: 'send_poi', poi: { latitude: 100, longitude: 2 } }, /poi\.latitude must be a number from -90 to 90/],
    [{ command: 'horn', temperatureC: 20 }, /temperatureC does not apply to horn/],
    [{ command: 'climate_start', temp: 20 }, /unknown field temp in msg\.payload/],
    [{ temperatureC: 20 }, /no command: choose one in the node or send msg\.payload\.command/],
  ] as const) {
    it(`refuses bad input ${JSON.stringify(payload)} with BAD_INPUT to Catch, sending nothing`, async () => {
      await helper.load(nodes, flow(), fx.credentials());
      const error = await refused({ payload });
      assert.equal(error.code, 'BAD_INPUT');
      assert.match(error.message, pattern);
      assert.deepEqual(actionCalls(), []);
      assert.match(lastStatus('cmd').text ?? '', /common\.codes\.BAD_INPUT$/, 'the dot says the code in words');
    });
  }

  it('refuses a command the car does not take with NOT_SUPPORTED, and no call reaches the cloud', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const error = await refused({ payload: 'horn' });
    assert.equal(error.code, 'NOT_SUPPORTED');
    assert.match(error.message, /cannot horn through Renault; it takes: climate_start/);
    assert.deepEqual(actionCalls(), [], JSON.stringify(fx.sim.renault.stats.byEndpoint));
  });

  it('refuses unlock while "allow unlock from flows" is off', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const error = await refused({ payload: { command: 'unlock' } });
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /"allow unlock from flows" checkbox is off/);
    assert.deepEqual(actionCalls(), []);
  });

  it('refuses unlock when the node has no allowUnlock setting at all (a flow written before the checkbox)', async () => {
    const legacy = fx.flow([
      { id: 'cmd', type: 'car-command', account: 'acc', vin: ZOE, command: 'unlock', timeout: 3, wires: [['result'], ['steps']] },
      ...helpers('result', 'steps'),
    ]);
    assert.ok(!legacy.some((n) => 'allowUnlock' in n));
    await helper.load(nodes, legacy, fx.credentials());
    const error = await refused({});
    // Allowed, it would get as far as the brand's NOT_SUPPORTED (the test below).
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /"allow unlock from flows" checkbox is off/);
    assert.deepEqual(actionCalls(), []);
  });

  it('with unlock allowed, a Renault still answers NOT_SUPPORTED (only its own app may unlock)', async () => {
    await helper.load(nodes, flow({ allowUnlock: true, command: 'unlock' }), fx.credentials());
    assert.equal((await refused({})).code, 'NOT_SUPPORTED');
    assert.deepEqual(actionCalls(), []);
  });

  it('a command without confirmation times out: timed_out on output 1 and TIMEOUT to Catch', async () => {
    fx.sim.renault.setActionDelay(60_000);
    await helper.load(nodes, flow({ timeout: 1, command: 'climate_start' }), fx.credentials());
    const result = nextMessage(helper.getNode('result'), 18_000);
    const caught = nextMessage(helper.getNode('caught'), 18_000);
    helper.getNode('cmd').receive({});
    const r = (await result).payload as CommandResult;
    assert.equal(r.outcome, 'timed_out');
    assert.equal(r.error?.code, 'TIMEOUT');
    const error = (await caught).error as { code: string; message: string };
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /not sent again/);
    assert.equal(lastStatus('cmd').fill, 'red');
    assert.match(lastStatus('cmd').text ?? '', /car-command\.status\.timed_out/, 'the dot names the step, not only the code');
    assert.equal(fx.sim.renault.stats.byEndpoint['actions/hvac-start'], 1);
  });

  it('reports a confirmation that arrives after the timeout as a late step', async () => {
    fx.sim.renault.setActionDelay(4_000);
    await helper.load(nodes, flow({ timeout: 3, command: 'climate_start' }), fx.credentials());
    const steps = collect(helper.getNode('steps'));
    const result = nextMessage(helper.getNode('result'), 18_000);
    helper.getNode('cmd').receive({});
    assert.equal(((await result).payload as CommandResult).outcome, 'timed_out');
    await until(() => steps.some((m) => (m.payload as CommandStep).late), 'the late step');
    const late = steps.map((m) => m.payload as CommandStep).filter((s) => s.late);
    assert.equal(late.length, 1, JSON.stringify(steps.map((m) => m.payload)));
    assert.equal(late[0]?.step, 'executed');
    assert.match(lastStatus('cmd').text ?? '', /late/);
    assert.equal(fx.sim.renault.stats.byEndpoint['actions/hvac-start'], 1, 'never sent twice');
  });

  it('shows on its dot how many commands wait behind the running one ("2 queued"), until none does', async () => {
    await helper.load(nodes, flow({ command: 'climate_start', steps: false }), fx.credentials());
    const results = collect(helper.getNode('result'));
    for (let i = 0; i < 3; i++) helper.getNode('cmd').receive({});
    await until(() => results.length === 3, 'the three commands ran, one after the other');
    const dots = (helper.getNode('cmd').status as unknown as { args: Dot[][] }).args.map((a) => a[0]?.text ?? '');
    // (The test's RED gives keys without their values: the count itself is the catalogs' plural, checked in status-texts.)
    assert.ok(dots.includes('car-command.status.queued · car-command.status.queue'), `a waiting command says others wait too: ${JSON.stringify(dots)}`);
    assert.ok(dots.includes('car-command.status.executed · car-command.status.queue'), 'a finished command keeps the queue on the dot while one still waits');
    assert.doesNotMatch(lastStatus('cmd').text ?? '', /status\.queue/, 'none once all ran');
  });

  it('stops following a command on redeploy and sends nothing afterwards', async () => {
    fx.sim.renault.setActionDelay(60_000);
    await helper.load(nodes, flow({ timeout: 30, command: 'climate_start' }), fx.credentials());
    const steps = collect(helper.getNode('steps'));
    const results = collect(helper.getNode('result'));
    helper.getNode('cmd').receive({});
    await until(() => steps.some((m) => (m.payload as CommandStep).step === 'accepted'), 'the accepted step');
    await helper.unload();
    // That the closed runner looks no more, however long the clock runs, is tested on the test's clock
    // (test/commands/renault.test.ts); here, the close reached it before any result.
    assert.equal(results.length, 0);
    assert.deepEqual(steps.map((m) => (m.payload as CommandStep).step), ['sent', 'accepted']);
  });

  it('refuses a bad setting at deploy with BAD_INPUT', async () => {
    await helper.load(nodes, flow({ timeout: 0 }), fx.credentials());
    const error = await refused({ payload: 'refresh' });
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /timeout must be from 1 to 600 seconds/);
  });
});
