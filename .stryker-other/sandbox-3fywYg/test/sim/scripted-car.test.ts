// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { startSimulator } from '../../src/sim';
import { DEMO_CARDATA_CARS, SimCardataCar, WorldClock } from '../../src/sim/cardata/world';
import { commuterScript, DriveScript, offsetBy, metresBetween } from '../../src/sim/script';

/** The simulator's scripted car (issue 12's ground truth): the clouds serve what the script did, when it did it. */
const MIN = 60_000;
const START = Date.parse('2026-03-02T00:00:00Z');
const HOME = { lat: 48.8566, lon: 2.3522 };
const T = (hhmm: string): number => Date.parse(`2026-03-02T${hhmm}:00Z`);
const R5 = 'VF1R5E00125R50002';

const oneTrip = (): DriveScript =>
  new DriveScript({
    startAt: START,
    endAt: T('12:00'),
    home: HOME,
    capacityKwh: 52,
    startKwh: 30,
    startKm: 12_000,
    trips: [{ startAt: T('08:00'), endAt: T('08:15'), distanceKm: 10, energyKwh: 1.6, to: offsetBy(HOME, 6_000, 60) }],
    charges: [{ startAt: T('08:16'), endAt: T('09:00'), powerKw: 7 }],
  });

describe('simulator: a scripted car', () => {
  it('the commuter script has the issue\'s 3 days: 30 trips of 2, 10 and 60 km, stops of 3-10 minutes, two charges, one outlier a night', () => {
    const s = commuterScript({ startAt: START, home: HOME });
    assert.equal(s.trips.length, 30);
    assert.deepEqual([...new Set(s.trips.map((t) => t.distanceKm))].sort((a, b) => a - b), [2, 10, 60]);
    for (let i = 1; i < s.trips.length; i++) {
      const stop = ((s.trips[i]?.startAt ?? 0) - (s.trips[i - 1]?.endAt ?? 0)) / MIN;
      assert.ok(stop >= 3, `stop ${i}: ${stop} min`);
    }
    assert.equal(s.charges.length, 2);
    assert.equal(s.outliers.length, 3);
    for (const o of s.outliers) assert.ok(Math.abs(metresBetween(o.pos, HOME) - 500) < 1);
    assert.equal(s.presenceEvents().length, 12);
  });

  it('Renault: the drive is recorded as done, the fix is committed at ignition-off, the battery climbs once the charge starts', async () => {
    const clock = new ManualClock(START);
    const sim = await startSimulator({ port: 0, clock, renault: { scripts: { [R5]: oneTrip() } }, cardata: { brokerPort: false } });
    try {
      await clock.advance(T('08:10') - clock.now());
      const car = sim.renault.car(R5);
      assert.equal(car.driving, true);
      assert.equal(car.reportedPosition.at, START); // parked since the start: the old fix still stands
      await clock.advance(T('10:00') - clock.now());
      assert.deepEqual(sim.renault.tripsDone(R5), [{ startAt: T('08:00'), endAt: T('08:15'), startKm: 12_000, endKm: 12_010 }]);
      assert.equal(car.reportedPosition.at, T('08:15'));
      assert.ok(metresBetween({ lat: car.reportedPosition.lat, lon: car.reportedPosition.lon }, offsetBy(HOME, 6_000, 60)) <= 30.5);
      assert.ok(car.soc > ((30 - 1.6) / 52) * 100 + 5, `soc ${car.soc}`);
    } finally {
      await sim.close();
    }
  });

  it('CarData: a value read long after it changed keeps the time it really changed (the arrival)', () => {
    const clock = new ManualClock(START);
    const spec = DEMO_CARDATA_CARS[0];
    assert.ok(spec);
    const car = new SimCardataCar(spec, new WorldClock(clock, 1), 7, oneTrip());
    car.sync(T('07:00'));
    car.sync(T('11:00'));
    assert.equal(car.get('vehicle.vehicle.travelledDistance')?.key.value, 12_010);
    assert.equal(car.get('vehicle.vehicle.travelledDistance')?.at, T('08:15'));
    assert.equal(car.get('vehicle.cabin.infotainment.navigation.currentLocation.latitude')?.at, T('08:15'));
    assert.equal(car.get('vehicle.isMoving')?.key.value, false);
    assert.equal(car.get('vehicle.body.chargingPort.status')?.key.value, 'CONNECTED');
  });
});
