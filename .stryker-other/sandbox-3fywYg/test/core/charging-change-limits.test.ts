// @ts-nocheck
// Mutation testing (issue 19): the limits of a charging change that a flow writes, at their edges.
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ChargingChangeSchema, ChargingSettingsSchema, DepartureTimerSchema } from '../../src/core/charging';

type Days = Record<string, { start: string; durationMin: number } | null>;
const schedule = (days: Days, id = 1): unknown => ({ id, enabled: true, days });
const accepts = (change: unknown): boolean => ChargingChangeSchema.safeParse(change).success;

describe('core/charging: change limits', () => {
  it('lets a window end exactly when the next day\'s window starts, and refuses one minute more', () => {
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '22:00', durationMin: 480 }, tuesday: { start: '06:00', durationMin: 60 } })] }), true);
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '22:00', durationMin: 481 }, tuesday: { start: '06:00', durationMin: 60 } })] }), false);
  });

  it('counts the minutes of both times when comparing (22:15 + 495 min ends at 06:30)', () => {
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '22:15', durationMin: 495 }, tuesday: { start: '06:30', durationMin: 60 } })] }), true);
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '22:15', durationMin: 496 }, tuesday: { start: '06:30', durationMin: 60 } })] }), false);
  });

  it('checks Sunday\'s window against Monday\'s (the week wraps)', () => {
    const r = ChargingChangeSchema.safeParse({ schedules: [schedule({ sunday: { start: '23:00', durationMin: 120 }, monday: { start: '00:30', durationMin: 60 } })] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['schedules', 0, 'days', 'sunday']);
    assert.equal(r.error?.issues[0]?.message, "the window 23:00+120 min runs into monday's window at 00:30");
  });

  it('lets a long window run on when the next day has none (or null)', () => {
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '20:00', durationMin: 1440 }, tuesday: null })] }), true);
    assert.equal(accepts({ schedules: [schedule({ monday: { start: '20:00', durationMin: 1440 }, wednesday: { start: '01:00', durationMin: 60 } })] }), true);
  });

  it('takes window lengths from 15 min to 24 h, whole minutes only', () => {
    for (const [durationMin, ok] of [[14, false], [15, true], [1440, true], [1441, false], [60.5, false]] as const) {
      assert.equal(accepts({ schedules: [schedule({ friday: { start: '01:00', durationMin } })] }), ok, String(durationMin));
    }
  });

  it('takes times 00:00-23:59 with two-digit hours starting 0, 1 or 2 only', () => {
    for (const [time, ok] of [['00:00', true], ['10:05', true], ['19:59', true], ['20:00', true], ['23:59', true], ['24:00', false], ['29:00', false], ['a7:00', false], ['07:00 ', false], [' 07:00', false]] as const) {
      assert.equal(DepartureTimerSchema.safeParse({ id: 1, enabled: true, time, days: [] }).success, ok, time);
    }
  });

  it('takes schedule and timer ids from 1, at most five of each, and whole percentages 0-100', () => {
    assert.equal(accepts({ schedules: [schedule({}, 0)] }), false);
    assert.equal(accepts({ schedules: [schedule({}, 1)] }), true);
    const five = [1, 2, 3, 4, 5];
    assert.equal(accepts({ schedules: five.map((id) => schedule({}, id)) }), true);
    assert.equal(accepts({ schedules: [...five, 6].map((id) => schedule({}, id)) }), false);
    const timer = (id: number): unknown => ({ id, enabled: true, time: '07:00', days: ['monday'] });
    assert.equal(accepts({ departureTimers: five.map(timer) }), true);
    assert.equal(accepts({ departureTimers: [...five, 6].map(timer) }), false);
    assert.equal(accepts({ departureTimers: [timer(0)] }), false);
    for (const field of ['targetSocPercent', 'minSocPercent']) {
      for (const [value, ok] of [[0, true], [100, true], [-1, false], [101, false], [80.5, false]] as const) {
        assert.equal(accepts({ [field]: value }), ok, `${field} ${value}`);
      }
    }
  });

  it('reads a car\'s settings with per-day timer times and an action, and refuses a wrong day or action', () => {
    const settings = {
      vin: 'VF1',
      mode: 'scheduled',
      targetSocPercent: 80.5,
      timeZone: 'UTC',
      departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday', 'friday'], dayTimes: { friday: '08:15' }, action: 'charge_and_climate' }],
      updatedAt: '2026-01-15T08:00:00+01:00',
    };
    assert.deepEqual(ChargingSettingsSchema.parse(settings), settings);
    for (const action of ['charge', 'climate', 'charge_and_climate']) {
      assert.equal(ChargingSettingsSchema.safeParse({ ...settings, minSocPercent: 20, departureTimers: [{ ...settings.departureTimers[0], action }] }).success, true, action);
    }
    assert.equal(ChargingSettingsSchema.safeParse({ ...settings, departureTimers: [{ ...settings.departureTimers[0], dayTimes: { friday: '8:15' } }] }).success, false);
    assert.equal(ChargingSettingsSchema.safeParse({ ...settings, departureTimers: [{ ...settings.departureTimers[0], action: 'heat' }] }).success, false);
    assert.equal(ChargingSettingsSchema.safeParse({ ...settings, targetSocPercent: 101 }).success, false);
    assert.equal(ChargingSettingsSchema.safeParse({ ...settings, minSocPercent: -1 }).success, false);
    assert.equal(ChargingSettingsSchema.safeParse({ ...settings, updatedAt: 'yesterday' }).success, false);
  });
});
