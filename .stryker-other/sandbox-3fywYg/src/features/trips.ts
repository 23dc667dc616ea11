// @ts-nocheck
import { z } from 'zod';
import {
  CarError,
  CHARGING_STATES,
  PLUG_STATES,
  type ChargeSession,
  type HistorySummary,
  type HistoryTotals,
  type Position,
  type Trip,
  type CallKind,
  type Vehicle,
  type VehicleStatus,
} from '../core';
import { distanceM } from './presence';
import type { AccountSession } from './session';

/**
 * Trips and charging sessions derived from a vehicle's status history. Everything here is a
 * pure function of a list of samples, so that a recorded history can be replayed in a test.
 *
 * The rules follow what each source reports:
 * - Renault commits position and mileage together when the ignition is switched off
 *   (specs/renault.md §5 notes), while the battery keeps reporting during a drive: a new fix
 *   with more kilometres is a real stop and ends a trip, and the first drop of the state of
 *   charge at the old place bounds when it started.
 * - BMW/MINI CarData reports the odometer and the position while driving (stream messages, REST
 *   values with the time they last changed): a trip is a run of mileage steps, and it ends only
 *   once the car stood still for the stop threshold (default 3 min), seen as an unchanged
 *   odometer that long, or a gap between two steps too long for the kilometres driven in it.
 */

/** One look at the car, reduced to what trips and charges need. Times are epoch ms. */
export const SampleSchema = z.object({
  /** The car's newest own timestamp (or the read time when it gave none). */
  at: z.number(),
  /** When the plugin read it (the poll or stream message); the car's clock may be far older. */
  fetchedAt: z.number().optional(),
  /** 'continuous': the source reports the odometer while driving (CarData); otherwise only at ignition-off (Renault). */
  feed: z.enum(['ignition', 'continuous']).optional(),
  mileageKm: z.number().min(0).optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  /** When the car took that fix. */
  positionAt: z.number().optional(),
  socPercent: z.number().min(0).max(100).optional(),
  energyKwh: z.number().min(0).optional(),
  fuelLiters: z.number().min(0).optional(),
  charging: z.enum(CHARGING_STATES).optional(),
  plug: z.enum(PLUG_STATES).optional(),
  powerKw: z.number().optional(),
});
export type Sample = z.infer<typeof SampleSchema>;

/**
 * Usable battery capacity of the models whose cloud does not report the energy left
 * (availableEnergyKwh), by model code. Net capacities from the makers' data sheets; the
 * Renault 5 and the Zoe ZE50 both carry 52 kWh in their common (and the demo's) version.
 */
export const USABLE_CAPACITY_KWH: Readonly<Record<string, number>> = {
  X101VE: 41, // Zoe ZE40
  X102VE: 52, // Zoe ZE50
  R5E1VE: 52, // Renault 5 E-Tech 52 kWh
  XBG1VE: 26.8, // Dacia Spring
  A5E1AE: 52, // Alpine A290
  XCB1VE: 60, // Megane E-Tech 60 kWh
};

export function usableCapacityKwh(modelCode: string | undefined): number | undefined {
  return modelCode ? USABLE_CAPACITY_KWH[modelCode] : undefined;
}

const time = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** A VehicleStatus reduced to a sample; undefined when it says nothing trips or charges use. */
export function sampleFromStatus(s: VehicleStatus): Sample | undefined {
  const fetchedAt = time(s.fetchedAt);
  const at = time(s.updatedAt) ?? fetchedAt;
  if (at === undefined) return undefined;
  const out: Sample = { at };
  if (fetchedAt !== undefined && fetchedAt !== at) out.fetchedAt = fetchedAt;
  if (s.provider === 'cardata') out.feed = 'continuous';
  if (s.mileageKm !== undefined) out.mileageKm = s.mileageKm;
  if (s.position && !s.positionUnknown) {
    out.latitude = s.position.latitude;
    out.longitude = s.position.longitude;
    const p = time(s.position.updatedAt);
    if (p !== undefined) out.positionAt = p;
  }
  if (s.battery?.socPercent !== undefined) out.socPercent = s.battery.socPercent;
  if (s.battery?.availableEnergyKwh !== undefined) out.energyKwh = s.battery.availableEnergyKwh;
  if (s.fuel?.quantityLiters !== undefined) out.fuelLiters = s.fuel.quantityLiters;
  if (s.charging) {
    out.charging = s.charging.state;
    out.plug = s.charging.plug;
    if (s.charging.powerKw !== undefined) out.powerKw = s.charging.powerKw;
  }
  const extra = Object.keys(out).filter((k) => k !== 'at' && k !== 'fetchedAt' && k !== 'feed');
  return extra.length ? out : undefined;
}

