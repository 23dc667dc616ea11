// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { z } from 'zod';

/**
 * Raw BMW CarData answers (spec bmw.md part B), parsed leniently: unknown fields are kept and
 * a field of an unexpected type becomes absent instead of failing the whole answer.
 */

const str = z.string().optional().catch(undefined);
/** A number, or a numeric string (CarData sends both). */
const num = z.preprocess(stryMutAct_9fa48("271") ? () => undefined : (stryCov_9fa48("271"), v => (stryMutAct_9fa48("274") ? typeof v === 'string' && v.trim() !== '' || Number.isFinite(Number(v)) : stryMutAct_9fa48("273") ? false : stryMutAct_9fa48("272") ? true : (stryCov_9fa48("272", "273", "274"), (stryMutAct_9fa48("276") ? typeof v === 'string' || v.trim() !== '' : stryMutAct_9fa48("275") ? true : (stryCov_9fa48("275", "276"), (stryMutAct_9fa48("278") ? typeof v !== 'string' : stryMutAct_9fa48("277") ? true : (stryCov_9fa48("277", "278"), typeof v === (stryMutAct_9fa48("279") ? "" : (stryCov_9fa48("279"), 'string')))) && (stryMutAct_9fa48("281") ? v.trim() === '' : stryMutAct_9fa48("280") ? true : (stryCov_9fa48("280", "281"), (stryMutAct_9fa48("282") ? v : (stryCov_9fa48("282"), v.trim())) !== (stryMutAct_9fa48("283") ? "Stryker was here!" : (stryCov_9fa48("283"), '')))))) && Number.isFinite(Number(v)))) ? Number(v) : v), z.number().finite()).optional().catch(undefined);

// ---- OAuth (device code flow) -------------------------------------------------------------

export const DeviceCodeSchema = z.object(stryMutAct_9fa48("284") ? {} : (stryCov_9fa48("284"), {
  device_code: stryMutAct_9fa48("285") ? z.string().max(1) : (stryCov_9fa48("285"), z.string().min(1)),
  user_code: stryMutAct_9fa48("286") ? z.string().max(1) : (stryCov_9fa48("286"), z.string().min(1)),
  verification_uri: stryMutAct_9fa48("287") ? z.string().max(1) : (stryCov_9fa48("287"), z.string().min(1)),
  verification_uri_complete: str,
  expires_in: num,
  interval: num
})).loose();
export type RawDeviceCode = z.infer<typeof DeviceCodeSchema>;
export const TokenSchema = z.object(stryMutAct_9fa48("288") ? {} : (stryCov_9fa48("288"), {
  access_token: stryMutAct_9fa48("289") ? z.string().max(1) : (stryCov_9fa48("289"), z.string().min(1)),
  refresh_token: str,
  id_token: str,
  gcid: str,
  scope: str,
  token_type: str,
  expires_in: num
})).loose();
export type RawToken = z.infer<typeof TokenSchema>;
export const OAuthErrorSchema = z.object(stryMutAct_9fa48("290") ? {} : (stryCov_9fa48("290"), {
  error: z.string(),
  error_description: str
})).loose();

// ---- REST ---------------------------------------------------------------------------------

