import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { Trip, VehicleStatus } from '../../src/core';
import { distanceM } from '../../src/features/presence';
import { deriveTrips, sameContent, sampleFromStatus, type DeriveOptions, type Sample } from '../../src/features/trips';

/** Values of samples and derived trips, field by field (issue 19). Times are minutes after 06:00 UTC. */
const T0 = Date.parse('2026-03-02T06:00:00Z');
const min = (m: number): number => T0 + m * 60_000;
const iso = (m: number): string => new Date(min(m)).toISOString();
const HOME = { latitude: 48.8566, longitude: 2.3522 };
const OFFICE = { latitude: 48.8921, longitude: 2.2376 };
/** About 300 m north of HOME. */
const NEAR = { latitude: 48.8593, longitude: 2.3522 };

/** The car parked at home (odometer 1000 km), read at minute m. */
const home = (m: number, extra: Omit<Sample, 'at'> = {}): Sample => ({ at: min(m), mileageKm: 1000, ...HOME, socPercent: 80, charging: 'not_charging', plug: 'unplugged', ...extra });
/** The car arrived at the office (odometer 1010 km), read at minute m. */
const office = (m: number, extra: Omit<Sample, 'at'> = {}): Sample => ({ at: min(m), mileageKm: 1010, ...OFFICE, socPercent: 70, charging: 'not_charging', plug: 'unplugged', ...extra });

/** The object without its undefined fields (a missing field and an undefined one differ in deepEqual). */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function onlyTrip(samples: Sample[], options: Omit<DeriveOptions, 'vin'> = {}): Trip {
  const trips = deriveTrips(samples, { vin: 'V', ...options });
  assert.equal(trips.length, 1, JSON.stringify(trips));
  return trips[0] as Trip;
}

describe('sampleFromStatus: the sample a status gives, value by value', () => {
  const READ = '2026-03-02T06:10:00.000Z';
  const CAR = '2026-03-02T06:05:00.000Z';
  const rows: { name: string; status: VehicleStatus; sample: Sample | undefined }[] = [
    {
      name: 'a car time equal to the read time gives no separate fetchedAt',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, updatedAt: READ, mileageKm: 1000 },
      sample: { at: Date.parse(READ), mileageKm: 1000 },
    },
    {
      name: 'a car time older than the read keeps both',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, updatedAt: CAR, mileageKm: 1000 },
      sample: { at: Date.parse(CAR), fetchedAt: Date.parse(READ), mileageKm: 1000 },
    },
    {
      name: 'a charging part without a power gives the state and plug, and no powerKw',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, charging: { state: 'not_charging', plug: 'unplugged' } },
      sample: { at: Date.parse(READ), charging: 'not_charging', plug: 'unplugged' },
    },
    {
      name: 'a position without its own time gives no positionAt',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, position: { ...HOME } },
      sample: { at: Date.parse(READ), ...HOME },
    },
    {
      name: 'a CarData status is a continuous feed',
      status: { vin: 'V', provider: 'cardata', fetchedAt: READ, mileageKm: 12_000, fuel: { quantityLiters: 31 } },
      sample: { at: Date.parse(READ), feed: 'continuous', mileageKm: 12_000, fuelLiters: 31 },
    },
    {
      name: 'a status of a read time and a car time alone is no sample',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, updatedAt: CAR },
      sample: undefined,
    },
    {
      name: 'a CarData status of times alone is no sample (the feed says nothing of the car)',
      status: { vin: 'V', provider: 'cardata', fetchedAt: READ, updatedAt: READ },
      sample: undefined,
    },
    {
      name: 'a status with no fix (positionUnknown) and nothing else is no sample',
      status: { vin: 'V', provider: 'renault', fetchedAt: READ, position: { ...HOME }, positionUnknown: true },
      sample: undefined,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(sampleFromStatus(row.status), row.sample);
    });
  }
});

