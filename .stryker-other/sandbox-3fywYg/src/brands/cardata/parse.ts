// @ts-nocheck
import { CarError, type HttpResponse } from '../../core';
import { mapCarDataError } from './api';
import { mapChargingSession } from './history';
import { mapTelematic } from './map';
import { BasicDataSchema, ChargingHistorySchema, ContainersSchema, MappingsSchema, readStreamMessage, readTelematicData } from './schemas';
import { brandOf, drivetrainOf } from './capabilities';

/** Kinds `connected-car parse cardata <kind> <file>` understands. */
export const PARSEABLE = ['telematicData', 'stream', 'mappings', 'basicData', 'chargingHistory', 'containers', 'error'] as const;

/**
 * What the client makes of one raw CarData body: the mapped model (with the keys it does not
 * map under `unmapped`), or for an error body the CarError it becomes. Throws CarError
 * UPSTREAM when the body does not fit the kind.
 */
export function parseCarData(kind: string, text: string, options: { vin?: string; status?: number; now?: number } = {}): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const now = options.now ?? Date.now();
  const looksLikeError = body === undefined || (typeof body === 'object' && body !== null && ('exveErrorId' in body || ('error' in body && !('telematicData' in body))));
  if (kind === 'error' || looksLikeError) {
    const res: HttpResponse = { status: options.status ?? (body === undefined ? 502 : 400), headers: {}, text };
    const err = mapCarDataError(undefined, res, `BMW CarData ${kind}`);
    const car = err instanceof CarError ? err : new CarError('AUTH_FAILED', err.message);
    return { error: car.toJSON() };
  }
  const fail = (what: string): never => {
    throw new CarError('UPSTREAM', `BMW CarData ${kind}: the file is not a ${what} answer`);
  };
  switch (kind) {
    case 'telematicData': {
      const p = readTelematicData(body);
      if (!p) return fail('telematicData');
      return mapTelematic(p.telematicData, now);
    }
    case 'stream': {
      const p = readStreamMessage(body);
      if (!p) return fail('stream message');
      const { status, unmapped } = mapTelematic(p.data, now);
      return { vin: p.vin ?? p.topic?.split('/')[1], status, unmapped };
    }
    case 'mappings': {
      const p = MappingsSchema.safeParse(body);
      if (!p.success) return fail('vehicle mappings');
      return p.data.map((m) => ({ vin: m.vin, mappingType: m.mappingType, brand: brandOf(m.vin) }));
    }
    case 'basicData': {
      const p = BasicDataSchema.safeParse(body);
      if (!p.success) return fail('basicData');
      const vin = p.data.vin ?? options.vin ?? '';
      const model = p.data.modelName ?? p.data.series ?? p.data.modelRange;
      return { vin, brand: brandOf(vin, p.data), model, modelCode: p.data.modelKey, drivetrain: drivetrainOf(p.data) };
    }
    case 'chargingHistory': {
      const p = ChargingHistorySchema.safeParse(body);
      if (!p.success) return fail('chargingHistory');
      const vin = options.vin ?? 'UNKNOWN';
      return { sessions: p.data.sessions.flatMap((s) => mapChargingSession(vin, s) ?? []), nextToken: p.data.nextToken };
    }
    case 'containers': {
      const p = ContainersSchema.safeParse(body);
      if (!p.success) return fail('containers');
      return p.data.map((c) => ({ containerId: c.containerId, name: c.name, state: c.state }));
    }
    default:
      throw new CarError('BAD_INPUT', `kind "${kind}" is not one the CarData parser knows; allowed: ${PARSEABLE.join(', ')}`);
  }
}
