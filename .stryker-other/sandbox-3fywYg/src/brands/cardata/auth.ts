// @ts-nocheck
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CarError, parseJsonBody, registerSecret, toCarError, type HttpResponse } from '../../core';
import { ChallengeError, type AnswerMemory, type PendingChallenge, type ProviderAuth, type ProviderContext } from '../provider';
import { DEFAULT_SERVERS, SCOPES } from './api';
import { DeviceCodeSchema, OAuthErrorSchema, TokenSchema, type RawToken } from './schemas';

/**
 * BMW CarData sign-in: OAuth2 device code flow with PKCE, no client secret (spec bmw.md B1).
 * The user types no password: the plugin shows a code and a link, the user confirms it in a
 * browser, and the plugin polls the token endpoint meanwhile.
 */

/**
 * What survives a restart. The id_token is the MQTT password; access and id tokens live about
 * an hour, the refresh token 14 days from its issue (each refresh issues a new one).
 */
export const CarDataAuthStateSchema = z.object({
  clientId: z.string().min(1),
  gcid: z.string().min(1),
  accessToken: z.string().min(1),
  accessExpiresAt: z.number(),
  idToken: z.string().min(1),
  idExpiresAt: z.number(),
  refreshToken: z.string().min(1),
  /** When the refresh token dies (epoch ms); absent in files of older versions. */
  refreshExpiresAt: z.number().optional(),
  scope: z.string().optional(),
});
export type CarDataAuthState = z.infer<typeof CarDataAuthStateSchema>;

/** The flow of one device code: PendingChallenge.state (secret: device_code and verifier). */
export const DeviceFlowSchema = z.object({
  clientId: z.string().min(1),
  authUrl: z.string().min(1),
  deviceCode: z.string().min(1),
  codeVerifier: z.string().min(43),
  userCode: z.string().min(1),
  verificationUri: z.string().min(1),
  verificationUriComplete: z.string().optional(),
  expiresAt: z.number(),
  intervalMs: z.number().min(1000),
});
export type DeviceFlow = z.infer<typeof DeviceFlowSchema>;

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628: the interval when the server names none, and what slow_down adds. */
const DEFAULT_INTERVAL_MS = 5_000;
const SLOW_DOWN_STEP_MS = 5_000;
/** The id_token lasts an hour (spec B1) when its exp cannot be read. */
const ID_TOKEN_FALLBACK_MS = 3_600_000;
/** The refresh token lives 14 days (1 209 600 s) from its issue (BMW Integration Guide; cardata-real.md 1.3). */
export const REFRESH_TOKEN_LIFETIME_MS = 14 * 86_400_000;

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** PKCE pair: 86 unreserved characters and their S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const bytes = randomBytes(86);
  let verifier = '';
  for (const b of bytes) verifier += UNRESERVED[b % UNRESERVED.length];
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authBase(ctx: ProviderContext): string {
  return (ctx.config.servers.auth ?? DEFAULT_SERVERS.auth).replace(/\/$/, '');
}

function clientIdOf(ctx: ProviderContext): string {
  const id = ctx.config.keys.clientId;
  if (!id) throw new CarError('BAD_INPUT', 'keys.clientId: the BMW CarData client id is missing; create one in the MyBMW portal (CarData)', { transient: false });
  return id;
}

/** The claims of a JWT, read without verifying (the server verifies). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function oauthError(res: HttpResponse): { error?: string; description?: string } {
  try {
    const p = OAuthErrorSchema.safeParse(JSON.parse(res.text));
    return p.success ? { error: p.data.error, ...(p.data.error_description ? { description: p.data.error_description } : {}) } : {};
  } catch {
    return {};
  }
}

// ---- what one answer alone does not say ----------------------------------------------------
//
// Two of BMW's answers mean more in the light of an earlier one: a refused refresh token after
// a refresh whose answer was lost (BMW may have rotated the token then: the new one never came),
// and access_denied after a 500 right after the approval (BMW's own fault). The account's
// memory (ctx.memory, one per account, kept by its session) holds the earlier event between
// calls, keyed by a hash of the token (never the token), and forgets it at the next verdict.

const MEMORY_MS = 86_400_000;
/** The two kinds of earlier event, a prefix of the memory's keys. */
type Remembered = 'lost-refresh' | 'faulted-code';

function memoryKey(kind: Remembered, secret: string): string {
  return `${kind} ${createHash('sha256').update(secret).digest('base64url').slice(0, 22)}`;
}

