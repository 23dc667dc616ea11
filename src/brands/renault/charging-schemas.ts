/**
 * Raw Kamereon bodies of the charging endpoints (spec §5, §6): lenient, unknown fields kept,
 * so that a GET-modify-POST sends back what it did not understand unchanged.
 */
import { z } from 'zod';

const str = z.string();
const num = z.number();

/** KCA `{data:{type?, id?, attributes?}}`; attributes may be missing entirely (spec §3). */
function kca<T extends z.ZodType>(attributes: T) {
  return z.looseObject({
    data: z.looseObject({ type: str.optional(), id: str.optional(), attributes: attributes.optional() }),
  });
}

export const RawChargeModeSchema = kca(z.looseObject({ chargeMode: str.optional() }));

const RawChargeDaySchema = z.looseObject({ startTime: str, duration: num });
const RawHvacDaySchema = z.looseObject({ readyAtTime: str });

/** One slot of charging-settings (and of the charge-schedule action body). */
export const RawChargeScheduleSchema = z.looseObject({
  id: num,
  activated: z.boolean().optional(),
  monday: RawChargeDaySchema.nullish(),
  tuesday: RawChargeDaySchema.nullish(),
  wednesday: RawChargeDaySchema.nullish(),
  thursday: RawChargeDaySchema.nullish(),
  friday: RawChargeDaySchema.nullish(),
  saturday: RawChargeDaySchema.nullish(),
  sunday: RawChargeDaySchema.nullish(),
});
export type RawChargeSchedule = z.infer<typeof RawChargeScheduleSchema>;

export const RawChargingSettingsSchema = kca(
  z.looseObject({
    mode: str.optional(),
    dateTime: str.optional(),
    schedules: z.array(RawChargeScheduleSchema).optional(),
  }),
);

/** ZE40's KCA v1 charge-schedule: a calendar of days, each a list of "HHMM" windows. */
const RawCalendarEntrySchema = z.looseObject({ startTime: str, duration: num, activationState: z.boolean().optional() });
export const RawChargeCalendarSchema = kca(
  z.looseObject({
    calendar: z.partialRecord(
      z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']),
      z.array(RawCalendarEntrySchema).nullish(),
    ).optional(),
  }),
);
export type RawCalendar = NonNullable<NonNullable<z.infer<typeof RawChargeCalendarSchema>['data']['attributes']>['calendar']>;

export const RawHvacScheduleSchema = z.looseObject({
  id: num,
  activated: z.boolean().optional(),
  monday: RawHvacDaySchema.nullish(),
  tuesday: RawHvacDaySchema.nullish(),
  wednesday: RawHvacDaySchema.nullish(),
  thursday: RawHvacDaySchema.nullish(),
  friday: RawHvacDaySchema.nullish(),
  saturday: RawHvacDaySchema.nullish(),
  sunday: RawHvacDaySchema.nullish(),
});
export type RawHvacSchedule = z.infer<typeof RawHvacScheduleSchema>;

export const RawHvacSettingsSchema = kca(
  z.looseObject({
    mode: str.optional(),
    dateTime: str.optional(),
    schedules: z.array(RawHvacScheduleSchema).optional(),
  }),
);

/** KCM ev/settings: plain JSON, posted back whole after a change (spec §6.2). */
export const RawEvProgramSchema = z.looseObject({
  programActivationStatus: z.boolean().optional(),
  programType: str.optional(),
  programDepartureTime: str.optional(),
  programActivationMonday: z.boolean().optional(),
  programActivationTuesday: z.boolean().optional(),
  programActivationWednesday: z.boolean().optional(),
  programActivationThursday: z.boolean().optional(),
  programActivationFriday: z.boolean().optional(),
  programActivationSaturday: z.boolean().optional(),
  programActivationSunday: z.boolean().optional(),
});
export type RawEvProgram = z.infer<typeof RawEvProgramSchema>;

export const RawEvSettingsSchema = z.looseObject({
  lastSettingsUpdateTimestamp: str.optional(),
  chargeModeRq: str.optional(),
  programs: z.array(RawEvProgramSchema).optional(),
});
export type RawEvSettings = z.infer<typeof RawEvSettingsSchema>;

export const RawSocLevelsSchema = z.looseObject({
  lastEnergyUpdateTimestamp: str.optional(),
  socMin: num.optional(),
  socTarget: num.optional(),
});

/** What an accepted action answers: a JSON:API echo with the action id, or KCM's commandId. */
export const RawActionEchoSchema = z.looseObject({
  data: z.looseObject({ id: str.optional() }).optional(),
  commandId: str.optional(),
});
