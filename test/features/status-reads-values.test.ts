/**
 * What a StatusPoller does with each answer its account gives: when it reads next, what it asks the account for,
 * which event a failure brings, what it passes on of other reads, and that a stopped poller is gone. The account is
 * scripted (the few members the poller uses, with answers the test chooses), so that each kind of answer is reached
 * directly and a test runs in milliseconds; test/features/status.test.ts runs the poller against the simulator.
 * Also the status dot's words and the stale limit (summarize, isStale) at their edges.
 */
import { EventEmitter } from 'node:events';
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, ManualClock, type ErrorCode, type VehicleStatus } from '../../src/core';
import type { BudgetSharer, SessionState } from '../../src/features/session';
import type { ReadOptions } from '../../src/features/status-cache';
import { isStale, StatusPoller, STALE_AFTER_MS, summarize, type StatusEvent, type StatusPollerOptions } from '../../src/features/status';

const VIN = 'VF1AG000862Z50001';
const MIN = 60_000;
const START = '2026-11-20T08:00:00Z';

/** A status the way the Renault mapping gives one, with this test's values. */
function status(over: Partial<VehicleStatus> = {}, fetchedAt = START): VehicleStatus {
  return {
    vin: VIN,
    provider: 'renault',
    fetchedAt,
    updatedAt: '2026-11-20T07:55:00.000Z',
    battery: { socPercent: 64 },
    rangeKm: 212,
    charging: { state: 'not_charging', plug: 'unplugged' },
    lock: { state: 'locked' },
    ...over,
  };
}

/** The account members a poller uses; readStatus answers with `answer(n)` for the n-th read (1-based). */
class ScriptedAccount extends EventEmitter {
  readonly pollers = new Set<BudgetSharer>();
  readonly budget = { limit: 60, reserve: 5, windowMs: 3_600_000 };
  state: SessionState = { phase: 'ready' };
  /** When each read was asked (clock ms) and with which options. */
  readonly reads: { at: number; options: ReadOptions }[] = [];
  cached?: VehicleStatus;
  answer: (n: number) => VehicleStatus | Promise<VehicleStatus> = () => status();

  constructor(readonly clock: ManualClock) {
    super();
  }

  /** Unknown cost: no budget plan stretches the interval. */
  statusCost(): number | undefined {
    return undefined;
  }

  cachedStatus(): VehicleStatus | undefined {
    return this.cached;
  }

  async readStatus(_vin: string, _parts: unknown, options: ReadOptions = {}): Promise<VehicleStatus> {
    this.reads.push({ at: this.clock.now(), options });
    return this.answer(this.reads.length);
  }

  /** Minutes since the start at which the reads were asked. */
  readMinutes(): number[] {
    return this.reads.map((r) => (r.at - Date.parse(START)) / MIN);
  }
}

function failWith(code: ErrorCode): never {
  throw new CarError(code, `scripted ${code}`);
}

