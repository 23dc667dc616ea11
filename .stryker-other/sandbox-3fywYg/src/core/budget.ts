// @ts-nocheck
import { CarError } from './errors';
import { systemClock, type Clock } from './clock';

export type CallKind = 'background' | 'explicit';

export interface BudgetOptions {
  /** Calls allowed in any rolling window. */
  limit: number;
  windowMs: number;
  /** Calls kept back for what the user asks explicitly (an input msg, a command). */
  reserve?: number;
  /** First pause after the cloud says "too many" when it names no time. */
  basePauseMs?: number;
  /** Longest pause when "too many" repeats. */
  maxPauseMs?: number;
  /** Longest pause the cloud may name (a time further away is taken as this one). */
  maxNamedPauseMs?: number;
  clock?: Clock;
  /**
   * A pause is made longer by up to this share of it, at random (default 0.1): accounts and
   * nodes that were told the same time do not all come back in the same second.
   */
  jitter?: number;
  /** Numbers in [0, 1) for the jitter (default Math.random; tests inject a seeded one). */
  random?: () => number;
  /** Error code when spent: RATE_LIMITED (per-hour style) or QUOTA_EXCEEDED (daily quota). */
  code?: 'RATE_LIMITED' | 'QUOTA_EXCEEDED';
}

export interface BudgetSnapshot {
  calls: number[];
  pausedUntil?: number;
  strikes: number;
  lastStrikeAt?: number;
}

/**
 * The per-account call budget, shared by every node of the account. A rolling window of
 * call times; a pause when the cloud answers "too many", doubling while it repeats. The
 * snapshot goes into the token store so that a restart does not reset a daily quota.
 */
export class CallBudget {
  private calls: number[] = [];
  private pausedUntil = 0;
  private strikes = 0;
  private lastStrikeAt = 0;
  private readonly clock: Clock;
  readonly limit: number;
  readonly windowMs: number;
  readonly reserve: number;
  private readonly basePauseMs: number;
  private readonly maxPauseMs: number;
  private readonly maxNamedPauseMs: number;
  private readonly code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED';
  private readonly jitter: number;
  private readonly random: () => number;
  /** Called whenever the budget changes, e.g. to persist it. */
  onChange?: () => void;

  constructor(options: BudgetOptions) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.reserve = Math.min(options.reserve ?? 0, options.limit);
    this.basePauseMs = options.basePauseMs ?? 15 * 60_000;
    this.maxPauseMs = options.maxPauseMs ?? 4 * 3600_000;
    this.maxNamedPauseMs = options.maxNamedPauseMs ?? 86_400_000;
    this.clock = options.clock ?? systemClock;
    this.code = options.code ?? 'RATE_LIMITED';
    this.jitter = Math.max(0, options.jitter ?? 0.1);
    this.random = options.random ?? Math.random;
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let i = 0;
    while (i < this.calls.length && (this.calls[i] ?? 0) <= from) i++;
    if (i) this.calls.splice(0, i);
  }

  /** Calls left in the window for this kind of call. */
  remaining(kind: CallKind = 'background'): number {
    this.prune(this.clock.now());
    const cap = kind === 'explicit' ? this.limit : this.limit - this.reserve;
    return Math.max(0, cap - this.calls.length);
  }

  used(): number {
    this.prune(this.clock.now());
    return this.calls.length;
  }

  /** Epoch ms of the pause end, when paused. */
  pausedUntilMs(): number | undefined {
    return this.pausedUntil > this.clock.now() ? this.pausedUntil : undefined;
  }

  /** Earliest time `cost` calls of this kind fit. */
  nextSlotAt(kind: CallKind = 'background', cost = 1, now = this.clock.now()): number {
    this.prune(now);
    const cap = kind === 'explicit' ? this.limit : this.limit - this.reserve;
    const excess = this.calls.length + cost - cap;
    let at = now;
    if (cost > cap) at = Infinity;
    else if (excess > 0) at = (this.calls[excess - 1] ?? now) + this.windowMs;
    return Math.max(at, this.pausedUntil);
  }

  canTake(kind: CallKind = 'background', cost = 1): boolean {
    const now = this.clock.now();
    return this.nextSlotAt(kind, cost, now) <= now;
  }

  /** Spends `cost` calls or throws RATE_LIMITED / QUOTA_EXCEEDED naming when it clears. */
  take(kind: CallKind = 'background', cost = 1): void {
    // One clock reading for the check and the record: a millisecond between two would refuse a call that fits.
    const now = this.clock.now();
    const at = this.nextSlotAt(kind, cost, now);
    if (at > now) {
      const paused = this.pausedUntil > now;
      const when = Number.isFinite(at) ? new Date(at).toISOString() : 'never';
      throw new CarError(
        this.code,
        paused
          ? `The cloud asked us to slow down; calls resume at ${when}`
          : `The account's call budget (${this.limit} per ${formatWindow(this.windowMs)}) is spent; the next call fits at ${when}`,
        Number.isFinite(at) ? { retryAt: at } : {},
      );
    }
    for (let i = 0; i < cost; i++) this.calls.push(now);
    this.onChange?.();
  }

  /**
   * The cloud said "too many". When it names a time (Retry-After, a quota's reset), pause until
   * then, as given (capped at maxNamedPauseMs); when it names none, pause for the base pause,
   * doubled per repeat within the last pause window. Either pause is made longer by a random
   * share of at most `jitter` (0-10 %: a 5 s Retry-After waits 5 to 5.5 s). Returns the end of the pause.
   */
  penalize(retryAt?: number): number {
    const now = this.clock.now();
    let wait: number;
    if (retryAt !== undefined && Number.isFinite(retryAt)) {
      wait = Math.max(0, Math.min(retryAt - now, this.maxNamedPauseMs));
    } else {
      if (now - this.lastStrikeAt > this.maxPauseMs) this.strikes = 0;
      wait = Math.min(this.maxPauseMs, this.basePauseMs * 2 ** this.strikes);
      this.strikes++;
      this.lastStrikeAt = now;
    }
    const extra = Math.round(wait * this.jitter * Math.min(1, Math.max(0, this.random())));
    this.pausedUntil = Math.max(this.pausedUntil, now + wait + extra);
    this.onChange?.();
    return this.pausedUntil;
  }

  snapshot(): BudgetSnapshot {
    this.prune(this.clock.now());
    return { calls: [...this.calls], strikes: this.strikes, lastStrikeAt: this.lastStrikeAt, ...(this.pausedUntil > this.clock.now() ? { pausedUntil: this.pausedUntil } : {}) };
  }

  restore(s: BudgetSnapshot | undefined): void {
    if (!s) return;
    this.calls = s.calls.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
    this.pausedUntil = s.pausedUntil ?? 0;
    this.strikes = s.strikes;
    this.lastStrikeAt = s.lastStrikeAt ?? 0;
    this.prune(this.clock.now());
  }
}

function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return ms === 86_400_000 ? '24 h' : `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} h`;
  return `${Math.round(ms / 60_000)} min`;
}
