import { EventEmitter } from 'node:events';
import { CarError, STATUS_PARTS, StatusPartSchema, toCarError, type CallBudget, type Clock, type StatusPart, type TimerHandle, type VehicleStatus } from '../core';
import { z } from 'zod';
import type { AccountSession, BudgetSharer, SessionState } from './session';

/** What a background poller reads of its account to take its share of the budget: the budget's size, the pollers sharing it, the clock. */
export interface PollerAccount {
  readonly budget: Pick<CallBudget, 'limit' | 'reserve' | 'windowMs'>;
  readonly pollers: Set<BudgetSharer>;
  readonly clock: Clock;
}
/** What a StatusPoller asks of its account besides: its state, what a read costs, the reads, the pushed statuses. */
export type StatusAccount = PollerAccount &
  Pick<AccountSession, 'state' | 'statusCost' | 'readStatus' | 'cachedStatus'> & {
    on(event: 'status', listener: (vin: string) => void): unknown;
    on(event: 'state', listener: (state: SessionState) => void): unknown;
    off(event: 'status', listener: (vin: string) => void): unknown;
    off(event: 'state', listener: (state: SessionState) => void): unknown;
  };

export interface StatusPollerOptions {
  session: StatusAccount;
  vin: string;
  parts: StatusPart[];
  /** 0: only on input (no background reads, no share of the budget). */
  intervalMs: number;
  /** Poll faster while charging, driving or climatising, slower while parked. */
  adaptive?: boolean;
  /** Emit only when something the car reported changed. */
  onlyOnChange: boolean;
  clock?: Clock;
  /** Delay of the first background read after start. */
  firstReadDelayMs?: number;
}

export const MIN_INTERVAL_MS = 60_000;
/** The shortest wait after a named pause. */
const MIN_RETRY_MS = 1_000;
/**
 * While parked and quiet for an hour, the interval grows by this much at most: the gap between
 * two reads stays well within 1.5x of the interval shown, a late read included.
 */
export const QUIET_FACTOR = 1.25;
/**
 * The share of the background budget the plan hands out to the polling nodes. The rest absorbs
 * what no plan foresees: the vehicle list, a command's calls beyond the reserve, a read that had
 * to wait for a slot; without it the rolling window fills up and a read waits up to twice its interval.
 */
export const PLANNED_SHARE = 0.85;
/** The first background reads of an account's pollers, this far apart: the first minute shows data without a burst. */
export const FIRST_READ_SPREAD_MS = 3_000;

/** What the budget allows a poller: its part of the background calls the account may spend, by what each poller asks. */
export interface IntervalPlan {
  /** The interval the user set (ms; 0: only on input). */
  setMs: number;
  /** Background calls per hour the account's budget allows (less the reserve for explicit reads). */
  callsPerHour: number;
  /** Calls per hour all polling nodes of the account would spend at the intervals set. */
  wantedPerHour: number;
  /** Polling nodes sharing the budget (status and charging), this one included. */
  pollers: number;
  /** Calls one read costs (0 while not known: before the vehicle list is loaded). */
  perRead: number;
  /** The shortest interval this poller's share sustains (ms). */
  sustainableMs: number;
  /** The interval it will keep: the one set, or the sustainable one when that is longer. */
  effectiveMs: number;
  /** True when the budget makes it longer than set. */
  limited: boolean;
}

/**
 * What a poller's dot says of its plan, as a key that changes only when the dot should: '' while the interval set is
 * kept, the minutes kept while the budget stretches it; undefined before the cost of a read is known (nothing to say).
 */
export function shownPlanKey(plan: IntervalPlan): string | undefined {
  if (plan.perRead === 0) return undefined;
  return plan.limited ? String(Math.round(plan.effectiveMs / 60_000)) : '';
}

/** Calls per hour a poller spends reading `perRead` calls every `setMs`. */
export function callsPerHourOf(perRead: number, setMs: number): number {
  return setMs > 0 ? (perRead * 3_600_000) / setMs : 0;
}

