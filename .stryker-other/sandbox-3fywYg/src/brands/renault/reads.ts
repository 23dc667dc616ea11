// @ts-nocheck
import { CarError, TokenRejectedError, type StatusFragment, type StatusPart, type Vehicle } from '../../core';
import type { CallOptions, EndpointRead, ProviderContext, StatusRead } from '../provider';
import { callEndpoint, type KamereonAuth } from './api';
import { readRoute } from './capabilities';
import { READS, READ_ENDPOINT_NAMES, endpointByName, idsOf, mapEndpoint, type ReadEndpointName } from './endpoints';
import { ymd } from './history-map';
import { combineRange } from './map';
import { RefusalMemory, isTemporaryRefusal, refusalOf } from './refusals';

/** openHAB's "not implemented" answer, sent with HTTP 200 (spec §7, UNCERTAIN). */
function isNotImplementedAnswer(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'message' && typeof (body as { message: unknown }).message === 'string';
}

const HISTORY_TTL_MS = 3_600_000;
const DAY_MS = 86_400_000;

// ---- Query parameters ----------------------------------------------------------------------

/** YYYYMMDD, YYYY-MM-DD or an ISO time → YYYYMMDD (UTC); month precision → YYYYMM. */
function dateParam(name: string, value: string, month: boolean): string {
  const v = value.trim();
  const m = /^(\d{4})-?(\d{2})(?:-?(\d{2}))?$/.exec(v);
  let t: number;
  if (m) t = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] === undefined ? 1 : Number(m[3]));
  else t = Date.parse(v);
  if (!Number.isFinite(t) || (m && m[3] === undefined && !month)) {
    throw new CarError('BAD_INPUT', `${name} must be a date as YYYYMMDD, YYYY-MM-DD or an ISO time${month ? ' (YYYYMM for type=month)' : ''} (got "${value}")`);
  }
  const day = ymd(t);
  return month ? day.slice(0, 6) : day;
}

/** The query of a read: validated params with defaults (the last 30 days; 12 months by month). */
export function endpointQuery(name: ReadEndpointName, params: Record<string, string>, ctx: { now: number; locale: string; brand?: string }): Record<string, string> {
  const kind = READS[name].params;
  const allowed = kind === 'dates' ? ['start', 'end'] : kind === 'history' ? ['type', 'start', 'end'] : [];
  const extra = Object.keys(params).filter((k) => !allowed.includes(k));
  if (extra.length) {
    throw new CarError('BAD_INPUT', `${name} takes ${allowed.length ? `only the parameters ${allowed.join(', ')}` : 'no parameters'} (got ${extra.join(', ')})`);
  }
  if (kind === 'contracts') {
    return {
      locale: ctx.locale,
      brand: (ctx.brand ?? 'renault').toUpperCase(),
      connectedServicesContracts: 'true',
      warranty: 'true',
      warrantyMaintenanceContracts: 'true',
    };
  }
  if (kind === 'none') return {};
  let month = false;
  const out: Record<string, string> = {};
  if (kind === 'history') {
    const type = (params.type ?? 'day').trim();
    if (type !== 'day' && type !== 'month') throw new CarError('BAD_INPUT', `type must be day or month (got "${type}")`);
    month = type === 'month';
    out.type = type;
  }
  const end = params.end !== undefined ? dateParam('end', params.end, month) : month ? ymd(ctx.now).slice(0, 6) : ymd(ctx.now);
  const start = params.start !== undefined ? dateParam('start', params.start, month) : month ? ymd(ctx.now - 365 * DAY_MS).slice(0, 6) : ymd(ctx.now - 30 * DAY_MS);
  if (start > end) throw new CarError('BAD_INPUT', `start (${start}) must not be after end (${end})`);
  out.start = start;
  out.end = end;
  return out;
}

/** UK and Irish cars are right-hand drive (the driver's door is the front right). */
export function isRightHandDrive(locale: string): boolean {
  return locale === 'en_GB' || locale === 'en_IE';
}

function notSupported(name: string, vehicle: Vehicle): CarError {
  return new CarError('NOT_SUPPORTED', `Renault ${name} is not available for this ${vehicle.model ?? 'car'}${vehicle.modelCode ? ` (${vehicle.modelCode})` : ''}`, {
    transient: false,
  });
}

