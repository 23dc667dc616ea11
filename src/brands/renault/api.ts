import { CarError, TokenRejectedError, parseJsonBody, type CallKind, type HttpMethod, type HttpResponse } from '../../core';
import type { ProviderContext } from '../provider';
import { KamereonErrorSchema } from './schemas';

/** Kamereon defaults (spec §1). The keys are the MyRenault app's public ids; users can override them. */
export const DEFAULT_SERVERS = {
  eu: { gigya: 'https://accounts.eu1.gigya.com', kamereon: 'https://api-wired-prod-1-euw1.wrd-aws.com' },
  us: { gigya: 'https://accounts.us1.gigya.com', kamereon: 'https://api-wired-prod-1-usw2.wrd-aws.com' },
} as const;
export const DEFAULT_KEYS = {
  gigyaEu: '3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N',
  gigyaLu: '3_zt44Wl_wT9mnqn-BHrR19PvXj3wYRPQKLcPbGWawlatFR837KdxSZZStbBTDaqnb',
  gigyaMx: '4_yTFqPSsGxVyRXPZUM7t1Iw',
  kamereon: 'YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J',
} as const;

export const LOCALES = [
  'bg_BG', 'cs_CZ', 'da_DK', 'de_DE', 'de_AT', 'de_CH', 'en_GB', 'en_IE', 'es_ES', 'es_MX', 'fi_FI', 'fr_FR', 'fr_BE', 'fr_CH',
  'fr_LU', 'hr_HR', 'hu_HU', 'it_IT', 'it_CH', 'nl_NL', 'nl_BE', 'no_NO', 'pl_PL', 'pt_PT', 'ro_RO', 'ru_RU', 'sk_SK', 'sl_SI', 'sv_SE',
] as const;

/** Read endpoints: path under the account root, with the adapter version renault-api uses today. */
export const READS = {
  'battery-status': 'kca/car-adapter/v2/cars/{vin}/battery-status',
  cockpit: 'kca/car-adapter/v1/cars/{vin}/cockpit',
  location: 'kca/car-adapter/v1/cars/{vin}/location',
  'hvac-status': 'kca/car-adapter/v1/cars/{vin}/hvac-status',
} as const;
export type ReadName = keyof typeof READS;

const KCA = '/accounts/{accountId}/kamereon/kca/car-adapter';
const KCM = '/accounts/{accountId}/kamereon/kcm/v1/vehicles/{vin}';

/** Query parameters an endpoint takes: a date range, a history range with its type, or the contracts' fixed set. */
export type EndpointParams = 'none' | 'dates' | 'history' | 'contracts';

export interface ReadEndpointDef {
  /** Path after {kamereon}/commerce/v1, with {accountId} and {vin}. */
  path: string;
  /** Row of the per-model grid (capabilities.ts, spec §6.3); absent = every model has it. */
  capability?: string;
  params: EndpointParams;
  /** History reads (charges, sessions): at most hourly per vehicle (spec §8). */
  history?: boolean;
}

/**
 * Every vehicle read of spec §4–§5 by its spec name, with the adapter version renault-api
 * uses today. READS above is the status subset other modules import.
 */
