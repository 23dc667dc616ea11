import { z } from 'zod';

/**
 * Raw Renault responses, parsed leniently: unknown fields are kept, and a field of an
 * unexpected type becomes absent instead of failing the whole answer.
 */

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

/**
 * An array whose items are parsed one by one: an item that does not fit is dropped instead
 * of failing the whole answer; null or a non-array is treated as empty.
 */
export function lenientArray<T extends z.ZodTypeAny>(item: T) {
  return z
    .unknown()
    .transform((v): z.infer<T>[] => {
      if (!Array.isArray(v)) return [];
      const out: z.infer<T>[] = [];
      for (const x of v) {
        const p = item.safeParse(x);
        if (p.success) out.push(p.data as z.infer<T>);
      }
      return out;
    });
}

/** An object that is optional: null, a string or an array where an object belongs is absent. */
function optObject<T extends z.ZodTypeAny>(schema: T) {
  return schema.optional().catch(undefined);
}

// ---- Gigya -------------------------------------------------------------------------------

export const GigyaBaseSchema = z
  .object({
    errorCode: z.coerce.number().default(0),
    statusCode: num,
    errorMessage: str,
    errorDetails: str,
    regToken: str,
  })
  .loose();

export const GigyaLoginSchema = GigyaBaseSchema.extend({
  sessionInfo: z.object({ cookieValue: z.string().min(1) }).loose().optional(),
  data: z.object({ personId: str }).loose().optional(),
});

export const GigyaAccountInfoSchema = GigyaBaseSchema.extend({
  data: z.object({ personId: str, gigyaDataCenter: str }).loose().optional(),
});

export const GigyaJwtSchema = GigyaBaseSchema.extend({ id_token: str });

// ---- Kamereon envelopes -----------------------------------------------------------------

export const KamereonErrorSchema = z
  .object({
    type: str,
    messages: z.array(z.object({ code: z.unknown(), message: z.unknown() }).loose()).optional().catch(undefined),
    errors: z.array(z.object({ errorCode: z.unknown(), errorMessage: z.unknown() }).loose()).optional().catch(undefined),
    error_reference: str,
    // The non-Kamereon body of a wrong API key.
    error: str,
    error_description: str,
  })
  .loose();

/** `{data: {type, id, attributes}}`; attributes may be missing (no data yet). */
export function kcaData<T extends z.ZodTypeAny>(attributes: T) {
  return z
    .object({
      data: z
        .object({
          type: str,
          id: str,
          // null, an array or a wrong type counts as "no data yet", like a missing one.
          attributes: attributes.optional().catch(undefined),
        })
        .loose(),
    })
    .loose();
}

// ---- Discovery --------------------------------------------------------------------------

