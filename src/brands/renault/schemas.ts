import { z } from 'zod';

/**
 * Raw Renault bodies, one schema per body, parsed leniently: unknown fields are kept, and a
 * field of an unexpected type becomes absent instead of failing the whole answer. Strictness
 * where a value is needed (an id to post back) is the caller's: it checks what it needs.
 */

/**
 * The hand-written twin of a schema built here: the same output as the zod schema for any JSON
 * value (a property test holds them equal), or FAIL where zod fails. zod's preprocess/catch
 * chains cost 3-10x a JSON.parse on a status body (issue 17), so the reads of a status take
 * this path; zod keeps the declaration, the types, the JSON schemas and every other body.
 */
export const FAIL: unique symbol = Symbol('does not fit');
export type Reader = (v: unknown) => unknown;
const READERS = new WeakMap<z.ZodTypeAny, Reader>();
/** Readers of a key zod requires present (whatever its value): a lenient array's (zod: "expected nonoptional"). */
const NEEDS_KEY = new WeakSet<Reader>();
function withReader<T extends z.ZodTypeAny>(schema: T, reader: Reader): T {
  READERS.set(schema, reader);
  return schema;
}
/** The fast twin of a schema, when it has one. */
export function readerOf(schema: z.ZodTypeAny): Reader | undefined {
  return READERS.get(schema);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const readNum = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};
const readStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const readBool = (v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  if (v === 1 || v === 0) return v === 1;
  return undefined;
};

/** A number, or a numeric string; anything else (null, objects) is treated as absent. */
export const num = z
  .preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), z.number().finite())
  .optional()
  .catch(undefined);
/** A string; a number becomes its decimal text (codes come as "10" or 10); anything else is absent. */
export const str = z
  .preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v), z.string())
  .optional()
  .catch(undefined);
/** A boolean, or "true"/"false" (any case), or 1/0; anything else is absent. */
export const bool = z
  .preprocess((v) => {
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    if (v === 1 || v === 0) return v === 1;
    return v;
  }, z.boolean())
  .optional()
  .catch(undefined);

type Fields<S extends string, N extends string, B extends string> = { [K in S]: typeof str } & { [K in N]: typeof num } & { [K in B]: typeof bool };

/**
 * A loose object of lenient fields, named by kind (strings, numbers, booleans), each optional;
 * `more` adds fields of other schemas (their fast twins, when they all have one, make this one's).
 */
export function fields<const S extends string = never, const N extends string = never, const B extends string = never, M extends z.ZodRawShape = Record<never, never>>(
  f: {
    str?: readonly S[];
    num?: readonly N[];
    bool?: readonly B[];
  },
  more?: M,
) {
  const shape: Record<string, z.ZodTypeAny> = {};
  const kinds: [string, Reader][] = [];
  const add = (keys: readonly string[] | undefined, schema: z.ZodTypeAny, read: Reader): void => {
    for (const k of keys ?? []) {
      shape[k] = schema;
      kinds.push([k, read]);
    }
  };
  add(f.str, str, readStr);
  add(f.num, num, readNum);
  add(f.bool, bool, readBool);
  const extra = Object.entries(more ?? {}).map(([k, schema]) => [k, readerOf(schema as z.ZodTypeAny)] as const);
  const schema = z.object({ ...(shape as Fields<S, N, B>), ...((more ?? {}) as M) }).loose();
  if (extra.some(([, r]) => !r)) return schema;
  const all = [...kinds, ...(extra as [string, Reader][])];
  // The body's keys are walked once, each looked up here (no prototype: "constructor" is not a field).
  const readers: Record<string, Reader | undefined> = Object.create(null) as Record<string, Reader | undefined>;
  for (const [k, read] of all) readers[k] = read;
  const required = all.filter(([, read]) => NEEDS_KEY.has(read)).map(([k]) => k);
  return withReader(schema, (v) => {
    if (!isObject(v)) return FAIL;
    // Loose: unknown keys are kept as they came; a known key is read where it is present. A
    // "__proto__" key is left out, as zod leaves it out (a spread would make it an own property).
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      if (key === '__proto__') continue;
      const read = readers[key];
      if (!read) {
        out[key] = v[key];
        continue;
      }
      const r = read(v[key]);
      if (r === FAIL) return FAIL;
      out[key] = r;
    }
    for (const k of required) if (!Object.hasOwn(v, k)) return FAIL;
    return out;
  });
}

