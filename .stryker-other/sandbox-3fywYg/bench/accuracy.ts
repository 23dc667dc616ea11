/**
 * How well trips and presence match what the car really did (issue 12). The simulator's own car
 * drives a scripted 3 days (src/sim/script.ts: commuterScript) and is the ground truth; the
 * plugin reads it through its real client code on a manual clock: a Renault 5 through the
 * provider's Connection over HTTP, polled every 5, 15 or 30 minutes; a BMW i4 through CarData's
 * MQTT stream (with a status node's 30-minute reads, which the stream keeps fresh) and through
 * REST alone, polled every 30 minutes. Every status the account session emits goes through the
 * code car-trips and car-presence run (sampleFromStatus + TripHistory with the quiet-stream
 * timer; positionFromMessage + step with the dwell timer), and the trips and zone events are
 * compared with the trips the simulated car made and its departures and arrivals.
 */
// @ts-nocheck

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock, TokenStore, type StatusPart, type Trip, type VehicleStatus } from '../src/core';
import type { PresenceEvent } from '../src/core/presence';
import { getProvider } from '../src/brands';
import { AccountSession } from '../src/features/session';
import { emptyState, nextDueAt, positionFromMessage, resolveOptions, step, type PresenceState } from '../src/features/presence';
import { TripHistory } from '../src/features/trip-store';
import { sampleFromStatus, usableCapacityKwh } from '../src/features/trips';
import { DEMO_CARDATA_CARS, DEMO_CARDATA_CLIENT_ID, startSimulator } from '../src/sim';
import { DEMO_CARS, DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';
import { commuterScript, DriveScript, offsetBy, type DriveScript as Script, type LatLon } from '../src/sim/script';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2026-03-02T00:00:00Z');
const R5 = 'VF1R5E00125R50002';
const I4 = 'WBY31AW0X0FCD0001';
const PARTS: StatusPart[] = ['battery', 'charging', 'mileage', 'position'];
const ZONE_RADIUS_M = 100;

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/** A drive the simulated car made. */
interface TrueTrip {
  start: number;
  end: number;
  distanceKm: number;
  energyKwh: number;
}

/** What one feed delivered: the statuses the account session emitted, when, and the truth. */
interface FeedRun {
  statuses: { at: number; status: VehicleStatus }[];
  /** When the stream connected or went down (car-trips follows it: a stream's silence while down says nothing). */
  streamEvents: { at: number; up: boolean }[];
  /** The times the feed read the cloud (polls); none for the stream, which sees every stop. */
  pollTimes?: number[];
  /** Renault keeps the ignition-off fix until the next one: a stop is seen when a read falls between two ignitions-off. */
  ignition: boolean;
  truth: TrueTrip[];
  script: Script;
  home: LatLon;
  noiseM: number;
  capacityKwh: number | undefined;
  /** Seconds of real time the run took. */
  seconds: number;
}

/** The sim's record of drives, with each one's energy from the script it drove. */
function truthOf(done: { startAt: number; endAt: number; startKm: number; endKm: number }[], script: Script): TrueTrip[] {
  return done.map((d) => {
    const s = script.trips.find((t) => Math.abs(t.startAt - d.startAt) < MIN);
    return { start: d.startAt, end: d.endAt, distanceKm: round(d.endKm - d.startKm, 2), energyKwh: s?.energyKwh ?? NaN };
  });
}

/** Moves the clock to `t` in steps, with a real moment per step for the sockets (the stream). */
async function runTo(clock: ManualClock, t: number, stepMs: number, realMs: number): Promise<void> {
  while (clock.now() < t) {
    await clock.advance(Math.min(stepMs, t - clock.now()));
    await new Promise((r) => (realMs > 0 ? setTimeout(r, realMs) : setImmediate(r)));
  }
}


/** The Renault 5 on the script, read through the Renault provider every pollMin minutes. */
async function renaultRun(dir: string, pollMin: number, script: Script, home: LatLon): Promise<FeedRun> {
  const t0 = Date.now();
  const clock = new ManualClock(START);
  const sim = await startSimulator({ port: 0, clock, renault: { quota: false, scripts: { [R5]: script } }, cardata: { brokerPort: false } });
  const provider = getProvider('renault');
  const session = new AccountSession({
    key: `renault${pollMin}`,
    provider,
    config: provider.resolveConfig({ provider: 'renault', locale: 'fr_FR', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl } }),
    store: new TokenStore(path.join(dir, `renault${pollMin}`)),
    clock,
    budget: { limit: 100_000 },
  });
  const statuses: FeedRun['statuses'] = [];
  session.on('status', (vin: string, status: VehicleStatus) => {
    if (vin === R5) statuses.push({ at: clock.now(), status });
  });
  const pollTimes: number[] = [];
  try {
    for (let t = START + 3 * MIN; t <= script.plan.endAt; t += pollMin * MIN) {
      await clock.advance(t - clock.now());
      pollTimes.push(t);
      await session.readStatus(R5, PARTS, { maxAgeMs: 0 });
    }
    const modelCode = DEMO_CARS.find((c) => c.vin === R5)?.modelCode;
    return {
      statuses,
      streamEvents: [],
      pollTimes,
      ignition: true,
      truth: truthOf(sim.renault.tripsDone(R5), script),
      script,
      home,
      noiseM: provider.positionNoiseM,
      capacityKwh: usableCapacityKwh(modelCode),
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    console.error(`accuracy: renault every ${pollMin} min, ${(Date.now() - t0) / 1000} s`);
    await session.close();
    await sim.close();
  }
}

/** The i4 on the script, read through CarData: the MQTT stream (and a status node's reads every 30 minutes), or REST alone every 30 minutes. */
export async function cardataRun(dir: string, mode: 'stream' | 'rest', script: Script, home: LatLon): Promise<FeedRun> {
  const t0 = Date.now();
  const clock = new ManualClock(START);
  const sim = await startSimulator({
    port: 0,
    clock,
    renault: { quota: false },
    cardata: { autoApproveMs: 5_000, streamIntervalMs: MIN, quota: false, scripts: { [I4]: script }, ...(mode === 'rest' ? { brokerPort: false } : {}) },
  });
  const provider = getProvider('cardata');
  const session = new AccountSession({
    key: `cardata-${mode}`,
    provider,
    // REST alone: a broker nobody listens on (the stream never connects).
    config: provider.resolveConfig({ provider: 'cardata', keys: { clientId: DEMO_CARDATA_CLIENT_ID }, servers: { api: sim.cardata.apiUrl, auth: sim.cardata.authUrl, mqtt: sim.cardata.brokerUrl ?? 'mqtt://127.0.0.1:1' } }),
    store: new TokenStore(path.join(dir, `cardata-${mode}`)),
    clock,
    // 30-minute REST polls are 48 calls a day, at the edge of BMW's 50: the bench measures the polls, not the quota.
    budget: { limit: 100_000 },
  });
  const statuses: FeedRun['statuses'] = [];
  let up = false;
  const streamEvents: FeedRun['streamEvents'] = [];
  session.on('stream', (e: { state: string }) => {
    up = e.state === 'connected';
    streamEvents.push({ at: clock.now(), up });
  });
  let streamed = 0;
  let reading = false;
  session.on('status', (vin: string, status: VehicleStatus) => {
    if (!reading) streamed++;
    if (vin === I4) statuses.push({ at: clock.now(), status });
  });
  /**
   * A minute of the stream: the clock moves, and real time passes until every message the
   * broker sent in it has reached the session (as it would within a second in real life).
   */
  const streamMinute = async (to: number): Promise<void> => {
    const sent = sim.cardata.stats.published;
    const got = streamed;
    await clock.advance(Math.min(MIN, to - clock.now()));
    for (let i = 0; i < 100 && up && streamed - got < sim.cardata.stats.published - sent; i++) await new Promise((r) => setTimeout(r, 1));
  };
  /**
   * A stream renewing its token (hourly) or reconnecting: the sockets get real time first, and
   * the clock moves a second at a time only for what waits on it (BMW counting the old
   * connection, a back-off), so a reconnect costs the seconds it would, not the bench's pace.
   */
  const reconnected = async (): Promise<void> => {
    const from = clock.now();
    for (let i = 0; i < 600 && !up; i++) {
      for (let k = 0; k < 10 && !up; k++) await new Promise((r) => setTimeout(r, 2));
      if (!up) await clock.advance(1_000);
    }
    if (process.env.ACCURACY_DEBUG) console.error(`reconnect at ${new Date(from).toISOString()}: ${(clock.now() - from) / 1000} s, up ${String(up)}`);
  };
  const pollTimes: number[] = [];
  try {
    // The device flow (the simulator confirms the code by itself).
    await session.getAuth().catch(() => undefined);
    for (let i = 0; i < 200 && session.state.phase !== 'ready'; i++) await runTo(clock, clock.now() + 1_000, 1_000, 2);
    await session.getAuth();
    const poll = 30 * MIN;
    let nextPoll = START + 7 * MIN;
    if (mode === 'stream') {
      await session.readStatus(I4, PARTS, { maxAgeMs: poll });
      await reconnected();
    }
    const end = script.plan.endAt;
    while (clock.now() < end) {
      const next = Math.min(nextPoll, end);
      // The stream: minute steps with a real moment each, so its socket keeps up with the clock.
      if (mode === 'stream') await streamMinute(next);
      else await clock.advance(next - clock.now());
      if (clock.now() >= nextPoll) {
        pollTimes.push(clock.now());
        reading = true;
        await session.readStatus(I4, PARTS, { maxAgeMs: mode === 'stream' ? poll : 0 }).catch(() => undefined);
        reading = false;
        nextPoll += poll;
      }
      if (mode === 'stream') await reconnected();
    }
    const car = DEMO_CARDATA_CARS.find((c) => c.vin === I4);
    return {
      statuses,
      streamEvents,
      ...(mode === 'rest' ? { pollTimes } : {}),
      ignition: false,
      truth: truthOf(sim.cardata.tripsDone(I4), script),
      script,
      home,
      noiseM: getProvider('cardata').positionNoiseM,
      capacityKwh: car?.batteryKwh,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    console.error(`accuracy: cardata ${mode}, ${(Date.now() - t0) / 1000} s`);
    await session.close();
    await sim.close();
  }
}

/**
 * The trips a feed can see: true trips joined across stops no read fell into (Renault: no read
 * between the two ignitions-off, as it keeps only the last one's fix and odometer; REST: none
 * while the car stood still for the stop threshold). Returns them and how many stops were unseeable.
 */
function visibleTrips(truth: TrueTrip[], f: FeedRun): { trips: TrueTrip[]; unseeable: number } {
  const out: TrueTrip[] = [];
  let unseeable = 0;
  for (const [i, t] of truth.entries()) {
    const prev = truth[i - 1];
    const open = out[out.length - 1];
    let seen = true;
    if (prev && open && f.pollTimes && prev.end + 12 * HOUR > t.start) {
      const from = f.ignition ? prev.end : prev.end + 3 * MIN;
      const to = f.ignition ? t.end : t.start;
      seen = f.pollTimes.some((p) => p >= from && p < to);
    }
    if (!seen && open) {
      unseeable++;
      out[out.length - 1] = { ...open, end: t.end, distanceKm: open.distanceKm + t.distanceKm, energyKwh: open.energyKwh + t.energyKwh };
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
    // The same drive: the end within 10 minutes, the start before the true end, and the distance
    // within half of it (a piece of the drive is no match).
    const i = derived.findIndex(
      (d, k) =>
        !used.has(k) &&
        Math.abs(Date.parse(d.endAt) - t.end) <= 10 * MIN &&
        Date.parse(d.startAt) < t.end &&
        (d.distanceKm === undefined || Math.abs(d.distanceKm - t.distanceKm) <= 0.5 * t.distanceKm + 1),
    );
    const d = derived[i];
    if (i < 0 || !d) continue;
    used.add(i);
    pairs.push([t, d]);
  }
  return pairs;
}

function tripFigures(f: FeedRun, vin: string): Record<string, number> {
  const history = new TripHistory({ vin, ...(f.capacityKwh !== undefined ? { capacityKwh: f.capacityKwh } : {}) });
  const derived: Trip[] = [];
  const sentAt = new Map<Trip, number>();
  let e = 0;
  for (const { at, status } of f.statuses) {
    // car-trips' timer: a quiet stream ends an open trip before the next message.
    for (let ev = f.streamEvents[e]; ev && ev.at <= at; ev = f.streamEvents[++e]) {
      const due = history.quietCheckAt;
      if (due !== undefined && due < ev.at) {
        for (const t of history.touch(due).trips) {
          derived.push(t);
          sentAt.set(t, due);
        }
      }
      history.streamState(ev.up, ev.at);
    }
    const due = history.quietCheckAt;
    if (due !== undefined && due < at) {
      for (const t of history.touch(due).trips) {
        derived.push(t);
        sentAt.set(t, due);
      }
    }
    const sample = sampleFromStatus(status);
    if (sample) {
      for (const t of history.add(sample).trips) {
        derived.push(t);
        sentAt.set(t, at);
      }
    }
  }
  const truth = f.truth;
  const { trips: visible, unseeable } = visibleTrips(truth, f);
  const pairs = match(visible, derived);
  const pairsAll = match(truth, derived);
  const dist = pairs.filter(([t, d]) => d.distanceKm !== undefined && t.distanceKm > 0).map(([t, d]) => Math.abs((d.distanceKm ?? 0) - t.distanceKm) / t.distanceKm);
  const long = pairs.filter(([t]) => t.distanceKm >= 10);
  const energy = long.filter(([, d]) => d.energyUsedKwh !== undefined).map(([t, d]) => Math.abs((d.energyUsedKwh ?? 0) - t.energyKwh) / t.energyKwh);
  const startErr = pairs.map(([t, d]) => Math.abs(Date.parse(d.startAt) - t.start) / MIN);
  const within = pairs.filter(([t, d]) => d.startAtEarliest === undefined || (Date.parse(d.startAtEarliest) <= t.start + MIN && t.start <= Date.parse(d.startAtLatest ?? d.startAt) + MIN)).length;
  return {
    trueTrips: truth.length,
    visibleTrips: visible.length,
    unseeableStops: unseeable,
    derivedTrips: derived.length,
    extraTrips: derived.length - pairs.length,
    matchedRatio: round(pairs.length / visible.length),
    matchedRatioAllTrips: round(pairsAll.length / truth.length),
    distanceMaePercent: round(100 * mean(dist), 1),
    energyMaePercent: round(100 * mean(energy), 1),
    energyMissing: long.length - energy.length,
    negativeEnergy: derived.filter((d) => (d.energyUsedKwh ?? 0) < 0 || (d.socUsedPercent ?? 0) < 0).length,
    startMaeMin: round(mean(startErr), 1),
    startWithinBounds: round(within / Math.max(1, pairs.length)),
    /** From the true arrival to the trip's message. */
    medianDelayMin: round(median(pairs.map(([t, d]) => ((sentAt.get(d) ?? t.end) - t.end) / MIN)), 1),
    runSeconds: round(f.seconds, 1),
  };
}

/** Steps presence through the statuses as car-presence does (and its dwell timer between them); returns the events. */
function presenceEvents(f: Pick<FeedRun, 'statuses' | 'home' | 'noiseM'>, start: PresenceState = emptyState()): PresenceEvent[] {
  const o = resolveOptions({ zones: [{ name: 'home', latitude: f.home.lat, longitude: f.home.lon, radiusM: ZONE_RADIUS_M }], leaveDwellMs: 120_000, noiseM: f.noiseM });
  let state = start;
  const events: PresenceEvent[] = [];
  for (const { at, status } of f.statuses) {
    const due = nextDueAt(state, o);
    if (due !== undefined && due <= at) {
      const r = step(state, { kind: 'tick' }, due, o);
      state = r.state;
      events.push(...r.events);
    }
    const r = step(state, positionFromMessage({ payload: status }, at).input, at, o);
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

function presenceFigures(f: FeedRun): Record<string, number> {
  const events = presenceEvents(f);
  const truth = f.script.presenceEvents(f.home, ZONE_RADIUS_M);
  const used = new Set<number>();
  const latencies: number[] = [];
  let missed = 0;
  for (const t of truth) {
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
    trueEvents: truth.length,
    detectedEvents: events.length,
    falseEvents: events.length - used.size,
    missedEvents: missed,
    medianLatencyMin: round(median(latencies), 1),
    maxLatencyMin: round(Math.max(...latencies), 1),
  };
}

/**
 * The Renault 5 parked 90 m from home (100 m zone) for 3 days, its cloud taking a new fix every
 * 5 minutes with 10-30 m of noise, read every 5 minutes.
 */
async function boundaryFalseLeavesPerDay(dir: string, home: LatLon, days: number): Promise<number> {
  const spot = offsetBy(home, 90, 40);
  const script = new DriveScript({ startAt: START, endAt: START + days * 24 * HOUR, home: spot, capacityKwh: 52, startKwh: 40, startKm: 12_000, trips: [], parkedFixEveryMs: 5 * MIN });
  const run = await renaultRun(dir, 5, script, home);
  return round(presenceEvents(run).filter((e) => e.event === 'leave').length / days, 2);
}

/** The figures of `days` scripted days (the bench: 3; the test of its targets: fewer, for time). */
export async function accuracy(days = 3): Promise<Record<string, unknown>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-accuracy-'));
  const t0 = Date.now();
  try {
    const renaultHome = DEMO_CARS.find((c) => c.vin === R5)?.initial.place ?? { lat: 48.8566, lon: 2.3522 };
    const bmwHome = DEMO_CARDATA_CARS.find((c) => c.vin === I4)?.home ?? { lat: 48.1771, lon: 11.5562 };
    const renaultScript = commuterScript({ startAt: START, home: renaultHome, days, capacityKwh: 52 });
    const bmwScript = commuterScript({ startAt: START, home: bmwHome, days, capacityKwh: DEMO_CARDATA_CARS.find((c) => c.vin === I4)?.batteryKwh ?? 81 });
    const runs: Record<string, [FeedRun, string]> = {
      renault5: [await renaultRun(dir, 5, renaultScript, renaultHome), R5],
      renault15: [await renaultRun(dir, 15, renaultScript, renaultHome), R5],
      renault30: [await renaultRun(dir, 30, renaultScript, renaultHome), R5],
      cardataStream: [await cardataRun(dir, 'stream', bmwScript, bmwHome), I4],
      cardataRest: [await cardataRun(dir, 'rest', bmwScript, bmwHome), I4],
    };
    const trips: Record<string, unknown> = {};
    const presence: Record<string, unknown> = {};
    for (const [name, [run, vin]] of Object.entries(runs)) {
      trips[name] = tripFigures(run, vin);
      presence[name] = presenceFigures(run);
    }
    presence.boundaryFalseLeavesPerDay = await boundaryFalseLeavesPerDay(dir, renaultHome, days);
    return { days, runSeconds: round((Date.now() - t0) / 1000, 1), trips, presence };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
