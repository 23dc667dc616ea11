/**
 * The trip history and its file, value by value (issue 19): what a failing disk makes of a load, a
 * save and a remove; what a stored file of older rules reads back as; the bounds a stored file is
 * cut to; which sample a read of the same moment leaves; when a quiet stream's trip may end; which
 * trips and charges are sent, kept, replaced and found between two times.
 */
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ChargeSession, Trip } from '../../src/core';
import { JsonFile, nodeFile, StoredHistorySchema, TripHistory, type StoredHistory } from '../../src/features/trip-store';
import { STOP_MS, type Sample } from '../../src/features/trips';
import { modesBeforeChmod, removeDir, tempDir } from '../helpers';

const base = Date.parse('2026-03-02T06:00:00Z');
const min = (m: number): number => base + m * 60_000;
const iso = (m: number): string => new Date(min(m)).toISOString();
/** The car parked, read at minute m. */
const parked = (m: number, extra: Partial<Sample> = {}): Sample => ({ at: min(m), mileageKm: 1000, socPercent: 80, charging: 'not_charging', plug: 'unplugged', ...extra });
/** A stream's message while driving. */
const streamed = (m: number, km: number): Sample => ({ at: min(m), feed: 'continuous', mileageKm: km, socPercent: 80 });
const charging = (m: number, soc: number): Sample => parked(m, { socPercent: soc, charging: 'charging', plug: 'plugged' });

/** Adds the samples in turn; what they finished, all together. */
function feed(h: TripHistory, samples: readonly Sample[]): { trips: Trip[]; charges: ChargeSession[] } {
  const out = { trips: [] as Trip[], charges: [] as ChargeSession[] };
  for (const s of samples) {
    const got = h.add(s);
    out.trips.push(...got.trips);
    out.charges.push(...got.charges);
  }
  return out;
}

/** Two drives by the odometer: 1000 → 1010 km (ends at minute 30), 1010 → 1020 km (ends at minute 60). */
const TWO_DRIVES = [parked(0), parked(30, { mileageKm: 1010 }), parked(60, { mileageKm: 1020 })];
/** Two charges: minutes 10-20 (50 → 60 %) and 30-40 (60 → 70 %). */
const TWO_CHARGES = [parked(0, { socPercent: 50 }), charging(10, 50), parked(20, { socPercent: 60 }), charging(30, 60), parked(40, { socPercent: 70 })];

const trip = (m: number): Trip => ({ vin: 'V', source: 'derived', startAt: iso(m), endAt: iso(m + 10), durationMin: 10 });
const charge = (m: number): ChargeSession => ({ vin: 'V', source: 'derived', startAt: iso(m), endAt: iso(m + 10), durationMin: 10 });

describe('the history file on a failing disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('cc-store-values-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('throws a read error other than a missing file (a directory in its place) instead of reading no history', async () => {
    const target = nodeFile(dir, 'history', 'dir');
    await fs.mkdir(target, { recursive: true });
    await assert.rejects(new JsonFile<StoredHistory>(target, StoredHistorySchema).load(), { code: 'EISDIR' });
  });

  it('creates the temp file with mode 0600 already, before it is chmod-ed and renamed into place', async () => {
    const file = new JsonFile<StoredHistory>(nodeFile(dir, 'history', 'mode'), StoredHistorySchema);
    const modes = await modesBeforeChmod(() => file.save({ version: 1, samples: [], trips: [], charges: [] }));
    assert.deepEqual(modes, [0o600], 'never readable by others, not even under a umask of 022');
  });

  it('removes its temp file and rejects when the rename fails (a directory in the file\'s place)', async () => {
    const target = nodeFile(dir, 'history', 'blocked');
    await fs.mkdir(target, { recursive: true });
    const file = new JsonFile<StoredHistory>(target, StoredHistorySchema);
    await assert.rejects(file.save({ version: 1, samples: [], trips: [], charges: [] }), { code: 'EISDIR' });
    assert.deepEqual(await fs.readdir(path.dirname(target)), ['history-blocked.json'], 'no temp file left behind');
  });

  it("rejects with the write's own error when the temp file was never created (a full disk)", async () => {
    const file = new JsonFile<StoredHistory>(nodeFile(dir, 'history', 'full'), StoredHistorySchema);
    const writeFile = fs.writeFile;
    fs.writeFile = (async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as typeof fs.writeFile;
    try {
      await assert.rejects(file.save({ version: 1, samples: [], trips: [], charges: [] }), { code: 'ENOSPC', message: 'ENOSPC: no space left on device' });
    } finally {
      fs.writeFile = writeFile;
    }
    assert.deepEqual(await fs.readdir(path.dirname(file.file)), [], 'nothing written');
  });

  it('removes a file that was never written without an error', async () => {
    const file = new JsonFile<StoredHistory>(nodeFile(dir, 'history', 'never'), StoredHistorySchema);
    await file.remove();
    assert.deepEqual(await file.load(), {});
  });
});

