/**
 * Renault's charges and charge-history mapped, value by value (issue 19): the unit judged from
 * the dates, each session's duration, energy, levels, power and status, and the day and month
 * counts. The recorded answers (test/fixtures/renault, SOURCE.md) first; the edge cases beside
 * them are built here, each named for the rule it pins.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { ChargeSession } from '../../src/core';
import { inferUnit, mapChargeHistory, mapCharges } from '../../src/brands/renault/history-map';
import { ChargeHistorySchema, ChargesSchema } from '../../src/brands/renault/schemas';
import { readRenaultJson } from './fixtures';

const DIR = 'kamereon/vehicle_data';
const T0 = Date.parse('2026-03-01T08:00:00Z');
const MIN = 60_000;
const at = (ms: number): string => new Date(ms).toISOString();

function charges(records: unknown[]) {
  return ChargesSchema.parse({ data: { type: 'Car', id: 'VIN', attributes: { charges: records } } });
}

function summaries(records: unknown[]) {
  return ChargeHistorySchema.parse({ data: { type: 'Car', id: 'VIN', attributes: { chargeSummaries: records } } });
}

/** A charge of `durationMin` minutes by its dates, reporting `reported` as its chargeDuration. */
const dated = (durationMin: number, reported: number, start = T0) => ({ chargeStartDate: at(start), chargeEndDate: at(start + durationMin * MIN), chargeDuration: reported });

