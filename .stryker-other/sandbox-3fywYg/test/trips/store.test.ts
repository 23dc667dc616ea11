// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { JsonFile, nodeFile, StoredHistorySchema, TripHistory, type StoredHistory } from '../../src/features/trip-store';
import type { Sample } from '../../src/features/trips';
import { removeDir, tempDir } from '../helpers';

const base = Date.parse('2026-03-02T06:00:00Z');
const min = (m: number): number => base + m * 60_000;
const at = (m: number, extra: Partial<Sample> = {}): Sample => ({ at: min(m), mileageKm: 1000, latitude: 48.8566, longitude: 2.3522, socPercent: 80, charging: 'not_charging', plug: 'unplugged', ...extra });
const arrived = (m: number): Sample => at(m, { mileageKm: 1020, latitude: 48.8921, longitude: 2.2376, positionAt: min(m - 1), socPercent: 76 });

describe('the trip history and its file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('cc-store-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('sends each finished trip once, also after a restart from the file', async () => {
    const file = new JsonFile<StoredHistory>(nodeFile(dir, 'history', 'n1'), StoredHistorySchema);
    const h = new TripHistory({ vin: 'V', capacityKwh: 50 });
    assert.deepEqual(h.add(at(0)), { trips: [], charges: [] });
    h.add(at(10, { socPercent: 78 }));
    await file.save(h.snapshot());

    // Restart: the drive's beginning comes from the file, its end from the next status.
    const loaded = await file.load();
    assert.ok(loaded.data);
    const again = new TripHistory({ vin: 'V', capacityKwh: 50 }, loaded.data);
    const first = again.add(arrived(40));
    assert.equal(first.trips.length, 1);
    assert.equal(first.trips[0]?.startAt, new Date(min(5)).toISOString());
    assert.equal(first.trips[0]?.energyUsedKwh, 2);
    await file.save(again.snapshot());

    const third = new TripHistory({ vin: 'V', capacityKwh: 50 }, (await file.load()).data);
    assert.equal(third.trips.length, 1);
    assert.deepEqual(third.add(arrived(50)), { trips: [], charges: [] }, 'the same trip is not sent twice');
    assert.equal(third.trips.length, 1);
  });

  it('writes the file atomically with mode 0600 under connected-car/', async () => {
    const target = nodeFile(dir, 'history', 'a/b');
    assert.equal(target, path.join(dir, 'connected-car', 'history-a_b.json'));
    const file = new JsonFile<StoredHistory>(target, StoredHistorySchema);
    await Promise.all([1, 2, 3].map((n) => file.save({ version: 1, vin: `V${n}`, samples: [], trips: [], charges: [] })));
    assert.equal(((await fs.stat(target)).mode & 0o777), 0o600);
    assert.equal((await file.load()).data?.vin, 'V3', 'writes are queued: the last one wins');
    assert.deepEqual(await fs.readdir(path.dirname(target)), ['history-a_b.json'], 'no temp file left behind');
    await file.remove();
    assert.deepEqual(await file.load(), {});
  });

  it('writes saves that come while a write runs as one write of the newest content (nothing queued in memory)', async () => {
    const file = new JsonFile<StoredHistory>(nodeFile(dir, 'history', 'burst'), StoredHistorySchema);
    const rename = fs.rename;
    let writes = 0;
    fs.rename = (async (...args: Parameters<typeof fs.rename>) => {
      writes++;
      return rename(...args);
    }) as typeof fs.rename;
    try {
      const first = file.save({ version: 1, vin: 'V0', samples: [], trips: [], charges: [] });
      await new Promise((r) => setImmediate(r)); // the first write is on its way
      const saves = Array.from({ length: 50 }, (_, n) => file.save({ version: 1, vin: `V${n + 1}`, samples: [], trips: [], charges: [] }));
      await Promise.all([first, ...saves]);
    } finally {
      fs.rename = rename;
    }
    assert.equal(writes, 2, 'the first save, then one write for the 50 that came after it');
    assert.equal((await file.load()).data?.vin, 'V50');
  });

  it('reads a damaged file as none, and says so', async () => {
    const target = nodeFile(dir, 'history', 'n2');
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, '{"version":1,"samples":[{"at":"yesterday"}]');
    const loaded = await new JsonFile<StoredHistory>(target, StoredHistorySchema).load();
    assert.deepEqual(loaded, { damaged: true });
  });

  it('keeps the file bounded and identical samples to the ends of their run', () => {
    const h = new TripHistory({ vin: 'V', maxSamples: 5 });
    for (let m = 0; m < 10; m++) h.add(at(m));
    assert.equal(h.sampleCount, 2, 'ten identical readings: the first and the last');
    assert.equal(h.lastSample?.at, min(9));
    h.add(at(5, { socPercent: 10 }));
    assert.equal(h.lastSample?.at, min(9), 'an older sample is ignored');
    for (let m = 10; m < 30; m++) h.add(at(m, { socPercent: 80 - m }));
    assert.equal(h.sampleCount, 5);
  });

  it('does not take over the history of another vehicle', () => {
    const stored: StoredHistory = { version: 1, vin: 'OTHER', samples: [at(0)], trips: [], charges: [] };
    assert.equal(new TripHistory({ vin: 'V' }, stored).sampleCount, 0);
    assert.equal(new TripHistory({}, stored).vin, 'OTHER');
  });
});