describe('features/status: what the poller does with each answer', () => {
  let clock: ManualClock;
  let account: ScriptedAccount;
  const pollers: StatusPoller[] = [];

  beforeEach(() => {
    clock = new ManualClock(START);
    account = new ScriptedAccount(clock);
  });

  afterEach(() => {
    for (const p of pollers.splice(0)) p.stop();
  });

  /** A started poller of the scripted account: first read one minute after the start. */
  function poller(opts: Partial<StatusPollerOptions> = {}, events: [string, StatusEvent | CarError][] = []): StatusPoller {
    const p = new StatusPoller({
      session: account,
      vin: VIN,
      parts: ['battery', 'charging', 'lock'],
      intervalMs: 10 * MIN,
      onlyOnChange: false,
      clock,
      firstReadDelayMs: MIN,
      ...opts,
    });
    for (const name of ['status', 'error', 'waiting']) p.on(name, (e: StatusEvent | CarError) => events.push([name, e]));
    pollers.push(p);
    p.start();
    return p;
  }

  async function run(p: StatusPoller, ms: number): Promise<void> {
    await clock.advance(ms);
    await p.settled();
  }

  const summary = (events: [string, StatusEvent | CarError][]): string[] =>
    events.map(([name, e]) => (e instanceof CarError ? `${name} ${e.code}` : `${name} ${e.trigger} ${e.changed} ${e.status.battery?.socPercent}`));

  describe('the next read', () => {
    it('makes no call while the account waits for a password or a code, and looks again every minute', async () => {
      for (const phase of ['blocked', 'tfa_required'] as const) {
        account = new ScriptedAccount(clock);
        account.state = { phase };
        const p = poller();
        const from = (clock.now() - Date.parse(START)) / MIN;
        await run(p, 4 * MIN);
        assert.deepEqual(account.reads, [], `no call while ${phase}`);
        // Through without a word to the poller (no 'state' event): its next look, a minute on, reads.
        account.state = { phase: 'ready' };
        await run(p, MIN);
        assert.deepEqual(account.readMinutes(), [from + 5], `${phase}: read at the first look after it`);
        p.stop();
      }
    });

    it('polls every third of the interval while the car charges when adaptive, at the interval otherwise', async () => {
      const charging = status({ charging: { state: 'charging', plug: 'plugged' } });
      for (const [adaptive, minutes] of [
        [true, [1, 11, 21, 31, 41, 51, 61]],
        [false, [1, 31, 61]],
        [undefined, [1, 31, 61]],
      ] as const) {
        clock = new ManualClock(START);
        account = new ScriptedAccount(clock);
        account.answer = () => charging;
        const p = poller({ intervalMs: 30 * MIN, ...(adaptive !== undefined ? { adaptive } : {}) });
        await run(p, 61 * MIN);
        assert.deepEqual(account.readMinutes(), minutes, `adaptive ${String(adaptive)}`);
        p.stop();
      }
    });

    it('polls a quarter slower after an hour of unchanged reads of a parked car, and at the interval again after a change', async () => {
      account.answer = (n) => (n <= 8 ? status() : status({ lock: { state: 'unlocked' } }));
      const p = poller({ adaptive: true });
      await run(p, 120 * MIN);
      // Reads 2 to 7 change nothing: after the sixth quiet one (an hour), 12.5 minutes; read 9 changes the lock.
      assert.deepEqual(account.readMinutes(), [1, 11, 21, 31, 41, 51, 61, 73.5, 86, 96, 106, 116]);
    });

    it('waits 15 minutes after a refused sign-in or a code asked for, and only the interval after another failure', async () => {
      for (const [code, gap] of [
        ['AUTH_FAILED', 15],
        ['TFA_REQUIRED', 15],
        ['UPSTREAM', 1],
      ] as const) {
        clock = new ManualClock(START);
        account = new ScriptedAccount(clock);
        account.answer = (n) => (n === 1 ? failWith(code) : status());
        const p = poller({ intervalMs: MIN });
        await run(p, MIN + gap * MIN - 1);
        assert.equal(account.reads.length, 1, `${code}: no second read before ${gap} minutes`);
        await run(p, 1);
        assert.deepEqual(account.readMinutes(), [1, 1 + gap], code);
        p.stop();
      }
    });

    it('reads at once when the sign-in a refused read waits for goes through', async () => {
      account.answer = (n) => (n === 1 ? failWith('AUTH_FAILED') : status());
      const p = poller();
      await run(p, MIN);
      account.state = { phase: 'ready' };
      account.emit('state', account.state);
      await run(p, 0);
      assert.deepEqual(account.readMinutes(), [1, 1]);
    });

    it('reads no more for a sign-in the account reports while its reads succeed', async () => {
      const p = poller();
      await run(p, MIN);
      account.state = { phase: 'ready' };
      account.emit('state', account.state);
      await run(p, 9 * MIN);
      assert.deepEqual(account.readMinutes(), [1], 'the next read comes at the interval');
    });

    it('asks for a background read half an interval fresh, and on request for an explicit one 30 s fresh', async () => {
      const p = poller({ intervalMs: 20 * MIN });
      await run(p, MIN);
      await p.read('request');
      assert.deepEqual(
        account.reads.map((r) => r.options),
        [
          { kind: 'background', maxAgeMs: 10 * MIN },
          { kind: 'explicit', maxAgeMs: 30_000 },
        ],
      );
    });
  });

  describe('the events of a failure', () => {
    const table: [ErrorCode, string[]][] = [
      ['AUTH_FAILED', []],
      ['TFA_REQUIRED', []],
      ['CAPTCHA_REQUIRED', []],
      ['RATE_LIMITED', ['waiting RATE_LIMITED']],
      ['QUOTA_EXCEEDED', ['waiting QUOTA_EXCEEDED']],
      ['UPSTREAM', ['error UPSTREAM']],
      ['NETWORK', ['error NETWORK']],
    ];

    it('leaves sign-in problems to the account, says a pause is waited out, and reports any other failure of a poll', async () => {
      for (const [code, expected] of table) {
        account = new ScriptedAccount(clock);
        account.answer = () => failWith(code);
        const events: [string, StatusEvent | CarError][] = [];
        const p = poller({}, events);
        await run(p, MIN);
        assert.equal(account.reads.length, 1, code);
        assert.deepEqual(summary(events), expected, code);
        p.stop();
      }
    });

    it('emits nothing for a failed request: the caller gets the error', async () => {
      for (const [code] of table) {
        account = new ScriptedAccount(clock);
        account.answer = () => failWith(code);
        const events: [string, StatusEvent | CarError][] = [];
        const p = poller({}, events);
        await assert.rejects(p.read('request'), { code, message: `scripted ${code}` });
        assert.deepEqual(summary(events), [], code);
        p.stop();
      }
    });

    it('reports a failure that repeats once, a new kind at once, and the same kind again after a good read', async () => {
      const script: (ErrorCode | undefined)[] = ['UPSTREAM', 'UPSTREAM', 'NETWORK', 'NETWORK', undefined, 'NETWORK'];
      account.answer = (n) => {
        const code = script[n - 1];
        return code ? failWith(code) : status();
      };
      const events: [string, StatusEvent | CarError][] = [];
      const p = poller({ intervalMs: MIN }, events);
      await run(p, 6 * MIN);
      assert.equal(account.reads.length, 6);
      assert.deepEqual(summary(events), ['error UPSTREAM', 'error NETWORK', 'status poll true 64', 'error NETWORK']);
    });
  });

  describe('what other reads bring', () => {
    it('passes on a pushed status once per change, as changed, and nothing that repeats its own read', async () => {
      const events: [string, StatusEvent | CarError][] = [];
      const p = poller({}, events);
      await run(p, MIN);
      // The same values, assembled later: no change.
      account.cached = status({}, '2026-11-20T08:01:30.000Z');
      account.emit('status', VIN);
      account.cached = status({ battery: { socPercent: 63 } }, '2026-11-20T08:02:00.000Z');
      account.emit('status', VIN);
      account.emit('status', VIN);
      assert.deepEqual(summary(events), ['status poll true 64', 'status push true 63']);
    });

    it('leaves a push during its own read to that read, and passes pushes on again once its read is over, failed or not', async () => {
      let release: (s: VehicleStatus) => void = () => undefined;
      account.answer = (n) => (n === 1 ? new Promise<VehicleStatus>((r) => (release = r)) : failWith('UPSTREAM'));
      const events: [string, StatusEvent | CarError][] = [];
      const p = poller({}, events);
      const asked = p.read('request');
      account.cached = status({ battery: { socPercent: 61 } });
      account.emit('status', VIN);
      release(status({ battery: { socPercent: 61 } }));
      assert.equal((await asked).status.battery?.socPercent, 61);
      account.cached = status({ battery: { socPercent: 60 } });
      account.emit('status', VIN);
      await assert.rejects(p.read('request'), { code: 'UPSTREAM' });
      account.cached = status({ battery: { socPercent: 59 } });
      account.emit('status', VIN);
      assert.deepEqual(summary(events), ['status push true 60', 'status push true 59']);
    });
  });

  describe('stop', () => {
    it('leaves the account with no listener and no poller of it', async () => {
      const p = poller();
      await run(p, MIN);
      assert.deepEqual([account.listenerCount('status'), account.listenerCount('state'), account.pollers.size], [1, 1, 1]);
      p.stop();
      assert.deepEqual([account.listenerCount('status'), account.listenerCount('state'), account.pollers.size], [0, 0, 0]);
    });

    it('reads nothing more once stopped, not even after a read that was under way', async () => {
      let release: (s: VehicleStatus) => void = () => undefined;
      account.answer = (n) => (n === 1 ? new Promise<VehicleStatus>((r) => (release = r)) : status());
      const events: [string, StatusEvent | CarError][] = [];
      const p = poller({}, events);
      await clock.advance(MIN);
      assert.equal(account.reads.length, 1, 'the first read is under way');
      p.stop();
      release(status());
      await p.settled();
      account.cached = status({ battery: { socPercent: 50 } });
      account.emit('status', VIN);
      account.emit('state', { phase: 'ready' } satisfies SessionState);
      await run(p, 24 * 60 * MIN);
      assert.deepEqual([account.reads.length, clock.pending], [1, 0], 'no second read, no timer left');
      assert.ok(!summary(events).some((e) => e.startsWith('status push')), 'nothing pushed after the stop');
    });
  });
});

