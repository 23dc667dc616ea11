// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { ChargingSettingsSchema, type ChargingChange } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { readCharging, writeCharging } from '../../src/features/charging';
import { AUSTRAL, R5, SPRING, ZE40, ZE50, rejection, renaultWorldEach } from '../renault-session';

describe('Renault charging settings against the simulator', () => {
  const world = renaultWorldEach({ renault: { quota: false, actionDelayMs: 1_000 } });
  let session: AccountSession;

  beforeEach(async () => {
    session = world.session({ key: 'charging' });
    await session.vehicles();
    world.sim.renault.resetStats();
  });

  const calls = (endpoint: string): number => world.sim.renault.stats.byEndpoint[endpoint] ?? 0;
  const applied = (): Promise<void> => world.clock.advance(2_000);

  /** Writes `change` and expects BAD_INPUT or NOT_SUPPORTED matching `message`, with nothing sent. */
  async function refused(vin: string, change: ChargingChange, code: 'BAD_INPUT' | 'NOT_SUPPORTED', message: RegExp): Promise<void> {
    const before = world.sim.renault.stats.kamereon;
    const err = await rejection(writeCharging(session, vin, change));
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.equal(world.sim.renault.stats.kamereon, before, 'nothing reached the cloud');
  }

  describe('Zoe ZE50 (KCA charging-settings, charge-mode and hvac-schedule actions)', () => {
    it('reads mode and schedules from charging-settings and the climate timers from hvac-settings', async () => {
      const s = await readCharging(session, ZE50, 'explicit');
      assert.ok(ChargingSettingsSchema.safeParse(s).success);
      assert.equal(s.vin, ZE50);
      assert.equal(s.mode, 'always');
      assert.equal(s.timeZone, 'UTC');
      assert.equal(s.schedules?.[0]?.id, 1);
      assert.equal(s.schedules?.[0]?.enabled, true);
      assert.deepEqual(Object.keys(s.schedules?.[0]?.days ?? {}).length, 7);
      const timer = s.departureTimers?.find((t) => t.id === 2);
      assert.deepEqual(timer, { id: 2, enabled: true, time: '06:45', days: ['monday', 'tuesday', 'thursday'], action: 'climate' });
      assert.equal(s.targetSocPercent, undefined, 'the ZE50 has no soc-levels');
      assert.equal(calls('charging-settings'), 1);
      assert.equal(calls('hvac-settings'), 1);
      assert.equal(calls('ev/soc-levels'), 0, 'soc-levels is not asked of a model without it');
      assert.equal(calls('charge-mode'), 0);
    });

    it('writes a second schedule (all schedules posted back) and the mode, and reads them back', async () => {
      const before = await readCharging(session, ZE50, 'explicit');
      const { actionIds } = await writeCharging(session, ZE50, {
        mode: 'scheduled',
        schedules: [{ id: 2, enabled: true, days: { monday: { start: '22:30', durationMin: 480 }, friday: { start: '23:00', durationMin: 45 } } }],
      });
      assert.equal(actionIds.length, 2);
      assert.equal(calls('actions/charge-schedule'), 1);
      assert.equal(calls('actions/charge-mode'), 1);
      await applied();
      const after = await readCharging(session, ZE50, 'explicit');
      assert.equal(after.mode, 'scheduled');
      assert.deepEqual(after.schedules?.find((x) => x.id === 1), before.schedules?.find((x) => x.id === 1), 'schedule 1 was kept');
      assert.deepEqual(after.schedules?.find((x) => x.id === 2), {
        id: 2,
        enabled: true,
        days: { monday: { start: '22:30', durationMin: 480 }, friday: { start: '23:00', durationMin: 45 } },
      });
    });

    it('writes a climate timer through hvac-schedule v2, keeping the others', async () => {
      const { actionIds } = await writeCharging(session, ZE50, {
        departureTimers: [{ id: 3, enabled: true, time: '07:15', days: ['saturday'], dayTimes: {}, action: 'climate' }],
      });
      assert.equal(actionIds.length, 1);
      await applied();
      const s = await readCharging(session, ZE50, 'explicit');
      assert.deepEqual(s.departureTimers?.find((t) => t.id === 3), { id: 3, enabled: true, time: '07:15', days: ['saturday'], action: 'climate' });
      assert.ok(s.departureTimers?.some((t) => t.id === 2 && t.enabled), 'timer 2 was kept');
    });

    it('refuses bad values per field with BAD_INPUT and sends nothing', async () => {
      await readCharging(session, ZE50, 'explicit'); // vehicle and session warm
      await refused(ZE50, { mode: 'delayed' }, 'BAD_INPUT', /^mode: Renault accepts "always" or "scheduled"/);
      await refused(ZE50, { schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:20', durationMin: 60 } } }] }, 'BAD_INPUT', /schedules\[0\]\.days\.monday\.start: .*15-minute steps/);
      await refused(ZE50, { schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 50 } } }] }, 'BAD_INPUT', /schedules\[0\]\.days\.monday\.durationMin: .*15-minute steps from 15 to 1440; got 50/);
      await refused(ZE50, { schedules: [{ id: 6, enabled: true, days: {} }] }, 'BAD_INPUT', /schedules\[0\]\.id: this car has ids 1 to 5; got 6/);
      await refused(ZE50, { schedules: [{ id: 1, enabled: true, days: {} }, { id: 1, enabled: false, days: {} }] }, 'BAD_INPUT', /schedules\[1\]\.id: id 1 is given twice/);
      await refused(ZE50, { schedules: [{ id: 1, enabled: true, days: { monday: { start: '25:00', durationMin: 60 } } }] }, 'BAD_INPUT', /schedules\.?\[0\]\.days\.monday\.start: /);
      await refused(ZE50, { departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday'], action: 'charge' }] }, 'BAD_INPUT', /departureTimers\[0\]\.action: .*allowed: "climate"/);
      await refused(ZE50, { departureTimers: [{ id: 1, enabled: true, time: '07:10', days: ['monday'] }] }, 'BAD_INPUT', /departureTimers\[0\]\.time: .*15-minute steps.*got "07:10"/);
      await refused(ZE50, {}, 'BAD_INPUT', /nothing to change/);
    });

    it('answers NOT_SUPPORTED without a call for charge levels (no soc-levels on the ZE50)', async () => {
      await readCharging(session, ZE50, 'explicit');
      await refused(ZE50, { targetSocPercent: 80 }, 'NOT_SUPPORTED', /charge levels/);
    });

    it('never retries a write, and says what was already sent when a later part fails', async () => {
      await readCharging(session, ZE50, 'explicit');
      world.sim.renault.injectFault({ kind: 'kamereon-proxy', path: 'actions/charge-mode' });
      const err = await rejection(
        writeCharging(session, ZE50, { mode: 'scheduled', schedules: [{ id: 1, enabled: true, days: { sunday: { start: '01:00', durationMin: 300 } } }] }),
      );
      assert.equal(err.code, 'UPSTREAM');
      assert.match(err.message, /already sent: charge schedules \(action [0-9a-f-]+\)/);
      assert.equal(calls('actions/charge-mode'), 1, 'the failed action was not repeated');
      assert.equal(calls('actions/charge-schedule'), 1);
    });
  });

  describe('Zoe ZE40 (charge-mode and charge-schedule, one schedule)', () => {
    it('reads the legacy charge mode and the calendar, and remembers that hvac-settings is absent', async () => {
      const s = await readCharging(session, ZE40, 'explicit');
      assert.equal(s.mode, 'scheduled', 'schedule_mode is scheduled');
      assert.equal(s.schedules?.length, 1);
      assert.equal(s.schedules?.[0]?.id, 1);
      assert.equal(s.schedules?.[0]?.enabled, true);
      assert.equal(s.departureTimers, undefined);
      assert.equal(calls('charge-mode'), 1);
      assert.equal(calls('charge-schedule'), 1);
      assert.equal(calls('charging-settings'), 0);
      assert.equal(calls('hvac-settings'), 1);
      await readCharging(session, ZE40, 'explicit');
      assert.equal(calls('hvac-settings'), 1, 'an undocumented endpoint the car refused is not asked again');
      assert.equal(calls('charge-schedule'), 2);
      // It answered notFound, which a sleeping car answers too: asked again after an hour, not never.
      await world.clock.advance(3_600_000);
      await readCharging(session, ZE40, 'explicit');
      assert.equal(calls('hvac-settings'), 2, 'asked again after the back-off');
    });

    it('writes its one schedule without reading first, and the mode as always_charging', async () => {
      await readCharging(session, ZE40, 'explicit');
      const reads = calls('charge-schedule');
      const days = { tuesday: { start: '01:30', durationMin: 360 }, wednesday: { start: '01:30', durationMin: 360 } };
      const { actionIds } = await writeCharging(session, ZE40, { schedules: [{ id: 1, enabled: true, days }], mode: 'always' });
      assert.equal(actionIds.length, 2);
      assert.equal(calls('charge-schedule'), reads, 'one schedule: nothing to merge, no read');
      await applied();
      const s = await readCharging(session, ZE40, 'explicit');
      assert.equal(s.mode, 'always');
      assert.deepEqual(s.schedules, [{ id: 1, enabled: true, days }]);
    });

    it('refuses a second schedule and climate timers before sending', async () => {
      await readCharging(session, ZE40, 'explicit');
      await refused(ZE40, { schedules: [{ id: 2, enabled: true, days: {} }] }, 'BAD_INPUT', /schedules\[0\]\.id: this car has one slot, id 1; got 2/);
      await refused(
        ZE40,
        { schedules: [{ id: 1, enabled: true, days: {} }, { id: 1, enabled: true, days: {} }] },
        'BAD_INPUT',
        /schedules: this car keeps one schedule; got 2/,
      );
      await refused(ZE40, { departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday'] }] }, 'NOT_SUPPORTED', /refused it before/);
      await refused(ZE40, { targetSocPercent: 80 }, 'NOT_SUPPORTED', /charge levels/);
    });
  });

  describe('Renault 5 (KCM ev/settings and ev/soc-levels)', () => {
    it('reads the mode and departure programs from ev/settings and the levels from soc-levels', async () => {
      const s = await readCharging(session, R5, 'explicit');
      assert.equal(s.mode, 'always');
      assert.deepEqual(s.departureTimers, [
        { id: 1, enabled: false, time: '07:30', days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], action: 'charge_and_climate' },
      ]);
      assert.equal(s.schedules, undefined);
      assert.equal(s.targetSocPercent, 80);
      assert.equal(s.minSocPercent, 20);
      assert.equal(s.timeZone, undefined, 'KCM programs do not say their zone');
      assert.equal(calls('ev/settings'), 1);
      assert.equal(calls('ev/soc-levels'), 1);
      assert.equal(calls('hvac-settings'), 0);
    });

    it('writes mode and programs in one GET-modify-POST of ev/settings and reads them back', async () => {
      await readCharging(session, R5, 'explicit');
      const got = calls('ev/settings');
      await writeCharging(session, R5, {
        mode: 'scheduled',
        departureTimers: [
          { id: 1, enabled: true, time: '06:45', days: ['monday', 'friday'], action: 'charge' },
          { id: 2, enabled: true, time: '08:00', days: ['saturday'] },
        ],
      });
      assert.equal(calls('ev/settings'), got + 1, 'one GET');
      assert.equal(calls('kcm/ev/settings'), 1, 'one POST');
      await applied();
      const s = await readCharging(session, R5, 'explicit');
      assert.equal(s.mode, 'scheduled');
      assert.deepEqual(s.departureTimers, [
        { id: 1, enabled: true, time: '06:45', days: ['monday', 'friday'], action: 'charge' },
        { id: 2, enabled: true, time: '08:00', days: ['saturday'], action: 'charge_and_climate' },
      ]);
    });

    it('writes the target level, keeping the minimum the car has, and returns the command id', async () => {
      await readCharging(session, R5, 'explicit');
      const { actionIds } = await writeCharging(session, R5, { targetSocPercent: 90 });
      assert.equal(actionIds.length, 1);
      assert.equal(calls('kcm/ev/soc-levels'), 1);
      await applied();
      const s = await readCharging(session, R5, 'explicit');
      assert.equal(s.targetSocPercent, 90);
      assert.equal(s.minSocPercent, 20);
      await writeCharging(session, R5, { targetSocPercent: 55, minSocPercent: 45 });
      await applied();
      const t = await readCharging(session, R5, 'explicit');
      assert.equal(t.minSocPercent, 45);
      assert.equal(t.targetSocPercent, 55);
    });

    it('refuses levels outside socMin 15-45 / socTarget 55-100 in steps of 5, sending nothing', async () => {
      await readCharging(session, R5, 'explicit');
      await refused(R5, { targetSocPercent: 50 }, 'BAD_INPUT', /^targetSocPercent: Renault accepts 55 to 100 in steps of 5 \(got 50\)/);
      await refused(R5, { targetSocPercent: 82 }, 'BAD_INPUT', /targetSocPercent: .*steps of 5 \(got 82\)/);
      await refused(R5, { minSocPercent: 10 }, 'BAD_INPUT', /^minSocPercent: Renault accepts 15 to 45 in steps of 5 \(got 10\)/);
      await refused(R5, { minSocPercent: 50 }, 'BAD_INPUT', /minSocPercent: .*\(got 50\)/);
      await refused(R5, { targetSocPercent: 101 }, 'BAD_INPUT', /targetSocPercent/);
      await refused(R5, { mode: 'delayed' }, 'BAD_INPUT', /^mode: /);
      await refused(R5, { departureTimers: [{ id: 6, enabled: true, time: '07:00', days: [] }] }, 'BAD_INPUT', /departureTimers\[0\]\.id: this car has ids 1 to 5; got 6/);
    });

    it('answers NOT_SUPPORTED for charge windows without a call, pointing to departureTimers', async () => {
      await readCharging(session, R5, 'explicit');
      await refused(R5, { schedules: [{ id: 1, enabled: true, days: {} }] }, 'NOT_SUPPORTED', /departureTimers/);
    });
  });

  describe('cars without charging settings', () => {
    it('answers NOT_SUPPORTED without a call for the Spring and the Austral hybrid', async () => {
      for (const vin of [SPRING, AUSTRAL]) {
        await session.vehicle(vin);
        const before = world.sim.renault.stats.kamereon;
        const err = await rejection(readCharging(session, vin, 'explicit'));
        assert.equal(err.code, 'NOT_SUPPORTED');
        assert.equal(world.sim.renault.stats.kamereon, before);
      }
      await refused(AUSTRAL, { mode: 'always' }, 'NOT_SUPPORTED', /charge mode/);
      const caps = session.connection.capabilities(await session.vehicle(SPRING));
      assert.equal(caps.chargingRead, false);
      assert.equal(session.connection.capabilities(await session.vehicle(R5)).chargingWrite, true);
    });
  });
});