/** Same content, whatever the time. */
export function sameContent(a: Sample, b: Sample): boolean {
  const { at: _a, fetchedAt: _fa, ...ra } = a;
  const { at: _b, fetchedAt: _fb, ...rb } = b;
  const ka = Object.keys(ra) as (keyof typeof ra)[];
  return ka.length === Object.keys(rb).length && ka.every((k) => ra[k] === rb[k]);
}

export interface DeriveOptions {
  vin: string;
  /** Usable battery capacity; used when the car does not report the energy left. */
  capacityKwh?: number;
  /** An odometer step at least this long is a trip (default 0.5 km). */
  minDistanceKm?: number;
  /** Without an odometer, a move at least this far is a trip (default 250 m). */
  minMoveM?: number;
  /** While driving, cars report about this often; bounds the start-time estimate (default 5 min). */
  reportWhileDrivingMs?: number;
  /** Sources that report while driving: a trip ends once the car stood still this long (default 3 min). */
  stopMs?: number;
}

/** Default stop threshold of sources that report while driving. */
export const STOP_MS = 180_000;

const round1 = (n: number): number => Math.round(n * 10) / 10;
const round2 = (n: number): number => Math.round(n * 100) / 100;
const fetched = (s: Sample): number => Math.max(s.at, s.fetchedAt ?? s.at);

/**
 * A state-of-charge difference in whole points can be a point off either way: a consumption
 * from it is given only from this many points used (±20 % at most); a reported energy in kWh
 * has no such limit.
 */
export const MIN_SOC_POINTS_FOR_CONSUMPTION = 5;
/** Top speed assumed when a gap between two odometer steps is read as "drove all the time". */
const MAX_SPEED_KMH = 100;
/** Below this average over a gap between two odometer steps, the car stood still for part of it. */
const SLOW_KMH = 20;

/** Where the car is parked: the newest of each field seen there. */
interface Place {
  mileageKm?: number;
  latitude?: number;
  longitude?: number;
  positionAt?: number;
}

function placeOf(s: Sample, into: Place = {}): Place {
  if (s.mileageKm !== undefined) into.mileageKm = s.mileageKm;
  if (s.latitude !== undefined && s.longitude !== undefined) {
    into.latitude = s.latitude;
    into.longitude = s.longitude;
    if (s.positionAt !== undefined) into.positionAt = s.positionAt;
  }
  return into;
}

const hasPlace = (p: Place): boolean => p.mileageKm !== undefined || p.latitude !== undefined;

function moved(place: Place, s: Sample, o: Required<Pick<DeriveOptions, 'minDistanceKm' | 'minMoveM'>>): boolean {
  const dKm = place.mileageKm !== undefined && s.mileageKm !== undefined ? s.mileageKm - place.mileageKm : undefined;
  const dM =
    place.latitude !== undefined && place.longitude !== undefined && s.latitude !== undefined && s.longitude !== undefined
      ? distanceM(place.latitude, place.longitude, s.latitude, s.longitude)
      : undefined;
  if (dKm !== undefined) {
    // The odometer rules: an unchanged one means the fix only wobbled (refresh-location).
    if (dKm >= o.minDistanceKm) return true;
    return dKm > 0 && dM !== undefined && dM >= o.minMoveM;
  }
  return dM !== undefined && dM >= o.minMoveM;
}

const DRIVE_RATE_PERCENT_PER_H = 4;

/**
 * Driving evidence at an unchanged place: a newer report of the car whose state of charge fell
 * by a point or more, faster than parked cars lose it (a few % per hour with the climate on).
 * The rate is taken over the time since the last read that saw the level higher (the poll's
 * clock): an hourly parked report read at 07:30, then a drive reported at 07:41, is not "slow".
 */
