import type { z } from 'zod';
import { CarError, TokenRejectedError, type CallBudget, type StatusFragment, type StatusPart, type Vehicle } from '../../core';
import type { CallOptions, EndpointRead, ProviderContext, StatusPatch, StatusRead } from '../provider';
import { ENDPOINT_DEFS, READ_ENDPOINT_NAMES, endpointByName, kamereon, permanentlyUnsupported, type ReadEndpointName } from './api';
import { readRoute } from './capabilities';
import {
  combineRange,
  dropUndefined,
  mapAlerts,
  mapBatteryStatus,
  mapCarAdapter,
  mapChargeMode,
  mapChargeSchedule,
  mapChargingSettings,
  mapCockpit,
  mapContracts,
  mapEvSettings,
  mapHvacSettings,
  mapHvacStatus,
  mapLocation,
  mapLockStatus,
  mapPressure,
  mapResState,
  mapSocLevels,
  mapVehicleDetails,
  type SettingsFragment,
} from './map';
import {
  AlertsSchema,
  BatteryStatusSchema,
  CarAdapterSchema,
  ChargeHistorySchema,
  ChargeModeSchema,
  ChargeScheduleSchema,
  ChargesSchema,
  ChargingSettingsSchema,
  CockpitSchema,
  ContractsSchema,
  EvSettingsSchema,
  HvacHistorySchema,
  HvacSessionsSchema,
  HvacSettingsSchema,
  HvacStatusSchema,
  LocationSchema,
  LockStatusSchema,
  NotificationSettingsSchema,
  PressureSchema,
  ResStateSchema,
  SocLevelsSchema,
  VehicleDetailsSchema,
} from './schemas';

/** What the mappers may need beyond the body. */
export interface MapOptions {
  modelCode?: string;
  /** Right-hand drive: the driver's door is the front right (UK, Ireland). */
  rightHandDrive?: boolean;
  /** Epoch ms "now", for contracts that ended. */
  now?: number;
}

/** What one endpoint's body becomes: the mapped model and, where it has a place, a status patch. */
export interface MappedEndpoint {
  mapped: unknown;
  status?: StatusPatch;
}

interface Mapper {
  schema: z.ZodTypeAny;
  map(parsed: unknown, options: MapOptions): MappedEndpoint;
}

function mapper<T extends z.ZodTypeAny>(schema: T, map: (parsed: z.infer<T>, options: MapOptions) => MappedEndpoint): Mapper {
  return { schema, map: (parsed, options) => map(parsed as z.infer<T>, options) };
}

/** A status fragment is both the model and the status change. */
const status = (f: StatusFragment): MappedEndpoint => ({ mapped: f, status: f });

/** Charging settings become the model; their mode and target also land in the status. */
function settings(f: SettingsFragment): MappedEndpoint {
  const charging = dropUndefined({ mode: f.mode, targetSocPercent: f.targetSocPercent });
  return Object.keys(charging).length ? { mapped: f, status: { charging } } : { mapped: f };
}

/** History and opaque reads: the lenient parse of the attributes, no status. */
const attributes = (p: { data: { attributes?: unknown } }): MappedEndpoint => ({ mapped: p.data.attributes ?? {} });