/** `{exveErrorId: "CU-429", exveErrorMsg: "..."}`; some gateways answer `{errorId, errorMessage}` instead. */
export const CarDataErrorSchema = z.object(stryMutAct_9fa48("291") ? {} : (stryCov_9fa48("291"), {
  exveErrorId: str,
  exveErrorMsg: str,
  errorId: str,
  errorMessage: str,
  error: str,
  message: str
})).loose();
const MappingSchema = z.object(stryMutAct_9fa48("292") ? {} : (stryCov_9fa48("292"), {
  vin: stryMutAct_9fa48("293") ? z.string().max(1) : (stryCov_9fa48("293"), z.string().min(1)),
  mappedSince: str,
  mappingType: str
})).loose();
/** A list, a single mapping, or a wrapper object: clients have seen all three. */
export const MappingsSchema = z.preprocess(v => {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.vin === 'string') return [o];
    for (const k of ['mappings', 'vehicles', 'data']) if (Array.isArray(o[k])) return o[k];
  }
  return v;
}, z.array(z.unknown()).transform(stryMutAct_9fa48("294") ? () => undefined : (stryCov_9fa48("294"), items => items.flatMap(i => {
  if (stryMutAct_9fa48("295")) {
    {}
  } else {
    stryCov_9fa48("295");
    const p = MappingSchema.safeParse(i);
    return p.success ? stryMutAct_9fa48("296") ? [] : (stryCov_9fa48("296"), [p.data]) : stryMutAct_9fa48("297") ? ["Stryker was here"] : (stryCov_9fa48("297"), []);
  }
}))));
export type RawMapping = z.infer<typeof MappingSchema>;
export const BasicDataSchema = z.object(stryMutAct_9fa48("298") ? {} : (stryCov_9fa48("298"), {
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
  countryCodeISO: str
})).loose();
export type RawBasicData = z.infer<typeof BasicDataSchema>;
const ContainerSchema = z.object(stryMutAct_9fa48("299") ? {} : (stryCov_9fa48("299"), {
  containerId: stryMutAct_9fa48("300") ? z.string().max(1) : (stryCov_9fa48("300"), z.string().min(1)),
  name: str,
  purpose: str,
  state: str,
  created: str,
  technicalDescriptors: z.array(z.string()).optional().catch(undefined)
})).loose();
export type RawContainer = z.infer<typeof ContainerSchema>;
export const ContainersSchema = z.preprocess(stryMutAct_9fa48("301") ? () => undefined : (stryCov_9fa48("301"), v => Array.isArray(v) ? stryMutAct_9fa48("302") ? {} : (stryCov_9fa48("302"), {
  containers: v
}) : v), z.object(stryMutAct_9fa48("303") ? {} : (stryCov_9fa48("303"), {
  containers: z.array(z.unknown()).default(stryMutAct_9fa48("304") ? ["Stryker was here"] : (stryCov_9fa48("304"), []))
})).loose()).transform(stryMutAct_9fa48("305") ? () => undefined : (stryCov_9fa48("305"), o => o.containers.flatMap(c => {
  if (stryMutAct_9fa48("306")) {
    {}
  } else {
    stryCov_9fa48("306");
    const p = ContainerSchema.safeParse(c);
    return p.success ? stryMutAct_9fa48("307") ? [] : (stryCov_9fa48("307"), [p.data]) : stryMutAct_9fa48("308") ? ["Stryker was here"] : (stryCov_9fa48("308"), []);
  }
})));
export const CreatedContainerSchema = ContainerSchema;

/** One telematic value: the value comes as a string (REST) or a JSON value (stream). */
export const TelematicValueSchema = z.object(stryMutAct_9fa48("309") ? {} : (stryCov_9fa48("309"), {
  value: z.unknown().optional(),
  unit: z.string().nullable().optional().catch(undefined),
  timestamp: z.string().nullable().optional().catch(undefined)
})).loose();
export type TelematicValue = z.infer<typeof TelematicValueSchema>;
const TelematicMapSchema = z.record(z.string(), z.unknown()).transform(rec => {
  const out: Record<string, TelematicValue> = {};
  for (const [k, v] of Object.entries(rec)) {
    const p = TelematicValueSchema.safeParse(v);
    if (p.success) out[k] = p.data;
  }
  return out;
});
export const TelematicDataSchema = z.object(stryMutAct_9fa48("310") ? {} : (stryCov_9fa48("310"), {
  telematicData: TelematicMapSchema
})).loose();
export type RawTelematicData = z.infer<typeof TelematicDataSchema>;

/** An MQTT message: `{vin, entityId, topic, timestamp, data: {key: {timestamp, value}}}`. */
export const StreamMessageSchema = z.object(stryMutAct_9fa48("311") ? {} : (stryCov_9fa48("311"), {
  vin: str,
  entityId: str,
  topic: str,
  timestamp: str,
  data: TelematicMapSchema
})).loose();
export type RawStreamMessage = z.infer<typeof StreamMessageSchema>;

