import {
  CarError,
  TokenRejectedError,
  parseJsonBody,
  registerSecret,
  type CallKind,
  type HttpMethod,
  type HttpResponse,
} from '../../core';
import type { ProviderContext } from '../provider';
import { CarDataErrorSchema } from './schemas';

/** The name users know the cloud by, for messages. */
export const CARDATA_NAME = 'BMW CarData';

/** Production hosts (spec bmw.md B1-B3). Overridable per account (the simulator, a proxy). */
export const DEFAULT_SERVERS = {
  /** REST root. */
  api: 'https://api-cardata.bmwgroup.com',
  /** OAuth root: {auth}/oauth/device/code and {auth}/oauth/token. */
  auth: 'https://customer.bmwgroup.com/gcdm',
  /** MQTT broker (TLS). */
  mqtt: 'mqtts://customer.streaming-cardata.bmwgroup.com:9000',
} as const;

export const SCOPES = 'authenticate_user openid cardata:streaming:read cardata:api:read';

/** The REST endpoints as data: method and path below the API root. */
export const ENDPOINTS = {
  mappings: { method: 'GET', path: '/customers/vehicles/mappings' },
  containers: { method: 'GET', path: '/customers/containers' },
  container: { method: 'GET', path: '/customers/containers/{containerId}' },
  createContainer: { method: 'POST', path: '/customers/containers' },
  deleteContainer: { method: 'DELETE', path: '/customers/containers/{containerId}' },
  telematicData: { method: 'GET', path: '/customers/vehicles/{vin}/telematicData' },
  basicData: { method: 'GET', path: '/customers/vehicles/{vin}/basicData' },
  chargingHistory: { method: 'GET', path: '/customers/vehicles/{vin}/chargingHistory' },
  image: { method: 'GET', path: '/customers/vehicles/{vin}/image' },
  locationBasedChargingSettings: { method: 'GET', path: '/customers/vehicles/{vin}/locationBasedChargingSettings' },
  smartMaintenanceTyreDiagnosis: { method: 'GET', path: '/customers/vehicles/{vin}/smartMaintenanceTyreDiagnosis' },
} as const satisfies Record<string, { method: HttpMethod; path: string }>;
export type EndpointName = keyof typeof ENDPOINTS;

/** Containers a CarData user may have (CU-124 beyond). */
export const MAX_CONTAINERS = 10;

export interface CarDataCall {
  endpoint: EndpointName;
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  kind: CallKind;
  signal?: AbortSignal;
  /** The answer may be something else than JSON (the image): its bytes are returned as a Buffer. */
  binary?: boolean;
}

export interface CarDataAnswer {
  status: number;
  body: unknown;
  contentType?: string;
}

export function endpointPath(endpoint: EndpointName, params: Record<string, string> = {}): string {
  return ENDPOINTS[endpoint].path.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = params[k];
    if (v === undefined) throw new CarError('BAD_INPUT', `CarData ${endpoint}: ${k} is missing`);
    return encodeURIComponent(v);
  });
}

/**
 * One CarData REST call: bearer token and x-version headers, one budgeted call per attempt
 * (every call counts against the 50 a day, so nothing is retried here), and every failure
 * mapped to a CarError. A rejected token throws TokenRejectedError (the session re-mints it).
 */
