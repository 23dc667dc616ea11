import { CarError, type ChargeSession, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import { kamereon } from './api';
import type { RenaultAuthState } from './auth';
import { isAvailable } from './capabilities';
import { documentedUnit, inferUnit, mapChargeHistory, mapCharges, ymd, type ChargeCount, type DurationUnit } from './history-map';
import { ChargeHistorySchema, ChargesSchema } from './history-schemas';

export type { ChargeCount, DurationUnit } from './history-map';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Spec §8: fetch history endpoints at most hourly (they count against the ~60 calls/h quota). */
export const HISTORY_TTL_MS = 3_600_000;

interface CacheEntry<T> {
  at: number;
  /** The window fetched, as Renault's day (or month) keys; the answer covers every day in it. */
  start: string;
  end: string;
  items: T;
}

/**
 * Per vehicle (and server, and account): the last answers and the duration unit learned from
 * them. Module state on purpose: the provider object is shared by every session, and two
 * nodes asking for the same car's history should share one call.
 */
const chargesCache = new Map<string, CacheEntry<ChargeSession[]>>();
const countsCache = new Map<string, CacheEntry<ChargeCount[]>>();
const learnedUnit = new Map<string, DurationUnit>();

function cacheKey(ctx: ProviderContext, vehicle: Vehicle): string {
  return `${ctx.config.servers.kamereon ?? ''}|${vehicle.accountId ?? ''}|${vehicle.vin}`;
}

function parseWindow(from: string, to: string): { from: number; to: number } {
  const f = Date.parse(from);
  const t = Date.parse(to);
  if (!Number.isFinite(f)) throw new CarError('BAD_INPUT', `from must be an ISO-8601 time (got ${JSON.stringify(from)})`);
  if (!Number.isFinite(t)) throw new CarError('BAD_INPUT', `to must be an ISO-8601 time (got ${JSON.stringify(to)})`);
  if (f > t) throw new CarError('BAD_INPUT', `from (${from}) must not be after to (${to})`);
  return { from: f, to: t };
}

function root(vehicle: Vehicle): string {
  if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
  return `/accounts/${encodeURIComponent(vehicle.accountId)}/kamereon/kca/car-adapter/v1/cars/${encodeURIComponent(vehicle.vin)}/`;
}

const isElectric = (v: Vehicle): boolean => v.drivetrain === 'electric' || v.drivetrain === 'plugin_hybrid';

/**
 * Returns the cached entry when it is younger than an hour and covers [start, end]; else
 * the window to fetch: the union with a fresh entry's window, so that widening the range
 * within the hour costs one call and leaves a cache that answers both.
 */
function plan<T>(cache: Map<string, CacheEntry<T>>, key: string, now: number, start: string, end: string): { hit: T } | { start: string; end: string } {
  const e = cache.get(key);
  if (e && now - e.at < HISTORY_TTL_MS) {
    if (e.start <= start && e.end >= end) return { hit: e.items };
    return { start: e.start < start ? e.start : start, end: e.end > end ? e.end : end };
  }
  return { start, end };
}

/** Renault's own charging history (charges, charge-history). */
export const renaultHistory = {
  hasChargeSessions(vehicle: Vehicle): boolean {
    return isElectric(vehicle) && isAvailable(vehicle.modelCode, 'charges');
  },

  /**
   * The car's charging sessions that started between from and to (ISO times), from the
   * `charges` endpoint; one call per vehicle per hour at most (answers are cached).
   */
  async chargeSessions(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<ChargeSession[]> {
    if (!renaultHistory.hasChargeSessions(vehicle)) {
      throw new CarError('NOT_SUPPORTED', `Renault keeps no charging sessions for this ${vehicle.model ?? 'car'}`, { transient: false });
    }
    const w = parseWindow(from, to);
    const key = cacheKey(ctx, vehicle);
    const p = plan(chargesCache, key, ctx.clock.now(), ymd(w.from), ymd(w.to));
    let sessions: ChargeSession[];
    if ('hit' in p) {
      sessions = p.hit;
    } else {
      const body = await kamereon(ctx, auth, { method: 'GET', path: `${root(vehicle)}charges`, query: { start: p.start, end: p.end }, kind: opts.kind });
      const parsed = ChargesSchema.safeParse(body);
      if (!parsed.success) throw new CarError('UPSTREAM', 'Renault charges: the answer is not a charges response');
      const unit = inferUnit(parsed.data) ?? learnedUnit.get(key) ?? documentedUnit(vehicle.modelCode);
      learnedUnit.set(key, unit);
      sessions = mapCharges(parsed.data, vehicle.vin, unit);
      chargesCache.set(key, { at: ctx.clock.now(), start: p.start, end: p.end, items: sessions });
    }
    return sessions.filter((s) => {
      const t = Date.parse(s.startAt);
      return t >= w.from && t <= w.to;
    });
  },

  /** Charges per day or month from `charge-history` (counts and total duration, no sessions). */
  async chargeCounts(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, type: 'day' | 'month', from: string, to: string, opts: CallOptions): Promise<ChargeCount[]> {
    if (!isElectric(vehicle) || !isAvailable(vehicle.modelCode, 'charge-history')) {
      throw new CarError('NOT_SUPPORTED', `Renault keeps no charge history for this ${vehicle.model ?? 'car'}`, { transient: false });
    }
    if (type !== 'day' && type !== 'month') throw new CarError('BAD_INPUT', `type must be day or month (got ${JSON.stringify(type)})`);
    const w = parseWindow(from, to);
    const key = cacheKey(ctx, vehicle);
    const len = type === 'day' ? 8 : 6;
    const p = plan(countsCache, `${key}|${type}`, ctx.clock.now(), ymd(w.from).slice(0, len), ymd(w.to).slice(0, len));
    let counts: ChargeCount[];
    if ('hit' in p) {
      counts = p.hit;
    } else {
      const body = await kamereon(ctx, auth, { method: 'GET', path: `${root(vehicle)}charge-history`, query: { type, start: p.start, end: p.end }, kind: opts.kind });
      const parsed = ChargeHistorySchema.safeParse(body);
      if (!parsed.success) throw new CarError('UPSTREAM', 'Renault charge-history: the answer is not a charge-history response');
      counts = mapChargeHistory(parsed.data, type, learnedUnit.get(key) ?? documentedUnit(vehicle.modelCode));
      countsCache.set(`${key}|${type}`, { at: ctx.clock.now(), start: p.start, end: p.end, items: counts });
    }
    const first = new Date(w.from).toISOString().slice(0, type === 'day' ? 10 : 7);
    const last = new Date(w.to).toISOString().slice(0, type === 'day' ? 10 : 7);
    return counts.filter((c) => c.period >= first && c.period <= last);
  },

  /** Forgets cached answers (tests; a user who wants fresh numbers at once). */
  clearCache(): void {
    chargesCache.clear();
    countsCache.clear();
    learnedUnit.clear();
  },
};