// ---- Status reads ---------------------------------------------------------------------------

/** Which endpoint serves which status part. */
export const ENDPOINT_OF_PART: Record<StatusPart, ReadEndpointName | undefined> = {
  battery: 'battery-status',
  charging: 'battery-status',
  mileage: 'cockpit',
  fuel: 'cockpit',
  position: 'location',
  climate: 'hvac-status',
  lock: 'lock-status',
  doors: 'lock-status',
  tires: 'pressure',
  messages: 'alerts',
  windows: undefined,
};

/** The endpoints a status read of these parts calls on this vehicle (none it lacks). */
export function statusReads(vehicle: Vehicle, parts: StatusPart[]): ReadEndpointName[] {
  const reads = new Set<ReadEndpointName>();
  for (const part of parts) {
    const read = ENDPOINT_OF_PART[part];
    if (!read || !readRoute(vehicle.modelCode, read, READS[read].capability)) continue;
    if (read === 'battery-status' && vehicle.drivetrain === 'combustion') continue;
    if (part === 'fuel' && vehicle.drivetrain === 'electric') continue;
    reads.add(read);
  }
  return [...reads];
}

/** How lasting a NOT_SUPPORTED is for the session (see StatusRead.missing); notFound is asked again later. */
function permanence(err: CarError): StatusRead['missing'][number]['permanent'] {
  if (err.code !== 'NOT_SUPPORTED' || err.upstreamCode === 'err.func.privacy.on' || isTemporaryRefusal(err)) return false;
  return err.upstreamCode === 'err.func.403' ? 'if-never-worked' : true;
}

/** A part the car refused (for good, or for now): listed as missing, not an error of the whole read. */
function refused(err: CarError): boolean {
  return permanence(err) === true || isTemporaryRefusal(err);
}

/**
 * The named reads of one account, with what it remembers: history answers (an hour), the
 * endpoints a car lacks, and those that answered once. Owned by the account's connection.
 */
export class EndpointReader {
  /** History reads by vin|endpoint: the last reads, their query, when. */
  private readonly history = new Map<string, { sig: string; read: EndpointRead }[]>();
  /** Endpoints a vehicle refused (for good, or for now with back-off): vin|endpoint. */
  private readonly refusals = new RefusalMemory();
  /** Endpoints that answered at least once: vin|endpoint. */
  private readonly worked = new Set<string>();

  constructor(private readonly ctx: ProviderContext) {}

