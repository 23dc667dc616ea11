import { z } from 'zod';
import { PositionSchema } from './model';

const iso = z.iso.datetime({ offset: true });

/** A finished trip: native where the brand has trips, derived from status history otherwise. */
export const TripSchema = z.object({
  vin: z.string(),
  source: z.enum(['derived', 'native']),
  startAt: iso,
  endAt: iso,
  durationMin: z.number().min(0),
  distanceKm: z.number().min(0).optional(),
  startMileageKm: z.number().optional(),
  endMileageKm: z.number().optional(),
  startPosition: PositionSchema.optional(),
  endPosition: PositionSchema.optional(),
  socUsedPercent: z.number().optional(),
  energyUsedKwh: z.number().optional(),
  fuelUsedLiters: z.number().optional(),
  consumptionKwhPer100Km: z.number().optional(),
  consumptionLPer100Km: z.number().optional(),
});
export type Trip = z.infer<typeof TripSchema>;

/** A charging session. */
export const ChargeSessionSchema = z.object({
  vin: z.string(),
  source: z.enum(['derived', 'native']),
  startAt: iso,
  endAt: iso.optional(),
  durationMin: z.number().min(0).optional(),
  energyKwh: z.number().min(0).optional(),
  socFromPercent: z.number().min(0).max(100).optional(),
  socToPercent: z.number().min(0).max(100).optional(),
  averagePowerKw: z.number().min(0).optional(),
  status: z.enum(['ok', 'error', 'unknown']).optional(),
  position: PositionSchema.optional(),
});
export type ChargeSession = z.infer<typeof ChargeSessionSchema>;
