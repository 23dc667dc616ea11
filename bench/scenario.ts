/**
 * The accuracy bench's scripted world: one car driving 3 days (10 trips a day of 2, 10 and 60
 * km, stops of 3-10 minutes, lunch and the night at home, two charges starting on arrival),
 * with the ground truth, and what each source would have shown of it: Renault polled every 5,
 * 15 or 30 minutes (position and mileage committed at ignition-off, the battery reporting
 * hourly when parked and every 5 minutes while driving), the CarData stream (a message a minute
 * while driving) and CarData REST polled every 30 minutes (each value with the time it last
 * changed). GPS fixes wander 10-30 m; one fix a night is 500 m off. Deterministic (seeded).
 */
import type { VehicleStatus } from '../src/core';
import { seededRandom } from '../src/sim/rng';
import { distanceM } from '../src/features/presence';

export const HOME = { latitude: 48.8566, longitude: 2.3522 };
export const START = Date.parse('2026-03-02T00:00:00Z');
export const END = Date.parse('2026-03-05T08:00:00Z');
const MIN = 60_000;
const CAPACITY_KWH = 52;
export const VIN = 'VBENCH0000000001';

export interface TrueTrip {
  start: number;
  end: number;
  distanceKm: number;
  energyKwh: number;
  from: { latitude: number; longitude: number };
  to: { latitude: number; longitude: number };
  startKm: number;
}
export interface TrueEvent {
  event: 'enter' | 'leave';
  at: number;
}
interface Charge {
  start: number;
  end: number;
  fromKwh: number;
  powerKw: number;
  targetKwh: number;
}
export interface World {
  trips: TrueTrip[];
  events: TrueEvent[];
  charges: Charge[];
  /** Nightly outliers: when, and where. */
  outliers: { at: number; latitude: number; longitude: number }[];
}

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
export function offset(from: { latitude: number; longitude: number }, metres: number, bearingDeg: number): { latitude: number; longitude: number } {
  const b = (bearingDeg * Math.PI) / 180;
  return {
    latitude: from.latitude + (metres * Math.cos(b)) / M_PER_DEG,
    longitude: from.longitude + (metres * Math.sin(b)) / (M_PER_DEG * Math.cos((from.latitude * Math.PI) / 180)),
  };
}

const SPEED_KMH: Record<number, number> = { 2: 30, 10: 40, 60: 80 };
const CHAINS = [
  [10, 2, 60, 2, 10],
  [2, 10, 2, 10, 2],
];

/** The scripted 3 days. */
export function makeWorld(seed = 12): World {
  const rnd = seededRandom(seed);
  const trips: TrueTrip[] = [];
  const events: TrueEvent[] = [];
  const charges: Charge[] = [];
  const outliers: World['outliers'] = [];
  let km = 12_000.37;
  let kwh = 0.9 * CAPACITY_KWH;
  for (let day = 0; day < 3; day++) {
    const dayStart = START + day * 1440 * MIN;
    outliers.push({ at: dayStart + 2 * 60 * MIN + Math.round(rnd() * 30) * MIN, ...offset(HOME, 500, rnd() * 360) });
    for (const [c, chain] of CHAINS.entries()) {
      let t = dayStart + (c === 0 ? 7 * 60 + 30 : 14 * 60) * MIN + Math.round(rnd() * 20) * MIN;
      let at = HOME;
      events.push({ event: 'leave', at: t });
      for (const [i, dist] of chain.entries()) {
        const last = i === chain.length - 1;
        // Places a car could reach: the straight line at most 80 % of the road, and home still
        // within reach of the rest of the chain.
        const rest = chain.slice(i + 1).reduce((a, b) => a + b, 0);
        let to = HOME;
        if (!last) {
          for (let k = 0; k < 2000; k++) {
            const c = offset(at, (0.05 + 0.75 * rnd()) * dist * 1000, rnd() * 360);
            to = c;
            if (distanceM(c.latitude, c.longitude, HOME.latitude, HOME.longitude) <= 0.7 * rest * 1000 && distanceM(c.latitude, c.longitude, HOME.latitude, HOME.longitude) >= 400) break;
          }
        }
        const durMin = Math.round((dist / (SPEED_KMH[dist] ?? 40)) * 60);
        const energy = (dist * (15 + rnd() * 3)) / 100;
        trips.push({ start: t, end: t + durMin * MIN, distanceKm: dist, energyKwh: energy, from: at, to, startKm: km });
        km += dist;
        kwh -= energy;
        t += durMin * MIN;
        at = to;
        if (last) {
          events.push({ event: 'enter', at: t });
          // Day 1 at lunch, day 2 in the evening: a charge starting a minute after arrival.
          if ((day === 0 && c === 0) || (day === 1 && c === 1)) {
            const target = 0.9 * CAPACITY_KWH;
            const powerKw = 7;
            const start = t + MIN;
            const hours = (target - kwh) / powerKw;
            const end = Math.min(start + Math.round(hours * 60) * MIN, c === 0 ? dayStart + (14 * 60 - 5) * MIN : dayStart + 30 * 60 * MIN);
            charges.push({ start, end, fromKwh: kwh, powerKw, targetKwh: target });
            kwh = Math.min(target, kwh + (powerKw * (end - start)) / 3_600_000);
          }
        } else {
          t += (3 + Math.round(rnd() * 7)) * MIN;
        }
      }
    }
  }
  return { trips, events, charges, outliers };
}

