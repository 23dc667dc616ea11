/**
 * What car-charging does, without Node-RED: understand msg.payload (read, or a change checked
 * with zod), read and write through the account session, confirm a write by reading it back,
 * poll at an interval, and say the current schedule in a few words.
 */
import { z } from 'zod';
import {
  CarError,
  ChargingChangeSchema,
  SingleFlight,
  WEEKDAYS,
  toCarError,
  type CallKind,
  type ChargingChange,
  type ChargingSettings,
  type Clock,
  type DepartureTimer,
  type Weekday,
} from '../core';
import type { AccountSession } from './session';
import { BudgetPoller, parseIntervalMinutes } from './status';

export type ChargingRequest = { action: 'read' } | { action: 'write'; change: ChargingChange };

const CHANGE_FIELDS = ['mode', 'targetSocPercent', 'minSocPercent', 'schedules', 'departureTimers'] as const;

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** "schedules[0].days.monday.start" */
export function fieldName(path: readonly PropertyKey[], root = 'payload'): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || root;
}

/** The fields an object of a charging change may have, by where it stands. */
function allowedKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  const last = path[path.length - 1];
  if (last === 'days') return WEEKDAYS;
  if (path[0] === 'schedules' && typeof last === 'number') return ['id', 'enabled', 'days'];
  if (path[0] === 'departureTimers' && typeof last === 'number') return ['id', 'enabled', 'time', 'days', 'dayTimes', 'action'];
  return undefined;
}

/** One zod issue in words: the field, what it must be, what it got. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(issue.path);
      return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`;
    }
    case 'invalid_value':
      return `${field}: allowed ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(valueAt(input, issue.path))})`;
    case 'too_small':
    case 'too_big':
    case 'invalid_type':
    case 'invalid_format':
    default:
      return `${field}: ${issue.message} (got ${describeValue(valueAt(input, issue.path))})`;
  }
}

/**
 * msg.payload -> what to do. Nothing, a non-object (an inject's timestamp) or {action:'read'}
 * reads; an object with change fields (and optionally action:'write') writes.
 */
export function parseChargingInput(payload: unknown): ChargingRequest {
  if (payload === undefined || payload === null || typeof payload !== 'object') return { action: 'read' };
  if (Array.isArray(payload)) {
    throw new CarError('BAD_INPUT', `payload: an object such as {"mode":"scheduled","targetSocPercent":80}, or nothing to read (got an array)`);
  }
  const { action, ...rest } = payload as Record<string, unknown>;
  if (action !== undefined && action !== 'read' && action !== 'write') {
    throw new CarError('BAD_INPUT', `action: allowed "read", "write" (got ${describeValue(action)})`);
  }
  if (action === 'read' || (action === undefined && Object.keys(rest).length === 0)) return { action: 'read' };
  const parsed = ChargingChangeSchema.safeParse(rest);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => describeIssue(i, rest));
    const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
    throw new CarError('BAD_INPUT', `${issues.join('; ')}${more}. Fields: ${CHANGE_FIELDS.join(', ')}`);
  }
  if (CHANGE_FIELDS.every((f) => parsed.data[f] === undefined)) {
    throw new CarError('BAD_INPUT', `nothing to change: give one or more of ${CHANGE_FIELDS.join(', ')}`);
  }
  return { action: 'write', change: parsed.data };
}

/** Identical reads of a vehicle at the same time share one set of cloud calls (per account). */
const READS = Symbol('charging reads');

export async function readCharging(session: AccountSession, vin: string, kind: CallKind): Promise<ChargingSettings> {
  return session.local(READS, () => new SingleFlight<ChargingSettings>()).run(vin, async () => {
    const vehicle = await session.vehicle(vin);
    return session.facet('charging', 'read the charging settings').read(vehicle, { kind });
  });
}

/** Sends a change once (never retried). The change must have passed parseChargingInput. */
export async function writeCharging(session: AccountSession, vin: string, change: ChargingChange): Promise<{ actionIds: string[] }> {
  const vehicle = await session.vehicle(vin);
  return session.facet('charging', 'change the charging settings').write(vehicle, change, { kind: 'explicit' });
}

export interface WriteResult {
  settings: ChargingSettings;
  actionIds: string[];
  /** The re-read already shows every changed value (the car may take a while). */
  applied: boolean;
}

