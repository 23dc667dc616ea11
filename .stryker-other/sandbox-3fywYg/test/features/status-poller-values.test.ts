/**
 * The status poller's numbers and reactions, value by value: the key its dot shows, the calls an
 * interval spends, the budget the dialog shows before deploy (minutes, unit, pollers, cost of a
 * read), the plan of a poller that is or is not among the account's pollers, what counts as
 * activity, the settings' blanks, and the poller's answers to the account's events (data another
 * read brought, the sign-in's state) and the spread of the first reads.
 */
// @ts-nocheck

import { after, before, describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, STATUS_PARTS, TokenStore, type VehicleStatus } from '../../src/core';
import { getProvider } from '../../src/brands';
import { AccountSession } from '../../src/features/session';
import {
  budgetView,
  callsPerHourOf,
  isActive,
  MIN_INTERVAL_MS,
  parseIntervalMinutes,
  parseParts,
  planInterval,
  shownPlanKey,
  StatusPoller,
  type IntervalPlan,
  type StatusEvent,
} from '../../src/features/status';
import { deferred, removeDir, tempDir } from '../helpers';
import { R5, renaultWorldEach, reported, ZE50 } from '../renault-session';
import { DEMO_RENAULT_USER } from '../../src/sim/renault';

const base = (over: Partial<VehicleStatus> = {}): VehicleStatus => ({ vin: 'V', provider: 'renault', fetchedAt: '2026-01-01T00:00:00.000Z', ...over });
const plan = (over: Partial<IntervalPlan>): IntervalPlan => ({ setMs: 600_000, callsPerHour: 54, wantedPerHour: 6, pollers: 1, perRead: 1, sustainableMs: 0, effectiveMs: 600_000, limited: false, ...over });
const sharer = (perHour: number): { wantedPerHour: () => number } => ({ wantedPerHour: () => perHour });

describe('features/status: the numbers of a plan', () => {
  it('shows an empty key while the interval set is kept, the whole minutes while the budget stretches it', () => {
    assert.equal(shownPlanKey(plan({ limited: false })), '');
    assert.equal(shownPlanKey(plan({ limited: true, effectiveMs: 450_000 })), '8', '7.5 minutes shown as 8');
    assert.equal(shownPlanKey(plan({ limited: true, effectiveMs: 2 * 3_600_000 })), '120');
    assert.equal(shownPlanKey(plan({ perRead: 0, limited: true })), undefined, 'nothing to say before the cost of a read is known');
  });

  it('counts the calls per hour of a read every interval, and none without an interval', () => {
    assert.equal(callsPerHourOf(2, 600_000), 12);
    assert.equal(callsPerHourOf(3, 3_600_000), 3);
    assert.equal(callsPerHourOf(2, 0), 0, 'only on input spends nothing in the background');
  });
});

