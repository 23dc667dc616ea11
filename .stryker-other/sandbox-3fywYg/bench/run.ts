/**
 * `npm run bench` (`-- --quick` in CI: fewer repetitions, every figure still measured): request
 * counts, speed, memory and timers against the simulator on 127.0.0.1, each figure measured,
 * timings the median of several runs, memory after a forced GC. Printed as a table and written
 * to bench/results.json. Never asserted by tests. The README's "Performance" section says how
 * each figure is taken.
 */
// @ts-nocheck

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock, type StatusPart } from '../src/core';
import { createSession } from '../src/features/accounts';
import type { AccountSession } from '../src/features/session';
import { startSimulator, type RenaultSimStats, type Simulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';
import { accuracy } from './accuracy';
import { load } from './load';
import { mapping } from './mapping';
import { quota } from './quota';
import { redaction } from './redaction';
import { gc, median, round } from './stats';
import { timers } from './timers';

const QUICK = process.argv.includes('--quick');
/** Repetitions: the full bench, or CI's quick pass. */
const REPEAT = QUICK ? { load: 3, runs: 3, mappingRounds: 5, mappingPerRound: 2_000, redactionRounds: 3, redactionLines: 5_000 } : { load: 5, runs: 7, mappingRounds: 9, mappingPerRound: 20_000, redactionRounds: 5, redactionLines: 20_000 };

const PARTS: StatusPart[] = ['battery', 'charging', 'mileage', 'position', 'climate'];
const MIN = 60_000;

type Figures = Record<string, unknown>;

/** A session of the simulator's demo Renault user, with a budget that never stops the bench. */
function renault(sim: Simulator, userDir: string, key: string, clock?: ManualClock): AccountSession {
  return createSession({
    key,
    userDir,
    ...(clock ? { clock } : {}),
    settings: {
      provider: 'renault',
      locale: 'fr_FR',
      username: DEMO_RENAULT_USER,
      password: DEMO_RENAULT_PASSWORD,
      servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl },
      budgetPerHour: 600,
    },
  });
}

/** Every Gigya call: login, account info, JWT, device bootstrap and the rest. */
function gigyaCalls(s: RenaultSimStats): number {
  return s.logins + s.getAccountInfo + s.getJwt + s.gigyaOther;
}

/** Every request the simulator's Renault answered (Gigya and Kamereon). */
function requests(s: RenaultSimStats): number {
  return gigyaCalls(s) + s.kamereon;
}

/**
 * Requests of a Renault refresh (sign-in to the first status of one car, one part), on a
 * manual clock: cold (nothing stored), warm (the JWT expired, the login token kept), a restart
 * with valid tokens (a new session on the same account file), and how many JWTs 100 callers
 * that all find the token expired at once get minted.
 */