/**
 * Writes, waits `rereadDelayMs` (the cloud accepts at once and reaches the car later), and
 * reads the settings back. A failing re-read says that the change was sent.
 */
export async function writeAndReadBack(
  session: AccountSession,
  vin: string,
  change: ChargingChange,
  options: { rereadDelayMs: number; signal?: AbortSignal; clock?: Clock; onSent?: (actionIds: string[]) => void },
): Promise<WriteResult> {
  const { actionIds } = await writeCharging(session, vin, change);
  options.onSent?.(actionIds);
  const clock = options.clock ?? session.clock;
  try {
    if (options.rereadDelayMs > 0) await clock.sleep(options.rereadDelayMs, options.signal);
    const settings = await readCharging(session, vin, 'explicit');
    return { settings, actionIds, applied: changeApplied(change, settings) };
  } catch (e) {
    const err = toCarError(e);
    const ids = actionIds.length ? ` (action ${actionIds.join(', ')})` : '';
    throw new CarError(err.code, `the change was sent${ids}, but reading it back failed: ${err.message}`, {
      ...(err.retryAt !== undefined ? { retryAt: err.retryAt } : {}),
      transient: err.transient,
    });
  }
}

function sameWindow(a: { start: string; durationMin: number } | null | undefined, b: { start: string; durationMin: number } | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.start === b.start && a.durationMin === b.durationMin;
}

function timerTimes(t: DepartureTimer): Map<Weekday, string> {
  return new Map(t.days.map((d) => [d, t.dayTimes?.[d] ?? t.time]));
}

/** True when the settings show every value of the change. */
export function changeApplied(change: ChargingChange, s: ChargingSettings): boolean {
  if (change.mode !== undefined && s.mode !== change.mode) return false;
  if (change.targetSocPercent !== undefined && s.targetSocPercent !== change.targetSocPercent) return false;
  if (change.minSocPercent !== undefined && s.minSocPercent !== change.minSocPercent) return false;
  for (const want of change.schedules ?? []) {
    const got = s.schedules?.find((x) => x.id === want.id);
    if (!got) {
      // A disabled schedule without windows may simply not be listed.
      if (!want.enabled && WEEKDAYS.every((d) => !want.days[d])) continue;
      return false;
    }
    if (got.enabled !== want.enabled || !WEEKDAYS.every((d) => sameWindow(got.days[d], want.days[d]))) return false;
  }
  for (const want of change.departureTimers ?? []) {
    const got = s.departureTimers?.find((x) => x.id === want.id);
    if (!got) {
      if (!want.enabled && want.days.length === 0) continue;
      return false;
    }
    const a = timerTimes(want);
    const b = timerTimes(got);
    if (got.enabled !== want.enabled || a.size !== b.size || [...a].some(([d, t]) => b.get(d) !== t)) return false;
    if (want.action !== undefined && got.action !== undefined && got.action !== want.action) return false;
  }
  return true;
}

export interface ChargingWords {
  always: string;
  scheduled: string;
  delayed: string;
  ready: string;
}

