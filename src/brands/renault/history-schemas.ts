import { z } from 'zod';
import { kcaData, num, str } from './schemas';

/**
 * Raw bodies of Renault's charging history (spec §5: charges, charge-history), parsed
 * leniently like every Kamereon read: unknown fields kept, a field of the wrong type absent,
 * one damaged entry dropped rather than the whole list.
 */

export const RawChargeSchema = z
  .object({
    chargeStartDate: str,
    chargeEndDate: str,
    /** Minutes on most cars, seconds on some (ZE50): see history-map.ts. */
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
export type RawCharge = z.infer<typeof RawChargeSchema>;

/** An entry that is not an object becomes undefined and is skipped by the mapper. */
const entry = RawChargeSchema.optional().catch(undefined);

export const ChargesSchema = kcaData(
  z
    .object({
      charges: z.array(entry).optional().catch(undefined),
    })
    .loose(),
);
export type RawCharges = z.infer<typeof ChargesSchema>;

export const RawChargeSummarySchema = z
  .object({
    day: str,
    month: str,
    totalChargesNumber: num,
    totalChargesDuration: num,
    totalChargesErrors: num,
  })
  .loose();

/** chargeSummaries is absent, not empty, when there were no charges (myRenaultLC changelog). */
export const ChargeHistorySchema = kcaData(
  z
    .object({
      chargeSummaries: z.array(RawChargeSummarySchema.optional().catch(undefined)).optional().catch(undefined),
    })
    .loose(),
);
export type RawChargeHistory = z.infer<typeof ChargeHistorySchema>;
