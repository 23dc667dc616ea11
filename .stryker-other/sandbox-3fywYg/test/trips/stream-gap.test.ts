// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { TripHistory } from '../../src/features/trip-store';
import { STOP_MS, type Sample } from '../../src/features/trips';

/** Issue 12: a stream reconnecting (its hourly token renewal) is no stop of the car. */
const T0 = Date.parse('2026-03-02T08:00:00Z');
const MIN = 60_000;
const driving = (m: number, km: number): Sample => ({ at: T0 + m * MIN, feed: 'continuous', mileageKm: km, latitude: 48.2 + km / 1000, longitude: 11.5, positionAt: T0 + m * MIN, socPercent: 80 });

describe('trips: a quiet stream while it reconnects', () => {
  it('says nothing of the car while down, and the stop threshold counts again from the reconnect', () => {
    const h = new TripHistory({ vin: 'V', capacityKwh: 81 });
    h.streamState(true, T0 - MIN);
    for (let m = 0; m < 5; m++) h.add(driving(m, 12_000 + m));
    assert.equal(h.quietCheckAt, T0 + 4 * MIN + STOP_MS + 1_000);
    h.streamState(false, T0 + 5 * MIN);
    assert.equal(h.quietCheckAt, undefined);
    h.streamState(true, T0 + 9 * MIN);
    assert.equal(h.quietCheckAt, T0 + 9 * MIN + STOP_MS + 1_000);
    // The drive goes on after the reconnect: one trip, not two.
    for (let m = 10; m < 20; m++) h.add(driving(m, 12_000 + m));
    assert.deepEqual(h.touch(T0 + 19 * MIN + STOP_MS + 2_000).trips.map((t) => t.distanceKm), [19]);
  });
});