  /**
   * Reads one named endpoint for a vehicle: the model's own endpoint and version (capabilities),
   * NOT_SUPPORTED without a call where the model lacks it or answered so before, history reads
   * at most hourly per vehicle (a background read with other dates within the hour is refused
   * with RATE_LIMITED naming when it fits; the same dates are served from the cache).
   */
  async read(auth: KamereonAuth, vehicle: Vehicle, requested: string, params: Record<string, string>, opts: CallOptions): Promise<EndpointRead> {
    const ctx = this.ctx;
    const name = endpointByName(requested);
    if (!name) throw new CarError('BAD_INPUT', `endpoint "${requested}" is not a Renault read; allowed: ${READ_ENDPOINT_NAMES.join(', ')}`);
    const route = readRoute(vehicle.modelCode, name, READS[name].capability);
    if (!route) throw notSupported(name, vehicle);
    const called = endpointByName(route.call) ?? name;
    const key = `${vehicle.vin}|${called}`;
    const now = ctx.clock.now();
    const known = this.refusals.check(key, now);
    if (known) throw known;
    const query = endpointQuery(called, called === name ? params : {}, { now, locale: ctx.config.locale, ...(vehicle.brand ? { brand: vehicle.brand } : {}) });
    const sig = JSON.stringify(query);
    const history = READS[called].history === true;
    if (history) {
      const recent = (this.history.get(key) ?? []).filter((h) => now - h.read.readAt < HISTORY_TTL_MS);
      this.history.set(key, recent);
      const hit = recent.find((h) => h.sig === sig);
      if (hit) return { ...hit.read, endpoint: name };
      const first = recent[0];
      if (first && opts.kind === 'background') {
        const at = first.read.readAt + HISTORY_TTL_MS;
        throw new CarError('RATE_LIMITED', `Renault ${name} of a car is read at most hourly; the next read with other dates fits at ${new Date(at).toISOString()}`, { retryAt: at });
      }
    }
    let raw: unknown;
    try {
      raw = await callEndpoint(ctx, auth, called, idsOf(vehicle), { query, kind: opts.kind, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (isNotImplementedAnswer(raw)) throw new CarError('NOT_SUPPORTED', `Renault ${called}: the server says this is not implemented for this car`, { transient: false });
    } catch (e) {
      // A permanent refusal is not asked again; a temporary one (notFound) after a back-off.
      if (e instanceof CarError) throw this.refusals.note(key, e, refusalOf(e, this.worked.has(key)), now);
      throw e;
    }
    this.worked.add(key);
    this.refusals.worked(key);
    const out = mapEndpoint(called, raw, { ...(vehicle.modelCode ? { modelCode: vehicle.modelCode } : {}), rightHandDrive: isRightHandDrive(ctx.config.locale), now });
    const read: EndpointRead = { endpoint: name, calledEndpoint: called, raw, mapped: out.mapped, ...(out.status ? { status: out.status } : {}), readAt: now };
    if (history) this.history.get(key)?.push({ sig, read });
    return read;
  }

  /**
   * A status read: every endpoint the parts need, read side by side (within the caller's
   * deadline, opts.signal), each mapped; what fails is listed, not fatal. One slow endpoint
   * costs the read its part, not the others (issue 15: five endpoints one after another took 231 s).
   */
  async status(auth: KamereonAuth, vehicle: Vehicle, parts: StatusPart[], opts: CallOptions): Promise<StatusRead> {
    const reads = statusReads(vehicle, parts);
    const raw: Record<string, unknown> = {};
    const fragments: StatusFragment[] = [];
    const failures: { read: ReadEndpointName; error: CarError }[] = [];
    const settled = await Promise.allSettled(reads.map((read) => this.read(auth, vehicle, read, {}, opts)));
    settled.forEach((r, i) => {
      const read = reads[i] as ReadEndpointName;
      if (r.status === 'fulfilled') {
        raw[read] = r.value.raw;
        fragments.push(r.value.mapped as StatusFragment);
        return;
      }
      const e: unknown = r.reason;
      // Auth, quota and budget stop the whole read; a part the car lacks does not.
      if (e instanceof TokenRejectedError || !(e instanceof CarError) || ['RATE_LIMITED', 'QUOTA_EXCEEDED', 'AUTH_FAILED', 'TFA_REQUIRED'].includes(e.code)) throw e;
      failures.push({ read, error: e });
    });
    // Everything failed for a reason that may pass: that is an error, not an empty status.
    if (reads.length > 0 && failures.length === reads.length && failures[0] && !failures.every((f) => refused(f.error))) throw failures[0].error;
    const status: StatusFragment = {};
    for (const f of fragments) {
      for (const [k, v] of Object.entries(f)) {
        const prev = (status as Record<string, unknown>)[k];
        // Merge objects (battery from battery-status and cockpit), replace the rest.
        (status as Record<string, unknown>)[k] = prev && typeof prev === 'object' && !Array.isArray(prev) && v && typeof v === 'object' && !Array.isArray(v) ? { ...prev, ...v } : v;
      }
    }
    // Electric cars answer cockpit with fuel 0 L / 0 km: not a tank, so not reported.
    if (vehicle.drivetrain === 'electric') delete status.fuel;
    const range = combineRange(status);
    if (range !== undefined) status.rangeKm = range;
    const missing: StatusRead['missing'] = [];
    for (const part of parts) {
      const read = ENDPOINT_OF_PART[part];
      const failed = failures.find((f) => f.read === read);
      if (failed) missing.push({ part, code: failed.error.code, message: failed.error.message, permanent: permanence(failed.error) });
      else if (!read || !reads.includes(read)) {
        missing.push({ part, code: 'NOT_SUPPORTED', message: `${part} is not available for this ${vehicle.model ?? 'car'}`, permanent: true });
      }
    }
    return { status, raw, missing };
  }

  /** Forgets everything (the account closed). */
  clear(): void {
    this.history.clear();
    this.refusals.clear();
    this.worked.clear();
  }
}