function drains(prev: Sample, s: Sample): boolean {
  if (prev.socPercent === undefined || s.socPercent === undefined) return false;
  if (s.charging === 'charging' || s.plug === 'plugged') return false;
  if (s.at <= prev.at) return false; // the same report read again
  const drop = prev.socPercent - s.socPercent;
  // Since the last look that saw the higher level: the read of an old report counts, not the report.
  const hours = (s.at - fetched(prev)) / 3_600_000;
  return drop >= 1 && drop / hours >= DRIVE_RATE_PERCENT_PER_H;
}

function position(lat: number | undefined, lon: number | undefined, at: number | undefined): Position | undefined {
  if (lat === undefined || lon === undefined) return undefined;
  return { latitude: lat, longitude: lon, ...(at !== undefined ? { updatedAt: new Date(at).toISOString() } : {}) };
}

function energyBetween(fromKwh: number | undefined, toKwh: number | undefined, socDelta: number | undefined, capacity: number | undefined): number | undefined {
  if (fromKwh !== undefined && toKwh !== undefined) return round2(fromKwh - toKwh);
  if (socDelta !== undefined && capacity !== undefined) return round2((socDelta * capacity) / 100);
  return undefined;
}

/** What a trip is made of, whatever the source. */
interface TripParts {
  place: Place;
  /** The last sample that saw the car parked at the start, with the level before the drive. */
  rest: Sample;
  /** The first sample that saw the car on the move (a drop of the level, a new odometer). */
  firstMove?: Sample;
  /** Samples taken on the way (and the arrival). */
  between: Sample[];
  /** The sample that saw the car arrived, and when it arrived. */
  end: Sample;
  endAt: number;
  /** Samples that tell the level at arrival, before any charge. */
  arrival: Sample[];
}

function makeTrip(vin: string, t: TripParts, o: Required<DeriveOptions>, capacity: number | undefined): Trip {
  const { place, rest, end } = t;
  const distance = place.mileageKm !== undefined && end.mileageKm !== undefined ? round1(end.mileageKm - place.mileageKm) : undefined;
  // The start: after the last look that saw the car parked (its own report, or a read that would
  // have shown a drive under way for a while), before the first that saw it moving.
  // An earliest after the latest gives the latest as the start and no window (below).
  const earliest = Math.max(rest.at, fetched(rest) - o.reportWhileDrivingMs);
  const latest = t.firstMove ? Math.min(t.firstMove.at, t.endAt) : t.endAt;
  const guess = t.firstMove ? latest - o.reportWhileDrivingMs : t.endAt - ((distance ?? 1) / 40) * 3_600_000;
  const startAt = Math.round(Math.min(latest, Math.max(earliest, guess)));
  let endAt = t.endAt;
  if (endAt < startAt) endAt = startAt;
  // The level at arrival: the lowest one not charging; none when a charge began before any read.
  // When the charge began before the arrival was read, the last report on the way stands in
  // for it if it is at most one reporting interval older than the arrival.
  let notCharging = t.arrival.filter((s) => s.charging !== 'charging');
  if (!notCharging.length) notCharging = t.between.filter((s) => s.charging !== 'charging' && s.at >= t.endAt - o.reportWhileDrivingMs && s.at <= t.endAt);
  const lowest = (pick: (s: Sample) => number | undefined): number | undefined => {
    const values = notCharging.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? Math.min(...values) : undefined;
  };
  const socEnd = lowest((s) => s.socPercent);
  const kwhEnd = lowest((s) => s.energyKwh);
  const socUsedRaw = rest.socPercent !== undefined && socEnd !== undefined ? round1(rest.socPercent - socEnd) : undefined;
  const socUsed = socUsedRaw !== undefined && socUsedRaw >= 0 ? socUsedRaw : undefined;
  const energyRaw = energyBetween(rest.energyKwh, kwhEnd, socUsed, capacity);
  const energy = energyRaw !== undefined && energyRaw >= 0 ? energyRaw : undefined;
  const fromKwh = rest.energyKwh !== undefined && kwhEnd !== undefined;
  const fuel = rest.fuelLiters !== undefined && rest.fuelLiters > 0 && end.fuelLiters !== undefined && rest.fuelLiters - end.fuelLiters >= 0 ? round2(rest.fuelLiters - end.fuelLiters) : undefined;
  const trip: Trip = {
    vin,
    source: 'derived',
    startAt: new Date(startAt).toISOString(),
    endAt: new Date(endAt).toISOString(),
    durationMin: round1((endAt - startAt) / 60_000),
  };
  if (earliest < latest) {
    trip.startAtEarliest = new Date(earliest).toISOString();
    trip.startAtLatest = new Date(latest).toISOString();
  }
  if (distance !== undefined) trip.distanceKm = distance;
  if (place.mileageKm !== undefined) trip.startMileageKm = place.mileageKm;
  if (end.mileageKm !== undefined) trip.endMileageKm = end.mileageKm;
  const sp = position(place.latitude, place.longitude, place.positionAt);
  if (sp) trip.startPosition = sp;
  const ep = position(end.latitude, end.longitude, end.positionAt);
  if (ep) trip.endPosition = ep;
  if (socUsed !== undefined) trip.socUsedPercent = socUsed;
  if (energy !== undefined) trip.energyUsedKwh = energy;
  if (fuel !== undefined) trip.fuelUsedLiters = fuel;
  // Below a kilometre the odometer's rounding makes a per-100-km figure meaningless; from a
  // whole-percent level, so do fewer than MIN_SOC_POINTS_FOR_CONSUMPTION points.
  if (distance !== undefined && distance >= 1) {
    const resolved = fromKwh || (socUsed !== undefined && socUsed >= MIN_SOC_POINTS_FOR_CONSUMPTION);
    if (energy !== undefined && energy > 0 && resolved) trip.consumptionKwhPer100Km = round1((energy / distance) * 100);
    if (fuel !== undefined && fuel > 0) trip.consumptionLPer100Km = round1((fuel / distance) * 100);
  }
  return trip;
}

