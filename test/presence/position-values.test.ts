import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { distanceM, emptyState, isOutlier, positionFromMessage, resolveOptions, step, type Fix, type PresenceState } from '../../src/features/presence';
import { HOME, offset } from './geo';

/**
 * The values of presence's inputs and limits (issue 19): the position a message carries, the errors that name its
 * fields, and the rules on their exact limits. A limit is put under a fix by taking the distance from distanceM and
 * choosing the noise, accuracy or margin that makes the sum equal to it (x - y is exact for y within a factor of two).
 */
const T0 = Date.parse('2026-05-01T12:00:00Z');
const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();
const fix = (p: { latitude: number; longitude: number }, at: number, extra: Partial<Fix> = {}): Fix => ({ ...p, at, ...extra });
const metres = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number => distanceM(a.latitude, a.longitude, b.latitude, b.longitude);

/** The error positionFromMessage throws for `msg`, as code and message. */
function refusal(msg: Parameters<typeof positionFromMessage>[0]): { code: string; message: string } {
  try {
    positionFromMessage(msg, T0);
  } catch (e) {
    if (e instanceof CarError) return { code: e.code, message: e.message };
    throw e;
  }
  assert.fail('the message was accepted');
}

describe('the position a message carries, by value', () => {
  it('reads the coordinates, accuracy and time of each field spelling', () => {
    const cases: [string, Parameters<typeof positionFromMessage>[0], Fix][] = [
      ['latitude/longitude', { payload: { latitude: 48.5, longitude: 2.25 } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['lat/lon, accuracy', { payload: { lat: 48.5, lon: 2.25, accuracy: 12 } }, { latitude: 48.5, longitude: 2.25, at: T0, accuracyM: 12 }],
      ['lat/lng, acc (OwnTracks)', { payload: { lat: 48.5, lng: 2.25, acc: 7 } }, { latitude: 48.5, longitude: 2.25, at: T0, accuracyM: 7 }],
      ['strings of numbers', { payload: { lat: ' 48.5 ', lon: '2.25' } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['a latitude of 0 (the equator)', { payload: { lat: 0, lon: 2.25 } }, { latitude: 0, longitude: 2.25, at: T0 }],
      ['a longitude of 0 (Greenwich)', { payload: { lat: 48.5, lon: 0 } }, { latitude: 48.5, longitude: 0, at: T0 }],
      ['an accuracy of null is none', { payload: { lat: 48.5, lon: 2.25, acc: null } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['a time of null is now', { payload: { lat: 48.5, lon: 2.25, time: null } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['an empty timestamp is now', { payload: { lat: 48.5, lon: 2.25, timestamp: '' } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['epoch seconds just under 1e12', { payload: { lat: 48.5, lon: 2.25, tst: 1_777_000_000 } }, { latitude: 48.5, longitude: 2.25, at: 1_777_000_000_000 }],
      ['1e12 is milliseconds (2001-09-09)', { payload: { lat: 48.5, lon: 2.25, tst: 1e12 } }, { latitude: 48.5, longitude: 2.25, at: 1e12 }],
      ['an ISO time', { payload: { lat: 48.5, lon: 2.25, updatedAt: '2026-05-01T11:00:00Z' } }, { latitude: 48.5, longitude: 2.25, at: T0 - 60 * MIN }],
      ['msg.location when the payload is null', { payload: null, location: { lat: 48.5, lon: 2.25 } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['msg itself when the payload is null', { payload: null, lat: 48.5, lon: 2.25 }, { latitude: 48.5, longitude: 2.25, at: T0 }],
      ['a payload with fetchedAt but no vin is not a VehicleStatus', { payload: { fetchedAt: iso(T0), lat: 48.5, lon: 2.25 } }, { latitude: 48.5, longitude: 2.25, at: T0 }],
    ];
    for (const [what, msg, want] of cases) assert.deepEqual(positionFromMessage(msg, T0), { input: { kind: 'fix', fix: want } }, what);
  });

  it('names the field and the value it refuses, in a whole sentence', () => {
    const cases: [string, Parameters<typeof positionFromMessage>[0], string][] = [
      ['a latitude without a longitude', { payload: { lat: 48.5 } }, 'msg.payload has a latitude but no longitude: give longitude, lon or lng'],
      ['a latitude with a null longitude', { location: { latitude: 48.5, longitude: null } }, 'msg.location has a latitude but no longitude: give longitude, lon or lng'],
      ['a longitude without a latitude', { payload: { lon: 2.25 } }, 'msg.payload has a longitude but no latitude: give latitude or lat'],
      ['a blank latitude', { payload: { lat: ' ', lon: 2.25 } }, 'msg.payload.lat must be a number from -90 to 90 (got " ")'],
      ['a wrong longitude', { payload: { latitude: 48.5, longitude: 'east' } }, 'msg.payload.longitude must be a number from -180 to 180 (got "east")'],
      ['a wrong lon', { payload: { lat: 48.5, lon: 'east' } }, 'msg.payload.lon must be a number from -180 to 180 (got "east")'],
      ['a wrong lng', { payload: { lat: 48.5, lng: 'east' } }, 'msg.payload.lng must be a number from -180 to 180 (got "east")'],
      ['0,0', { payload: { lat: 0, lon: 0 } }, 'msg.payload: 0,0 is not a position (a device without a fix sends it)'],
      ['a wrong accuracy', { payload: { lat: 48.5, lon: 2.25, accuracy: -1 } }, 'msg.payload.accuracy must be a number of metres, 0 or more (got -1)'],
      ['a wrong time', { location: { lat: 48.5, lon: 2.25, time: 'soon' } }, 'msg.location.timestamp must be an ISO-8601 time or epoch seconds/milliseconds (got "soon")'],
    ];
    for (const [what, msg, message] of cases) assert.deepEqual(refusal(msg), { code: 'BAD_INPUT', message }, what);
  });
});

describe('the presence rules on their exact limits', () => {
  const o = resolveOptions({ zones: [{ name: 'home', ...HOME, radiusM: 100, marginM: 50 }], leaveDwellMs: 120_000 });

  it("the update's position keeps the fix's accuracy", () => {
    const r = step(emptyState(), { kind: 'fix', fix: fix(HOME, T0, { accuracyM: 12 }) }, T0, o);
    assert.deepEqual(r.update.position, { ...HOME, accuracyM: 12, updatedAt: iso(T0) });
  });

  it('an accuracy circle as wide as the zone and its dead band still decides; a wider one does not', () => {
    const at = step(emptyState(), { kind: 'fix', fix: fix(HOME, T0, { accuracyM: 150 }) }, T0, o).update;
    assert.deepEqual([at.state, at.reason, at.initial], ['home', undefined, true]);
    const wider = step(emptyState(), { kind: 'fix', fix: fix(HOME, T0, { accuracyM: 150.5 }) }, T0, o).update;
    assert.deepEqual([wider.state, wider.reason, wider.initial], ['unknown', 'inaccurate', undefined]);
  });

  it('a fix exactly on the outer edge of the dead band is still in it; beyond it starts a leave', () => {
    const edge = offset(HOME, 160, 45);
    const d = metres(HOME, edge);
    const home: PresenceState = step(emptyState(), { kind: 'fix', fix: fix(HOME, T0) }, T0, o).state;
    // The fix's accuracy widens the band to d - 100 m: the edge is radius + band = d exactly.
    const on = step(home, { kind: 'fix', fix: fix(edge, T0 + 10 * MIN, { accuracyM: d - 100 }) }, T0 + 10 * MIN, o).update;
    assert.deepEqual(on.zones[0]?.pending, undefined);
    assert.equal(on.state, 'home');
    const beyond = step(home, { kind: 'fix', fix: fix(edge, T0 + 10 * MIN, { accuracyM: d - 100.5 }) }, T0 + 10 * MIN, o).update;
    assert.deepEqual(beyond.zones[0]?.pending, { inside: false, since: iso(T0 + 10 * MIN), confirmed: false });
  });

  it('an outlier is beyond its limit, not on it: one odometer step, the kilometres driven, 70 m/s', () => {
    // Unchanged odometer, 1 km step: the limit is 1000 m + slack; the noise makes the slack d - 1000 m.
    const far = offset(HOME, 1_500, 30);
    const d1 = metres(HOME, far);
    const parked = fix(HOME, T0, { mileageKm: 100 });
    assert.equal(isOutlier(parked, fix(far, T0 + MIN, { mileageKm: 100 }), (d1 - 1000) / 2), false, 'on the step');
    assert.equal(isOutlier(parked, fix(far, T0 + MIN, { mileageKm: 100 }), (d1 - 1001) / 2), true, 'beyond the step');
    // 1 km driven and a 1 km step: the limit is 2000 m + slack.
    const farther = offset(HOME, 3_000, 30);
    const d2 = metres(HOME, farther);
    assert.equal(isOutlier(parked, fix(farther, T0 + MIN, { mileageKm: 101 }), (d2 - 2000) / 2), false, 'on the kilometres driven');
    assert.equal(isOutlier(parked, fix(farther, T0 + MIN, { mileageKm: 101 }), (d2 - 2001) / 2), true, 'beyond the kilometres driven');
    // No odometer, a second apart: the limit is 70 m + slack.
    const near = offset(HOME, 100, 30);
    const d3 = metres(HOME, near);
    assert.equal(isOutlier(fix(HOME, T0), fix(near, T0 + 1000), (d3 - 70) / 2), false, 'at 70 m/s');
    assert.equal(isOutlier(fix(HOME, T0), fix(near, T0 + 1000), (d3 - 71) / 2), true, 'at 71 m/s');
  });
});
