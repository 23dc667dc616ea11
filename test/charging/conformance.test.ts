/** Every recorded charging response of ../shared/fixtures/renault maps to the expected settings. */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ChargingSettingsSchema, type Vehicle } from '../../src/core';
import { renaultCharging } from '../../src/brands/renault/charging';
import { RawActionEchoSchema } from '../../src/brands/renault/charging-schemas';
import { readFixture, readJsonFixture } from '../helpers';
import { RecordingHttp, context } from './stub';

const K = 'renault/kamereon';
const auth = { loginToken: 'lt', personId: 'person-1', jwt: 'jwt' };
const car = (modelCode: string): Vehicle => ({ vin: 'VF1AAAAA555777999', accountId: 'account-1', modelCode, drivetrain: 'electric' });
const ALL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

async function read(modelCode: string, answers: [RegExp, string][]) {
  const http = new RecordingHttp(await Promise.all(answers.map(async ([re, file]) => [re, 'GET', await readFixture(K, file)] as [RegExp, string, string])));
  const s = await renaultCharging.read(context(http), auth, car(modelCode), { kind: 'background' });
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
          monday: { start: '12:00', durationMin: 15 },
          tuesday: { start: '04:30', durationMin: 420 },
          wednesday: { start: '22:30', durationMin: 420 },
          thursday: { start: '22:00', durationMin: 420 },
          friday: { start: '12:15', durationMin: 15 },
          saturday: { start: '12:30', durationMin: 30 },
          sunday: { start: '12:45', durationMin: 45 },
        },
      },
    ]);
    assert.deepEqual(s.departureTimers, [{ id: 2, enabled: true, time: '15:15', days: ['wednesday', 'friday'], action: 'climate' }]);
    assert.equal(s.updatedAt, '2020-12-24T20:00:00.000Z');
  });

  it('charging-settings.always: mode always, no schedules', async () => {
    const { s } = await read('X102VE', [[/charging-settings$/, 'vehicle_data/charging-settings.always.json']]);
    assert.equal(s.mode, 'always');
    assert.deepEqual(s.schedules, []);
    assert.equal(s.departureTimers, undefined, 'hvac-settings answered 404: left out');
    assert.equal(s.updatedAt, '2026-03-10T12:30:00.000Z');
  });

  it('charge-mode + charge-schedule.single (ZE40): the calendar becomes schedule 1, "HHMM" times read', async () => {
    const { s, http } = await read('X101VE', [
      [/charge-mode$/, 'vehicle_data/charge-mode.json'],
      [/charge-schedule$/, 'vehicle_data/charge-schedule.single.json'],
    ]);
    assert.equal(s.mode, 'always');
    assert.equal(s.schedules?.length, 1);
    assert.equal(s.schedules?.[0]?.enabled, false);
    for (const d of ALL) assert.deepEqual(s.schedules?.[0]?.days[d], { start: '23:00', durationMin: 480 });
    assert.ok(!http.sent.some((r) => /charging-settings|soc-levels/.test(r.url)), 'the ZE40 is asked only what it has (and hvac-settings, undocumented)');
  });

  it('ev-settings.single + ev-soc-levels (R5): a program with all days, the levels', async () => {
    const { s } = await read('R5E1VE', [
      [/ev\/settings$/, 'vehicle_kcm_data/ev-settings.single.json'],
      [/ev\/soc-levels$/, 'vehicle_kcm_data/ev-soc-levels.json'],
    ]);
    assert.equal(s.mode, 'scheduled');
    assert.deepEqual(s.departureTimers, [{ id: 1, enabled: true, time: '02:00', days: [...ALL], action: 'charge_and_climate' }]);
    assert.equal(s.targetSocPercent, 80);
    assert.equal(s.minSocPercent, 20);
    assert.equal(s.updatedAt, '2025-04-24T12:17:12.247Z');
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
      const p = RawActionEchoSchema.safeParse(await readJsonFixture(K, 'vehicle_action', f));
      assert.ok(p.success && p.data.data?.id === 'guid', f);
    }
    const kcm = RawActionEchoSchema.safeParse(await readJsonFixture(K, 'vehicle_kcm_action', 'ev-soc-levels.json'));
    assert.ok(kcm.success && kcm.data.commandId === 'commandId-1234');
  });
});
