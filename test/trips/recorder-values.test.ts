import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { CarError, HistorySummarySchema, ManualClock, type CallKind, type ChargeSession, type TimerHandle, type Trip, type Vehicle, type VehicleStatus } from '../../src/core';
import type { StreamEventInfo } from '../../src/brands/provider';
import type { AccountSession } from '../../src/features/session';
import { tripInputFrom, TripRecorder, tripSettingsFrom, type Recorded, type TripRecorderOptions, type TripText } from '../../src/features/trip-recorder';
import { nodeFile, StoredHistorySchema, type StoredHistory } from '../../src/features/trip-store';
import { STOP_MS } from '../../src/features/trips';
import { badInputMessage, eventually, removeDir, tempDir } from '../helpers';
import { ARRIVE, DRIVE, OFFICE, status } from './drive';

/** Issue 19: the values car-trips' recorder gives (texts, counts, bounds, flags), one behaviour per assertion. */

/** The texts by key, as RED._ gives them in tests. */
const say = (key: TripText, values?: Record<string, string | number>): string => `car-trips.errors.${key}${values ? ` ${JSON.stringify(values)}` : ''}`;

const MIN = 60_000;
const iso = (t: number): string => new Date(t).toISOString();

describe('car-trips input and settings (values)', () => {
  it('names the field of a bad VehicleStatus with its whole path and zod\'s message', () => {
    const at = DRIVE[0].fetchedAt;
    const cases: [unknown, string][] = [
      [{ ...DRIVE[0], mileageKm: -3 }, 'msg.payload is not a valid VehicleStatus: mileageKm Too small: expected number to be >=0'],
      [{ ...DRIVE[0], battery: { socPercent: 150, updatedAt: at } }, 'msg.payload is not a valid VehicleStatus: battery.socPercent Too big: expected number to be <=100'],
    ];
    for (const [payload, message] of cases) assert.equal(badInputMessage(() => tripInputFrom(payload, say)), message);
  });

  it('reads the capacity between 0 (excluded) and 300 kWh (included), blanks meaning the model\'s, and shows a refused value trimmed', () => {
    const cases: [string | number | undefined, number | undefined][] = [
      [undefined, undefined],
      ['', undefined],
      ['   ', undefined],
      [' 52 ', 52],
      ['300', 300],
      [0.5, 0.5],
    ];
    for (const [capacityKwh, expected] of cases) {
      assert.deepEqual(tripSettingsFrom({ ...(capacityKwh !== undefined ? { capacityKwh } : {}), timeZone: 'UTC' }, say), { ...(expected !== undefined ? { capacityKwh: expected } : {}), timeZone: 'UTC' }, `capacity ${JSON.stringify(capacityKwh)}`);
    }
    for (const [capacityKwh, shown] of [['0', '0'], [0, '0'], ['-5', '-5'], ['300.5', '300.5'], [' 400 ', '400'], ['many', 'many']] as const) {
      assert.equal(badInputMessage(() => tripSettingsFrom({ capacityKwh, timeZone: 'UTC' }, say)), `car-trips.errors.capacity {"value":"${shown}"}`);
    }
  });
});

/** A history file's content: trips and charges starting at the given times (the samples are left out). */
function storedHistory(vin: string, tripStarts: string[], chargeStarts: string[]): StoredHistory {
  const trip = (startAt: string): Trip => ({ vin, source: 'derived', startAt, endAt: iso(Date.parse(startAt) + 20 * MIN), durationMin: 20, distanceKm: 12 });
  const charge = (startAt: string): ChargeSession => ({ vin, source: 'derived', startAt, endAt: iso(Date.parse(startAt) + 60 * MIN), durationMin: 60, energyKwh: 7 });
  return StoredHistorySchema.parse({ version: 1, vin, samples: [], trips: tripStarts.map(trip), charges: chargeStarts.map(charge) });
}

