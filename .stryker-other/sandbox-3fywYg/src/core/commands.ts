// @ts-nocheck
import { z } from 'zod';

/** Commands a car-command node can send; each provider says which a vehicle accepts. */
export const COMMANDS = [
  'lock',
  'unlock',
  'climate_start',
  'climate_stop',
  'charge_start',
  'charge_stop',
  'flash',
  'horn',
  'finder',
  'send_poi',
  'refresh',
] as const;
export const CommandNameSchema = z.enum(COMMANDS);
export type CommandName = z.infer<typeof CommandNameSchema>;

/** msg.payload of car-command (or its settings), validated before anything is sent. */
export const CommandInputSchema = z
  .object({
    command: CommandNameSchema,
    /** climate_start: target cabin temperature. */
    temperatureC: z.number().min(15).max(30).optional(),
    /** climate_start / charge_start: start later instead of now (ISO time in the future). */
    startAt: z.iso.datetime({ offset: true }).optional(),
    /** send_poi: where to. */
    poi: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        name: z.string().max(100).optional(),
        address: z.string().max(200).optional(),
      })
      // A misspelt field (adress) is refused by name, as at the top level, not dropped without a word.
      .strict()
      .optional(),
  })
  .strict();
export type CommandInput = z.infer<typeof CommandInputSchema>;

/** The steps a command goes through, as car-command reports them. */
/** unknown: the command went out but its answer was lost (it may have run): never sent again, followed where the brand can. */
export const COMMAND_STEPS = ['sent', 'accepted', 'delivered', 'executed', 'failed', 'timed_out', 'unknown'] as const;
export const CommandStepNameSchema = z.enum(COMMAND_STEPS);
export type CommandStepName = z.infer<typeof CommandStepNameSchema>;

export const CommandStepSchema = z.object({
  vin: z.string(),
  command: CommandNameSchema,
  step: CommandStepNameSchema,
  at: z.iso.datetime({ offset: true }),
  /** The cloud's id of the action, when it gives one. */
  actionId: z.string().optional(),
  /** What confirmed the step (e.g. "notification", "event status", "battery-status re-read"). */
  source: z.string().optional(),
  detail: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** True for a confirmation that came after the command had already timed out. */
  late: z.boolean().optional(),
});
export type CommandStep = z.infer<typeof CommandStepSchema>;

/** msg.payload of car-command's result output. */
export const CommandResultSchema = z.object({
  vin: z.string(),
  command: CommandNameSchema,
  outcome: z.enum(['executed', 'failed', 'timed_out', 'unknown']),
  actionId: z.string().optional(),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  steps: z.array(CommandStepSchema),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;