export async function cardata(ctx: ProviderContext, accessToken: string, call: CarDataCall): Promise<CarDataAnswer> {
  registerSecret(accessToken);
  const e = ENDPOINTS[call.endpoint];
  const base = (ctx.config.servers.api ?? DEFAULT_SERVERS.api).replace(/\/$/, '');
  const where = `BMW CarData ${e.method} ${call.endpoint}`;
  const res = await ctx.http.request({
    method: e.method,
    url: base + endpointPath(call.endpoint, call.params),
    ...(call.query ? { query: call.query } : {}),
    headers: {
      authorization: `Bearer ${accessToken}`,
      'x-version': 'v1',
      accept: call.binary ? 'image/png, image/*, application/json' : 'application/json',
    },
    ...(call.body !== undefined ? { json: call.body } : {}),
    retry: false,
    ...(call.binary ? { binary: true } : {}),
    onAttempt: () => ctx.budget.take(call.kind),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  if (res.status >= 200 && res.status < 300) {
    const contentType = res.headers['content-type'];
    if (res.status === 204 || (res.bytes ? res.bytes.length === 0 : res.text.trim() === '')) return { status: res.status, body: undefined, ...(contentType ? { contentType } : {}) };
    // The image: PNG or JPEG bytes, whole (clients store them as files; the 2026 swagger also allows JSON).
    if (call.binary && res.bytes && !(contentType ?? '').includes('json')) return { status: res.status, body: res.bytes, contentType: contentType ?? 'application/octet-stream' };
    return { status: res.status, body: parseJsonBody(res, where), ...(contentType ? { contentType } : {}) };
  }
  throw mapCarDataError(ctx, res, where);
}

export function parseCarDataError(text: string): { id?: string; message?: string } {
  try {
    const p = CarDataErrorSchema.safeParse(JSON.parse(text));
    if (!p.success) return {};
    const id = p.data.exveErrorId ?? p.data.errorId ?? p.data.error;
    const message = p.data.exveErrorMsg ?? p.data.errorMessage ?? p.data.message;
    return { ...(id ? { id } : {}), ...(message ? { message } : {}) };
  } catch {
    return {};
  }
}

/** CarData's error ids in words a user can act on, with the core code (spec B2). */
export function mapCarDataError(ctx: ProviderContext | undefined, res: HttpResponse, where: string): Error {
  const { id = '', message } = parseCarDataError(res.text);
  const said = message ? ` (${message})` : '';
  const opts = { status: res.status, ...(id ? { upstreamCode: id } : {}) };
  if (id === 'CU-429' || res.status === 429) {
    // BMW says it with HTTP 403 and CU-429, not 429 (kvanbiesen#424, commit e97d2ae).
    // The quota is per BMW account and may be spent by other apps too: pause until the server
    // says, else until our own 24 h log frees a call, and at least the budget's base pause.
    const own = ctx ? ctx.budget.nextSlotAt('explicit') : undefined;
    const hint = res.retryAt ?? (own !== undefined && Number.isFinite(own) && own > (ctx?.clock.now() ?? 0) ? own : undefined);
    const until = ctx ? ctx.budget.penalize(hint) : hint;
    return new CarError(
      'QUOTA_EXCEEDED',
      `${where}: BMW says the account's CarData quota (50 calls a day) is spent${said}; calls pause until ${until !== undefined ? new Date(until).toISOString() : 'later'}. The stream keeps working meanwhile.`,
      { ...opts, ...(until !== undefined ? { retryAt: until } : {}) },
    );
  }
  if (id === 'CU-103') {
    return new CarError(
      'AUTH_FAILED',
      `${where}: the token has no CarData API scope (CU-103). In the MyBMW portal (CarData), subscribe the client id to "CarData API" as well as "CarData Streaming", then sign in again.`,
      { ...opts, transient: false },
    );
  }
  if (id === 'CU-124') {
    return new CarError(
      'NOT_SUPPORTED',
      `${where}: the BMW account already has ${MAX_CONTAINERS} CarData containers (CU-124), the most it may have. Delete one you no longer use in the MyBMW portal (CarData) and try again.`,
      { ...opts, transient: false },
    );
  }
  if (id === 'CU-403') {
    return new CarError(
      'NOT_SUPPORTED',
      // BMW answers CU-403 to the mappings as well as to a container it will not make (ioBroker.bmw#196).
      `${where}: BMW refused it for this account (CU-403): the account must be the car's primary user, with both "CarData API" and "CarData Streaming" subscribed${said}`,
      { ...opts, transient: false },
    );
  }
  if (id === 'CU-105') {
    return new CarError(
      'UPSTREAM',
      `${where}: BMW does not know the plugin's data container (CU-105: deleted in the portal or dropped by BMW)${said}; the plugin creates it again on the next read`,
      opts,
    );
  }
  // An expired token also comes as 403 CU-127 "invalid_token" (kvanbiesen#381), whatever the doc table says CU-127 is.
  if (res.status === 401 || id === 'CU-100' || id === 'CU-101' || id === 'CU-102' || message === 'invalid_token') return new TokenRejectedError(`${where}: ${message ?? 'unauthorized'}`);
  if (res.status === 404) return new CarError('NOT_SUPPORTED', `${where}: not available for this car or account (HTTP 404${id ? ` ${id}` : ''})${said}`, { ...opts, transient: false });
  if (res.status === 403) {
    return new CarError('NOT_SUPPORTED', `${where}: BMW refused the request (HTTP 403${id ? ` ${id}` : ''})${said}. Only the car's primary user gets its data.`, { ...opts, transient: false });
  }
  if (res.status === 400) return new CarError('UPSTREAM', `${where}: BMW refused the request (HTTP 400${id ? ` ${id}` : ''})${said}`, { ...opts, transient: false });
  if (!id && /^\s*</.test(res.text)) return new CarError('UPSTREAM', `${where}: BMW's gateway answered HTTP ${res.status} with an HTML page (outage)`, opts);
  return new CarError('UPSTREAM', `${where}: HTTP ${res.status}${id ? ` ${id}` : ''}${said}`, opts);
}
