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
export const str = z.string().optional().catch(undefined);
export const bool = z.boolean().optional().catch(undefined);

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
          attributes: attributes.optional(),
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

const VehicleDetailsSchema = z
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
      .default([]),
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
