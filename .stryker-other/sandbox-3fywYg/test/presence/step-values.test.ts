// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { PresenceUpdate } from '../../src/core/presence';
import { distanceM, emptyState, resolveOptions, step, type Fix, type PresenceOptions, type PresenceResult, type PresenceState, type ResolvedPresenceOptions, type ZoneConfig } from '../../src/features/presence';
import { HOME, offset } from './geo';

/**
 * The values of resolveOptions and step (issue 19): the texts of refused options, the resolved options, and what one
 * step shows (state, position, hold reason, pending change, events) at the limits of its rules. Plain value tests,
 * each a few steps of explicit times.
 */
const T0 = Date.parse('2026-05-01T12:00:00Z');
const S = 1000;
const iso = (t: number): string => new Date(t).toISOString();
const fix = (p: { latitude: number; longitude: number }, at: number, extra: Partial<Fix> = {}): Fix => ({ ...p, at, ...extra });
const HOME_ZONE: ZoneConfig = { name: 'Home', ...HOME, radiusM: 100 };

/** Runs fixes (each with the time it is evaluated at) from `start`; returns every step's result. */
function run(o: ResolvedPresenceOptions, inputs: { fix: Fix; now: number }[], start: PresenceState = emptyState()): PresenceResult[] {
  const results: PresenceResult[] = [];
  let state = start;
  for (const { fix: f, now } of inputs) {
    const r = step(state, { kind: 'fix', fix: f }, now, o);
    results.push(r);
    state = r.state;
  }
  return results;
}

/** The last result of a run. */
function last(results: PresenceResult[]): PresenceResult {
  const r = results.at(-1);
  assert.ok(r);
  return r;
}

const holdOf = (u: PresenceUpdate): { stale: boolean; reason?: string; position?: PresenceUpdate['position'] } => ({
  stale: u.stale,
  ...(u.reason ? { reason: u.reason } : {}),
  ...(u.position ? { position: u.position } : {}),
});