async function renaultRequests(dir: string): Promise<{ renault: Figures; session: Figures }> {
  const clock = new ManualClock('2026-11-20T08:00:00Z');
  const sim = await startSimulator({ port: 0, clock, renault: { quota: false } });
  const userDir = await fs.mkdtemp(path.join(dir, 'requests-'));
  try {
    const vin = 'VF1AG000862Z50001';
    const read = (s: AccountSession) => s.readStatus(vin, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    let s = renault(sim, userDir, 'refresh', clock);
    sim.renault.resetStats();
    await read(s);
    const cold = { ...sim.renault.stats };
    sim.renault.resetStats();
    await clock.advance(16 * MIN);
    await read(s);
    const warm = { ...sim.renault.stats };
    await s.close();
    sim.renault.resetStats();
    s = renault(sim, userDir, 'refresh', clock);
    await read(s);
    const restart = { ...sim.renault.stats };
    // 100 callers at once after the JWT expired: one refresh is the goal.
    await clock.advance(16 * MIN);
    sim.renault.resetStats();
    await Promise.all(Array.from({ length: 100 }, () => s.getAuth()));
    const refreshes = sim.renault.stats.getJwt + sim.renault.stats.logins;
    await s.close();
    return {
      renault: {
        coldRefresh: { requests: requests(cold), gigya: gigyaCalls(cold), kamereon: cold.kamereon, byEndpoint: cold.byEndpoint },
        warmRefresh: { requests: requests(warm), gigya: gigyaCalls(warm), kamereon: warm.kamereon },
        restartWithValidTokens: { signInRequests: gigyaCalls(restart), requests: requests(restart) },
      },
      session: { refreshesFor100ConcurrentCallers: refreshes },
    };
  } finally {
    await sim.close();
  }
}

/** 20 status nodes on one account against 20 accounts of one node each: the cloud calls of 10 rounds of reads. */
async function coalescing(sim: Simulator, userDir: string, vin: string): Promise<Figures> {
  const nodes = 20;
  const rounds = 10;
  const shared = renault(sim, userDir, 'shared');
  await shared.vehicles();
  sim.renault.resetStats();
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: nodes }, () => shared.readStatus(vin, PARTS, { maxAgeMs: 0 })));
  const sharedCalls = sim.renault.stats.kamereon;
  await shared.close();
  const own = Array.from({ length: nodes }, (_, i) => renault(sim, userDir, `own-${i}`));
  for (const s of own) await s.vehicles();
  sim.renault.resetStats();
  for (let r = 0; r < rounds; r++) await Promise.all(own.map((s) => s.readStatus(vin, PARTS, { maxAgeMs: 0 })));
  const ownCalls = sim.renault.stats.kamereon;
  for (const s of own) await s.close();
  return { nodeReads: nodes * rounds, sharedCalls, unsharedCalls: ownCalls, ratio: round(sharedCalls / ownCalls, 3) };
}

/** 200 callers that need a token before any sign-in: every Gigya call counted, against one caller alone. */
async function singleFlight(sim: Simulator, dir: string): Promise<Figures> {
  const many = renault(sim, await fs.mkdtemp(path.join(dir, 'flight-')), 'fresh');
  sim.renault.resetStats();
  const callers = 200;
  await Promise.all(Array.from({ length: callers }, () => many.getAuth()));
  const calls = gigyaCalls(sim.renault.stats);
  await many.close();
  const alone = renault(sim, await fs.mkdtemp(path.join(dir, 'alone-')), 'alone');
  sim.renault.resetStats();
  await alone.getAuth();
  const aloneCalls = gigyaCalls(sim.renault.stats);
  await alone.close();
  return { callers, signInCalls: calls, oneCallerSignInCalls: aloneCalls, ratio: round(calls / aloneCalls, 2) };
}

/** Time of a status read of five parts: cold (a new account: sign-in, vehicle list, reads) and warm; medians. */
async function latency(sim: Simulator, dir: string, vin: string, runs: number): Promise<Figures> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < runs; r++) {
    const session = renault(sim, await fs.mkdtemp(path.join(dir, 'latency-')), `latency-${r}`);
    const t0 = performance.now();
    await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
    cold.push(performance.now() - t0);
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
      warm.push(performance.now() - t1);
    }
    await session.close();
  }
  const coldMs = median(cold);
  const warmMs = median(warm);
  return { runs, coldMs: round(coldMs, 1), warmMs: round(warmMs, 1), warmToCold: round(warmMs / coldMs, 2) };
}

/** Heap growth over 100 reads of one car, between two forced GCs. */
async function memory(sim: Simulator, userDir: string, vin: string): Promise<Figures> {
  const session = renault(sim, userDir, 'memory');
  await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
  gc();
  const after = process.memoryUsage().heapUsed;
  await session.close();
  return { reads: 100, heapGrowthKiB: round((after - before) / 1024, 0) };
}