/** The budget as the status dialog shows it before deploy (GET /connected-car/accounts/:id/budget). */
export function budgetView(
  session: AccountSession,
  q: { interval?: string; vin?: string; parts?: string; deployed?: boolean },
): { onlyOnInput: boolean; setMinutes: number; minutes: number; callsPerHour: number; wantedPerHour: number; calls: number; per: 'hour' | 'day'; pollers: number; perRead: number; limited: boolean } {
  const set = parseIntervalMinutes(q.interval, 10);
  const parts = parseParts(q.parts ?? '');
  // Before the vehicle list is known the dialog may guess (one call per part); a deployed node never does.
  const perRead = session.statusCost(q.vin ?? '', parts) ?? parts.length;
  // A node not deployed yet adds itself to the pollers; a deployed one is among them (with the settings deployed).
  const plan = planInterval(session, perRead, set * 60_000, q.deployed || set === 0 ? 'counted' : undefined);
  const minutes = Math.round(plan.effectiveMs / 60_000);
  // In the budget's own unit: CarData's 50 a day is no "1.7 calls/hour".
  const per = session.budget.windowMs >= 86_400_000 ? 'day' : 'hour';
  const calls = Math.max(1, session.budget.limit - session.budget.reserve);
  return { onlyOnInput: set === 0, setMinutes: set, minutes, callsPerHour: plan.callsPerHour, wantedPerHour: plan.wantedPerHour, calls, per, pollers: plan.pollers, perRead: plan.perRead, limited: plan.limited };
}

/**
 * The interval the budget allows a poller whose read costs `perRead` calls (undefined: not known
 * yet, so no plan limits it). Each polling node of the account asks for calls per hour at the
 * interval set; when they all fit, everyone keeps their interval; when they do not, every one
 * is stretched by the same factor (asked / allowed), so a node that reads little, seldom (an
 * hourly charging read) keeps nearly its share. `self` is this poller when it is among
 * session.pollers ('counted' when it is but cannot be told apart), else it is added.
 */
export function planInterval(session: PollerAccount, perRead: number | undefined, setMs: number, self?: BudgetSharer | 'counted'): IntervalPlan {
  const budget = session.budget;
  const background = Math.max(1, budget.limit - budget.reserve);
  const callsPerHour = (background * 3_600_000) / budget.windowMs;
  let wanted = 0;
  for (const p of session.pollers) if (p !== self) wanted += p.wantedPerHour() ?? 0;
  const inList = self !== undefined && (self === 'counted' || session.pollers.has(self));
  const pollers = Math.max(1, session.pollers.size + (inList || setMs === 0 ? 0 : 1));
  const round = (n: number): number => Math.round(n * 10) / 10;
  if (perRead === undefined || setMs <= 0) {
    return { setMs, callsPerHour: round(callsPerHour), wantedPerHour: round(wanted), pollers, perRead: perRead ?? 0, sustainableMs: 0, effectiveMs: setMs > 0 ? Math.max(MIN_INTERVAL_MS, setMs) : 0, limited: false };
  }
  if (self !== 'counted') wanted += callsPerHourOf(Math.max(1, perRead), setMs);
  const sustainableMs = Math.ceil((setMs * wanted) / (callsPerHour * PLANNED_SHARE));
  const effectiveMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, setMs, sustainableMs));
  return { setMs, callsPerHour: round(callsPerHour), wantedPerHour: round(wanted), pollers, perRead: Math.max(1, perRead), sustainableMs, effectiveMs, limited: effectiveMs > Math.max(MIN_INTERVAL_MS, setMs) };
}
export const MAX_INTERVAL_MS = 4 * 3_600_000;

/** Something is going on: the car charges, climatises, or moved since the last read. */
export function isActive(s: VehicleStatus, previous: VehicleStatus | undefined): boolean {
  if (s.charging?.state === 'charging' || s.climate?.state === 'on' || s.climate?.state === 'heating' || s.climate?.state === 'cooling') return true;
  if (!previous) return false;
  if (s.mileageKm !== undefined && previous.mileageKm !== undefined && s.mileageKm > previous.mileageKm) return true;
  const a = s.position;
  const b = previous.position;
  if (a && b && (Math.abs(a.latitude - b.latitude) > 0.001 || Math.abs(a.longitude - b.longitude) > 0.001)) return true;
  const socA = s.battery?.socPercent;
  const socB = previous.battery?.socPercent;
  return socA !== undefined && socB !== undefined && socA < socB - 1 && s.charging?.plug !== 'plugged';
}