describe('presence options and step values', () => {
  describe('resolveOptions', () => {
    it('fills in the margin from the noise, says whether the user set it, and gives the defaults of the times', () => {
      const o = resolveOptions({ zones: [HOME_ZONE, { name: 'Work', latitude: 48.9, longitude: 2.3, radiusM: 200, marginM: 30, passive: true }], noiseM: 10 });
      assert.deepEqual(o, {
        zones: [
          { name: 'Home', ...HOME, radiusM: 100, marginM: 20, marginSet: false, passive: false, sig: '48.8566,2.3522,100,20' },
          { name: 'Work', latitude: 48.9, longitude: 2.3, radiusM: 200, marginM: 30, marginSet: true, passive: true, sig: '48.9,2.3,200,30' },
        ],
        enterDwellMs: 0,
        leaveDwellMs: 120_000,
        maxAgeMs: 1_800_000,
        noiseM: 10,
      });
    });

    it('takes a maximum age of 0 as the default 30 minutes', () => {
      assert.equal(resolveOptions({ zones: [HOME_ZONE], maxAgeMs: 0 }).maxAgeMs, 1_800_000);
      assert.equal(resolveOptions({ zones: [HOME_ZONE], maxAgeMs: 60_000 }).maxAgeMs, 60_000);
    });

    it('refuses a time or noise that is negative or not finite, naming the field', () => {
      const cases: [Partial<PresenceOptions>, string][] = [
        [{ enterDwellMs: -1 }, 'enterDwell must be a number of seconds, 0 or more'],
        [{ leaveDwellMs: Number.NaN }, 'leaveDwell must be a number of seconds, 0 or more'],
        [{ maxAgeMs: -1 }, 'maxAge must be a number of seconds, 0 or more'],
        [{ noiseM: Number.POSITIVE_INFINITY }, 'noise must be a number of seconds, 0 or more'],
      ];
      for (const [extra, message] of cases) {
        assert.throws(() => resolveOptions({ zones: [HOME_ZONE], ...extra }), { code: 'BAD_INPUT', message }, message);
      }
    });

    it('refuses a wrong zone naming its number, its name when it has one, the field and what is wrong', () => {
      const cases: [unknown, string][] = [
        [{ ...HOME_ZONE, latitude: 91 }, 'zone 2 (Home): latitude Too big: expected number to be <=90'],
        [{ ...HOME_ZONE, name: '' }, 'zone 2: name a zone needs a name'],
        [{ ...HOME_ZONE, radiusM: 0 }, 'zone 2 (Home): radiusM Too small: expected number to be >0'],
        [5, 'zone 2: zone Invalid input: expected object, received number'],
      ];
      const first: ZoneConfig = { name: 'Work', latitude: 48.9, longitude: 2.3, radiusM: 200 };
      for (const [zone, message] of cases) {
        assert.throws(() => resolveOptions({ zones: [first, zone as ZoneConfig] }), { code: 'BAD_INPUT', message }, message);
      }
    });
  });

  describe('a fix at the limit of its maximum age', () => {
    const o = resolveOptions({ zones: [HOME_ZONE], maxAgeMs: 600_000 });
    const start = last(run(o, [{ fix: fix(HOME, T0), now: T0 }])).state;
    const away = offset(HOME, 300, 90);

    it('is believed when exactly that old, and held as stale one millisecond older', () => {
      const at = T0 + 60 * S;
      const exact = last(run(o, [{ fix: fix(away, at), now: at + 600_000 }], start)).update;
      assert.deepEqual(holdOf(exact), { stale: false, position: { ...away, updatedAt: iso(at) } });
      assert.deepEqual(exact.zones[0]?.pending, { inside: false, since: iso(at), confirmed: false });
      const older = last(run(o, [{ fix: fix(away, at), now: at + 600_001 }], start)).update;
      assert.deepEqual(holdOf(older), { stale: true, reason: 'stale', position: { ...away, updatedAt: iso(at) } });
      assert.equal(older.zones[0]?.pending, undefined);
    });
  });

  describe('a stale fix after a known one', () => {
    const o = resolveOptions({ zones: [HOME_ZONE], maxAgeMs: 600_000 });
    const start = last(run(o, [{ fix: fix(HOME, T0), now: T0 }])).state;
    const later = T0 + 2 * 3_600_000;
    const away = offset(HOME, 300, 90);

    it('gives the distances and position when it is newer than the known one', () => {
      const u = last(run(o, [{ fix: fix(away, T0 + 60 * S), now: later }], start)).update;
      assert.deepEqual(holdOf(u), { stale: true, reason: 'stale', position: { ...away, updatedAt: iso(T0 + 60 * S) } });
      assert.equal(u.distanceM, 300);
      assert.equal(u.state, 'Home');
    });

    it('leaves the known position when it is older, or as old', () => {
      for (const at of [T0 - 60 * S, T0]) {
        const u = last(run(o, [{ fix: fix(away, at), now: later }], start)).update;
        assert.deepEqual(holdOf(u), { stale: true, reason: 'stale', position: { ...HOME, updatedAt: iso(T0) } }, iso(at));
        assert.equal(u.distanceM, 0);
      }
    });
  });

  describe('a pending leave (120 s dwell time)', () => {
    const o = resolveOptions({ zones: [HOME_ZONE] });
    const out1 = fix(offset(HOME, 300, 90), T0 + 60 * S);
    const out2 = fix(offset(HOME, 310, 90), T0 + 90 * S);

    it('is unconfirmed after one fix outside and confirmed after two, before its dwell time ran out', () => {
      const [, one, two] = run(o, [
        { fix: fix(HOME, T0), now: T0 },
        { fix: out1, now: out1.at },
        { fix: out2, now: out2.at },
      ]);
      assert.deepEqual(one?.update.zones[0]?.pending, { inside: false, since: iso(out1.at), confirmed: false });
      assert.deepEqual(two?.update.zones[0]?.pending, { inside: false, since: iso(out1.at), confirmed: true });
      assert.equal(two?.events.length, 0);
    });

    it('is confirmed by the same fix read again once the dwell time ran out', () => {
      const results = run(o, [
        { fix: fix(HOME, T0), now: T0 },
        { fix: out1, now: out1.at },
        { fix: out2, now: out2.at },
        { fix: out2, now: T0 + 200 * S },
      ]);
      const r = last(results);
      assert.deepEqual(
        r.events.map((e) => ({ event: e.event, zone: e.zone, at: e.at, confirmedAt: e.confirmedAt })),
        [{ event: 'leave', zone: 'Home', at: iso(out1.at), confirmedAt: iso(T0 + 200 * S) }],
      );
      assert.equal(r.update.state, 'away');
    });

    it('is confirmed at once by a second fix with driven kilometres, without waiting for the dwell time', () => {
      const r = last(
        run(o, [
          { fix: fix(HOME, T0, { mileageKm: 100 }), now: T0 },
          { fix: fix(offset(HOME, 300, 90), T0 + 60 * S, { mileageKm: 100 }), now: T0 + 60 * S },
          { fix: fix(offset(HOME, 600, 90), T0 + 90 * S, { mileageKm: 105 }), now: T0 + 90 * S },
        ]),
      );
      assert.deepEqual(
        r.events.map((e) => ({ event: e.event, at: e.at, confirmedAt: e.confirmedAt })),
        [{ event: 'leave', at: iso(T0 + 60 * S), confirmedAt: iso(T0 + 90 * S) }],
      );
      assert.equal(r.update.state, 'away');
    });

    it('stays pending through an outlier on its side, and goes off with one back on the known side', () => {
      const start = run(o, [
        { fix: fix(HOME, T0), now: T0 },
        { fix: out1, now: out1.at },
      ]);
      const startState = last(start).state;
      // 5 km in a second: a jump no car makes, but outside the zone like the pending change.
      const far = last(run(o, [{ fix: fix(offset(HOME, 5_000, 90), out1.at + S), now: out1.at + S }], startState)).update;
      assert.equal(far.reason, 'outlier');
      assert.deepEqual(far.zones[0]?.pending, { inside: false, since: iso(out1.at), confirmed: false });
      // 300 m back in a second: a jump too, but on the known side.
      const back = last(run(o, [{ fix: fix(HOME, out1.at + S), now: out1.at + S }], startState)).update;
      assert.equal(back.reason, 'outlier');
      assert.equal(back.zones[0]?.pending, undefined);
    });
  });

  describe('an outlier and a second fix next to it', () => {
    const o = resolveOptions({ zones: [HOME_ZONE] });
    const jump = fix(offset(HOME, 5_000, 0), T0 + 10 * S);
    const start = last(
      run(o, [
        { fix: fix(HOME, T0), now: T0 },
        { fix: jump, now: jump.at },
      ]),
    );

    it('sets the first aside as an outlier', () => {
      assert.deepEqual(holdOf(start.update), { stale: true, reason: 'outlier', position: { ...HOME, updatedAt: iso(T0) } });
    });

    it('believes a later fix next to the outlier: the car really is there', () => {
      const next = offset(HOME, 5_020, 0);
      const u = last(run(o, [{ fix: fix(next, T0 + 20 * S), now: T0 + 20 * S }], start.state)).update;
      assert.deepEqual(holdOf(u), { stale: false, position: { ...next, updatedAt: iso(T0 + 20 * S) } });
    });

    it('does not believe the outlier read again, nor a later fix far from it too', () => {
      const again = last(run(o, [{ fix: jump, now: T0 + 20 * S }], start.state)).update;
      assert.deepEqual(holdOf(again), { stale: true, reason: 'outlier', position: { ...HOME, updatedAt: iso(T0) } });
      const elsewhere = last(run(o, [{ fix: fix(offset(HOME, 5_000, 180), T0 + 20 * S), now: T0 + 20 * S }], start.state)).update;
      assert.deepEqual(holdOf(elsewhere), { stale: true, reason: 'outlier', position: { ...HOME, updatedAt: iso(T0) } });
    });
  });

  describe('the active zone among zones the fix is in', () => {
    const near = { name: 'Near', ...offset(HOME, 50, 0), radiusM: 100 };
    const cases: [string, ZoneConfig[], { latitude: number; longitude: number }, string][] = [
      ['the smaller of two with the same centre, listed second', [{ name: 'Big', ...HOME, radiusM: 500 }, { name: 'Small', ...HOME, radiusM: 100 }], offset(HOME, 20, 90), 'Small'],
      ['the smaller of two with the same centre, listed first', [{ name: 'Small', ...HOME, radiusM: 100 }, { name: 'Big', ...HOME, radiusM: 500 }], offset(HOME, 20, 90), 'Small'],
      ['the first of two alike', [{ name: 'One', ...HOME, radiusM: 100 }, { name: 'Two', ...HOME, radiusM: 100 }], offset(HOME, 20, 90), 'One'],
      ['the closest, though larger', [{ name: 'Wide', ...HOME, radiusM: 500 }, near], HOME, 'Wide'],
    ];
    for (const [what, zones, at, want] of cases) {
      it(`is ${what}`, () => {
        const u = last(run(resolveOptions({ zones }), [{ fix: fix(at, T0), now: T0 }])).update;
        assert.deepEqual({ state: u.state, zone: u.zone, present: u.present, inside: u.zones.map((z) => z.inside) }, { state: want, zone: want, present: true, inside: [true, true] });
      });
    }
  });

  it('takes a fix exactly on the radius as inside: a car known away starts an enter there', () => {
    const edge = offset(HOME, 150, 90);
    // The zone's radius is the fix's distance as presence measures it, to the last bit.
    const o = resolveOptions({ zones: [{ name: 'Home', ...HOME, radiusM: distanceM(HOME.latitude, HOME.longitude, edge.latitude, edge.longitude) }] });
    const u = last(
      run(o, [
        { fix: fix(offset(HOME, 2_000, 90), T0), now: T0 },
        { fix: fix(edge, T0 + 60 * S), now: T0 + 60 * S },
      ]),
    ).update;
    assert.deepEqual([u.state, u.zones[0]?.pending], ['away', { inside: true, since: iso(T0 + 60 * S), confirmed: false }]);
  });

  it('an inaccurate fix holds the state without calling it stale', () => {
    const o = resolveOptions({ zones: [HOME_ZONE] });
    const r = last(
      run(o, [
        { fix: fix(HOME, T0), now: T0 },
        { fix: fix(offset(HOME, 300, 90), T0 + 60 * S, { accuracyM: 200 }), now: T0 + 60 * S },
      ]),
    );
    assert.deepEqual({ stale: r.update.stale, reason: r.update.reason, state: r.update.state }, { stale: false, reason: 'inaccurate', state: 'Home' });
  });
});
