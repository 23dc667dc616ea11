/**
 * The quota figures of `npm run bench` (issue 13): what a reference flow spends, how long the
 * longest gap between two reads of a part is against the interval set or shown, what CarData
 * spends while its stream is up and over 200 redeploys, and whether a Retry-After is waited
 * out. Everything against the simulator on a manual clock, so a simulated week takes seconds.
 */
// @ts-nocheck

import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock, TokenStore, type StatusPart, type Vehicle } from '../src/core';
import { getProvider } from '../src/brands';
import { AccountRegistry, type AccountSettings } from '../src/features/accounts';
import { AccountSession } from '../src/features/session';
import { ChargingPoller } from '../src/features/charging';
import { resolveOptions } from '../src/features/presence';
import { PresenceTracker } from '../src/features/presence-tracker';
import { StatusPoller, type IntervalPlan } from '../src/features/status';
import { TripRecorder } from '../src/features/trip-recorder';
import { seededRandom } from '../src/sim/rng';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ZE50 = 'VF1AG000862Z50001';
const R5 = 'VF1R5E00125R50002';
const BMW = 'WBY31AW0X0FCD0001';

/** Moves the clock in steps, letting the reads each step started finish over their sockets. */
async function run(clock: ManualClock, ms: number, settle: () => Promise<unknown>, stepMs = 30_000, realMs = 0): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await clock.advance(Math.min(stepMs, ms - t));
    await settle();
    await new Promise((r) => (realMs > 0 ? setTimeout(r, realMs) : setImmediate(r)));
  }
}

/** Records when each part of each car was read from the cloud (a status read of the connection). */
function recordReads(session: AccountSession): Map<string, number[]> {
  const reads = new Map<string, number[]>();
  const status = session.connection.status as { read: typeof session.connection.status.read };
  const read = status.read.bind(status);
  status.read = (vehicle: Vehicle, parts: StatusPart[], opts) => {
    for (const p of parts) {
      const key = `${vehicle.vin}:${p}`;
      if (!reads.has(key)) reads.set(key, []);
      reads.get(key)?.push(session.clock.now());
    }
    return read(vehicle, parts, opts);
  };
  return reads;
}

function renaultSession(sim: Simulator, dir: string, clock: ManualClock, key: string): AccountSession {
  const provider = getProvider('renault');
  return new AccountSession({
    key,
    provider,
    config: provider.resolveConfig({
      provider: 'renault',
      locale: 'fr_FR',
      username: DEMO_RENAULT_USER,
      password: DEMO_RENAULT_PASSWORD,
      servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl },
    }),
    store: new TokenStore(dir),
    clock,
  });
}

/** car-trips and car-presence of a car, following the account's reads as the nodes do (they make no call of their own but the history at a charge end). */
function followers(session: AccountSession, dir: string, vin: string): { close(): Promise<void> } {
  const log = { warn: () => undefined, debug: () => undefined };
  const trips = new TripRecorder({ file: path.join(dir, `trips-${vin}.json`), session, vin, timeZone: 'UTC', say: (k) => k, log, saveDelayMs: HOUR });
  const presence = new PresenceTracker({
    file: path.join(dir, `presence-${vin}.json`),
    options: resolveOptions({ zones: [{ name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 100 }] }),
    session,
    vin,
    say: (k) => k,
    log,
  });
  return { close: async () => Promise.all([trips.close(true), presence.close(true)]).then(() => undefined) };
}

/**
 * The reference flow of issue 13: two cars, each with three status nodes on different parts
 * (10 min, adaptive), car-trips, car-presence and car-charging (60 min), and one climate command
 * a day; one simulated day on the default budget (60/h, 6 of them kept for explicit reads).
 */
