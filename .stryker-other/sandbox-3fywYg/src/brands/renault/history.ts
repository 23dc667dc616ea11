// @ts-nocheck
import { CarError, type ChargeSession, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import { callEndpoint, type KamereonAuth } from './api';
import { isAvailable } from './capabilities';
import { idsOf, parseRead } from './endpoints';
import { documentedUnit, inferUnit, mapChargeHistory, mapCharges, ymd, type ChargeCount, type DurationUnit } from './history-map';

export type { ChargeCount, DurationUnit } from './history-map';

/** Spec §8: fetch history endpoints at most hourly (they count against the ~60 calls/h quota). */
export const HISTORY_TTL_MS = 3_600_000;

interface CacheEntry<T> {
  at: number;
  /** The window fetched, as Renault's day (or month) keys; the answer covers every day in it. */
  start: string;
  end: string;
  items: T;
}

function parseWindow(from: string, to: string): { from: number; to: number } {
  const f = Date.parse(from);
  const t = Date.parse(to);
  if (!Number.isFinite(f)) throw new CarError('BAD_INPUT', `from must be an ISO-8601 time (got ${JSON.stringify(from)})`);
  if (!Number.isFinite(t)) throw new CarError('BAD_INPUT', `to must be an ISO-8601 time (got ${JSON.stringify(to)})`);
  if (f > t) throw new CarError('BAD_INPUT', `from (${from}) must not be after to (${to})`);
  return { from: f, to: t };
}

const isElectric = (v: Vehicle): boolean => v.drivetrain === 'electric' || v.drivetrain === 'plugin_hybrid';

/** The car keeps charging sessions of its own (the `charges` endpoint). */
export function hasChargeSessions(vehicle: Vehicle): boolean {
  return isElectric(vehicle) && isAvailable(vehicle.modelCode, 'charges');
}

/**
 * Returns the cached entry when it is younger than an hour and covers [start, end]; else
 * the window to fetch: the union with a fresh entry's window, so that widening the range
 * within the hour costs one call and leaves a cache that answers both.
 */
function plan<T>(e: CacheEntry<T> | undefined, now: number, start: string, end: string): { hit: T } | { start: string; end: string } {
  if (e && now - e.at < HISTORY_TTL_MS) {
    if (e.start <= start && e.end >= end) return { hit: e.items };
    return { start: e.start < start ? e.start : start, end: e.end > end ? e.end : end };
  }
  return { start, end };
}

/**
 * Renault's own charging history of one account (charges, charge-history): the last answers
 * per vehicle, and the duration unit learned from them, so that two nodes asking for the
 * same car's history share one call. Owned by the account's connection.
 */
export class ChargeHistory {
  private readonly sessionsByVin = new Map<string, CacheEntry<ChargeSession[]>>();
  private readonly countsByVin = new Map<string, CacheEntry<ChargeCount[]>>();
  private readonly learnedUnit = new Map<string, DurationUnit>();

  constructor(private readonly ctx: ProviderContext) {}

  /**
   * The car's charging sessions that started between from and to (ISO times), from the
   * `charges` endpoint; one call per vehicle per hour at most (answers are cached).
   */
  async chargeSessions(auth: KamereonAuth, vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<ChargeSession[]> {
    if (!hasChargeSessions(vehicle)) throw new CarError('NOT_SUPPORTED', `Renault keeps no charging sessions for this ${vehicle.model ?? 'car'}`, { transient: false });
    const w = parseWindow(from, to);
    const now = this.ctx.clock.now();
    const p = plan(this.sessionsByVin.get(vehicle.vin), now, ymd(w.from), ymd(w.to));
    let sessions: ChargeSession[];
    if ('hit' in p) {
      sessions = p.hit;
    } else {
      const parsed = parseRead('charges', await callEndpoint(this.ctx, auth, 'charges', idsOf(vehicle), { query: { start: p.start, end: p.end }, kind: opts.kind }));
      const unit = inferUnit(parsed) ?? this.learnedUnit.get(vehicle.vin) ?? documentedUnit(vehicle.modelCode);
      this.learnedUnit.set(vehicle.vin, unit);
      sessions = mapCharges(parsed, vehicle.vin, unit);
      this.sessionsByVin.set(vehicle.vin, { at: now, start: p.start, end: p.end, items: sessions });
    }
    return sessions.filter((s) => {
      const t = Date.parse(s.startAt);
      return t >= w.from && t <= w.to;
    });
  }

  /** Charges per day or month from `charge-history` (counts and total duration, no sessions). */
  async chargeCounts(auth: KamereonAuth, vehicle: Vehicle, type: 'day' | 'month', from: string, to: string, opts: CallOptions): Promise<ChargeCount[]> {
    if (!isElectric(vehicle) || !isAvailable(vehicle.modelCode, 'charge-history')) {
      throw new CarError('NOT_SUPPORTED', `Renault keeps no charge history for this ${vehicle.model ?? 'car'}`, { transient: false });
    }
    if (type !== 'day' && type !== 'month') throw new CarError('BAD_INPUT', `type must be day or month (got ${JSON.stringify(type)})`);
    const w = parseWindow(from, to);
    const now = this.ctx.clock.now();
    const key = `${vehicle.vin}|${type}`;
    const len = type === 'day' ? 8 : 6;
    const p = plan(this.countsByVin.get(key), now, ymd(w.from).slice(0, len), ymd(w.to).slice(0, len));
    let counts: ChargeCount[];
    if ('hit' in p) {
      counts = p.hit;
    } else {
      const query = { type, start: p.start, end: p.end };
      const parsed = parseRead('charge-history', await callEndpoint(this.ctx, auth, 'charge-history', idsOf(vehicle), { query, kind: opts.kind }));
      counts = mapChargeHistory(parsed, type, this.learnedUnit.get(vehicle.vin) ?? documentedUnit(vehicle.modelCode));
      this.countsByVin.set(key, { at: now, start: p.start, end: p.end, items: counts });
    }
    const first = new Date(w.from).toISOString().slice(0, type === 'day' ? 10 : 7);
    const last = new Date(w.to).toISOString().slice(0, type === 'day' ? 10 : 7);
    return counts.filter((c) => c.period >= first && c.period <= last);
  }

  /** Forgets cached answers and learned units (the account closed). */
  clear(): void {
    this.sessionsByVin.clear();
    this.countsByVin.clear();
    this.learnedUnit.clear();
  }
}
