// @ts-nocheck
import { z } from 'zod';

const iso = z.iso.datetime({ offset: true });

/** Why an update could not decide anything new: the state shown is the last one known. */
export const PRESENCE_HOLD_REASONS = ['stale', 'no_fix', 'out_of_order', 'inaccurate', 'outlier'] as const;

/** One zone as car-presence sees it after a position. */
export const PresenceZoneSchema = z.object({
  name: z.string(),
  /** Undefined until the first fresh fix decides it. */
  inside: z.boolean().optional(),
  /** Metres from the zone's centre to the fix used, rounded to 1 m. */
  distanceM: z.number().min(0).optional(),
  radiusM: z.number().min(0),
  /** Leave only beyond radiusM + marginM (the dead band). */
  marginM: z.number().min(0),
  passive: z.boolean(),
  /** Since when inside has had its value. */
  since: iso.optional(),
  /** A change waiting for its dwell time: the side it goes to, and since when. */
  pending: z.object({ inside: z.boolean(), since: iso, confirmed: z.boolean().optional() }).optional(),
});
export type PresenceZone = z.infer<typeof PresenceZoneSchema>;

/** car-presence output 1: the state, on every position (and when a dwell time runs out). */
export const PresenceUpdateSchema = z.object({
  /** The active zone's name, 'away', or 'unknown' before the first fresh fix. */
  state: z.string(),
  present: z.boolean(),
  /** The active zone: the closest non-passive zone the position is in. */
  zone: z.string().optional(),
  /** Metres to the first zone (usually home), from the fix used. */
  distanceM: z.number().min(0).optional(),
  zones: z.array(PresenceZoneSchema),
  /** True when this update could not use a fresh fix and holds the last state. */
  stale: z.boolean(),
  reason: z.enum(PRESENCE_HOLD_REASONS).optional(),
  /** The fix the distances come from. */
  position: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracyM: z.number().min(0).optional(),
      updatedAt: iso,
    })
    .optional(),
  /** Since when state has had its value. */
  since: iso.optional(),
  /** True on the first decision after a deploy without a saved state: no event is sent for it. */
  initial: z.boolean().optional(),
  evaluatedAt: iso,
});
export type PresenceUpdate = z.infer<typeof PresenceUpdateSchema>;

/** car-presence output 2: one message per zone entered or left. */
export const PresenceEventSchema = z.object({
  event: z.enum(['enter', 'leave']),
  zone: z.string(),
  passive: z.boolean(),
  /** The overall state after the event, as in PresenceUpdate. */
  state: z.string(),
  present: z.boolean(),
  distanceM: z.number().min(0).optional(),
  /** When the position first showed the change (the car's time). */
  at: iso,
  /** When a second fix (or one with driven kilometres) confirmed it, and its dwell time had passed. */
  confirmedAt: iso,
  /** When the previous state of this zone began. */
  previousSince: iso.optional(),
});
export type PresenceEvent = z.infer<typeof PresenceEventSchema>;