describe('TripRecorder without an account (values)', () => {
  let dir: string;
  let file: string;
  let clock: ManualClock;
  let warnings: string[];
  const recorders: TripRecorder[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-recorder-values-');
    file = nodeFile(dir, 'history', 'trips1');
    clock = new ManualClock('2026-03-02T08:00:00Z');
    warnings = [];
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) await r.close(false);
    await removeDir(dir);
  });

  function recorder(options: Partial<TripRecorderOptions> = {}): TripRecorder {
    const r = new TripRecorder({ file, capacityKwh: 50, timeZone: 'UTC', say, clock, log: { warn: (m) => warnings.push(m), debug: () => undefined }, ...options });
    recorders.push(r);
    return r;
  }

  async function writeHistory(content: StoredHistory): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(content));
  }

  it('warns of nothing when the file is absent or good', async () => {
    await recorder().ready;
    await writeHistory(storedHistory('VTEST', ['2026-03-01T10:00:00.000Z'], []));
    const r = recorder();
    await r.ready;
    assert.deepEqual(r.counts, { samples: 0, trips: 1, charges: 0 });
    assert.deepEqual(warnings, []);
  });

  it('says why the file could not be read, and starts anew', async () => {
    await fs.mkdir(file, { recursive: true }); // a folder where the file should be
    const r = recorder();
    await r.ready;
    assert.deepEqual(warnings, ['car-trips.errors.load {"reason":"EISDIR: illegal operation on a directory, read"}']);
    assert.deepEqual(r.counts, { samples: 0, trips: 0, charges: 0 });
  });

  it('says why the file could not be written', async () => {
    const blocked = path.join(dir, 'blocked', 'history.json');
    const r = recorder({ file: blocked });
    await r.add(DRIVE[0]);
    await fs.writeFile(path.join(dir, 'blocked'), 'a file where the folder should be');
    await r.close(false);
    assert.deepEqual(warnings, [`car-trips.errors.save ${JSON.stringify({ reason: `EEXIST: file already exists, mkdir '${path.join(dir, 'blocked')}'` })}`]);
  });

  it("does not take the file of another vehicle as the node's vehicle's history", async () => {
    await writeHistory(storedHistory('OTHER', ['2026-03-01T10:00:00.000Z'], ['2026-03-01T12:00:00.000Z']));
    const r = recorder({ vin: 'VTEST' });
    await r.ready;
    assert.deepEqual(r.counts, { samples: 0, trips: 0, charges: 0 });
    assert.deepEqual(await r.answer({ action: 'trips' }), { vin: 'VTEST', payload: [] });
    assert.deepEqual((await r.add(DRIVE[0])).trips, [], 'a status of its own vehicle is taken');
  });

  it('lists trips or charges, from the first to the last by default, a "to" day up to its last millisecond', async () => {
    const trips = ['2026-02-27T08:00:00.000Z', '2026-03-01T23:59:59.999Z', '2026-03-02T00:00:00.000Z'];
    const charges = ['2026-02-28T18:00:00.000Z', '2026-03-02T00:00:00.000Z'];
    await writeHistory(storedHistory('VTEST', trips, charges));
    const r = recorder();
    const starts = async (req: Parameters<TripRecorder['answer']>[0]): Promise<string[]> => ((await r.answer(req)).payload as (Trip | ChargeSession)[]).map((x) => x.startAt);
    const cases: [Parameters<TripRecorder['answer']>[0], string[]][] = [
      [{ action: 'trips' }, trips],
      [{ action: 'charges' }, charges],
      [{ action: 'trips', to: '2026-03-01' }, trips.slice(0, 2)],
      [{ action: 'charges', to: '2026-03-01' }, charges.slice(0, 1)],
      [{ action: 'trips', from: '2026-03-01' }, trips.slice(1)],
      [{ action: 'trips', from: '2026-02-28', to: '2026-03-01T23:59:59.999Z' }, trips.slice(1, 2)],
      // source only concerns charges: trips come from the file.
      [{ action: 'trips', source: 'native' }, trips],
    ];
    for (const [req, expected] of cases) assert.deepEqual(await starts(req), expected, JSON.stringify(req));
  });

  it('lists by whole days of its time zone, as it sums: a trip at 00:30 in Paris is on that day, not the one before', async () => {
    // 2026-01-14T23:30Z is 00:30 on the 15th in Paris (UTC+1); 2026-01-15T23:30Z is already the 16th there.
    const trips = ['2026-01-14T22:30:00.000Z', '2026-01-14T23:30:00.000Z', '2026-01-15T22:59:59.999Z', '2026-01-15T23:30:00.000Z'];
    await writeHistory(storedHistory('VTEST', trips, [trips[1] ?? '']));
    const r = recorder({ timeZone: 'Europe/Paris' });
    const starts = async (req: Parameters<TripRecorder['answer']>[0]): Promise<string[]> => ((await r.answer(req)).payload as (Trip | ChargeSession)[]).map((x) => x.startAt);
    assert.deepEqual(await starts({ action: 'trips', from: '2026-01-15', to: '2026-01-15' }), trips.slice(1, 3));
    assert.deepEqual(await starts({ action: 'trips', from: '2026-01-15', to: '2026-01-15', timeZone: 'UTC' }), trips.slice(2, 4), 'the request\'s own zone');
    assert.deepEqual(await starts({ action: 'charges', from: '2026-01-15' }), trips.slice(1, 2));
    const summary = HistorySummarySchema.parse((await r.answer({ action: 'summary', period: 'day', from: '2026-01-15', to: '2026-01-15' })).payload);
    assert.equal(summary.totals.trips, 2, 'the summary counts the same day');
  });

  it('sums up to the "to" bound, and says the bounds it used', async () => {
    await writeHistory(storedHistory('VTEST', ['2026-02-27T08:00:00.000Z', '2026-03-01T10:00:00.000Z', '2026-03-02T00:00:00.000Z'], []));
    const r = recorder();
    const summary = HistorySummarySchema.parse((await r.answer({ action: 'summary', period: 'month', to: '2026-03-01' })).payload);
    assert.deepEqual([summary.from, summary.to, summary.totals.trips, summary.buckets.map((b) => [b.key, b.trips])], [undefined, '2026-03-01', 2, [['2026-02', 1], ['2026-03', 1]]]);
    const all = HistorySummarySchema.parse((await r.answer({ action: 'summary', period: 'month', from: '2026-03-01' })).payload);
    assert.deepEqual([all.from, all.to, all.totals.trips], ['2026-03-01', undefined, 2]);
  });

  it('writes once for a burst: one timer waits however many statuses come before the write', async () => {
    const r = recorder();
    for (const s of DRIVE) {
      await r.add(s);
      await clock.advance(MIN);
    }
    assert.equal(clock.pending, 1, 'one write waiting');
    await clock.advance(2 * MIN);
    await eventually(() => existsSync(file), 'the file written');
    assert.equal(clock.pending, 0, 'nothing more waiting');
  });

  it('adds nothing once closed, and a second close does nothing: a removed node stays without a file', async () => {
    const r = recorder();
    for (const s of DRIVE) await r.add(s);
    await r.close(true);
    assert.deepEqual(await r.add(ARRIVE[0]), { trips: [], charges: [] }, 'the status that would end the trip');
    assert.deepEqual(r.counts, { samples: 3, trips: 0, charges: 0 });
    await r.close(false);
    assert.equal(existsSync(file), false);
    assert.equal(clock.pending, 0);
  });
});