/**
 * An array whose items are parsed one by one: an item that does not fit is dropped instead
 * of failing the whole answer; null or a non-array is treated as empty.
 */
export function lenientArray<T extends z.ZodTypeAny>(item: T) {
  const schema = z.unknown().transform((v): z.infer<T>[] => {
    if (!Array.isArray(v)) return [];
    const out: z.infer<T>[] = [];
    for (const x of v) {
      const p = item.safeParse(x);
      if (p.success) out.push(p.data as z.infer<T>);
    }
    return out;
  });
  const readItem = readerOf(item);
  if (!readItem) return schema;
  const reader: Reader = (v) => {
    if (!Array.isArray(v)) return [];
    const out: unknown[] = [];
    for (const x of v) {
      const r = readItem(x);
      if (r !== FAIL) out.push(r);
    }
    return out;
  };
  NEEDS_KEY.add(reader);
  return withReader(schema, reader);
}

/** An object that is optional: null, a string or an array where an object belongs is absent. */
function optObject<T extends z.ZodTypeAny>(schema: T) {
  const opt = schema.optional().catch(undefined);
  const read = readerOf(schema);
  if (!read) return opt;
  return withReader(opt, (v) => {
    if (v === undefined) return undefined;
    const r = read(v);
    return r === FAIL ? undefined : r;
  });
}

const DAY_KEYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
type DayKey = (typeof DAY_KEYS)[number];

/** An object with one entry per weekday, each of the given schema. */
function byDay<T extends z.ZodTypeAny>(day: T): Record<DayKey, T> {
  return Object.fromEntries(DAY_KEYS.map((d) => [d, day])) as Record<DayKey, T>;
}

// ---- Gigya -------------------------------------------------------------------------------

/**
 * errorCode decides everything, so it is read strictly: a number or a numeric string; absent
 * means 0 (Gigya always sends it). Anything else fails the body (UPSTREAM "unexpected shape").
 */
