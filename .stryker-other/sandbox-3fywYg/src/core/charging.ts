// @ts-nocheck
import { z } from 'zod';

/** Times of day are "HH:MM"; whether they are UTC or local is said by `timeZone`. */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const ChargeWindowSchema = z.object({
  start: hhmm,
  durationMin: z.number().int().min(15).max(1440),
});

/** One weekly charging schedule: a window per day (absent or null = no charging that day). */
export const ChargeScheduleSchema = z.object({
  id: z.number().int().min(1),
  enabled: z.boolean(),
  days: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, ChargeWindowSchema.nullable().optional()])) as Record<Weekday, z.ZodOptional<z.ZodNullable<typeof ChargeWindowSchema>>>),
});
export type ChargeSchedule = z.infer<typeof ChargeScheduleSchema>;

/** A departure (climate / ready-at) timer. */
export const DepartureTimerSchema = z.object({
  id: z.number().int().min(1),
  enabled: z.boolean(),
  time: hhmm,
  days: z.array(z.enum(WEEKDAYS)),
  /** Days whose time differs from `time` (Renault hvac schedules keep one time per day). */
  dayTimes: z.partialRecord(z.enum(WEEKDAYS), hhmm).optional(),
  action: z.enum(['charge', 'climate', 'charge_and_climate']).optional(),
});
export type DepartureTimer = z.infer<typeof DepartureTimerSchema>;

export const CHARGE_MODES = ['always', 'scheduled', 'delayed'] as const;

/** msg.payload of car-charging: what the car's charging is set to. */
export const ChargingSettingsSchema = z.object({
  vin: z.string(),
  mode: z.enum(CHARGE_MODES).optional(),
  targetSocPercent: z.number().min(0).max(100).optional(),
  minSocPercent: z.number().min(0).max(100).optional(),
  /** The times in schedules and timers are in this zone: "UTC" for Renault. */
  timeZone: z.string().optional(),
  schedules: z.array(ChargeScheduleSchema).optional(),
  departureTimers: z.array(DepartureTimerSchema).optional(),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ChargingSettings = z.infer<typeof ChargingSettingsSchema>;

const MINUTES_A_DAY = 1440;
const minutesOf = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/**
 * A schedule as a flow writes it: strict (a misspelt or capitalised day is refused, never read as
 * "no charging that day"), and no window may run into the next day's window.
 */
const ChargeScheduleChangeSchema = z
  .strictObject({
    id: ChargeScheduleSchema.shape.id,
    enabled: ChargeScheduleSchema.shape.enabled,
    days: z.strictObject(ChargeScheduleSchema.shape.days.shape),
  })
  .superRefine((schedule, ctx) => {
    WEEKDAYS.forEach((day, i) => {
      const w = schedule.days[day];
      const next = WEEKDAYS[(i + 1) % WEEKDAYS.length] ?? 'monday';
      const after = schedule.days[next];
      if (!w || !after) return;
      const end = minutesOf(w.start) + w.durationMin;
      if (end > MINUTES_A_DAY + minutesOf(after.start)) {
        ctx.addIssue({ code: 'custom', path: ['days', day], message: `the window ${w.start}+${w.durationMin} min runs into ${next}'s window at ${after.start}` });
      }
    });
  });

/** What a flow may ask to change; every field optional, nothing else allowed. */
export const ChargingChangeSchema = z
  .object({
    mode: z.enum(CHARGE_MODES).optional(),
    targetSocPercent: z.number().int().min(0).max(100).optional(),
    minSocPercent: z.number().int().min(0).max(100).optional(),
    schedules: z.array(ChargeScheduleChangeSchema).max(5).optional(),
    departureTimers: z.array(DepartureTimerSchema.strict()).max(5).optional(),
  })
  .strict();
export type ChargingChange = z.infer<typeof ChargingChangeSchema>;