function remember(memory: AnswerMemory, kind: Remembered, secret: string, at: number, what: string): void {
  for (const [k, v] of memory) if (at - v.at > MEMORY_MS || v.at > at) memory.delete(k);
  memory.set(memoryKey(kind, secret), { at, what });
}

function recall(memory: AnswerMemory, kind: Remembered, secret: string): { at: number; what: string } | undefined {
  const key = memoryKey(kind, secret);
  const v = memory.get(key);
  memory.delete(key);
  return v;
}

const hhmm = (at: number): string => `${new Date(at).toISOString().slice(11, 16)} UTC`;

const SUBSCRIPTIONS_HINT =
  'In the MyBMW portal (CarData), check that the client id is copied whole and that it is subscribed to both "CarData API" and "CarData Streaming".';

async function requestDeviceCode(ctx: ProviderContext): Promise<DeviceFlow> {
  const clientId = clientIdOf(ctx);
  const { verifier, challenge } = pkcePair();
  registerSecret(verifier);
  const res = await ctx.http.request({
    method: 'POST',
    url: `${authBase(ctx)}/oauth/device/code`,
    form: { client_id: clientId, response_type: 'device_code', scope: SCOPES, code_challenge: challenge, code_challenge_method: 'S256' },
    retry: false,
  });
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    const e = oauthError(res);
    throw new CarError('AUTH_FAILED', `BMW refused the CarData client id (HTTP ${res.status}${e.error ? ` ${e.error}` : ''} on the device code request). ${SUBSCRIPTIONS_HINT}`, {
      status: res.status,
      transient: false,
      ...(e.error ? { upstreamCode: e.error } : {}),
    });
  }
  if (res.status < 200 || res.status >= 300) {
    throw new CarError('UPSTREAM', `BMW CarData sign-in: the device code request answered HTTP ${res.status}`, { status: res.status });
  }
  const parsed = DeviceCodeSchema.safeParse(parseJsonBody(res, 'BMW CarData sign-in (device code)'));
  if (!parsed.success) throw new CarError('UPSTREAM', 'BMW CarData sign-in: the device code answer has an unexpected shape');
  const d = parsed.data;
  registerSecret(d.device_code);
  const now = ctx.clock.now();
  return {
    clientId,
    authUrl: authBase(ctx),
    deviceCode: d.device_code,
    codeVerifier: verifier,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    ...(d.verification_uri_complete ? { verificationUriComplete: d.verification_uri_complete } : {}),
    expiresAt: now + Math.max(30, d.expires_in ?? 300) * 1000,
    intervalMs: Math.max(1, d.interval ?? DEFAULT_INTERVAL_MS / 1000) * 1000,
  };
}

function stateFromToken(ctx: ProviderContext, clientId: string, t: RawToken, previous?: CarDataAuthState): CarDataAuthState {
  const now = ctx.clock.now();
  const idToken = t.id_token ?? previous?.idToken;
  const refreshToken = t.refresh_token ?? previous?.refreshToken;
  if (!idToken || !refreshToken) {
    throw new CarError('UPSTREAM', `BMW CarData sign-in: the token answer has no ${!idToken ? 'id_token' : 'refresh_token'}`);
  }
  for (const s of [t.access_token, idToken, refreshToken]) registerSecret(s);
  const claims = jwtClaims(idToken);
  const exp = typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
  const gcid = t.gcid ?? (typeof claims?.gcid === 'string' ? claims.gcid : undefined) ?? previous?.gcid ?? (typeof claims?.sub === 'string' ? claims.sub : undefined);
  if (!gcid) throw new CarError('UPSTREAM', 'BMW CarData sign-in: the token answer names no account (gcid)');
  if (t.scope !== undefined && !t.scope.includes('cardata:api:read')) {
    ctx.log.warn(`BMW CarData: the token lacks the CarData API scope; REST reads will fail (CU-103). ${SUBSCRIPTIONS_HINT}`);
  }
  if (t.scope !== undefined && !t.scope.includes('cardata:streaming:read')) {
    ctx.log.warn(`BMW CarData: the token lacks the streaming scope; the live stream will not work. ${SUBSCRIPTIONS_HINT}`);
  }
  return {
    clientId,
    gcid,
    accessToken: t.access_token,
    accessExpiresAt: now + Math.max(60, t.expires_in ?? 3600) * 1000,
    idToken,
    idExpiresAt: exp ?? now + ID_TOKEN_FALLBACK_MS,
    refreshToken,
    // A new refresh token lives 14 days from now; one kept from before keeps its own end.
    ...(t.refresh_token ? { refreshExpiresAt: now + REFRESH_TOKEN_LIFETIME_MS } : previous?.refreshExpiresAt !== undefined ? { refreshExpiresAt: previous.refreshExpiresAt } : {}),
    ...(t.scope !== undefined ? { scope: t.scope } : previous?.scope !== undefined ? { scope: previous.scope } : {}),
  };
}

