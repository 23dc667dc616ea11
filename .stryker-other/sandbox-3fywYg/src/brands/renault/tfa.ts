// @ts-nocheck
import { z } from 'zod';
import { CarError, registerSecret } from '../../core';
import type { PendingChallenge, ProviderContext } from '../provider';
import { gigyaBody, gigyaCall, gigyaSaid, type GigyaBody, type GigyaDevice, type GigyaMethod } from './gigya';
import { GigyaBaseSchema, str } from './schemas';

/**
 * Renault's e-mail two-factor sign-in (renault-2fa.md §2, as grosz and the Kelec app do it):
 * login answers 403101 with a regToken; initTFA → getEmails → sendVerificationCode at once
 * (the assertion lives about 5 minutes); the user types the code; completeVerification →
 * finalizeTFA with tempDevice=false (the device is trusted for 30 days); then login again
 * with the same device ids. Answers are read leniently; what a step needs is checked.
 */

/** What the flow keeps between sending the code and checking it (secret: never shown). */
export const TfaStateSchema = z.object({
  regToken: z.string().min(1),
  gigyaAssertion: z.string().min(1),
  phvToken: z.string().min(1),
  gmid: z.string().optional(),
  ucid: z.string().optional(),
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

/** getEmails answers an array of {id, obfuscated} (Kelec, grosz); an object of arrays is read too. */
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

const stepName = (method: GigyaMethod): string => method.replace('accounts.tfa.', '').replace('email.', '');

/** An ISO time in Gigya's words, when it names one (a lock-out's end). */
function timeIn(text: string): number | undefined {
  const m = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/.exec(text);
  const t = m ? Date.parse(m[0]) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Gigya 403120 "Account temporarily locked out" (after too many failed sign-ins, of the
 * account or of the address it came from): no further sign-in until the user acts, since each
 * one would prolong it. Gigya names no end in the answers seen (Kelec: "try in a few minutes").
 */
export function lockedOut(body: GigyaBody): CarError {
  const said = gigyaSaid(body);
  const until = timeIn(`${body.errorDetails ?? ''} ${body.errorMessage ?? ''}`);
  const when = until !== undefined ? `until ${new Date(until).toISOString().replace('.000Z', 'Z')}` : 'for a while (Renault does not say how long; usually some minutes)';
  return new CarError(
    'AUTH_FAILED',
    `Renault has locked this account ${when} after too many sign-in attempts (Gigya 403120: ${said}). The plugin stops signing in: wait, check that you can sign in in the MyRenault app, then press "Sign in again".`,
    { upstreamCode: '403120', transient: false, ...(until !== undefined ? { retryAt: until } : {}) },
  );
}

/** What a refused step means for the user: a wrong code, too many, a lapsed flow, a lock-out, a pause. */
function stepError(method: GigyaMethod, body: GigyaBody): CarError {
  const code = body.errorCode;
  const said = gigyaSaid(body);
  const upstreamCode = String(code);
  const words = `${body.errorDetails ?? ''} ${body.errorMessage ?? ''}`;
  if (code === 403120) return lockedOut(body);
  if (/maximum allowed tries|too many (tries|attempts)/i.test(words)) {
    // Kelec: "Maximum allowed tries exceeded" ends the flow; a new one starts from the login.
    return new CarError('TFA_REQUIRED', `Too many wrong codes: Renault ended this sign-in (Gigya ${code}: ${said}). Wait a few minutes, then press "Sign in again" for a new code.`, {
      upstreamCode,
      transient: false,
    });
  }
  if (/invalid jwt|expired/i.test(words)) {
    // grosz: the assertion of initTFA lives about 5 minutes; then every step answers 400006 "Invalid jwt".
    return new CarError('TFA_REQUIRED', `The sign-in code has expired (Renault's code step lasts about 5 minutes; Gigya ${code}: ${said}). Press "Sign in again" for a new code.`, {
      upstreamCode,
      transient: false,
    });
  }
  if (code === 403048 || body.statusCode === 429) {
    return new CarError('RATE_LIMITED', `Renault's sign-in service asks to slow down (${stepName(method)}, Gigya ${code}: ${said}); try again in a few minutes`, { upstreamCode, transient: true });
  }
  if (code >= 500000 || (body.statusCode ?? 0) >= 500) {
    return new CarError('UPSTREAM', `Renault sign-in service error (${stepName(method)}, Gigya ${code}: ${said}); try again in a few minutes`, { upstreamCode, transient: true });
  }
  return new CarError(
    'TFA_REQUIRED',
    `Renault's two-factor sign-in failed at ${stepName(method)} (Gigya ${code}: ${said}). Press "Sign in again" to start over; if it fails again, sign in once in the MyRenault app.`,
    { upstreamCode, transient: false },
  );
}

async function step<T extends z.ZodTypeAny>(ctx: ProviderContext, schema: T, method: GigyaMethod, form: Record<string, string>, device: GigyaDevice | undefined, deviceFields = false): Promise<z.infer<T>> {
  const { body } = await gigyaCall(ctx, method, form, { device, deviceFields });
  const parsed = gigyaBody(schema, method, body) as GigyaBody;
  if (parsed.errorCode !== 0) throw stepError(method, parsed);
  return parsed as z.infer<T>;
}

/**
 * Sends the e-mail code at once after the login's 403101 (steps 2-4 back to back): returns the
 * challenge the user answers. `device` is the one the login used; without one, `newDevice`
 * fetches one so that finalizeTFA has a device to trust.
 */
export async function startEmailTfa(
  ctx: ProviderContext,
  regToken: string,
  device: GigyaDevice | undefined,
  newDevice: () => Promise<GigyaDevice | undefined>,
): Promise<PendingChallenge> {
  registerSecret(regToken);
  const dev = device ?? (await newDevice());
  const init = await step(ctx, InitSchema, 'accounts.tfa.initTFA', { regToken, provider: 'gigyaEmail', mode: 'verify', lang: lang(ctx) }, dev, true);
  const gigyaAssertion = init.gigyaAssertion;
  if (!gigyaAssertion) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (initTFA) answered without an assertion');
  registerSecret(gigyaAssertion);
  const { body } = await gigyaCall(ctx, 'accounts.tfa.email.getEmails', { gigyaAssertion }, { device: dev });
  const base = gigyaBody(GigyaBaseSchema, 'accounts.tfa.email.getEmails', body);
  if (base.errorCode !== 0) throw stepError('accounts.tfa.email.getEmails', base);
  const email = emailsOf(body)[0];
  if (!email) {
    // grosz, Kelec: "no registered TFA email". Never guess an address (evcc PR's fallback to the login).
    throw new CarError(
      'TFA_REQUIRED',
      'Renault asks for a sign-in code but has no e-mail address on file to send it to. Open the MyRenault app (or the MyRenault website), add or confirm the e-mail address for sign-in codes in your account settings, then press "Sign in again".',
      { transient: false },
    );
  }
  const sendForm: Record<string, string> = { gigyaAssertion, lang: lang(ctx), ...(email.id ? { emailID: email.id } : { email: email.plain ?? '' }) };
  const sent = await step(ctx, SendSchema, 'accounts.tfa.email.sendVerificationCode', sendForm, dev);
  if (!sent.phvToken) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (sendVerificationCode) answered without a token');
  registerSecret(sent.phvToken);
  const masked = email.masked ?? (email.plain ? maskEmail(email.plain) : 'your e-mail address');
  const state: TfaState = { regToken, gigyaAssertion, phvToken: sent.phvToken, ...(dev ?? {}) };
  return {
    kind: 'code',
    prompt: `Renault sent a sign-in code to ${masked}: enter it in the account node's dialog (Sign-in code) and press Submit within about 5 minutes.`,
    hint: masked,
    // No expiresAt: the assertion's end (about 5 minutes) is the server's to enforce; the prompt says it.
    state,
  };
}

/**
 * Checks the code and trusts the device (finalizeTFA, tempDevice=false). A wrong code keeps
 * the challenge (BAD_INPUT: the user may type it again); a lapsed flow or too many tries ends
 * it (TFA_REQUIRED). Returns the device the next login must use.
 */
export async function completeEmailTfa(ctx: ProviderContext, pending: PendingChallenge, code: string): Promise<GigyaDevice | undefined> {
  const parsedState = TfaStateSchema.safeParse(pending.state);
  if (!parsedState.success) {
    throw new CarError('TFA_REQUIRED', 'The two-factor sign-in in progress was lost; press "Sign in again" for a new code.', { transient: false });
  }
  const s = parsedState.data;
  for (const v of [s.regToken, s.gigyaAssertion, s.phvToken, s.gmid, s.ucid, code]) registerSecret(v);
  const device = s.gmid ? { gmid: s.gmid, ...(s.ucid ? { ucid: s.ucid } : {}) } : undefined;
  const { body } = await gigyaCall(ctx, 'accounts.tfa.email.completeVerification', { gigyaAssertion: s.gigyaAssertion, phvToken: s.phvToken, code }, { device });
  const done = gigyaBody(CompleteSchema, 'accounts.tfa.email.completeVerification', body);
  if (done.errorCode !== 0) {
    const err = stepError('accounts.tfa.email.completeVerification', done);
    const words = `${done.errorDetails ?? ''} ${done.errorMessage ?? ''}`;
    // Kelec: "Wrong verification code" keeps the code screen; so does a refusal that names no token.
    const wrongCode = /wrong|incorrect|invalid (verification )?code/i.test(words) || (err.code === 'TFA_REQUIRED' && !/token|assertion|jwt|expired/i.test(words) && done.errorCode === 400006);
    if (wrongCode && err.code === 'TFA_REQUIRED' && !/maximum|too many/i.test(words)) {
      throw new CarError('BAD_INPUT', `code: Renault did not accept the sign-in code (Gigya ${done.errorCode}: ${gigyaSaid(done)}); check the e-mail and enter the code again`, {
        upstreamCode: String(done.errorCode),
        transient: false,
      });
    }
    throw err;
  }
  if (!done.providerAssertion) throw new CarError('UPSTREAM', 'Renault two-factor sign-in (completeVerification) answered without an assertion');
  registerSecret(done.providerAssertion);
  // tempDevice=false: what the web login sends with "don't ask again on this device for 30 days" ticked.
  await step(
    ctx,
    GigyaBaseSchema,
    'accounts.tfa.finalizeTFA',
    { regToken: s.regToken, gigyaAssertion: s.gigyaAssertion, providerAssertion: done.providerAssertion, tempDevice: 'false' },
    device,
    true,
  );
  return device;
}