async function renaultReference(dir: string): Promise<Record<string, number>> {
  const clock = new ManualClock('2026-11-20T00:00:00Z');
  const sim = await startSimulator({ port: 0, clock, renault: { quota: { limit: 60, windowMs: HOUR, lockoutMs: 15 * MIN } } });
  const session = renaultSession(sim, dir, clock, 'reference');
  try {
    const vehicles = await session.vehicles();
    const cars = vehicles.filter((v) => v.vin === ZE50 || v.vin === R5);
    const reads = recordReads(session);
    const intervalMs = 10 * MIN;
    const chargingMs = HOUR;
    const nodeParts: StatusPart[][] = [['battery', 'charging'], ['position', 'lock'], ['mileage', 'climate']];
    const pollers: StatusPoller[] = [];
    for (const vin of [ZE50, R5]) for (const parts of nodeParts) pollers.push(new StatusPoller({ session, vin, parts, intervalMs, adaptive: true, onlyOnChange: false, clock }));
    const charging = [ZE50, R5].map((vin) => new ChargingPoller(session, vin, chargingMs, clock));
    const follow = [ZE50, R5].map((vin) => followers(session, dir, vin));
    // The interval each node shows (its dot), the longest one it showed over the day.
    const shown = new Map<object, number>();
    for (const p of [...pollers, ...charging]) {
      p.on('error', () => undefined);
      p.on('waiting', () => undefined);
      p.on('interval', (plan: IntervalPlan) => shown.set(p, Math.max(shown.get(p) ?? 0, plan.effectiveMs)));
    }
    sim.renault.resetStats();
    pollers.forEach((p) => p.start());
    charging.forEach((c) => c.start());
    const settle = (): Promise<unknown> => Promise.all([...pollers, ...charging].map((p) => p.settled()));
    let commandCalls = 0;
    for (let h = 0; h < 24; h++) {
      if (h === 7) {
        // The morning's climate command: sent once, then looked at twice.
        const vehicle = cars.find((v) => v.vin === ZE50);
        const commands = session.connection.commands;
        const before = sim.renault.stats.kamereon;
        if (vehicle && commands) {
          const ticket = await commands.send(vehicle, { command: 'climate_start' }, { kind: 'explicit' }).catch(() => undefined);
          if (ticket) for (let i = 0; i < 2; i++) await commands.track(vehicle, ticket, { kind: 'explicit' }).catch(() => undefined);
        }
        commandCalls = sim.renault.stats.kamereon - before;
      }
      await run(clock, HOUR, settle);
    }
    pollers.forEach((p) => p.stop());
    charging.forEach((c) => c.stop());
    await Promise.all(follow.map((f) => f.close()));
    const calls = sim.renault.stats.kamereon;
    const statusShownMs = Math.max(intervalMs, ...pollers.map((p) => shown.get(p) ?? intervalMs));
    const chargingShownMs = Math.max(chargingMs, ...charging.map((c) => shown.get(c) ?? chargingMs));
    // The fewest calls that give every node the freshness it shows: each car's endpoints for all
    // its status parts once per status interval shown (no endpoint twice, whichever node asks),
    // each car's charging settings once per charging interval shown, and the command's own calls.
    // No poll can do with less, so the flow is at 1.0x when it spends nothing beyond that.
    let statusPerInterval = 0;
    let chargingPerRead = 0;
    for (const v of cars) {
      statusPerInterval += session.connection.status.cost(v, nodeParts.flat());
      chargingPerRead += session.connection.charging?.cost(v) ?? 0;
    }
    const minimum = statusPerInterval * (HOUR / statusShownMs) + chargingPerRead * (HOUR / chargingShownMs) + commandCalls / 24;
    // Home Assistant's renault integration polls its 7 endpoints per car at a fixed interval: the same freshness as set.
    const ha = 7 * (HOUR / intervalMs) * cars.length;
    // The longest gap between two reads of a part, over the status interval shown.
    let worstGap = 0;
    for (const times of reads.values()) for (let i = 1; i < times.length; i++) worstGap = Math.max(worstGap, (times[i] ?? 0) - (times[i - 1] ?? 0));
    return {
      callsPerHour: Math.round((calls / 24) * 10) / 10,
      minimumCallsPerHour: Math.round(minimum * 10) / 10,
      callsOverMinimum: Math.round((calls / 24 / minimum) * 100) / 100,
      haCallsPerHour: ha,
      rejected429: sim.renault.stats.rejected429,
      intervalSetMin: intervalMs / MIN,
      intervalShownMin: Math.round(statusShownMs / MIN),
      chargingIntervalSetMin: chargingMs / MIN,
      chargingIntervalShownMin: Math.round(chargingShownMs / MIN),
      worstGapMin: Math.round(worstGap / MIN),
      worstIntervalRatio: Math.round((worstGap / statusShownMs) * 100) / 100,
    };
  } finally {
    await session.close();
    await sim.close();
  }
}