describe('Renault charge history mapping, value by value', () => {
  it('judges the unit of chargeDuration from the dates: about 1:1 is minutes, about 60:1 seconds, a tie minutes', async () => {
    const cases: [string, unknown[], 'minutes' | 'seconds' | undefined][] = [
      ['no charge', [], undefined],
      ['under 2 minutes tells nothing', [dated(1, 60)], undefined],
      ['2 minutes in seconds', [dated(2, 120)], 'seconds'],
      ['1.25 times the minutes is still minutes', [dated(4, 5)], 'minutes'],
      ['75 times the minutes is still seconds', [dated(4, 300)], 'seconds'],
      ['10 times the minutes is neither', [dated(10, 100)], undefined],
      ['no duration, or none above 0', [dated(30, 0), dated(30, -30)], undefined],
      ['one of each', [dated(30, 30), dated(30, 1800, T0 + 60 * MIN)], 'minutes'],
      ['more in seconds', [dated(30, 30), dated(30, 1800, T0 + 60 * MIN), dated(20, 1200, T0 + 120 * MIN)], 'seconds'],
    ];
    for (const [what, records, want] of cases) assert.equal(inferUnit(charges(records)), want, what);
    // The recorded answers: a ZE40 and a Megane both count minutes.
    assert.equal(inferUnit(ChargesSchema.parse(await readRenaultJson(DIR, 'charges.json'))), 'minutes');
    assert.equal(inferUnit(ChargesSchema.parse(await readRenaultJson(DIR, 'charges-megane.json'))), 'minutes');
  });

  it('maps the recorded Megane sessions: dates, energy, levels, average power', async () => {
    assert.deepEqual(mapCharges(ChargesSchema.parse(await readRenaultJson(DIR, 'charges-megane.json')), 'VIN', 'minutes'), [
      // 09:03:20 to 10:41:08 is 97.8 minutes; 5.3 kWh in them is 3.3 kW.
      { vin: 'VIN', source: 'native', startAt: '2026-02-14T09:03:20.000Z', endAt: '2026-02-14T10:41:08.000Z', durationMin: 97.8, energyKwh: 5.3, socFromPercent: 38, socToPercent: 47, averagePowerKw: 3.3, status: 'ok' },
      { vin: 'VIN', source: 'native', startAt: '2026-02-14T13:30:00.000Z', endAt: '2026-02-14T17:52:12.000Z', durationMin: 262.2, energyKwh: 11.7, socFromPercent: 46, socToPercent: 71, averagePowerKw: 2.7, status: 'ok' },
    ]);
  });

  it('takes the duration from the dates, else from chargeDuration in the unit given, and sorts the sessions by start', () => {
    const start = (i: number) => T0 - i * 24 * 60 * MIN; // the answer lists the newest first
    const records = [
      // 0: ends as it starts: 0 minutes by the dates, whatever chargeDuration says.
      { chargeStartDate: at(start(0)), chargeEndDate: at(start(0)), chargeDuration: 30, chargeEndStatus: 'OK' },
      // 1: ends before it starts: the dates are wrong, chargeDuration counts.
      { chargeStartDate: at(start(1)), chargeEndDate: at(start(1) - 10 * MIN), chargeDuration: 60, chargeEndStatus: 'ERROR' },
      // 2: ends before it starts, no chargeDuration: neither end nor duration.
      { chargeStartDate: at(start(2)), chargeEndDate: at(start(2) - 10 * MIN), chargeEndStatus: 'aborted' },
      // 3: no end, a negative chargeDuration: neither.
      { chargeStartDate: at(start(3)), chargeDuration: -5 },
      // 4: no end, chargeDuration 0.
      { chargeStartDate: at(start(4)), chargeDuration: 0 },
      // 5: no end, 90 minutes in the unit given (minutes here).
      { chargeStartDate: at(start(5)), chargeDuration: 90, chargeEnergyRecovered: 0, chargeStartBatteryLevel: 0, chargeEndBatteryLevel: 100 },
      // 6: 30 seconds: too short for an average power.
      { chargeStartDate: at(start(6)), chargeEndDate: at(start(6) + 30_000), chargeEnergyRecovered: 0.1 },
      // 7: exactly 1 minute: 0.1 kWh in it is 6 kW.
      { chargeStartDate: at(start(7)), chargeEndDate: at(start(7) + MIN), chargeEnergyRecovered: 0.1 },
      // 8: a negative energy is no energy.
      { chargeStartDate: at(start(8)), chargeEndDate: at(start(8) + 60 * MIN), chargeEnergyRecovered: -1 },
      // 9: no start date: left out.
      { chargeEndDate: at(start(9)), chargeDuration: 30 },
    ];
    const base = (i: number): ChargeSession => ({ vin: 'VIN', source: 'native', startAt: at(start(i)), status: 'unknown' });
    const want: ChargeSession[] = [
      { ...base(8), endAt: at(start(8) + 60 * MIN), durationMin: 60 },
      { ...base(7), endAt: at(start(7) + MIN), durationMin: 1, energyKwh: 0.1, averagePowerKw: 6 },
      { ...base(6), endAt: at(start(6) + 30_000), durationMin: 0.5, energyKwh: 0.1 },
      { ...base(5), endAt: at(start(5) + 90 * MIN), durationMin: 90, energyKwh: 0, socFromPercent: 0, socToPercent: 100, averagePowerKw: 0 },
      { ...base(4), endAt: at(start(4)), durationMin: 0 },
      base(3),
      base(2),
      { ...base(1), endAt: at(start(1) + 60 * MIN), durationMin: 60, status: 'error' },
      { ...base(0), endAt: at(start(0)), durationMin: 0, status: 'ok' },
    ];
    assert.deepEqual(mapCharges(charges(records), 'VIN', 'minutes'), want);
    // The same answer from a car that counts seconds: only the sessions without usable dates change.
    const inSeconds = mapCharges(charges([{ chargeStartDate: at(T0), chargeDuration: 5400 }, records[1]]), 'VIN', 'seconds');
    assert.deepEqual(inSeconds, [
      { ...base(1), endAt: at(start(1) + MIN), durationMin: 1, status: 'error' },
      { ...base(0), endAt: at(T0 + 90 * MIN), durationMin: 90 },
    ]);
  });

  it('counts charges per day or per month, in the unit given, oldest period first', async () => {
    const day = mapChargeHistory(ChargeHistorySchema.parse(await readRenaultJson(DIR, 'charge-history.day.json')), 'day', 'minutes');
    assert.deepEqual(day, [
      { period: '2026-01-09', count: 1, durationMin: 408, errors: 0 },
      { period: '2026-01-12', count: 2, durationMin: 380, errors: 0 },
    ]);
    const month = mapChargeHistory(ChargeHistorySchema.parse(await readRenaultJson(DIR, 'charge-history.month.json')), 'month', 'seconds');
    assert.deepEqual(month, [{ period: '2026-01', count: 9, durationMin: 49.2, errors: 1 }]);

    const raw = summaries([
      { day: '20260214', month: '202602', totalChargesNumber: 3, totalChargesDuration: 5400, totalChargesErrors: 2 },
      { day: '2026-02-13', totalChargesNumber: 0, totalChargesDuration: 0 },
      { day: '20260212', totalChargesNumber: 1, totalChargesDuration: -5, totalChargesErrors: -1 },
      { day: '20260211', totalChargesNumber: -1 },
      { day: 'x20260210', totalChargesNumber: 1 },
      { day: '20260210T00:00:00Z', totalChargesNumber: 1 },
      { day: '20260209' },
      // Two summaries of one day: kept in the answer's order.
      { day: '20260208', totalChargesNumber: 4 },
      { day: '20260208', totalChargesNumber: 5 },
    ]);
    assert.deepEqual(mapChargeHistory(raw, 'day', 'seconds'), [
      { period: '2026-02-08', count: 4 },
      { period: '2026-02-08', count: 5 },
      { period: '2026-02-12', count: 1 },
      { period: '2026-02-13', count: 0, durationMin: 0 },
      { period: '2026-02-14', count: 3, durationMin: 90, errors: 2 },
    ]);
    // By month, a summary that has both keys is counted under its month.
    const both = summaries([{ day: '20260214', month: '202602', totalChargesNumber: 3, totalChargesDuration: 5400 }]);
    assert.deepEqual(mapChargeHistory(both, 'month', 'minutes'), [{ period: '2026-02', count: 3, durationMin: 5400 }]);
  });
});
