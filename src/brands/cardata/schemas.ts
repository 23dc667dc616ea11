import { z } from 'zod';

/**
 * Raw BMW CarData answers (spec bmw.md part B), parsed leniently: unknown fields are kept and
 * a field of an unexpected type becomes absent instead of failing the whole answer.
 */

const str = z.string().optional().catch(undefined);
/** A number, or a numeric string (CarData sends both). */
const num = z
  .preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), z.number().finite())
  .optional()
  .catch(undefined);

// ---- OAuth (device code flow) -------------------------------------------------------------

export const DeviceCodeSchema = z
  .object({
    device_code: z.string().min(1),
    user_code: z.string().min(1),
    verification_uri: z.string().min(1),
    verification_uri_complete: str,
    expires_in: num,
    interval: num,
  })
  .loose();
export type RawDeviceCode = z.infer<typeof DeviceCodeSchema>;

export const TokenSchema = z
  .object({
    access_token: z.string().min(1),
    refresh_token: str,
    id_token: str,
    gcid: str,
    scope: str,
    token_type: str,
    expires_in: num,
  })
  .loose();
export type RawToken = z.infer<typeof TokenSchema>;

export const OAuthErrorSchema = z.object({ error: z.string(), error_description: str }).loose();

// ---- REST ---------------------------------------------------------------------------------

/** `{exveErrorId: "CU-429", exveErrorMsg: "..."}`; some gateways answer `{errorId, errorMessage}` instead. */
export const CarDataErrorSchema = z
  .object({ exveErrorId: str, exveErrorMsg: str, errorId: str, errorMessage: str, error: str, message: str })
  .loose();

const MappingSchema = z.object({ vin: z.string().min(1), mappedSince: str, mappingType: str }).loose();
/** A list, a single mapping, or a wrapper object: clients have seen all three. */
export const MappingsSchema = z.preprocess((v) => {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.vin === 'string') return [o];
    for (const k of ['mappings', 'vehicles', 'data']) if (Array.isArray(o[k])) return o[k];
  }
  return v;
}, z.array(z.unknown()).transform((items) => items.flatMap((i) => {
  const p = MappingSchema.safeParse(i);
  return p.success ? [p.data] : [];
})));
export type RawMapping = z.infer<typeof MappingSchema>;

export const BasicDataSchema = z
  .object({
    vin: str,
    brand: str,
    modelName: str,
    modelKey: str,
    modelRange: str,
    series: str,
    seriesDevt: str,
    bodyType: str,
    driveTrain: str,
    propulsionType: str,
    colourCodeRaw: str,
    constructionDate: str,
    countryCodeISO: str,
  })
  .loose();
export type RawBasicData = z.infer<typeof BasicDataSchema>;

const ContainerSchema = z
  .object({ containerId: z.string().min(1), name: str, purpose: str, state: str, created: str, technicalDescriptors: z.array(z.string()).optional().catch(undefined) })
  .loose();
export type RawContainer = z.infer<typeof ContainerSchema>;

export const ContainersSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { containers: v } : v),
  z.object({ containers: z.array(z.unknown()).default([]) }).loose(),
).transform((o) => o.containers.flatMap((c) => {
  const p = ContainerSchema.safeParse(c);
  return p.success ? [p.data] : [];
}));

export const CreatedContainerSchema = ContainerSchema;

/** One telematic value: the value comes as a string (REST) or a JSON value (stream). */
export const TelematicValueSchema = z
  .object({ value: z.unknown().optional(), unit: z.string().nullable().optional().catch(undefined), timestamp: z.string().nullable().optional().catch(undefined) })
  .loose();
export type TelematicValue = z.infer<typeof TelematicValueSchema>;

const TelematicMapSchema = z.record(z.string(), z.unknown()).transform((rec) => {
  const out: Record<string, TelematicValue> = {};
  for (const [k, v] of Object.entries(rec)) {
    const p = TelematicValueSchema.safeParse(v);
    if (p.success) out[k] = p.data;
  }
  return out;
});

export const TelematicDataSchema = z.object({ telematicData: TelematicMapSchema }).loose();
export type RawTelematicData = z.infer<typeof TelematicDataSchema>;

/** An MQTT message: `{vin, entityId, topic, timestamp, data: {key: {timestamp, value}}}`. */
export const StreamMessageSchema = z.object({ vin: str, entityId: str, topic: str, timestamp: str, data: TelematicMapSchema }).loose();
export type RawStreamMessage = z.infer<typeof StreamMessageSchema>;

// ---- Hand-written twins of the telematic schemas --------------------------------------------
// zod's record of loose objects costs about as much as JSON.parse of a telematicData answer
// (issue 17), and every status read and stream message goes through it: these read the same
// bodies without zod, to the same result, or undefined where zod fails (a property test holds
// them equal on generated bodies and the recorded answers). The schemas above stay the
// declaration: types, JSON schemas and `connected-car parse` use them.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The unknown keys of a loose object, kept as they came; "__proto__" left out, as zod leaves it out. */
function looseCopy(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in v) if (key !== '__proto__') out[key] = v[key];
  return out;
}
/** `z.string().nullable().optional().catch(undefined)`: what a present key becomes. */
const nullableText = (v: unknown): string | null | undefined => (typeof v === 'string' || v === null ? v : undefined);
/** `z.string().optional().catch(undefined)`. */
const optionalText = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** An object as JSON.parse makes it, which zod's copy equals: Object's prototype, no own "__proto__". */
const asParsed = (v: object): boolean => Object.getPrototypeOf(v) === Object.prototype && !Object.hasOwn(v, '__proto__');