function print(r: Record<string, Figures>): void {
  const f = (section: string, key: string): unknown => r[section]?.[key];
  const sub = (section: string, key: string, field: string): unknown => (f(section, key) as Record<string, unknown> | undefined)?.[field];
  const rows: [string, unknown, string][] = [
    ['load: nine node files, CPU ms added', f('load', 'addedMs'), `(${String(f('load', 'ms'))} ms against ${String(f('load', 'bareMs'))} bare; wall clock ${String(f('load', 'addedWallMs'))} ms)`],
    ['load: RSS added, MiB', f('load', 'addedRssMiB'), `(${String(f('load', 'rssMiB'))} against ${String(f('load', 'bareRssMiB'))} bare, after GC)`],
    ['renault: cold refresh, requests', sub('renault', 'coldRefresh', 'requests'), `(${String(sub('renault', 'coldRefresh', 'gigya'))} Gigya)`],
    ['renault: warm refresh, requests', sub('renault', 'warmRefresh', 'requests'), ''],
    ['renault: restart with valid tokens, sign-in requests', sub('renault', 'restartWithValidTokens', 'signInRequests'), ''],
    ['session: refreshes for 100 concurrent callers', f('session', 'refreshesFor100ConcurrentCallers'), ''],
    ...Object.entries(r.mapping ?? {}).map(([k, v]): [string, unknown, string] => [`mapping: ${k}, x JSON.parse`, (v as Record<string, unknown>).ratioToJsonParse, `(${String((v as Record<string, unknown>).usPerPayload)} µs)`]),
    ['timers: at rest', f('timers', 'atRest'), `(${String(f('timers', 'pollers'))} polling nodes; ${String(f('timers', 'afterReads'))} as the reads end)`],
    ['redaction: µs per line after 30 days', f('redaction', 'usPerLineAfter30Days'), `(${String(f('redaction', 'usPerLineFresh'))} fresh)`],
    ['coalescing: cloud calls, shared / unshared', f('coalescing', 'ratio'), `(${String(f('coalescing', 'sharedCalls'))} / ${String(f('coalescing', 'unsharedCalls'))})`],
    ['sign-in: Gigya calls for 200 concurrent callers', f('signInSingleFlight', 'signInCalls'), `(${String(f('signInSingleFlight', 'oneCallerSignInCalls'))} for one)`],
    ['status read: cold / warm ms', `${String(f('statusReadLatency', 'coldMs'))} / ${String(f('statusReadLatency', 'warmMs'))}`, ''],
    ['memory: heap growth over 100 reads, KiB', f('memory', 'heapGrowthKiB'), '(after GC)'],
  ];
  for (const [name, value, note] of rows) console.log(`${name.padEnd(54)} ${String(value).padStart(10)} ${note}`);
}

async function main(): Promise<void> {
  gc(); // fails early without --expose-gc
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-'));
  const sim = await startSimulator({ port: 0, renault: { quota: false } });
  try {
    const userDir = await fs.mkdtemp(path.join(dir, 'shared-'));
    const probe = renault(sim, userDir, 'probe');
    const vin = (await probe.vehicles())[0]?.vin ?? '';
    await probe.close();
    const results: Record<string, Figures> = {
      machine: { quick: QUICK ? 1 : 0, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version, platform: `${os.platform()} ${os.release()}`, memGiB: round(os.totalmem() / 2 ** 30, 1) },
      load: load(REPEAT.load),
      ...(await renaultRequests(dir)),
      mapping: mapping(REPEAT.mappingRounds, REPEAT.mappingPerRound),
      timers: await timers(3),
      redaction: redaction(REPEAT.redactionRounds, REPEAT.redactionLines),
      coalescing: await coalescing(sim, userDir, vin),
      signInSingleFlight: await singleFlight(sim, dir),
      statusReadLatency: await latency(sim, dir, vin, REPEAT.runs),
      memory: await memory(sim, userDir, vin),
      quota: await quota(),
    };
    print(results);
    await fs.writeFile(path.join(__dirname, '..', '..', 'bench', 'results.json'), `${JSON.stringify({ ...results, accuracy: await accuracy() }, null, 2)}\n`);
  } finally {
    await sim.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