function resolve(options: DeriveOptions): Required<DeriveOptions> {
  return {
    capacityKwh: options.capacityKwh ?? Number.NaN,
    minDistanceKm: options.minDistanceKm ?? 0.5,
    minMoveM: options.minMoveM ?? 250,
    reportWhileDrivingMs: options.reportWhileDrivingMs ?? 300_000,
    stopMs: options.stopMs ?? STOP_MS,
    vin: options.vin,
  };
}

/** Finished trips, in time order. */
export function deriveTrips(samples: readonly Sample[], options: DeriveOptions): Trip[] {
  const o = resolve(options);
  const capacity = Number.isFinite(o.capacityKwh) ? o.capacityKwh : undefined;
  if (samples.some((s) => s.feed === 'continuous')) return deriveContinuous(samples, o, capacity);
  const trips: Trip[] = [];
  let place: Place | undefined;
  let rest: Sample | undefined;
  let firstDrain: Sample | undefined;
  let prev: Sample | undefined;
  let between: Sample[] = [];
  for (const s of samples) {
    if (!place || !rest) {
      const p = placeOf(s);
      if (hasPlace(p)) {
        place = p;
        rest = s;
      }
      prev = s;
      continue;
    }
    if (moved(place, s, o)) {
      // The ignition-off fix: the car stopped when it took it (else when the read saw it).
      const endAt = s.positionAt !== undefined && s.positionAt <= fetched(s) && s.positionAt > rest.at ? s.positionAt : s.at;
      trips.push(makeTrip(o.vin, { place, rest, ...(firstDrain ? { firstMove: firstDrain } : {}), between, end: s, endAt, arrival: [s] }, o, capacity));
      place = placeOf(s);
      rest = s;
      firstDrain = undefined;
      between = [];
      prev = s;
      continue;
    }
    placeOf(s, place);
    if (firstDrain) {
      between.push(s);
      // Plugged in, or an hour without a further drop: it was the climate or noise, not a drive.
      const flat = prev && s.socPercent !== undefined && prev.socPercent !== undefined && s.socPercent >= prev.socPercent && s.at - firstDrain.at >= 3_600_000;
      if (s.plug === 'plugged' || s.charging === 'charging' || flat) {
        firstDrain = undefined;
        between = [];
        rest = s;
      }
    } else if (prev && drains(prev, s)) {
      firstDrain = s;
      between = [s];
    } else {
      rest = s;
    }
    prev = s;
  }
  return trips;
}

/**
 * Sources that report the odometer while driving (CarData): a trip is a run of odometer steps
 * that ends once the car stood still for stopMs: an unchanged odometer read that long after
 * the last step, a value whose own time is that old when read, or a gap between two steps
 * longer than driving their kilometres would take plus stopMs.
 */
/**
 * When a continuous source last saw the car move: its position's time when older than the
 * sample's (REST gives each value the time it last changed; a charge that started on arrival
 * keeps the battery's time moving on while the car stands).
 */