describe('features/status: the budget a dialog shows and the plan of a poller (no call made)', () => {
  let dir: string;
  const opened: AccountSession[] = [];
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    for (const s of opened.splice(0)) await s.close();
    await removeDir(dir);
  });
  /** A Renault account whose vehicle list is not loaded: nothing here reaches a server. */
  const session = (budget?: { limit?: number; windowMs?: number; reserve?: number }): AccountSession => {
    const provider = getProvider('renault');
    const s = new AccountSession({
      key: `values-${opened.length}`,
      provider,
      config: provider.resolveConfig({ provider: 'renault', locale: 'fr_FR', username: 'u@example.com', password: 'pw-values', servers: { gigya: 'http://127.0.0.1:9', kamereon: 'http://127.0.0.1:9' } }),
      store: new TokenStore(dir),
      ...(budget ? { budget } : {}),
    });
    opened.push(s);
    return s;
  };

  it('shows the interval set in minutes, the parts chosen as the cost of a read, and the unit of an hourly budget', () => {
    const v = budgetView(session(), { interval: '10', parts: 'battery' });
    assert.deepEqual(
      { onlyOnInput: v.onlyOnInput, setMinutes: v.setMinutes, minutes: v.minutes, perRead: v.perRead, per: v.per, calls: v.calls, callsPerHour: v.callsPerHour, wantedPerHour: v.wantedPerHour, pollers: v.pollers, limited: v.limited },
      { onlyOnInput: false, setMinutes: 10, minutes: 10, perRead: 1, per: 'hour', calls: 54, callsPerHour: 54, wantedPerHour: 6, pollers: 1, limited: false },
    );
    // Unset parts are every part: one call each is the guess before the vehicle list is known.
    assert.equal(budgetView(session(), { interval: '30' }).perRead, STATUS_PARTS.length);
  });

  it('shows the minutes the budget stretches a short interval to', () => {
    // Every part (11 calls) every minute is 660 calls an hour: far over 54 less the unplanned share.
    const v = budgetView(session(), { interval: '1' });
    assert.equal(v.limited, true);
    assert.equal(v.minutes, 14, '60 s × 660 / (54 × 0.85) = 14.4 minutes');
  });

  it('counts a node not deployed yet among the pollers, and a deployed one once', () => {
    const s = session();
    s.pollers.add(sharer(6));
    const fresh = budgetView(s, { interval: '10', parts: 'battery' });
    assert.deepEqual([fresh.pollers, fresh.wantedPerHour], [2, 12], 'the other node and this one');
    const deployed = budgetView(s, { interval: '10', parts: 'battery', deployed: true });
    assert.deepEqual([deployed.pollers, deployed.wantedPerHour], [1, 6], 'this node is the one already counted');
  });

  it('says a day budget per day, from a window of exactly one day, and an hour budget per hour', () => {
    assert.equal(budgetView(session({ limit: 50, windowMs: 86_400_000, reserve: 10 }), { interval: '60' }).per, 'day');
    assert.equal(budgetView(session({ limit: 50, windowMs: 86_400_000 - 1, reserve: 10 }), { interval: '60' }).per, 'hour');
    assert.equal(budgetView(session({ limit: 50, windowMs: 86_400_000, reserve: 10 }), { interval: '60' }).calls, 40);
  });

  it('shows only on input for an empty interval, with no minutes', () => {
    const v = budgetView(session(), { interval: '', parts: 'battery' });
    assert.deepEqual([v.onlyOnInput, v.setMinutes, v.minutes, v.limited], [true, 0, 0, false]);
  });

  it('adds a poller that is not among the account\'s pollers, and counts one that is (or says it is) once', () => {
    const s = session();
    s.pollers.add(sharer(6));
    const outsider = sharer(12);
    const added = planInterval(s, 2, 600_000, outsider);
    assert.deepEqual([added.pollers, added.wantedPerHour], [2, 18], 'the other one and this one (2 calls every 10 minutes)');
    const counted = planInterval(s, 2, 600_000, 'counted');
    assert.deepEqual([counted.pollers, counted.wantedPerHour], [1, 6], 'counted: its calls are among the others already');
    s.pollers.add(outsider);
    const member = planInterval(s, 2, 600_000, outsider);
    assert.deepEqual([member.pollers, member.wantedPerHour], [2, 18], 'a member is counted once, by what it asks now');
  });

  it('adds no poller for only on input, whoever asks', () => {
    const s = session();
    s.pollers.add(sharer(6));
    const p = planInterval(s, 1, 0);
    assert.deepEqual([p.pollers, p.effectiveMs, p.limited], [1, 0, false]);
  });

  it('keeps at least a minute, and never says "limited", while the cost of a read is not known', () => {
    const s = session();
    const short = planInterval(s, undefined, 30_000);
    assert.deepEqual([short.effectiveMs, short.limited, short.perRead, short.sustainableMs], [MIN_INTERVAL_MS, false, 0, 0]);
    const long = planInterval(s, undefined, 20 * 60_000);
    assert.deepEqual([long.effectiveMs, long.limited], [20 * 60_000, false]);
  });
});

describe('features/status: what counts as activity', () => {
  const at = (latitude: number, longitude: number): Partial<VehicleStatus> => ({ position: { latitude, longitude } });
  const cases: [string, VehicleStatus, VehicleStatus | undefined, boolean][] = [
    ['a heating climate', base({ climate: { state: 'heating' } }), undefined, true],
    ['a cooling climate', base({ climate: { state: 'cooling' } }), undefined, true],
    ['a ventilating climate, with no earlier read', base({ climate: { state: 'ventilation' } }), undefined, false],
    ['a first read of a parked car', base({ battery: { socPercent: 60 }, ...at(48.85, 2.35) }), undefined, false],
    ['the same place', base(at(48.85, 2.35)), base(at(48.85, 2.35)), false],
    ['a latitude exactly 0.001 away', base(at(0.001, 2.35)), base(at(0, 2.35)), false],
    ['a latitude 0.002 away', base(at(0.002, 2.35)), base(at(0, 2.35)), true],
    ['a longitude exactly 0.001 away', base(at(48.85, 0.001)), base(at(48.85, 0)), false],
    ['a longitude 0.01 away', base(at(48.85, 2.36)), base(at(48.85, 2.35)), true],
    ['a charge one percent lower', base({ battery: { socPercent: 64 } }), base({ battery: { socPercent: 65 } }), false],
    ['a charge two percent lower, unplugged', base({ battery: { socPercent: 63 }, charging: { state: 'not_charging', plug: 'unplugged' } }), base({ battery: { socPercent: 65 } }), true],
    ['a charge five percent lower, plugged (the car draws from the socket)', base({ battery: { socPercent: 60 }, charging: { state: 'not_charging', plug: 'plugged' } }), base({ battery: { socPercent: 65 } }), false],
  ];
  for (const [what, s, previous, active] of cases) {
    it(`${active ? 'sees' : 'sees no'} activity in ${what}`, () => {
      assert.equal(isActive(s, previous), active);
    });
  }
});

