// @ts-nocheck
import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { TripSchema, ChargeSessionSchema, type VehicleStatus } from '../../src/core';
import { deriveCharges, deriveTrips, sampleFromStatus, usableCapacityKwh, type Sample } from '../../src/features/trips';
import { distanceM } from '../../src/features/presence';
import { removeDir, tempDir } from '../helpers';
import { recordHistory, simWorld, R5 } from './sim-history';

const HOME = { lat: 48.8566, lon: 2.3522 };
const OFFICE = { lat: 48.8921, lon: 2.2376 };
const MARKET = { lat: 48.8049, lon: 2.1204 };
const t = (iso: string): number => Date.parse(iso);
const near = (p: { latitude: number; longitude: number } | undefined, q: { lat: number; lon: number }): boolean =>
  p !== undefined && distanceM(p.latitude, p.longitude, q.lat, q.lon) < 100;

describe('trips and charges derived from a recorded simulator history (Renault 5 loop)', function () {
  this.timeout(60_000);
  let dir: string;
  let history: VehicleStatus[];

  before(async () => {
    dir = await tempDir('cc-trips-');
    // The clock starts at 06:00; the R5 leaves home at 06:12 (12 min of its first park left),
    // reaches the office at 06:37, the market at 09:07, home at 10:32, plugs in and charges.
    const w = await simWorld(dir, '2026-11-20T06:00:00Z');
    try {
      history = await recordHistory(w, R5, 9 * 3_600_000, 5 * 60_000);
    } finally {
      await w.close();
    }
  });
  after(async () => {
    await removeDir(dir);
  });

  it('finds the three legs of the loop with distance, times, places, energy and consumption', () => {
    const samples = history.map(sampleFromStatus).filter((s): s is Sample => s !== undefined);
    const trips = deriveTrips(samples, { vin: R5, capacityKwh: usableCapacityKwh('R5E1VE') });
    assert.ok(trips.length >= 3, `expected at least 3 trips, got ${trips.length}`);
    for (const trip of trips) {
      assert.ok(TripSchema.safeParse(trip).success);
      assert.ok(Date.parse(trip.endAt) > Date.parse(trip.startAt));
      assert.equal(trip.distanceKm, (trip.endMileageKm ?? NaN) - (trip.startMileageKm ?? NaN));
      assert.ok((trip.distanceKm ?? 0) > 5 && (trip.distanceKm ?? 0) < 30, `distance ${trip.distanceKm}`);
      assert.ok(trip.socUsedPercent !== undefined && trip.socUsedPercent > 0, JSON.stringify(trip));
      assert.equal(trip.energyUsedKwh, Math.round(((trip.socUsedPercent ?? 0) * 52) / 100 * 100) / 100);
      // The simulator's R5 uses 15 kWh/100 km; whole-percent readings make short trips coarse.
      // A consumption only from 5 points used: below, a point of rounding is more than 20 %.
      if ((trip.socUsedPercent ?? 0) < 5) assert.equal(trip.consumptionKwhPer100Km, undefined);
      else assert.ok((trip.consumptionKwhPer100Km ?? 0) >= 8 && (trip.consumptionKwhPer100Km ?? 0) <= 25, `consumption ${trip.consumptionKwhPer100Km}`);
    }
    const [first, second, third] = trips;
    assert.ok(near(first?.startPosition, HOME) && near(first?.endPosition, OFFICE));
    assert.ok(near(second?.startPosition, OFFICE) && near(second?.endPosition, MARKET));
    assert.ok(near(third?.startPosition, MARKET) && near(third?.endPosition, HOME));
    // The end is the ignition-off commit; the start is narrowed by the first drop of the charge.
    assert.equal(first?.endAt, '2026-11-20T06:37:00.000Z');
    assert.ok(Math.abs(Date.parse(first?.startAt ?? '') - t('2026-11-20T06:12:00Z')) <= 10 * 60_000, `start ${first?.startAt}`);
    assert.equal(second?.endAt, '2026-11-20T09:07:00.000Z');
    assert.ok(Math.abs(Date.parse(second?.startAt ?? '') - t('2026-11-20T08:37:00Z')) <= 10 * 60_000, `start ${second?.startAt}`);
    assert.equal(third?.endAt, '2026-11-20T10:32:00.000Z');
  });

  it('finds the charge at home after the loop: start, end, levels, energy and average power', () => {
    const samples = history.map(sampleFromStatus).filter((s): s is Sample => s !== undefined);
    const charges = deriveCharges(samples, { vin: R5, capacityKwh: 52 });
    assert.equal(charges.length, 1);
    const c = charges[0];
    assert.ok(c && ChargeSessionSchema.safeParse(c).success);
    assert.ok(near(c?.position, HOME));
    assert.ok((c?.socFromPercent ?? 100) < 50 && (c?.socToPercent ?? 0) > 70, `${c?.socFromPercent} -> ${c?.socToPercent}`);
    assert.equal(c?.energyKwh, Math.round((((c?.socToPercent ?? 0) - (c?.socFromPercent ?? 0)) * 52) / 100 * 100) / 100);
    // 7.4 kW at the plug, 90 % into the battery.
    assert.ok((c?.averagePowerKw ?? 0) > 5.5 && (c?.averagePowerKw ?? 0) < 7.4, `power ${c?.averagePowerKw}`);
    assert.ok(Date.parse(c?.startAt ?? '') >= t('2026-11-20T10:32:00Z') && Date.parse(c?.startAt ?? '') <= t('2026-11-20T10:40:00Z'));
  });
});

