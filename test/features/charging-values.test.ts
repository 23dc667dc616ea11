import { describe, it, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { CarError, ManualClock, type ChargingChange, type ChargingSettings, type DepartureTimer, type Vehicle } from '../../src/core';
import type { ChargingFacet } from '../../src/brands/provider';
import { AccountSession } from '../../src/features/session';
import type { IntervalPlan } from '../../src/features/status';
import { ChargingPoller, changeApplied, chargingSettingsFrom, describeIssue, parseChargingInput, summarizeCharging, writeAndReadBack } from '../../src/features/charging';
import { deferred } from '../helpers';

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

describe("car-charging's settings (interval and read-back delay), as the dialog checks them", () => {
  it('takes an empty or 0 interval as only on input, 10 minutes or more as set, and an empty read-back as 30 s', () => {
    const table: [Parameters<typeof chargingSettingsFrom>[0], { minutes: number; rereadDelayMs: number }][] = [
      [{}, { minutes: 0, rereadDelayMs: 30_000 }],
      [{ interval: '', reread: '' }, { minutes: 0, rereadDelayMs: 30_000 }],
      [{ interval: 0, reread: ' 45 ' }, { minutes: 0, rereadDelayMs: 45_000 }],
      [{ interval: '10', reread: 0 }, { minutes: 10, rereadDelayMs: 0 }],
      [{ interval: 240, reread: '0.3' }, { minutes: 240, rereadDelayMs: 300 }],
      [{ interval: ' 60 ', reread: 600 }, { minutes: 60, rereadDelayMs: 600_000 }],
      [{ interval: null, reread: null }, { minutes: 0, rereadDelayMs: 30_000 }],
    ];
    for (const [def, want] of table) assert.deepEqual(chargingSettingsFrom(def), want, JSON.stringify(def));
  });

  it('refuses an interval under 10 minutes and a read-back outside 0 to 600 s, naming the field, what it allows and the value', () => {
    const table: [Parameters<typeof chargingSettingsFrom>[0], string][] = [
      [{ interval: '9' }, 'interval must be at least 10 minutes for the charging settings, or empty for only on input (got "9")'],
      [{ interval: 1 }, 'interval must be at least 10 minutes for the charging settings, or empty for only on input (got "1")'],
      [{ interval: 'often' }, 'interval must be a number of minutes (at least 1), or empty for only on input (got "often")'],
      [{ reread: '-1' }, 'reread must be a number of seconds from 0 to 600, or empty for 30 (got "-1")'],
      [{ reread: 601 }, 'reread must be a number of seconds from 0 to 600, or empty for 30 (got "601")'],
      [{ reread: 'soon' }, 'reread must be a number of seconds from 0 to 600, or empty for 30 (got "soon")'],
      [{ interval: ' 5 ' }, 'interval must be at least 10 minutes for the charging settings, or empty for only on input (got "5")'],
      [{ reread: ' later ' }, 'reread must be a number of seconds from 0 to 600, or empty for 30 (got "later")'],
    ];
    for (const [def, message] of table) assert.throws(() => chargingSettingsFrom(def), { code: 'BAD_INPUT', message }, JSON.stringify(def));
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

const VIN = 'VF1AG000862Z50001';
const SETTINGS: ChargingSettings = { vin: VIN, mode: 'scheduled', targetSocPercent: 80 };

/**
 * The part of an account session that car-charging uses, around a charging facet whose reads
 * answer from `answers` (one a read; the last one stays). `facet` is the session's own, so a
 * missing facet fails with its NOT_SUPPORTED text.
 */
class ChargingAccount {
  readonly cloud = 'Renault';
  readonly clock = new ManualClock('2026-11-20T08:00:00Z');
  readonly pollers = new Set<unknown>();
  readonly budget = { limit: 60, reserve: 6, windowMs: 3_600_000 };
  readonly connection: { charging?: ChargingFacet; missing?: { charging?: string } };
  readonly facet = AccountSession.prototype.facet;
  /** Whether the vehicle list is known (the cost of a read is known only then). */
  known = true;
  reads = 0;
  actionIds = ['a-1', 'a-2'];
  writes: ChargingChange[] = [];
  answers: (() => Promise<ChargingSettings>)[] = [() => Promise.resolve(SETTINGS)];
  private readonly slots = new Map<symbol, unknown>();
  private readonly car: Vehicle = { vin: VIN, drivetrain: 'electric' };

  constructor(withCharging = true) {
    this.connection = withCharging
      ? {
          charging: {
            cost: () => 1,
            read: () => {
              const answer = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
              this.reads++;
              return answer ? answer() : Promise.resolve(SETTINGS);
            },
            write: (_v, change) => {
              this.writes.push(change);
              return Promise.resolve({ actionIds: this.actionIds });
            },
          },
        }
      : { missing: { charging: 'no charging settings here' } };
  }

  local<T>(slot: symbol, make: () => T): T {
    if (!this.slots.has(slot)) this.slots.set(slot, make());
    return this.slots.get(slot) as T;
  }

  vehicle(): Promise<Vehicle> {
    return Promise.resolve(this.car);
  }

  knownVehicle(): Vehicle | undefined {
    return this.known ? this.car : undefined;
  }

  get session(): AccountSession {
    return this as unknown as AccountSession;
  }
}

describe('car-charging write and read back (values)', () => {
  it('says which cloud cannot read or change the charging settings, and why', async () => {
    const account = new ChargingAccount(false);
    await assert.rejects(writeAndReadBack(account.session, VIN, { mode: 'always' }, { rereadDelayMs: 0 }), {
      code: 'NOT_SUPPORTED',
      message: 'Renault cannot change the charging settings: no charging settings here',
    });
    const poller = new ChargingPoller(account.session, VIN, 0, account.clock);
    const errors: CarError[] = [];
    poller.on('error', (e: CarError) => errors.push(e));
    poller.start(0);
    await account.clock.advance(0);
    await poller.settled();
    assert.deepEqual(errors.map((e) => [e.code, e.message]), [['NOT_SUPPORTED', 'Renault cannot read the charging settings: no charging settings here']]);
    poller.stop();
  });

  it('reads back at once without a delay (an aborted wait would not matter) and after the delay with one', async () => {
    const account = new ChargingAccount();
    const r = await writeAndReadBack(account.session, VIN, { targetSocPercent: 80 }, { rereadDelayMs: 0, signal: AbortSignal.abort(), clock: account.clock });
    assert.deepEqual(r, { settings: SETTINGS, actionIds: ['a-1', 'a-2'], applied: true });
    const later = writeAndReadBack(account.session, VIN, { targetSocPercent: 90 }, { rereadDelayMs: 5_000 });
    await account.clock.advance(4_999);
    assert.equal(account.reads, 1, 'not read back before the delay');
    await account.clock.advance(1);
    assert.deepEqual(await later, { settings: SETTINGS, actionIds: ['a-1', 'a-2'], applied: false });
    assert.equal(account.reads, 2);
  });

  it('says that the change was sent, with its action ids, when the read-back fails, keeping the code, retryAt and transience', async () => {
    const account = new ChargingAccount();
    const retryAt = account.clock.now() + 3_600_000;
    account.answers = [() => Promise.reject(new CarError('QUOTA_EXCEEDED', 'the quota is used up', { retryAt, transient: false }))];
    const err = await writeAndReadBack(account.session, VIN, { mode: 'always' }, { rereadDelayMs: 0 }).then(
      () => assert.fail('the read-back failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'QUOTA_EXCEEDED');
    assert.equal(err.message, 'the change was sent (action a-1, a-2), but reading it back failed: the quota is used up');
    assert.equal(err.retryAt, retryAt);
    assert.equal(err.transient, false);
    account.answers = [() => Promise.reject(new CarError('TIMEOUT', 'no answer', { transient: true }))];
    const again = await writeAndReadBack(account.session, VIN, { mode: 'always' }, { rereadDelayMs: 0 }).then(
      () => assert.fail('the read-back failed'),
      (e: unknown) => e,
    );
    assert.ok(again instanceof CarError);
    assert.equal(again.message, 'the change was sent (action a-1, a-2), but reading it back failed: no answer');
    assert.equal(again.retryAt, undefined);
    assert.equal(again.transient, true);
    account.actionIds = [];
    await assert.rejects(writeAndReadBack(account.session, VIN, { mode: 'always' }, { rereadDelayMs: 0 }), {
      code: 'TIMEOUT',
      message: 'the change was sent, but reading it back failed: no answer',
    });
  });
});

describe('car-charging poller (values)', () => {
  it('reads every ten minutes at least, and asks the budget for calls by that interval', () => {
    const account = new ChargingAccount();
    assert.equal(new ChargingPoller(account.session, VIN, 60_000, account.clock).wantedPerHour(), 6);
    assert.equal(new ChargingPoller(account.session, VIN, 20 * 60_000, account.clock).wantedPerHour(), 3);
  });

  it('tells its interval once while the plan stays, and nothing once the cost of a read is unknown', async () => {
    const account = new ChargingAccount();
    const poller = new ChargingPoller(account.session, VIN, 10 * 60_000, account.clock);
    const shown: IntervalPlan[] = [];
    const read: ChargingSettings[] = [];
    poller.on('interval', (p: IntervalPlan) => shown.push(p));
    poller.on('settings', (s: ChargingSettings) => read.push(s));
    poller.start(0);
    await account.clock.advance(0);
    await poller.settled();
    await account.clock.advance(10 * 60_000);
    await poller.settled();
    assert.equal(read.length, 2);
    assert.deepEqual(shown.map((p) => [p.effectiveMs, p.limited]), [[10 * 60_000, false]]);
    account.known = false;
    await account.clock.advance(10 * 60_000);
    await poller.settled();
    assert.equal(read.length, 3);
    assert.equal(shown.length, 1, 'no plan without the cost of a read');
    poller.stop();
  });

  it('after stop, a read in flight neither emits nor reads again', async () => {
    for (const outcome of ['answer', 'failure'] as const) {
      const account = new ChargingAccount();
      const pending = deferred<ChargingSettings>();
      account.answers = [() => pending.promise];
      const poller = new ChargingPoller(account.session, VIN, 10 * 60_000, account.clock);
      const events: string[] = [];
      poller.on('settings', () => events.push('settings'));
      poller.on('error', () => events.push('error'));
      poller.start(0);
      await account.clock.advance(0);
      assert.equal(account.reads, 1);
      poller.stop();
      if (outcome === 'answer') pending.resolve(SETTINGS);
      else pending.reject(new CarError('TIMEOUT', 'no answer'));
      await poller.settled();
      assert.deepEqual(events, [], outcome);
      assert.equal(account.clock.pending, 0, `${outcome}: no read planned`);
      await account.clock.advance(60 * 60_000);
      assert.equal(account.reads, 1, outcome);
      assert.equal(account.pollers.size, 0);
    }
  });

  it('waits a second past retryAt, tells each distinct error once, and stops for good on NOT_SUPPORTED', async () => {
    const account = new ChargingAccount();
    const start = account.clock.now();
    const retryAt = start + 2 * 3_600_000;
    const quota = (): Promise<ChargingSettings> => Promise.reject(new CarError('QUOTA_EXCEEDED', 'the quota is used up', { retryAt }));
    account.answers = [
      quota,
      () => Promise.reject(new CarError('QUOTA_EXCEEDED', 'the quota is used up')),
      () => Promise.reject(new CarError('UPSTREAM', 'the cloud failed')),
      () => Promise.reject(new CarError('NOT_SUPPORTED', 'not for this car')),
    ];
    const poller = new ChargingPoller(account.session, VIN, 10 * 60_000, account.clock);
    const errors: string[] = [];
    poller.on('error', (e: CarError) => errors.push(`${e.code} ${e.message}`));
    poller.start(0);
    await account.clock.advance(0);
    await poller.settled();
    assert.equal(account.clock.nextAt, retryAt + 1_000, 'the next read a second after retryAt');
    assert.deepEqual(errors, ['QUOTA_EXCEEDED the quota is used up']);
    await account.clock.advance(retryAt + 1_000 - start);
    await poller.settled();
    assert.equal(account.reads, 2);
    assert.deepEqual(errors, ['QUOTA_EXCEEDED the quota is used up'], 'the same error is told once');
    assert.equal(account.clock.nextAt, account.clock.now() + 10 * 60_000);
    assert.ok(account.pollers.has(poller), 'still polling, with its share');
    await account.clock.advance(10 * 60_000);
    await poller.settled();
    assert.deepEqual(errors, ['QUOTA_EXCEEDED the quota is used up', 'UPSTREAM the cloud failed']);
    assert.equal(account.clock.pending, 1);
    await account.clock.advance(10 * 60_000);
    await poller.settled();
    assert.deepEqual(errors, ['QUOTA_EXCEEDED the quota is used up', 'UPSTREAM the cloud failed', 'NOT_SUPPORTED not for this car']);
    assert.equal(account.clock.pending, 0, 'no further read');
    assert.ok(!account.pollers.has(poller), 'and no share of the budget');
    await account.clock.advance(60 * 60_000);
    assert.equal(account.reads, 4);
    poller.stop();
  });
});
