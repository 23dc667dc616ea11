// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock, type VehicleStatus } from '../../src/core';
import type { PresenceEvent } from '../../src/core/presence';
import { emptyState, nextDueAt, positionFromMessage, resolveOptions, step, type PresenceState } from '../../src/features/presence';
import { PresenceTracker, presenceOptionsFrom, type PresenceText, type Tracked } from '../../src/features/presence-tracker';
import { nodeFile } from '../../src/features/trip-store';
import { removeDir, tempDir } from '../helpers';
import { HOME, offset } from './geo';

/** Regression tests of issue 12: presence that filters and does not forget. */
const T0 = Date.parse('2026-03-02T00:00:00Z');
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();
const o = resolveOptions({ zones: [{ name: 'home', ...HOME, radiusM: 100 }], leaveDwellMs: 120_000 });

/** A Renault status read at `read`, its fix taken at `fixAt`. */
function status(read: number, fixAt: number, p: { latitude: number; longitude: number }, km: number, provider: 'renault' | 'cardata' = 'renault'): VehicleStatus {
  return { vin: 'V', provider, fetchedAt: iso(read), updatedAt: iso(fixAt), mileageKm: km, position: { ...p, updatedAt: iso(fixAt) } };
}

function feed(statuses: VehicleStatus[], start: PresenceState = emptyState()): { state: PresenceState; events: PresenceEvent[]; last?: ReturnType<typeof step>['update'] } {
  let state = start;
  const events: PresenceEvent[] = [];
  let last: ReturnType<typeof step>['update'] | undefined;
  for (const s of statuses) {
    const now = Date.parse(s.fetchedAt);
    const due = nextDueAt(state, o);
    if (due !== undefined && due <= now) {
      const t = step(state, { kind: 'tick' }, due, o);
      state = t.state;
      events.push(...t.events);
    }
    const r = step(state, positionFromMessage({ payload: s }, now).input, now, o);
    state = r.state;
    events.push(...r.events);
    last = r.update;
  }
  return { state, events, ...(last ? { last } : {}) };
}

describe('presence that filters and does not forget (issue 12)', () => {
  it('the night outlier: a fix 500 m off with the same odometer makes no leave and no enter, whatever the read interval', () => {
    for (const pollMin of [5, 15, 30]) {
      const statuses: VehicleStatus[] = [];
      const parkedAt = T0 - 3 * 60 * MIN;
      for (let t = T0; t < T0 + 8 * 60 * MIN; t += pollMin * MIN) {
        const outlier = t >= T0 + 120 * MIN && t < T0 + 120 * MIN + pollMin * MIN;
        statuses.push(outlier ? status(t, t, offset(HOME, 500, 70), 1000) : status(t, parkedAt, offset(HOME, 20, 10), 1000));
      }
      const r = feed(statuses);
      assert.deepEqual(r.events, [], `every ${pollMin} min`);
      assert.equal(r.last?.state, 'home');
    }
  });

  it('a single fix out, however old, is never confirmed by a timer alone', () => {
    const start = step(emptyState(), { kind: 'fix', fix: { ...HOME, at: T0 } }, T0, o).state;
    // A phone's fix out, 10 minutes old when read: older than the dwell time.
    const out = step(start, { kind: 'fix', fix: { ...offset(HOME, 800, 0), at: T0 + 20 * MIN } }, T0 + 30 * MIN, o);
    assert.deepEqual(out.events, []);
    assert.equal(nextDueAt(out.state, o), undefined);
    assert.deepEqual(step(out.state, { kind: 'tick' }, T0 + 5 * 60 * MIN, o).events, []);
  });

  it('an arrival read late is an arrival, at the time of the fix (Renault at 30-minute reads)', () => {
    const away = offset(HOME, 8_000, 200);
    const r = feed([
      status(T0, T0 - 60 * MIN, away, 1000),
      // Home at 00:12 (12 km driven), read at 00:50: the fix is 38 minutes old.
      status(T0 + 50 * MIN, T0 + 12 * MIN, offset(HOME, 15, 90), 1012),
    ]);
    assert.deepEqual(r.events.map((e) => [e.event, e.at]), [['enter', iso(T0 + 12 * MIN)]]);
    assert.equal(r.events[0]?.confirmedAt, iso(T0 + 50 * MIN));
    assert.equal(r.last?.state, 'home');
    assert.equal(r.last?.stale, false, 'a parked car\'s old fix is still its position');
  });

  it('a reported movement ends "home" at once: one fix with driven kilometres is enough', () => {
    const r = feed([status(T0, T0 - 60 * MIN, HOME, 1000), status(T0 + 30 * MIN, T0 + 25 * MIN, offset(HOME, 6_000, 0), 1009)]);
    assert.deepEqual(r.events.map((e) => [e.event, e.at]), [['leave', iso(T0 + 25 * MIN)]]);
  });

  it('parked 90 m from home in a 100 m zone with 10-30 m of noise on each axis: no false leave in 3 days of 5-minute fixes', () => {
    const spot = offset(HOME, 90, 40);
    let seed = 1;
    const rnd = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const sign = (): number => (rnd() < 0.5 ? -1 : 1);
    const statuses = [status(T0, T0, spot, 1000)];
    for (let t = T0 + 5 * MIN; t < T0 + 3 * 1440 * MIN; t += 5 * MIN) statuses.push(status(t, t, offset(offset(spot, sign() * (10 + 20 * rnd()), 0), sign() * (10 + 20 * rnd()), 90), 1000));
    const r = feed(statuses);
    assert.equal(o.zones[0]?.marginM, 50, 'the dead band is at least the GPS noise');
    assert.deepEqual(r.events, []);
  });

  it('CarData REST keeps the time a value last changed: a car parked since yesterday is home, not stale', () => {
    const r = feed([status(T0 + 20 * 60 * MIN, T0, offset(HOME, 10, 0), 5000, 'cardata')]);
    assert.deepEqual([r.last?.state, r.last?.stale, r.last?.initial], ['home', false, true]);
  });
});

