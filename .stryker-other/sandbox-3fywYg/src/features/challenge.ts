// @ts-nocheck
import { z } from 'zod';
import { CarError, registerSecret, toCarError, type ErrorCode } from '../core';
import type { ChallengeError, PendingChallenge, ProviderAuth, ProviderContext } from '../brands';

export type SessionPhase = 'idle' | 'signing_in' | 'ready' | 'tfa_required' | 'blocked' | 'rate_limited' | 'error';

export interface SessionState {
  phase: SessionPhase;
  /** Words for the status dot and the editor; never a secret. */
  message?: string;
  code?: ErrorCode;
  /** When a pause ends (rate limit, login back-off), epoch ms. */
  until?: number;
  /** A sign-in step waits for the user (phase tfa_required): what kind, and where the code went. */
  challenge?: { kind: PendingChallenge['kind']; hint?: string; userCode?: string; expiresAt?: number };
}

/** What the store keeps of a challenge in progress (its state is the provider's). */
export const PendingSchema = z.object({
  kind: z.enum(['code', 'captcha', 'device_code']),
  prompt: z.string(),
  hint: z.string().optional(),
  userCode: z.string().optional(),
  expiresAt: z.number().optional(),
  pollMs: z.number().optional(),
  state: z.record(z.string(), z.unknown()),
});

/** A sign-in code or captcha answer: short, printable, no spaces. */
export const ANSWER = /^[A-Za-z0-9._~-]{4,64}$/;

/**
 * The flow state of a challenge is secret (device codes, verifiers, tokens), except what the
 * user must be shown: a value that appears in the prompt or the hint (a user code, a link).
 */
export function registerChallengeSecrets(challenge: PendingChallenge): void {
  const shown = `${challenge.prompt} ${challenge.hint ?? ''} ${challenge.userCode ?? ''}`;
  for (const v of Object.values(challenge.state)) if (typeof v === 'string' && !shown.includes(v)) registerSecret(v);
}


/** Failures that stop signing in until the settings change or the user asks again. */
export const DEFINITIVE: readonly ErrorCode[] = ['AUTH_FAILED', 'TFA_REQUIRED', 'CAPTCHA_REQUIRED'];

/**
 * The cloud asked for a second step: start it (e.g. send the e-mail code) so that the user can
 * answer it. Returns the challenge to keep, and the error that blocks sign-in meanwhile, in
 * words naming where the code went. A step that needs the user's action (a new e-mail) is not
 * started unless the user asked for this sign-in: a background call sends nothing.
 */
export async function startSecondStep(
  auth: ProviderAuth<unknown>,
  ctx: ProviderContext,
  err: ChallengeError,
  userAsked: boolean,
): Promise<{ pending?: PendingChallenge; error: CarError }> {
  const upstream = err.upstreamCode ? { upstreamCode: err.upstreamCode } : {};
  if (err.needsUserAction && !userAsked) {
    return { error: new CarError(err.code, `${err.message} Nothing was sent yet: press "Sign in again" in the account node to start it.`, { transient: false, ...upstream }) };
  }
  if (!auth.startSecondFactor) {
    return { error: new CarError(err.code, `${err.message} The plugin cannot answer it here: sign in once in the brand's app, then press "Sign in again".`, { transient: false }) };
  }
  try {
    const pending = await auth.startSecondFactor(ctx, err.challenge);
    registerChallengeSecrets(pending);
    return { pending, error: new CarError(err.code, pending.prompt, { transient: false, ...upstream }) };
  } catch (e) {
    const failed = toCarError(e);
    if (DEFINITIVE.includes(failed.code)) return { error: failed };
    return { error: new CarError(err.code, `${err.message} Sending the code failed (${failed.message}); press "Sign in again" to retry.`, { transient: false }) };
  }
}
