// @ts-nocheck
import { CarError, TokenRejectedError, parseJsonBody, type CallKind, type HttpMethod, type HttpResponse } from '../../core';
import type { ProviderContext } from '../provider';
import { API_ROOT, endpointMethod, endpointPath, type EndpointName, type PathIds } from './endpoints';
import { refusalOf } from './refusals';
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

export interface KamereonAuth {
  jwt: string;
}

export interface KamereonCall {
  method: HttpMethod;
  /** Path below the API root ({kamereon}/commerce/v1). */
  path: string;
  /** The endpoint's name, for messages; without it the path's last segment. */
  name?: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  kind: CallKind;
  signal?: AbortSignal;
}

/**
 * One Kamereon call: apikey and JWT headers, country query, the account's budget spent per
 * attempt, and every failure mapped to a CarError (spec §7). A rejected JWT throws
 * TokenRejectedError so that the session re-mints it and retries once.
 */
export async function kamereon(ctx: ProviderContext, auth: KamereonAuth, call: KamereonCall): Promise<unknown> {
  const base = ctx.config.servers.kamereon ?? '';
  const where = `Renault ${call.method} ${call.name ?? describePath(call.path)}`;
  const res = await ctx.http.request({
    method: call.method,
    url: `${base.replace(/\/$/, '')}${API_ROOT}${call.path}`,
    query: { country: country(ctx.config.locale), ...call.query },
    headers: { apikey: ctx.config.keys.kamereonApiKey ?? '', 'x-gigya-id_token': auth.jwt },
    contentType: 'application/vnd.api+json',
    ...(call.body !== undefined ? { json: call.body } : {}),
    // Actions may reach the car: never repeated by us.
    retry: call.method === 'GET',
    onAttempt: () => ctx.budget.take(call.kind),
    ...(call.signal ? { signal: call.signal } : {}),
  });
  if (res.status >= 200 && res.status < 300) {
    const body = parseJsonBody(res, where);
    return body;
  }
  throw mapKamereonError(ctx, res, where);
}

/** One call of a named endpoint of the table (endpoints.ts), its placeholders filled from ids; errors name the endpoint. */
export function callEndpoint(ctx: ProviderContext, auth: KamereonAuth, name: EndpointName, ids: PathIds, call: Omit<KamereonCall, 'method' | 'path' | 'name'>): Promise<unknown> {
  return kamereon(ctx, auth, { method: endpointMethod(name), path: endpointPath(name, ids), name, ...call });
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
const UNSUPPORTED_CODES = new Set(['err.func.403', 'err.func.wired.forbidden', 'err.tech.501', '400001', 'err.func.wired.methodNotAllowed']);

/** "No data for this vin" / unknown route: what real cars answer while asleep or just after a change. */
const NOT_FOUND_CODES = new Set(['err.func.wired.notFound', 'err.func.wired.not-found']);

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
  if (NOT_FOUND_CODES.has(code)) {
    // Not "never": Renault answers it while the car sleeps or right after a change (see refusals.ts).
    return new CarError('NOT_SUPPORTED', `${where}: Renault has no data from the car for this now${said ? ` (${said})` : ''}; it answers so while the car sleeps, just after a change, or for what the car lacks`, {
      ...opts,
      transient: true,
    });
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
  if (res.status === 404) return new CarError('NOT_SUPPORTED', `${where}: Renault answered HTTP 404 (no data, or no such endpoint for this car)`, { ...opts, transient: true });
  return new CarError('UPSTREAM', `${where}: HTTP ${res.status}${code ? ` ${code}` : ''}${said ? `: ${said}` : ''}`, opts);
}

/**
 * A NOT_SUPPORTED that will not pass by itself: privacy mode can be switched off, an access
 * denied on an endpoint that worked before is transient (Home Assistant's rule, spec §6.3), and
 * notFound / a 404 is asked again later (refusals.ts).
 */
export function permanentlyUnsupported(err: CarError, workedBefore: boolean): boolean {
  return refusalOf(err, workedBefore) === 'permanent';
}