function readTelematicValue(v: unknown): TelematicValue | undefined {
  if (!isObject(v)) return undefined;
  // The usual value (unit and timestamp text, null or absent) comes out as zod's copy would be:
  // equal to the body's object, which is taken as it is, not copied (a body is never changed).
  const unitOk = !('unit' in v) || typeof v.unit === 'string' || v.unit === null;
  const timestampOk = !('timestamp' in v) || typeof v.timestamp === 'string' || v.timestamp === null;
  if (unitOk && timestampOk && asParsed(v)) return v as TelematicValue;
  const out = looseCopy(v);
  // zod asks `key in input`: a present key is set, even to undefined; an absent one stays absent.
  if ('unit' in v) out.unit = nullableText(v.unit);
  if ('timestamp' in v) out.timestamp = nullableText(v.timestamp);
  return out as TelematicValue;
}

/** The record: its own enumerable keys (no "__proto__"), each a value object or left out. */
function readTelematicMap(v: unknown): Record<string, TelematicValue> | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  // As above: a record whose every value reads as it is, is taken as it is.
  let same = asParsed(v);
  for (let i = 0; same && i < keys.length; i++) same = readTelematicValue(v[keys[i] as string]) === v[keys[i] as string];
  if (same) return v as Record<string, TelematicValue>;
  const out: Record<string, TelematicValue> = {};
  for (const key of keys) {
    if (key === '__proto__') continue;
    const value = readTelematicValue(v[key]);
    if (value) out[key] = value;
  }
  return out;
}

/** TelematicDataSchema without zod: the same result, or undefined where it fails. */
export function readTelematicData(v: unknown): RawTelematicData | undefined {
  if (!isObject(v) || !('telematicData' in v)) return undefined;
  const telematicData = readTelematicMap(v.telematicData);
  if (!telematicData) return undefined;
  const out = looseCopy(v);
  out.telematicData = telematicData;
  return out as RawTelematicData;
}

/** StreamMessageSchema without zod: the same result, or undefined where it fails. */
export function readStreamMessage(v: unknown): RawStreamMessage | undefined {
  if (!isObject(v) || !('data' in v)) return undefined;
  const data = readTelematicMap(v.data);
  if (!data) return undefined;
  const out = looseCopy(v);
  for (const key of ['vin', 'entityId', 'topic', 'timestamp'] as const) if (key in v) out[key] = optionalText(v[key]);
  out.data = data;
  return out as RawStreamMessage;
}

const ChargingLocationSchema = z
  .object({ formattedAddress: str, municipality: str, streetAddress: str, mapMatchedLatitude: num, mapMatchedLongitude: num })
  .loose();

const ChargePointMatchSchema = z.object({ providerName: str, streetAddress: str, postalCode: str, city: str }).loose();
const PublicChargingPointSchema = z
  .object({
    potentialChargingPointMatches: z
      .array(z.unknown())
      .optional()
      .catch(undefined)
      .transform((a) => (a ?? []).flatMap((m) => {
        const p = ChargePointMatchSchema.safeParse(m);
        return p.success ? [p.data] : [];
      })),
  })
  .loose();

export const ChargingSessionSchema = z
  .object({
    startTime: z.union([z.number(), z.string()]).optional().catch(undefined),
    endTime: z.union([z.number(), z.string()]).optional().catch(undefined),
    totalChargingDurationSec: num,
    energyConsumedFromPowerGridKwh: num,
    displayedStartSoc: num,
    displayedSoc: num,
    mileage: num,
    mileageUnits: str,
    timeZone: str,
    isPreconditioningActivated: z.boolean().optional().catch(undefined),
    chargingLocation: ChargingLocationSchema.optional().catch(undefined),
    publicChargingPoint: PublicChargingPointSchema.nullable().optional().catch(undefined),
    chargingBlocks: z
      // A block may lack a time: zod 4 takes a bare z.unknown() key as required (one such block dropped the list).
      .array(z.object({ startTime: z.unknown().optional(), endTime: z.unknown().optional(), averagePowerGridKw: num }).loose())
      .optional()
      .catch(undefined),
    businessErrors: z.array(z.unknown()).optional().catch(undefined),
  })
  .loose();
export type RawChargingSession = z.infer<typeof ChargingSessionSchema>;

export const ChargingHistorySchema = z
  .object({ data: z.array(z.unknown()).default([]), next_token: str, nextToken: str })
  .loose()
  .transform((o) => ({
    sessions: o.data.flatMap((s) => {
      const p = ChargingSessionSchema.safeParse(s);
      return p.success ? [p.data] : [];
    }),
    nextToken: o.next_token || o.nextToken || undefined,
  }));
