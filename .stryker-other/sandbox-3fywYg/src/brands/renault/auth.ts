// @ts-nocheck
import { z } from 'zod';
import { CarError, registerSecret } from '../../core';
import { ChallengeError, type PendingChallenge, type ProviderAuth, type ProviderContext } from '../provider';
import { bootstrapDevice, gigyaBody, gigyaCall, gigyaSaid, type GigyaBody, type GigyaDevice, type GigyaMethod } from './gigya';
import { GigyaAccountInfoSchema, GigyaJwtSchema, GigyaLoginSchema } from './schemas';
import { completeEmailTfa, lockedOut, startEmailTfa } from './tfa';

/**
 * What survives a restart. Password sign-in: the long-lived Gigya login token, the person,
 * the current JWT, and the device ids (gmid, ucid) Gigya trusts after a two-factor step
 * (renault-2fa.md §3, as grosz keeps them). Token sign-in (a pasted JWT): the JWT, its
 * account, and the person when the JWT names it (personId is '' otherwise). After a sign-in
 * that failed for good only the device ids are kept (retain).
 */
export const RenaultAuthStateSchema = z.object({
  loginToken: z.string().min(1).optional(),
  personId: z.string(),
  /** Token sign-in: the Kamereon account the pasted JWT belongs to. */
  accountId: z.string().min(1).optional(),
  jwt: z.string().optional(),
  jwtExpiresAt: z.number().optional(),
  /** The Gigya device id (webSdkBootstrap), sent with every accounts.login. */
  gmid: z.string().min(1).optional(),
  ucid: z.string().min(1).optional(),
});
export type RenaultAuthState = z.infer<typeof RenaultAuthStateSchema>;
/** The auth state with a JWT: what Kamereon calls are made with. */
export type RenaultSession = RenaultAuthState & { jwt: string };

/** Lifetime asked of getJWT, as renault-api does; the session re-mints a minute early. */
export const JWT_LIFETIME_S = 900;

/** The device ids of a state (or a challenge's flow state), when there are any. */
export function deviceOf(s: { gmid?: unknown; ucid?: unknown } | undefined): GigyaDevice | undefined {
  if (!s || typeof s.gmid !== 'string' || !s.gmid) return undefined;
  registerSecret(s.gmid);
  if (typeof s.ucid === 'string') registerSecret(s.ucid);
  return { gmid: s.gmid, ...(typeof s.ucid === 'string' && s.ucid ? { ucid: s.ucid } : {}) };
}

function rateLimited(body: GigyaBody): boolean {
  return body.errorCode === 403048 || body.statusCode === 429;
}

function gigyaError(method: GigyaMethod, body: GigyaBody, device: GigyaDevice | undefined): CarError {
  const code = body.errorCode;
  const upstreamCode = String(code);
  const said = gigyaSaid(body);
  if (code === 403042) {
    return new CarError(
      'AUTH_FAILED',
      'Renault refused the e-mail address or password (Gigya 403042). Check them in the MyRenault app (the app account, not the website one). If they are right, Renault may have rotated its Gigya key: set the current one under Advanced.',
      { upstreamCode, transient: false },
    );
  }
  if (code === 403101 || code === 403102) {
    // The real 403101 answer: HTTP 200, regToken, sessionInfo {expires_in} without a cookie (renault-api #2132).
    const regToken = body.regToken;
    if (regToken) {
      registerSecret(regToken);
      const challenge: PendingChallenge = { kind: 'code', prompt: 'Renault asks for a sign-in code sent by e-mail', state: { regToken, ...(device ?? {}) } };
      return new ChallengeError(
        'TFA_REQUIRED',
        `Renault asks for a sign-in code sent by e-mail for this account (Gigya ${code}: this device is not trusted, or its 30 days of trust ran out).`,
        challenge,
        upstreamCode,
        { needsUserAction: true },
      );
    }
    return new CarError('TFA_REQUIRED', `Renault asks for a two-factor code for this account (Gigya ${code}) but gave nothing to start it with; sign in once in the MyRenault app, then press "Sign in again".`, {
      upstreamCode,
      transient: false,
    });
  }
  if (code === 403120) return lockedOut(body);
  if (code === 403005 || code === 403013) {
    return new CarError('AUTH_FAILED', `The Renault sign-in has expired (Gigya ${code}: ${said}); signing in again.`, { upstreamCode, transient: false });
  }
  if (rateLimited(body)) {
    // Gigya's API rate limit (403048): wait, keep every token (renault-2fa.md §4).
    return new CarError('RATE_LIMITED', `Renault's sign-in service asks to slow down (${method}, Gigya ${code}: ${said}); trying again later`, { upstreamCode, transient: true });
  }
  if (code >= 500000 || (body.statusCode ?? 0) >= 500) {
    return new CarError('UPSTREAM', `Renault sign-in service error (${method}, Gigya ${code}: ${said})`, { upstreamCode, transient: true });
  }
  if (method === 'accounts.login') return new CarError('AUTH_FAILED', `Renault sign-in failed (${method}, Gigya ${code}: ${said})`, { upstreamCode, transient: false });
  // Only 403005/403013 say the login token is dead; anything else keeps it (Kelec, grosz).
  return new CarError('UPSTREAM', `Renault sign-in service refused ${method} (Gigya ${code}: ${said})`, { upstreamCode });
}

