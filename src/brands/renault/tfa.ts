import { z } from 'zod';
import { CarError, registerSecret } from '../../core';
import type { PendingChallenge, ProviderContext } from '../provider';
import { gigyaBody, gigyaCall, gigyaSaid, type GigyaMethod } from './gigya';
import { GigyaBaseSchema, str } from './schemas';

/**
 * Renault's e-mail two-factor sign-in (spec §2.7, as evcc and renault-api PR #2257 do it):
 * login answers 403101/403102 with a regToken; initTFA → getEmails → sendVerificationCode;
 * the user types the code; completeVerification → finalizeTFA; then login again. The whole
 * flow is UNCERTAIN in the spec, so answers are read leniently.
 */

/** What the flow keeps between sending the code and checking it (secret: never shown). */
export const TfaStateSchema = z.object({
  regToken: z.string().min(1),
  gigyaAssertion: z.string().min(1),
  phvToken: z.string().min(1),
  gmid: z.string().optional(),
});
export type TfaState = z.infer<typeof TfaStateSchema>;

const InitSchema = GigyaBaseSchema.extend({ gigyaAssertion: str });
const SendSchema = GigyaBaseSchema.extend({ phvToken: str });
const CompleteSchema = GigyaBaseSchema.extend({ providerAssertion: str });

/** One e-mail of getEmails: the id to send to, and the address (masked by Gigya, or plain). */
interface TfaEmail {
  id?: string;
  masked?: string;
  plain?: string;
}

const EmailItem = z
  .object({ id: str, obfuscated: str, plain: str, email: str })
  .loose()
  .transform((e): TfaEmail => ({ ...(e.id ? { id: e.id } : {}), ...(e.obfuscated ? { masked: e.obfuscated } : {}), ...((e.plain ?? e.email) ? { plain: e.plain ?? e.email } : {}) }));

/** getEmails answers an array, or an object of arrays (verified/unverified), depending on the site (spec §2.7). */
export function emailsOf(body: unknown): TfaEmail[] {
  if (typeof body !== 'object' || body === null) return [];
  const raw = (body as { emails?: unknown }).emails;
  const lists: unknown[] = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw).flatMap((v) => (Array.isArray(v) ? v : [])) : [];
  const out: TfaEmail[] = [];
  for (const item of lists) {
    if (typeof item === 'string') out.push({ plain: item });
    else {
      const p = EmailItem.safeParse(item);
      if (p.success && (p.data.id || p.data.plain)) out.push(p.data);
    }
  }
  return out;
}

