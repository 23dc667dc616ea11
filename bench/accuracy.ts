/**
 * How well trips and presence match what the car really did: the scripted 3 days of
 * bench/scenario.ts, read as each source would show them, through the same code car-trips and
 * car-presence run (sampleFromStatus + TripHistory; positionFromMessage + step, with the
 * tracker's timer as ticks), compared with the ground truth.
 */
import type { Trip, VehicleStatus } from '../src/core';
import type { PresenceEvent } from '../src/core/presence';
import { emptyState, nextDueAt, positionFromMessage, resolveOptions, step, type PresenceState } from '../src/features/presence';
import { TripHistory } from '../src/features/trip-store';
import { sampleFromStatus } from '../src/features/trips';
import { cardataRestFeed, cardataStreamFeed, HOME, makeWorld, offset, renaultFeed, VIN, type TrueTrip, type World } from './scenario';

const MIN = 60_000;
const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Feed {
  statuses: VehicleStatus[];
  /** The times the source reads (polls); undefined for the stream, which sees every stop. */
  pollTimes?: number[];
  /** Renault keeps the ignition-off fix until the next one: a stop is seen when a read falls between two ignitions-off. */
  ignition: boolean;
}

function feeds(w: World): Record<string, Feed> {
  const polls = (statuses: VehicleStatus[]): number[] => statuses.map((s) => Date.parse(s.fetchedAt));
  const r5 = renaultFeed(w, 5);
  const r15 = renaultFeed(w, 15);
  const r30 = renaultFeed(w, 30);
  const rest = cardataRestFeed(w, 30);
  return {
    renault5: { statuses: r5, pollTimes: polls(r5), ignition: true },
    renault15: { statuses: r15, pollTimes: polls(r15), ignition: true },
    renault30: { statuses: r30, pollTimes: polls(r30), ignition: true },
    cardataStream: { statuses: cardataStreamFeed(w), ignition: false },
    cardataRest: { statuses: rest, pollTimes: polls(rest), ignition: false },
  };
}

/**
 * The trips a source can see: true trips joined across stops no read fell into (Renault: no
 * read between the two ignitions-off; CarData REST: none while the car stood still at least
 * the stop threshold). Returns them and how many stops were invisible.
 */
function visibleTrips(w: World, f: Feed): { trips: TrueTrip[]; unseeable: number } {
  const out: TrueTrip[] = [];
  let unseeable = 0;
  for (const [i, t] of w.trips.entries()) {
    const prev = w.trips[i - 1];
    const open = out[out.length - 1];
    let seen = true;
    if (prev && open && f.pollTimes && prev.end + 12 * 60 * MIN > t.start) {
      const from = f.ignition ? prev.end : prev.end + 3 * MIN;
      const to = f.ignition ? t.end : t.start;
      seen = f.pollTimes.some((p) => p >= from && p < to);
    }
    if (!seen && open) {
      unseeable++;
      out[out.length - 1] = { ...open, end: t.end, distanceKm: open.distanceKm + t.distanceKm, energyKwh: open.energyKwh + t.energyKwh, to: t.to };
    } else {
      out.push({ ...t });
    }
  }
  return { trips: out, unseeable };
}

/** Derived trips matched 1:1 to true ones. */
function match(truth: TrueTrip[], derived: Trip[]): [TrueTrip, Trip][] {
  const used = new Set<number>();
  const pairs: [TrueTrip, Trip][] = [];
  for (const t of truth) {
    // The same drive: the end within 10 minutes, the start before the true end, and the distance within half of it (a
    // piece of the drive is no match).
    const i = derived.findIndex(
      (d, k) =>
        !used.has(k) &&
        Math.abs(Date.parse(d.endAt) - t.end) <= 10 * MIN &&
        Date.parse(d.startAt) < t.end &&
        (d.distanceKm === undefined || Math.abs(d.distanceKm - t.distanceKm) <= 0.5 * t.distanceKm + 1),
    );
    const d = derived[i];
    if (i < 0 || !d) continue;
    // A derived trip that also covers the true trip before this one joined two: not 1:1.
    used.add(i);
    pairs.push([t, d]);
  }
  return pairs;
}