describe('trip derivation rules on written samples', () => {
  const base = t('2026-03-02T06:00:00Z');
  const min = (m: number): number => base + m * 60_000;
  const parked = (m: number, extra: Partial<Sample> = {}): Sample => ({ at: min(m), mileageKm: 1000, latitude: 48.8566, longitude: 2.3522, positionAt: min(-60), socPercent: 80, charging: 'not_charging', plug: 'unplugged', ...extra });

  it('uses the energy the car reports when it has one, and the odometer for distance', () => {
    const samples: Sample[] = [
      parked(0, { energyKwh: 40 }),
      parked(10, { energyKwh: 40 }),
      parked(20, { socPercent: 77, energyKwh: 38.5 }), // on the road: the fix is not committed yet
      { at: min(40), mileageKm: 1020, latitude: 48.8921, longitude: 2.2376, positionAt: min(38), socPercent: 74, energyKwh: 37, charging: 'not_charging', plug: 'unplugged' },
    ];
    const [trip, ...rest] = deriveTrips(samples, { vin: 'V', capacityKwh: 52 });
    assert.equal(rest.length, 0);
    assert.equal(trip?.distanceKm, 20);
    assert.equal(trip?.energyUsedKwh, 3);
    assert.equal(trip?.socUsedPercent, 6);
    assert.equal(trip?.consumptionKwhPer100Km, 15);
    assert.equal(trip?.startAt, new Date(min(15)).toISOString(), 'first drop at +20 min, minus 5 min of reporting');
    assert.equal(trip?.endAt, new Date(min(38)).toISOString(), 'the fix time is the ignition-off');
    assert.equal(trip?.durationMin, 23);
  });

  it('gives only socUsedPercent when neither the energy nor the capacity is known', () => {
    const samples: Sample[] = [parked(0), parked(30, { mileageKm: 1012, latitude: 48.86, longitude: 2.30, positionAt: min(29), socPercent: 76 })];
    const [trip] = deriveTrips(samples, { vin: 'V' });
    assert.equal(trip?.socUsedPercent, 4);
    assert.equal(trip?.energyUsedKwh, undefined);
    assert.equal(trip?.consumptionKwhPer100Km, undefined);
  });

  it('counts fuel for a combustion car and ignores a refill', () => {
    const fuel = (m: number, km: number, litres: number): Sample => ({ at: min(m), mileageKm: km, latitude: 48.8 + km / 1000, longitude: 2.3, positionAt: min(m), fuelLiters: litres });
    const trips = deriveTrips([fuel(0, 500, 30), fuel(60, 550, 27.6), fuel(120, 560, 45)], { vin: 'V' });
    assert.equal(trips.length, 2);
    assert.equal(trips[0]?.fuelUsedLiters, 2.4);
    assert.equal(trips[0]?.consumptionLPer100Km, 4.8);
    assert.equal(trips[1]?.fuelUsedLiters, undefined, 'more fuel at the end: a refill, not a consumption');
  });

  it('does not make a trip of a GPS wobble or a refresh with an unchanged odometer', () => {
    const samples: Sample[] = [parked(0), parked(10, { latitude: 48.8596, positionAt: min(9) }), parked(20)];
    assert.equal(deriveTrips(samples, { vin: 'V' }).length, 0);
  });

  it('makes trips from positions alone when the car has no odometer (a phone, a tracker)', () => {
    const p = (m: number, lat: number): Sample => ({ at: min(m), latitude: lat, longitude: 2.35 });
    const trips = deriveTrips([p(0, 48.85), p(10, 48.8501), p(20, 48.90), p(30, 48.9001)], { vin: 'V' });
    assert.equal(trips.length, 1);
    assert.equal(trips[0]?.distanceKm, undefined, 'no odometer: no distance rather than a straight line');
    assert.ok(trips[0]?.endPosition && Math.abs(trips[0].endPosition.latitude - 48.9) < 1e-9);
  });

  it('does not freeze the start at a climate run hours before the drive', () => {
    const samples: Sample[] = [
      parked(0),
      parked(10, { socPercent: 78 }), // preconditioning: 2 points in 10 minutes
      parked(80, { socPercent: 78 }), // an hour without a further drop: it was not a drive
      parked(200, { socPercent: 78 }),
      parked(210, { socPercent: 76 }),
      parked(225, { mileageKm: 1015, latitude: 48.8921, longitude: 2.2376, positionAt: min(224), socPercent: 74 }),
    ];
    const [trip] = deriveTrips(samples, { vin: 'V', capacityKwh: 50 });
    assert.equal(trip?.startAt, new Date(min(205)).toISOString());
    assert.equal(trip?.socUsedPercent, 4);
  });

  it('makes a trip of an odometer step of 0.5 km (the default threshold) and of none shorter with the car in place', () => {
    const step = (km: number, options: { minDistanceKm?: number } = {}): number[] =>
      deriveTrips([parked(0), parked(10, { mileageKm: 1000 + km })], { vin: 'V', ...options }).map((trip) => trip.distanceKm ?? NaN);
    assert.deepEqual(step(0.5), [0.5]);
    assert.deepEqual(step(0.4), []);
    assert.deepEqual(step(1.9, { minDistanceKm: 2 }), []);
    assert.deepEqual(step(2, { minDistanceKm: 2 }), [2]);
    // A shorter step counts when the position moved too, by 250 m (the default) or more.
    const north = (m: number): number => 48.8566 + m / 111_195;
    const short = (metres: number): number => deriveTrips([parked(0), parked(10, { mileageKm: 1000.3, latitude: north(metres), positionAt: min(9) })], { vin: 'V' }).length;
    assert.deepEqual([short(260), short(240)], [1, 0]);
  });

  it('forgets a drop of the charge after an hour without a further drop (the climate, not a drive), not before', () => {
    // The level dropped 2 points at 00:10; the next reads show no further drop; the car arrives elsewhere at 01:15.
    const history = (flatAt: number): Sample[] => [
      parked(0),
      parked(10, { socPercent: 78 }),
      parked(flatAt, { socPercent: 78 }),
      parked(75, { mileageKm: 1015, latitude: 48.8921, longitude: 2.2376, positionAt: min(74), socPercent: 74 }),
    ];
    // 59 minutes after the drop it may still be the drive's start (5 min of reports before the first drop).
    assert.equal(deriveTrips(history(69), { vin: 'V' })[0]?.startAt, new Date(min(5)).toISOString());
    // An hour after it, the drop is forgotten: the car was parked at 01:10.
    assert.equal(deriveTrips(history(70), { vin: 'V' })[0]?.startAt, new Date(min(70)).toISOString());
    // A further drop within the hour keeps it a drive.
    const dropping = history(70).map((x, i) => (i === 2 ? { ...x, socPercent: 77 } : x));
    assert.equal(deriveTrips(dropping, { vin: 'V' })[0]?.startAt, new Date(min(5)).toISOString());
  });

  it('takes the arrival level before a charge that began at once', () => {
    const samples: Sample[] = [
      parked(0),
      parked(10, { socPercent: 78 }),
      { at: min(40), mileageKm: 1030, latitude: 48.80, longitude: 2.12, positionAt: min(30), socPercent: 71, charging: 'not_charging', plug: 'plugged' },
      { at: min(50), mileageKm: 1030, latitude: 48.80, longitude: 2.12, positionAt: min(30), socPercent: 73, charging: 'charging', plug: 'plugged' },
    ];
    const [trip] = deriveTrips(samples, { vin: 'V' });
    assert.equal(trip?.socUsedPercent, 9);
  });

  it('leaves a charge that has not ended out, and reads a sample without the charging part as no news', () => {
    const c = (m: number, soc: number, state?: Sample['charging']): Sample => ({ at: min(m), socPercent: soc, ...(state ? { charging: state, plug: 'plugged' as const } : {}) });
    const open = deriveCharges([c(0, 40, 'not_charging'), c(10, 41, 'charging'), c(20, 45), c(30, 48, 'charging')], { vin: 'V', capacityKwh: 50 });
    assert.equal(open.length, 0);
    const done = deriveCharges([c(0, 40, 'not_charging'), c(10, 41, 'charging'), c(20, 45), c(30, 48, 'charging'), c(70, 60, 'ended')], { vin: 'V', capacityKwh: 50 });
    assert.equal(done.length, 1);
    assert.equal(done[0]?.socFromPercent, 40, 'the level just before the charge');
    assert.equal(done[0]?.socToPercent, 60);
    assert.equal(done[0]?.energyKwh, 10);
    assert.equal(done[0]?.durationMin, 60);
    assert.equal(done[0]?.averagePowerKw, 10);
    assert.equal(done[0]?.status, 'ok');
  });

  it('marks a charge that ended in error', () => {
    const c = (m: number, soc: number, state: Sample['charging']): Sample => ({ at: min(m), socPercent: soc, charging: state, plug: 'plugged' });
    const [s] = deriveCharges([c(0, 40, 'charging'), c(30, 44, 'error')], { vin: 'V' });
    assert.equal(s?.status, 'error');
    assert.equal(s?.energyKwh, undefined, 'no capacity, no energy reported: absent');
  });

  it('reduces a VehicleStatus to a sample, ignoring a position without a fix', () => {
    const status: VehicleStatus = {
      vin: 'V',
      provider: 'renault',
      fetchedAt: '2026-03-02T06:10:00.000Z',
      updatedAt: '2026-03-02T06:05:00.000Z',
      mileageKm: 1234.5,
      battery: { socPercent: 55, availableEnergyKwh: 28 },
      charging: { state: 'charging', plug: 'plugged', powerKw: 7 },
      position: { latitude: 48.85, longitude: 2.35, updatedAt: '2026-03-02T05:00:00.000Z' },
      positionUnknown: true,
    };
    const s = sampleFromStatus(status);
    assert.deepEqual(s, { at: t('2026-03-02T06:05:00Z'), fetchedAt: t('2026-03-02T06:10:00Z'), mileageKm: 1234.5, socPercent: 55, energyKwh: 28, charging: 'charging', plug: 'plugged', powerKw: 7 });
    assert.equal(sampleFromStatus({ vin: 'V', provider: 'renault', fetchedAt: '2026-03-02T06:10:00.000Z' }), undefined);
  });
});
