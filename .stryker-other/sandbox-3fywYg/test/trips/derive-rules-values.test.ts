// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { deriveCharges, deriveTrips, type Sample } from '../../src/features/trips';

/** Values of the trip and charge rules (issue 19): each table pins a threshold or a choice of deriveTrips/deriveCharges. */
const base = Date.parse('2026-03-02T06:00:00Z');
const min = (m: number): number => base + m * 60_000;
const iso = (m: number): string => new Date(min(m)).toISOString();
const HOME = { latitude: 48.8566, longitude: 2.3522 };
const OFFICE = { latitude: 48.8921, longitude: 2.2376 };

/** A Renault-like sample (the odometer and the fix only at ignition-off), minutes after 06:00. */
const parked = (m: number, extra: Partial<Sample> = {}): Sample => ({ at: min(m), mileageKm: 1000, ...HOME, positionAt: min(-60), socPercent: 80, charging: 'not_charging', plug: 'unplugged', ...extra });
/** A CarData-like sample: the odometer reported while driving. */
const stream = (m: number, km: number, extra: Partial<Sample> = {}): Sample => ({ at: min(m), feed: 'continuous', mileageKm: km, ...extra });

describe('trip values: what a trip carries and when a consumption is given', () => {
  it('leaves out the level, energy and fuel used when nothing tells them, not as fields without a value', () => {
    const [trip, ...more] = deriveTrips([{ at: min(0), mileageKm: 1000 }, { at: min(30), mileageKm: 1012 }], { vin: 'V' });
    assert.equal(more.length, 0);
    assert.deepEqual(trip, {
      vin: 'V',
      source: 'derived',
      startAt: iso(12), // 12 km at 40 km/h before the arrival
      endAt: iso(30),
      durationMin: 18,
      startAtEarliest: iso(0),
      startAtLatest: iso(30),
      distanceKm: 12,
      startMileageKm: 1000,
      endMileageKm: 1012,
    });
  });

  it('gives a consumption from one kilometre driven and a used amount above zero, not below or at zero', () => {
    const trip = (km: number, from: Partial<Sample>, to: Partial<Sample>): Record<string, number | undefined> => {
      const [t] = deriveTrips([{ at: min(0), mileageKm: 1000, ...from }, { at: min(30), mileageKm: 1000 + km, ...to }], { vin: 'V' });
      return { distanceKm: t?.distanceKm, energyUsedKwh: t?.energyUsedKwh, kwhPer100: t?.consumptionKwhPer100Km, fuelUsedLiters: t?.fuelUsedLiters, lPer100: t?.consumptionLPer100Km };
    };
    const rows: [string, Record<string, number | undefined>, Record<string, number | undefined>][] = [
      ['1 km, 0.2 kWh', trip(1, { energyKwh: 40 }, { energyKwh: 39.8 }), { distanceKm: 1, energyUsedKwh: 0.2, kwhPer100: 20, fuelUsedLiters: undefined, lPer100: undefined }],
      ['0.5 km, 0.2 kWh', trip(0.5, { energyKwh: 40 }, { energyKwh: 39.8 }), { distanceKm: 0.5, energyUsedKwh: 0.2, kwhPer100: undefined, fuelUsedLiters: undefined, lPer100: undefined }],
      ['20 km, 0 kWh', trip(20, { energyKwh: 40 }, { energyKwh: 40 }), { distanceKm: 20, energyUsedKwh: 0, kwhPer100: undefined, fuelUsedLiters: undefined, lPer100: undefined }],
      ['1 km, 0.05 l', trip(1, { fuelLiters: 30 }, { fuelLiters: 29.95 }), { distanceKm: 1, energyUsedKwh: undefined, kwhPer100: undefined, fuelUsedLiters: 0.05, lPer100: 5 }],
      ['20 km, 0 l', trip(20, { fuelLiters: 30 }, { fuelLiters: 30 }), { distanceKm: 20, energyUsedKwh: undefined, kwhPer100: undefined, fuelUsedLiters: 0, lPer100: undefined }],
    ];
    for (const [name, got, want] of rows) assert.deepEqual(got, want, name);
  });

  it('without an odometer gives no consumption, whatever energy was used', () => {
    const [trip] = deriveTrips([{ at: min(0), ...HOME, energyKwh: 40 }, { at: min(30), ...OFFICE, energyKwh: 37 }], { vin: 'V' });
    assert.equal(trip?.energyUsedKwh, 3);
    assert.equal(trip?.distanceKm, undefined);
    assert.equal('consumptionKwhPer100Km' in (trip ?? {}), false);
  });
});