export const READ_ENDPOINTS = {
  'battery-status': { path: `${KCA}/v2/cars/{vin}/battery-status`, capability: 'battery-status', params: 'none' },
  cockpit: { path: `${KCA}/v1/cars/{vin}/cockpit`, capability: 'cockpit', params: 'none' },
  location: { path: `${KCA}/v1/cars/{vin}/location`, capability: 'location', params: 'none' },
  'hvac-status': { path: `${KCA}/v1/cars/{vin}/hvac-status`, capability: 'hvac-status', params: 'none' },
  'hvac-settings': { path: `${KCA}/v1/cars/{vin}/hvac-settings`, capability: 'hvac-settings', params: 'none' },
  'charge-mode': { path: `${KCA}/v1/cars/{vin}/charge-mode`, capability: 'charge-mode', params: 'none' },
  'charging-settings': { path: `${KCA}/v1/cars/{vin}/charging-settings`, capability: 'charging-settings', params: 'none' },
  'charge-schedule': { path: `${KCA}/v1/cars/{vin}/charge-schedule`, capability: 'charge-schedule', params: 'none' },
  charges: { path: `${KCA}/v1/cars/{vin}/charges`, capability: 'charges', params: 'dates', history: true },
  'charge-history': { path: `${KCA}/v1/cars/{vin}/charge-history`, capability: 'charge-history', params: 'history', history: true },
  'hvac-sessions': { path: `${KCA}/v1/cars/{vin}/hvac-sessions`, capability: 'hvac-sessions', params: 'dates', history: true },
  'hvac-history': { path: `${KCA}/v1/cars/{vin}/hvac-history`, capability: 'hvac-history', params: 'history', history: true },
  'lock-status': { path: `${KCA}/v1/cars/{vin}/lock-status`, capability: 'lock-status', params: 'none' },
  'res-state': { path: `${KCA}/v1/cars/{vin}/res-state`, capability: 'res-state', params: 'none' },
  pressure: { path: `${KCA}/v1/cars/{vin}/pressure`, capability: 'pressure', params: 'none' },
  'notification-settings': { path: `${KCA}/v1/cars/{vin}/notification-settings`, capability: 'notification-settings', params: 'none' },
  alerts: { path: '/accounts/{accountId}/kamereon/vehicles/{vin}/alerts', capability: 'alerts', params: 'none' },
  'ev/settings': { path: `${KCM}/ev/settings`, params: 'none' },
  'ev/soc-levels': { path: `${KCM}/ev/soc-levels`, capability: 'soc-levels', params: 'none' },
  'car-adapter': { path: `${KCA}/v2/cars/{vin}`, params: 'none' },
  details: { path: '/accounts/{accountId}/vehicles/{vin}/details', params: 'none' },
  contracts: { path: '/accounts/{accountId}/vehicles/{vin}/contracts', params: 'contracts' },
} as const satisfies Record<string, ReadEndpointDef>;
export type ReadEndpointName = keyof typeof READ_ENDPOINTS;
/** The same table, typed for lookups by any name. */
export const ENDPOINT_DEFS: Readonly<Record<ReadEndpointName, ReadEndpointDef>> = READ_ENDPOINTS;
export const READ_ENDPOINT_NAMES = Object.keys(READ_ENDPOINTS) as ReadEndpointName[];

/** Other names users meet for the same endpoints (renault-api keys, fixture file names). */
export const ENDPOINT_ALIASES: Readonly<Record<string, ReadEndpointName>> = {
  'soc-levels': 'ev/soc-levels',
  'ev-soc-levels': 'ev/soc-levels',
  'ev-settings': 'ev/settings',
  'vehicle-details': 'details',
  gateway: 'car-adapter',
  'vehicle-contracts': 'contracts',
};

/** The endpoint of a name or alias; undefined when unknown. */
export function endpointByName(name: string): ReadEndpointName | undefined {
  const n = name.trim().toLowerCase();
  if ((READ_ENDPOINT_NAMES as string[]).includes(n)) return n as ReadEndpointName;
  return ENDPOINT_ALIASES[n];
}

export interface KamereonAuth {
  jwt: string;
}