const MAPPERS: Record<ReadEndpointName, Mapper> = {
  'battery-status': mapper(BatteryStatusSchema, (p, o) => status(mapBatteryStatus(p, o.modelCode))),
  cockpit: mapper(CockpitSchema, (p) => status(mapCockpit(p))),
  location: mapper(LocationSchema, (p) => status(mapLocation(p))),
  'hvac-status': mapper(HvacStatusSchema, (p) => status(mapHvacStatus(p))),
  'hvac-settings': mapper(HvacSettingsSchema, (p) => ({ mapped: mapHvacSettings(p) })),
  'charge-mode': mapper(ChargeModeSchema, (p) => settings(mapChargeMode(p))),
  'charging-settings': mapper(ChargingSettingsSchema, (p) => settings(mapChargingSettings(p))),
  'charge-schedule': mapper(ChargeScheduleSchema, (p) => settings(mapChargeSchedule(p))),
  charges: mapper(ChargesSchema, attributes),
  'charge-history': mapper(ChargeHistorySchema, attributes),
  'hvac-sessions': mapper(HvacSessionsSchema, attributes),
  'hvac-history': mapper(HvacHistorySchema, attributes),
  'lock-status': mapper(LockStatusSchema, (p, o) => status(mapLockStatus(p, o.rightHandDrive ? { rightHandDrive: true } : {}))),
  'res-state': mapper(ResStateSchema, (p) => ({ mapped: mapResState(p) })),
  pressure: mapper(PressureSchema, (p) => status(mapPressure(p))),
  'notification-settings': mapper(NotificationSettingsSchema, attributes),
  alerts: mapper(AlertsSchema, (p) => status(mapAlerts(p))),
  'ev/settings': mapper(EvSettingsSchema, (p) => settings(mapEvSettings(p))),
  'ev/soc-levels': mapper(SocLevelsSchema, (p) => settings(mapSocLevels(p))),
  'car-adapter': mapper(CarAdapterSchema, (p) => ({ mapped: mapCarAdapter(p) })),
  details: mapper(VehicleDetailsSchema, (p) => ({ mapped: mapVehicleDetails(p) })),
  contracts: mapper(ContractsSchema, (p, o) => ({ mapped: mapContracts(p, o.now ?? Date.now()) })),
};

/**
 * Maps one raw body of a named endpoint. Throws UPSTREAM when the body is not that
 * endpoint's answer at all (no `data` object, not a list); fields it does not know, nulls
 * and numbers sent as strings are tolerated.
 */
export function mapEndpoint(name: ReadEndpointName, body: unknown, options: MapOptions = {}): MappedEndpoint {
  const m = MAPPERS[name];
  const parsed = m.schema.safeParse(body);
  if (!parsed.success) throw new CarError('UPSTREAM', `Renault ${name}: the answer is not a ${name} response`);
  return m.map(parsed.data, options);
}

/** openHAB's "not implemented" answer, sent with HTTP 200 (spec §7, UNCERTAIN). */
function isNotImplementedAnswer(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'message' && typeof (body as { message: unknown }).message === 'string';
}

// ---- Per-account memory (history cache, endpoints a car lacks) --------------------------

const HISTORY_TTL_MS = 3_600_000;

interface AccountMemory {
  /** History reads by vin|endpoint: the last read, its params, when. */
  history: Map<string, { sig: string; read: EndpointRead }[]>;
  /** Endpoints a vehicle answered NOT_SUPPORTED for, permanently: vin|endpoint. */
  unsupported: Map<string, CarError>;
  /** Endpoints that answered at least once: vin|endpoint. */
  worked: Set<string>;
}

// Keyed by the account's budget: the provider is shared, each session has its own budget,
// and the memory goes with the session (a redeploy starts afresh).
const memories = new WeakMap<CallBudget, AccountMemory>();

function memory(ctx: ProviderContext): AccountMemory {
  let m = memories.get(ctx.budget);
  if (!m) memories.set(ctx.budget, (m = { history: new Map(), unsupported: new Map(), worked: new Set() }));
  return m;
}

/** Records a failure; a permanent NOT_SUPPORTED is not asked again. */
function remember(ctx: ProviderContext, key: string, err: CarError): void {
  const m = memory(ctx);
  if (permanentlyUnsupported(err, m.worked.has(key))) m.unsupported.set(key, err);
}

// ---- Query parameters ----------------------------------------------------------------------

const DAY_MS = 86_400_000;

function ymd(t: number): string {
  return new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
}

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
  const kind = ENDPOINT_DEFS[name].params;
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