const errorCode = z.preprocess((v) => (v === undefined || v === null ? 0 : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.number().int());

export const GigyaBaseSchema = fields({ str: ['errorMessage', 'errorDetails', 'regToken', 'UID', 'callId', 'time', 'statusReason'], num: ['statusCode', 'apiVersion'] }).extend({ errorCode });

/**
 * sessionInfo is `{cookieName, cookieValue}` on a sign-in, and `{expires_in: "3600"}` (no
 * cookie) on the real 403101 answer (renault-api issue #2132 trace, 2026-06-01): every field
 * is optional here; the caller checks cookieValue where it needs one.
 */
const SessionInfoSchema = fields({ str: ['cookieName', 'cookieValue', 'expires_in'] })
  .optional()
  .catch(undefined);

export const GigyaLoginSchema = GigyaBaseSchema.extend({
  sessionInfo: SessionInfoSchema,
  data: fields({ str: ['personId', 'gigyaDataCenter'] }).optional().catch(undefined),
});

export const GigyaAccountInfoSchema = GigyaBaseSchema.extend({ data: fields({ str: ['personId', 'gigyaDataCenter'] }).optional().catch(undefined) });

export const GigyaJwtSchema = GigyaBaseSchema.extend({ id_token: str });

/** accounts.webSdkBootstrap: the device ids come as cookies; some sites put them in the body too (grosz reads both). */
export const GigyaBootstrapSchema = GigyaBaseSchema.extend({ gmid: str, ucid: str });

// ---- Kamereon envelopes -----------------------------------------------------------------

export const KamereonErrorSchema = fields({ str: ['type', 'error_reference', 'error', 'error_description'] }).extend({
  // `error`/`error_description`: the non-Kamereon body of a wrong API key. An item may lack either key (zod 4 takes a
  // bare z.unknown() key as required, and one missing key dropped the whole list with its code).
  messages: z.array(z.object({ code: z.unknown().optional(), message: z.unknown().optional() }).loose()).optional().catch(undefined),
  errors: z.array(z.object({ errorCode: z.unknown().optional(), errorMessage: z.unknown().optional() }).loose()).optional().catch(undefined),
});

/** `{data: {type, id, attributes}}`; attributes may be missing (no data yet). */
export function kcaData<T extends z.ZodTypeAny>(attributes: T) {
  // null, an array or a wrong type counts as "no data yet", like a missing one.
  const data = fields({ str: ['type', 'id'] }, { attributes: optObject(attributes) });
  const schema = z.object({ data }).loose();
  const readData = readerOf(data);
  if (!readData) return schema;
  return withReader(schema, (v) => {
    if (!isObject(v)) return FAIL;
    const d = readData(v.data);
    if (d === FAIL) return FAIL;
    // As zod's loose object: every key but "__proto__", then the data read.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) if (key !== '__proto__') out[key] = v[key];
    out.data = d;
    return out;
  });
}

/** A bare array, or renault-api's wrapping of it ({data: [...]} / {contractList: [...]}). */
function listBody<T extends z.ZodTypeAny>(item: T, wrapKeys: string[]) {
  return z
    .unknown()
    .refine((v) => Array.isArray(v) || (typeof v === 'object' && v !== null && wrapKeys.some((k) => Array.isArray((v as Record<string, unknown>)[k]))), {
      message: 'a list',
    })
    .transform((v) => {
      const list = Array.isArray(v) ? v : (wrapKeys.map((k) => (v as Record<string, unknown>)[k]).find(Array.isArray) ?? []);
      return lenientArray(item).parse(list);
    });
}

/**
 * What an accepted action answers: the JSON:API echo `{data: {type, id, attributes}}` (KCA
 * and some KCM actions), or a KCM command `{commandId, type, status}` (soc-levels).
 */
export const ActionEchoSchema = fields({ str: ['commandId', 'type', 'status'] }).extend({
  data: optObject(fields({ str: ['type', 'id'] }).extend({ attributes: optObject(z.record(z.string(), z.unknown())) })),
});

/** The id an action's answer carries: the echo's data.id, or KCM's commandId. */
export function actionIdOf(body: unknown): string | undefined {
  const p = ActionEchoSchema.safeParse(body);
  return p.success ? (p.data.data?.id ?? p.data.commandId) : undefined;
}

// ---- Discovery --------------------------------------------------------------------------

/** An id that must be there: a non-empty string (a number is taken as its text). */
const id = z.preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v), z.string().min(1));

export const PersonSchema = fields({ str: ['personId'] }).extend({
  // An account without an id is dropped, not the whole list.
  accounts: lenientArray(fields({ str: ['accountType', 'accountStatus', 'country'] }).extend({ accountId: id })),
});

const Label = optObject(fields({ str: ['code', 'label', 'group'] }));
export const VehicleDetailsSchema = fields({ str: ['vin', 'registrationNumber', 'engineEnergyType', 'connectivityTechnology'] }).extend({ brand: Label, model: Label, energy: Label });
export type RawVehicleDetails = z.infer<typeof VehicleDetailsSchema>;

export const VehiclesSchema = fields({ str: ['accountId', 'country'] }).extend({
  // One damaged link (a VIN missing) is dropped; it must not hide the other cars.
  vehicleLinks: lenientArray(fields({ str: ['brand', 'status'] }).extend({ vin: id, vehicleDetails: optObject(VehicleDetailsSchema) })),
});
export type RawVehicles = z.infer<typeof VehiclesSchema>;

export const CarAdapterSchema = kcaData(
  fields({
    str: ['vin', 'brand', 'canGeneration', 'carGateway', 'energy', 'modelCode', 'modelCodeDetail', 'modelName', 'tcuCode', 'privacyMode', 'privacyModeUpdateDate'],
    bool: ['svtFlag'],
  }),
);
export type RawCarAdapter = z.infer<typeof CarAdapterSchema>;

