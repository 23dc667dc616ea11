import { z } from 'zod';
import { registerSecret, type ErrorCode } from '../core';
import type { PendingChallenge } from '../brands';

export type SessionPhase = 'idle' | 'signing_in' | 'ready' | 'tfa_required' | 'blocked' | 'rate_limited' | 'error';

export interface SessionState {
  phase: SessionPhase;
  /** Words for the status dot and the editor; never a secret. */
  message?: string;
  code?: ErrorCode;
  /** When a pause ends (rate limit, login back-off), epoch ms. */
  until?: number;
  /** A sign-in step waits for the user (phase tfa_required): what kind, and where the code went. */
  challenge?: { kind: PendingChallenge['kind']; hint?: string; expiresAt?: number };
}

/** What the store keeps of a challenge in progress (its state is the provider's). */
export const PendingSchema = z.object({
  kind: z.enum(['code', 'captcha', 'device_code']),
  prompt: z.string(),
  hint: z.string().optional(),
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
  const shown = `${challenge.prompt} ${challenge.hint ?? ''}`;
  for (const v of Object.values(challenge.state)) if (typeof v === 'string' && !shown.includes(v)) registerSecret(v);
}