describe('sameContent: two samples that say the same, whatever their times', () => {
  const rows: { name: string; a: Sample; b: Sample; same: boolean }[] = [
    { name: 'other times, same values: the same', a: { at: 1, socPercent: 80 }, b: { at: 2, fetchedAt: 5, socPercent: 80 }, same: true },
    { name: 'a field more in the second: not the same', a: { at: 1, socPercent: 80 }, b: { at: 1, socPercent: 80, mileageKm: 1000 }, same: false },
    { name: 'a field more in the first: not the same', a: { at: 1, socPercent: 80, mileageKm: 1000 }, b: { at: 1, socPercent: 80 }, same: false },
    { name: 'another value: not the same', a: { at: 1, socPercent: 80 }, b: { at: 1, socPercent: 79 }, same: false },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(sameContent(row.a, row.b), row.same);
    });
  }
});

/** 10 km from home (last fixed an hour before) to the office: the trip both reads at home below must give. */
const HOME_TO_OFFICE: Trip = {
  vin: 'V',
  source: 'derived',
  startAt: iso(23),
  endAt: iso(38),
  durationMin: 15,
  startAtEarliest: iso(10),
  startAtLatest: iso(38),
  distanceKm: 10,
  startMileageKm: 1000,
  endMileageKm: 1010,
  startPosition: { ...HOME, updatedAt: iso(-60) },
  endPosition: { ...OFFICE, updatedAt: iso(38) },
  socUsedPercent: 4,
};

/** Home reported at 06:00, read again at `fetchedAt` (the same report), then the office fixed at `fixAt`. */
const homeReadLate = (fetchedAt: number, fixAt: number): Sample[] => [
  home(0, { positionAt: min(-60) }),
  home(0, { fetchedAt, positionAt: min(-60) }),
  office(60, { positionAt: fixAt, socPercent: 76 }),
];

/** The same 10 km, its start pinned at the arrival at 06:40 (no window): what a late read at home gives. */
const PINNED_AT_ARRIVAL: Trip = {
  vin: 'V',
  source: 'derived',
  startAt: iso(40),
  endAt: iso(40),
  durationMin: 0,
  distanceKm: 10,
  startMileageKm: 1000,
  endMileageKm: 1010,
  startPosition: { ...HOME, updatedAt: iso(-60) },
  endPosition: { ...OFFICE, updatedAt: iso(40) },
  socUsedPercent: 4,
};