export const ContractSchema = fields({
  str: ['type', 'contractId', 'code', 'group', 'startDate', 'endDate', 'status', 'statusLabel', 'description'],
  num: ['durationMonths'],
});
export const ContractsSchema = listBody(ContractSchema, ['contractList', 'data']);
export type RawContract = z.infer<typeof ContractSchema>;

// ---- Status reads ---------------------------------------------------------------------------

export const BatteryStatusSchema = kcaData(
  fields({
    str: ['timestamp'],
    num: ['batteryLevel', 'batteryAutonomy', 'batteryTemperature', 'batteryCapacity', 'batteryAvailableEnergy', 'plugStatus', 'chargingStatus', 'chargingRemainingTime', 'chargingInstantaneousPower'],
  }),
);
export type RawBatteryStatus = z.infer<typeof BatteryStatusSchema>;

export const CockpitSchema = kcaData(fields({ str: ['timestamp'], num: ['totalMileage', 'fuelAutonomy', 'fuelQuantity'] }));
export type RawCockpit = z.infer<typeof CockpitSchema>;

export const LocationSchema = kcaData(fields({ str: ['lastUpdateTime'], num: ['gpsLatitude', 'gpsLongitude', 'gpsDirection'] }));
export type RawLocation = z.infer<typeof LocationSchema>;

export const HvacStatusSchema = kcaData(fields({ str: ['hvacStatus', 'nextHvacStartDate', 'lastUpdateTime'], num: ['externalTemperature', 'internalTemperature', 'socThreshold'] }));
export type RawHvacStatus = z.infer<typeof HvacStatusSchema>;

export const LockStatusSchema = kcaData(
  fields({ str: ['lockStatus', 'doorStatusRearLeft', 'doorStatusRearRight', 'doorStatusDriver', 'doorStatusPassenger', 'hatchStatus', 'lastUpdateTime'] }),
);
export type RawLockStatus = z.infer<typeof LockStatusSchema>;

export const PressureSchema = kcaData(
  fields({ str: ['lastUpdateTime'], num: ['flPressure', 'frPressure', 'rlPressure', 'rrPressure', 'flStatus', 'frStatus', 'rlStatus', 'rrStatus'] }),
);
export type RawPressure = z.infer<typeof PressureSchema>;

export const ResStateSchema = kcaData(fields({ str: ['details', 'code'] }));
export type RawResState = z.infer<typeof ResStateSchema>;

export const AlertSchema = fields({
  str: [
    'id', 'alertType', 'alertCode', 'criticityName', 'closureReason', 'mileageUnit', 'nextDate', 'function', 'shortDescription', 'longDescription',
    'alertCodeTitle', 'alertCodeDescription', 'creationDateTime', 'lastUpdateDateTime',
  ],
  num: ['criticity', 'priority', 'status', 'mileage', 'nextMileage'],
});
export const AlertsSchema = listBody(AlertSchema, ['data', 'alerts']);
export type RawAlert = z.infer<typeof AlertSchema>;

// ---- Charging and climate settings (spec §5, §6) -------------------------------------------

/** `{id, activated, monday: {...}, ...}`: one weekly slot of charging-settings or hvac-settings. */
function weekSchedule<T extends z.ZodTypeAny>(day: T) {
  return fields({ num: ['id'], bool: ['activated'] }).extend(byDay(optObject(day.nullable())));
}

export const ChargeModeSchema = kcaData(fields({ str: ['chargeMode'] }));
export type RawChargeMode = z.infer<typeof ChargeModeSchema>;

export const ChargeSlotSchema = weekSchedule(fields({ str: ['startTime'], num: ['duration'] }));
export type RawChargeSlot = z.infer<typeof ChargeSlotSchema>;
export const ChargingSettingsSchema = kcaData(fields({ str: ['mode', 'dateTime', 'startDateTime'], num: ['delay'] }).extend({ schedules: lenientArray(ChargeSlotSchema) }));
export type RawChargingSettings = z.infer<typeof ChargingSettingsSchema>;

