/** Every charging answer of test/fixtures/renault, read through a Renault connection, maps to the expected settings. */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ChargingSettingsSchema, type Vehicle } from '../../src/core';
import { actionIdOf } from '../../src/brands/renault/schemas';
import { readRenault, readRenaultJson } from '../renault/fixtures';
import { RecordingHttp, connection } from './stub';

const car = (modelCode: string): Vehicle => ({ vin: 'VF1TESTZE50000002', accountId: 'account-1', modelCode, drivetrain: 'electric' });
const ALL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const ECHO_ID = '9c4e2a71-5b3d-4f08-a6e1-0d2c7b8f3e15';

/** A charging read of a model whose endpoints answer with these files (others: 404). */
async function read(modelCode: string, answers: [RegExp, string][]) {
  const http = new RecordingHttp(await Promise.all(answers.map(async ([re, file]) => [re, 'GET', await readRenault('kamereon', file)] as [RegExp, string, string])));
  const s = await connection(http).charging.read(car(modelCode), { kind: 'background' });
  assert.ok(ChargingSettingsSchema.safeParse(s).success);
  return { s, http };
}

describe('Renault charging fixtures', () => {
  it('charging-settings.single + hvac-settings (ZE50): one schedule with its seven UTC windows, climate timer 2', async () => {
    const { s } = await read('X102VE', [
      [/charging-settings$/, 'vehicle_data/charging-settings.single.json'],
      [/hvac-settings$/, 'vehicle_data/hvac-settings.json'],
    ]);
    assert.equal(s.mode, 'scheduled');
    assert.equal(s.timeZone, 'UTC');
    assert.deepEqual(s.schedules, [
      {
        id: 1,
        enabled: true,
        days: {
          monday: { start: '06:00', durationMin: 30 },
          tuesday: { start: '05:15', durationMin: 360 },
          wednesday: { start: '23:00', durationMin: 360 },
          thursday: { start: '22:30', durationMin: 420 },
          friday: { start: '06:15', durationMin: 15 },
          saturday: { start: '07:30', durationMin: 45 },
          sunday: { start: '08:45', durationMin: 60 },
        },
      },
    ]);
    assert.deepEqual(s.departureTimers, [{ id: 2, enabled: true, time: '06:30', days: ['thursday', 'saturday'], action: 'climate' }]);
    assert.equal(s.updatedAt, '2026-01-30T07:10:00.000Z');
  });

  it('charging-settings.always: mode always, no schedules', async () => {
    const { s } = await read('X102VE', [[/charging-settings$/, 'vehicle_data/charging-settings.always.json']]);
    assert.equal(s.mode, 'always');
    assert.deepEqual(s.schedules, []);
    assert.equal(s.departureTimers, undefined, 'hvac-settings answered 404: left out');
    assert.equal(s.updatedAt, '2026-05-21T18:40:00.000Z');
  });

  it('charge-mode + charge-schedule.single (ZE40): the calendar becomes schedule 1, "HHMM" times read', async () => {
    const { s, http } = await read('X101VE', [
      [/charge-mode$/, 'vehicle_data/charge-mode.json'],
      [/charge-schedule$/, 'vehicle_data/charge-schedule.single.json'],
    ]);
    assert.equal(s.mode, 'always');
    assert.equal(s.schedules?.length, 1);
    assert.equal(s.schedules?.[0]?.enabled, false);
    for (const d of ALL) assert.deepEqual(s.schedules?.[0]?.days[d], { start: '22:30', durationMin: 450 });
    assert.ok(!http.sent.some((r) => /charging-settings|soc-levels/.test(r.url)), 'the ZE40 is asked only what it has (and hvac-settings, undocumented)');
  });

  it('charge-schedule.mixed (ZE40): a window the core cannot hold leaves out its day, not the schedule', async () => {
    const { s } = await read('X101VE', [[/charge-schedule$/, 'vehicle_data/charge-schedule.mixed.json']]);
    assert.equal(s.schedules?.[0]?.enabled, true);
    assert.equal(s.schedules?.[0]?.days.friday, undefined, 'ten minutes: under the 15 a window takes');
    assert.deepEqual(s.schedules?.[0]?.days.monday, { start: '09:45', durationMin: 180 });
    assert.equal(Object.keys(s.schedules?.[0]?.days ?? {}).length, 6);
  });

  it('ev-settings.single + ev-soc-levels (R5): a program with all days, the levels', async () => {
    const { s } = await read('R5E1VE', [
      [/ev\/settings$/, 'vehicle_kcm_data/ev-settings.single.json'],
      [/ev\/soc-levels$/, 'vehicle_kcm_data/ev-soc-levels.json'],
    ]);
    assert.equal(s.mode, 'scheduled');
    assert.deepEqual(s.departureTimers, [{ id: 1, enabled: true, time: '06:30', days: [...ALL], action: 'charge_and_climate' }]);
    assert.equal(s.targetSocPercent, 85);
    assert.equal(s.minSocPercent, 25);
    assert.equal(s.updatedAt, '2026-03-08T19:22:41.318Z');
  });

  it('ev-settings.empty and .single.inactive: no programs / an inactive one', async () => {
    const empty = await read('R5E1VE', [[/ev\/settings$/, 'vehicle_kcm_data/ev-settings.empty.json']]);
    assert.deepEqual(empty.s.departureTimers, []);
    assert.equal(empty.s.targetSocPercent, undefined);
    const inactive = await read('R5E1VE', [[/ev\/settings$/, 'vehicle_kcm_data/ev-settings.single.inactive.json']]);
    assert.equal(inactive.s.departureTimers?.[0]?.enabled, false);
  });

  it('action echoes carry the action id (KCA data.id, KCM commandId)', async () => {
    for (const f of ['charge-mode.schedule_mode.json', 'charge-schedule.scheduled.json', 'charge-schedule.empty.json', 'hvac-schedule.schedules.json']) {
      assert.equal(actionIdOf(await readRenaultJson('kamereon', 'vehicle_action', f)), ECHO_ID, f);
    }
    assert.equal(actionIdOf(await readRenaultJson('kamereon', 'vehicle_kcm_action', 'ev-soc-levels.json')), 'cmd-5f2e9a0b');
  });
});