// ---- Hand-written twins of the telematic schemas --------------------------------------------
// zod's record of loose objects costs about as much as JSON.parse of a telematicData answer
// (issue 17), and every status read and stream message goes through it: these read the same
// bodies without zod, to the same result, or undefined where zod fails (a property test holds
// them equal on generated bodies and the recorded answers). The schemas above stay the
// declaration: types, JSON schemas and `connected-car parse` use them.

const isObject = stryMutAct_9fa48("312") ? () => undefined : (stryCov_9fa48("312"), (() => {
  const isObject = (v: unknown): v is Record<string, unknown> => stryMutAct_9fa48("315") ? typeof v === 'object' && v !== null || !Array.isArray(v) : stryMutAct_9fa48("314") ? false : stryMutAct_9fa48("313") ? true : (stryCov_9fa48("313", "314", "315"), (stryMutAct_9fa48("317") ? typeof v === 'object' || v !== null : stryMutAct_9fa48("316") ? true : (stryCov_9fa48("316", "317"), (stryMutAct_9fa48("319") ? typeof v !== 'object' : stryMutAct_9fa48("318") ? true : (stryCov_9fa48("318", "319"), typeof v === (stryMutAct_9fa48("320") ? "" : (stryCov_9fa48("320"), 'object')))) && (stryMutAct_9fa48("322") ? v === null : stryMutAct_9fa48("321") ? true : (stryCov_9fa48("321", "322"), v !== null)))) && (stryMutAct_9fa48("323") ? Array.isArray(v) : (stryCov_9fa48("323"), !Array.isArray(v))));
  return isObject;
})());
/** The unknown keys of a loose object, kept as they came; "__proto__" left out, as zod leaves it out. */
function looseCopy(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in v) if (key !== '__proto__') out[key] = v[key];
  return out;
}
/** `z.string().nullable().optional().catch(undefined)`: what a present key becomes. */
const nullableText = stryMutAct_9fa48("324") ? () => undefined : (stryCov_9fa48("324"), (() => {
  const nullableText = (v: unknown): string | null | undefined => (stryMutAct_9fa48("327") ? typeof v === 'string' && v === null : stryMutAct_9fa48("326") ? false : stryMutAct_9fa48("325") ? true : (stryCov_9fa48("325", "326", "327"), (stryMutAct_9fa48("329") ? typeof v !== 'string' : stryMutAct_9fa48("328") ? false : (stryCov_9fa48("328", "329"), typeof v === (stryMutAct_9fa48("330") ? "" : (stryCov_9fa48("330"), 'string')))) || (stryMutAct_9fa48("332") ? v !== null : stryMutAct_9fa48("331") ? false : (stryCov_9fa48("331", "332"), v === null)))) ? v : undefined;
  return nullableText;
})());
/** `z.string().optional().catch(undefined)`. */
const optionalText = stryMutAct_9fa48("333") ? () => undefined : (stryCov_9fa48("333"), (() => {
  const optionalText = (v: unknown): string | undefined => (stryMutAct_9fa48("336") ? typeof v !== 'string' : stryMutAct_9fa48("335") ? false : stryMutAct_9fa48("334") ? true : (stryCov_9fa48("334", "335", "336"), typeof v === (stryMutAct_9fa48("337") ? "" : (stryCov_9fa48("337"), 'string')))) ? v : undefined;
  return optionalText;
})());