function tripFigures(w: World, f: Feed): Record<string, number> {
  const history = new TripHistory({ vin: VIN, capacityKwh: 52 });
  const derived: Trip[] = [];
  const sentAt = new Map<Trip, number>();
  for (const s of f.statuses) {
    // car-trips' timer: a quiet stream ends an open trip before the next message.
    const due = history.quietCheckAt;
    if (due !== undefined && due < Date.parse(s.fetchedAt)) {
      for (const t of history.touch(due).trips) {
        derived.push(t);
        sentAt.set(t, due);
      }
    }
    const sample = sampleFromStatus(s);
    if (sample) {
      for (const t of history.add(sample).trips) {
        derived.push(t);
        sentAt.set(t, Date.parse(s.fetchedAt));
      }
    }
  }
  const { trips: visible, unseeable } = visibleTrips(w, f);
  const pairs = match(visible, derived);
  const pairsAll = match(w.trips, derived);
  const dist = pairs.filter(([t, d]) => d.distanceKm !== undefined && t.distanceKm > 0).map(([t, d]) => Math.abs((d.distanceKm ?? 0) - t.distanceKm) / t.distanceKm);
  const long = pairs.filter(([t]) => t.distanceKm >= 10);
  const energy = long.filter(([, d]) => d.energyUsedKwh !== undefined).map(([t, d]) => Math.abs((d.energyUsedKwh ?? 0) - t.energyKwh) / t.energyKwh);
  const startErr = pairs.map(([t, d]) => Math.abs(Date.parse(d.startAt) - t.start) / MIN);
  const within = pairs.filter(([t, d]) => d.startAtEarliest === undefined || (Date.parse(d.startAtEarliest) <= t.start + MIN && t.start <= Date.parse(d.startAtLatest ?? d.startAt) + MIN)).length;
  return {
    trueTrips: w.trips.length,
    visibleTrips: visible.length,
    unseeableStops: unseeable,
    derivedTrips: derived.length,
    extraTrips: derived.length - pairs.length,
    matchedRatio: round(pairs.length / visible.length),
    matchedRatioAllTrips: round(pairsAll.length / w.trips.length),
    distanceMaePercent: round(100 * mean(dist), 1),
    energyMaePercent: round(100 * mean(energy), 1),
    energyMissing: long.length - energy.length,
    negativeEnergy: derived.filter((d) => (d.energyUsedKwh ?? 0) < 0 || (d.socUsedPercent ?? 0) < 0).length,
    startMaeMin: round(mean(startErr), 1),
    startWithinBounds: round(within / Math.max(1, pairs.length)),
    /** From the true arrival to the trip's message. */
    medianDelayMin: round(median(pairs.map(([t, d]) => ((sentAt.get(d) ?? t.end) - t.end) / MIN)), 1),
  };
}

const ZONE = [{ name: 'home', ...HOME, radiusM: 100 }];

/** Steps presence through statuses (and the tracker's timer between them); returns the events. */
function presenceEvents(statuses: VehicleStatus[], start: PresenceState = emptyState()): PresenceEvent[] {
  const o = resolveOptions({ zones: ZONE, leaveDwellMs: 120_000 });
  let state = start;
  const events: PresenceEvent[] = [];
  for (const s of statuses) {
    const now = Date.parse(s.fetchedAt);
    const due = nextDueAt(state, o);
    if (due !== undefined && due <= now) {
      const r = step(state, { kind: 'tick' }, due, o);
      state = r.state;
      events.push(...r.events);
    }
    const r = step(state, positionFromMessage({ payload: s }, now).input, now, o);
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

function presenceFigures(w: World, f: Feed): Record<string, number> {
  const events = presenceEvents(f.statuses);
  const used = new Set<number>();
  const latencies: number[] = [];
  let missed = 0;
  for (const t of w.events) {
    const i = events.findIndex((e, k) => !used.has(k) && e.event === t.event && Date.parse(e.confirmedAt) >= t.at - 5 * MIN && Date.parse(e.confirmedAt) <= t.at + 120 * MIN);
    const e = events[i];
    if (i < 0 || !e) {
      missed++;
      continue;
    }
    used.add(i);
    latencies.push((Date.parse(e.confirmedAt) - t.at) / MIN);
  }
  return {
    trueEvents: w.events.length,
    detectedEvents: events.length,
    falseEvents: events.length - used.size,
    missedEvents: missed,
    medianLatencyMin: round(median(latencies), 1),
    maxLatencyMin: round(Math.max(...latencies), 1),
  };
}

/** A car parked 90 m from home (100 m zone) for 3 days, a fresh fix every 5 minutes with 10-30 m of noise. */
function boundaryFalseLeavesPerDay(): number {
  const days = 3;
  const spot = offset(HOME, 90, 40);
  const start = Date.parse('2026-03-02T00:00:00Z');
  const statuses: VehicleStatus[] = [];
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let t = start; t < start + days * 1440 * MIN; t += 5 * MIN) {
    const sign = (): number => (rnd() < 0.5 ? -1 : 1);
    const p = offset(offset(spot, sign() * (10 + 20 * rnd()), 0), sign() * (10 + 20 * rnd()), 90);
    const at = new Date(t).toISOString();
    statuses.push({ vin: VIN, provider: 'renault', fetchedAt: at, updatedAt: at, mileageKm: 12_000, position: { ...p, updatedAt: at } });
  }
  const first = statuses[0];
  if (first?.position) first.position = { ...spot, updatedAt: first.position.updatedAt ?? first.fetchedAt };
  return round(presenceEvents(statuses).filter((e) => e.event === 'leave').length / days, 2);
}

export async function accuracy(): Promise<Record<string, unknown>> {
  await Promise.resolve();
  const w = makeWorld();
  const all = feeds(w);
  const trips: Record<string, unknown> = {};
  const presence: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(all)) {
    trips[name] = tripFigures(w, f);
    presence[name] = presenceFigures(w, f);
  }
  presence.boundaryFalseLeavesPerDay = boundaryFalseLeavesPerDay();
  return { days: 3, trips, presence };
}
