import type { z } from 'zod';
import { CarError, parseJsonBody, type HttpResponse } from '../../core';
import type { ProviderContext } from '../provider';
import { GigyaBaseSchema } from './schemas';

/** Gigya (SAP CDC) methods the client calls (spec §2). */
export type GigyaMethod =
  | 'accounts.login'
  | 'accounts.getAccountInfo'
  | 'accounts.getJWT'
  | 'accounts.webSdkBootstrap'
  | 'accounts.tfa.initTFA'
  | 'accounts.tfa.email.getEmails'
  | 'accounts.tfa.email.sendVerificationCode'
  | 'accounts.tfa.email.completeVerification'
  | 'accounts.tfa.finalizeTFA';

export type GigyaBody = z.infer<typeof GigyaBaseSchema>;

export interface GigyaAnswer {
  body: unknown;
  /** The gmid cookie when the server set one (webSdkBootstrap). */
  gmid?: string;
}

/**
 * One Gigya call: POST with a url-encoded form carrying ApiKey (spec §2.2). Gigya answers
 * HTTP 200 for errors and puts the real status in the body, so the body is always parsed.
 * Sign-in steps are not retried: a login repeated on a network error can lock an account.
 */
export async function gigyaCall(ctx: ProviderContext, method: GigyaMethod, form: Record<string, string>, options: { gmid?: string } = {}): Promise<GigyaAnswer> {
  const base = (ctx.config.servers.gigya ?? '').replace(/\/$/, '');
  const res: HttpResponse = await ctx.http.request({
    method: 'POST',
    url: `${base}/${method}`,
    form: { ApiKey: ctx.config.keys.gigyaApiKey ?? '', format: 'json', ...form },
    ...(options.gmid ? { headers: { cookie: `gmid=${options.gmid}` } } : {}),
    retry: method === 'accounts.getJWT' || method === 'accounts.getAccountInfo',
  });
  const body = parseJsonBody(res, `Renault sign-in (${method})`);
  const gmid = /(?:^|[;,]\s*)gmid=([^;,\s]+)/.exec(res.headers['set-cookie'] ?? '')?.[1];
  return { body, ...(gmid ? { gmid } : {}) };
}

/** The Gigya body, or UPSTREAM when it is not one at all. */
export function gigyaBody<T extends z.ZodTypeAny>(schema: T, method: GigyaMethod, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CarError('UPSTREAM', `Renault sign-in (${method}) answered in an unexpected shape`);
  return parsed.data;
}

/** The words of a Gigya error, never a token. */
export function gigyaSaid(body: GigyaBody): string {
  return body.errorDetails ?? body.errorMessage ?? 'unknown error';
}