const cardataSettings = (sim: Simulator): AccountSettings => ({
  provider: 'cardata',
  keys: { clientId: DEMO_CARDATA_CLIENT_ID },
  servers: { api: sim.cardata.apiUrl, auth: sim.cardata.authUrl, mqtt: sim.cardata.brokerUrl ?? 'mqtt://127.0.0.1:1' },
});

/** Signs a CarData session in through the device flow (the simulator confirms the code by itself). */
async function cardataSignIn(session: AccountSession, clock: ManualClock): Promise<void> {
  await session.getAuth().catch(() => undefined);
  for (let i = 0; i < 200 && session.state.phase !== 'ready'; i++) {
    await clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 2));
  }
  await session.getAuth();
}

/**
 * Keeps the clock from running ahead of the stream's sockets: while the stream is not connected
 * (a token renewal, BMW still counting the old connection), time moves a second at a time with
 * a real moment for the sockets, as it would in real life, until it is connected again.
 */
function streamKeeper(session: AccountSession, clock: ManualClock): () => Promise<void> {
  let up = false;
  session.on('stream', (e: { state: string }) => (up = e.state === 'connected'));
  return async () => {
    for (let i = 0; i < 600 && !up; i++) {
      await clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
}

/**
 * One BMW, a status node on every part (10 min), car-trips following it (it records each charge,
 * about four a day in the simulator, and reads the charging history only where the stream
 * missed the charge), the stream up for 7 days.
 */
async function cardataStreaming(dir: string): Promise<Record<string, number>> {
  const clock = new ManualClock('2026-11-20T00:00:00Z');
  const sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: 5_000, streamIntervalMs: 60_000 } });
  const registry = new AccountRegistry(dir, clock, 0);
  const session = registry.acquire('acc', cardataSettings(sim), { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });
  try {
    await cardataSignIn(session, clock);
    const poller = new StatusPoller({ session, vin: BMW, parts: ['battery', 'charging', 'position', 'lock', 'doors', 'windows', 'mileage', 'climate'], intervalMs: 10 * MIN, adaptive: true, onlyOnChange: false, clock });
    poller.on('error', () => undefined);
    let charges = 0;
    const trips = new TripRecorder({
      file: path.join(dir, 'trips.json'),
      session,
      vin: BMW,
      timeZone: 'UTC',
      say: (k) => k,
      log: { warn: () => undefined, debug: () => undefined },
      saveDelayMs: HOUR,
      onRecorded: (r) => (charges += r.charges.length),
    });
    const keepUp = streamKeeper(session, clock);
    poller.start();
    await run(clock, 5_000, () => poller.settled(), 1_000);
    await keepUp();
    const perDay: number[] = [];
    const history0 = sim.cardata.stats.byEndpoint.chargingHistory ?? 0;
    for (let d = 0; d < 7; d++) {
      const before = sim.cardata.stats.rest;
      // Steps of a minute with a real millisecond each: the stream's sockets keep up with the clock.
      await run(clock, DAY, () => Promise.all([poller.settled(), keepUp()]), MIN, 1);
      perDay.push(sim.cardata.stats.rest - before);
    }
    poller.stop();
    await trips.close(true);
    const after = perDay.slice(1);
    return {
      chargesIn7Days: charges,
      historyCallsIn7Days: (sim.cardata.stats.byEndpoint.chargingHistory ?? 0) - history0,
      telematicCallsIn7Days: sim.cardata.stats.byEndpoint.telematicData ?? 0,
      firstDayRestCalls: perDay[0] ?? 0,
      restCallsPerStreamingDay: Math.round((after.reduce((a, b) => a + b, 0) / after.length) * 100) / 100,
    };
  } finally {
    await registry.release('acc', session, false);
    await sim.close();
  }
}