interface NativeAsk {
  from: string;
  to: string;
  kind: CallKind;
}

/** An account of one Zoe ZE50 (52 kWh) that says what car-trips asks of it. */
class StandInAccount extends EventEmitter {
  readonly car: Vehicle = { vin: 'VTEST', brand: 'renault', model: 'ZOE', modelCode: 'X102VE', drivetrain: 'electric' };
  nativeSessions = false;
  covered = false;
  native: () => Promise<ChargeSession[]> = () => Promise.resolve([]);
  readonly asked: NativeAsk[] = [];
  readonly connection = { capabilities: (): { nativeChargeSessions: boolean } => ({ nativeChargeSessions: this.nativeSessions }) };

  vehicle(): Promise<Vehicle> {
    return Promise.resolve(this.car);
  }

  streamCoveredSince(): boolean {
    return this.covered;
  }

  facet(): { chargeSessions: (vehicle: Vehicle, from: string, to: string, opts: { kind: CallKind }) => Promise<ChargeSession[]> } {
    return {
      chargeSessions: (_vehicle, from, to, opts) => {
        this.asked.push({ from, to, kind: opts.kind });
        return this.native();
      },
    };
  }

  get session(): AccountSession {
    return this as unknown as AccountSession;
  }
}

/** A manual clock whose timers cannot be set while `fail` holds a message. */
class FailingClock extends ManualClock {
  readonly fail: string[] = [];

  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const message = this.fail.shift();
    if (message !== undefined) throw new Error(message);
    return super.setTimeout(fn, ms);
  }
}

/** A charge at the office: plugged at `minute`, charging an hour, unplugged at minute + 80 (ends then). */
function charge(minute: number, soc: number): VehicleStatus[] {
  const at = { km: 1020, ...OFFICE, fixAt: 38 };
  return [
    status(minute, { ...at, soc }),
    status(minute + 10, { ...at, soc, charging: 'charging' }),
    status(minute + 70, { ...at, soc: soc + 14, charging: 'charging' }),
    status(minute + 80, { ...at, soc: soc + 16 }),
  ];
}

/** A BMW stream message `minute`s after 08:00 (continuous feed). */
function streamed(minute: number, km: number): VehicleStatus {
  const at = iso(Date.parse('2026-03-02T08:00:00Z') + minute * MIN);
  return { vin: 'VTEST', provider: 'cardata', fetchedAt: at, updatedAt: at, mileageKm: km, battery: { socPercent: 80, updatedAt: at }, position: { latitude: 48.85 + km / 1000, longitude: 2.35, updatedAt: at } };
}