describe('deriveTrips: the whole trip, field by field', () => {
  const rows: { name: string; samples: Sample[]; options?: Omit<DeriveOptions, 'vin'>; trip: Trip }[] = [
    {
      // 10 km at the assumed 40 km/h take 15 minutes: the start is guessed at 06:23, within 06:10-06:38.
      name: 'a read at home without a fix time keeps the time of the last fix for the start position',
      samples: [
        home(0, { positionAt: min(-60) }),
        home(10),
        office(40, { positionAt: min(38), socPercent: 76 }),
      ],
      trip: HOME_TO_OFFICE,
    },
    {
      name: 'a read at home with a longitude and no latitude leaves the start position as it was',
      samples: [
        home(0, { positionAt: min(-60) }),
        { at: min(10), mileageKm: 1000, longitude: NEAR.longitude + 0.001, socPercent: 80 },
        office(40, { positionAt: min(38), socPercent: 76 }),
      ],
      trip: HOME_TO_OFFICE,
    },
    {
      name: 'a read at home without an odometer leaves the start mileage as it was',
      samples: [
        home(0, { positionAt: min(-60) }),
        { at: min(10), ...HOME, socPercent: 80 },
        office(40, { positionAt: min(38), socPercent: 76 }),
      ],
      trip: HOME_TO_OFFICE,
    },
    {
      name: 'a read at home with a latitude and no longitude leaves the start position as it was',
      samples: [
        home(0, { positionAt: min(-60) }),
        { at: min(10), mileageKm: 1000, latitude: NEAR.latitude, socPercent: 80 },
        office(40, { positionAt: min(38), socPercent: 76 }),
      ],
      trip: HOME_TO_OFFICE,
    },
    {
      // No odometer: the guess takes 1 km at 40 km/h, 1.5 minutes before the fix.
      name: 'positions alone give no distance, no mileages and no levels: none of those fields at all',
      samples: [
        { at: min(0), ...HOME, positionAt: min(0) },
        { at: min(30), ...OFFICE, positionAt: min(29) },
      ],
      trip: {
        vin: 'V',
        source: 'derived',
        startAt: iso(27.5),
        endAt: iso(29),
        durationMin: 1.5,
        startAtEarliest: iso(0),
        startAtLatest: iso(29),
        startPosition: { ...HOME, updatedAt: iso(0) },
        endPosition: { ...OFFICE, updatedAt: iso(29) },
      },
    },
    {
      name: 'an odometer alone gives no positions: no startPosition or endPosition field',
      samples: [
        { at: min(0), mileageKm: 1000 },
        { at: min(30), mileageKm: 1010 },
      ],
      trip: {
        vin: 'V',
        source: 'derived',
        startAt: iso(15),
        endAt: iso(30),
        durationMin: 15,
        startAtEarliest: iso(0),
        startAtLatest: iso(30),
        distanceKm: 10,
        startMileageKm: 1000,
        endMileageKm: 1010,
      },
    },
    {
      // The cloud still showed the car at home when read at 06:50 (its report of 06:00 read
      // again), though the car's fix says it arrived at 06:40: the start cannot be bounded
      // before the arrival, so the trip is pinned there, without a window.
      name: 'a read that still showed the car at home after it arrived pins the start at the arrival, with no window',
      samples: homeReadLate(min(50), min(40)),
      trip: PINNED_AT_ARRIVAL,
    },
    {
      // Read again at 06:45: its report was at most 5 minutes old then, so the start is not before 06:40, the
      // arrival: a window of no width is no window.
      name: 'a read that showed the car at home exactly one reporting interval before the arrival pins the start there, with no window',
      samples: homeReadLate(min(45), min(40)),
      trip: PINNED_AT_ARRIVAL,
    },
    {
      // Same as above with a fix time of 06:40:00.0006: the start rounds up to the next
      // millisecond, and the end follows it rather than coming before the start.
      name: 'a trip never ends before its start, even when the start rounds up past a fix time with a fraction of a millisecond',
      samples: homeReadLate(min(50), min(40) + 0.6),
      trip: { ...PINNED_AT_ARRIVAL, startAt: new Date(min(40) + 1).toISOString(), endAt: new Date(min(40) + 1).toISOString() },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(onlyTrip(row.samples, row.options), row.trip);
    });
  }
});

describe('deriveTrips: a move of exactly minMoveM is a trip', () => {
  it('with an odometer step shorter than minDistanceKm and the fix moved exactly minMoveM', () => {
    const minMoveM = distanceM(HOME.latitude, HOME.longitude, NEAR.latitude, NEAR.longitude);
    const samples: Sample[] = [home(0), home(10, { mileageKm: 1000.3, ...NEAR })];
    assert.deepEqual(deriveTrips(samples, { vin: 'V', minMoveM }).map((t) => t.distanceKm), [0.3]);
    assert.deepEqual(deriveTrips(samples, { vin: 'V', minMoveM: minMoveM + 0.01 }).map((t) => t.distanceKm), []);
  });

  it('with positions alone and the fix moved exactly minMoveM', () => {
    const minMoveM = distanceM(HOME.latitude, HOME.longitude, NEAR.latitude, NEAR.longitude);
    const samples: Sample[] = [
      { at: min(0), ...HOME },
      { at: min(10), ...NEAR },
    ];
    assert.deepEqual(deriveTrips(samples, { vin: 'V', minMoveM }).map((t) => t.endPosition), [{ ...NEAR }]);
    assert.deepEqual(deriveTrips(samples, { vin: 'V', minMoveM: minMoveM + 0.01 }), []);
  });
});