describe('features/status: the status dot at its edges', () => {
  const words = { locked: 'fermée', unlocked: 'ouverte', charging: 'en charge', plugged: 'branchée' };

  it('names a plugged car that does not charge, a secured or unlocked lock, in the words given', () => {
    const at = { vin: VIN, provider: 'renault', fetchedAt: START } as const;
    const table: [Partial<VehicleStatus>, string][] = [
      [{ battery: { socPercent: 81.6 }, charging: { state: 'not_charging', plug: 'plugged' } }, '82 % · branchée'],
      [{ battery: { socPercent: 40 }, charging: { state: 'charging', plug: 'plugged' } }, '40 % · en charge'],
      [{ rangeKm: 150.4, lock: { state: 'secured' } }, '150 km · fermée'],
      [{ mileageKm: 20_345.5, lock: { state: 'unlocked' } }, '20346 km total · ouverte'],
      [{ lock: { state: 'unknown' }, charging: { state: 'not_charging', plug: 'unplugged' } }, ''],
    ];
    for (const [over, text] of table) assert.equal(summarize({ ...at, ...over }, words), text, JSON.stringify(over));
  });

  it('calls a status stale only when the car data is more than 6 hours old', () => {
    const now = Date.parse('2026-11-20T14:00:00.000Z');
    const at = (updatedAt: string): VehicleStatus => ({ vin: VIN, provider: 'renault', fetchedAt: START, updatedAt });
    assert.equal(STALE_AFTER_MS, 6 * 3_600_000);
    assert.equal(isStale(at('2026-11-20T08:00:00.000Z'), now), false, 'exactly 6 hours');
    assert.equal(isStale(at('2026-11-20T07:59:59.999Z'), now), true, '6 hours and 1 ms');
  });
});