/** c***@example.com: enough for the user to know which mailbox, not the whole address. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  if (!domain) return `${local.slice(0, 1)}***`;
  return `${local.slice(0, 1)}***@${domain}`;
}

function lang(ctx: ProviderContext): string {
  return ctx.config.locale.slice(0, 2).toLowerCase() || 'en';
}

function stepFailed(method: GigyaMethod, said: string, code: number): CarError {
  return new CarError(
    'TFA_REQUIRED',
    `Renault's two-factor sign-in failed at ${method.replace('accounts.tfa.', '')} (Gigya ${code}: ${said}). Sign in once in the MyRenault app, then press "Sign in again".`,
    { upstreamCode: String(code), transient: false },
  );
}

async function step<T extends z.ZodTypeAny>(ctx: ProviderContext, schema: T, method: GigyaMethod, form: Record<string, string>, gmid: string | undefined): Promise<z.infer<T>> {
  const { body } = await gigyaCall(ctx, method, form, gmid ? { gmid } : {});
  const parsed = gigyaBody(schema, method, body) as z.infer<typeof GigyaBaseSchema>;
  if (parsed.errorCode !== 0) throw stepFailed(method, gigyaSaid(parsed), parsed.errorCode);
  return parsed as z.infer<T>;
}

/** Sends the e-mail code; returns the challenge the user answers. */
export async function startEmailTfa(ctx: ProviderContext, regToken: string): Promise<PendingChallenge> {
  registerSecret(regToken);
  // The gmid cookie ties the TFA calls together on the web SDK (evcc sends it); best effort.
  let gmid: string | undefined;
  try {
    gmid = (await gigyaCall(ctx, 'accounts.webSdkBootstrap', {})).gmid;
  } catch {
    gmid = undefined;
  }
  if (gmid) registerSecret(gmid);
  const init = await step(ctx, InitSchema, 'accounts.tfa.initTFA', { regToken, provider: 'gigyaEmail', mode: 'verify', lang: lang(ctx) }, gmid);
  const gigyaAssertion = init.gigyaAssertion;
  if (!gigyaAssertion) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (initTFA) answered without an assertion');
  registerSecret(gigyaAssertion);
  const { body } = await gigyaCall(ctx, 'accounts.tfa.email.getEmails', { gigyaAssertion }, gmid ? { gmid } : {});
  const base = gigyaBody(GigyaBaseSchema, 'accounts.tfa.email.getEmails', body);
  if (base.errorCode !== 0) throw stepFailed('accounts.tfa.email.getEmails', gigyaSaid(base), base.errorCode);
  const email = emailsOf(body)[0];
  if (!email) {
    throw new CarError('TFA_REQUIRED', 'Renault asks for a two-factor code but names no e-mail address to send it to. Sign in once in the MyRenault app, then press "Sign in again".', {
      transient: false,
    });
  }
  const sendForm: Record<string, string> = { gigyaAssertion, lang: lang(ctx), ...(email.id ? { emailID: email.id } : { email: email.plain ?? '' }) };
  const sent = await step(ctx, SendSchema, 'accounts.tfa.email.sendVerificationCode', sendForm, gmid);
  if (!sent.phvToken) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (sendVerificationCode) answered without a token');
  registerSecret(sent.phvToken);
  const masked = email.masked ?? (email.plain ? maskEmail(email.plain) : 'your e-mail address');
  const state: TfaState = { regToken, gigyaAssertion, phvToken: sent.phvToken, ...(gmid ? { gmid } : {}) };
  return {
    kind: 'code',
    prompt: `Renault sent a sign-in code to ${masked}: enter it in the account node's dialog (Sign-in code) and press Submit.`,
    hint: masked,
    state,
  };
}

/**
 * Checks the code and confirms the device. A refused code keeps the challenge (BAD_INPUT:
 * the user may type it again); a lapsed flow or too many tries ends it (TFA_REQUIRED).
 */
export async function completeEmailTfa(ctx: ProviderContext, pending: PendingChallenge, code: string): Promise<{ gmid?: string }> {
  const parsedState = TfaStateSchema.safeParse(pending.state);
  if (!parsedState.success) {
    throw new CarError('TFA_REQUIRED', 'The two-factor sign-in in progress was lost; press "Sign in again" for a new code.', { transient: false });
  }
  const s = parsedState.data;
  for (const v of [s.regToken, s.gigyaAssertion, s.phvToken, s.gmid, code]) registerSecret(v);
  const { body } = await gigyaCall(ctx, 'accounts.tfa.email.completeVerification', { gigyaAssertion: s.gigyaAssertion, phvToken: s.phvToken, code }, s.gmid ? { gmid: s.gmid } : {});
  const done = gigyaBody(CompleteSchema, 'accounts.tfa.email.completeVerification', body);
  if (done.errorCode !== 0) {
    const said = gigyaSaid(done);
    // A wrong code is worded as such; a dead token (phvToken, assertion) means the flow lapsed.
    const lapsed = done.errorCode === 403048 || /token|assertion|expired|exceeded|too many/i.test(said);
    if (!lapsed) {
      throw new CarError('BAD_INPUT', `code: Renault did not accept the sign-in code (Gigya ${done.errorCode}: ${said}); check it and enter it again`, {
        upstreamCode: String(done.errorCode),
        transient: false,
      });
    }
    throw new CarError('TFA_REQUIRED', `Renault ended the two-factor sign-in (Gigya ${done.errorCode}: ${said}); press "Sign in again" for a new code.`, {
      upstreamCode: String(done.errorCode),
      transient: false,
    });
  }
  if (!done.providerAssertion) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (completeVerification) answered without an assertion');
  registerSecret(done.providerAssertion);
  // tempDevice=false: remember this client, so that the next logins need no code (spec §2.7).
  await step(
    ctx,
    GigyaBaseSchema,
    'accounts.tfa.finalizeTFA',
    { regToken: s.regToken, gigyaAssertion: s.gigyaAssertion, providerAssertion: done.providerAssertion, tempDevice: 'false' },
    s.gmid,
  );
  return s.gmid ? { gmid: s.gmid } : {};
}