describe('PresenceTracker after a deploy (issue 12)', () => {
  let dir: string;
  let clock: ManualClock;
  const say = (key: PresenceText): string => `car-presence.errors.${key}`;
  const trackers: PresenceTracker[] = [];
  beforeEach(async () => {
    dir = await tempDir('cc-presence-');
    clock = new ManualClock('2026-03-02T12:00:00Z');
  });
  afterEach(async () => {
    for (const t of trackers.splice(0)) await t.close(false);
    await removeDir(dir);
  });
  const tracker = (tracked: Tracked[] = []): PresenceTracker => {
    const t = new PresenceTracker({
      file: nodeFile(dir, 'presence', 'p1'),
      options: presenceOptionsFrom({ zones: [{ name: 'home', source: 'manual', latitude: String(HOME.latitude), longitude: String(HOME.longitude), radius: '100' }] }, undefined, say),
      say,
      clock,
      log: { warn: () => undefined },
      onTracked: (x) => tracked.push(x),
    });
    trackers.push(t);
    return t;
  };

  it('starts from the last known position of a parked car, not "unknown", and keeps it across a restart', async () => {
    const first = tracker();
    // Parked since 06:00, read at 12:00 right after the deploy.
    const r = await first.input({ payload: status(clock.now(), clock.now() - 6 * 60 * MIN, offset(HOME, 30, 0), 1000) });
    assert.deepEqual([r.update.state, r.update.stale, r.update.initial, r.events.length], ['home', false, true, 0]);
    await first.close(false);
    const again = tracker();
    await again.ready;
    assert.equal(again.restored, 'home');
    await clock.advance(60 * MIN);
    const next = await again.input({ payload: status(clock.now(), clock.now() - 7 * 60 * MIN, offset(HOME, 30, 0), 1000) });
    assert.deepEqual([next.update.state, next.update.initial, next.events.length], ['home', undefined, 0]);
  });

  it('with a single fix out, advancing the clock a whole night confirms nothing', async () => {
    const tracked: Tracked[] = [];
    const t = tracker(tracked);
    await t.input({ payload: status(clock.now(), clock.now() - 60 * MIN, HOME, 1000) });
    await clock.advance(5 * MIN);
    await t.input({ payload: status(clock.now(), clock.now(), offset(HOME, 500, 0), 1000) });
    assert.equal(clock.pending, 0);
    await clock.advance(12 * 60 * MIN);
    assert.deepEqual(tracked, []);
  });
});