const movedAt = (s: Sample): number => Math.min(s.at, s.positionAt ?? s.at);

function deriveContinuous(samples: readonly Sample[], o: Required<DeriveOptions>, capacity: number | undefined): Trip[] {
  const trips: Trip[] = [];
  let place: Place | undefined;
  let rest: Sample | undefined;
  let open: { first: Sample; last: Sample; between: Sample[] } | undefined;
  const close = (arrival: Sample[]): void => {
    if (!open || !place || !rest) return;
    const end = open.last;
    trips.push(makeTrip(o.vin, { place, rest, firstMove: open.first, between: open.between, end, endAt: movedAt(end), arrival: [end, ...arrival] }, o, capacity));
    place = placeOf(end);
    rest = end;
    open = undefined;
  };
  for (const s of samples) {
    if (!place || !rest) {
      const p = placeOf(s);
      if (hasPlace(p)) {
        place = p;
        rest = s;
      }
      continue;
    }
    const ref: Place = open ? placeOf(open.last) : place;
    const step = ref.mileageKm !== undefined && s.mileageKm !== undefined ? s.mileageKm - ref.mileageKm : undefined;
    const advanced = open ? (step !== undefined ? step > 0 : moved(ref, s, o)) : moved(place, s, o);
    if (advanced) {
      if (open) {
        // A gap too long for the kilometres driven in it hides a stop (a stream goes quiet at
        // ignition-off); a poll's gap with a car driving at speed all along does not.
        const gapMs = movedAt(s) - movedAt(open.last);
        const needMs = ((step ?? 0) / MAX_SPEED_KMH) * 3_600_000;
        const slow = (step ?? 0) / Math.max(gapMs / 3_600_000, 1e-9) < SLOW_KMH;
        if (gapMs - needMs >= o.stopMs && slow) close([]);
      }
      if (open) {
        open.last = s;
        open.between.push(s);
      } else {
        open = { first: s, last: s, between: [s] };
      }
      // A value read long after it last changed: the car has been standing since.
      if (fetched(s) - movedAt(s) >= o.stopMs) close([]);
      continue;
    }
    if (open) {
      open.between.push(s);
      if (fetched(s) - movedAt(open.last) >= o.stopMs) close([s]);
      continue;
    }
    placeOf(s, place);
    if (s.at >= rest.at) rest = s;
  }
  return trips;
}

const isCharging = (s: Sample): boolean | undefined => {
  if (s.charging === undefined) return s.powerKw !== undefined && s.powerKw > 0 && s.plug === 'plugged' ? true : undefined;
  return s.charging === 'charging';
};

/** Finished charging sessions, in time order. */
export function deriveCharges(samples: readonly Sample[], options: DeriveOptions): ChargeSession[] {
  const capacity = options.capacityKwh;
  const out: ChargeSession[] = [];
  let open: { start: Sample; before?: Sample; last: Sample; maxSoc?: number; maxKwh?: number; pos?: Position } | undefined;
  let prev: Sample | undefined;
  let lastPos: Position | undefined;
  const max = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  for (const s of samples) {
    const p = position(s.latitude, s.longitude, s.positionAt);
    if (p) lastPos = p;
    const charging = isCharging(s);
    if (charging === undefined) {
      prev = s;
      continue; // this read did not include the charging part: no news either way
    }
    if (charging && !open) {
      open = { start: s, last: s, maxSoc: s.socPercent, maxKwh: s.energyKwh, ...(lastPos ? { pos: lastPos } : {}) };
      // The level just before the charge, if the car did not move in between.
      if (prev && isCharging(prev) === false && (prev.mileageKm === undefined || s.mileageKm === undefined || prev.mileageKm === s.mileageKm)) open.before = prev;
    } else if (charging && open) {
      open.last = s;
      open.maxSoc = max(open.maxSoc, s.socPercent);
      open.maxKwh = max(open.maxKwh, s.energyKwh);
    } else if (!charging && open) {
      const first = open.start;
      const socFrom = [first.socPercent, open.before?.socPercent].filter((v): v is number => v !== undefined);
      const from = socFrom.length ? Math.min(...socFrom) : undefined;
      const to = max(open.maxSoc, s.socPercent);
      const kwhFrom = [first.energyKwh, open.before?.energyKwh].filter((v): v is number => v !== undefined);
      const kwhTo = max(open.maxKwh, s.energyKwh);
      const energy =
        kwhFrom.length && kwhTo !== undefined
          ? round2(kwhTo - Math.min(...kwhFrom))
          : from !== undefined && to !== undefined && capacity !== undefined
            ? round2(((to - from) * capacity) / 100)
            : undefined;
      const durationMin = round1((s.at - first.at) / 60_000);
      const session: ChargeSession = {
        vin: options.vin,
        source: 'derived',
        startAt: new Date(first.at).toISOString(),
        endAt: new Date(s.at).toISOString(),
        durationMin,
        status: s.charging === 'error' ? 'error' : 'ok',
      };
      if (energy !== undefined && energy >= 0) session.energyKwh = energy;
      if (from !== undefined) session.socFromPercent = from;
      if (to !== undefined) session.socToPercent = to;
      if (session.energyKwh !== undefined && durationMin >= 1) session.averagePowerKw = round1(session.energyKwh / (durationMin / 60));
      if (open.pos) session.position = open.pos;
      out.push(session);
      open = undefined;
    }
    prev = s;
  }
  return out;
}

