import { CarError, type HttpResponse } from '../../core';
import { mapKamereonError, READS, type ReadName } from './api';
import { mapRead } from './index';
import { mapVehicles } from './map';
import { PersonSchema, VehiclesSchema } from './schemas';

/** Endpoints `connected-car parse renault <endpoint> <file>` understands. */
export const PARSEABLE = [...(Object.keys(READS) as ReadName[]), 'vehicles', 'person', 'error'] as const;

/**
 * What the client makes of one raw response body: the mapped model, or for an error body
 * the CarError it becomes. Throws CarError UPSTREAM when the body does not fit the endpoint.
 */
export function parseRenault(endpoint: string, text: string, options: { modelCode?: string; status?: number } = {}): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const looksLikeError =
    body === undefined ||
    (typeof body === 'object' && body !== null && ('errors' in body || ('error' in body && 'error_description' in body)));
  if (endpoint === 'error' || looksLikeError) {
    const res: HttpResponse = { status: options.status ?? (body === undefined ? 502 : 400), headers: {}, text };
    const err = mapKamereonError(undefined, res, `Renault ${endpoint}`);
    const car = err instanceof CarError ? err : new CarError('AUTH_FAILED', err.message);
    return { error: car.toJSON() };
  }
  if ((Object.keys(READS) as string[]).includes(endpoint)) return mapRead(endpoint as ReadName, body, options.modelCode);
  if (endpoint === 'vehicles') {
    const p = VehiclesSchema.safeParse(body);
    if (!p.success) throw new CarError('UPSTREAM', 'Renault vehicles: the answer is not a vehicles response');
    return mapVehicles(p.data, p.data.accountId ?? '');
  }
  if (endpoint === 'person') {
    const p = PersonSchema.safeParse(body);
    if (!p.success) throw new CarError('UPSTREAM', 'Renault person: the answer is not a person response');
    return { personId: p.data.personId, accounts: p.data.accounts.map((a) => ({ accountId: a.accountId, type: a.accountType, status: a.accountStatus })) };
  }
  throw new CarError('BAD_INPUT', `endpoint "${endpoint}" is not one the Renault parser knows; allowed: ${PARSEABLE.join(', ')}`);
}
