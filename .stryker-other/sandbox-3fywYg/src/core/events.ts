/**
 * Change events: what a user automates on (plugged, charging finished, left unlocked...), one
 * message per change. The schema is the one source of docs/schemas/car-event.schema.json.
 */
// @ts-nocheck

import { z } from 'zod';

const iso = z.iso.datetime({ offset: true });

export const CAR_EVENT_NAMES = [
  'plugged',
  'unplugged',
  'charging_started',
  'charging_finished',
  'charging_interrupted',
  'target_reached',
  'locked',
  'unlocked',
  'left_open',
  'battery_low',
  'moved_while_parked',
  'data_stale',
] as const;
export const CarEventNameSchema = z.enum(CAR_EVENT_NAMES);
export type CarEventName = z.infer<typeof CarEventNameSchema>;

const base = {
  vin: z.string().min(1),
  /** When the change happened as far as the data tells (the car's report time where it has one). */
  at: iso,
  /** True for an event sent at start for a state that was already so (only when asked). */
  initial: z.boolean().optional(),
};

const ChargeFigures = {
  /** When charging was first seen. */
  startedAt: iso.optional(),
  durationMin: z.number().min(0).optional(),
  socFromPercent: z.number().min(0).max(100).optional(),
  socToPercent: z.number().min(0).max(100).optional(),
  /** From the battery's reported energy where the car gives it; absent otherwise. */
  energyKwh: z.number().min(0).optional(),
};

export const CarEventSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('plugged'), ...base }),
  z.object({ name: z.literal('unplugged'), ...base }),
  z.object({ name: z.literal('charging_started'), ...base, socPercent: z.number().min(0).max(100).optional() }),
  z.object({ name: z.literal('charging_finished'), ...base, ...ChargeFigures }),
  z.object({ name: z.literal('charging_interrupted'), ...base, ...ChargeFigures, chargingState: z.string() }),
  z.object({ name: z.literal('target_reached'), ...base, socPercent: z.number().min(0).max(100), targetSocPercent: z.number().min(0).max(100) }),
  z.object({ name: z.literal('locked'), ...base }),
  z.object({ name: z.literal('unlocked'), ...base }),
  z.object({
    name: z.literal('left_open'),
    ...base,
    /** The doors and windows reported open, e.g. ["doors.frontLeft", "windows.sunroof"]. */
    openings: z.array(z.string()),
    openSince: iso,
    minutes: z.number().min(0),
  }),
  z.object({ name: z.literal('battery_low'), ...base, socPercent: z.number().min(0).max(100), thresholdPercent: z.number().min(0).max(100) }),
  z.object({
    name: z.literal('moved_while_parked'),
    ...base,
    distanceM: z.number().min(0),
    from: z.object({ latitude: z.number(), longitude: z.number() }),
    to: z.object({ latitude: z.number(), longitude: z.number() }),
  }),
  z.object({ name: z.literal('data_stale'), ...base, lastUpdateAt: iso, hours: z.number().min(0) }),
]);
export type CarEvent = z.infer<typeof CarEventSchema>;