function duration(min: number): string {
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h === 0) return `${m}min`;
  return m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, '0')}`;
}

/** Monday-first weekday of a time, in UTC (Renault's zone) or the host's. */
function weekday(ms: number, utc: boolean): Weekday {
  const d = new Date(ms);
  const js = utc ? d.getUTCDay() : d.getDay();
  return WEEKDAYS[(js + 6) % 7] ?? 'monday';
}

/**
 * The status dot's text, e.g. "scheduled · 22:30+8h · 80 %": the mode, today's window of the
 * first active schedule (or the next day that has one), or the first active departure timer,
 * and the target level.
 */
export function summarizeCharging(s: ChargingSettings, words: ChargingWords, now: number): string {
  const out: string[] = [];
  if (s.mode) out.push(words[s.mode]);
  if (s.mode !== 'always') {
    const today = WEEKDAYS.indexOf(weekday(now, s.timeZone === 'UTC'));
    const order = WEEKDAYS.map((_, i) => WEEKDAYS[(today + i) % 7] ?? 'monday');
    const schedule = s.schedules?.find((x) => x.enabled && WEEKDAYS.some((d) => x.days[d]));
    const timer = s.departureTimers?.find((t) => t.enabled && t.days.length > 0);
    if (schedule) {
      const day = order.find((d) => schedule.days[d]);
      const w = day ? schedule.days[day] : undefined;
      if (w) out.push(`${w.start}+${duration(w.durationMin)}`);
    } else if (timer) {
      const day = order.find((d) => timer.days.includes(d)) ?? 'monday';
      out.push(`${words.ready} ${timer.dayTimes?.[day] ?? timer.time}`);
    }
  }
  if (s.targetSocPercent !== undefined) out.push(`${s.targetSocPercent} %`);
  return out.join(' · ');
}

export const MIN_CHARGING_INTERVAL_MS = 10 * 60_000;
/** The read-back delay after a write when the node sets none, and the longest the dialog allows (seconds). */
const REREAD_DEFAULT_S = 30;
const REREAD_MAX_S = 600;

/**
 * car-charging's settings, checked as its dialog checks them: the interval (empty or 0: only on input, else at least
 * 10 minutes) and the read-back delay after a write (0 to 600 s; empty: 30 s). Errors name the field and what it allows.
 */
export function chargingSettingsFrom(def: { interval?: unknown; reread?: unknown }): { minutes: number; rereadDelayMs: number } {
  const minutes = parseIntervalMinutes(def.interval, 0, { zeroIsOnInput: true });
  const least = MIN_CHARGING_INTERVAL_MS / 60_000;
  if (minutes > 0 && minutes < least) {
    throw new CarError('BAD_INPUT', `interval must be at least ${least} minutes for the charging settings, or empty for only on input (got "${String(def.interval).trim()}")`);
  }
  const text = def.reread === undefined || def.reread === null ? '' : String(def.reread).trim();
  const seconds = text === '' ? REREAD_DEFAULT_S : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > REREAD_MAX_S) {
    throw new CarError('BAD_INPUT', `reread must be a number of seconds from 0 to ${REREAD_MAX_S}, or empty for ${REREAD_DEFAULT_S} (got "${text}")`);
  }
  return { minutes, rereadDelayMs: seconds * 1000 };
}

/**
 * Reads a vehicle's charging settings at an interval (background budget), one of the account's
 * polling nodes: it takes its part of the budget by what it asks (charging-plan's cost per read)
 * and keeps the interval the plan allows. Emits 'settings' (ChargingSettings), 'error'
 * (CarError, once per distinct error while it repeats) and 'interval' (IntervalPlan, when the
 * interval it can keep changes: the node's dot says it).
 */
export class ChargingPoller extends BudgetPoller<AccountSession> {
  private lastError?: string;

  constructor(session: AccountSession, private readonly vin: string, intervalMs: number, clock?: Clock) {
    super(session, Math.max(MIN_CHARGING_INTERVAL_MS, intervalMs), clock ?? session.clock);
  }

  /** Calls one read costs; undefined before the vehicle list is known (or without a charging facet). */
  protected cost(): number | undefined {
    const vehicle = this.session.knownVehicle(this.vin);
    const facet = this.session.connection.charging;
    return vehicle && facet ? facet.cost(vehicle) : undefined;
  }

  start(firstDelayMs = 2_000): void {
    this.stopped = false;
    this.session.pollers.add(this);
    this.schedule(firstDelayMs);
    this.tellPlan();
  }

  stop(): void {
    this.halt();
  }

  protected async poll(): Promise<void> {
    let next = this.intervalMs;
    try {
      const settings = await readCharging(this.session, this.vin, 'background');
      this.lastError = undefined;
      next = Math.max(next, this.plan().effectiveMs);
      this.tellPlan();
      if (!this.stopped) this.emit('settings', settings);
    } catch (e) {
      const err = toCarError(e);
      if (err.retryAt !== undefined) next = Math.max(next, err.retryAt - this.clock.now() + 1_000);
      const key = `${err.code}:${err.message}`;
      if (key !== this.lastError && !this.stopped) this.emit('error', err);
      this.lastError = key;
      // A car that cannot do it will not learn: stop asking (and take no share of the budget).
      if (err.code === 'NOT_SUPPORTED') {
        this.session.pollers.delete(this);
        return;
      }
    }
    this.schedule(next);
  }
}
