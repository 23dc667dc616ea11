// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { CarError, ChargeSessionSchema, HistorySummarySchema, ManualClock, TripSchema, type Trip } from '../../src/core';
import { tripInputFrom, TripRecorder, tripSettingsFrom, type TripRecorderOptions, type TripText } from '../../src/features/trip-recorder';
import { nodeFile, StoredHistorySchema } from '../../src/features/trip-store';
import { eventually, removeDir, tempDir } from '../helpers';
import { ARRIVE, DRIVE, HOME_AT, status } from './drive';

/** The texts by key, as RED._ gives them in tests. */
const say = (key: TripText, values?: Record<string, string | number>): string => `car-trips.errors.${key}${values ? ` ${JSON.stringify(values)}` : ''}`;

describe('TripRecorder: the history car-trips keeps', () => {
  let dir: string;
  let file: string;
  let clock: ManualClock;
  let warnings: string[];
  const recorders: TripRecorder[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-recorder-');
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

  it('adds statuses and gives back the trip and the charge they finished', async () => {
    const r = recorder();
    const found: { trips: Trip[]; charges: unknown[] } = { trips: [], charges: [] };
    for (const s of [...DRIVE, ...ARRIVE]) {
      const added = await r.add(s);
      found.trips.push(...added.trips);
      found.charges.push(...added.charges);
    }
    assert.equal(found.trips.length, 1);
    assert.equal(TripSchema.parse(found.trips[0]).distanceKm, 20);
    assert.equal(ChargeSessionSchema.parse(found.charges[0]).energyKwh, 8);
    assert.deepEqual(r.counts, { samples: 7, trips: 1, charges: 1 });
    assert.deepEqual(r.vehicleInfo('VTEST'), { vin: 'VTEST' }, 'without an account, only the VIN');
  });

  it('ends a CarData trip once the stream stayed quiet for the stop threshold, without a new message (issue 12)', async () => {
    const recorded: Trip[] = [];
    const r = recorder({ onRecorded: (x) => recorded.push(...x.trips) });
    const start = clock.now();
    const msg = (minute: number, km: number, soc: number) => {
      const at = new Date(start + minute * 60_000).toISOString();
      return { vin: 'VBMW', provider: 'cardata' as const, fetchedAt: at, updatedAt: at, mileageKm: km, battery: { socPercent: soc, updatedAt: at }, position: { latitude: 48.85 + km / 1000, longitude: 2.35, updatedAt: at } };
    };
    assert.deepEqual((await r.add(msg(0, 100, 80))).trips, []);
    for (let m = 1; m <= 12; m++) {
      await clock.advance(60_000);
      assert.deepEqual((await r.add(msg(m, 100 + m, 80 - Math.floor(m / 2)))).trips, [], 'one trip, not one per message');
    }
    // Ignition-off at minute 12: the stream goes quiet.
    await clock.advance(179_000);
    assert.equal(recorded.length, 0, 'not before the stop threshold');
    await clock.advance(2_000);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.distanceKm, 12);
    assert.equal(recorded[0]?.endAt, new Date(start + 12 * 60_000).toISOString());
    assert.equal(clock.pending > 0, true, 'the file is still to be written');
    await clock.advance(3_600_000);
    assert.equal(recorded.length, 1, 'sent once');
  });

  it('writes the file five minutes after a change (one write for a burst), and on close', async () => {
    const r = recorder();
    for (const s of DRIVE) await r.add(s);
    await clock.advance(299_999);
    assert.equal(existsSync(file), false, 'not yet');
    await clock.advance(1);
    // The write itself is real I/O, not on the manual clock.
    await eventually(() => existsSync(file), 'the file written');
    const saved = StoredHistorySchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
    assert.deepEqual([saved.vin, saved.samples.length], ['VTEST', 3]);
    assert.equal(clock.pending, 0, 'no second write is waiting');

    await r.add(ARRIVE[0]);
    await r.close(false);
    assert.equal(StoredHistorySchema.parse(JSON.parse(await fs.readFile(file, 'utf8'))).trips.length, 1, 'close writes what the timer had not yet');
    assert.equal(clock.pending, 0, 'close stops the timer');
  });

  it('starts from the file after a restart, and a deleted node takes its file with it', async () => {
    const first = recorder();
    for (const s of DRIVE) await first.add(s);
    await first.close(false);
    const again = recorder();
    const added = await again.add(ARRIVE[0]);
    assert.equal(added.trips[0]?.startAt, '2026-03-02T06:15:00.000Z', 'the start came from the file');
    await again.close(true);
    assert.equal(existsSync(file), false);
  });

  it('says when the file cannot be read, and starts anew', async () => {
    await fs.mkdir(`${dir}/connected-car`, { recursive: true });
    await fs.writeFile(file, '{"version": 1, "samples": "no"}');
    const r = recorder();
    await r.ready;
    assert.deepEqual(warnings, [`car-trips.errors.damaged {"file":"${file}"}`]);
    assert.deepEqual(r.counts, { samples: 0, trips: 0, charges: 0 });
  });

  it("keeps one vehicle's history: another VIN is refused with BAD_INPUT and changes nothing", async () => {
    const r = recorder();
    await r.add(DRIVE[0]);
    await assert.rejects(r.add(status(5, { ...HOME_AT, soc: 80, vin: 'OTHER' })), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /other-vin.*"vin":"OTHER","mine":"VTEST"/.test(e.message));
    assert.equal(r.counts.samples, 1);
  });

  it('answers summaries and lists between bounds; without any status there is no vehicle to answer for', async () => {
    const r = recorder();
    await assert.rejects(r.answer({ action: 'summary' }), { code: 'BAD_INPUT', message: 'car-trips.errors.no-history' });
    for (const s of [...DRIVE, ...ARRIVE]) await r.add(s);
    const summary = await r.answer({ action: 'summary', period: 'day' });
    assert.equal(summary.vin, 'VTEST');
    assert.deepEqual(HistorySummarySchema.parse(summary.payload).totals.trips, 1);
    assert.equal(((await r.answer({ action: 'trips', from: '2026-03-02', to: '2026-03-02' })).payload as Trip[]).length, 1);
    assert.deepEqual((await r.answer({ action: 'charges', from: '2026-03-02T07:00:00Z' })).payload, []);
    await assert.rejects(r.answer({ action: 'trips', timeZone: 'Mars/Olympus' }), { code: 'BAD_INPUT', message: /msg\.payload\.timeZone must be an IANA time zone/ });
    await assert.rejects(r.answer({ action: 'charges', source: 'native' }), { code: 'NOT_SUPPORTED', message: 'car-trips.errors.native-needs-account' });
  });
});