describe('a stored history read back', () => {
  const withTrip = (t: unknown): unknown => ({ version: 1, samples: [], trips: [t], charges: [] });
  const FIGURES = ['socUsedPercent', 'energyUsedKwh', 'fuelUsedLiters', 'consumptionKwhPer100Km', 'consumptionLPer100Km'] as const;

  for (const k of FIGURES) {
    it(`drops a negative ${k} of a file of older rules and keeps the trip and its other figures`, () => {
      const others = Object.fromEntries(FIGURES.filter((f) => f !== k).map((f) => [f, 2]));
      const parsed = StoredHistorySchema.parse(withTrip({ ...trip(0), ...others, [k]: -1.5 }));
      assert.deepEqual(parsed.trips, [{ ...trip(0), ...others }]);
    });

    it(`keeps ${k} at zero or more, and refuses it as a text`, () => {
      assert.deepEqual(StoredHistorySchema.parse(withTrip({ ...trip(0), [k]: 0 })).trips, [{ ...trip(0), [k]: 0 }]);
      assert.deepEqual(StoredHistorySchema.parse(withTrip({ ...trip(0), [k]: 3.5 })).trips, [{ ...trip(0), [k]: 3.5 }]);
      const bad = StoredHistorySchema.safeParse(withTrip({ ...trip(0), [k]: '-1' }));
      assert.deepEqual(
        bad.error?.issues.map((i) => ({ code: i.code, path: i.path })),
        [{ code: 'invalid_type', path: ['trips', 0, k] }],
      );
    });
  }

  for (const [what, value, received] of [
    ['a text', 'x', 'string'],
    ['null', null, 'null'],
    ['a number', 5, 'number'],
  ] as const) {
    it(`refuses ${what} in place of a trip as not an object`, () => {
      const bad = StoredHistorySchema.safeParse(withTrip(value));
      assert.deepEqual(
        bad.error?.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
        [{ code: 'invalid_type', path: ['trips', 0], message: `Invalid input: expected object, received ${received}` }],
      );
    });
  }
});