// ---------------------------------------------------------------------------------- summaries

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** The process's time zone (Node-RED's), the default for summaries. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

type DayOf = (t: number) => string;

/** YYYY-MM-DD of instants in a time zone (one formatter, made once per summary). */
export function localDayOf(timeZone: string): DayOf {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (t) => {
    const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
}

/** ISO-8601 week key (2026-W03) of a calendar day. */
export function isoWeek(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  // The Thursday of the same Monday-to-Sunday week decides the week's year.
  date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function periodKey(t: number, period: Period, zone: string | DayOf): string {
  const day = (typeof zone === 'string' ? localDayOf(zone) : zone)(t);
  return period === 'day' ? day : period === 'month' ? day.slice(0, 7) : isoWeek(day);
}

/** A bound of a summary: an ISO time (an instant) or a calendar day (whole day, in the zone). */
export type Bound = { instant: number } | { day: string };

export function parseBound(value: string, field: 'from' | 'to'): Bound {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && Number.isFinite(Date.parse(value))) return { day: value };
  const t = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(t)) return { instant: t };
  throw new CarError('BAD_INPUT', `payload.${field} must be a day (2026-01-15) or an ISO-8601 time (got ${JSON.stringify(value)})`);
}

/** Whether a time lies within the bounds: an instant as it is, a day as a whole day where `dayOf` puts it. */
export function within(t: number, dayOf: DayOf, from: Bound | undefined, to: Bound | undefined): boolean {
  if (from && ('instant' in from ? t < from.instant : dayOf(t) < from.day)) return false;
  if (to && ('instant' in to ? t > to.instant : dayOf(t) > to.day)) return false;
  return true;
}

interface Acc {
  trips: number;
  distanceKm: number;
  durationMin: number;
  energy?: number;
  fuel?: number;
  soc?: number;
  energyDistance: number;
  fuelDistance: number;
  charges: number;
  chargedKwh?: number;
  chargeDurationMin: number;
}

const emptyAcc = (): Acc => ({ trips: 0, distanceKm: 0, durationMin: 0, energyDistance: 0, fuelDistance: 0, charges: 0, chargeDurationMin: 0 });

function addTrip(a: Acc, t: Trip): void {
  a.trips++;
  a.distanceKm += t.distanceKm ?? 0;
  a.durationMin += t.durationMin;
  if (t.energyUsedKwh !== undefined) {
    a.energy = (a.energy ?? 0) + t.energyUsedKwh;
    a.energyDistance += t.distanceKm ?? 0;
  }
  if (t.fuelUsedLiters !== undefined) {
    a.fuel = (a.fuel ?? 0) + t.fuelUsedLiters;
    a.fuelDistance += t.distanceKm ?? 0;
  }
  if (t.socUsedPercent !== undefined) a.soc = (a.soc ?? 0) + t.socUsedPercent;
}

function addCharge(a: Acc, c: ChargeSession): void {
  a.charges++;
  if (c.energyKwh !== undefined) a.chargedKwh = (a.chargedKwh ?? 0) + c.energyKwh;
  a.chargeDurationMin += c.durationMin ?? 0;
}