describe('deriveTrips: which drop of the charge at home starts the drive (Renault)', () => {
  // Home at 06:00 with 80 %, one more read at home, then the office reached at fix time m+48.
  // A drive started by the read at m: the start is 5 minutes before it and the level used is
  // the 80 % of 06:00. A read at m that was no drive: the car was parked then, and the start is
  // guessed 15 minutes (10 km) before the arrival; the level used is that read's.
  const rows: { name: string; read: Sample; start: { startAt: string; startAtEarliest?: string; startAtLatest?: string; socUsedPercent?: number } }[] = [
    {
      name: 'a read without a level is no drive (nor is it a level to count from)',
      read: { at: min(10), mileageKm: 1000, ...HOME },
      start: { startAt: iso(43), startAtEarliest: iso(10), startAtLatest: iso(58) },
    },
    {
      name: 'a drop of 2 points in 10 minutes while plugged in (not charging) is no drive',
      read: home(10, { socPercent: 78, plug: 'plugged' }),
      start: { startAt: iso(43), startAtEarliest: iso(10), startAtLatest: iso(58), socUsedPercent: 8 },
    },
    {
      name: 'a drop of 2 points in 10 minutes while charging (plug unknown) is no drive',
      read: home(10, { socPercent: 78, charging: 'charging', plug: 'unknown' }),
      start: { startAt: iso(43), startAtEarliest: iso(10), startAtLatest: iso(58), socUsedPercent: 8 },
    },
    {
      name: 'a drop of 2 points in 10 minutes unplugged is a drive',
      read: home(10, { socPercent: 78 }),
      start: { startAt: iso(5), startAtEarliest: iso(0), startAtLatest: iso(10), socUsedPercent: 10 },
    },
    {
      name: 'the 06:00 report read again at 06:10 with a lower level is no drive (no time passed for the car)',
      read: home(0, { fetchedAt: min(10), socPercent: 78 }),
      start: { startAt: iso(33), startAtEarliest: iso(5), startAtLatest: iso(48), socUsedPercent: 8 },
    },
    {
      name: 'a drop of 1 point in 2 hours is no drive (parked cars lose that much)',
      read: home(120, { socPercent: 79 }),
      start: { startAt: iso(153), startAtEarliest: iso(120), startAtLatest: iso(168), socUsedPercent: 9 },
    },
    {
      name: 'a drop of half a point in a minute is no drive (less than a point)',
      read: home(1, { socPercent: 79.5 }),
      start: { startAt: iso(34), startAtEarliest: iso(1), startAtLatest: iso(49), socUsedPercent: 9.5 },
    },
    {
      name: 'a drop of 2 points in 30 minutes, exactly 4 % an hour, is a drive',
      read: home(30, { socPercent: 78 }),
      start: { startAt: iso(25), startAtEarliest: iso(0), startAtLatest: iso(30), socUsedPercent: 10 },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const m = (row.read.at - T0) / 60_000;
      const trip = onlyTrip([home(0), row.read, office(m + 50, { positionAt: min(m + 48) })]);
      const { startAt, startAtEarliest, startAtLatest, socUsedPercent } = trip;
      assert.deepEqual(defined({ startAt, startAtEarliest, startAtLatest, socUsedPercent }), row.start);
    });
  }
});

describe('deriveTrips: the level at arrival when a charge began before the arrival was read', () => {
  // 80 % at home; the drive seen at 06:20 (78 %); the fix says the car stopped at 06:25; read at
  // 06:40 already charging at 79 %. The level at arrival is then the lowest report on the way of
  // the last 5 minutes before 06:25 (06:20-06:25, both included), none later.
  const arrival = office(40, { positionAt: min(25), socPercent: 79, charging: 'charging', plug: 'plugged' });
  const rows: { name: string; onTheWay: Sample[]; socUsedPercent: number | undefined }[] = [
    { name: 'the drop seen 5 minutes before the stop stands in for it (not the charging arrival)', onTheWay: [home(20, { socPercent: 78 })], socUsedPercent: 2 },
    { name: 'a report at the stop itself counts, the lowest of them', onTheWay: [home(20, { socPercent: 78 }), home(25, { socPercent: 76 })], socUsedPercent: 4 },
    { name: 'a report after the stop does not count', onTheWay: [home(20, { socPercent: 78 }), home(30, { socPercent: 75 })], socUsedPercent: 2 },
    { name: 'none within 5 minutes of the stop: no level used', onTheWay: [home(19, { socPercent: 78 })], socUsedPercent: undefined },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(onlyTrip([home(0), ...row.onTheWay, arrival]).socUsedPercent, row.socUsedPercent);
    });
  }

  it('CarData: a report on the way that was already charging does not count', () => {
    // The stream: 5 km at 06:10 (78 %), one more at 06:12 with the charge already on (77 %),
    // charging at 06:20 (79 %): the car stopped at 06:12, and the level before the charge is 78 %.
    const c = (m: number, km: number, soc: number, charging: boolean): Sample => ({
      at: min(m),
      feed: 'continuous',
      mileageKm: km,
      latitude: HOME.latitude + (km - 1000) / 100,
      longitude: HOME.longitude,
      positionAt: min(Math.min(m, 12)),
      socPercent: soc,
      charging: charging ? 'charging' : 'not_charging',
      plug: charging ? 'plugged' : 'unplugged',
    });
    const trip = onlyTrip([c(0, 1000, 80, false), c(10, 1005, 78, false), c(12, 1006, 77, true), c(20, 1006, 79, true)]);
    assert.deepEqual([trip.startAt, trip.endAt, trip.distanceKm, trip.socUsedPercent], [iso(5), iso(12), 6, 2]);
  });
});