describe('trip values: reports at ignition-off (Renault)', () => {
  it('reads a history with any sample of a continuous source by the continuous rules (a run of steps is one trip)', () => {
    const samples: Sample[] = [{ at: min(0), mileageKm: 1000 }, stream(10, 1005), stream(15, 1010), stream(30, 1010)];
    assert.deepEqual(
      deriveTrips(samples, { vin: 'V' }).map((t) => [t.startMileageKm, t.endMileageKm, t.endAt]),
      [[1000, 1010, iso(15)]],
    );
  });

  it('starts from the first sample that tells a place: an earlier one with only the level is not the rest', () => {
    const samples: Sample[] = [{ at: min(0), socPercent: 80 }, parked(10, { socPercent: 78 }), { at: min(40), mileageKm: 1020, ...OFFICE, positionAt: min(38), socPercent: 76 }];
    const [trip] = deriveTrips(samples, { vin: 'V' });
    assert.equal(trip?.socUsedPercent, 2);
    assert.equal(trip?.startAtEarliest, iso(10));
    assert.equal(trip?.startAt, iso(10));
  });

  it('ends at the fix time only when it is after the rest and not after the read', () => {
    const endAt = (positionAt: number, fetchedAt?: number): string | undefined =>
      deriveTrips(
        [parked(10), { at: min(40), ...(fetchedAt !== undefined ? { fetchedAt: min(fetchedAt) } : {}), mileageKm: 1020, ...OFFICE, positionAt: min(positionAt), socPercent: 76 }],
        { vin: 'V' },
      )[0]?.endAt;
    const rows: [string, string | undefined, string][] = [
      ['fix at 06:38, read at 06:40', endAt(38), iso(38)],
      ['fix at 06:45, after the read at 06:40', endAt(45), iso(40)],
      ['fix at 06:42, reported at 06:40 and read at 06:42', endAt(42, 42), iso(42)],
      ['fix at the rest 06:10', endAt(10), iso(40)],
      ['fix at 06:05, before the rest', endAt(5), iso(40)],
    ];
    for (const [name, got, want] of rows) assert.equal(got, want, name);
  });

  it('forgets a drop of the level once the car is plugged in or charging: the trip starts from that read', () => {
    const trip = (third: Partial<Sample>): [number | undefined, string | undefined] => {
      const [t] = deriveTrips(
        [parked(0), parked(10, { socPercent: 78 }), parked(20, { socPercent: 78, ...third }), { at: min(60), mileageKm: 1020, ...OFFICE, positionAt: min(58), socPercent: 75, charging: 'not_charging', plug: 'unplugged' }],
        { vin: 'V' },
      );
      return [t?.socUsedPercent, t?.startAt];
    };
    // 20 km: 30 minutes before 06:58, not before the read at 06:20.
    assert.deepEqual(trip({ plug: 'plugged', charging: 'not_charging' }), [3, iso(28)], 'plugged, not charging');
    assert.deepEqual(trip({ charging: 'charging' }), [3, iso(28)], 'charging, the plug read as unplugged');
    // Still unplugged: the drop at 06:10 is the start (minus 5 minutes of reports).
    assert.deepEqual(trip({}), [5, iso(5)], 'unplugged');
  });

  it('takes the arrival level from the first drop when the arrival read is already charging', () => {
    const samples: Sample[] = [
      parked(0),
      parked(30, { socPercent: 77 }),
      { at: min(40), mileageKm: 1020, ...OFFICE, positionAt: min(33), socPercent: 79, charging: 'charging', plug: 'plugged' },
    ];
    const [trip] = deriveTrips(samples, { vin: 'V' });
    assert.equal(trip?.endAt, iso(33));
    assert.equal(trip?.socUsedPercent, 3);
  });
});

