import { describe, it, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { CarError, type ChargingChange, type ChargingSettings, type DepartureTimer } from '../../src/core';
import { changeApplied, describeIssue, parseChargingInput, summarizeCharging } from '../../src/features/charging';

const FIELDS = 'Fields: mode, targetSocPercent, minSocPercent, schedules, departureTimers';
const words = { always: 'always', scheduled: 'scheduled', delayed: 'delayed', ready: 'ready' };

/** The message of the BAD_INPUT that parseChargingInput throws for `payload`. */
function refusal(payload: unknown): string {
  try {
    parseChargingInput(payload);
  } catch (e) {
    assert.ok(e instanceof CarError, String(e));
    assert.equal(e.code, 'BAD_INPUT');
    return e.message;
  }
  assert.fail(`${String(payload)} was taken`);
}

describe('car-charging input: the exact words of a refusal', () => {
  it('names the unknown fields of each place with the fields allowed there', () => {
    const cases: [unknown, string][] = [
      [{ colour: 'red' }, `payload: unknown field colour. ${FIELDS}`],
      [{ colour: 'red', wings: 2 }, `payload: unknown fields colour, wings. ${FIELDS}`],
      [{ schedules: [{ id: 1, enabled: true, days: {}, colour: 'red' }] }, `schedules[0]: unknown field colour (allowed: id, enabled, days). ${FIELDS}`],
      [
        { departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday'], wings: 2 }] },
        `departureTimers[0]: unknown field wings (allowed: id, enabled, time, days, dayTimes, action). ${FIELDS}`,
      ],
      [
        { schedules: [{ id: 1, enabled: true, days: { Monday: null } }] },
        `schedules[0].days: unknown field Monday (allowed: monday, tuesday, wednesday, thursday, friday, saturday, sunday). ${FIELDS}`,
      ],
    ];
    for (const [payload, message] of cases) assert.equal(refusal(payload), message);
  });

  it('gives no allowed list for an unknown field in a window, in dayTimes or at the top', () => {
    const issue = (path: PropertyKey[]): z.core.$ZodIssue => ({ code: 'unrecognized_keys', keys: ['x'], path, message: 'm', input: {} });
    assert.equal(describeIssue(issue(['schedules', 0, 'days', 'monday']), {}), 'schedules[0].days.monday: unknown field x');
    assert.equal(describeIssue(issue(['departureTimers', 0, 'dayTimes']), {}), 'departureTimers[0].dayTimes: unknown field x');
    assert.equal(describeIssue(issue([]), {}), 'payload: unknown field x');
    assert.equal(describeIssue(issue([3]), {}), '[3]: unknown field x');
  });

  it('says what it got: nothing, a short text in full, a long one cut at 37 characters, a symbol by name', () => {
    const forty = 'a'.repeat(38); // 40 characters with its quotes
    const long = 'b'.repeat(39);
    const cases: [unknown, string][] = [
      [{ schedules: [{ id: 1, enabled: true }] }, `schedules[0].days: Invalid input: expected object, received undefined (got nothing). ${FIELDS}`],
      [{ mode: forty }, `mode: allowed "always", "scheduled", "delayed" (got "${forty}"). ${FIELDS}`],
      [{ mode: long }, `mode: allowed "always", "scheduled", "delayed" (got "${'b'.repeat(36)}...). ${FIELDS}`],
      [{ targetSocPercent: Symbol('eighty') }, `targetSocPercent: Invalid input: expected number, received symbol (got Symbol(eighty)). ${FIELDS}`],
    ];
    for (const [payload, message] of cases) assert.equal(refusal(payload), message);
  });

  it('finds nothing below a value that is not an object (null, a text)', () => {
    const custom = (path: PropertyKey[]): z.core.$ZodIssue => ({ code: 'custom', path, message: 'wrong', input: undefined });
    assert.equal(describeIssue(custom(['mode', 'length']), { mode: 'abc' }), 'mode.length: wrong (got nothing)');
    assert.equal(describeIssue(custom(['mode', 'x']), { mode: null }), 'mode.x: wrong (got nothing)');
    assert.equal(describeIssue(custom(['mode']), { mode: null }), 'mode: wrong (got null)');
  });

  it('names three problems and counts the others', () => {
    assert.equal(
      refusal({ mode: 'fast', targetSocPercent: -1, minSocPercent: 101 }),
      `mode: allowed "always", "scheduled", "delayed" (got "fast"); targetSocPercent: Too small: expected number to be >=0 (got -1); minSocPercent: Too big: expected number to be <=100 (got 101). ${FIELDS}`,
    );
    assert.equal(
      refusal({ mode: 'fast', targetSocPercent: -1, minSocPercent: 101, schedules: 'x', departureTimers: 5 }),
      `mode: allowed "always", "scheduled", "delayed" (got "fast"); targetSocPercent: Too small: expected number to be >=0 (got -1); minSocPercent: Too big: expected number to be <=100 (got 101) (and 2 more). ${FIELDS}`,
    );
  });

  it('says that there is nothing to change, listing the fields', () => {
    assert.equal(refusal({ action: 'write' }), 'nothing to change: give one or more of mode, targetSocPercent, minSocPercent, schedules, departureTimers');
  });
});

describe('car-charging: was the change applied? (value by value)', () => {
  const s: ChargingSettings = {
    vin: 'V',
    mode: 'scheduled',
    targetSocPercent: 80,
    minSocPercent: 20,
    schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 480 } } }],
    departureTimers: [
      { id: 1, enabled: true, time: '06:00', days: ['sunday'] },
      { id: 2, enabled: true, time: '07:00', days: ['monday', 'friday'], dayTimes: { friday: '08:00' }, action: 'climate' },
      { id: 4, enabled: false, time: '09:00', days: ['monday'] },
    ],
  };
  const window = { start: '22:30', durationMin: 480 };
  const timer2: DepartureTimer = { id: 2, enabled: true, time: '07:00', days: ['monday', 'friday'], dayTimes: { friday: '08:00' } };

  it('answers each change as the settings show it', () => {
    const cases: [string, ChargingChange, boolean][] = [
      ['the target level shown', { targetSocPercent: 80 }, true],
      ['another target level', { targetSocPercent: 90 }, false],
      ['the minimum level shown', { minSocPercent: 20 }, true],
      ['another minimum level', { minSocPercent: 25 }, false],
      ['a change without a minimum level', { mode: 'scheduled' }, true],
      ['the schedule as shown', { schedules: [{ id: 1, enabled: true, days: { monday: window } }] }, true],
      ['the schedule disabled', { schedules: [{ id: 1, enabled: false, days: { monday: window } }] }, false],
      ['a window the schedule lacks', { schedules: [{ id: 1, enabled: true, days: { monday: window, tuesday: window } }] }, false],
      ['no window where the schedule has one', { schedules: [{ id: 1, enabled: true, days: { monday: null } }] }, false],
      ['another duration at the same start', { schedules: [{ id: 1, enabled: true, days: { monday: { start: '22:30', durationMin: 240 } } }] }, false],
      ['a missing enabled schedule without windows', { schedules: [{ id: 9, enabled: true, days: {} }] }, false],
      ['a missing disabled schedule with a window', { schedules: [{ id: 9, enabled: false, days: { monday: window, tuesday: null } }] }, false],
      ['a missing disabled schedule without windows', { schedules: [{ id: 9, enabled: false, days: { monday: null } }] }, true],
      ['the second timer as shown', { departureTimers: [timer2] }, true],
      ['the second timer with the action shown', { departureTimers: [{ ...timer2, action: 'climate' }] }, true],
      ['the second timer with another action', { departureTimers: [{ ...timer2, action: 'charge' }] }, false],
      ['the second timer disabled', { departureTimers: [{ ...timer2, enabled: false }] }, false],
      ['the second timer on fewer days', { departureTimers: [{ id: 2, enabled: true, time: '07:00', days: ['monday'] }] }, false],
      ['the disabled timer enabled', { departureTimers: [{ id: 4, enabled: true, time: '09:00', days: ['monday'] }] }, false],
      ['a timer with an action where the car shows none', { departureTimers: [{ id: 1, enabled: true, time: '06:00', days: ['sunday'], action: 'climate' }] }, true],
      ['a missing disabled timer without days', { departureTimers: [{ id: 5, enabled: false, time: '07:00', days: [] }] }, true],
      ['a missing disabled timer with a day', { departureTimers: [{ id: 5, enabled: false, time: '07:00', days: ['monday'] }] }, false],
      ['a missing enabled timer without days', { departureTimers: [{ id: 5, enabled: true, time: '07:00', days: [] }] }, false],
    ];
    for (const [what, change, applied] of cases) assert.equal(changeApplied(change, s), applied, what);
  });
});

