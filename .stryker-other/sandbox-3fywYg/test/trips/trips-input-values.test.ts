// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type ChargeSession, type HistoryTotals, type Position, type Trip, type Vehicle } from '../../src/core';
import type { CallOptions, HistoryFacet, OptionalFacet } from '../../src/brands/provider';
import { AccountSession } from '../../src/features/session';
import { deriveCharges, localTimeZone, parseBound, preferNative, readNativeCharges, summarize, type Sample } from '../../src/features/trips';

const VIN = 'VF1AG000862Z50001';
const T0 = Date.parse('2026-11-20T08:00:00Z');
const min = (m: number): number => T0 + m * 60_000;
const iso = (m: number): string => new Date(min(m)).toISOString();

/** A read of the car at minute `m` with its charging part. */
const read = (m: number, charging: Sample['charging'], more: Partial<Sample> = {}): Sample => ({ at: min(m), charging, plug: 'plugged', ...more });

describe('derived charging sessions: the values of each session', () => {
  const cases: { name: string; samples: Sample[]; capacityKwh?: number; want: ChargeSession[] }[] = [
    {
      name: 'the highest level and energy seen while charging, from the lowest before it, not the last read',
      samples: [
        read(0, 'not_charging', { socPercent: 40, energyKwh: 20 }),
        read(10, 'charging', { socPercent: 41, energyKwh: 20.5 }),
        read(40, 'charging', { socPercent: 60, energyKwh: 30 }),
        read(70, 'ended', { socPercent: 58, energyKwh: 29 }),
      ],
      want: [{ vin: VIN, source: 'derived', startAt: iso(10), endAt: iso(70), durationMin: 60, status: 'ok', energyKwh: 10, socFromPercent: 40, socToPercent: 60, averagePowerKw: 10 }],
    },
    {
      name: 'the energy from the kWh the car reports even when the read before the charge had none (not from the capacity)',
      samples: [read(0, 'not_charging', { socPercent: 40 }), read(10, 'charging', { socPercent: 41, energyKwh: 20.5 }), read(70, 'ended', { socPercent: 60, energyKwh: 30 })],
      capacityKwh: 50,
      want: [{ vin: VIN, source: 'derived', startAt: iso(10), endAt: iso(70), durationMin: 60, status: 'ok', energyKwh: 9.5, socFromPercent: 40, socToPercent: 60, averagePowerKw: 9.5 }],
    },
    {
      name: 'no energy gained is 0 kWh, and a minute-long charge has an average power (0 kW)',
      samples: [read(10, 'charging', { socPercent: 50, energyKwh: 25 }), read(11, 'ended', { socPercent: 50, energyKwh: 25 })],
      want: [{ vin: VIN, source: 'derived', startAt: iso(10), endAt: iso(11), durationMin: 1, status: 'ok', energyKwh: 0, socFromPercent: 50, socToPercent: 50, averagePowerKw: 0 }],
    },
    {
      name: 'a charge shorter than a minute has an energy but no average power',
      samples: [read(10, 'charging', { energyKwh: 25 }), read(10.5, 'ended', { energyKwh: 25.2 })],
      want: [{ vin: VIN, source: 'derived', startAt: iso(10), endAt: iso(10.5), durationMin: 0.5, status: 'ok', energyKwh: 0.2 }],
    },
    {
      name: 'a level that ends below the one before the charge (the first read had none) gives no energy, not a negative one',
      samples: [read(0, 'not_charging', { socPercent: 50, energyKwh: 25 }), read(10, 'charging'), read(40, 'ended', { socPercent: 48, energyKwh: 24 })],
      capacityKwh: 50,
      want: [{ vin: VIN, source: 'derived', startAt: iso(10), endAt: iso(40), durationMin: 30, status: 'ok', socFromPercent: 50, socToPercent: 48 }],
    },
    {
      name: 'a charge whose reads say no level and no place has only its times and status',
      samples: [read(0, 'charging'), read(30, 'ended')],
      capacityKwh: 50,
      want: [{ vin: VIN, source: 'derived', startAt: iso(0), endAt: iso(30), durationMin: 30, status: 'ok' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(deriveCharges(c.samples, { vin: VIN, ...(c.capacityKwh !== undefined ? { capacityKwh: c.capacityKwh } : {}) }), c.want);
    });
  }
});

describe('summaries: bounds, totals and the order of the periods', () => {
  const trip = (startAt: string, more: Partial<Trip> = {}): Trip => ({ vin: 'V', source: 'derived', startAt, endAt: startAt, durationMin: 10, ...more });
  const none = { trips: 0, distanceKm: 0, durationMin: 0, charges: 0, chargeDurationMin: 0 };

  it('counts a trip on a bound day or at a bound instant, and none outside', () => {
    const trips = ['2026-01-04T23:59:00Z', '2026-01-05T00:00:00Z', '2026-01-05T12:00:00Z', '2026-01-06T12:00:00Z', '2026-01-07T00:00:00Z'].map((at) => trip(at));
    const cases: { from: string; to: string; want: [string, number][] }[] = [
      { from: '2026-01-05', to: '2026-01-06', want: [['2026-01-05', 2], ['2026-01-06', 1]] },
      { from: '2026-01-05T00:00:00Z', to: '2026-01-06T12:00:00Z', want: [['2026-01-05', 2], ['2026-01-06', 1]] },
      { from: '2026-01-05T00:00:01Z', to: '2026-01-06T11:59:59Z', want: [['2026-01-05', 1]] },
    ];
    for (const c of cases) {
      const s = summarize(trips, [], { vin: 'V', period: 'day', timeZone: 'UTC', from: c.from, to: c.to });
      assert.deepEqual(
        s.buckets.map((b) => [b.key, b.trips]),
        c.want,
        `${c.from} .. ${c.to}`,
      );
    }
  });

  it('says the bounds it was given, and only those', () => {
    const totals: HistoryTotals = { ...none };
    assert.deepEqual(summarize([], [], { vin: 'V', period: 'day', timeZone: 'UTC', to: '2026-01-06' }), { vin: 'V', period: 'day', timeZone: 'UTC', to: '2026-01-06', buckets: [], totals });
    assert.deepEqual(summarize([], [], { vin: 'V', period: 'week', timeZone: 'UTC', from: '2026-01-05' }), { vin: 'V', period: 'week', timeZone: 'UTC', from: '2026-01-05', buckets: [], totals });
  });

  it('sums fuel and state of charge, with a consumption from a whole kilometre on, per period and overall', () => {
    const trips = [
      trip('2026-01-05T08:00:00Z', { distanceKm: 1, fuelUsedLiters: 0.07 }),
      trip('2026-01-05T09:00:00Z', { distanceKm: 1, energyUsedKwh: 0.15, socUsedPercent: 1 }),
      trip('2026-01-06T08:00:00Z', { distanceKm: 0.5, fuelUsedLiters: 0.04 }),
      trip('2026-01-06T09:00:00Z', { distanceKm: 0.5, energyUsedKwh: 0.1, socUsedPercent: 0.5 }),
    ];
    const s = summarize(trips, [], { vin: 'V', period: 'day', timeZone: 'UTC' });
    const two = { ...none, trips: 2, durationMin: 20 };
    assert.deepEqual(s.buckets, [
      { key: '2026-01-05', ...two, distanceKm: 2, energyUsedKwh: 0.15, fuelUsedLiters: 0.07, socUsedPercent: 1, consumptionKwhPer100Km: 15, consumptionLPer100Km: 7 },
      { key: '2026-01-06', ...two, distanceKm: 1, energyUsedKwh: 0.1, fuelUsedLiters: 0.04, socUsedPercent: 0.5 },
    ]);
    assert.deepEqual(s.totals, {
      ...none,
      trips: 4,
      durationMin: 40,
      distanceKm: 3,
      energyUsedKwh: 0.25,
      fuelUsedLiters: 0.11,
      socUsedPercent: 1.5,
      consumptionKwhPer100Km: 16.7,
      consumptionLPer100Km: 7.3,
    });
  });

  it('gives the periods in time order, whatever the order of the trips and charges', () => {
    const trips = [trip('2026-03-02T08:00:00Z'), trip('2026-01-05T08:00:00Z'), trip('2026-04-01T08:00:00Z'), trip('2026-02-02T08:00:00Z')];
    const charges: ChargeSession[] = [
      { vin: 'V', source: 'derived', startAt: '2026-05-01T20:00:00Z', durationMin: 60 },
      { vin: 'V', source: 'derived', startAt: '2025-12-01T20:00:00Z', durationMin: 60 },
    ];
    const s = summarize(trips, charges, { vin: 'V', period: 'month', timeZone: 'UTC' });
    assert.deepEqual(
      s.buckets.map((b) => b.key),
      ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05'],
    );
  });
});

describe('summary bounds: what a day or a time is', () => {
  it('takes a calendar day and an ISO-8601 time', () => {
    assert.deepEqual(parseBound('2026-01-15', 'from'), { day: '2026-01-15' });
    assert.deepEqual(parseBound('2026-01-15T10:00:00Z', 'to'), { instant: Date.parse('2026-01-15T10:00:00Z') });
  });

  it('refuses a signed year, another date format and a time that does not parse, naming the field and the value', () => {
    const cases: [string, 'from' | 'to'][] = [
      ['+002026-01-15', 'from'],
      ['+002026-01-15T10:00:00Z', 'to'],
      ['Jan 15 2026', 'from'],
      ['2026-01-15Tnoon', 'to'],
    ];
    for (const [value, field] of cases) {
      assert.throws(
        () => parseBound(value, field),
        (e: unknown) => {
          assert.ok(e instanceof CarError);
          assert.deepEqual([e.code, e.message], ['BAD_INPUT', `payload.${field} must be a day (2026-01-15) or an ISO-8601 time (got ${JSON.stringify(value)})`]);
          return true;
        },
        value,
      );
    }
  });
});

describe('the local time zone of summaries', () => {
  it("is the process's zone, and UTC when the process has none", () => {
    const proto = Intl.DateTimeFormat.prototype;
    const original = Object.getOwnPropertyDescriptor(proto, 'resolvedOptions');
    assert.ok(original);
    const real = proto.resolvedOptions;
    try {
      for (const [zone, want] of [
        ['Europe/Paris', 'Europe/Paris'],
        ['', 'UTC'],
      ] as const) {
        proto.resolvedOptions = function (this: Intl.DateTimeFormat) {
          return { ...real.call(this), timeZone: zone };
        };
        assert.equal(localTimeZone(), want, JSON.stringify(zone));
      }
    } finally {
      Object.defineProperty(proto, 'resolvedOptions', original);
    }
  });
});

describe('native sessions in place of derived ones: which one, and what is kept', () => {
  const P: Position = { latitude: 48.85, longitude: 2.35 };
  const Q: Position = { latitude: 45.76, longitude: 4.83 };
  // The derived session ran 10:00-11:00; a native one 15 minutes away either side still overlaps.
  const derived = (more: Partial<ChargeSession> = {}): ChargeSession => ({ vin: 'V', source: 'derived', startAt: '2026-01-05T10:00:00Z', endAt: '2026-01-05T11:00:00Z', durationMin: 60, ...more });
  const native = (startAt: string, endAt: string, more: Partial<ChargeSession> = {}): ChargeSession => ({ vin: 'V', source: 'native', startAt, endAt, status: 'ok', ...more });

  it('matches a native session up to 15 minutes before or after, not one more minute', () => {
    const cases: [string, string, boolean][] = [
      ['2026-01-05T11:15:00Z', '2026-01-05T12:00:00Z', true],
      ['2026-01-05T11:16:00Z', '2026-01-05T12:00:00Z', false],
      ['2026-01-05T11:05:00Z', '2026-01-05T12:00:00Z', true],
      ['2026-01-05T09:00:00Z', '2026-01-05T09:45:00Z', true],
      ['2026-01-05T09:00:00Z', '2026-01-05T09:44:00Z', false],
    ];
    for (const [startAt, endAt, matches] of cases) {
      const n = native(startAt, endAt);
      const d = derived();
      assert.deepEqual(preferNative(d, [n]), matches ? n : d, `${startAt} .. ${endAt}`);
    }
  });

  it("keeps the native values, and takes the derived energy, power and place only where the cloud gave none", () => {
    const full = { energyKwh: 12, averagePowerKw: 6, position: P };
    const bare = native('2026-01-05T10:01:00Z', '2026-01-05T11:02:00Z');
    const rich = native('2026-01-05T10:01:00Z', '2026-01-05T11:02:00Z', { energyKwh: 10, averagePowerKw: 5, position: Q });
    const cases: [string, ChargeSession, ChargeSession, ChargeSession][] = [
      ['the cloud gave none of them', derived(full), bare, { ...bare, ...full }],
      ['neither knows them', derived(), bare, bare],
      ['the cloud gave all of them', derived(full), rich, rich],
    ];
    for (const [name, d, n, want] of cases) assert.deepEqual(preferNative(d, [n]), want, name);
  });
});

/** The part of an account session readNativeCharges uses; `facet` is the session's own. */
class HistoryAccount {
  readonly cloud = 'Renault';
  readonly facet = AccountSession.prototype.facet;
  readonly calls: [string, string, string, CallOptions][] = [];
  readonly connection: { history?: HistoryFacet; missing?: Partial<Record<OptionalFacet, string>> };

  constructor(withHistory: boolean) {
    this.connection = withHistory
      ? {
          history: {
            chargeSessions: (vehicle, from, to, opts) => {
              this.calls.push([vehicle.vin, from, to, opts]);
              return Promise.resolve([]);
            },
          },
        }
      : { missing: { history: 'this cloud keeps no charging history' } };
  }

  get session(): AccountSession {
    return this as unknown as AccountSession;
  }
}

describe('reading the native charging sessions', () => {
  const car: Vehicle = { vin: VIN, drivetrain: 'electric' };

  it('says which cloud cannot list charging sessions, and why', () => {
    assert.throws(
      () => readNativeCharges(new HistoryAccount(false).session, car, iso(0), iso(60), 'explicit'),
      (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.deepEqual([e.code, e.message], ['NOT_SUPPORTED', 'Renault cannot list charging sessions: this cloud keeps no charging history']);
        return true;
      },
    );
  });

  it('asks the cloud for the vehicle, the times and the kind of call given', async () => {
    const account = new HistoryAccount(true);
    assert.deepEqual(await readNativeCharges(account.session, car, iso(0), iso(60), 'background'), []);
    assert.deepEqual(account.calls, [[VIN, iso(0), iso(60), { kind: 'background' }]]);
  });
});
