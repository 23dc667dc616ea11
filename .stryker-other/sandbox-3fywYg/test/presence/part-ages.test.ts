// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { emptyState, positionFromMessage, resolveOptions, step } from '../../src/features/presence';
import { R5, renaultWorldEach } from '../renault-session';

/**
 * Issue 14: the demo's Renault 5 stayed "stale · home" after its drive to the office. Two nodes of
 * one account read the car's parts at different times (example 07 the odometer, example 06 the
 * position); a read on input that finds the odometer young enough read only the position, and the
 * status it assembled put the car at the office with the mileage of home: 9 km with an unchanged
 * odometer, set aside as an outlier. A position and its odometer are now read together.
 */
describe('a position and the odometer that judges it come from one read', function () {
  const world = renaultWorldEach({ start: '2026-11-20T08:00:00Z' });
  const home = { name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 100 };
  const o = resolveOptions({ zones: [home], leaveDwellMs: 120_000 });

  it('the status read after a drive, with the odometer read 20 s earlier, carries the new mileage: presence says away, no outlier', async () => {
    const { sim, clock } = world;
    const session = world.session({ budget: { limit: 600 } });
    const car = sim.renault.car(R5);
    // At home: both parts read; the presence starts there.
    const before = await session.readStatus(R5, ['position', 'mileage']);
    const now0 = clock.now();
    let presence = step(emptyState(), positionFromMessage({ payload: before }, now0).input, now0, o);
    assert.equal(presence.update.state, 'home');
    assert.equal(car.driveNow(16), true);
    await clock.advance(16 * 60_000 - 20_000);
    // Another node reads the odometer only, 20 s before the car parks (the drive goes on).
    const during = await session.readStatus(R5, ['mileage']);
    assert.ok((during.mileageKm ?? 0) >= (before.mileageKm ?? 0));
    await clock.advance(40_000);
    assert.equal(car.driving, false, 'parked at the office');
    // A read on input accepts parts up to 30 s old: the odometer is, the position is not.
    const after = await session.readStatus(R5, ['position', 'mileage'], { maxAgeMs: 30_000 });
    assert.ok((after.mileageKm ?? 0) >= (before.mileageKm ?? 0) + 5, 'the mileage at the office, not the one read during the drive');
    const now1 = clock.now();
    presence = step(presence.state, positionFromMessage({ payload: after }, now1).input, now1, o);
    assert.notEqual(presence.update.reason, 'outlier');
    assert.equal(presence.update.state, 'away', 'the drive moved the odometer: one fix is enough');
    assert.ok((presence.update.distanceM ?? 0) > 5_000);
  });

  it('a position read alone still costs one call (the odometer is read with it only when asked)', async () => {
    const { sim } = world;
    const session = world.session({ budget: { limit: 600 } });
    await session.readStatus(R5, ['mileage']);
    const reads = sim.renault.stats.readsByVin[R5] ?? 0;
    await session.readStatus(R5, ['position']);
    assert.equal((sim.renault.stats.readsByVin[R5] ?? 0) - reads, 1);
  });
});