/** The car at a moment: odometer, position, energy, moving or not, charging or not. */
interface CarState {
  km: number;
  latitude: number;
  longitude: number;
  kwh: number;
  moving: boolean;
  charging: boolean;
  plugged: boolean;
  /** The last ignition-off (or the start of the world). */
  parkedAt: number;
}

function carAt(w: World, t: number): CarState {
  const first = w.trips[0];
  let km = first ? first.startKm : 0;
  let kwh = 0.9 * CAPACITY_KWH;
  let pos = HOME;
  let parkedAt = START;
  for (const trip of w.trips) {
    if (trip.start > t) break;
    // Energy: charges that ended before this trip were counted in order below.
    for (const ch of w.charges) if (ch.end <= trip.start && ch.start > parkedAt - 1) kwh = Math.min(ch.targetKwh, kwh + (ch.powerKw * (ch.end - ch.start)) / 3_600_000);
    if (t < trip.end) {
      const f = (t - trip.start) / (trip.end - trip.start);
      return {
        km: trip.startKm + f * trip.distanceKm,
        latitude: trip.from.latitude + f * (trip.to.latitude - trip.from.latitude),
        longitude: trip.from.longitude + f * (trip.to.longitude - trip.from.longitude),
        kwh: kwh - f * trip.energyKwh,
        moving: true,
        charging: false,
        plugged: false,
        parkedAt,
      };
    }
    km = trip.startKm + trip.distanceKm;
    kwh -= trip.energyKwh;
    pos = trip.to;
    parkedAt = trip.end;
  }
  let charging = false;
  let plugged = false;
  for (const ch of w.charges) {
    if (ch.start > parkedAt - 1 && ch.start <= t) {
      plugged = true;
      const until = Math.min(t, ch.end);
      kwh = Math.min(ch.targetKwh, kwh + (ch.powerKw * (until - ch.start)) / 3_600_000);
      charging = t < ch.end;
    }
  }
  return { km, ...pos, kwh, moving: false, charging, plugged, parkedAt };
}

/** GPS noise of one fix: 10-30 m on each axis, fixed by the fix's own time. */
function jitter(p: { latitude: number; longitude: number }, key: number): { latitude: number; longitude: number } {
  const r = seededRandom(key % 2_147_483_647);
  const sign = (): number => (r() < 0.5 ? -1 : 1);
  const north = sign() * (10 + 20 * r());
  const east = sign() * (10 + 20 * r());
  return offset(offset(p, north, 0), east, 90);
}

const iso = (t: number): string => new Date(t).toISOString();
const soc = (kwh: number): number => Math.round((kwh / CAPACITY_KWH) * 100);

/** The battery reports a Renault's cloud holds: hourly when parked, every 5 minutes while driving, at ignition-off, every 15 minutes while charging. */
function renaultBatteryReportAt(w: World, t: number): number {
  const car = carAt(w, t);
  if (car.moving) {
    const trip = w.trips.find((x) => x.start <= t && t < x.end);
    const since = trip ? t - trip.start - MIN : -1;
    if (trip && since >= 0) return trip.start + MIN + Math.floor(since / (5 * MIN)) * 5 * MIN;
    return Math.max(car.parkedAt, Math.floor(t / (60 * MIN)) * 60 * MIN);
  }
  const charge = w.charges.find((c) => c.start <= t && c.start > car.parkedAt - 1);
  if (charge) {
    const until = Math.min(t, charge.end);
    const r = charge.start + Math.floor((until - charge.start) / (15 * MIN)) * 15 * MIN;
    return t >= charge.end ? Math.max(charge.end, Math.floor(t / (60 * MIN)) * 60 * MIN) : r;
  }
  return Math.max(car.parkedAt, Math.floor(t / (60 * MIN)) * 60 * MIN);
}