export interface KamereonCall {
  method: HttpMethod;
  /** Path after {kamereon}/commerce/v1. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  kind: CallKind;
}

/**
 * One Kamereon call: apikey and JWT headers, country query, the account's budget spent per
 * attempt, and every failure mapped to a CarError (spec §7). A rejected JWT throws
 * TokenRejectedError so that the session re-mints it and retries once.
 */
export async function kamereon(ctx: ProviderContext, auth: KamereonAuth, call: KamereonCall): Promise<unknown> {
  const base = ctx.config.servers.kamereon ?? '';
  const where = `Renault ${call.method} ${describePath(call.path)}`;
  const res = await ctx.http.request({
    method: call.method,
    url: `${base.replace(/\/$/, '')}/commerce/v1${call.path}`,
    query: { country: country(ctx.config.locale), ...call.query },
    headers: { apikey: ctx.config.keys.kamereonApiKey ?? '', 'x-gigya-id_token': auth.jwt },
    contentType: 'application/vnd.api+json',
    ...(call.body !== undefined ? { json: call.body } : {}),
    // Actions may reach the car: never repeated by us.
    retry: call.method === 'GET',
    onAttempt: () => ctx.budget.take(call.kind),
  });
  if (res.status >= 200 && res.status < 300) {
    const body = parseJsonBody(res, where);
    return body;
  }
  throw mapKamereonError(ctx, res, where);
}

/** The country parameter is the locale's last two letters (spec §1.4). */
export function country(locale: string): string {
  return locale.slice(-2).toUpperCase();
}

/** Paths name the endpoint, never the VIN or ids, in errors. */
function describePath(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(-1)[0] ?? path;
}

interface ParsedKamereonError {
  code?: string;
  message?: string;
  detail?: string;
}

export function parseKamereonError(text: string): ParsedKamereonError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = KamereonErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const e = parsed.data;
  if (e.error) return { code: e.error, message: e.error_description ?? e.error };
  const first = e.errors?.[0];
  const msg = e.messages?.[0];
  const code = first?.errorCode ?? msg?.code;
  const message = first?.errorMessage ?? msg?.message;
  const out: ParsedKamereonError = {};
  if (code !== undefined && code !== null) out.code = String(code);
  if (typeof message === 'string') {
    out.message = message;
    const nested = nestedDetail(message);
    if (nested) out.detail = nested;
  }
  return out;
}

/** errorMessage can itself be JSON ({"errors":[{title, detail, source.pointer}]}). */
function nestedDetail(message: string): string | undefined {
  if (!message.trim().startsWith('{')) return undefined;
  try {
    const inner = JSON.parse(message) as { errors?: { title?: unknown; detail?: unknown; errorMessage?: unknown; source?: { pointer?: unknown } }[] };
    const e = inner.errors?.[0];
    if (!e) return undefined;
    return [e.title, e.source?.pointer, e.detail ?? e.errorMessage].filter((x) => typeof x === 'string' && x).join(' ');
  } catch {
    return undefined;
  }
}

/** Codes that mean "this car or its subscription does not have it" (spec §7.2). */
const UNSUPPORTED_CODES = new Set([
  'err.func.403',
  'err.func.wired.forbidden',
  'err.func.wired.notFound',
  'err.func.wired.not-found',
  'err.tech.501',
  '400001',
  'err.func.wired.methodNotAllowed',
]);

/**
 * Spec §7.2: Kamereon's codes in words a user understands, with the core code. `where` names
 * the call ("Renault GET battery-status"), never the VIN or a token.
 */
