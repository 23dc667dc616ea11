/**
 * Renault charging bodies <-> the core model, value by value (issue 19: tests that assert the
 * mapped values, so that a changed limit, unit or default fails one). The recorded answers of
 * test/fixtures/renault (SOURCE.md) come first; the edge cases beside them are built here, each
 * named for the rule it pins.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WEEKDAYS, type ChargeSchedule, type DepartureTimer, type Weekday } from '../../src/core';
import {
  chargeSlotsToPost,
  hhmm,
  hvacSlotsToPost,
  mapChargeModeValue,
  mapChargingSettings,
  mapHvacSettings,
  minutesOf,
  newest,
  scheduleToKca,
  timerToProgram,
} from '../../src/brands/renault/charging-map';
import { ChargingSettingsSchema, HvacSettingsSchema } from '../../src/brands/renault/schemas';
import { readRenaultJson } from './fixtures';

const DIR = 'kamereon/vehicle_data';

/** A charging-settings answer with these slots, as the schema reads it. */
function chargingSettings(schedules: unknown[]) {
  return ChargingSettingsSchema.parse({ data: { type: 'Car', id: 'VIN', attributes: { mode: 'scheduled', schedules } } });
}

function hvacSettings(schedules: unknown[]) {
  return HvacSettingsSchema.parse({ data: { type: 'Car', id: 'VIN', attributes: { schedules } } });
}

/** A slot body with these days and null on the others, as the v2 actions take it. */
function slotOf<Day>(id: number, activated: boolean, days: Partial<Record<Weekday, Day>>) {
  return { id, activated, ...Object.fromEntries(WEEKDAYS.map((d) => [d, days[d] ?? null])) };
}

