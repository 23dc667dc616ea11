/**
 * What the soak knows of the CarData stream (issue 15 point 8): the account's stream events with
 * their virtual times, turned into minutes up per simulated hour, and whether a connection
 * attempt is in flight (real I/O the virtual clock must not run past).
 */

/** A stream event as the account emits it ('stream'): the state and, when one is scheduled, the next attempt. */
export interface StreamEventSeen {
  state: string;
  retryAt?: number;
}

/** An hour counts as "stream up" when the stream was connected for at least this much of it. */
export const UP_HOUR_MS = 50 * 60_000;
/** The soak fails when fewer hours than this share of those without an injected CarData fault are up. */
export const MIN_UP_SHARE = 0.9;

/** Why a day's stream figures fail the soak, or undefined when they pass. */
export function streamProblem(day: number, upQuietHours: number, quietHours: number): string | undefined {
  const needed = Math.ceil(MIN_UP_SHARE * quietHours);
  return upQuietHours < needed ? `day ${day}: the CarData stream was up ${upQuietHours} of ${quietHours} hours without a CarData fault (at least ${needed} expected)` : undefined;
}

export class StreamWatch {
  private upSince?: number;
  private upMs = 0;
  private last?: StreamEventSeen;
  /** State changes seen, for the verbose log. */
  changes = 0;

  constructor(private readonly now: () => number) {}

  /** Feed every 'stream' event of the account here. */
  seen(e: StreamEventSeen): void {
    const t = this.now();
    if (e.state === 'connected') this.upSince ??= t;
    else if (this.upSince !== undefined) {
      this.upMs += t - this.upSince;
      this.upSince = undefined;
    }
    if (e.state !== this.last?.state) this.changes++;
    this.last = e;
  }

  /** True while an attempt runs: 'connecting' with no retry scheduled (a scheduled one is a wait on the clock). */
  get attempting(): boolean {
    return this.last?.state === 'connecting' && this.last.retryAt === undefined;
  }

  /** When the next attempt is due (epoch ms on the clock), while one is scheduled. */
  get retryAt(): number | undefined {
    return this.last?.retryAt;
  }

  get state(): string {
    return this.last?.state ?? 'none';
  }

  /** Milliseconds the stream was connected since the last call (the clock's time; a period still open counts up to now). */
  takeUpMs(): number {
    const t = this.now();
    let ms = this.upMs;
    if (this.upSince !== undefined) {
      ms += t - this.upSince;
      this.upSince = t;
    }
    this.upMs = 0;
    return ms;
  }
}
