import { z } from 'zod';
import { CarError, parseJsonBody, registerSecret, type HttpResponse } from '../../core';
import type { ProviderAuth, ProviderContext } from '../provider';
import { GigyaAccountInfoSchema, GigyaBaseSchema, GigyaJwtSchema, GigyaLoginSchema } from './schemas';

/** What survives a restart: the long-lived Gigya login token, the person, the current JWT. */
export const RenaultAuthStateSchema = z.object({
  loginToken: z.string().min(1),
  personId: z.string().min(1),
  jwt: z.string().optional(),
  jwtExpiresAt: z.number().optional(),
});
export type RenaultAuthState = z.infer<typeof RenaultAuthStateSchema>;

/** Lifetime asked of getJWT, as renault-api does; the session re-mints a minute early. */
export const JWT_LIFETIME_S = 900;

type GigyaMethod = 'accounts.login' | 'accounts.getAccountInfo' | 'accounts.getJWT';

async function gigya(ctx: ProviderContext, method: GigyaMethod, form: Record<string, string>): Promise<unknown> {
  const base = (ctx.config.servers.gigya ?? '').replace(/\/$/, '');
  const res: HttpResponse = await ctx.http.request({
    method: 'POST',
    url: `${base}/${method}`,
    form: { ApiKey: ctx.config.keys.gigyaApiKey ?? '', format: 'json', ...form },
    retry: method !== 'accounts.login',
  });
  // Gigya answers HTTP 200 for errors and puts the real status in the body (spec §2.2).
  return parseJsonBody(res, `Renault sign-in (${method})`);
}

function gigyaError(method: GigyaMethod, body: z.infer<typeof GigyaBaseSchema>): CarError {
  const code = body.errorCode;
  const upstreamCode = String(code);
  const said = body.errorDetails ?? body.errorMessage ?? 'unknown error';
  if (code === 403042) {
    return new CarError(
      'AUTH_FAILED',
      'Renault refused the e-mail address or password (Gigya 403042). Check them in the MyRenault app (the app account, not the website one). If they are right, Renault may have rotated its Gigya key: set the current one under Advanced.',
      { upstreamCode, transient: false },
    );
  }
  if (code === 403101 || code === 403102) {
    return new CarError('TFA_REQUIRED', `Renault asks for a two-factor code for this account (Gigya ${code}).`, { upstreamCode, transient: false });
  }
  if (code === 403005 || code === 403013) {
    return new CarError('AUTH_FAILED', `The Renault sign-in has expired (Gigya ${code}: ${said}); signing in again.`, { upstreamCode, transient: false });
  }
  if (code >= 500000 || (body.statusCode ?? 0) >= 500) {
    return new CarError('UPSTREAM', `Renault sign-in service error (${method}, Gigya ${code}: ${said})`, { upstreamCode, transient: true });
  }
  return new CarError('AUTH_FAILED', `Renault sign-in failed (${method}, Gigya ${code}: ${said})`, { upstreamCode, transient: false });
}

function parseGigya<T extends z.ZodTypeAny>(schema: T, method: GigyaMethod, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CarError('UPSTREAM', `Renault sign-in (${method}) answered in an unexpected shape`);
  const data = parsed.data as z.infer<typeof GigyaBaseSchema>;
  if (data.errorCode !== 0) throw gigyaError(method, data);
  return parsed.data;
}

/** The JWT's exp claim in epoch ms, read without verifying (the server verifies). */
export function jwtExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function mintJwt(ctx: ProviderContext, loginToken: string): Promise<{ jwt: string; jwtExpiresAt: number }> {
  const body = await gigya(ctx, 'accounts.getJWT', {
    login_token: loginToken,
    fields: 'data.personId,data.gigyaDataCenter',
    expiration: String(JWT_LIFETIME_S),
  });
  const parsed = parseGigya(GigyaJwtSchema, 'accounts.getJWT', body);
  if (!parsed.id_token) throw new CarError('UPSTREAM', 'Renault sign-in (accounts.getJWT) answered without a token');
  registerSecret(parsed.id_token);
  return { jwt: parsed.id_token, jwtExpiresAt: jwtExpiry(parsed.id_token) ?? ctx.clock.now() + JWT_LIFETIME_S * 1000 };
}

export const renaultAuth: ProviderAuth<RenaultAuthState> = {
  stateSchema: RenaultAuthStateSchema,

  async login(ctx) {
    const { username, password } = ctx.config;
    if (!username || !password) throw new CarError('AUTH_FAILED', 'The Renault account needs an e-mail address and a password.', { transient: false });
    registerSecret(password);
    const login = parseGigya(GigyaLoginSchema, 'accounts.login', await gigya(ctx, 'accounts.login', { loginID: username, password }));
    const loginToken = login.sessionInfo?.cookieValue;
    if (!loginToken) throw new CarError('UPSTREAM', 'Renault sign-in (accounts.login) answered without a session');
    registerSecret(loginToken);
    let personId = login.data?.personId;
    if (!personId) {
      const info = parseGigya(GigyaAccountInfoSchema, 'accounts.getAccountInfo', await gigya(ctx, 'accounts.getAccountInfo', { login_token: loginToken }));
      personId = info.data?.personId;
    }
    if (!personId) throw new CarError('UPSTREAM', 'Renault sign-in: the account has no personId (is it a MyRenault app account?)');
    return { loginToken, personId, ...(await mintJwt(ctx, loginToken)) };
  },

  async refresh(ctx, state) {
    registerSecret(state.loginToken);
    return { ...state, ...(await mintJwt(ctx, state.loginToken)) };
  },

  canRefresh: (state) => Boolean(state.loginToken),
  accessExpiresAt: (state) => (state.jwt ? state.jwtExpiresAt : undefined),
};