describe('deriveTrips: levels, energy and fuel used on a 10 km trip', () => {
  const levels = (t: Trip): Partial<Trip> => {
    const out: Partial<Trip> = {};
    for (const k of ['socUsedPercent', 'energyUsedKwh', 'fuelUsedLiters', 'consumptionKwhPer100Km', 'consumptionLPer100Km'] as const) {
      if (t[k] !== undefined) out[k] = t[k];
    }
    return out;
  };
  const plain = { socPercent: undefined, charging: undefined, plug: undefined };
  const rows: { name: string; from: Omit<Sample, 'at'>; to: Omit<Sample, 'at'>; capacityKwh?: number; used: Partial<Trip> }[] = [
    { name: 'a level that rose on the way (downhill) gives no level or energy used', from: { socPercent: 80 }, to: { socPercent: 82 }, capacityKwh: 52, used: {} },
    { name: 'an unchanged level gives 0 points and 0 kWh used', from: { socPercent: 80 }, to: { socPercent: 80 }, capacityKwh: 52, used: { socUsedPercent: 0, energyUsedKwh: 0 } },
    { name: 'a reported energy that rose gives no energy used', from: { ...plain, energyKwh: 30 }, to: { ...plain, energyKwh: 31 }, used: {} },
    {
      name: 'reported energies at both ends give a consumption even from 3 points',
      from: { socPercent: 80, energyKwh: 40 },
      to: { socPercent: 77, energyKwh: 38.5 },
      capacityKwh: 52,
      used: { socUsedPercent: 3, energyUsedKwh: 1.5, consumptionKwhPer100Km: 15 },
    },
    {
      name: 'a reported energy at the start only: the energy from 3 points of 52 kWh, and no consumption',
      from: { socPercent: 80, energyKwh: 40 },
      to: { socPercent: 77 },
      capacityKwh: 52,
      used: { socUsedPercent: 3, energyUsedKwh: 1.56 },
    },
    {
      name: 'a reported energy at the end only: the energy from 3 points of 52 kWh, and no consumption',
      from: { socPercent: 80 },
      to: { socPercent: 77, energyKwh: 38.5 },
      capacityKwh: 52,
      used: { socUsedPercent: 3, energyUsedKwh: 1.56 },
    },
    { name: 'a tank of 0 litres at the start (a car without fuel) gives no fuel used', from: { ...plain, fuelLiters: 0 }, to: { ...plain, fuelLiters: 0 }, used: {} },
    { name: 'an unchanged tank gives 0 litres used', from: { ...plain, fuelLiters: 30 }, to: { ...plain, fuelLiters: 30 }, used: { fuelUsedLiters: 0 } },
    { name: 'a tank 0.6 litres lower gives 0.6 litres and 6 l/100 km', from: { ...plain, fuelLiters: 30 }, to: { ...plain, fuelLiters: 29.4 }, used: { fuelUsedLiters: 0.6, consumptionLPer100Km: 6 } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const trip = onlyTrip([defined(home(0, row.from)), defined(office(30, { socPercent: undefined, ...row.to }))], row.capacityKwh !== undefined ? { capacityKwh: row.capacityKwh } : {});
      assert.deepEqual(levels(trip), row.used);
    });
  }
});
