// @ts-nocheck
import {
  CarError,
  SingleFlight,
  VehicleStatusSchema,
  mergeStatus,
  systemClock,
  type CallBudget,
  type CallKind,
  type Clock,
  type ProviderId,
  type StatusFragment,
  type StatusPart,
  type Vehicle,
  type VehicleStatus,
} from '../core';
import type { Connection, EndpointRead, StatusPatch, StatusRead } from '../brands';

export interface StatusCacheOptions {
  provider: ProviderId;
  /** Its status and raw facets read what is stale. */
  connection: Pick<Connection, 'status' | 'raw'>;
  budget: CallBudget;
  clock: Clock;
  /** Tells the account's nodes what it now knows of a vehicle (after a read or a push). */
  onStatus: (vin: string, status: VehicleStatus, raw: Record<string, unknown>) => void;
  /**
   * The parts a push stream keeps fresh right now (undefined while it is down): a part it
   * carries counts as fresh at the age of its last message, whatever maxAge says (a parked car
   * sends nothing because nothing changed). Explicit reads still go to the cloud.
   */
  streamParts?: () => ReadonlySet<StatusPart> | undefined;
  /** Something new to keep (a read or a push): the account file saves it soon. */
  onChange?: () => void;
  /**
   * One deadline for every request of one status read. Default STATUS_DEADLINE_MS of real time,
   * as the HTTP timeouts: it bounds real I/O, which a test's clock jumping a minute must not cut.
   * Given here, it runs on the cache's clock (tests drive it).
   */
  deadlineMs?: number;
}

/** How long one status read may take, all its parts together: what has not come by then is listed as missing. */
export const STATUS_DEADLINE_MS = 30_000;

/** The cache as the account file keeps it: parts with their age, by VIN. */
export interface CacheSnapshot {
  parts: Record<string, Partial<Record<StatusPart, { at: number; fragment: StatusFragment }>>>;
  ranges: Record<string, number>;
}

export interface ReadOptions {
  kind?: CallKind;
  /** Parts younger than this are served from the cache. */
  maxAgeMs?: number;
}

export type StatusWithMissing = VehicleStatus & { missing?: { part: StatusPart; code: string; message: string }[] };

/** The fields of VehicleStatus that each part owns. */
const PART_FIELDS: Record<StatusPart, (keyof StatusFragment)[]> = {
  battery: ['battery'],
  fuel: ['fuel'],
  charging: ['charging'],
  lock: ['lock'],
  doors: ['doors'],
  windows: ['windows'],
  tires: ['tires'],
  climate: ['climate'],
  position: ['position', 'positionUnknown'],
  mileage: ['mileageKm'],
  messages: ['messages'],
};
const PARTS = Object.entries(PART_FIELDS) as [StatusPart, (keyof StatusFragment)[]][];

interface CachedPart {
  /** When the part was read (epoch ms): its age decides whether a read is needed. */
  at: number;
  fragment: StatusFragment;
  /**
   * Taken back from the account file after a restart: the car may have moved meanwhile, so
   * only its age counts (the stream sends what changes, not what changed while we were away).
   */
  restored?: true;
}

/** The fields of one part that a fragment carries; undefined when it carries none. */
function pick(fragment: StatusFragment, fields: (keyof StatusFragment)[]): StatusFragment | undefined {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (fragment[field] !== undefined) picked[field] = fragment[field];
  return Object.keys(picked).length ? (picked as StatusFragment) : undefined;
}

type Missing = StatusRead['missing'];

/**
 * What an account knows of its vehicles' status, part by part with the time each was read:
 * shared by every node of the account, so that a part read for one serves all while it is
 * young enough; one read per vehicle at a time, checked against the budget before it starts.
 * Parts a car answered NOT_SUPPORTED for are not asked again (saves quota).
 */
export class StatusCache {
  private readonly parts = new Map<string, Map<StatusPart, CachedPart>>();
  private readonly ranges = new Map<string, number>();
  private readonly unsupported = new Map<string, Set<StatusPart>>();
  private readonly flights = new SingleFlight<unknown>();

  constructor(private readonly o: StatusCacheOptions) {}

  /** The status of these parts: young parts from the cache, the others read (joining a read in flight). */
  async read(vehicle: Vehicle, parts: StatusPart[], options: ReadOptions = {}): Promise<StatusWithMissing> {
    const { vin } = vehicle;
    const flight = `status:${vin}`;
    let since = Infinity;
    for (let round = 0; round < 3; round++) {
      const streamed = options.kind === 'explicit' ? undefined : this.o.streamParts?.();
      const stale = this.stale(vin, parts, options.maxAgeMs ?? 0, this.o.clock.now(), since, streamed);
      if (stale.length === 0) break;
      if (this.flights.has(flight)) {
        // Join the read in flight and take what it brings, whatever maxAgeMs says.
        since = this.o.clock.now();
        await this.flights.run(flight, () => Promise.resolve()).catch(() => undefined);
        continue;
      }
      const missing = (await this.flights.run(flight, () => this.fetch(vehicle, stale, options.kind ?? 'background'))) as Missing;
      const status = this.assemble(vin, parts);
      return missing.length ? { ...status, missing } : status;
    }
    return this.assemble(vin, parts);
  }

