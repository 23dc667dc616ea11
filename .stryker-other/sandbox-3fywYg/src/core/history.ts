// @ts-nocheck
import { z } from 'zod';
import { PositionSchema } from './model';

const iso = z.iso.datetime({ offset: true });

/** A finished trip: native where the brand has trips, derived from status history otherwise. */
export const TripSchema = z.object({
  vin: z.string(),
  source: z.enum(['derived', 'native']),
  /** The best estimate of the start (see startAtEarliest/startAtLatest for its bounds). */
  startAt: iso,
  /**
   * Bounds of the start when the samples do not pin it: the last look that saw the car parked
   * and the first that saw it moving. Absent when the start is known to the sample.
   */
  startAtEarliest: iso.optional(),
  startAtLatest: iso.optional(),
  endAt: iso,
  durationMin: z.number().min(0),
  distanceKm: z.number().min(0).optional(),
  startMileageKm: z.number().optional(),
  endMileageKm: z.number().optional(),
  startPosition: PositionSchema.optional(),
  endPosition: PositionSchema.optional(),
  /** Never negative: taken before any charge that starts on arrival, absent when that level was not seen. */
  socUsedPercent: z.number().min(0).optional(),
  energyUsedKwh: z.number().min(0).optional(),
  fuelUsedLiters: z.number().min(0).optional(),
  /** Only where the source's resolution makes it meaningful (see car-trips' help). */
  consumptionKwhPer100Km: z.number().min(0).optional(),
  consumptionLPer100Km: z.number().min(0).optional(),
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
  /** The odometer at the session, in km (converted when the cloud counts in miles). */
  mileageKm: z.number().min(0).optional(),
  /** The public charge point the cloud matched to the session; present only for a public charger. */
  publicChargePoint: z.object({ provider: z.string().optional(), address: z.string().optional() }).optional(),
});
export type ChargeSession = z.infer<typeof ChargeSessionSchema>;

/** Totals of trips and charging sessions over one period (or all of them). */
export const HistoryTotalsSchema = z.object({
  trips: z.number().int().min(0),
  distanceKm: z.number().min(0),
  durationMin: z.number().min(0),
  /** Only trips that know their energy count; absent when none did. */
  energyUsedKwh: z.number().optional(),
  fuelUsedLiters: z.number().optional(),
  socUsedPercent: z.number().optional(),
  /** energyUsedKwh over the distance of the trips that know both. */
  consumptionKwhPer100Km: z.number().optional(),
  consumptionLPer100Km: z.number().optional(),
  charges: z.number().int().min(0),
  chargedKwh: z.number().min(0).optional(),
  chargeDurationMin: z.number().min(0),
});
export type HistoryTotals = z.infer<typeof HistoryTotalsSchema>;

/** car-trips' answer to {action: 'summary'}: totals per day, ISO week or month, in a time zone. */
export const HistorySummarySchema = z.object({
  vin: z.string(),
  period: z.enum(['day', 'week', 'month']),
  timeZone: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** One per period with a trip or a charge; key is 2026-01-15, 2026-W03 or 2026-01. */
  buckets: z.array(HistoryTotalsSchema.extend({ key: z.string() })),
  totals: HistoryTotalsSchema,
});
export type HistorySummary = z.infer<typeof HistorySummarySchema>;