function path(name: ReadEndpointName, vehicle: Vehicle): string {
  if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
  return ENDPOINT_DEFS[name].path.replace('{accountId}', encodeURIComponent(vehicle.accountId)).replace('{vin}', encodeURIComponent(vehicle.vin));
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

/**
 * Reads one named endpoint for a vehicle: the model's own endpoint and version (capabilities),
 * NOT_SUPPORTED without a call where the model lacks it or answered so before, history reads
 * at most hourly per vehicle (a background read with other dates within the hour is refused
 * with RATE_LIMITED naming when it fits; the same dates are served from the cache).
 */
export async function readEndpoint(
  ctx: ProviderContext,
  auth: { jwt: string },
  vehicle: Vehicle,
  requested: string,
  params: Record<string, string>,
  opts: CallOptions,
): Promise<EndpointRead> {
  const name = endpointByName(requested);
  if (!name) throw new CarError('BAD_INPUT', `endpoint "${requested}" is not a Renault read; allowed: ${READ_ENDPOINT_NAMES.join(', ')}`);
  const def = ENDPOINT_DEFS[name];
  const route = readRoute(vehicle.modelCode, name, def.capability);
  if (!route) throw notSupported(name, vehicle);
  const called = endpointByName(route.call) ?? name;
  const calledDef = ENDPOINT_DEFS[called];
  const key = `${vehicle.vin}|${called}`;
  const mem = memory(ctx);
  const known = mem.unsupported.get(key);
  if (known) throw known;
  const now = ctx.clock.now();
  const query = endpointQuery(called, called === name ? params : {}, { now, locale: ctx.config.locale, ...(vehicle.brand ? { brand: vehicle.brand } : {}) });
  const sig = JSON.stringify(query);
  if (calledDef.history) {
    const recent = (mem.history.get(key) ?? []).filter((h) => now - h.read.readAt < HISTORY_TTL_MS);
    mem.history.set(key, recent);
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
    raw = await kamereon(ctx, auth, { method: 'GET', path: path(called, vehicle), query, kind: opts.kind });
    if (isNotImplementedAnswer(raw)) throw new CarError('NOT_SUPPORTED', `Renault ${called}: the server says this is not implemented for this car`, { transient: false });
  } catch (e) {
    if (e instanceof CarError) remember(ctx, key, e);
    throw e;
  }
  mem.worked.add(key);
  const out = mapEndpoint(called, raw, { ...(vehicle.modelCode ? { modelCode: vehicle.modelCode } : {}), rightHandDrive: isRightHandDrive(ctx.config.locale), now });
  const read: EndpointRead = { endpoint: name, calledEndpoint: called, raw, mapped: out.mapped, ...(out.status ? { status: out.status } : {}), readAt: now };
  if (calledDef.history) mem.history.get(key)?.push({ sig, read });
  return read;
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
    if (!read || !readRoute(vehicle.modelCode, read, ENDPOINT_DEFS[read].capability)) continue;
    if (read === 'battery-status' && vehicle.drivetrain === 'combustion') continue;
    if (part === 'fuel' && vehicle.drivetrain === 'electric') continue;
    reads.add(read);
  }
  return [...reads];
}

/** A status read: every endpoint the parts need, each mapped; what fails is listed, not fatal. */
export async function readStatusParts(ctx: ProviderContext, auth: { jwt: string }, vehicle: Vehicle, parts: StatusPart[], opts: CallOptions): Promise<StatusRead> {
  const reads = statusReads(vehicle, parts);
  const raw: Record<string, unknown> = {};
  const fragments: StatusFragment[] = [];
  const failures: { read: ReadEndpointName; error: CarError }[] = [];
  for (const read of reads) {
    try {
      const r = await readEndpoint(ctx, auth, vehicle, read, {}, opts);
      raw[read] = r.raw;
      fragments.push(r.mapped as StatusFragment);
    } catch (e) {
      // Auth, quota and budget stop the whole read; a part the car lacks does not.
      if (e instanceof TokenRejectedError || !(e instanceof CarError) || ['RATE_LIMITED', 'QUOTA_EXCEEDED', 'AUTH_FAILED', 'TFA_REQUIRED'].includes(e.code)) throw e;
      failures.push({ read, error: e });
    }
  }
  const permanent = (err: CarError): StatusRead['missing'][number]['permanent'] =>
    err.code !== 'NOT_SUPPORTED' ? false : err.upstreamCode === 'err.func.privacy.on' ? false : err.upstreamCode === 'err.func.403' ? 'if-never-worked' : true;
  // Everything failed for a reason that may pass: that is an error, not an empty status.
  if (reads.length > 0 && failures.length === reads.length && failures[0] && !failures.every((f) => permanent(f.error) === true)) throw failures[0].error;
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
    if (failed) missing.push({ part, code: failed.error.code, message: failed.error.message, permanent: permanent(failed.error) });
    else if (!read || !reads.includes(read)) {
      missing.push({ part, code: 'NOT_SUPPORTED', message: `${part} is not available for this ${vehicle.model ?? 'car'}`, permanent: true });
    }
  }
  return { status, raw, missing };
}
