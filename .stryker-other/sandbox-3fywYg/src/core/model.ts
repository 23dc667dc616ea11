// @ts-nocheck
import { z } from 'zod';

/**
 * The vehicle model every node emits. Units are named in the field; times are ISO-8601 UTC
 * strings; a value the car did not report is absent, never 0. The same schemas generate the
 * JSON Schemas in the docs.
 */

export const PROVIDER_IDS = ['renault', 'cardata', 'mybmw'] as const;
export const ProviderIdSchema = z.enum(PROVIDER_IDS);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

export const BRANDS = ['renault', 'dacia', 'alpine', 'bmw', 'mini', 'toyota'] as const;
export const BrandSchema = z.enum(BRANDS);
export type Brand = z.infer<typeof BrandSchema>;

const isoTime = z.iso.datetime({ offset: true });

export const VehicleRefSchema = z.object({
  vin: z.string().min(1),
  brand: BrandSchema.optional(),
  model: z.string().optional(),
  modelCode: z.string().optional(),
  name: z.string().optional(),
});
export type VehicleRef = z.infer<typeof VehicleRefSchema>;

export const DRIVETRAINS = ['electric', 'plugin_hybrid', 'hybrid', 'combustion', 'unknown'] as const;
export const DrivetrainSchema = z.enum(DRIVETRAINS);

/** One vehicle of an account, as listed for the editor's picker and msg.vehicle. */
export const VehicleSchema = VehicleRefSchema.extend({
  drivetrain: DrivetrainSchema,
  registration: z.string().optional(),
  accountId: z.string().optional(),
});
export type Vehicle = z.infer<typeof VehicleSchema>;

export const BatterySchema = z.object({
  socPercent: z.number().min(0).max(100).optional(),
  rangeKm: z.number().min(0).optional(),
  temperatureC: z.number().optional(),
  availableEnergyKwh: z.number().min(0).optional(),
  updatedAt: isoTime.optional(),
});

export const FuelSchema = z.object({
  levelPercent: z.number().min(0).max(100).optional(),
  quantityLiters: z.number().min(0).optional(),
  rangeKm: z.number().min(0).optional(),
});

export const CHARGING_STATES = [
  'charging',
  'not_charging',
  'waiting_for_schedule',
  'waiting_for_current',
  'ended',
  'fully_charged',
  'flap_open',
  'error',
  'discharging',
  'unavailable',
  'unknown',
] as const;
export const PLUG_STATES = ['plugged', 'unplugged', 'error', 'unknown'] as const;

export const ChargingSchema = z.object({
  state: z.enum(CHARGING_STATES),
  plug: z.enum(PLUG_STATES),
  powerKw: z.number().optional(),
  /** Minutes the charge still needs: while charging, and (Renault) while waiting for current. */
  remainingMinutes: z.number().min(0).optional(),
  /** When the charge should end, computed from remainingMinutes and the reading's time. */
  endsAt: isoTime.optional(),
  targetSocPercent: z.number().min(0).max(100).optional(),
  mode: z.string().optional(),
  updatedAt: isoTime.optional(),
});

export const OPENING_STATES = ['open', 'closed', 'ajar', 'unknown'] as const;
const Opening = z.enum(OPENING_STATES);

export const LOCK_STATES = ['locked', 'unlocked', 'secured', 'partially_locked', 'unknown'] as const;

export const LockSchema = z.object({
  state: z.enum(LOCK_STATES),
  updatedAt: isoTime.optional(),
});

export const DoorsSchema = z.object({
  frontLeft: Opening.optional(),
  frontRight: Opening.optional(),
  rearLeft: Opening.optional(),
  rearRight: Opening.optional(),
  trunk: Opening.optional(),
  hood: Opening.optional(),
  /** True when any reported door, the trunk or the hood is not closed. */
  anyOpen: z.boolean().optional(),
});

export const WindowsSchema = z.object({
  frontLeft: Opening.optional(),
  frontRight: Opening.optional(),
  rearLeft: Opening.optional(),
  rearRight: Opening.optional(),
  rear: Opening.optional(),
  sunroof: Opening.optional(),
  anyOpen: z.boolean().optional(),
});

export const TireSchema = z.object({
  pressureKpa: z.number().min(0).optional(),
  targetPressureKpa: z.number().min(0).optional(),
  /** The car's own verdict: ok, low, flat, unknown. */
  warning: z.enum(['ok', 'low', 'flat', 'unknown']).optional(),
});

export const TiresSchema = z.object({
  frontLeft: TireSchema.optional(),
  frontRight: TireSchema.optional(),
  rearLeft: TireSchema.optional(),
  rearRight: TireSchema.optional(),
});

export const ClimateSchema = z.object({
  state: z.enum(['on', 'off', 'heating', 'cooling', 'ventilation', 'unknown']),
  outsideTemperatureC: z.number().optional(),
  insideTemperatureC: z.number().optional(),
  targetTemperatureC: z.number().optional(),
  /** The battery level below which the car does not run the climate (Renault's socThreshold). */
  socThresholdPercent: z.number().min(0).max(100).optional(),
  nextStartAt: isoTime.optional(),
  updatedAt: isoTime.optional(),
});

export const PositionSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  headingDeg: z.number().optional(),
  address: z.string().optional(),
  updatedAt: isoTime.optional(),
});
export type Position = z.infer<typeof PositionSchema>;

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export const VehicleMessageSchema = z.object({
  kind: z.enum(['check_control', 'service', 'alert']),
  code: z.string().optional(),
  severity: z.enum(SEVERITIES).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  dueAt: isoTime.optional(),
  dueKm: z.number().optional(),
  status: z.string().optional(),
});
export type VehicleMessage = z.infer<typeof VehicleMessageSchema>;