// ---- the device flow in progress ----------------------------------------------------------
//
// The session keeps the flow (PendingChallenge.state) and is its only poller: it calls
// completeSecondFactor every pollMs, and after a slow_down not before the error's retryAt.
// Nothing here holds a timer or remembers a flow between calls.

function describeCode(data: DeviceFlow): string {
  const until = new Date(data.expiresAt).toISOString().slice(11, 16);
  return `Sign in to BMW CarData: open ${data.verificationUriComplete ?? data.verificationUri} and enter the code ${data.userCode} before ${until} UTC; the plugin notices the confirmation by itself.`;
}

function challengeOf(data: DeviceFlow): PendingChallenge {
  return {
    kind: 'device_code',
    prompt: describeCode(data),
    hint: data.verificationUriComplete ?? data.verificationUri,
    userCode: data.userCode,
    expiresAt: data.expiresAt,
    pollMs: data.intervalMs,
    state: { ...data },
  };
}

function parseFlow(pending: PendingChallenge): DeviceFlow {
  const p = DeviceFlowSchema.safeParse(pending.state);
  if (pending.kind !== 'device_code' || !p.success) {
    throw new CarError('AUTH_FAILED', 'The BMW CarData sign-in in progress is unreadable; sign in again to get a new code.', { transient: false });
  }
  // A flow restored from the token store after a restart: its secrets must be redacted again.
  registerSecret(p.data.deviceCode);
  registerSecret(p.data.codeVerifier);
  return p.data;
}

function expired(data: DeviceFlow): CarError {
  return new CarError(
    'AUTH_FAILED',
    `The BMW CarData code ${data.userCode} expired before it was confirmed (expired_token). Sign in again to get a new code, and confirm it within a few minutes.`,
    { upstreamCode: 'expired_token', transient: false },
  );
}

/** The code still waits for the user; retryAt is set when the server asked us to poll slower. */
function notConfirmed(data: DeviceFlow, retryAt?: number): CarError {
  return new CarError('BAD_INPUT', `Not confirmed yet. ${describeCode(data)}`, { transient: false, ...(retryAt !== undefined ? { retryAt } : {}) });
}