describe('Renault charging mapping, value by value', () => {
  it('reads a time of day in each spelling Renault uses, and refuses what is no time of day', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['T22:30Z', '22:30'], // KCA (charging-settings, hvac-settings)
      ['2230', '22:30'], // ZE40 calendar
      ['830', '08:30'],
      ['06:30', '06:30'], // KCM programs
      ['T07:00:00Z', '07:00'], // with seconds
      ['22:30:00', '22:30'],
      [' T23:30Z ', '23:30'],
      ['0000', '00:00'],
      ['23:59', '23:59'],
      ['24:00', undefined],
      ['T24:00Z', undefined],
      ['2400', undefined],
      ['22:60', undefined],
      ['T22:30+01:00', undefined], // another offset: not a UTC time
      ['2026-01-01T22:30Z', undefined], // a date and time
      ['22:30:0', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [raw, want] of cases) assert.equal(hhmm(raw), want, JSON.stringify(raw));
  });

  it('counts the minutes of a day from midnight', () => {
    for (const [time, min] of [['00:00', 0], ['00:45', 45], ['07:30', 450], ['23:45', 1425]] as const) assert.equal(minutesOf(time), min, time);
  });

  it('knows every spelling of a charge mode, and no other', async () => {
    const cases: [string | undefined, string | undefined][] = [
      ['always', 'always'],
      ['ALWAYS_CHARGING', 'always'],
      ['scheduled', 'scheduled'],
      ['SCHEDULED', 'scheduled'], // KCM chargeModeRq
      ['schedule_mode', 'scheduled'],
      ['delayed', 'delayed'],
      ['eco', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [raw, want] of cases) assert.equal(mapChargeModeValue(raw), want, JSON.stringify(raw));
    // The recorded ZE50 answer in delayed mode.
    const delayed = mapChargingSettings(ChargingSettingsSchema.parse(await readRenaultJson(DIR, 'charging-settings.delayed.json')));
    assert.deepEqual(delayed, { mode: 'delayed', timeZone: 'UTC', schedules: [], updatedAt: '2026-05-21T18:40:00.000Z' });
  });

  it('keeps the windows the core can hold (15 to 1440 whole minutes, a real time) and the slots with an id from 1', () => {
    const got = mapChargingSettings(
      chargingSettings([
        {
          id: 1,
          activated: true,
          monday: { startTime: 'T23:30Z', duration: 1440 },
          tuesday: { startTime: 'T01:00Z', duration: 1441 },
          wednesday: { startTime: 'T01:00Z', duration: 14 },
          thursday: { startTime: 'T01:00Z', duration: 15 },
          friday: { startTime: 'T24:00Z', duration: 60 },
          saturday: { startTime: 'T05:00Z', duration: 30.5 },
          sunday: null,
        },
        { id: 0, activated: true, monday: { startTime: 'T02:00Z', duration: 60 } },
        { id: 1.5, activated: true, monday: { startTime: 'T02:00Z', duration: 60 } },
        { activated: true, monday: { startTime: 'T02:00Z', duration: 60 } },
        { id: 2, activated: false, sunday: { startTime: 'T06:15Z', duration: 90 } },
        { id: 3, monday: { startTime: 'T06:15Z', duration: 90 } },
      ]),
    );
    assert.deepEqual(got.schedules, [
      { id: 1, enabled: true, days: { monday: { start: '23:30', durationMin: 1440 }, thursday: { start: '01:00', durationMin: 15 } } },
      { id: 2, enabled: false, days: { sunday: { start: '06:15', durationMin: 90 } } },
      { id: 3, enabled: false, days: { monday: { start: '06:15', durationMin: 90 } } },
    ]);
  });

  it('maps any schedule to a charge-schedule slot and back to the same schedule, and posts that slot back unchanged', () => {
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const durationMin = fc.oneof(fc.integer({ min: 15, max: 1440 }), fc.constantFrom(15, 1440));
    // Plain objects, as the mapper builds them (fast-check's records have no prototype).
    const window = fc.tuple(time, durationMin).map(([start, min]) => ({ start, durationMin: min }));
    const schedule: fc.Arbitrary<ChargeSchedule> = fc.record({
      id: fc.integer({ min: 1, max: 5 }),
      enabled: fc.boolean(),
      days: fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, window])) as Record<Weekday, typeof window>, { requiredKeys: [], noNullPrototype: true }),
    }, { noNullPrototype: true });
    fc.assert(
      fc.property(schedule, (s) => {
        const slot = scheduleToKca(s);
        // What the car answers is JSON: the slot goes through text, as it would.
        const raw = chargingSettings([JSON.parse(JSON.stringify(slot)) as unknown]);
        assert.deepEqual(mapChargingSettings(raw).schedules, [s]);
        assert.deepEqual(chargeSlotsToPost(raw.data.attributes?.schedules ?? []), [slot]);
      }),
      { numRuns: 300 },
    );
  });

  it('posts the car\'s own charge slots back as they were, or nothing when one cannot be', () => {
    const post = (schedules: unknown[]) => chargeSlotsToPost(chargingSettings(schedules).data.attributes?.schedules ?? []);
    assert.deepEqual(
      post([
        { id: 1, activated: true, monday: { startTime: 'T23:30Z', duration: 450 } },
        { id: 2, activated: false, tuesday: { startTime: 'T02:00Z', duration: 30 }, friday: null },
        { id: 3, friday: { startTime: 'T05:00Z', duration: 75 } },
      ]),
      [
        slotOf(1, true, { monday: { startTime: 'T23:30Z', duration: 450 } }),
        slotOf(2, false, { tuesday: { startTime: 'T02:00Z', duration: 30 } }),
        slotOf(3, false, { friday: { startTime: 'T05:00Z', duration: 75 } }),
      ],
    );
    const good = { id: 1, activated: true, monday: { startTime: 'T23:30Z', duration: 450 } };
    // Each of these would be a guess: a window without its time or its length, a slot without a usable id.
    assert.equal(post([good, { id: 2, activated: true, tuesday: { duration: 30 } }]), undefined, 'a window without its start');
    assert.equal(post([good, { id: 2, activated: true, tuesday: { startTime: 'T02:00Z' } }]), undefined, 'a window without its duration');
    assert.equal(post([good, { id: 0, activated: true }]), undefined, 'id 0');
    assert.equal(post([good, { activated: true }]), undefined, 'no id');
  });

  it('reads climate slots as departure timers: the most common time, the other days\' own times, disabled unless activated', async () => {
    // The recorded answer: Friday differs from Monday and Tuesday; slot 2 has no day.
    const recorded = mapHvacSettings(HvacSettingsSchema.parse(await readRenaultJson(DIR, 'hvac-settings.day_times.json')));
    assert.deepEqual(recorded, {
      mode: 'scheduled',
      timeZone: 'UTC',
      updatedAt: '2026-02-02T19:00:00.000Z',
      departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday', 'tuesday', 'friday'], dayTimes: { friday: '08:15' }, action: 'climate' }],
    });
    const got = mapHvacSettings(
      hvacSettings([
        // The most common time is not the first day's.
        { id: 1, activated: true, monday: { readyAtTime: 'T06:45Z' }, wednesday: { readyAtTime: 'T07:30Z' }, thursday: { readyAtTime: 'T07:30Z' } },
        // A tie: the earlier day's time is the timer's.
        { id: 2, activated: false, tuesday: { readyAtTime: 'T06:00Z' }, saturday: { readyAtTime: 'T09:00Z' } },
        { id: 3, sunday: { readyAtTime: 'T10:00Z' } },
        { id: 0, activated: true, monday: { readyAtTime: 'T06:45Z' } },
      ]),
    );
    assert.deepEqual(got.departureTimers, [
      { id: 1, enabled: true, time: '07:30', days: ['monday', 'wednesday', 'thursday'], dayTimes: { monday: '06:45' }, action: 'climate' },
      { id: 2, enabled: false, time: '06:00', days: ['tuesday', 'saturday'], dayTimes: { saturday: '09:00' }, action: 'climate' },
      { id: 3, enabled: false, time: '10:00', days: ['sunday'], action: 'climate' },
    ]);
  });

  it('posts the car\'s own climate slots back as they were, or nothing when one cannot be', () => {
    const post = (schedules: unknown[]) => hvacSlotsToPost(hvacSettings(schedules).data.attributes?.schedules ?? []);
    assert.deepEqual(
      post([
        { id: 1, activated: true, monday: { readyAtTime: 'T07:00Z' }, friday: { readyAtTime: 'T08:15Z' } },
        { id: 2, activated: false, sunday: { readyAtTime: 'T10:00Z' } },
        { id: 3 },
      ]),
      [
        slotOf(1, true, { monday: { readyAtTime: 'T07:00Z' }, friday: { readyAtTime: 'T08:15Z' } }),
        slotOf(2, false, { sunday: { readyAtTime: 'T10:00Z' } }),
        slotOf(3, false, {}),
      ],
    );
    const good = { id: 1, activated: true, monday: { readyAtTime: 'T07:00Z' } };
    assert.equal(post([good, { id: 2, activated: true, tuesday: {} }]), undefined, 'a day without its time');
    assert.equal(post([good, { id: 0, activated: true }]), undefined, 'id 0');
  });

  it('writes a timer into a KCM program, keeping the car\'s program type when the timer names no action', () => {
    const timer: DepartureTimer = { id: 1, enabled: false, time: '06:30', days: ['monday', 'sunday'] };
    const days = (on: Weekday[]) => ({
      programActivationMonday: on.includes('monday'),
      programActivationTuesday: on.includes('tuesday'),
      programActivationWednesday: on.includes('wednesday'),
      programActivationThursday: on.includes('thursday'),
      programActivationFriday: on.includes('friday'),
      programActivationSaturday: on.includes('saturday'),
      programActivationSunday: on.includes('sunday'),
    });
    assert.deepEqual(timerToProgram(timer, { programType: 'CHARGE', programActivationStatus: true, programDepartureTime: '07:00', heatedSeats: true }), {
      programType: 'CHARGE',
      programActivationStatus: false,
      programDepartureTime: '06:30',
      heatedSeats: true,
      ...days(['monday', 'sunday']),
    });
    assert.deepEqual(timerToProgram(timer, undefined), {
      programType: 'CHARGE_AND_PRECONDITIONING',
      programActivationStatus: false,
      programDepartureTime: '06:30',
      ...days(['monday', 'sunday']),
    });
    assert.deepEqual(timerToProgram({ ...timer, enabled: true, action: 'climate', days: ['wednesday'] }, { programType: 'CHARGE' }), {
      programType: 'PRECONDITIONING',
      programActivationStatus: true,
      programDepartureTime: '06:30',
      ...days(['wednesday']),
    });
    assert.deepEqual(timerToProgram({ ...timer, action: 'charge_and_climate', days: ['friday'] }, { programType: 'CHARGE' }), {
      programType: 'CHARGE_AND_PRECONDITIONING',
      programActivationStatus: false,
      programDepartureTime: '06:30',
      ...days(['friday']),
    });
  });

  it('takes the newest of the cars\' timestamps, whatever their order', () => {
    assert.equal(newest(['2026-01-02T00:00:00Z', '2026-01-05T08:00:00Z', undefined, 'not a time', '2026-01-03T00:00:00Z']), '2026-01-05T08:00:00.000Z');
    assert.equal(newest(['2026-01-05T08:00:00Z', '2026-01-02T00:00:00Z']), '2026-01-05T08:00:00.000Z');
    assert.equal(newest([undefined, 'not a time']), undefined);
  });
});
