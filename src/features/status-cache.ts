import { VehicleStatusSchema, mergeStatus, type ProviderId, type StatusFragment, type StatusPart, type VehicleStatus } from '../core';
import type { StatusPatch, StatusRead } from '../brands';

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
 * young enough. Parts a car answered NOT_SUPPORTED for are not asked again (saves quota).
 */
export class StatusCache {
  private readonly parts = new Map<string, Map<StatusPart, CachedPart>>();
  private readonly ranges = new Map<string, number>();
  private readonly unsupported = new Map<string, Set<StatusPart>>();

  constructor(private readonly provider: ProviderId) {}

  private of(vin: string): Map<StatusPart, CachedPart> {
    let cache = this.parts.get(vin);
    if (!cache) this.parts.set(vin, (cache = new Map()));
    return cache;
  }

  /** Parts not read within maxAge (and not since `since`, when joining a read), less the unsupported. */
  stale(vin: string, parts: StatusPart[], maxAgeMs: number, now: number, since = Infinity): StatusPart[] {
    const cache = this.parts.get(vin);
    const unsupported = this.unsupported.get(vin);
    return parts.filter((p) => {
      if (unsupported?.has(p)) return false;
      const c = cache?.get(p);
      return !c || (now - c.at >= maxAgeMs && c.at < since);
    });
  }

  /** Keeps what a status read of these parts brought; the parts it could not read keep their old value. */
  storeRead(vin: string, parts: StatusPart[], read: StatusRead, now: number): void {
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

  /** A pushed fragment (the car's stream) replaces the parts it touches, as a read would. */
  storePushed(vin: string, fragment: StatusFragment, now: number): void {
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
  patch(vin: string, patch: StatusPatch, at: number): void {
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
      cache.set(part, { at: standalone || !cached ? at : cached.at, fragment: checked.data as StatusFragment });
    }
  }

  /** The parts this vehicle has in the cache. */
  known(vin: string): StatusPart[] {
    return [...(this.parts.get(vin)?.keys() ?? [])];
  }

  /** The status of these parts as one message; fetchedAt is when the newest of them was read. */
  assemble(vin: string, parts: StatusPart[], now: number): VehicleStatus {
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
    return mergeStatus({ vin, provider: this.provider, fetchedAt: new Date(newest || now).toISOString() }, fragments);
  }
}