describe("TripRecorder following an account's reads (values)", () => {
  let dir: string;
  let clock: ManualClock;
  let account: StandInAccount;
  let debug: string[];
  let recorded: Recorded[];
  let errors: [string, boolean][];
  const recorders: TripRecorder[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-recorder-values-');
    clock = new ManualClock('2026-03-02T09:30:00Z');
    account = new StandInAccount();
    debug = [];
    recorded = [];
    errors = [];
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) await r.close(true);
    await removeDir(dir);
  });

  async function recorder(options: Partial<TripRecorderOptions> = {}): Promise<TripRecorder> {
    const r = new TripRecorder({
      file: nodeFile(dir, 'history', 'trips1'),
      session: account.session,
      vin: 'VTEST',
      timeZone: 'UTC',
      say,
      clock,
      log: { warn: () => undefined, debug: (m) => debug.push(m) },
      onRecorded: (x) => recorded.push(x),
      onError: (e, first) => errors.push([e.message, first]),
      ...options,
    });
    recorders.push(r);
    await r.ready;
    return r;
  }

  /** Statuses as the account reads them; resolves once each was recorded or refused. */
  async function read(statuses: readonly VehicleStatus[]): Promise<void> {
    for (const s of statuses) {
      const before = recorded.length + errors.length;
      account.emit('status', 'VTEST', s);
      await eventually(() => recorded.length + errors.length > before, `the status of ${s.fetchedAt} handled`);
    }
  }

  const energies = (charges: readonly ChargeSession[]): (number | undefined)[] => charges.map((c) => c.energyKwh);

  it("counts charges with the model's capacity when none is set, with the set one otherwise", async () => {
    for (const [capacityKwh, energy] of [[undefined, 8.32], [50, 8]] as const) {
      const r = await recorder(capacityKwh === undefined ? {} : { capacityKwh, file: nodeFile(dir, 'history', `trips-${capacityKwh}`) });
      const charges: ChargeSession[] = [];
      for (const s of [...DRIVE, ...ARRIVE]) charges.push(...(await r.add(s)).charges);
      assert.deepEqual(energies(charges), [energy], `capacity ${capacityKwh}`);
    }
  });

  it("follows its own vehicle's reads only, and no longer once closed", async () => {
    const r = await recorder();
    assert.deepEqual([account.listenerCount('status'), account.listenerCount('stream')], [1, 1]);
    account.emit('status', 'OTHER', { ...DRIVE[0], vin: 'OTHER' });
    await read(DRIVE);
    assert.deepEqual(errors, [], 'the other vehicle is not refused: it is not heard');
    assert.deepEqual(r.counts, { samples: 3, trips: 0, charges: 0 });
    await r.close(false);
    assert.deepEqual([account.listenerCount('status'), account.listenerCount('stream')], [0, 0]);
  });

  it('says an error once while it repeats, again after a success, and also one without a message', async () => {
    // The recorder's own work failing (here its clock's timer for the write), as nothing the account sends does.
    const failing = new FailingClock('2026-03-02T09:30:00Z');
    clock = failing;
    await recorder({ saveDelayMs: MIN });
    const statuses = [...DRIVE, ...ARRIVE, ...charge(200, 40), ...charge(300, 40)];
    const next = (): VehicleStatus => statuses.shift() ?? assert.fail('no status left');
    failing.fail.push('boom', 'boom', 'bang', 'bang');
    for (let n = 0; n < 4; n++) await read([next()]);
    await read([next()]); // a success: its write waits a minute
    await clock.advance(MIN);
    failing.fail.push('', '');
    for (let n = 0; n < 2; n++) await read([next()]);
    await read([next()]);
    await clock.advance(MIN);
    failing.fail.push('boom');
    await read([next()]);
    assert.deepEqual(errors, [
      ['boom', true],
      ['boom', false],
      ['bang', true],
      ['bang', false],
      ['', true],
      ['', false],
      ['boom', true],
    ]);
  });

  it('ends a streamed trip once the stream stayed quiet, not while the stream is down, and counts the quiet from the reconnect', async () => {
    clock = new ManualClock('2026-03-02T08:00:00Z');
    await recorder();
    const trips = (): number[] => recorded.flatMap((x) => x.trips.map((t) => t.distanceKm ?? NaN));
    await read([0, 1, 2, 3, 4, 5].map((m) => streamed(m, 100 + m)));
    const event = (state: StreamEventInfo['state']): boolean => account.emit('stream', { state });
    await clock.advance(5 * MIN);
    event('disconnected');
    await clock.advance(STOP_MS + 60 * MIN);
    assert.deepEqual(trips(), [], 'no end while the stream is down');
    event('connected');
    await clock.advance(STOP_MS);
    assert.deepEqual(trips(), [], 'the quiet counts from the reconnect');
    await clock.advance(1_000);
    assert.deepEqual(trips(), [5]);
  });

  it('says nothing when a quiet stream finished nothing (the car was parked)', async () => {
    clock = new ManualClock('2026-03-02T08:00:00Z');
    await recorder({ saveDelayMs: 60 * MIN });
    await read([0, 1, 2].map((m) => streamed(m, 100)));
    const heard = recorded.length;
    await clock.advance(2 * MIN + STOP_MS + 1_000);
    assert.equal(clock.pending, 1, 'only the write waits: the quiet check ran');
    assert.equal(recorded.length, heard);
  });

  it("takes the charge the stream covered as it is, without asking the cloud's sessions", async () => {
    account.nativeSessions = true;
    account.covered = true;
    account.native = () => Promise.resolve([{ vin: 'VTEST', source: 'native', startAt: '2026-03-02T06:55:00.000Z', endAt: '2026-03-02T07:55:00.000Z', energyKwh: 9.1 }]);
    const r = await recorder();
    const charges: ChargeSession[] = [];
    for (const s of [...DRIVE, ...ARRIVE]) charges.push(...(await r.add(s)).charges);
    assert.deepEqual([charges.map((c) => c.source), account.asked], [['derived'], []]);
  });

  it("puts the cloud's own session in place of the derived charge, asking from a day before the charge to now", async () => {
    account.nativeSessions = true;
    const native: ChargeSession = { vin: 'VTEST', source: 'native', startAt: '2026-03-02T06:51:00.000Z', endAt: '2026-03-02T07:58:00.000Z', energyKwh: 9.1, socFromPercent: 76, socToPercent: 92 };
    account.native = () => Promise.resolve([native]);
    const r = await recorder();
    const charges: ChargeSession[] = [];
    for (const s of [...DRIVE, ...ARRIVE]) charges.push(...(await r.add(s)).charges);
    // The derived charge started at 06:50 (the first read that saw it charging) and ended at 08:00.
    assert.deepEqual(account.asked, [{ from: '2026-03-01T06:50:00.000Z', to: '2026-03-02T09:30:00.000Z', kind: 'background' }]);
    assert.deepEqual(charges.map((c) => [c.source, c.energyKwh]), [['native', 9.1]]);
    assert.deepEqual(((await r.answer({ action: 'charges' })).payload as ChargeSession[]).map((c) => [c.source, c.energyKwh]), [['native', 9.1]], 'the history keeps it');
  });

  it("asks the cloud's sessions of whole local days from 14 hours around their UTC day, and keeps those of the days", async () => {
    account.nativeSessions = true;
    const at = ['2026-03-01T22:30:00.000Z', '2026-03-01T23:30:00.000Z', '2026-03-02T22:30:00.000Z', '2026-03-02T23:30:00.000Z'];
    account.native = () => Promise.resolve(at.map((startAt): ChargeSession => ({ vin: 'VTEST', source: 'native', startAt, endAt: startAt })));
    const r = await recorder({ timeZone: 'Europe/Paris' });
    const answer = await r.answer({ action: 'charges', source: 'native', from: '2026-03-02', to: '2026-03-02' });
    assert.deepEqual(account.asked, [{ from: '2026-03-01T10:00:00.000Z', to: '2026-03-03T13:59:59.999Z', kind: 'explicit' }]);
    // In Paris (UTC+1) the 2nd of March runs from 2026-03-01T23:00Z to 2026-03-02T22:59:59.999Z.
    assert.deepEqual((answer.payload as ChargeSession[]).map((c) => c.startAt), at.slice(1, 3));
  });

  it("keeps the derived charge, and says why at debug level, when the cloud's sessions cannot be read", async () => {
    account.nativeSessions = true;
    account.native = () => Promise.reject(new CarError('UPSTREAM', 'the charges endpoint answered 503'));
    const r = await recorder();
    const charges: ChargeSession[] = [];
    for (const s of [...DRIVE, ...ARRIVE]) charges.push(...(await r.add(s)).charges);
    assert.deepEqual(charges.map((c) => c.source), ['derived']);
    assert.deepEqual(debug, ['native charging sessions not used: the charges endpoint answered 503']);
  });
});
