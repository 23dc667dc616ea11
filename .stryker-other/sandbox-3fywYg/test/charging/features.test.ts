// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type ChargingSettings } from '../../src/core';
import { changeApplied, parseChargingInput, summarizeCharging } from '../../src/features/charging';

const words = { always: 'always', scheduled: 'scheduled', delayed: 'delayed', ready: 'ready' };

function badInput(payload: unknown, message: RegExp): void {
  assert.throws(
    () => parseChargingInput(payload),
    (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && message.test(e.message),
  );
}

describe('car-charging input', () => {
  it('reads on an empty payload, a timestamp, a string or {action:"read"}', () => {
    for (const p of [undefined, null, '', 1_700_000_000_000, 'read', true, {}, { action: 'read' }, { action: 'read', mode: 'always' }]) {
      assert.deepEqual(parseChargingInput(p), { action: 'read' }, JSON.stringify(p));
    }
  });

  it('writes a change, with or without action:"write"', () => {
    assert.deepEqual(parseChargingInput({ mode: 'always' }), { action: 'write', change: { mode: 'always' } });
    const change = { targetSocPercent: 80, schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 480 }, tuesday: null } }] };
    assert.deepEqual(parseChargingInput({ action: 'write', ...change }), { action: 'write', change });
  });

  it('takes times of day from 00:00 to 23:59 and refuses 24:00, 23:60 and 7:00 in windows and timers', () => {
    const window = (start: string): unknown => ({ schedules: [{ id: 1, enabled: true, days: { monday: { start, durationMin: 60 } } }] });
    const timer = (time: string): unknown => ({ departureTimers: [{ id: 1, enabled: true, time, days: ['monday'] }] });
    for (const ok of ['00:00', '09:59', '19:30', '23:59']) {
      assert.equal(parseChargingInput(window(ok)).action, 'write', ok);
      assert.equal(parseChargingInput(timer(ok)).action, 'write', ok);
    }
    for (const bad of ['24:00', '23:60', '7:00', '07:0', '30:00']) {
      badInput(window(bad), new RegExp(`^schedules\\[0\\]\\.days\\.monday\\.start: a time of day as HH:MM \\(got "${bad}"\\)`));
      badInput(timer(bad), new RegExp(`^departureTimers\\[0\\]\\.time: a time of day as HH:MM \\(got "${bad}"\\)`));
    }
  });

  it('names the field, what it must be and what it got', () => {
    badInput({ mode: 'fast' }, /^mode: allowed "always", "scheduled", "delayed" \(got "fast"\)/);
    badInput({ targetSocPercent: 180 }, /^targetSocPercent: .*100.*\(got 180\)/);
    badInput({ targetSocPercent: '80' }, /^targetSocPercent: .*number.*\(got "80"\)/);
    badInput({ schedules: [{ id: 1, enabled: true, days: { monday: { start: '9:00', durationMin: 60 } } }] }, /^schedules\[0\]\.days\.monday\.start: a time of day as HH:MM \(got "9:00"\)/);
    badInput({ schedules: [{ id: 1, enabled: true, days: { monday: { start: '09:00', durationMin: 5 } } }] }, /^schedules\[0\]\.days\.monday\.durationMin: .*15.*\(got 5\)/);
    badInput({ departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['mon'] }] }, /^departureTimers\[0\]\.days\[0\]: allowed "monday"/);
    badInput({ colour: 'red' }, /^payload: unknown field colour/);
    // A misspelt or capitalised day never empties the schedule: refused, naming the allowed days.
    badInput({ schedules: [{ id: 1, enabled: true, days: { Monday: { start: '22:00', durationMin: 480 } } }] }, /^schedules\[0\]\.days: unknown field Monday \(allowed: monday, tuesday, wednesday, thursday, friday, saturday, sunday\)/);
    badInput({ schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:00', durationMin: 480 }, tuesday: { start: '05:00', durationMin: 60 } } }] }, /^schedules\[0\]\.days\.monday: the window 22:00\+480 min runs into tuesday's window at 05:00/);
    badInput({ schedules: [{ id: 1, enabled: true, days: {}, colour: 'red' }] }, /^schedules\[0\]: unknown field colour \(allowed: id, enabled, days\)/);
    badInput({ departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday'], wings: 2 }] }, /^departureTimers\[0\]: unknown field wings/);
    badInput({ action: 'delete' }, /^action: allowed "read", "write" \(got "delete"\)/);
    badInput({ action: 'write' }, /^nothing to change/);
    badInput([1, 2], /^payload: an object/);
    badInput({ mode: 'fast', targetSocPercent: -1 }, /^mode: .*; targetSocPercent: /);
  });
});

describe('car-charging status text', () => {
  const base: ChargingSettings = {
    vin: 'V',
    mode: 'scheduled',
    timeZone: 'UTC',
    targetSocPercent: 80,
    schedules: [
      { id: 1, enabled: false, days: { monday: { start: '01:00', durationMin: 60 } } },
      { id: 2, enabled: true, days: { monday: { start: '22:30', durationMin: 480 }, thursday: { start: '23:00', durationMin: 450 } } },
    ],
  };
  const thursday = Date.parse('2026-11-19T12:00:00Z');
  const friday = Date.parse('2026-11-20T12:00:00Z');

  it('shows the mode, the active window of today or the next day that has one, and the target', () => {
    assert.equal(summarizeCharging(base, words, thursday), 'scheduled · 23:00+7h30 · 80 %');
    assert.equal(summarizeCharging(base, words, friday), 'scheduled · 22:30+8h · 80 %');
  });

  it('leaves the window out in "always" mode and shows a departure timer where there are no windows', () => {
    assert.equal(summarizeCharging({ ...base, mode: 'always' }, words, friday), 'always · 80 %');
    assert.equal(
      summarizeCharging({ vin: 'V', mode: 'scheduled', departureTimers: [{ id: 1, enabled: true, time: '07:30', days: ['monday'] }] }, words, friday),
      'scheduled · ready 07:30',
    );
    assert.equal(summarizeCharging({ vin: 'V', schedules: [{ id: 1, enabled: true, days: { sunday: { start: '00:00', durationMin: 45 } } }] }, words, friday), '00:00+45min');
  });
});

describe('car-charging: was the change applied?', () => {
  const s: ChargingSettings = {
    vin: 'V',
    mode: 'scheduled',
    targetSocPercent: 80,
    schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 480 } } }],
    departureTimers: [{ id: 2, enabled: true, time: '07:00', days: ['monday', 'friday'], dayTimes: { friday: '08:00' }, action: 'climate' }],
  };

  it('compares every changed value', () => {
    assert.equal(changeApplied({ mode: 'scheduled', targetSocPercent: 80 }, s), true);
    assert.equal(changeApplied({ mode: 'always' }, s), false);
    assert.equal(changeApplied({ minSocPercent: 20 }, s), false);
    assert.equal(changeApplied({ schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 480 }, tuesday: null } }] }, s), true);
    assert.equal(changeApplied({ schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:45', durationMin: 480 } } }] }, s), false);
    assert.equal(changeApplied({ schedules: [{ id: 3, enabled: false, days: {} }] }, s), true, 'an empty disabled slot may be missing');
    assert.equal(changeApplied({ departureTimers: [{ id: 2, enabled: true, time: '07:00', days: ['friday', 'monday'], dayTimes: { friday: '08:00' } }] }, s), true);
    assert.equal(changeApplied({ departureTimers: [{ id: 2, enabled: true, time: '07:00', days: ['friday', 'monday'] }] }, s), false);
  });
});