/** What a Renault status read at t shows. */
export function renaultStatus(w: World, t: number, outlierWindowMs = 5 * MIN): VehicleStatus {
  const car = carAt(w, t);
  const batteryAt = renaultBatteryReportAt(w, t);
  const b = carAt(w, batteryAt);
  const off = carAt(w, car.parkedAt); // the ignition-off commit (also while driving: the previous one)
  const parkedAt = car.moving ? carAt(w, t).parkedAt : car.parkedAt;
  let fixAt = parkedAt;
  let fix = jitter({ latitude: off.latitude, longitude: off.longitude }, fixAt);
  // The night's outlier: one read returns a fix 500 m off, timed when it was taken.
  const out = w.outliers.find((o) => o.at <= t && t - o.at < outlierWindowMs && o.at > parkedAt);
  if (out) {
    fixAt = out.at;
    fix = { latitude: out.latitude, longitude: out.longitude };
  }
  return {
    vin: VIN,
    provider: 'renault',
    fetchedAt: iso(t),
    updatedAt: iso(Math.max(batteryAt, fixAt)),
    mileageKm: Math.round(off.km * 100) / 100,
    battery: { socPercent: soc(b.kwh), updatedAt: iso(batteryAt) },
    charging: { state: b.charging ? 'charging' : 'not_charging', plug: b.plugged ? 'plugged' : 'unplugged', updatedAt: iso(batteryAt) },
    position: { ...fix, updatedAt: iso(fixAt) },
  };
}

/** A CarData status at t: the stream's merged view (every value as of t), or REST (each value with the time it last changed). */
export function cardataStatus(w: World, t: number, lastChange: { km: number; pos: number; soc: number }, outlierWindowMs = MIN): VehicleStatus {
  const car = carAt(w, t);
  let p = car.moving ? jitter(car, t) : jitter(car, car.parkedAt);
  const out = w.outliers.find((o) => o.at <= t && t - o.at < outlierWindowMs);
  if (out && !car.moving) p = { latitude: out.latitude, longitude: out.longitude };
  const updatedAt = Math.max(lastChange.km, lastChange.pos, lastChange.soc);
  return {
    vin: VIN,
    provider: 'cardata',
    fetchedAt: iso(t),
    updatedAt: iso(updatedAt),
    mileageKm: Math.floor(car.km),
    battery: { socPercent: soc(car.kwh), updatedAt: iso(lastChange.soc) },
    charging: { state: car.charging ? 'charging' : 'not_charging', plug: car.plugged ? 'plugged' : 'unplugged', updatedAt: iso(lastChange.soc) },
    position: { ...p, updatedAt: iso(lastChange.pos) },
  };
}

/** Renault read every pollMin minutes. */
export function renaultFeed(w: World, pollMin: number): VehicleStatus[] {
  const out: VehicleStatus[] = [];
  for (let t = START + 3 * MIN; t <= END; t += pollMin * MIN) out.push(renaultStatus(w, t, pollMin * MIN));
  return out;
}

/** The moments the CarData stream sends: a message a minute while driving, one at ignition-off, every 10 minutes while charging, the night's outlier. */
function streamTimes(w: World): number[] {
  const times = new Set<number>([START + MIN]);
  for (const trip of w.trips) {
    for (let t = trip.start + MIN; t < trip.end; t += MIN) times.add(t);
    times.add(trip.end);
  }
  for (const c of w.charges) for (let t = c.start; t <= c.end; t += 10 * MIN) times.add(t);
  for (const o of w.outliers) times.add(o.at);
  times.add(END);
  return [...times].sort((a, b) => a - b);
}

function cardataFeed(w: World, times: number[], outlierWindowMs = MIN): VehicleStatus[] {
  const out: VehicleStatus[] = [];
  const last = { km: START, pos: START, soc: START };
  let prev: VehicleStatus | undefined;
  // Values change every moment of a drive; "last changed" is when the value read last differed.
  for (const t of times) {
    const probe = cardataStatus(w, t, last, outlierWindowMs);
    if (prev) {
      const car = carAt(w, t);
      if (probe.mileageKm !== prev.mileageKm) last.km = car.moving ? t : car.parkedAt;
      if (probe.position?.latitude !== prev.position?.latitude) last.pos = car.moving ? t : Math.max(car.parkedAt, w.outliers.find((o) => o.at <= t && t - o.at < outlierWindowMs)?.at ?? car.parkedAt);
      if (probe.battery?.socPercent !== prev.battery?.socPercent) last.soc = car.moving || car.charging ? t : car.parkedAt;
    }
    const s = cardataStatus(w, t, last, outlierWindowMs);
    out.push(s);
    prev = s;
  }
  return out;
}

export function cardataStreamFeed(w: World): VehicleStatus[] {
  return cardataFeed(w, streamTimes(w));
}

export function cardataRestFeed(w: World, pollMin = 30): VehicleStatus[] {
  const times: number[] = [];
  for (let t = START + 7 * MIN; t <= END; t += pollMin * MIN) times.push(t);
  return cardataFeed(w, times, pollMin * MIN);
}