/** 200 redeploys of a CarData account with a status node: the nodes go and come back within the grace period. */
async function cardataRedeploys(dir: string): Promise<number> {
  const clock = new ManualClock('2026-11-20T00:00:00Z');
  const sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: 5_000, streamIntervalMs: 60_000 } });
  const registry = new AccountRegistry(dir, clock, 60_000);
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  let session = registry.acquire('acc', cardataSettings(sim), log);
  await cardataSignIn(session, clock);
  const parts: StatusPart[] = ['battery', 'charging', 'position', 'mileage'];
  const keepUp = streamKeeper(session, clock);
  await session.readStatus(BMW, parts, { maxAgeMs: 10 * MIN });
  await keepUp();
  const before = sim.cardata.stats.rest;
  for (let i = 0; i < 200; i++) {
    await registry.release('acc', session, false);
    await clock.advance(2_000);
    session = registry.acquire('acc', cardataSettings(sim), log);
    const poller = new StatusPoller({ session, vin: BMW, parts, intervalMs: 10 * MIN, onlyOnChange: false, clock });
    poller.on('error', () => undefined);
    poller.start();
    await run(clock, 60_000, () => Promise.all([poller.settled(), keepUp()]), 5_000, 1);
    poller.stop();
  }
  const calls = sim.cardata.stats.rest - before;
  await registry.release('acc', session, true);
  await registry.closeIdle();
  await sim.close();
  return calls;
}

/**
 * A Retry-After of 5 s and of 600 s: a proxy in front of the simulated Kamereon answers one
 * status read with 429 and the header; the pause a status poller then takes before its next
 * call, over the one it was given (the whole chain: client, provider, budget, poller).
 */
async function retryAfter(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const seconds of [5, 600]) {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const sim = await startSimulator({ port: 0, clock, renault: { quota: false } });
    const hits: number[] = [];
    let armed = false;
    const target = new URL(sim.renault.kamereonUrl);
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const isStatus = /\/cars\//.test(req.url ?? '');
        if (isStatus) hits.push(clock.now());
        if (isStatus && armed) {
          armed = false;
          res.writeHead(429, { 'retry-after': String(seconds), 'content-type': 'application/json' }).end('{"type":"FUNCTIONAL","messages":[{"code":"err.func.wired.overloaded","message":"You have reached your quota limit"}]}');
          return;
        }
        const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (u) => {
          res.writeHead(u.statusCode ?? 502, u.headers);
          u.pipe(res);
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname === '/' ? '' : target.pathname}`;
    const provider = getProvider('renault');
    const session = new AccountSession({
      key: `retry-${seconds}`,
      provider,
      config: provider.resolveConfig({ provider: 'renault', locale: 'fr_FR', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya: sim.renault.gigyaUrl, kamereon: base } }),
      store: new TokenStore(dir),
      clock,
      // The pause's 0-10 % jitter from a seeded random: the same figure on every run.
      budget: { random: seededRandom(seconds) },
    });
    await session.vehicles();
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: MIN, adaptive: false, onlyOnChange: false, clock });
    poller.on('error', () => undefined);
    poller.on('waiting', () => undefined);
    poller.start();
    await run(clock, 90_000, () => poller.settled(), 1_000);
    hits.length = 0;
    armed = true;
    await run(clock, 2 * MIN + seconds * 1_000 * 1.5, () => poller.settled(), 250);
    poller.stop();
    await session.close();
    await new Promise<void>((r) => proxy.close(() => r()));
    await sim.close();
    const pause = (hits[1] ?? NaN) - (hits[0] ?? NaN);
    out[`pause${seconds}s`] = pause / 1000;
    out[`ratio${seconds}s`] = Math.round((pause / (seconds * 1000)) * 100) / 100;
  }
  return out;
}

export async function quota(): Promise<Record<string, unknown>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-quota-'));
  try {
    const referenceFlow = await renaultReference(path.join(dir, 'r'));
    const retry = await retryAfter(path.join(dir, 'ra'));
    const streaming = await cardataStreaming(path.join(dir, 'c1'));
    const redeploys = await cardataRedeploys(path.join(dir, 'c2'));
    const ratios = [retry.ratio5s ?? NaN, retry.ratio600s ?? NaN];
    return {
      renault: {
        referenceFlow,
        retryAfterHonouredRatio: Math.max(...ratios),
        retryAfter: retry,
      },
      cardata: {
        ...streaming,
        restCallsPer200Redeploys: redeploys,
      },
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