describe('trip values: a source that reports while driving (CarData)', () => {
  const ends = (samples: Sample[]): [number | undefined, number | undefined, string][] =>
    deriveTrips(samples, { vin: 'V' }).map((t) => [t.startMileageKm, t.endMileageKm, t.endAt]);

  it('closes at a read of an unchanged odometer 3 minutes after the last step, with the level of that read', () => {
    const trips = (readAt: number): [number | undefined, number | undefined][] =>
      deriveTrips([stream(0, 1000, { socPercent: 80 }), stream(10, 1010, { socPercent: 76 }), stream(readAt, 1010, { socPercent: 75 })], { vin: 'V' }).map((t) => [t.distanceKm, t.socUsedPercent]);
    assert.deepEqual(trips(13), [[10, 5]]);
    assert.deepEqual(trips(12.999), []);
  });

  it('does not move the end to a later read with the same odometer', () => {
    assert.deepEqual(ends([stream(0, 1000), stream(10, 1005), stream(15, 1010), stream(16, 1010), stream(30, 1010)]), [[1000, 1010, iso(15)]]);
  });

  it('splits at a gap too long for the kilometres driven in it and below 20 km/h, not otherwise', () => {
    const split = (stepKm: number, gapMs: number): (number | undefined)[] => {
      const second = min(10) + gapMs;
      const samples: Sample[] = [stream(0, 1000), stream(10, 1005), { ...stream(0, 1005 + stepKm), at: second }, { ...stream(0, 1005 + stepKm), at: second + 600_000 }];
      return deriveTrips(samples, { vin: 'V' }).map((t) => t.distanceKm);
    };
    const rows: [string, (number | undefined)[], (number | undefined)[]][] = [
      ['1 km in 30 min', split(1, 1_800_000), [5, 1]],
      ['1 km in 3 min 20 s: 36 s of driving leaves less than 3 min', split(1, 200_000), [6]],
      ['1 km in 3 min 36 s: 36 s of driving leaves 3 min', split(1, 216_000), [5, 1]],
      ['2 km in 6 min: 20 km/h is not slow', split(2, 360_000), [7]],
    ];
    for (const [name, got, want] of rows) assert.deepEqual(got, want, name);
  });

  it('takes the level on the way when the last step is read already charging', () => {
    const samples: Sample[] = [
      stream(0, 1000, { socPercent: 80, charging: 'not_charging' }),
      stream(10, 1010, { socPercent: 75, charging: 'not_charging' }),
      stream(12, 1012, { socPercent: 74, charging: 'charging' }),
      stream(20, 1012, { socPercent: 76, charging: 'charging' }),
    ];
    const [trip] = deriveTrips(samples, { vin: 'V' });
    assert.equal(trip?.endAt, iso(12));
    assert.equal(trip?.socUsedPercent, 5);
  });

  it('closes at once a step whose value was read 3 minutes after it changed, not 1 ms earlier', () => {
    const trips = (fetchedAt: number): number => deriveTrips([stream(0, 1000), stream(10, 1010, { fetchedAt })], { vin: 'V' }).length;
    assert.deepEqual([trips(min(13)), trips(min(13) - 1)], [1, 0]);
  });

  it('starts from the newest parked read, and from none without a place even when a place comes with an older time', () => {
    const start = (samples: Sample[]): [number | undefined, string | undefined] => {
      const [t] = deriveTrips(samples, { vin: 'V' });
      return [t?.socUsedPercent, t?.startAtEarliest];
    };
    const drive = [stream(40, 1010, { socPercent: 75 }), stream(50, 1010)];
    assert.deepEqual(start([stream(0, 1000, { socPercent: 80 }), stream(30, 1000, { socPercent: 78 }), ...drive]), [3, iso(30)], 'a later parked read');
    // The same report read again 20 minutes later: the start is after 06:15, not 06:00.
    assert.deepEqual(start([stream(0, 1000, { socPercent: 80 }), stream(0, 1000, { socPercent: 80, fetchedAt: min(20) }), ...drive]), [5, iso(15)], 'the same report read later');
    const levelOnly: Sample = { at: min(10), feed: 'continuous', socPercent: 80 };
    assert.deepEqual(start([levelOnly, stream(5, 1000), ...drive]), [undefined, iso(5)], 'a read with the level only before the place');
  });
});