export interface IntervalInput {
  baseMs: number;
  adaptive: boolean;
  active: boolean;
  /** Reads in a row that changed nothing. */
  quietReads: number;
  /** The interval this poller's share of the account budget sustains. */
  sustainableMs: number;
}

/**
 * The next poll delay: a third of the interval while active, a quarter longer after an hour of
 * quiet (the gap stays within 1.5x of the interval shown), never shorter than the budget
 * sustains nor than a minute, never longer than 4 h.
 */
export function nextInterval(i: IntervalInput): number {
  let ms = i.baseMs;
  if (i.adaptive) {
    if (i.active) ms = i.baseMs / 3;
    else if (i.quietReads * i.baseMs >= 3_600_000) ms = i.baseMs * QUIET_FACTOR;
  }
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, i.sustainableMs, Math.round(ms)));
}

/** A status with a flag saying whether it differs from the previous one. */
export interface StatusEvent {
  status: VehicleStatus;
  changed: boolean;
  /** Background poll, an explicit request, or data another read or the car's stream brought. */
  trigger: 'poll' | 'request' | 'push';
}

/** Parses the parts setting: a list or a comma-separated string; empty means all. */
export function parseParts(value: unknown): StatusPart[] {
  // Unset (a flow from before the setting, or every box ticked): all parts. A list that names none is refused, as the dialog refuses no box ticked.
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return [...STATUS_PARTS];
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (Array.isArray(list) && list.length === 0) throw new CarError('BAD_INPUT', `parts: choose at least one of: ${STATUS_PARTS.join(', ')}`);
  const parsed = z.array(StatusPartSchema).safeParse(list);
  if (!parsed.success) {
    throw new CarError('BAD_INPUT', `parts must be a list of: ${STATUS_PARTS.join(', ')} (got ${JSON.stringify(list)})`);
  }
  return [...new Set(parsed.data)];
}

/**
 * The interval setting in minutes: undefined gives the default, empty means only on input (0
 * returned); anything else must be a number of minutes of at least 1. The dialog's rule is the
 * same (nodes/car-status.html): 0 or below is refused, not taken for "only on input".
 */
export function parseIntervalMinutes(value: unknown, fallback: number, options: { zeroIsOnInput?: boolean } = {}): number {
  if (value === undefined || value === null) return fallback;
  const text = String(value).trim();
  if (text === '') return 0;
  const n = Number(text);
  // car-charging's dialog has always offered 0 for "no background reads" (flows of earlier versions say 0).
  if (n === 0 && options.zeroIsOnInput) return 0;
  if (!Number.isFinite(n) || n < 1) throw new CarError('BAD_INPUT', `interval must be a number of minutes (at least 1), or empty for only on input (got "${text}")`);
  return n;
}

/** What counts as a change: everything but the time we fetched it. */
function fingerprint(s: VehicleStatus): string {
  const { fetchedAt: _f, ...rest } = s as VehicleStatus & { missing?: unknown };
  delete (rest as { missing?: unknown }).missing;
  return JSON.stringify(rest);
}

/**
 * What the account's background pollers (car-status, car-charging) share: a timer on the account's clock, the read
 * under way, and their part of the budget: the plan, and 'interval' (IntervalPlan) when the interval they can keep
 * changes. A poller says what one of its reads costs and what one poll does.
 */
export abstract class BudgetPoller<Account extends PollerAccount = PollerAccount> extends EventEmitter implements BudgetSharer {
  protected stopped = true;
  private timer?: TimerHandle;
  private inflight?: Promise<void>;
  private shown?: string;

  protected constructor(
    protected readonly session: Account,
    protected readonly intervalMs: number,
    protected readonly clock: Clock,
  ) {
    super();
  }

  /** Calls one read costs; undefined while it is not known (before the vehicle list is loaded). */
  protected abstract cost(): number | undefined;
  /** One background read; it schedules the next. */
  protected abstract poll(): Promise<void>;

  /** What the budget allows this poller now. */
  plan(): IntervalPlan {
    return planInterval(this.session, this.cost(), this.intervalMs, this);
  }

