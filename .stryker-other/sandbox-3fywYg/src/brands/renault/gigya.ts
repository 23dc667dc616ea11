// @ts-nocheck
import type { z } from 'zod';
import { CarError, parseJsonBody, registerSecret, type HttpResponse } from '../../core';
import type { ProviderContext } from '../provider';
import { GigyaBaseSchema, GigyaBootstrapSchema } from './schemas';

/** Gigya (SAP CDC) methods the client calls (spec §2, renault-2fa.md §2). */
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

/**
 * The ids Gigya knows this client's "device" by (renault-2fa.md §3): gmid, and ucid when the
 * site sets one. finalizeTFA with tempDevice=false trusts the gmid for about 30 days, so
 * they are fetched once and kept with the tokens.
 */
export interface GigyaDevice {
  gmid: string;
  ucid?: string;
}

export interface GigyaCallOptions {
  /** The device ids: sent as the gmid/ucid cookies (Kelec, evcc PR #30413)... */
  device?: GigyaDevice | undefined;
  /** ...and as form fields too (grosz: on accounts.login, initTFA and finalizeTFA). */
  deviceFields?: boolean;
}

export interface GigyaAnswer {
  body: unknown;
  /** The Set-Cookie header, for webSdkBootstrap. */
  cookies: string;
}

/**
 * One Gigya call: POST with a url-encoded form carrying ApiKey (spec §2.2). Gigya answers
 * HTTP 200 for errors and puts the real status in the body, so the body is always parsed.
 * Sign-in steps are not retried: a login repeated on a network error can lock an account.
 */
export async function gigyaCall(ctx: ProviderContext, method: GigyaMethod, form: Record<string, string>, options: GigyaCallOptions = {}): Promise<GigyaAnswer> {
  const base = (ctx.config.servers.gigya ?? '').replace(/\/$/, '');
  const device = options.device;
  const cookie = device ? [`gmid=${device.gmid}`, ...(device.ucid ? [`ucid=${device.ucid}`] : [])].join('; ') : undefined;
  const fields = device && options.deviceFields ? { gmid: device.gmid, ...(device.ucid ? { ucid: device.ucid } : {}) } : {};
  const res: HttpResponse = await ctx.http.request({
    method: 'POST',
    url: `${base}/${method}`,
    form: { ApiKey: ctx.config.keys.gigyaApiKey ?? '', format: 'json', ...form, ...fields },
    ...(cookie ? { headers: { cookie } } : {}),
    retry: method === 'accounts.getJWT' || method === 'accounts.getAccountInfo' || method === 'accounts.webSdkBootstrap',
  });
  const body = parseJsonBody(res, `Renault sign-in (${method})`);
  return { body, cookies: res.headers['set-cookie'] ?? '' };
}

/** The Gigya body, or UPSTREAM when it is not one at all (no usable errorCode). */
export function gigyaBody<T extends z.ZodTypeAny>(schema: T, method: GigyaMethod, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CarError('UPSTREAM', `Renault sign-in (${method}) answered in an unexpected shape`);
  return parsed.data;
}

/** The words of a Gigya error, never a token. */
export function gigyaSaid(body: GigyaBody): string {
  return body.errorDetails ?? body.errorMessage ?? 'unknown error';
}

/** A cookie's value in a (possibly joined) Set-Cookie header. */
function cookieValue(header: string, name: string): string | undefined {
  return new RegExp(`(?:^|[;,]\\s*)${name}=([^;,\\s]+)`).exec(header)?.[1];
}

/**
 * accounts.webSdkBootstrap: a new device (gmid, ucid) from the cookies, or from the body where a
 * site puts them there (grosz). Undefined when the site gives none (the sign-in goes on
 * without: accounts that need no second step do not need it).
 */
export async function bootstrapDevice(ctx: ProviderContext): Promise<GigyaDevice | undefined> {
  const { body, cookies } = await gigyaCall(ctx, 'accounts.webSdkBootstrap', {});
  const parsed = GigyaBootstrapSchema.safeParse(body);
  const gmid = cookieValue(cookies, 'gmid') ?? (parsed.success ? parsed.data.gmid : undefined);
  const ucid = cookieValue(cookies, 'ucid') ?? (parsed.success ? parsed.data.ucid : undefined);
  if (!gmid) return undefined;
  registerSecret(gmid);
  if (ucid) registerSecret(ucid);
  return { gmid, ...(ucid ? { ucid } : {}) };
}