describe('charge values', () => {
  const close: Sample = { at: min(70), socPercent: 60, charging: 'not_charging', plug: 'plugged' };

  it('reads a sample without a charging state as charging only with power above zero and the plug in', () => {
    const charges = (part: Partial<Sample>): number =>
      deriveCharges([{ at: min(0), socPercent: 50, charging: 'not_charging', plug: 'unplugged' }, { at: min(10), socPercent: 55, ...part }, close], { vin: 'V' }).length;
    const rows: [string, number, number][] = [
      ['nothing told', charges({}), 0],
      ['7 kW, plugged', charges({ powerKw: 7, plug: 'plugged' }), 1],
      ['7 kW, unplugged', charges({ powerKw: 7, plug: 'unplugged' }), 0],
      ['0 kW, plugged', charges({ powerKw: 0, plug: 'plugged' }), 0],
      ['power not told, plugged', charges({ plug: 'plugged' }), 0],
    ];
    for (const [name, got, want] of rows) assert.equal(got, want, name);
  });

  it('places a charge where the car was last seen, also when the charging read has no position', () => {
    const [charge] = deriveCharges(
      [{ at: min(0), ...HOME, positionAt: min(-5), socPercent: 40, charging: 'not_charging', plug: 'unplugged' }, { at: min(10), socPercent: 42, charging: 'charging', plug: 'plugged' }, close],
      { vin: 'V' },
    );
    assert.deepEqual(charge?.position, { ...HOME, updatedAt: iso(-5) });
  });

  it('starts from the level just before the charge only when that read had the charging part and the car did not move', () => {
    const from = (before: Partial<Sample>, startKm: number | undefined): number | undefined =>
      deriveCharges(
        [
          { at: min(0), socPercent: 40, charging: 'not_charging', plug: 'unplugged', ...before },
          { at: min(10), socPercent: 45, charging: 'charging', plug: 'plugged', ...(startKm !== undefined ? { mileageKm: startKm } : {}) },
          close,
        ],
        { vin: 'V' },
      )[0]?.socFromPercent;
    const { charging: _c, plug: _p, ...noChargingPart }: Sample = { at: min(0), socPercent: 40, charging: 'not_charging', plug: 'unplugged' };
    const rows: [string, number | undefined, number][] = [
      ['no odometer before', from({}, 1000), 40],
      ['no odometer at the start', from({ mileageKm: 1000 }, undefined), 40],
      ['same odometer', from({ mileageKm: 1000 }, 1000), 40],
      ['moved 20 km in between', from({ mileageKm: 1000 }, 1020), 45],
      ['read without the charging part', deriveCharges([noChargingPart, { at: min(10), socPercent: 45, charging: 'charging', plug: 'plugged' }, close], { vin: 'V' })[0]?.socFromPercent, 45],
    ];
    for (const [name, got, want] of rows) assert.equal(got, want, name);
  });
});
