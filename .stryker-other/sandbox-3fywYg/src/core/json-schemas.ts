// @ts-nocheck
import { z } from 'zod';
import { VehicleSchema, VehicleStatusSchema } from './model';
import { CommandInputSchema, CommandResultSchema, CommandStepSchema } from './commands';
import { ChargingChangeSchema, ChargingSettingsSchema } from './charging';
import { ChargeSessionSchema, TripSchema } from './history';
import { PresenceEventSchema, PresenceUpdateSchema } from './presence';
import { CarEventSchema } from './events';

/** Every payload the nodes emit or accept, by the name its JSON Schema file gets in docs/schemas. */
export const PAYLOAD_SCHEMAS: Record<string, z.ZodType> = {
  'vehicle-status': VehicleStatusSchema,
  vehicle: VehicleSchema,
  'command-input': CommandInputSchema,
  'command-step': CommandStepSchema,
  'command-result': CommandResultSchema,
  'charging-settings': ChargingSettingsSchema,
  'charging-change': ChargingChangeSchema,
  trip: TripSchema,
  'charge-session': ChargeSessionSchema,
  'presence-update': PresenceUpdateSchema,
  'presence-event': PresenceEventSchema,
  'car-event': CarEventSchema,
};

/** The JSON Schemas of the payloads, generated from the zod schemas (the one source). */
export function payloadJsonSchemas(extra: Record<string, z.ZodType> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries({ ...PAYLOAD_SCHEMAS, ...extra })) {
    out[name] = { $id: `${name}.schema.json`, title: name, ...z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) };
  }
  return out;
}
