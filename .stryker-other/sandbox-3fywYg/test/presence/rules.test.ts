// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { distanceM, emptyState, isOutlier, nextDueAt, resolveOptions, step, type Fix, type PresenceState } from '../../src/features/presence';
import { HOME, offset } from './geo';

/**
 * The limits of the presence rules, each on both sides (issue 19: a limit no test puts a fix on either side of can
 * change freely). Distances come from distanceM itself, so that they are exact where the rule compares them.
 */
const T0 = Date.parse('2026-05-01T12:00:00Z');
const fix = (p: { latitude: number; longitude: number }, at: number, extra: Partial<Fix> = {}): Fix => ({ ...p, at, ...extra });
const metres = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number => distanceM(a.latitude, a.longitude, b.latitude, b.longitude);

describe('presence rules at their limits', () => {
  describe('an outlier without an odometer: faster than 70 m/s beyond the noise of both fixes', () => {
    const far = offset(HOME, 1_000, 0);
    const d = metres(HOME, far);

    it('slower than 70 m/s is believed, faster is not', () => {
      // d / 70 m/s seconds: a hair longer is slower, a hair shorter faster.
      const limitMs = (d / 70) * 1000;
      assert.equal(isOutlier(fix(HOME, T0), fix(far, T0 + Math.ceil(limitMs) + 5), 0), false);
      assert.equal(isOutlier(fix(HOME, T0), fix(far, T0 + Math.floor(limitMs) - 5), 0), true);
    });

    it('the noise of the source, twice, and both accuracy circles are taken off the distance first', () => {
      // 1 km in 10 s is 100 m/s; less 320 m of slack it is 68 m/s, less 280 m 72 m/s.
      const at = T0 + 10_000;
      assert.equal(isOutlier(fix(HOME, T0), fix(far, at), 160), false, '2 x 160 m of noise');
      assert.equal(isOutlier(fix(HOME, T0), fix(far, at), 140), true, '2 x 140 m is too little');
      assert.equal(isOutlier(fix(HOME, T0, { accuracyM: 160 }), fix(far, at, { accuracyM: 160 }), 0), false, 'two 160 m accuracy circles');
      assert.equal(isOutlier(fix(HOME, T0, { accuracyM: 320 }), fix(far, at), 0), false, "the last fix's circle counts");
      assert.equal(isOutlier(fix(HOME, T0), fix(far, at, { accuracyM: 320 }), 0), false, "the new fix's circle counts");
      assert.equal(isOutlier(fix(HOME, T0, { accuracyM: 280 }), fix(far, at), 0), true);
      // Within the slack, even at the same instant: the fix wobbled.
      assert.equal(isOutlier(fix(HOME, T0), fix(far, T0), d / 2 + 1), false);
    });

    it('fixes less than a second apart count as a second apart', () => {
      const near = offset(HOME, 60, 0);
      // 60 m in 0.5 s would be 120 m/s; over the second it is 60 m/s.
      assert.equal(isOutlier(fix(HOME, T0), fix(near, T0 + 500), 0), false);
      assert.equal(isOutlier(fix(HOME, T0), fix(offset(HOME, 80, 0), T0 + 500), 0), true, '80 m/s over the second');
    });
  });

  describe('an outlier with an odometer: farther than the kilometres driven, plus one step of the odometer', () => {
    it('needs the odometer on both fixes; with one only, the speed decides', () => {
      const far = offset(HOME, 2_000, 0);
      // 2 km in 10 s: too fast for a car, whatever one odometer says.
      assert.equal(isOutlier(fix(HOME, T0, { mileageKm: 100 }), fix(far, T0 + 10_000), 0), true);
      assert.equal(isOutlier(fix(HOME, T0), fix(far, T0 + 10_000, { mileageKm: 100 }), 0), true);
      // With both, 5 km driven allow it.
      assert.equal(isOutlier(fix(HOME, T0, { mileageKm: 100 }), fix(far, T0 + 10_000, { mileageKm: 105 }), 0), false);
    });

    it('an unchanged odometer allows one step (1 km when the brand names none)', () => {
      const inStep = offset(HOME, 990, 0);
      const beyond = offset(HOME, 1_010, 0);
      const a = fix(HOME, T0, { mileageKm: 100 });
      // An hour apart: the speed test alone would believe both.
      assert.equal(isOutlier(a, fix(inStep, T0 + 3_600_000, { mileageKm: 100 }), 0), false);
      assert.equal(isOutlier(a, fix(beyond, T0 + 3_600_000, { mileageKm: 100 }), 0), true);
      // The noise widens it (1 010 m with 2 x 10 m of noise), and an odometer that went back allows no more than one step.
      assert.equal(isOutlier(a, fix(beyond, T0 + 3_600_000, { mileageKm: 100 }), 10), false);
      assert.equal(isOutlier(a, fix(offset(HOME, 800, 0), T0 + 3_600_000, { mileageKm: 99.5 }), 0), false);
      // The brand's step: Renault's hundredths of a kilometre allow 10 m.
      assert.equal(isOutlier(a, fix(offset(HOME, 9, 0), T0 + 3_600_000, { mileageKm: 100, mileageStepKm: 0.01 }), 0), false);
      assert.equal(isOutlier(a, fix(offset(HOME, 11, 0), T0 + 3_600_000, { mileageKm: 100, mileageStepKm: 0.01 }), 0), true);
    });

    it('driven kilometres allow that far and one step more', () => {
      const a = fix(HOME, T0, { mileageKm: 100 });
      assert.equal(isOutlier(a, fix(offset(HOME, 2_990, 0), T0 + 60_000, { mileageKm: 102 }), 0), false, '2 km driven + 1 km step');
      assert.equal(isOutlier(a, fix(offset(HOME, 3_010, 0), T0 + 60_000, { mileageKm: 102 }), 0), true);
      // The noise widens it too.
      assert.equal(isOutlier(a, fix(offset(HOME, 3_010, 0), T0 + 60_000, { mileageKm: 102 }), 10), false);
    });
  });

  describe('a movement signal: one fix is enough', () => {
    const o = resolveOptions({ zones: [{ name: 'home', ...HOME, radiusM: 100 }], leaveDwellMs: 120_000 });
    const out = offset(HOME, 400, 0);
    const home = (km: number): PresenceState => step(emptyState(), { kind: 'fix', fix: fix(HOME, T0, { mileageKm: km }) }, T0, o).state;

    it('200 m driven or more move the car (a leave at once, without its dwell time); 100 m do not', () => {
      const moved = step(home(100), { kind: 'fix', fix: fix(out, T0 + 60_000, { mileageKm: 100.25 }) }, T0 + 60_000, o);
      assert.deepEqual(moved.events.map((e) => [e.event, e.at]), [['leave', new Date(T0 + 60_000).toISOString()]]);
      const crept = step(home(100), { kind: 'fix', fix: fix(out, T0 + 60_000, { mileageKm: 100.1 }) }, T0 + 60_000, o);
      assert.deepEqual([crept.events, crept.update.zones[0]?.pending?.confirmed], [[], false], 'one fix out waits for a second');
    });

    it('the fix up to 5 minutes after one taken while driving counts as moved, a later one does not', () => {
      // Driving at T0 + 1 min (the odometer moved on), then fixes without a change of the odometer.
      const driving = step(home(100), { kind: 'fix', fix: fix(offset(HOME, 50, 0), T0 + 60_000, { mileageKm: 101 }) }, T0 + 60_000, o).state;
      const at = (ms: number): ReturnType<typeof step> => step(driving, { kind: 'fix', fix: fix(out, T0 + 60_000 + ms, { mileageKm: 101 }) }, T0 + 60_000 + ms, o);
      assert.deepEqual(at(5 * 60_000).events.map((e) => e.event), ['leave'], 'exactly 5 minutes after');
      assert.deepEqual(at(5 * 60_000 + 1).events, [], 'a millisecond later it needs a second fix');
    });
  });

  describe('the timer: when the first confirmed change is due', () => {
    const zones = [
      { name: 'home', ...HOME, radiusM: 100 },
      { name: 'work', ...offset(HOME, 5_000, 0), radiusM: 100 },
    ];
    const o = resolveOptions({ zones, enterDwellMs: 30_000, leaveDwellMs: 90_000 });
    const sig = (i: number): string => o.zones[i]?.sig ?? '';
    const pending = (inside: boolean, since: number, extra: { fixes?: number; moved?: boolean } = {}): PresenceState['zones'][string] => ({
      sig: sig(0),
      inside: !inside,
      since: T0 - 3_600_000,
      pending: { inside, since, fixes: 2, ...extra },
    });

    it('is the earliest of the zones, each with the dwell time of its direction', () => {
      const state: PresenceState = {
        version: 1,
        zones: { home: pending(false, T0), work: { ...pending(true, T0 + 10_000), sig: sig(1) } },
      };
      // home: a leave, T0 + 90 s; work: an enter, T0 + 10 s + 30 s.
      assert.equal(nextDueAt(state, o), T0 + 40_000);
      const later: PresenceState = { version: 1, zones: { home: pending(false, T0), work: { ...pending(true, T0 + 70_000), sig: sig(1) } } };
      assert.equal(nextDueAt(later, o), T0 + 90_000, 'the leave of home first');
    });

    it('waits for nothing without a second fix, after a movement (confirmed at once), or for a zone changed since', () => {
      assert.equal(nextDueAt({ version: 1, zones: { home: pending(false, T0, { fixes: 1 }) } }, o), undefined);
      assert.equal(nextDueAt({ version: 1, zones: { home: pending(false, T0, { moved: true }) } }, o), undefined);
      const moved = resolveOptions({ zones: [{ ...zones[0]!, radiusM: 150 }, zones[1]!], enterDwellMs: 30_000, leaveDwellMs: 90_000 });
      assert.equal(nextDueAt({ version: 1, zones: { home: pending(false, T0) } }, moved), undefined, 'the zone grew: its memory is not its own');
    });
  });

  describe('the dwell times', () => {
    it('waits the leave dwell time from the first fix out: not a millisecond less, and the enter dwell time for an enter', () => {
      const o = resolveOptions({ zones: [{ name: 'home', ...HOME, radiusM: 100 }], enterDwellMs: 30_000, leaveDwellMs: 90_000 });
      const out = offset(HOME, 400, 0);
      let state = step(emptyState(), { kind: 'fix', fix: fix(HOME, T0) }, T0, o).state;
      state = step(state, { kind: 'fix', fix: fix(out, T0 + 10_000) }, T0 + 10_000, o).state;
      state = step(state, { kind: 'fix', fix: fix(offset(out, 5, 90), T0 + 20_000) }, T0 + 20_000, o).state;
      assert.deepEqual(step(state, { kind: 'tick' }, T0 + 99_999, o).events, []);
      const left = step(state, { kind: 'tick' }, T0 + 100_000, o);
      assert.deepEqual(left.events.map((e) => [e.event, e.at, e.confirmedAt]), [['leave', new Date(T0 + 10_000).toISOString(), new Date(T0 + 100_000).toISOString()]]);
      // Back home: the enter waits its own 30 s.
      state = step(left.state, { kind: 'fix', fix: fix(HOME, T0 + 200_000) }, T0 + 200_000, o).state;
      state = step(state, { kind: 'fix', fix: fix(offset(HOME, 5, 90), T0 + 210_000) }, T0 + 210_000, o).state;
      assert.deepEqual(step(state, { kind: 'tick' }, T0 + 229_999, o).events, []);
      const back = step(state, { kind: 'tick' }, T0 + 230_000, o);
      assert.deepEqual([back.events.map((e) => e.event), back.update.state, back.update.since], [['enter'], 'home', new Date(T0 + 200_000).toISOString()]);
    });
  });
});
