// @ts-nocheck
import { z } from 'zod';
import { CarError, toIsoUtc, type HttpResponse } from '../../core';
import { mapKamereonError } from './api';
import { parseGigya } from './auth';
import { mapEvSettings } from './charging-map';
import { ACCOUNT_ENDPOINTS, ENDPOINT_ALIASES, READ_ENDPOINT_NAMES, endpointByName, mapEndpoint } from './endpoints';
import { mapVehicles } from './map';
import { ActionEchoSchema, EvSettingsSchema, GigyaAccountInfoSchema, GigyaJwtSchema, GigyaLoginSchema, str } from './schemas';

const GIGYA = ['gigya-login', 'gigya-account-info', 'gigya-jwt'] as const;
const OTHERS = ['vehicles', 'person', 'notifications', 'action', 'app-config', 'error'] as const;

/** Endpoints `connected-car parse renault <endpoint> <file>` understands, by their spec names (and aliases). */
export const PARSEABLE: readonly string[] = [...READ_ENDPOINT_NAMES, ...Object.keys(ENDPOINT_ALIASES), ...OTHERS, ...GIGYA];

export interface ParseOptions {
  /** The car's model code (e.g. X101VE: charging power in W). */
  modelCode?: string;
  /** The HTTP status the answer came with, when known (errors). */
  status?: number;
  /** "Now" for contracts that ended (epoch ms). */
  now?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Kamereon error envelope (or the bare body of a wrong API key). */
function isKamereonError(body: unknown): boolean {
  if (!isRecord(body)) return false;
  return Array.isArray(body.errors) || (typeof body.error === 'string' && 'error_description' in body) || (Array.isArray(body.messages) && !('data' in body));
}

/** A Gigya body: callId/apiVersion and a numeric errorCode. */
function isGigya(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && 'errorCode' in body && ('callId' in body || 'apiVersion' in body || 'statusCode' in body);
}

function kamereonError(text: string, status: number | undefined, where: string): { error: ReturnType<CarError['toJSON']> } {
  const res: HttpResponse = { status: status ?? (/^\s*</.test(text) ? 502 : 400), headers: {}, text };
  const err = mapKamereonError(undefined, res, where);
  // A rejected token is not a CarError (the session retries it): in a file it means "unauthorized".
  const car = err instanceof CarError ? err : new CarError('AUTH_FAILED', `${where}: Renault rejected the access token (expired or from another account)`, { status: res.status });
  return { error: car.toJSON() };
}

function gigyaModel(endpoint: (typeof GIGYA)[number], body: unknown): unknown {
  const method = endpoint === 'gigya-login' ? 'accounts.login' : endpoint === 'gigya-account-info' ? 'accounts.getAccountInfo' : 'accounts.getJWT';
  try {
    // Tokens are the user's secrets: say that they are there, never print them.
    if (endpoint === 'gigya-login') {
      const p = parseGigya(GigyaLoginSchema, method, body);
      return { signedIn: Boolean(p.sessionInfo?.cookieValue), ...(p.data?.personId ? { personId: p.data.personId } : {}) };
    }
    if (endpoint === 'gigya-account-info') {
      const p = parseGigya(GigyaAccountInfoSchema, method, body);
      return { ...(p.data?.personId ? { personId: p.data.personId } : {}), ...(p.data?.gigyaDataCenter ? { gigyaDataCenter: p.data.gigyaDataCenter } : {}) };
    }
    const p = parseGigya(GigyaJwtSchema, method, body);
    return { token: p.id_token ? 'present' : 'missing' };
  } catch (e) {
    if (e instanceof CarError) return { error: e.toJSON() };
    throw e;
  }
}

/** An action's answer (spec §6): JSON:API echo, KCM command, or the ev/settings object posted back. */
function actionModel(body: unknown): unknown {
  const answer = ActionEchoSchema.safeParse(body);
  const echo = answer.data?.data;
  if (echo) return { actionId: echo.id, type: echo.type, attributes: echo.attributes ?? {} };
  if (answer.data?.commandId !== undefined) return { actionId: answer.data.commandId, type: answer.data.type, status: answer.data.status };
  if (isRecord(body) && ('chargeModeRq' in body || 'programs' in body)) {
    const ev = EvSettingsSchema.safeParse(body);
    if (ev.success) return { type: 'ev/settings', settings: mapEvSettings(ev.data) };
  }
  throw new CarError('UPSTREAM', 'Renault action: the answer is not an action echo ({data: {type, id}}) nor a KCM command');
}

const ServerSchema = z.object({ target: str, apikey: str }).loose().optional().catch(undefined);
const AppConfigSchema = z.object({ servers: z.object({ gigyaProd: ServerSchema, wiredProd: ServerSchema }).loose() }).loose();

/** notifDate comes without a zone ("2022-02-01T19:01:51.622"): it is UTC. */
function utc(v: string | undefined): string | undefined {
  if (!v) return undefined;
  return toIsoUtc(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
}

/**
 * What the client makes of one raw response body: the mapped model, or for an error body
 * `{error}` with the CarError it becomes. Throws CarError UPSTREAM when the body does not
 * fit the endpoint, BAD_INPUT for an unknown endpoint.
 */
export function parseRenault(endpoint: string, text: string, options: ParseOptions = {}): unknown {
  const where = `Renault ${endpoint}`;
  if (!PARSEABLE.includes(endpoint)) {
    throw new CarError('BAD_INPUT', `endpoint "${endpoint}" is not one the Renault parser knows; allowed: ${PARSEABLE.join(', ')}`);
  }
  let body: unknown;
  let json = true;
  try {
    body = JSON.parse(text);
  } catch {
    json = false;
  }
  if ((GIGYA as readonly string[]).includes(endpoint)) {
    if (!json) return { error: new CarError('UPSTREAM', `${where}: Gigya answered ${text.trim() === '' ? 'nothing' : 'something that is not JSON'} (invalid JSON)`).toJSON() };
    return gigyaModel(endpoint as (typeof GIGYA)[number], body);
  }
  if (text.trim() === '') return { error: new CarError('UPSTREAM', `${where}: the answer is empty`).toJSON() };
  if (isGigya(body) && Number((body as { errorCode: unknown }).errorCode) !== 0) return gigyaModel('gigya-login', body);
  if (!json && !/^\s*</.test(text) && /^\s*[[{]/.test(text)) {
    return { error: new CarError('UPSTREAM', `${where}: the answer is not valid JSON (cut short or damaged?)`).toJSON() };
  }
  if (!json || isKamereonError(body)) return kamereonError(text, options.status, where);
  if (endpoint === 'error') throw new CarError('BAD_INPUT', `${where}: the file is not an error answer (no "errors" list); name the endpoint it came from instead`);

  const read = endpointByName(endpoint);
  if (read) return mapEndpoint(read, body, { ...(options.modelCode ? { modelCode: options.modelCode } : {}), now: options.now ?? Date.now() }).mapped;
  switch (endpoint) {
    case 'vehicles': {
      const p = ACCOUNT_ENDPOINTS.vehicles.schema.safeParse(body);
      if (!p.success || !isRecord(body) || !Array.isArray(body.vehicleLinks)) throw new CarError('UPSTREAM', `${where}: the answer is not a vehicles response (no vehicleLinks)`);
      return mapVehicles(p.data, p.data.accountId ?? '');
    }
    case 'person': {
      const p = ACCOUNT_ENDPOINTS.person.schema.safeParse(body);
      if (!p.success || !isRecord(body) || !Array.isArray(body.accounts)) throw new CarError('UPSTREAM', `${where}: the answer is not a person response (no accounts)`);
      return {
        personId: p.data.personId,
        accounts: p.data.accounts.map((a) => ({ accountId: a.accountId, type: a.accountType, status: a.accountStatus, holdsCars: (a.accountType ?? '').toUpperCase() !== 'SFDC' })),
      };
    }
    case 'notifications': {
      const p = ACCOUNT_ENDPOINTS.notifications.schema.safeParse(body);
      if (!p.success) throw new CarError('UPSTREAM', `${where}: the answer is not a list of notifications`);
      return p.data.map((n) => ({
        notificationId: n.notificationId,
        at: utc(n.notifDate),
        actionType: n.actionType,
        commandType: n.commandType,
        status: n.commandResponse?.status,
      }));
    }
    case 'action':
      return actionModel(body);
    case 'app-config': {
      const p = AppConfigSchema.safeParse(body);
      if (!p.success) throw new CarError('UPSTREAM', `${where}: the file is not the app configuration (no "servers")`);
      const g = p.data.servers.gigyaProd;
      const k = p.data.servers.wiredProd;
      // Spec §1.3: legacy; the Kamereon key in this file has been stale for years.
      return { gigya: { url: g?.target, apiKey: g?.apikey }, kamereon: { url: k?.target, apiKey: k?.apikey, stale: true } };
    }
  }
  throw new CarError('BAD_INPUT', `endpoint "${endpoint}" is not one the Renault parser knows; allowed: ${PARSEABLE.join(', ')}`);
}