/** An object as JSON.parse makes it, which zod's copy equals: Object's prototype, no own "__proto__". */
const asParsed = stryMutAct_9fa48("338") ? () => undefined : (stryCov_9fa48("338"), (() => {
  const asParsed = (v: object): boolean => stryMutAct_9fa48("341") ? Object.getPrototypeOf(v) === Object.prototype || !Object.hasOwn(v, '__proto__') : stryMutAct_9fa48("340") ? false : stryMutAct_9fa48("339") ? true : (stryCov_9fa48("339", "340", "341"), (stryMutAct_9fa48("343") ? Object.getPrototypeOf(v) !== Object.prototype : stryMutAct_9fa48("342") ? true : (stryCov_9fa48("342", "343"), Object.getPrototypeOf(v) === Object.prototype)) && (stryMutAct_9fa48("344") ? Object.hasOwn(v, '__proto__') : (stryCov_9fa48("344"), !Object.hasOwn(v, stryMutAct_9fa48("345") ? "" : (stryCov_9fa48("345"), '__proto__')))));
  return asParsed;
})());
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
const ChargingLocationSchema = z.object(stryMutAct_9fa48("346") ? {} : (stryCov_9fa48("346"), {
  formattedAddress: str,
  municipality: str,
  streetAddress: str,
  mapMatchedLatitude: num,
  mapMatchedLongitude: num
})).loose();
const ChargePointMatchSchema = z.object(stryMutAct_9fa48("347") ? {} : (stryCov_9fa48("347"), {
  providerName: str,
  streetAddress: str,
  postalCode: str,
  city: str
})).loose();
const PublicChargingPointSchema = z.object(stryMutAct_9fa48("348") ? {} : (stryCov_9fa48("348"), {
  potentialChargingPointMatches: z.array(z.unknown()).optional().catch(undefined).transform(stryMutAct_9fa48("349") ? () => undefined : (stryCov_9fa48("349"), a => (stryMutAct_9fa48("350") ? a && [] : (stryCov_9fa48("350"), a ?? (stryMutAct_9fa48("351") ? ["Stryker was here"] : (stryCov_9fa48("351"), [])))).flatMap(m => {
    if (stryMutAct_9fa48("352")) {
      {}
    } else {
      stryCov_9fa48("352");
      const p = ChargePointMatchSchema.safeParse(m);
      return p.success ? stryMutAct_9fa48("353") ? [] : (stryCov_9fa48("353"), [p.data]) : stryMutAct_9fa48("354") ? ["Stryker was here"] : (stryCov_9fa48("354"), []);
    }
  })))
})).loose();
export const ChargingSessionSchema = z.object(stryMutAct_9fa48("355") ? {} : (stryCov_9fa48("355"), {
  startTime: z.union(stryMutAct_9fa48("356") ? [] : (stryCov_9fa48("356"), [z.number(), z.string()])).optional().catch(undefined),
  endTime: z.union(stryMutAct_9fa48("357") ? [] : (stryCov_9fa48("357"), [z.number(), z.string()])).optional().catch(undefined),
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
  chargingBlocks: z.array(z.object(stryMutAct_9fa48("358") ? {} : (stryCov_9fa48("358"), {
    startTime: z.unknown(),
    endTime: z.unknown(),
    averagePowerGridKw: num
  })).loose()).optional().catch(undefined),
  businessErrors: z.array(z.unknown()).optional().catch(undefined)
})).loose();
export type RawChargingSession = z.infer<typeof ChargingSessionSchema>;
export const ChargingHistorySchema = z.object(stryMutAct_9fa48("359") ? {} : (stryCov_9fa48("359"), {
  data: z.array(z.unknown()).default(stryMutAct_9fa48("360") ? ["Stryker was here"] : (stryCov_9fa48("360"), [])),
  next_token: str,
  nextToken: str
})).loose().transform(stryMutAct_9fa48("361") ? () => undefined : (stryCov_9fa48("361"), o => stryMutAct_9fa48("362") ? {} : (stryCov_9fa48("362"), {
  sessions: o.data.flatMap(s => {
    if (stryMutAct_9fa48("363")) {
      {}
    } else {
      stryCov_9fa48("363");
      const p = ChargingSessionSchema.safeParse(s);
      return p.success ? stryMutAct_9fa48("364") ? [] : (stryCov_9fa48("364"), [p.data]) : stryMutAct_9fa48("365") ? ["Stryker was here"] : (stryCov_9fa48("365"), []);
    }
  }),
  nextToken: stryMutAct_9fa48("368") ? (o.next_token || o.nextToken) && undefined : stryMutAct_9fa48("367") ? false : stryMutAct_9fa48("366") ? true : (stryCov_9fa48("366", "367", "368"), (stryMutAct_9fa48("370") ? o.next_token && o.nextToken : stryMutAct_9fa48("369") ? false : (stryCov_9fa48("369", "370"), o.next_token || o.nextToken)) || undefined)
})));