  wantedPerHour(): number | undefined {
    const cost = this.cost();
    return cost === undefined ? undefined : callsPerHourOf(cost, this.intervalMs);
  }

  /** Resolves when no background read is in flight (for an orderly close, and for tests and benches). */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Emits 'interval' when the interval it can keep changed (the node's dot says it); nothing before the cost of a read is known. */
  protected tellPlan(): void {
    const plan = this.plan();
    const key = shownPlanKey(plan);
    if (key === undefined || key === this.shown) return;
    this.shown = key;
    this.emit('interval', plan);
  }

  protected schedule(delayMs: number): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.inflight = this.poll().finally(() => (this.inflight = undefined));
    }, delayMs);
  }

  /** No more reads and no share of the budget; a read under way finishes, and its poller says nothing of it. */
  protected halt(): void {
    this.stopped = true;
    this.session.pollers.delete(this);
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Polls one vehicle's status through the account session: at the interval, never faster
 * than the account's budget allows, and on request. Emits 'status' (StatusEvent), 'waiting'
 * (CarError: the budget or the cloud's pause, waited out), 'error' (CarError, once per
 * kind of error while it repeats) and 'interval' (IntervalPlan, when the interval it can keep
 * changes: the node shows it). With intervalMs 0 it reads only when asked.
 */
export class StatusPoller extends BudgetPoller<StatusAccount> {
  private readonly opts: StatusPollerOptions;
  private last?: string;
  private previous?: VehicleStatus;
  private active = false;
  private quietReads = 0;
  private lastError?: string;
  private reading = 0;
  private readonly onPushed = (vin: string): void => this.pushed(vin);
  /** A read was skipped or refused because the account waits for the user (a code, a confirmation). */
  private waitingForUser = false;
  /** The user confirmed the sign-in: the read it held back comes now, not an interval later. */
  private readonly onState = (s: SessionState): void => {
    if (!this.waitingForUser || s.phase !== 'ready' || this.stopped) return;
    this.waitingForUser = false;
    this.schedule(0);
  };

  constructor(opts: StatusPollerOptions) {
    const intervalMs = opts.intervalMs > 0 ? Math.max(MIN_INTERVAL_MS, opts.intervalMs) : 0;
    // The account's clock (a virtual one in the soak and the fault suite), as every other timer of the account.
    super(opts.session, intervalMs, opts.clock ?? opts.session.clock);
    this.opts = { ...opts, intervalMs };
  }

  /** True when it reads only when asked (interval 0). */
  get onlyOnInput(): boolean {
    return this.opts.intervalMs === 0;
  }

  start(): void {
    this.stopped = false;
    if (this.onlyOnInput) return;
    const { session } = this.opts;
    session.pollers.add(this);
    session.on('status', this.onPushed);
    session.on('state', this.onState);
    // Soon, and a few seconds after the account's other pollers: data in the first minute, no burst.
    this.schedule(this.opts.firstReadDelayMs ?? 1_000 + FIRST_READ_SPREAD_MS * (session.pollers.size - 1));
    this.tellPlan();
  }

  protected cost(): number | undefined {
    return this.opts.session.statusCost(this.opts.vin, this.opts.parts);
  }

  /**
   * Another node's read, or the car's stream (CarData), updated this vehicle: pass it on when
   * it changed what this poller reports. Own reads report themselves.
   */
  private pushed(vin: string): void {
    if (vin !== this.opts.vin || this.reading > 0 || this.stopped) return;
    const status = this.opts.session.cachedStatus(vin, this.opts.parts);
    if (!status) return;
    const fp = fingerprint(status);
    if (fp === this.last) return;
    this.last = fp;
    this.previous = status;
    this.emit('status', { status, changed: true, trigger: 'push' } satisfies StatusEvent);
  }

  stop(): void {
    this.opts.session.off('status', this.onPushed);
    this.opts.session.off('state', this.onState);
    this.halt();
  }

  protected async poll(): Promise<void> {
    let next = this.opts.intervalMs;
    const phase = this.opts.session.state.phase;
    if (phase === 'blocked' || phase === 'tfa_required') {
      // The account waits for the user (password, code): the account node says so once;
      // polling would only repeat its error. Look again in a minute, without a call (or at once when it is through).
      this.waitingForUser = true;
      this.schedule(MIN_INTERVAL_MS);
      return;
    }
    try {
      await this.read('poll');
      next = nextInterval({
        baseMs: this.opts.intervalMs,
        adaptive: this.opts.adaptive === true,
        active: this.active,
        quietReads: this.quietReads,
        sustainableMs: this.plan().sustainableMs,
      });
      this.tellPlan();
    } catch (e) {
      const err = toCarError(e);
      // A pause the cloud or the budget names is waited out, not polled through; the read it
      // stopped is overdue, so it comes right after the pause (a 5 s Retry-After waits 5 s).
      if (err.retryAt !== undefined) next = Math.max(MIN_RETRY_MS, err.retryAt - this.clock.now() + 250);
      if (err.code === 'AUTH_FAILED' || err.code === 'TFA_REQUIRED') {
        next = Math.max(next, 15 * 60_000);
        this.waitingForUser = true;
      }
    }
    this.schedule(next);
  }

  /** Reads now. `request` may use the budget's reserve and accepts a 30 s old cache. */
  async read(trigger: 'poll' | 'request'): Promise<StatusEvent> {
    this.reading++;
    try {
      const status = await this.opts.session.readStatus(this.opts.vin, this.opts.parts, {
        kind: trigger === 'request' ? 'explicit' : 'background',
        maxAgeMs: trigger === 'request' ? 30_000 : this.opts.intervalMs / 2,
      });
      const fp = fingerprint(status);
      const changed = fp !== this.last;
      this.last = fp;
      this.active = isActive(status, this.previous);
      this.quietReads = changed || this.active ? 0 : this.quietReads + 1;
      this.previous = status;
      this.lastError = undefined;
      this.waitingForUser = false;
      const event: StatusEvent = { status, changed, trigger };
      // A poll's read that was under way when stop() ran says nothing: its node may be gone (a redeploy).
      if (trigger === 'poll' && !this.stopped && (changed || !this.opts.onlyOnChange)) this.emit('status', event);
      return event;
    } catch (e) {
      const err = toCarError(e);
      // Once per kind of failure: the text may carry a changing time.
      const key = err.code;
      // Sign-in problems are the account node's to report (once); a poll would only repeat them.
      const accountProblem = err.code === 'AUTH_FAILED' || err.code === 'TFA_REQUIRED' || err.code === 'CAPTCHA_REQUIRED';
      // A spent budget or a pause the cloud asked for is waited out: the status says until when.
      const waiting = err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED';
      const quiet = trigger !== 'poll' || this.stopped;
      if (!quiet && waiting) this.emit('waiting', err);
      else if (!quiet && key !== this.lastError && !accountProblem) this.emit('error', err);
      this.lastError = key;
      throw err;
    } finally {
      this.reading--;
    }
  }
}

export interface SummaryWords {
  locked: string;
  unlocked: string;
  charging: string;
  plugged: string;
}

/** The status dot's text: "72 % · 318 km · locked", short enough for the canvas. */
export function summarize(s: VehicleStatus, words: SummaryWords): string {
  const out: string[] = [];
  const soc = s.battery?.socPercent ?? s.fuel?.levelPercent;
  if (soc !== undefined) out.push(`${Math.round(soc)} %`);
  if (s.rangeKm !== undefined) out.push(`${Math.round(s.rangeKm)} km`);
  else if (s.mileageKm !== undefined) out.push(`${Math.round(s.mileageKm)} km total`);
  if (s.charging?.state === 'charging') out.push(words.charging);
  else if (s.charging?.plug === 'plugged') out.push(words.plugged);
  if (s.lock?.state === 'locked' || s.lock?.state === 'secured') out.push(words.locked);
  else if (s.lock?.state === 'unlocked') out.push(words.unlocked);
  return out.join(' · ');
}

/** When the car's own newest timestamp is older than this, the status dot says "stale". */
export const STALE_AFTER_MS = 6 * 3_600_000;

export function isStale(s: VehicleStatus, now: number): boolean {
  return s.updatedAt !== undefined && now - Date.parse(s.updatedAt) > STALE_AFTER_MS;
}
