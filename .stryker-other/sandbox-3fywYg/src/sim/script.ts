/**
 * A scripted car: instead of its demo loop, a simulated car (Renault or CarData) drives a script
 * of trips, charges starting on arrival, and GPS fixes with their noise and a nightly outlier.
 * The script is the ground truth of issue 12: the trips, departures and arrivals it holds are
 * what the car really did, and the clouds serve only what each one shows of it. Times are clock
 * milliseconds. Deterministic (seeded).
 */
// @ts-nocheck

import { seededRandom } from './rng';

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export interface ScriptedTrip {
  readonly startAt: number;
  readonly endAt: number;
  /** Road distance (the odometer's), more than the straight line from `from` to `to`. */
  readonly distanceKm: number;
  readonly energyKwh: number;
  readonly from: LatLon;
  readonly to: LatLon;
  /** The odometer when the trip began. */
  readonly startKm: number;
}

/** A charge from plug-in to its end; the car stays plugged until it drives off. */
export interface ScriptedCharge {
  readonly startAt: number;
  readonly endAt: number;
  /** Into the battery. */
  readonly powerKw: number;
}

/** A fix far off where the car is parked, reported from `at` until a right one follows at `until`. */
export interface ScriptedOutlier {
  readonly at: number;
  readonly until: number;
  readonly pos: LatLon;
}

export interface DriveScriptPlan {
  readonly startAt: number;
  readonly endAt: number;
  readonly home: LatLon;
  readonly capacityKwh: number;
  readonly startKwh: number;
  readonly startKm: number;
  /** In time order, none overlapping; the first leaves from home. */
  readonly trips: readonly Omit<ScriptedTrip, 'startKm' | 'from'>[];
  readonly charges?: readonly ScriptedCharge[];
  readonly outliers?: readonly ScriptedOutlier[];
  /**
   * A parked car's cloud takes a new fix this often (default never: one fix per stop, as the
   * car commits it at ignition-off).
   */
  readonly parkedFixEveryMs?: number;
  /** GPS noise of every fix: a distance in this range, in a random direction (default 10-30 m). */
  readonly noiseM?: readonly [number, number];
  readonly seed?: number;
}

/** The car at a moment, as it really is. */
export interface ScriptedState {
  readonly km: number;
  readonly pos: LatLon;
  readonly kwh: number;
  readonly driving: boolean;
  readonly plugged: boolean;
  readonly charging: boolean;
  /** The last ignition-off (or the script's start). */
  readonly parkedSince: number;
  /** When the current trip began, while driving. */
  readonly tripStartAt?: number;
}