/** Maps a Gigya body of a method: the parsed body, or the error it carries (spec §2.2). */
export function parseGigya<T extends typeof GigyaLoginSchema | typeof GigyaAccountInfoSchema | typeof GigyaJwtSchema>(
  schema: T,
  method: GigyaMethod,
  body: unknown,
  device?: GigyaDevice,
): z.infer<T> {
  const parsed = gigyaBody(schema, method, body) as GigyaBody;
  if (parsed.errorCode !== 0) throw gigyaError(method, parsed, device);
  return parsed as z.infer<T>;
}

/** The JWT's claims, read without verifying (the server verifies). */
export function jwtClaims(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The JWT's exp claim in epoch ms, read without verifying (the server verifies). */
export function jwtExpiry(jwt: string): number | undefined {
  const exp = jwtClaims(jwt)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

async function mintJwt(ctx: ProviderContext, loginToken: string): Promise<{ jwt: string; jwtExpiresAt: number }> {
  const { body } = await gigyaCall(ctx, 'accounts.getJWT', {
    login_token: loginToken,
    fields: 'data.personId,data.gigyaDataCenter',
    expiration: String(JWT_LIFETIME_S),
  });
  const parsed = parseGigya(GigyaJwtSchema, 'accounts.getJWT', body);
  if (!parsed.id_token) throw new CarError('UPSTREAM', 'Renault sign-in (accounts.getJWT) answered without a token');
  registerSecret(parsed.id_token);
  return { jwt: parsed.id_token, jwtExpiresAt: jwtExpiry(parsed.id_token) ?? ctx.clock.now() + JWT_LIFETIME_S * 1000 };
}

/**
 * A new device (webSdkBootstrap) for a two-factor step, best effort. A login does not wait for
 * one: a device Gigya has never seen is not trusted anyway, so a first sign-in goes without and
 * the device is made when Renault asks for a code (Kelec's order: login without gmid, the
 * device for the TFA calls; renault-2fa.md §2). Once trusted it is kept and sent with every login.
 */
async function newDevice(ctx: ProviderContext): Promise<GigyaDevice | undefined> {
  try {
    return await bootstrapDevice(ctx);
  } catch (e) {
    ctx.log.debug(`Renault device bootstrap failed (${e instanceof Error ? e.message : String(e)}); going on without one`);
    return undefined;
  }
}

/**
 * accounts.login with the password and the kept device ids, then a JWT: two calls (spec §2.1,
 * renault-2fa.md §2 step 1: grosz sends gmid/ucid with every login, so a trusted device needs
 * no code). `include=profile,data` brings data.personId with the login (ZoePHP, myRenaultLC,
 * Kelec; spec §2.3), which saves accounts.getAccountInfo; it stays the fallback for an answer
 * without it (the recorded login.json, asked without include, has no data).
 */
export async function passwordLogin(ctx: ProviderContext, device: GigyaDevice | undefined): Promise<RenaultAuthState> {
  const { username, password } = ctx.config;
  if (!username || !password) throw new CarError('AUTH_FAILED', 'The Renault account needs an e-mail address and a password.', { transient: false });
  registerSecret(password);
  const { body } = await gigyaCall(ctx, 'accounts.login', { loginID: username, password, include: 'profile,data' }, { device, deviceFields: true });
  const login = parseGigya(GigyaLoginSchema, 'accounts.login', body, device);
  const loginToken = login.sessionInfo?.cookieValue;
  if (!loginToken) throw new CarError('UPSTREAM', 'Renault sign-in (accounts.login) answered without a session');
  registerSecret(loginToken);
  let personId = login.data?.personId;
  if (!personId) {
    const info = parseGigya(GigyaAccountInfoSchema, 'accounts.getAccountInfo', (await gigyaCall(ctx, 'accounts.getAccountInfo', { login_token: loginToken })).body);
    personId = info.data?.personId;
  }
  if (!personId) throw new CarError('UPSTREAM', 'Renault sign-in: the account has no personId (is it a MyRenault app account?)');
  return { loginToken, personId, ...(device ?? {}), ...(await mintJwt(ctx, loginToken)) };
}

const at = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * Token sign-in (myRenaultLC's manual mode): the pasted JWT is used as it is until it
 * expires; then the sign-in stops with words saying so. A password is never tried.
 */
function tokenLogin(ctx: ProviderContext, previous: RenaultAuthState | undefined): RenaultAuthState {
  const jwt = (ctx.config.accessToken ?? '').trim();
  const accountId = (ctx.config.accountId ?? '').trim();
  registerSecret(jwt);
  const exp = jwtExpiry(jwt);
  if (!jwt || exp === undefined) throw new CarError('AUTH_FAILED', 'The pasted token is not a JWT with an expiry; paste the token again (without quotes or "Bearer").', { transient: false });
  if (!accountId) throw new CarError('AUTH_FAILED', 'The token sign-in needs the Kamereon account id the token belongs to.', { transient: false });
  const now = ctx.clock.now();
  if (exp <= now) throw new CarError('AUTH_FAILED', `The pasted token expired at ${at(exp)}; paste a new one in the account node.`, { transient: false });
  if (previous?.jwt === jwt) {
    // Asked again for the same token: it is about to expire, or Renault refused it.
    if (exp - now <= 5 * 60_000) throw new CarError('AUTH_FAILED', `The pasted token expires at ${at(exp)}; paste a new one in the account node.`, { transient: false });
    throw new CarError('AUTH_FAILED', `Renault refused the pasted token (valid until ${at(exp)}): it may belong to another account or have been revoked; paste a new one in the account node.`, {
      transient: false,
    });
  }
  const personId = jwtClaims(jwt)?.['data.personId'];
  return { personId: typeof personId === 'string' ? personId : '', accountId, jwt, jwtExpiresAt: exp };
}

export const renaultAuth: ProviderAuth<RenaultAuthState> = {
  stateSchema: RenaultAuthStateSchema,

  login(ctx, previous) {
    if (ctx.config.authMode === 'token') return Promise.resolve().then(() => tokenLogin(ctx, previous));
    // The kept device ids, even when the tokens are gone: a device Gigya trusts needs no code.
    return passwordLogin(ctx, deviceOf(previous));
  },

  /**
   * Only getJWT 403005/403013 end the login token (AUTH_FAILED); network errors, 5xx and rate
   * limits are passing (NETWORK, TIMEOUT, UPSTREAM, RATE_LIMITED) and keep it (Kelec, grosz).
   */
  async refresh(ctx, state) {
    if (!state.loginToken) throw new CarError('AUTH_FAILED', 'No Renault sign-in token to renew the access token with.', { transient: false });
    registerSecret(state.loginToken);
    deviceOf(state);
    return { ...state, ...(await mintJwt(ctx, state.loginToken)) };
  },

  /** The device ids outlive a failed sign-in: the trust Gigya gave them still counts. */
  retain(state) {
    const device = deviceOf(state);
    return device && !state.accountId ? { personId: state.personId, ...device } : undefined;
  },

  canRefresh: (state) => Boolean(state.loginToken),
  accessExpiresAt: (state) => (state.jwt ? state.jwtExpiresAt : undefined),

  startSecondFactor(ctx, pending) {
    const regToken = pending.state.regToken;
    if (typeof regToken !== 'string' || !regToken) {
      return Promise.reject(new CarError('TFA_REQUIRED', 'Renault asks for a two-factor code but the sign-in gave no token to start it with.', { transient: false }));
    }
    return startEmailTfa(ctx, regToken, deviceOf(pending.state), () => newDevice(ctx));
  },

  /** The code, finalizeTFA with tempDevice=false, then accounts.login again with the same device (grosz; not finalizeRegistration). */
  async completeSecondFactor(ctx, pending, code) {
    const device = await completeEmailTfa(ctx, pending, code);
    try {
      return await passwordLogin(ctx, device);
    } catch (e) {
      if (e instanceof CarError && e.code === 'TFA_REQUIRED') {
        // The code was accepted but Renault still wants one: do not loop sending e-mails.
        throw new CarError('TFA_REQUIRED', 'Renault accepted the code but still asks for two-factor sign-in; sign in once in the MyRenault app, then press "Sign in again".', {
          transient: false,
          ...(e.upstreamCode ? { upstreamCode: e.upstreamCode } : {}),
        });
      }
      throw e;
    }
  },
};