export function mapKamereonError(ctx: ProviderContext | undefined, res: HttpResponse, where: string): Error {
  const e = parseKamereonError(res.text);
  const code = e.code ?? '';
  const said = e.detail || e.message;
  const opts = { status: res.status, ...(code ? { upstreamCode: code } : {}) };
  const text = `${code} ${said ?? ''}`;
  if (res.status === 401 || code === 'err.func.wired.unauthorized') return new TokenRejectedError(`${where}: ${said ?? 'unauthorized'}`);
  if (code === 'access_denied') {
    return new CarError('AUTH_FAILED', `${where}: Renault refused the Kamereon API key. Renault rotates it now and then: set the current one under Advanced in the account.`, {
      ...opts,
      transient: false,
    });
  }
  if (code === '403102' || /pending tfa|pending two-factor/i.test(text)) {
    // evcc #30405: a Kamereon call answering the Gigya TFA state.
    return new CarError('TFA_REQUIRED', `${where}: Renault asks for a two-factor code for this account; sign in again from the account node`, { ...opts, transient: false });
  }
  if (code === 'err.func.wired.overloaded' || res.status === 429) {
    const until = ctx ? ctx.budget.penalize(res.retryAt) : res.retryAt;
    return new CarError('RATE_LIMITED', `${where}: Renault says the account has reached its quota; calls pause until ${until ? new Date(until).toISOString() : 'later'}`, {
      ...opts,
      ...(until !== undefined ? { retryAt: until } : {}),
    });
  }
  if (code === 'err.func.privacy.on') {
    // Not permanent: the driver can switch it off (see permanentlyUnsupported).
    return new CarError('NOT_SUPPORTED', `${where}: the car's privacy mode is on, so it shares nothing; switch it off in the car`, { ...opts, transient: false });
  }
  if (code === '409001' || /already in progress/i.test(said ?? '') || res.status === 409) {
    return new CarError('UPSTREAM', `${where}: the same kind of command is already in progress in the car; try again in a few minutes`, { ...opts, transient: true });
  }
  if (code === 'err.func.400' || code.startsWith('err.func.wired.invalid-body') || code === 'err.func.wired.missingRequestParam') {
    return new CarError('BAD_INPUT', `${where}: Renault refused the request${said ? `: ${said}` : ''}`, opts);
  }
  if (UNSUPPORTED_CODES.has(code) || code.startsWith('err.func.vcps.') || code.startsWith('err.tech.vcps.')) {
    const why = code === 'err.tech.501' ? 'the car\'s gateway cannot do this' : 'not available for this car or its subscription';
    return new CarError('NOT_SUPPORTED', `${where}: ${why}${said ? ` (${said})` : ''}`, { ...opts, transient: false });
  }
  if (code === 'err.tech.wired.kamereon-proxy') {
    return new CarError('UPSTREAM', `${where}: Renault's server could not reach the car service (an outage, or an expired connected-services contract); it usually passes`, opts);
  }
  if (code === 'err.tech.500') {
    return new CarError('UPSTREAM', `${where}: Renault's server got no valid answer from the car's gateway (temporary)${said ? ` (${said})` : ''}`, opts);
  }
  if (code === 'err.tech.502') {
    return new CarError('UPSTREAM', `${where}: Renault's server had an internal error${said ? ` (${said})` : ''}; it usually passes`, opts);
  }
  if (!code && /^\s*</.test(res.text)) {
    return new CarError('UPSTREAM', `${where}: Renault's gateway answered HTTP ${res.status} with an HTML page (an outage); it usually passes`, opts);
  }
  if (!code && res.text.trim() !== '' && !/^\s*[[{]/.test(res.text)) {
    // Plain-text errors come from the gateway in front of Kamereon during outages ("Requested route ... does not exist").
    return new CarError('UPSTREAM', `${where}: Renault's gateway answered HTTP ${res.status} with a plain-text error (an outage); it usually passes`, opts);
  }
  if (res.status === 404) return new CarError('NOT_SUPPORTED', `${where}: unknown endpoint for this car (HTTP 404)`, { ...opts, transient: false });
  return new CarError('UPSTREAM', `${where}: HTTP ${res.status}${code ? ` ${code}` : ''}${said ? `: ${said}` : ''}`, opts);
}

/**
 * A NOT_SUPPORTED that will not pass by itself: privacy mode can be switched off, and an
 * access denied on an endpoint that worked before is transient (Home Assistant's rule, spec §6.3).
 */
export function permanentlyUnsupported(err: CarError, workedBefore: boolean): boolean {
  if (err.code !== 'NOT_SUPPORTED') return false;
  if (err.upstreamCode === 'err.func.privacy.on') return false;
  if (err.upstreamCode === 'err.func.403' && workedBefore) return false;
  return true;
}