describe('features/status: the settings\' blanks', () => {
  it('reads a null or blank parts setting as every part', () => {
    assert.deepEqual(parseParts(null), [...STATUS_PARTS]);
    assert.deepEqual(parseParts('   '), [...STATUS_PARTS]);
  });

  it('reads a null interval as the default, a blank one as only on input, and quotes the trimmed text of a bad one', () => {
    assert.equal(parseIntervalMinutes(null, 10), 10);
    assert.equal(parseIntervalMinutes('   ', 10), 0);
    assert.equal(parseIntervalMinutes(' 15 ', 10), 15);
    assert.throws(() => parseIntervalMinutes(' 0 ', 10), (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && e.message.endsWith('(got "0")'));
  });
});

describe('features/status: the poller and its account\'s events', () => {
  const w = renaultWorldEach();

  it('passes on what another read brought of its own car, once, and nothing of another car', async () => {
    const session = w.session({ key: 'push' });
    await session.vehicles();
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: true, clock: w.clock, firstReadDelayMs: 3_600_000 });
    const seen: StatusEvent[] = [];
    poller.on('status', (e: StatusEvent) => seen.push(e));
    poller.start();
    try {
      await session.readStatus(R5, ['battery'], { kind: 'explicit' });
      assert.equal(seen.length, 0, 'another car is not this poller\'s');
      await session.readStatus(ZE50, ['battery', 'mileage'], { kind: 'explicit' });
      await session.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
      assert.deepEqual(
        seen.map((e) => [e.trigger, e.changed, e.status.vin, e.status.battery?.socPercent]),
        [['push', true, ZE50, reported(w.sim, ZE50).socPercent]],
        'the first read of its car, not the same data again',
      );
    } finally {
      poller.stop();
    }
  });

  it('spreads the first reads of an account\'s pollers: one second after start, then three seconds apart', async () => {
    const session = w.session({ key: 'spread' });
    await session.vehicles();
    const start = w.clock.now();
    const firsts: number[][] = [[], []];
    const pollers = [ZE50, R5].map((vin, i) => {
      const p = new StatusPoller({ session, vin, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock: w.clock });
      p.on('status', () => firsts[i]?.push(w.clock.now() - start));
      p.start();
      return p;
    });
    try {
      for (const step of [1_000, 2_999, 1]) {
        await w.clock.advance(step);
        await Promise.all(pollers.map((p) => p.settled()));
      }
      assert.deepEqual(firsts, [[1_000], [4_000]]);
    } finally {
      pollers.forEach((p) => p.stop());
    }
  });

  /** A started 10-minute battery poller of its own account, with the plans it shows and the reads it sends. */
  async function watchedPoller(key: string): Promise<{ session: AccountSession; poller: StatusPoller; shown: IntervalPlan[]; reads: StatusEvent[] }> {
    const session = w.session({ key });
    await session.vehicles();
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock: w.clock });
    const shown: IntervalPlan[] = [];
    const reads: StatusEvent[] = [];
    poller.on('interval', (p: IntervalPlan) => shown.push(p));
    poller.on('status', (e: StatusEvent) => reads.push(e));
    poller.start();
    return { session, poller, shown, reads };
  }

  it('says the interval it keeps once, not at every read, while it does not change', async () => {
    const { poller, shown, reads } = await watchedPoller('shown');
    try {
      for (let i = 0; i < 3; i++) {
        await w.clock.advance(10 * 60_000);
        await poller.settled();
      }
      assert.equal(reads.length, 3);
      assert.deepEqual(shown.map((p) => [p.effectiveMs, p.limited]), [[10 * 60_000, false]]);
    } finally {
      poller.stop();
    }
  });

  it('says nothing of a poll\'s read that was under way when it stopped: neither its data nor its failure', async () => {
    for (const outcome of ['answer', 'failure'] as const) {
      const { session, poller, reads } = await watchedPoller(`stopped-${outcome}`);
      const answered = await session.readStatus(ZE50, ['battery'], { kind: 'explicit' });
      const gate = deferred<VehicleStatus>();
      // A stand-in for a read that is slow to answer.
      session.readStatus = (): Promise<VehicleStatus> => gate.promise;
      const failures: unknown[] = [];
      poller.on('error', (e: unknown) => failures.push(e));
      poller.on('waiting', (e: unknown) => failures.push(e));
      await w.clock.advance(1_000);
      poller.stop();
      if (outcome === 'answer') gate.resolve({ ...answered, fetchedAt: new Date(w.clock.now()).toISOString() });
      else gate.reject(new CarError('UPSTREAM', 'the cloud failed'));
      await poller.settled();
      assert.deepEqual([reads.filter((e) => e.trigger === 'poll').length, failures.length], [0, 0], outcome);
    }
  });

  it('says nothing of its plan once the cost of a read is no longer known (its car left the account\'s list)', async () => {
    const { session, poller, shown, reads } = await watchedPoller('unknown-cost');
    try {
      await w.clock.advance(1_000);
      await poller.settled();
      // What the session answers for a car it no longer lists (a stand-in: the simulator keeps its cars).
      session.statusCost = (): undefined => undefined;
      await w.clock.advance(10 * 60_000);
      await poller.settled();
      assert.equal(reads.length, 2);
      assert.deepEqual(shown.map((p) => [p.perRead, p.effectiveMs]), [[1, 10 * 60_000]], 'only the plan shown while the cost was known');
    } finally {
      poller.stop();
    }
  });

  it('keeps its first read\'s time when the account signs in meanwhile (it waited for no one)', async () => {
    const session = w.session({ key: 'ready' });
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock: w.clock, firstReadDelayMs: 5 * 60_000 });
    const reads: number[] = [];
    const start = w.clock.now();
    poller.on('status', () => reads.push(w.clock.now() - start));
    poller.start();
    try {
      await session.vehicles();
      assert.equal(session.state.phase, 'ready');
      await w.clock.advance(0);
      await poller.settled();
      assert.deepEqual(reads, [], 'no read at the sign-in');
      await w.clock.advance(5 * 60_000);
      await poller.settled();
      assert.deepEqual(reads, [5 * 60_000]);
    } finally {
      poller.stop();
    }
  });

  it('reads once at the confirmed sign-in: a failed read then waits for its interval, not for the account\'s next "ready"', async () => {
    w.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const session = w.session({ key: 'confirmed' });
    await assert.rejects(session.vehicles(), { code: 'TFA_REQUIRED' });
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock: w.clock });
    const seen: string[] = [];
    poller.on('status', (e: StatusEvent) => seen.push(e.trigger));
    poller.on('error', (e: { code: string }) => seen.push(`error ${e.code}`));
    poller.start();
    try {
      await w.clock.advance(1_000);
      await poller.settled();
      w.sim.renault.injectFault({ kind: 'invalid-upstream', path: /battery-status/, times: 1 });
      await session.submitCode(w.sim.renault.lastTfaCode ?? '');
      await w.clock.advance(0);
      await poller.settled();
      assert.equal(session.state.phase, 'error', 'the read at the confirmation met the fault');
      // Another node's read succeeds: the account is ready again, and its data comes to the poller as a push.
      await session.readStatus(ZE50, ['battery'], { kind: 'explicit' });
      assert.equal(session.state.phase, 'ready');
      await w.clock.advance(0);
      await poller.settled();
      assert.deepEqual(seen, ['error UPSTREAM', 'push']);
      await w.clock.advance(10 * 60_000);
      await poller.settled();
      assert.deepEqual(seen, ['error UPSTREAM', 'push', 'poll'], 'the next read an interval after the failed one');
    } finally {
      poller.stop();
    }
  });

  it('after a refused password, reads again at its next look, not when the user only presses "Sign in again"', async () => {
    const session = w.session({ key: 'blocked', password: 'not-the-password' });
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock: w.clock });
    poller.on('error', () => undefined);
    poller.start();
    try {
      await w.clock.advance(1_000);
      await poller.settled();
      assert.equal(session.state.phase, 'blocked');
      const logins = w.sim.renault.stats.logins;
      await session.unblock();
      assert.equal(session.state.phase, 'idle');
      await w.clock.advance(0);
      await poller.settled();
      assert.equal(w.sim.renault.stats.logins, logins, 'no sign-in attempt at the press');
      // The refused sign-in put its next look 15 minutes after it.
      await w.clock.advance(15 * 60_000);
      await poller.settled();
      assert.equal(w.sim.renault.stats.logins, logins + 1, 'one attempt at the next look');
    } finally {
      poller.stop();
    }
  });
});