describe('car-trips input and settings', () => {
  it('tells a request from a VehicleStatus, and names the field of a bad one', () => {
    assert.deepEqual(tripInputFrom({ action: 'trips', from: '2026-03-01' }, say), { kind: 'request', request: { action: 'trips', from: '2026-03-01' } });
    assert.equal(tripInputFrom(DRIVE[0], say).kind, 'status');
    const refusal = (payload: unknown): string => {
      try {
        tripInputFrom(payload, say);
      } catch (e) {
        assert.ok(e instanceof CarError && e.code === 'BAD_INPUT');
        return e.message;
      }
      assert.fail('accepted');
    };
    assert.equal(refusal({ action: 'total' }), 'msg.payload.action must be one of: summary, trips, charges');
    assert.equal(refusal({ action: 'charges', source: 'cloud' }), 'msg.payload.source must be stored or native');
    assert.match(refusal({ ...DRIVE[0], mileageKm: -3 }), /^msg\.payload is not a valid VehicleStatus: mileageKm/);
    assert.equal(refusal('hello'), 'car-trips.errors.bad-payload');
  });

  it('reads the capacity and the time zone, empty meaning the defaults', () => {
    assert.deepEqual(tripSettingsFrom({ capacityKwh: ' 52 ', timeZone: 'Europe/Paris' }, say), { capacityKwh: 52, timeZone: 'Europe/Paris' });
    assert.equal(tripSettingsFrom({ capacityKwh: '' }, say).capacityKwh, undefined);
    assert.throws(() => tripSettingsFrom({ capacityKwh: '400' }, say), { code: 'BAD_INPUT', message: 'car-trips.errors.capacity {"value":"400"}' });
    assert.throws(() => tripSettingsFrom({ timeZone: 'Paris' }, say), { code: 'BAD_INPUT', message: 'car-trips.errors.timezone {"value":"Paris"}' });
  });
});
