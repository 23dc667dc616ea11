// @ts-nocheck
import { CarError } from '../../core';

/**
 * What a car refused, and for how long that holds. Kamereon's `err.func.wired.notFound` (and
 * any 404) is not "this car has no such endpoint": real cars answer it while asleep or right
 * after a change ("There is no data for this vin and uid"), so it is asked again later, with
 * back-off (hours, never "never"). Answers that say so are permanent: forbidden by the
 * contract (err.func.wired.forbidden), not supported by the gateway (err.tech.501), and the
 * rest of spec §7.2's list. Privacy mode, and an access denied after successes, are not kept.
 */
export type Refusal = 'permanent' | 'temporary';

/** After the 1st, 2nd, ... temporary refusal in a row: asked again after 1 h, 3 h, 6 h, 12 h, then daily. */
export const REFUSAL_BACKOFF_MS: readonly number[] = [1, 3, 6, 12, 24].map((h) => h * 3_600_000);

const TEMPORARY_CODES = new Set(['err.func.wired.notFound', 'err.func.wired.not-found']);

/** True for a NOT_SUPPORTED that may pass by itself (notFound, a 404). */
export function isTemporaryRefusal(err: CarError): boolean {
  return err.code === 'NOT_SUPPORTED' && (TEMPORARY_CODES.has(err.upstreamCode ?? '') || err.status === 404);
}

/** How a NOT_SUPPORTED is remembered; undefined: not at all (privacy mode, access denied after successes, not a refusal). */
export function refusalOf(err: CarError, workedBefore: boolean): Refusal | undefined {
  if (err.code !== 'NOT_SUPPORTED') return undefined;
  if (err.upstreamCode === 'err.func.privacy.on') return undefined;
  if (err.upstreamCode === 'err.func.403' && workedBefore) return undefined;
  return isTemporaryRefusal(err) ? 'temporary' : 'permanent';
}

interface Entry {
  error: CarError;
  kind: Refusal;
  /** Temporary: when to ask again (epoch ms). */
  until?: number;
  /** Temporary refusals in a row. */
  strikes: number;
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/**
 * The refusals of one account's cars, by key (vin|endpoint): a permanent one is answered
 * without a call for as long as the account is open; a temporary one until its back-off ends,
 * then the car is asked again (a success forgets it, another refusal doubles the wait).
 */
export class RefusalMemory {
  private readonly entries = new Map<string, Entry>();

  /** The refusal that still holds for key (NOT_SUPPORTED, without a call), or undefined: ask. */
  check(key: string, now: number): CarError | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const options = { ...(e.error.upstreamCode ? { upstreamCode: e.error.upstreamCode } : {}), ...(e.error.status !== undefined ? { status: e.error.status } : {}) };
    if (e.kind === 'permanent') return new CarError('NOT_SUPPORTED', `${e.error.message} (this car refused it before)`, { ...options, transient: false });
    if (e.until === undefined || now >= e.until) return undefined;
    return new CarError('NOT_SUPPORTED', `${e.error.message} (this car refused it before; asked again after ${iso(e.until)})`, {
      transient: true,
      retryAt: e.until,
      ...(e.error.upstreamCode ? { upstreamCode: e.error.upstreamCode } : {}),
      ...(e.error.status !== undefined ? { status: e.error.status } : {}),
    });
  }

  /** Keeps a refusal the car just answered; returns it with when it is asked again (temporary). */
  note(key: string, err: CarError, kind: Refusal | undefined, now: number): CarError {
    if (!kind) return err;
    if (kind === 'permanent') {
      this.entries.set(key, { error: err, kind, strikes: 0 });
      return err;
    }
    const strikes = (this.entries.get(key)?.strikes ?? 0) + 1;
    const until = now + (REFUSAL_BACKOFF_MS[Math.min(strikes, REFUSAL_BACKOFF_MS.length) - 1] ?? 86_400_000);
    this.entries.set(key, { error: err, kind, until, strikes });
    return new CarError('NOT_SUPPORTED', `${err.message}; asked again after ${iso(until)}`, {
      transient: true,
      retryAt: until,
      ...(err.upstreamCode ? { upstreamCode: err.upstreamCode } : {}),
      ...(err.status !== undefined ? { status: err.status } : {}),
    });
  }

  /** The car answered: whatever it refused before is forgotten. */
  worked(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