  private async fetch(vehicle: Vehicle, parts: StatusPart[], kind: CallKind): Promise<Missing> {
    const { budget, connection } = this.o;
    const cost = connection.status.cost(vehicle, parts);
    if (cost > 0 && !budget.canTake(kind, cost)) budget.take(kind, cost); // throws, naming when it fits
    const deadlineMs = this.o.deadlineMs ?? STATUS_DEADLINE_MS;
    const clock = this.o.deadlineMs !== undefined ? this.o.clock : systemClock;
    const deadline = new AbortController();
    const timer = clock.setTimeout(() => deadline.abort(new CarError('TIMEOUT', `no answer within the ${deadlineMs / 1000} s a status read may take`)), deadlineMs);
    try {
      const read = await connection.status.read(vehicle, parts, { kind, signal: deadline.signal });
      this.storeRead(vehicle.vin, parts, read, this.o.clock.now());
      this.tell(vehicle.vin, read.raw);
      return read.missing;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /**
   * Reads one named endpoint (raw body and mapped model); what it says about the status (a
   * lock, a charge mode) goes into the cache.
   */
  readEndpoint(vehicle: Vehicle, endpoint: string, params: Record<string, string>, kind: CallKind): Promise<EndpointRead> {
    const key = `endpoint:${vehicle.vin}:${endpoint}:${JSON.stringify(Object.entries(params).sort())}`;
    return this.flights.run(key, async () => {
      const out = await this.o.connection.raw.readEndpoint(vehicle, endpoint, params, { kind });
      if (out.status) this.patch(vehicle.vin, out.status, out.readAt);
      return out;
    }) as Promise<EndpointRead>;
  }

  /** A pushed fragment (the car's stream) replaces the parts it touches, as a read would; costs no call. */
  pushed(vin: string, fragment: StatusFragment): void {
    this.storePushed(vin, fragment, this.o.clock.now());
    this.tell(vin, {});
  }

  /** The last status of a vehicle from the cache (no call); undefined before any read. */
  cached(vin: string, only?: StatusPart[]): VehicleStatus | undefined {
    const known = [...(this.parts.get(vin)?.keys() ?? [])];
    return known.length ? this.assemble(vin, only ?? known) : undefined;
  }

  /** What the account file keeps: every part with its age (no call after a restart while young). */
  snapshot(): CacheSnapshot {
    const parts: CacheSnapshot['parts'] = {};
    for (const [vin, cache] of this.parts) parts[vin] = Object.fromEntries([...cache].map(([p, c]) => [p, { at: c.at, fragment: c.fragment }]));
    return { parts, ranges: Object.fromEntries(this.ranges) };
  }

  /** Takes back what the account file kept; each part checked, the damaged ones dropped. */
  restore(saved: unknown): void {
    if (!saved || typeof saved !== 'object') return;
    const { parts, ranges } = saved as Partial<CacheSnapshot>;
    for (const [vin, byPart] of Object.entries(parts ?? {})) {
      for (const [part, fields] of PARTS) {
        const c = (byPart as Record<string, { at?: unknown; fragment?: unknown } | undefined>)[part];
        if (!c || typeof c.at !== 'number' || this.parts.get(vin)?.has(part)) continue;
        const schema = VehicleStatusSchema.pick(Object.fromEntries(fields.map((f) => [f, true])) as Partial<Record<keyof StatusFragment, true>>);
        const checked = schema.safeParse(c.fragment);
        if (checked.success) this.of(vin).set(part, { at: c.at, fragment: checked.data as StatusFragment, restored: true });
      }
    }
    for (const [vin, km] of Object.entries(ranges ?? {})) if (typeof km === 'number' && !this.ranges.has(vin)) this.ranges.set(vin, km);
  }

  /** Tells every node of the account all it now knows of a vehicle. */
  private tell(vin: string, raw: Record<string, unknown>): void {
    this.o.onChange?.();
    this.o.onStatus(vin, this.assemble(vin, [...(this.parts.get(vin)?.keys() ?? [])]), raw);
  }

  private of(vin: string): Map<StatusPart, CachedPart> {
    let cache = this.parts.get(vin);
    if (!cache) this.parts.set(vin, (cache = new Map()));
    return cache;
  }

  /** Parts not read within maxAge (and not since `since`, when joining a read), less the unsupported. */
  private stale(vin: string, parts: StatusPart[], maxAgeMs: number, now: number, since = Infinity, streamed?: ReadonlySet<StatusPart>): StatusPart[] {
    const cache = this.parts.get(vin);
    const unsupported = this.unsupported.get(vin);
    const stale = parts.filter((p) => {
      if (unsupported?.has(p)) return false;
      const c = cache?.get(p);
      if (c && !c.restored && streamed?.has(p)) return false;
      return !c || (now - c.at >= maxAgeMs && c.at < since);
    });
    // The odometer judges a position's jump (car-presence): a fresh position beside an older
    // odometer looks like a jump no car makes (the demo's Renault 5 at the office with its mileage
    // of home), so the two are read together when both are asked.
    const [position, mileage] = [stale.includes('position'), stale.includes('mileage')];
    if (position !== mileage) {
      const other: StatusPart = position ? 'mileage' : 'position';
      if (parts.includes(other) && !unsupported?.has(other) && !streamed?.has(other)) stale.push(other);
    }
    return stale;
  }

  /** Keeps what a status read of these parts brought; the parts it could not read keep their old value. */
  private storeRead(vin: string, parts: StatusPart[], read: StatusRead, now: number): void {
    const cache = this.of(vin);
    const failed = new Set(read.missing.map((m) => m.part));
    this.noteUnsupported(vin, read.missing, cache);
    for (const part of parts) {
      if (failed.has(part)) continue;
      cache.set(part, { at: now, fragment: pick(read.status, PART_FIELDS[part]) ?? {} });
    }
    if (read.status.rangeKm !== undefined) this.ranges.set(vin, read.status.rangeKm);
  }

  private noteUnsupported(vin: string, missing: Missing, cache: Map<StatusPart, CachedPart>): void {
    for (const m of missing) {
      if (m.code !== 'NOT_SUPPORTED' || m.permanent === false) continue;
      // Access denied after successes is transient (Home Assistant's rule): ask again later.
      if (m.permanent === 'if-never-worked' && cache.has(m.part)) continue;
      let set = this.unsupported.get(vin);
      if (!set) this.unsupported.set(vin, (set = new Set()));
      set.add(m.part);
    }
  }

  private storePushed(vin: string, fragment: StatusFragment, now: number): void {
    const cache = this.of(vin);
    for (const [part, fields] of PARTS) {
      const picked = pick(fragment, fields);
      if (picked) cache.set(part, { at: now, fragment: picked });
    }
    if (fragment.rangeKm !== undefined) this.ranges.set(vin, fragment.rangeKm);
  }

  /**
   * Merges what an endpoint read said: a whole part (lock, tires) replaces the cached one;
   * some fields of a part (charging.mode) go into the cached part when there is one, and are
   * dropped otherwise (a part is never cached half-known). A few fields merged into an older
   * part leave its age: a patch never makes an old part look fresh.
   */
  private patch(vin: string, patch: StatusPatch, at: number): void {
    const cache = this.of(vin);
    for (const [part, fields] of PARTS) {
      const touched = fields.filter((f) => patch[f] !== undefined);
      if (touched.length === 0) continue;
      const cached = cache.get(part);
      const merged: Record<string, unknown> = { ...(cached?.fragment ?? {}) };
      for (const f of touched) {
        const prev = merged[f];
        const value = patch[f];
        merged[f] = prev && typeof prev === 'object' && !Array.isArray(prev) && value && typeof value === 'object' && !Array.isArray(value) ? { ...prev, ...value } : value;
      }
      const schema = VehicleStatusSchema.pick(Object.fromEntries(fields.map((f) => [f, true])) as Partial<Record<keyof StatusFragment, true>>);
      const checked = schema.safeParse(merged);
      if (!checked.success) continue;
      const standalone = schema.safeParse(Object.fromEntries(touched.map((f) => [f, patch[f]]))).success;
      const keepsAge = !standalone && cached !== undefined;
      cache.set(part, { at: keepsAge ? cached.at : at, fragment: checked.data as StatusFragment, ...(keepsAge && cached.restored ? { restored: true as const } : {}) });
    }
  }

  /** The status of these parts as one message; fetchedAt is when the newest of them was read. */
  private assemble(vin: string, parts: StatusPart[]): VehicleStatus {
    const cache = this.parts.get(vin);
    const fragments: StatusFragment[] = [];
    let newest = 0;
    for (const p of parts) {
      const c = cache?.get(p);
      if (!c) continue;
      fragments.push(c.fragment);
      newest = Math.max(newest, c.at);
    }
    const range = this.ranges.get(vin);
    if (range !== undefined) fragments.push({ rangeKm: range });
    return mergeStatus({ vin, provider: this.o.provider, fetchedAt: new Date(newest || this.o.clock.now()).toISOString() }, fragments);
  }
}