/** The parts a status can hold; car-status lets users choose among them. */
export const STATUS_PARTS = [
  'battery',
  'fuel',
  'charging',
  'lock',
  'doors',
  'windows',
  'tires',
  'climate',
  'position',
  'mileage',
  'messages',
] as const;
export const StatusPartSchema = z.enum(STATUS_PARTS);
export type StatusPart = z.infer<typeof StatusPartSchema>;

export const VehicleStatusSchema = z.object({
  vin: z.string().min(1),
  provider: ProviderIdSchema,
  /** When the plugin assembled this status. */
  fetchedAt: isoTime,
  /** The newest of the car's own timestamps among the parts. */
  updatedAt: isoTime.optional(),
  mileageKm: z.number().min(0).optional(),
  /** Total range (electric plus fuel where both exist). */
  rangeKm: z.number().min(0).optional(),
  battery: BatterySchema.optional(),
  fuel: FuelSchema.optional(),
  charging: ChargingSchema.optional(),
  lock: LockSchema.optional(),
  doors: DoorsSchema.optional(),
  windows: WindowsSchema.optional(),
  tires: TiresSchema.optional(),
  climate: ClimateSchema.optional(),
  position: PositionSchema.optional(),
  /** True when the car answered but had no GPS fix (Renault's 91/181). */
  positionUnknown: z.boolean().optional(),
  messages: z.array(VehicleMessageSchema).optional(),
});
export type VehicleStatus = z.infer<typeof VehicleStatusSchema>;
export type Battery = z.infer<typeof BatterySchema>;
export type Charging = z.infer<typeof ChargingSchema>;
export type Climate = z.infer<typeof ClimateSchema>;
export type Doors = z.infer<typeof DoorsSchema>;

/** The parts of a status that are updated from one read, ready to merge. */
export type StatusFragment = Partial<Omit<VehicleStatus, 'vin' | 'provider' | 'fetchedAt'>>;

/** Merges fragments from several reads into one status; later fragments win per part. */
export function mergeStatus(base: { vin: string; provider: ProviderId; fetchedAt: string }, fragments: StatusFragment[]): VehicleStatus {
  const out: VehicleStatus = { ...base };
  for (const f of fragments) {
    for (const [key, value] of Object.entries(f) as [keyof StatusFragment, unknown][]) {
      if (value === undefined) continue;
      const prev = (out as Record<string, unknown>)[key];
      (out as Record<string, unknown>)[key] =
        prev && typeof prev === 'object' && !Array.isArray(prev) && value && typeof value === 'object' && !Array.isArray(value)
          ? { ...prev, ...value }
          : value;
    }
  }
  const times = [
    out.battery?.updatedAt,
    out.charging?.updatedAt,
    out.lock?.updatedAt,
    out.climate?.updatedAt,
    out.position?.updatedAt,
    out.updatedAt,
  ].filter((t): t is string => typeof t === 'string');
  if (times.length) out.updatedAt = new Date(Math.max(...times.map((t) => Date.parse(t)))).toISOString();
  return out;
}

/** A time the cloud sent, read once: its ISO UTC form and its epoch ms. */
export interface CloudTime {
  iso: string;
  ms: number;
}

/** 1990-01-01T00:00:00Z: earlier times are placeholders (0001-01-01 means "never"). */
const EARLIEST_MS = 631_152_000_000;
/** The number of n digits at i, or -1 when one is not a digit. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The UTC form both clouds mostly send (YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z), read without a regular
 * expression or Date.parse; undefined for any other form (or a field out of range).
 */
function fastUtc(v: string): CloudTime | undefined {
  const n = v.length;
  if (n !== 20 && (n < 22 || n > 24)) return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[n - 1] !== 'Z' || (n > 20 && v[19] !== '.')) return undefined;
  const y = digitsAt(v, 0, 4);
  const mo = digitsAt(v, 5, 2);
  const d = digitsAt(v, 8, 2);
  const h = digitsAt(v, 11, 2);
  const mi = digitsAt(v, 14, 2);
  const sec = digitsAt(v, 17, 2);
  const fracDigits = n > 20 ? n - 21 : 0;
  const frac = fracDigits ? digitsAt(v, 20, fracDigits) : 0;
  // Date.UTC reads a year 0-99 as 1900-1999 (0090 would pass for 1990): such a year, a placeholder, is left to Date.parse.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || frac < 0) return undefined;
  const ms = frac * (fracDigits === 1 ? 100 : fracDigits === 2 ? 10 : 1);
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // The text is already the ISO form (but for a day past the month's end, which rolls over).
  if (d > 28) return { iso: new Date(t).toISOString(), ms: t };
  return { iso: fracDigits === 3 ? v : `${v.slice(0, 19)}.${String(ms).padStart(3, '0')}Z`, ms: t };
}

/**
 * Reads a timestamp the cloud sent (any offset, or epoch ms) once, to ISO UTC and epoch ms;
 * undefined when unusable. The UTC form takes a fast path; anything else Date.parse. Both give
 * the same (day overflow rolls over in Date.UTC as in Date.parse; a test holds them equal).
 */
export function readTime(value: unknown): CloudTime | undefined {
  let t: number;
  if (typeof value === 'number') t = value;
  else if (typeof value !== 'string') return undefined;
  else {
    const fast = fastUtc(value);
    if (fast) return fast.ms < EARLIEST_MS ? undefined : fast;
    t = Date.parse(value);
  }
  if (!Number.isFinite(t) || t < EARLIEST_MS) return undefined;
  return { iso: new Date(t).toISOString(), ms: t };
}

/** Normalises a timestamp the cloud sent (any offset) to ISO UTC; undefined when unusable. */
export function toIsoUtc(value: unknown): string | undefined {
  return readTime(value)?.iso;
}