function totals(a: Acc): HistoryTotals {
  const out: HistoryTotals = {
    trips: a.trips,
    distanceKm: round1(a.distanceKm),
    durationMin: round1(a.durationMin),
    charges: a.charges,
    chargeDurationMin: round1(a.chargeDurationMin),
  };
  if (a.energy !== undefined) out.energyUsedKwh = round2(a.energy);
  if (a.fuel !== undefined) out.fuelUsedLiters = round2(a.fuel);
  if (a.soc !== undefined) out.socUsedPercent = round1(a.soc);
  if (a.energy !== undefined && a.energyDistance >= 1) out.consumptionKwhPer100Km = round1((a.energy / a.energyDistance) * 100);
  if (a.fuel !== undefined && a.fuelDistance >= 1) out.consumptionLPer100Km = round1((a.fuel / a.fuelDistance) * 100);
  if (a.chargedKwh !== undefined) out.chargedKwh = round2(a.chargedKwh);
  return out;
}

export interface SummaryRequest {
  vin: string;
  period: Period;
  timeZone: string;
  from?: string;
  to?: string;
}

/** Totals per day, ISO week or month (by the start of each trip or charge) and overall. */
export function summarize(trips: readonly Trip[], charges: readonly ChargeSession[], req: SummaryRequest): HistorySummary {
  if (!(PERIODS as readonly string[]).includes(req.period)) throw new CarError('BAD_INPUT', `payload.period must be one of: ${PERIODS.join(', ')} (got ${JSON.stringify(req.period)})`);
  if (!isTimeZone(req.timeZone)) throw new CarError('BAD_INPUT', `payload.timeZone must be an IANA time zone such as Europe/Paris (got ${JSON.stringify(req.timeZone)})`);
  const from = req.from !== undefined ? parseBound(req.from, 'from') : undefined;
  const to = req.to !== undefined ? parseBound(req.to, 'to') : undefined;
  const buckets = new Map<string, Acc>();
  const all = emptyAcc();
  const dayOf = localDayOf(req.timeZone);
  const bucket = (t: number): Acc => {
    const key = periodKey(t, req.period, dayOf);
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = emptyAcc()));
    return b;
  };
  for (const t of trips) {
    const at = Date.parse(t.startAt);
    if (!within(at, dayOf, from, to)) continue;
    addTrip(bucket(at), t);
    addTrip(all, t);
  }
  for (const c of charges) {
    const at = Date.parse(c.startAt);
    if (!within(at, dayOf, from, to)) continue;
    addCharge(bucket(at), c);
    addCharge(all, c);
  }
  return {
    vin: req.vin,
    period: req.period,
    timeZone: req.timeZone,
    ...(req.from !== undefined ? { from: req.from } : {}),
    ...(req.to !== undefined ? { to: req.to } : {}),
    buckets: [...buckets.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([key, a]) => ({ key, ...totals(a) })),
    totals: totals(all),
  };
}

/**
 * Puts native sessions (the cloud's own) in place of derived ones they overlap, keeping
 * what only the derived one knows (position, energy when the cloud gave none).
 */
export function preferNative(derived: ChargeSession, native: readonly ChargeSession[]): ChargeSession {
  const ds = Date.parse(derived.startAt);
  const de = derived.endAt ? Date.parse(derived.endAt) : ds;
  const slack = 15 * 60_000;
  const match = native.find((n) => {
    const ns = Date.parse(n.startAt);
    const ne = n.endAt ? Date.parse(n.endAt) : ns;
    return ns <= de + slack && ne >= ds - slack;
  });
  if (!match) return derived;
  return {
    ...match,
    ...(match.energyKwh === undefined && derived.energyKwh !== undefined ? { energyKwh: derived.energyKwh } : {}),
    ...(match.averagePowerKw === undefined && derived.averagePowerKw !== undefined ? { averagePowerKw: derived.averagePowerKw } : {}),
    ...(match.position === undefined && derived.position !== undefined ? { position: derived.position } : {}),
  };
}

/** The cloud's own charging sessions of a vehicle between two ISO times (NOT_SUPPORTED where it keeps none). */
export function readNativeCharges(session: AccountSession, vehicle: Vehicle, from: string, to: string, kind: CallKind): Promise<ChargeSession[]> {
  return session.facet('history', 'list charging sessions').chargeSessions(vehicle, from, to, { kind });
}