/** A departure from or an arrival at a place, as it happened. */
export interface ScriptedPresenceEvent {
  readonly event: 'enter' | 'leave';
  readonly at: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

export function offsetBy(from: LatLon, metres: number, bearingDeg: number): LatLon {
  const b = (bearingDeg * Math.PI) / 180;
  return {
    lat: from.lat + (metres * Math.cos(b)) / M_PER_DEG,
    lon: from.lon + (metres * Math.sin(b)) / (M_PER_DEG * Math.cos((from.lat * Math.PI) / 180)),
  };
}

export function metresBetween(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export class DriveScript {
  readonly trips: readonly ScriptedTrip[];
  readonly charges: readonly ScriptedCharge[];
  readonly outliers: readonly ScriptedOutlier[];
  /** Energy in the battery when each trip begins (after the charges before it). */
  private readonly kwhAtStart: number[] = [];
  private readonly noise: readonly [number, number];
  private readonly seed: number;

  constructor(readonly plan: DriveScriptPlan) {
    let km = plan.startKm;
    let from = plan.home;
    const trips: ScriptedTrip[] = [];
    for (const t of plan.trips) {
      if (t.endAt <= t.startAt || (trips.length && t.startAt < (trips[trips.length - 1]?.endAt ?? 0))) throw new Error('scripted trips must be in time order and must not overlap');
      trips.push({ ...t, from, startKm: km });
      km += t.distanceKm;
      from = t.to;
    }
    this.trips = trips;
    this.charges = [...(plan.charges ?? [])].sort((a, b) => a.startAt - b.startAt);
    this.outliers = [...(plan.outliers ?? [])].sort((a, b) => a.at - b.at);
    this.noise = plan.noiseM ?? [10, 30];
    this.seed = plan.seed ?? 12;
    let kwh = plan.startKwh;
    let parked = plan.startAt;
    for (const t of trips) {
      kwh = this.chargedBetween(kwh, parked, t.startAt);
      this.kwhAtStart.push(kwh);
      kwh -= t.energyKwh;
      parked = t.endAt;
    }
  }

  /** Energy after the charges that ran in [from, to). */
  private chargedBetween(kwh: number, from: number, to: number): number {
    let out = kwh;
    for (const c of this.charges) {
      const a = Math.max(from, c.startAt);
      const b = Math.min(to, c.endAt);
      if (b > a) out = Math.min(this.plan.capacityKwh, out + (c.powerKw * (b - a)) / HOUR);
    }
    return out;
  }

  /** The car as it really is at t. */
  stateAt(t: number): ScriptedState {
    let i = -1;
    for (let k = 0; k < this.trips.length; k++) if ((this.trips[k]?.startAt ?? Infinity) <= t) i = k;
    const trip = this.trips[i];
    if (!trip) {
      return this.parked(this.plan.startKm, this.plan.home, this.chargedBetween(this.plan.startKwh, this.plan.startAt, t), this.plan.startAt, t);
    }
    const kwh0 = this.kwhAtStart[i] ?? 0;
    if (t < trip.endAt) {
      const f = (t - trip.startAt) / (trip.endAt - trip.startAt);
      return {
        km: trip.startKm + f * trip.distanceKm,
        pos: { lat: trip.from.lat + f * (trip.to.lat - trip.from.lat), lon: trip.from.lon + f * (trip.to.lon - trip.from.lon) },
        kwh: kwh0 - f * trip.energyKwh,
        driving: true,
        plugged: false,
        charging: false,
        parkedSince: this.trips[i - 1]?.endAt ?? this.plan.startAt,
        tripStartAt: trip.startAt,
      };
    }
    return this.parked(trip.startKm + trip.distanceKm, trip.to, this.chargedBetween(kwh0 - trip.energyKwh, trip.endAt, t), trip.endAt, t);
  }

  private parked(km: number, pos: LatLon, kwh: number, since: number, t: number): ScriptedState {
    const charge = this.charges.find((c) => c.startAt >= since && c.startAt <= t);
    return { km, pos, kwh, driving: false, plugged: !!charge, charging: !!charge && t < charge.endAt, parkedSince: since };
  }

  /**
   * The GPS fix the car reports at t: while driving a new one each minute, parked one per stop
   * (noise drawn once), the night's outlier while it lasts.
   */
  fixAt(t: number): LatLon {
    const s = this.stateAt(t);
    if (s.driving) return this.jitter(s.pos, Math.floor(t / MIN));
    const out = this.outliers.find((o) => o.at <= t && t < o.until && o.at >= s.parkedSince);
    if (out) return out.pos;
    const every = this.plan.parkedFixEveryMs;
    return this.jitter(s.pos, every ? Math.max(s.parkedSince, Math.floor(t / every) * every) : s.parkedSince);
  }

  private jitter(p: LatLon, key: number): LatLon {
    const r = seededRandom((this.seed * 7919 + (key % 2_147_483_647)) >>> 0);
    const [lo, hi] = this.noise;
    return offsetBy(p, lo + (hi - lo) * r(), r() * 360);
  }

  /**
   * Times in (from, to] where something changes: a trip or charge begins or ends, an outlier
   * comes or goes, and with `driveStepMs` each such step of a drive.
   */
  changesIn(from: number, to: number, driveStepMs?: number): number[] {
    const all: number[] = [];
    for (const t of this.trips) {
      all.push(t.startAt, t.endAt);
      if (driveStepMs && t.endAt > from && t.startAt < to) {
        for (let x = Math.max(t.startAt, Math.floor(from / driveStepMs) * driveStepMs); x < t.endAt; x += driveStepMs) if (x > t.startAt) all.push(x);
      }
    }
    for (const c of this.charges) all.push(c.startAt, c.endAt);
    for (const o of this.outliers) all.push(o.at, o.until);
    const every = this.plan.parkedFixEveryMs;
    if (every) for (let x = Math.ceil(from / every) * every; x <= to; x += every) all.push(x);
    return all.filter((t) => t > from && t <= to).sort((a, b) => a - b);
  }

  /** Departures from and arrivals at a zone around `centre` (the truth presence is judged against). */
  presenceEvents(centre: LatLon = this.plan.home, radiusM = 100): ScriptedPresenceEvent[] {
    const out: ScriptedPresenceEvent[] = [];
    let inside = metresBetween(this.plan.home, centre) <= radiusM;
    for (const t of this.trips) {
      const toInside = metresBetween(t.to, centre) <= radiusM;
      if (inside && !toInside) out.push({ event: 'leave', at: t.startAt });
      // A trip from home back home: away while it drives.
      if (inside && toInside) out.push({ event: 'leave', at: t.startAt }, { event: 'enter', at: t.endAt });
      if (!inside && toInside) out.push({ event: 'enter', at: t.endAt });
      inside = toInside;
    }
    return out;
  }
}

const SPEED_KMH: Readonly<Record<number, number>> = { 2: 30, 10: 40, 60: 80 };
/** Two chains a day: the morning's (back home for lunch) and the afternoon's. */
const CHAINS = [
  [10, 2, 60, 2, 10],
  [2, 10, 2, 10, 2],
];

/**
 * Issue 12's scenario: `days` days from `startAt` (a midnight), 10 trips a day of 2, 10 and 60
 * km with stops of 3-10 minutes, lunch and the night at home, a 7 kW charge starting a minute
 * after arrival at lunch on day 1 and in the evening on day 2, 10-30 m of GPS noise and one fix
 * 500 m off each night (for 30 minutes).
 */
export function commuterScript(o: { startAt: number; home: LatLon; days?: number; capacityKwh?: number; startKm?: number; seed?: number }): DriveScript {
  const days = o.days ?? 3;
  const capacity = o.capacityKwh ?? 52;
  const rnd = seededRandom(o.seed ?? 12);
  const trips: { startAt: number; endAt: number; distanceKm: number; energyKwh: number; to: LatLon }[] = [];
  const charges: ScriptedCharge[] = [];
  const outliers: ScriptedOutlier[] = [];
  let kwh = 0.9 * capacity;
  for (let day = 0; day < days; day++) {
    const dayStart = o.startAt + day * 24 * HOUR;
    const at = dayStart + 2 * HOUR + Math.round(rnd() * 30) * MIN;
    outliers.push({ at, until: at + 30 * MIN, pos: offsetBy(o.home, 500, rnd() * 360) });
    for (const [c, chain] of CHAINS.entries()) {
      let t = dayStart + (c === 0 ? 7 * 60 + 30 : 14 * 60) * MIN + Math.round(rnd() * 20) * MIN;
      let here = o.home;
      for (const [i, dist] of chain.entries()) {
        const last = i === chain.length - 1;
        // A place the car could reach: the straight line at most 80 % of the road, and home
        // within reach of the rest of the chain (and not inside the home zone).
        const rest = chain.slice(i + 1).reduce((a, b) => a + b, 0);
        let to = o.home;
        if (!last) {
          for (let k = 0; k < 2000; k++) {
            to = offsetBy(here, (0.05 + 0.75 * rnd()) * dist * 1000, rnd() * 360);
            const d = metresBetween(to, o.home);
            if (d <= 0.7 * rest * 1000 && d >= 400) break;
          }
        }
        const minutes = Math.round((dist / (SPEED_KMH[dist] ?? 40)) * 60);
        const energyKwh = (dist * (15 + rnd() * 3)) / 100;
        trips.push({ startAt: t, endAt: t + minutes * MIN, distanceKm: dist, energyKwh, to });
        kwh -= energyKwh;
        t += minutes * MIN;
        here = to;
        if (last) {
          if ((day === 0 && c === 0) || (day === 1 && c === 1)) {
            const powerKw = 7;
            const startAt = t + MIN;
            const full = startAt + Math.round(((0.9 * capacity - kwh) / powerKw) * 60) * MIN;
            // The lunch charge ends before the afternoon's drive.
            const endAt = Math.min(full, c === 0 ? dayStart + (14 * 60 - 5) * MIN : dayStart + 30 * HOUR);
            charges.push({ startAt, endAt, powerKw });
            kwh = Math.min(0.9 * capacity, kwh + (powerKw * (endAt - startAt)) / HOUR);
          }
        } else {
          t += (3 + Math.round(rnd() * 7)) * MIN;
        }
      }
    }
  }
  return new DriveScript({
    startAt: o.startAt,
    endAt: o.startAt + days * 24 * HOUR + 8 * HOUR,
    home: o.home,
    capacityKwh: capacity,
    startKwh: 0.9 * capacity,
    startKm: o.startKm ?? 12_000.37,
    trips,
    charges,
    outliers,
    seed: o.seed ?? 12,
  });
}
