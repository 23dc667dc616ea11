// @ts-nocheck
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ChargeSessionSchema, TripSchema, type ChargeSession, type Trip } from '../core';
import { deriveCharges, deriveTrips, sameContent, SampleSchema, STOP_MS, type Sample } from './trips';

/**
 * What car-trips keeps across restarts: the recent status samples, the finished trips and
 * charging sessions, in a bounded JSON file under Node-RED's user directory (mode 0600,
 * written atomically). The node's context would not do: it is wiped on a redeploy unless the
 * user configured a persistent context store.
 */

/** <userDir>/connected-car/<kind>-<node id>.json */
export function nodeFile(userDir: string, kind: 'history' | 'presence' | 'events' | 'homeassistant', nodeId: string): string {
  return path.join(userDir, 'connected-car', `${kind}-${nodeId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/**
 * One JSON file, written whole and atomically, one write at a time, mode 0600. Saves that come
 * while a write runs are one write of the newest content: a slow disk (an SD card) under a
 * stream's pace never queues copies of the file in memory (issue 15's soak).
 */
export class JsonFile<T> {
  private queue: Promise<void> = Promise.resolve();
  /** The write that waits for the running one: its content is the newest saved. */
  private waiting?: { data: T; done: Promise<void> };

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The content, or undefined when there is none; `damaged` when it could not be read as T. */
  async load(): Promise<{ data?: T; damaged?: boolean }> {
    await this.queue;
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      return parsed.success ? { data: parsed.data } : { damaged: true };
    } catch {
      return { damaged: true };
    }
  }

  /** Resolves once data, or content saved after it, is written. */
  save(data: T): Promise<void> {
    if (this.waiting) {
      this.waiting.data = data;
      return this.waiting.done;
    }
    const waiting: { data: T; done: Promise<void> } = { data, done: Promise.resolve() };
    waiting.done = this.queue.then(() => {
      this.waiting = undefined;
      return this.write(JSON.stringify(waiting.data));
    });
    this.waiting = waiting;
    this.queue = waiting.done.catch(() => undefined);
    return waiting.done;
  }

  private async write(text: string): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(tmp, text, { mode: 0o600 });
      await fs.chmod(tmp, 0o600); // writeFile's mode is masked by umask
      await fs.rename(tmp, this.file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async remove(): Promise<void> {
    await this.queue;
    await fs.rm(this.file, { force: true });
  }
}

/** Files written before trips had to be nonnegative: a negative figure is dropped, not the file. */
const StoredTripSchema = z.preprocess((v) => {
  if (typeof v !== 'object' || v === null) return v;
  const t = { ...(v as Record<string, unknown>) };
  for (const k of ['socUsedPercent', 'energyUsedKwh', 'fuelUsedLiters', 'consumptionKwhPer100Km', 'consumptionLPer100Km']) {
    if (typeof t[k] === 'number' && (t[k] as number) < 0) delete t[k];
  }
  return t;
}, TripSchema);

export const StoredHistorySchema = z.object({
  version: z.literal(1),
  vin: z.string().optional(),
  samples: z.array(SampleSchema),
  trips: z.array(StoredTripSchema),
  charges: z.array(ChargeSessionSchema),
  /** End (epoch ms) of the newest trip / charge already sent: nothing older is sent again. */
  tripsUntil: z.number().optional(),
  chargesUntil: z.number().optional(),
});
export type StoredHistory = z.infer<typeof StoredHistorySchema>;

export interface TripHistoryOptions {
  vin?: string;
  capacityKwh?: number;
  /** Bounds of the file (defaults: 3000 samples, about three weeks of 10-minute polls; 5000 trips; 2000 charges). */
  maxSamples?: number;
  maxTrips?: number;
  maxCharges?: number;
}

export interface NewItems {
  trips: Trip[];
  charges: ChargeSession[];
}

/** The samples, trips and charges of one vehicle, and which of them were already sent. */
export class TripHistory {
  vin: string | undefined;
  capacityKwh: number | undefined;
  private samples: Sample[] = [];
  private tripList: Trip[] = [];
  private chargeList: ChargeSession[] = [];
  private tripsUntil = -Infinity;
  private chargesUntil = -Infinity;
  private readonly maxSamples: number;
  private readonly maxTrips: number;
  private readonly maxCharges: number;

  constructor(options: TripHistoryOptions = {}, stored?: StoredHistory) {
    this.vin = options.vin;
    this.capacityKwh = options.capacityKwh;
    this.maxSamples = options.maxSamples ?? 3000;
    this.maxTrips = options.maxTrips ?? 5000;
    this.maxCharges = options.maxCharges ?? 2000;
    // A file of another vehicle (the node was pointed at another car) is not this one's history.
    if (stored && (!options.vin || !stored.vin || stored.vin === options.vin)) {
      this.vin ??= stored.vin;
      this.samples = stored.samples.slice(-this.maxSamples);
      this.tripList = stored.trips.slice(-this.maxTrips);
      this.chargeList = stored.charges.slice(-this.maxCharges);
      this.tripsUntil = stored.tripsUntil ?? -Infinity;
      this.chargesUntil = stored.chargesUntil ?? -Infinity;
    }
  }

  get trips(): readonly Trip[] {
    return this.tripList;
  }

  get charges(): readonly ChargeSession[] {
    return this.chargeList;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  get lastSample(): Sample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /**
   * Adds a sample and returns the trips and charges it finished. Older samples are ignored;
   * a run of identical samples keeps only its first and last (the last moves forward).
   */
  add(sample: Sample): NewItems {
    const none: NewItems = { trips: [], charges: [] };
    const n = this.samples.length;
    const last = this.samples[n - 1];
    if (last && sample.at < last.at) return none;
    if (last && sample.at === last.at) {
      if (sameContent(last, sample)) {
        // The same report read again, later: it still saw the car where it was (the poll's clock).
        if ((sample.fetchedAt ?? sample.at) <= (last.fetchedAt ?? last.at)) return none;
        this.samples[n - 1] = { ...last, fetchedAt: sample.fetchedAt ?? sample.at };
        return this.derive();
      }
      this.samples[n - 1] = sample; // a later read of the same moment knows more
    } else {
      const before = this.samples[n - 2];
      if (last && before && sameContent(last, sample) && sameContent(before, sample)) this.samples[n - 1] = sample;
      else this.samples.push(sample);
    }
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
    return this.derive();
  }

  /**
   * Time passed without a new sample: a source that reports while driving (CarData's stream
   * goes quiet at ignition-off) still shows the car where its last sample left it, so a trip
   * can end once it stood still long enough. Returns what that finished.
   */
  touch(now: number): NewItems {
    const n = this.samples.length;
    const last = this.samples[n - 1];
    if (!last || last.feed !== 'continuous' || now <= (last.fetchedAt ?? last.at)) return { trips: [], charges: [] };
    this.samples[n - 1] = { ...last, fetchedAt: now };
    return this.derive();
  }

  /** Since when the stream has been connected (undefined: down); not set: nothing known of a stream. */
  private streamUpSince: number | undefined | null = null;

  /**
   * The stream's state: while it is down (a token renewal, a lost socket) its silence says
   * nothing of the car, and after it is back the car must stay quiet the whole stop threshold.
   */
  streamState(connected: boolean, at: number): void {
    if (!connected) this.streamUpSince = undefined;
    else if (this.streamUpSince === undefined || this.streamUpSince === null) this.streamUpSince = at;
  }

  /** When a quiet source's open trip could end (the last sample's time plus the stop threshold), or undefined. */
  get quietCheckAt(): number | undefined {
    // Only a dense source (a stream while driving): a poll's silence says nothing of the car.
    const last = this.lastSample;
    const prev = this.samples[this.samples.length - 2];
    if (last?.feed !== 'continuous' || !prev || last.at - prev.at >= STOP_MS) return undefined;
    if (this.streamUpSince === undefined) return undefined;
    return Math.max(last.at, last.fetchedAt ?? last.at, this.streamUpSince ?? 0) + STOP_MS + 1_000;
  }

  private derive(): NewItems {
    const vin = this.vin ?? '';
    const opts = { vin, ...(this.capacityKwh !== undefined ? { capacityKwh: this.capacityKwh } : {}) };
    const trips = deriveTrips(this.samples, opts).filter((t) => Date.parse(t.endAt) > this.tripsUntil);
    const charges = deriveCharges(this.samples, opts).filter((c) => c.endAt !== undefined && Date.parse(c.endAt) > this.chargesUntil);
    for (const t of trips) {
      this.tripList.push(t);
      this.tripsUntil = Math.max(this.tripsUntil, Date.parse(t.endAt));
    }
    for (const c of charges) {
      this.chargeList.push(c);
      this.chargesUntil = Math.max(this.chargesUntil, Date.parse(c.endAt ?? c.startAt));
    }
    if (this.tripList.length > this.maxTrips) this.tripList.splice(0, this.tripList.length - this.maxTrips);
    if (this.chargeList.length > this.maxCharges) this.chargeList.splice(0, this.chargeList.length - this.maxCharges);
    return { trips, charges };
  }

  /** Replaces a stored session (the cloud's own record of the same charge arrived). */
  replaceCharge(old: ChargeSession, next: ChargeSession): void {
    const i = this.chargeList.indexOf(old);
    if (i >= 0) this.chargeList[i] = next;
  }

  snapshot(): StoredHistory {
    return {
      version: 1,
      ...(this.vin ? { vin: this.vin } : {}),
      samples: this.samples,
      trips: this.tripList,
      charges: this.chargeList,
      ...(Number.isFinite(this.tripsUntil) ? { tripsUntil: this.tripsUntil } : {}),
      ...(Number.isFinite(this.chargesUntil) ? { chargesUntil: this.chargesUntil } : {}),
    };
  }
}
