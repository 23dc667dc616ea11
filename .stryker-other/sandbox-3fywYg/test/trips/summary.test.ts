// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, HistorySummarySchema, type ChargeSession, type Trip } from '../../src/core';
import { isoWeek, periodKey, preferNative, summarize } from '../../src/features/trips';

const trip = (startAt: string, km: number, kwh?: number, minutes = 20): Trip => ({
  vin: 'V',
  source: 'derived',
  startAt,
  endAt: new Date(Date.parse(startAt) + minutes * 60_000).toISOString(),
  durationMin: minutes,
  distanceKm: km,
  ...(kwh !== undefined ? { energyUsedKwh: kwh, socUsedPercent: kwh * 2 } : {}),
});
const charge = (startAt: string, kwh: number | undefined, minutes: number): ChargeSession => ({
  vin: 'V',
  source: 'derived',
  startAt,
  endAt: new Date(Date.parse(startAt) + minutes * 60_000).toISOString(),
  durationMin: minutes,
  ...(kwh !== undefined ? { energyKwh: kwh } : {}),
});

// Sunday 2026-01-11 late evening in Paris is already Monday in UTC+1... and the reverse at 23:30 UTC.
const TRIPS: Trip[] = [
  trip('2026-01-05T07:00:00Z', 10, 1.5), // Monday, week 2
  trip('2026-01-05T17:00:00Z', 10, 1.7), // Monday
  trip('2026-01-11T23:30:00Z', 20, 3), // Sunday 23:30 UTC = Monday 00:30 in Paris (week 3)
  trip('2026-02-02T08:00:00Z', 30), // February, energy unknown
];
const CHARGES: ChargeSession[] = [charge('2026-01-05T20:00:00Z', 12.5, 120), charge('2026-02-03T01:00:00Z', undefined, 60)];

describe('summaries by day, week and month', () => {
  it('sums trips and charges per day in the chosen time zone', () => {
    const s = summarize(TRIPS, CHARGES, { vin: 'V', period: 'day', timeZone: 'UTC' });
    assert.ok(HistorySummarySchema.safeParse(s).success);
    assert.deepEqual(
      s.buckets.map((b) => [b.key, b.trips, b.distanceKm, b.charges]),
      [
        ['2026-01-05', 2, 20, 1],
        ['2026-01-11', 1, 20, 0],
        ['2026-02-02', 1, 30, 0],
        ['2026-02-03', 0, 0, 1],
      ],
    );
    const monday = s.buckets[0];
    assert.equal(monday?.energyUsedKwh, 3.2);
    assert.equal(monday?.consumptionKwhPer100Km, 16);
    assert.equal(monday?.chargedKwh, 12.5);
    assert.equal(monday?.chargeDurationMin, 120);
    assert.equal(s.totals.trips, 4);
    assert.equal(s.totals.distanceKm, 70);
    assert.equal(s.totals.energyUsedKwh, 6.2);
    // Consumption only over the trips whose energy is known (40 km, not 70).
    assert.equal(s.totals.consumptionKwhPer100Km, 15.5);
    assert.equal(s.totals.charges, 2);
    assert.equal(s.totals.chargedKwh, 12.5);
    assert.equal(s.totals.chargeDurationMin, 180);
    assert.equal(s.buckets[2]?.energyUsedKwh, undefined, 'a day without any known energy has none, not 0');
  });

  it('puts a trip after midnight in Paris on the next day and week', () => {
    const utc = summarize(TRIPS, [], { vin: 'V', period: 'week', timeZone: 'UTC' });
    const paris = summarize(TRIPS, [], { vin: 'V', period: 'week', timeZone: 'Europe/Paris' });
    assert.deepEqual(utc.buckets.map((b) => [b.key, b.trips]), [['2026-W02', 3], ['2026-W06', 1]]);
    assert.deepEqual(paris.buckets.map((b) => [b.key, b.trips]), [['2026-W02', 2], ['2026-W03', 1], ['2026-W06', 1]]);
  });

  it('sums by month and keeps only the requested days or instants', () => {
    const months = summarize(TRIPS, CHARGES, { vin: 'V', period: 'month', timeZone: 'UTC' });
    assert.deepEqual(months.buckets.map((b) => [b.key, b.trips, b.charges]), [['2026-01', 3, 1], ['2026-02', 1, 1]]);
    const january = summarize(TRIPS, CHARGES, { vin: 'V', period: 'month', timeZone: 'UTC', from: '2026-01-01', to: '2026-01-31' });
    assert.deepEqual(january.buckets.map((b) => b.key), ['2026-01']);
    assert.equal(january.from, '2026-01-01');
    const evening = summarize(TRIPS, CHARGES, { vin: 'V', period: 'day', timeZone: 'UTC', from: '2026-01-05T12:00:00Z', to: '2026-01-05T23:59:59Z' });
    assert.equal(evening.totals.trips, 1);
    assert.equal(evening.totals.charges, 1);
  });

  it('refuses a bad period, time zone or bound with BAD_INPUT naming the field', () => {
    const bad = (req: Parameters<typeof summarize>[2], re: RegExp): void => {
      assert.throws(() => summarize(TRIPS, CHARGES, req), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && re.test(e.message));
    };
    bad({ vin: 'V', period: 'year' as 'day', timeZone: 'UTC' }, /payload\.period must be one of: day, week, month/);
    bad({ vin: 'V', period: 'day', timeZone: 'Mars/Olympus' }, /payload\.timeZone/);
    bad({ vin: 'V', period: 'day', timeZone: 'UTC', from: 'yesterday' }, /payload\.from must be a day/);
  });

  it('numbers ISO weeks across year ends', () => {
    assert.equal(isoWeek('2026-01-01'), '2026-W01'); // a Thursday
    assert.equal(isoWeek('2027-01-01'), '2026-W53'); // a Friday: the last week of 2026
    assert.equal(isoWeek('2024-12-30'), '2025-W01'); // a Monday: the first week of 2025
    assert.equal(periodKey(Date.parse('2026-03-29T00:30:00Z'), 'day', 'Europe/Paris'), '2026-03-29');
  });
});

describe('native sessions in place of derived ones', () => {
  it('takes the cloud record that overlaps, keeping what only the derived one knows', () => {
    const derived: ChargeSession = { ...charge('2026-01-05T20:05:00Z', 12, 115), position: { latitude: 48.85, longitude: 2.35 } };
    const native: ChargeSession[] = [
      { vin: 'V', source: 'native', startAt: '2026-01-04T20:00:00Z', endAt: '2026-01-04T22:00:00Z', durationMin: 120, status: 'ok' },
      { vin: 'V', source: 'native', startAt: '2026-01-05T20:01:00Z', endAt: '2026-01-05T22:02:00Z', durationMin: 121, socFromPercent: 30, socToPercent: 55, status: 'ok' },
    ];
    const out = preferNative(derived, native);
    assert.equal(out.source, 'native');
    assert.equal(out.startAt, '2026-01-05T20:01:00Z');
    assert.equal(out.energyKwh, 12, 'the cloud gave no energy: the derived one is kept');
    assert.deepEqual(out.position, derived.position);
    assert.equal(preferNative(derived, native.slice(0, 1)), derived, 'no overlap: the derived one stays');
  });
});
