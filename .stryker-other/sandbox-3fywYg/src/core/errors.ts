// @ts-nocheck
import { redact } from './redact';

/** The one list of error codes that flows see in msg.error.code. */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'TFA_REQUIRED',
  'CAPTCHA_REQUIRED',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'NOT_SUPPORTED',
  'VEHICLE_ASLEEP',
  'TIMEOUT',
  'NETWORK',
  'UPSTREAM',
  'BAD_INPUT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CarErrorOptions {
  /** When the condition clears (rate limit, quota), epoch ms. */
  retryAt?: number;
  /** HTTP status of the answer that caused it, when there was one. */
  status?: number;
  /** The cloud's own error code (e.g. err.func.wired.overloaded, 403042). */
  upstreamCode?: string;
  /** True when retrying later can succeed without the user doing anything. */
  transient?: boolean;
}

/** Longest message an error carries: what it repeats of a bad input is cut, so a 5 MB payload is not echoed. */
export const MAX_ERROR_MESSAGE = 1_000;

function capped(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE ? message : `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}

/**
 * Every error the plugin raises on purpose. `code` is an own property so that Node-RED
 * copies it to msg.error.code for Catch nodes. The message is redacted on construction.
 */
export class CarError extends Error {
  readonly code: ErrorCode;
  readonly retryAt?: number;
  readonly status?: number;
  readonly upstreamCode?: string;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options: CarErrorOptions = {}) {
    super(capped(redact(message)));
    this.name = 'CarError';
    this.code = code;
    if (options.retryAt !== undefined) this.retryAt = options.retryAt;
    if (options.status !== undefined) this.status = options.status;
    if (options.upstreamCode !== undefined) this.upstreamCode = options.upstreamCode;
    this.transient = options.transient ?? isTransientCode(code);
  }

  /**
   * The message alone: Node-RED writes an error into its log and debug sidebar as a string, and
   * "CarError: ..." names a class the user has nothing to do with (msg.error.code names the kind).
   */
  override toString(): string {
    return this.message;
  }

  /** A plain object for msg.error-like output and logs. */
  toJSON(): { code: ErrorCode; message: string; retryAt?: string; upstreamCode?: string; status?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryAt !== undefined ? { retryAt: new Date(this.retryAt).toISOString() } : {}),
      ...(this.upstreamCode !== undefined ? { upstreamCode: this.upstreamCode } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
    };
  }
}

/**
 * A request that changes something (a POST, never repeated) went out, and its answer was lost
 * (a timeout, a reset, the account closing): the cloud may have carried it out. A command that
 * ends so has the outcome "unknown", not "failed": a flow would send it again.
 */
export class AnswerLostError extends CarError {
  constructor(code: 'TIMEOUT' | 'NETWORK', message: string, options: CarErrorOptions = {}) {
    super(code, message, options);
    this.name = 'AnswerLostError';
  }
}

function isTransientCode(code: ErrorCode): boolean {
  return ['RATE_LIMITED', 'QUOTA_EXCEEDED', 'VEHICLE_ASLEEP', 'TIMEOUT', 'NETWORK', 'UPSTREAM'].includes(code);
}

/**
 * Thrown by a provider when the cloud rejected the access token (HTTP 401 and the like):
 * the session mints a new one and retries the call once. Never reaches a flow.
 */
export class TokenRejectedError extends Error {
  constructor(message = 'access token rejected') {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

export function isCarError(e: unknown): e is CarError {
  return e instanceof CarError;
}

/** Turns anything thrown into a CarError without leaking secrets. */
export function toCarError(e: unknown, fallback: ErrorCode = 'UPSTREAM'): CarError {
  if (e instanceof CarError) return e;
  if (e instanceof TokenRejectedError) return new CarError('AUTH_FAILED', 'The cloud rejected the access token');
  const message = e instanceof Error ? e.message : String(e);
  return new CarError(fallback, message);
}