describe('car-charging status text (values)', () => {
  const friday = Date.parse('2026-11-20T12:00:00Z');
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('writes an hour and minutes with two digits for the minutes', () => {
    const s = (durationMin: number): ChargingSettings => ({ vin: 'V', schedules: [{ id: 1, enabled: true, days: { friday: { start: '01:00', durationMin } } }] });
    assert.equal(summarizeCharging(s(65), words, friday), '01:00+1h05');
    assert.equal(summarizeCharging(s(130), words, friday), '01:00+2h10');
  });

  it('takes today in UTC for Renault ("UTC") and in the host\'s zone otherwise', () => {
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: Friday 12:00 UTC is Saturday 02:00 there
    const days = { friday: { start: '21:00', durationMin: 60 }, saturday: { start: '23:00', durationMin: 60 } };
    const utc: ChargingSettings = { vin: 'V', timeZone: 'UTC', schedules: [{ id: 1, enabled: true, days }] };
    assert.equal(summarizeCharging(utc, words, friday), '21:00+1h');
    assert.equal(summarizeCharging({ ...utc, timeZone: undefined }, words, friday), '23:00+1h');
    assert.equal(summarizeCharging({ ...utc, timeZone: 'Europe/Paris' }, words, friday), '23:00+1h');
  });

  it('shows the first enabled timer that has days, at today\'s time', () => {
    const s: ChargingSettings = {
      vin: 'V',
      timeZone: 'UTC',
      departureTimers: [
        { id: 1, enabled: false, time: '06:00', days: ['friday'] },
        { id: 2, enabled: true, time: '06:30', days: [] },
        { id: 3, enabled: true, time: '07:00', days: ['monday', 'friday'], dayTimes: { monday: '05:00', friday: '08:00' } },
      ],
    };
    assert.equal(summarizeCharging(s, words, friday), 'ready 08:00');
  });
});