/** ZE40's calendar: per day a list of "HHMM" windows; window n of every day is schedule n. */
const CalendarEntrySchema = fields({ str: ['startTime'], num: ['duration'], bool: ['activationState'] });
export const ChargeScheduleSchema = kcaData(fields({}).extend({ calendar: optObject(z.object(byDay(lenientArray(CalendarEntrySchema))).loose()) }));
export type RawChargeSchedule = z.infer<typeof ChargeScheduleSchema>;
export type RawCalendar = NonNullable<NonNullable<RawChargeSchedule['data']['attributes']>['calendar']>;

export const HvacSlotSchema = weekSchedule(fields({ str: ['readyAtTime'] }));
export type RawHvacSlot = z.infer<typeof HvacSlotSchema>;
export const HvacSettingsSchema = kcaData(fields({ str: ['mode', 'dateTime'] }).extend({ schedules: lenientArray(HvacSlotSchema) }));
export type RawHvacSettings = z.infer<typeof HvacSettingsSchema>;

// KCM reads are plain JSON, not JSON:API.
export const SocLevelsSchema = fields({ str: ['lastEnergyUpdateTimestamp'], num: ['socMin', 'socTarget'] });
export type RawSocLevels = z.infer<typeof SocLevelsSchema>;

export const EvProgramSchema = fields({
  str: ['programType', 'programDepartureTime'],
  bool: [
    'programActivationStatus', 'programActivationMonday', 'programActivationTuesday', 'programActivationWednesday', 'programActivationThursday',
    'programActivationFriday', 'programActivationSaturday', 'programActivationSunday',
  ],
});
export type RawEvProgram = z.infer<typeof EvProgramSchema>;
export const EvSettingsSchema = fields({
  str: ['lastSettingsUpdateTimestamp', 'chargeModeRq', 'chargeTimeStart'],
  num: ['chargeDuration', 'preconditioningTemperature'],
  bool: ['delegatedActivated'],
}).extend({ programs: lenientArray(EvProgramSchema) });
export type RawEvSettings = z.infer<typeof EvSettingsSchema>;

// ---- History (spec §5: charges, charge-history; hvac shapes are pyze's, kept loose) ---------

export const ChargeRecordSchema = fields({
  str: ['chargeStartDate', 'chargeEndDate', 'chargePower', 'chargeEndStatus'],
  // chargeDuration: minutes on most cars, seconds on some (ZE50): see history-map.ts.
  num: ['chargeDuration', 'chargeStartBatteryLevel', 'chargeEndBatteryLevel', 'chargeBatteryLevelRecovered', 'chargeEnergyRecovered', 'chargeStartInstantaneousPower'],
});
export const ChargesSchema = kcaData(fields({}, { charges: lenientArray(ChargeRecordSchema) }));
export type RawCharges = z.infer<typeof ChargesSchema>;

// chargeSummaries is absent when there were no charges (myRenaultLC changelog).
const ChargeSummarySchema = fields({ str: ['day', 'month'], num: ['totalChargesNumber', 'totalChargesDuration', 'totalChargesErrors'] });
export const ChargeHistorySchema = kcaData(fields({}).extend({ chargeSummaries: lenientArray(ChargeSummarySchema) }));
export type RawChargeHistory = z.infer<typeof ChargeHistorySchema>;

export const HvacSessionsSchema = kcaData(fields({}).extend({ hvacSessions: lenientArray(fields({})) }));
export const HvacHistorySchema = kcaData(fields({}).extend({ hvacSessionsSummaries: lenientArray(fields({})) }));
export const NotificationSettingsSchema = kcaData(fields({}));

// ---- Notifications (command tracking, spec §4.7) --------------------------------------------

export const NotificationSchema = fields({ str: ['notificationId', 'notifDate', 'vin', 'actionType', 'commandType'] }).extend({
  commandResponse: optObject(fields({ str: ['status'] })),
});
export const NotificationsSchema = listBody(NotificationSchema, ['data']);