/** The errorcode of BMW's gateway fault body, e.g. keymanagement.service.invalid_access_token. */
function faultCode(res: HttpResponse): string | undefined {
  try {
    const body = JSON.parse(res.text) as { fault?: { detail?: { errorcode?: unknown } } } | null;
    const code = body?.fault?.detail?.errorcode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** What a refusal of the token endpoint means for the flow: still waiting (BAD_INPUT) or over (AUTH_FAILED). */
function deviceGrantRefusal(ctx: ProviderContext, data: DeviceFlow, intervalMs: number, res: HttpResponse): CarError {
  const e = oauthError(res);
  switch (e.error) {
    case 'authorization_pending':
      return notConfirmed(data);
    case 'slow_down':
      // RFC 8628: every later poll waits 5 s longer than before.
      return notConfirmed(data, ctx.clock.now() + intervalMs + SLOW_DOWN_STEP_MS);
    case 'expired_token':
      return expired(data);
    case 'access_denied':
    case 'invalid_grant': {
      // BMW often fails right after a confirmation (a 500 keymanagement fault, then access_denied
      // or invalid_grant): its device-flow system is out of sync, not the user's settings
      // (ioBroker.bmw#287, #297; kvanbiesen#72, #399; evcc#31362).
      const fault = recall(ctx.memory, 'faulted-code', data.deviceCode);
      if (fault) {
        return new CarError(
          'AUTH_FAILED',
          `BMW CarData failed on its side right after the code ${data.userCode} was confirmed (${fault.what} at ${hhmm(fault.at)}), then refused it (${e.error}). This is a known BMW fault, not a wrong setting: sign in again for a new code; if it happens again, log out of the MyBMW portal first, or try again later.`,
          { upstreamCode: e.error, status: res.status, transient: false },
        );
      }
      if (e.error === 'invalid_grant') {
        return new CarError('AUTH_FAILED', `BMW CarData no longer accepts the code ${data.userCode} (invalid_grant: it expired or was used). Sign in again to get a new code.`, {
          upstreamCode: 'invalid_grant',
          status: res.status,
          transient: false,
        });
      }
      return new CarError(
        'AUTH_FAILED',
        `BMW CarData sign-in was declined (access_denied): either the confirmation was refused on the BMW page, or the client id lacks a subscription. ${SUBSCRIPTIONS_HINT} Then sign in again.`,
        { upstreamCode: 'access_denied', status: res.status, transient: false },
      );
    }
    case 'invalid_client':
    case 'unauthorized_client':
      return new CarError('AUTH_FAILED', `BMW refused the CarData client id (${e.error}). ${SUBSCRIPTIONS_HINT}`, { upstreamCode: e.error, status: res.status, transient: false });
    default:
      // BMW also says "pending" as a bare 403; 5xx (keymanagement.service.invalid_access_token
      // and friends) pass: the code stands until it expires.
      if (res.status === 403 || res.status >= 500) {
        if (res.status >= 500) {
          const what = `HTTP ${res.status}${faultCode(res) ? ` ${faultCode(res)}` : ''}`;
          remember(ctx.memory, 'faulted-code', data.deviceCode, ctx.clock.now(), what);
          ctx.log.debug(`BMW CarData sign-in: token endpoint answered ${what}; the code still waits`);
        }
        return notConfirmed(data);
      }
      return new CarError('AUTH_FAILED', `BMW CarData sign-in failed (HTTP ${res.status}${e.error ? ` ${e.error}` : ''}${e.description ? `: ${e.description}` : ''})`, {
        status: res.status,
        transient: false,
        ...(e.error ? { upstreamCode: e.error } : {}),
      });
  }
}

/**
 * One look at the token endpoint: the tokens once the user confirmed the code. An expired code
 * fails without a call; network trouble throws the HTTP client's transient NETWORK/TIMEOUT.
 */
async function redeemDeviceCode(ctx: ProviderContext, data: DeviceFlow, intervalMs: number): Promise<CarDataAuthState> {
  if (ctx.clock.now() >= data.expiresAt) throw expired(data);
  const res = await ctx.http.request({
    method: 'POST',
    url: `${data.authUrl}/oauth/token`,
    form: { client_id: data.clientId, grant_type: DEVICE_GRANT, device_code: data.deviceCode, code_verifier: data.codeVerifier },
    retry: false,
  });
  if (res.status < 200 || res.status >= 300) throw deviceGrantRefusal(ctx, data, intervalMs, res);
  recall(ctx.memory, 'faulted-code', data.deviceCode);
  const t = TokenSchema.safeParse(parseJsonBody(res, 'BMW CarData sign-in (token)'));
  if (!t.success) throw new CarError('UPSTREAM', 'BMW CarData sign-in: the token answer has an unexpected shape');
  return stateFromToken(ctx, data.clientId, t.data);
}

export const cardataAuth = {
  stateSchema: CarDataAuthStateSchema,

  /**
   * Asks BMW for a new device code and throws TFA_REQUIRED: a ChallengeError whose prompt
   * names the link and the code, whose state is the whole flow and whose pollMs is the
   * server's interval. Never returns: the tokens come from completeSecondFactor.
   */
  async login(ctx) {
    const data = await requestDeviceCode(ctx);
    throw new ChallengeError('TFA_REQUIRED', describeCode(data), challengeOf(data));
  },

  /** The code is issued already (nothing is sent): the challenge stands as it is. */
  async startSecondFactor(_ctx, pending) {
    parseFlow(pending);
    return pending;
  },

  /**
   * Asks the token endpoint once whether the user confirmed (the answer is ignored: the user
   * confirms on BMW's page). BAD_INPUT while the code waits, with retryAt after a slow_down;
   * AUTH_FAILED once the code expired or was refused.
   */
  async completeSecondFactor(ctx, pending) {
    const data = parseFlow(pending);
    return redeemDeviceCode(ctx, data, pending.pollMs ?? data.intervalMs);
  },

  /**
   * A new set of tokens from the refresh token (which BMW rotates: the old one dies). Only a
   * refresh token BMW says is dead (400 invalid_request, or invalid_grant) or one past its 14
   * days needs a new device code (AUTH_FAILED); a 429, a 5xx, a timeout or a broken connection
   * keep the tokens and throw a transient error (RATE_LIMITED, UPSTREAM, TIMEOUT, NETWORK) so
   * that the session tries again later.
   */
  async refresh(ctx, state) {
    registerSecret(state.refreshToken);
    const now = ctx.clock.now();
    if (state.refreshExpiresAt !== undefined && now >= state.refreshExpiresAt) {
      recall(ctx.memory, 'lost-refresh', state.refreshToken);
      throw new CarError(
        'AUTH_FAILED',
        `The BMW CarData refresh token ran out on ${new Date(state.refreshExpiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC (it lives 14 days unless the plugin refreshes it); a new sign-in with a device code is needed.`,
        { upstreamCode: 'refresh_token_expired', transient: false },
      );
    }
    let res: HttpResponse;
    try {
      res = await ctx.http.request({
        method: 'POST',
        url: `${authBase(ctx)}/oauth/token`,
        form: { grant_type: 'refresh_token', refresh_token: state.refreshToken, client_id: state.clientId },
        // Never retried here: a second try with the same token fails if the first one reached BMW.
        retry: false,
      });
    } catch (e) {
      const err = toCarError(e, 'NETWORK');
      // The request may have reached BMW, which then rotated the token: its answer, with the new one, is lost.
      remember(ctx.memory, 'lost-refresh', state.refreshToken, now, err.code === 'TIMEOUT' ? 'it got no answer' : 'its connection broke');
      throw new CarError(err.code === 'TIMEOUT' ? 'TIMEOUT' : 'NETWORK', `BMW CarData token refresh: ${err.message}; the tokens are kept and the refresh is tried again later`, {
        ...(err.retryAt !== undefined ? { retryAt: err.retryAt } : {}),
      });
    }
    if (res.status >= 200 && res.status < 300) {
      recall(ctx.memory, 'lost-refresh', state.refreshToken);
      const t = TokenSchema.safeParse(parseJsonBody(res, 'BMW CarData token refresh'));
      if (!t.success) throw new CarError('UPSTREAM', 'BMW CarData token refresh: the answer has an unexpected shape');
      return stateFromToken(ctx, state.clientId, t.data, state);
    }
    const e = oauthError(res);
    const said = `HTTP ${res.status}${e.error ? ` ${e.error}` : ''}`;
    // BMW answers a dead, expired or rotated refresh token with 400 invalid_request, not
    // invalid_grant (ioBroker.bmw#194; bmw-mqtt-bridge#4, #14, #25; kvanbiesen#381).
    if (e.error === 'invalid_request' || e.error === 'invalid_grant') {
      const lost = recall(ctx.memory, 'lost-refresh', state.refreshToken);
      const why = lost
        ? `An earlier refresh at ${hhmm(lost.at)} went unanswered (${lost.what}): BMW most likely took the old refresh token then and sent a new one that never arrived, so the old one is spent.`
        : 'It ran out (14 days without a refresh), a newer one replaced it (an older copy of the token file was restored, or another program uses the same tokens), or the client id lost a subscription in the MyBMW portal.';
      throw new CarError('AUTH_FAILED', `BMW CarData no longer accepts the refresh token (${said}). ${why} A new sign-in with a device code is needed.`, {
        status: res.status,
        transient: false,
        upstreamCode: e.error,
      });
    }
    if (e.error === 'invalid_client' || e.error === 'unauthorized_client') {
      throw new CarError('AUTH_FAILED', `BMW refused the CarData client id on the token refresh (${said}). ${SUBSCRIPTIONS_HINT}`, { status: res.status, transient: false, upstreamCode: e.error });
    }
    const retry = res.retryAt !== undefined ? { retryAt: res.retryAt } : {};
    if (res.status === 429) {
      throw new CarError('RATE_LIMITED', `BMW CarData token refresh: too many requests (${said}); the tokens are kept and the refresh is tried again later`, {
        status: res.status,
        ...retry,
        ...(e.error ? { upstreamCode: e.error } : {}),
      });
    }
    // A gateway error may come after BMW did the refresh: remember it, as for a lost answer.
    if (res.status >= 500) remember(ctx.memory, 'lost-refresh', state.refreshToken, now, `it got ${said}`);
    const page = /^\s*</.test(res.text) ? ' with an HTML page' : '';
    throw new CarError('UPSTREAM', `BMW CarData token refresh: ${said}${page}; the tokens are kept and the refresh is tried again later`, {
      status: res.status,
      ...retry,
      ...(e.error ? { upstreamCode: e.error } : {}),
    });
  },

  canRefresh: (state) => Boolean(state.refreshToken),
  // The id_token is the MQTT password: renew when the first of the two runs out.
  accessExpiresAt: (state) => Math.min(state.accessExpiresAt, state.idExpiresAt),
} satisfies ProviderAuth<CarDataAuthState>;