describe('the trip history: values', () => {
  it('cuts a stored file to its newest samples, trips and charges within the bounds', () => {
    const stored: StoredHistory = {
      version: 1,
      vin: 'V',
      samples: [0, 1, 2, 3, 4].map((m) => parked(m, { socPercent: 80 - m })),
      trips: [0, 100, 200, 300, 400].map(trip),
      charges: [50, 150, 250, 350, 450].map(charge),
    };
    const h = new TripHistory({ vin: 'V', maxSamples: 3, maxTrips: 3, maxCharges: 3 }, stored);
    assert.deepEqual(h.snapshot(), { version: 1, vin: 'V', samples: stored.samples.slice(2), trips: [200, 300, 400].map(trip), charges: [250, 350, 450].map(charge) });
  });

  it('sends a charge of a stored file that never sent one, and stores when it ended', () => {
    const h = new TripHistory({ vin: 'V', capacityKwh: 50 }, { version: 1, vin: 'V', samples: [], trips: [], charges: [] });
    const got = feed(h, TWO_CHARGES.slice(0, 3));
    assert.deepEqual(
      got.charges.map((c) => [c.startAt, c.endAt, c.energyKwh]),
      [[iso(10), iso(20), 5]],
    );
    assert.equal(h.snapshot().chargesUntil, min(20));
  });

  it('sends each charge once, when it ends', () => {
    const h = new TripHistory({ vin: 'V' });
    assert.deepEqual(
      TWO_CHARGES.map((s) => h.add(s).charges.map((c) => c.endAt)),
      [[], [], [iso(20)], [], [iso(40)]],
    );
    assert.deepEqual(h.add(parked(50, { socPercent: 70 })), { trips: [], charges: [] }, 'a later sample sends none again');
    assert.deepEqual(h.snapshot().chargesUntil, min(40));
  });

  it('keeps the newest trips and charges within the bounds', () => {
    const trips = new TripHistory({ vin: 'V', maxTrips: 1 });
    assert.deepEqual(feed(trips, TWO_DRIVES).trips.map((t) => t.endMileageKm), [1010, 1020]);
    assert.deepEqual(trips.trips.map((t) => t.endMileageKm), [1020]);
    const charges = new TripHistory({ vin: 'V', maxCharges: 1 });
    assert.deepEqual(feed(charges, TWO_CHARGES).charges.map((c) => c.endAt), [iso(20), iso(40)]);
    assert.deepEqual(charges.charges.map((c) => c.endAt), [iso(40)]);
  });

  it('gives trips and charges of a vehicle whose VIN is not known an empty VIN', () => {
    const h = new TripHistory({});
    assert.deepEqual(feed(h, TWO_DRIVES).trips.map((t) => t.vin), ['', '']);
    assert.deepEqual(feed(new TripHistory(), TWO_CHARGES).charges.map((c) => c.vin), ['', '']);
  });

  it('takes a later read of the same moment that knows more in place of the last sample', () => {
    const h = new TripHistory({ vin: 'V' });
    h.add(parked(0));
    h.add(parked(10));
    h.add(parked(10, { socPercent: 70 }));
    assert.equal(h.sampleCount, 2);
    assert.deepEqual(h.lastSample, parked(10, { socPercent: 70 }));
  });

  it("moves the read time of the same report read again only forward, and adds none when it is the report's own", () => {
    const h = new TripHistory({ vin: 'V' });
    h.add(parked(0));
    assert.deepEqual(h.add(parked(0)), { trips: [], charges: [] });
    assert.deepEqual(h.lastSample, parked(0), 'no read time of its own');
    h.add(parked(0, { fetchedAt: min(5) }));
    assert.deepEqual(h.lastSample, parked(0, { fetchedAt: min(5) }));
    h.add(parked(0, { fetchedAt: min(3) }));
    assert.deepEqual(h.lastSample, parked(0, { fetchedAt: min(5) }), 'an older read of it changes nothing');
    assert.equal(h.sampleCount, 1);
  });

  it("lets time pass for a streamed sample only after the sample's own time", () => {
    const h = new TripHistory({ vin: 'V' });
    h.add(streamed(0, 1000));
    assert.deepEqual(h.touch(min(0)), { trips: [], charges: [] });
    assert.deepEqual(h.lastSample, streamed(0, 1000), 'no read time added');
    h.touch(min(1));
    assert.deepEqual(h.lastSample, { ...streamed(0, 1000), fetchedAt: min(1) });
  });

  it('lets no time pass for a polled sample: only a new read says the car still stood there', () => {
    const h = new TripHistory({ vin: 'V' });
    h.add(parked(0));
    assert.deepEqual(h.touch(min(30)), { trips: [], charges: [] });
    assert.deepEqual(h.lastSample, parked(0), 'no read time added to a polled sample');
  });

  it('counts the stop threshold of a quiet stream from its first connection, not from a repeated one', () => {
    const h = new TripHistory({ vin: 'V' });
    h.add(streamed(0, 1000));
    h.add(streamed(1, 1001));
    assert.equal(h.quietCheckAt, min(1) + STOP_MS + 1_000, 'nothing known of a stream: from the last sample');
    h.streamState(true, min(5));
    assert.equal(h.quietCheckAt, min(5) + STOP_MS + 1_000);
    h.streamState(true, min(8));
    assert.equal(h.quietCheckAt, min(5) + STOP_MS + 1_000, 'still connected since minute 5');
  });

  it('has no quiet check once the last two streamed samples are the stop threshold apart', () => {
    const apart = (gapMs: number): number | undefined => {
      const h = new TripHistory({ vin: 'V' });
      h.add(streamed(0, 1000));
      h.add({ ...streamed(0, 1001), at: min(0) + gapMs });
      return h.quietCheckAt;
    };
    assert.equal(apart(STOP_MS), undefined);
    assert.equal(apart(STOP_MS - 1), min(0) + STOP_MS - 1 + STOP_MS + 1_000);
  });

  it('replaces a stored charge by the same object only, the first one too', () => {
    const h = new TripHistory({ vin: 'V' });
    feed(h, TWO_CHARGES);
    const [first, second] = h.charges;
    assert.ok(first && second);
    const native: ChargeSession = { ...first, source: 'native', energyKwh: 5.5 };
    h.replaceCharge(first, native);
    assert.deepEqual(h.charges, [native, second]);
    h.replaceCharge({ ...second }, { ...second, source: 'native' });
    assert.deepEqual(h.charges, [native, second], 'a copy is not the stored one: nothing changes');
  });
});