export const PersonSchema = z
  .object({
    personId: str,
    accounts: z
      .array(
        z
          .object({
            accountId: z.string(),
            accountType: str,
            accountStatus: str,
            country: str,
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

export const VehicleDetailsSchema = z
  .object({
    vin: str,
    registrationNumber: str,
    brand: z.object({ label: str }).loose().optional().catch(undefined),
    model: z.object({ code: str, label: str, group: str }).loose().optional().catch(undefined),
    energy: z.object({ code: str }).loose().optional().catch(undefined),
    engineEnergyType: str,
    connectivityTechnology: str,
  })
  .loose();
export type RawVehicleDetails = z.infer<typeof VehicleDetailsSchema>;

export const VehiclesSchema = z
  .object({
    accountId: str,
    country: str,
    vehicleLinks: z
      .array(
        z
          .object({
            vin: z.string(),
            brand: str,
            status: str,
            vehicleDetails: VehicleDetailsSchema.optional().catch(undefined),
          })
          .loose(),
      )
      .default([])
      // One damaged link (a VIN missing) must not hide the other cars.
      .catch([]),
  })
  .loose();
export type RawVehicles = z.infer<typeof VehiclesSchema>;

// ---- Reads ------------------------------------------------------------------------------

export const BatteryStatusSchema = kcaData(
  z
    .object({
      timestamp: str,
      batteryLevel: num,
      batteryAutonomy: num,
      batteryTemperature: num,
      batteryCapacity: num,
      batteryAvailableEnergy: num,
      plugStatus: num,
      chargingStatus: num,
      chargingRemainingTime: num,
      chargingInstantaneousPower: num,
    })
    .loose(),
);
export type RawBatteryStatus = z.infer<typeof BatteryStatusSchema>;

export const CockpitSchema = kcaData(
  z.object({ totalMileage: num, fuelAutonomy: num, fuelQuantity: num, timestamp: str }).loose(),
);
export type RawCockpit = z.infer<typeof CockpitSchema>;

export const LocationSchema = kcaData(
  z.object({ gpsLatitude: num, gpsLongitude: num, gpsDirection: num, lastUpdateTime: str }).loose(),
);
export type RawLocation = z.infer<typeof LocationSchema>;

export const HvacStatusSchema = kcaData(
  z
    .object({
      hvacStatus: str,
      externalTemperature: num,
      internalTemperature: num,
      socThreshold: num,
      nextHvacStartDate: str,
      lastUpdateTime: str,
    })
    .loose(),
);
export type RawHvacStatus = z.infer<typeof HvacStatusSchema>;

// ---- More KCA reads (spec §5) -------------------------------------------------------------

const DAY_KEYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** `{id, activated, monday: {...}, ...}`: one schedule, the day entries of a given shape. */
function weekSchedule<T extends z.ZodTypeAny>(day: T) {
  const days = Object.fromEntries(DAY_KEYS.map((d) => [d, optObject(day.nullable())])) as Record<(typeof DAY_KEYS)[number], z.ZodCatch<z.ZodOptional<z.ZodNullable<T>>>>;
  return z.object({ id: num, activated: bool, ...days }).loose();
}

export const HvacSettingsSchema = kcaData(
  z
    .object({
      mode: str,
      dateTime: str,
      schedules: lenientArray(weekSchedule(z.object({ readyAtTime: str }).loose())),
    })
    .loose(),
);
export type RawHvacSettings = z.infer<typeof HvacSettingsSchema>;

export const ChargeModeSchema = kcaData(z.object({ chargeMode: str }).loose());
export type RawChargeMode = z.infer<typeof ChargeModeSchema>;

export const ChargingSettingsSchema = kcaData(
  z
    .object({
      mode: str,
      dateTime: str,
      startDateTime: str,
      delay: num,
      schedules: lenientArray(weekSchedule(z.object({ startTime: str, duration: num }).loose())),
    })
    .loose(),
);
export type RawChargingSettings = z.infer<typeof ChargingSettingsSchema>;

const CalendarEntrySchema = z.object({ startTime: str, duration: num, activationState: bool }).loose();
export const ChargeScheduleSchema = kcaData(
  z
    .object({
      calendar: optObject(
        z.object(Object.fromEntries(DAY_KEYS.map((d) => [d, lenientArray(CalendarEntrySchema)])) as Record<(typeof DAY_KEYS)[number], ReturnType<typeof lenientArray<typeof CalendarEntrySchema>>>).loose(),
      ),
    })
    .loose(),
);
export type RawChargeSchedule = z.infer<typeof ChargeScheduleSchema>;

export const ChargeRecordSchema = z
  .object({
    chargeStartDate: str,
    chargeEndDate: str,
    chargeDuration: num,
    chargeStartBatteryLevel: num,
    chargeEndBatteryLevel: num,
    chargeBatteryLevelRecovered: num,
    chargeEnergyRecovered: num,
    chargePower: str,
    chargeStartInstantaneousPower: num,
    chargeEndStatus: str,
  })
  .loose();
export const ChargesSchema = kcaData(z.object({ charges: lenientArray(ChargeRecordSchema) }).loose());
export type RawCharges = z.infer<typeof ChargesSchema>;

export const ChargeSummarySchema = z
  .object({ day: str, month: str, totalChargesNumber: num, totalChargesDuration: num, totalChargesErrors: num })
  .loose();
// chargeSummaries is absent when there were no charges (myRenaultLC changelog).
export const ChargeHistorySchema = kcaData(z.object({ chargeSummaries: lenientArray(ChargeSummarySchema) }).loose());
export type RawChargeHistory = z.infer<typeof ChargeHistorySchema>;

// Shapes of hvac-sessions / hvac-history are UNCERTAIN (fixtures are empty): pyze's names, kept loose.
export const HvacSessionsSchema = kcaData(z.object({ hvacSessions: lenientArray(z.object({}).loose()) }).loose());
export const HvacHistorySchema = kcaData(z.object({ hvacSessionsSummaries: lenientArray(z.object({}).loose()) }).loose());

export const LockStatusSchema = kcaData(
  z
    .object({
      lockStatus: str,
      doorStatusRearLeft: str,
      doorStatusRearRight: str,
      doorStatusDriver: str,
      doorStatusPassenger: str,
      hatchStatus: str,
      lastUpdateTime: str,
    })
    .loose(),
);
export type RawLockStatus = z.infer<typeof LockStatusSchema>;

export const ResStateSchema = kcaData(z.object({ details: str, code: str }).loose());
export type RawResState = z.infer<typeof ResStateSchema>;

export const PressureSchema = kcaData(
  z
    .object({
      flPressure: num,
      frPressure: num,
      rlPressure: num,
      rrPressure: num,
      flStatus: num,
      frStatus: num,
      rlStatus: num,
      rrStatus: num,
      lastUpdateTime: str,
    })
    .loose(),
);
export type RawPressure = z.infer<typeof PressureSchema>;

export const NotificationSettingsSchema = kcaData(z.object({}).loose());

export const CarAdapterSchema = kcaData(
  z
    .object({
      vin: str,
      brand: str,
      canGeneration: str,
      carGateway: str,
      energy: str,
      modelCode: str,
      modelCodeDetail: str,
      modelName: str,
      tcuCode: str,
      privacyMode: str,
      privacyModeUpdateDate: str,
      svtFlag: bool,
    })
    .loose(),
);
export type RawCarAdapter = z.infer<typeof CarAdapterSchema>;

// ---- Bare arrays (alerts, contracts, notifications) ----------------------------------------

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

export const AlertSchema = z
  .object({
    id: str,
    alertType: str,
    alertCode: str,
    criticity: num,
    criticityName: str,
    priority: num,
    status: num,
    closureReason: str,
    mileage: num,
    mileageUnit: str,
    nextDate: str,
    nextMileage: num,
    function: str,
    shortDescription: str,
    longDescription: str,
    alertCodeTitle: str,
    alertCodeDescription: str,
    creationDateTime: str,
    lastUpdateDateTime: str,
  })
  .loose();
export const AlertsSchema = listBody(AlertSchema, ['data', 'alerts']);
export type RawAlert = z.infer<typeof AlertSchema>;

export const ContractSchema = z
  .object({
    type: str,
    contractId: str,
    code: str,
    group: str,
    durationMonths: num,
    startDate: str,
    endDate: str,
    status: str,
    statusLabel: str,
    description: str,
  })
  .loose();
export const ContractsSchema = listBody(ContractSchema, ['contractList', 'data']);
export type RawContract = z.infer<typeof ContractSchema>;

export const NotificationSchema = z
  .object({
    notificationId: str,
    notifDate: str,
    vin: str,
    actionType: str,
    commandType: str,
    commandResponse: optObject(z.object({ status: str }).loose()),
  })
  .loose();
export const NotificationsSchema = listBody(NotificationSchema, ['data']);

// ---- KCM reads (plain JSON) ---------------------------------------------------------------

export const SocLevelsSchema = z.object({ lastEnergyUpdateTimestamp: str, socMin: num, socTarget: num }).loose();
export type RawSocLevels = z.infer<typeof SocLevelsSchema>;

export const EvProgramSchema = z
  .object({
    programActivationStatus: bool,
    programType: str,
    programDepartureTime: str,
    programActivationMonday: bool,
    programActivationTuesday: bool,
    programActivationWednesday: bool,
    programActivationThursday: bool,
    programActivationFriday: bool,
    programActivationSaturday: bool,
    programActivationSunday: bool,
  })
  .loose();
export const EvSettingsSchema = z
  .object({
    lastSettingsUpdateTimestamp: str,
    delegatedActivated: bool,
    chargeModeRq: str,
    chargeTimeStart: str,
    chargeDuration: num,
    preconditioningTemperature: num,
    programs: lenientArray(EvProgramSchema),
  })
  .loose();
export type RawEvSettings = z.infer<typeof EvSettingsSchema>;
