/**
 * `npm run bench`: request counts, speed and memory against the simulator on 127.0.0.1, each
 * figure measured side by side with what it is compared to; printed as ratios and written to
 * bench/results.json. Never asserted by tests.
 */
import { performance } from 'node:perf_hooks';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StatusPart } from '../src/core';
import { createSession } from '../src/features/accounts';
import type { AccountSession } from '../src/features/session';
import { startSimulator, type Simulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';
import { accuracy } from './accuracy';
import { quota } from './quota';
import { redaction } from './redaction';

const PARTS: StatusPart[] = ['battery', 'charging', 'mileage', 'position', 'climate'];

type Results = Record<string, Record<string, number>>;

/** A session of the simulator's demo Renault user, with a budget that never stops the bench. */
function renault(sim: Simulator, userDir: string, key: string): AccountSession {
  return createSession({
    key,
    userDir,
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

/** Gigya calls of a sign-in: login, account info, JWT. */
function signInCalls(sim: Simulator): number {
  const s = sim.renault.stats;
  return s.logins + s.getAccountInfo + s.getJwt;
}

async function coalescing(sim: Simulator, userDir: string, vin: string): Promise<Record<string, number>> {
  const nodes = 20;
  const rounds = 10;
  // Shared: 20 status nodes on one account session.
  const shared = renault(sim, userDir, 'shared');
  await shared.vehicles();
  sim.renault.resetStats();
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: nodes }, () => shared.readStatus(vin, PARTS, { maxAgeMs: 0 })));
  const sharedCalls = sim.renault.stats.kamereon;
  await shared.close();
  // Unshared: the same reads, each node with a session of its own (no shared cache or read).
  const own = Array.from({ length: nodes }, (_, i) => renault(sim, userDir, `own-${i}`));
  for (const s of own) await s.vehicles();
  sim.renault.resetStats();
  for (let r = 0; r < rounds; r++) await Promise.all(own.map((s) => s.readStatus(vin, PARTS, { maxAgeMs: 0 })));
  const ownCalls = sim.renault.stats.kamereon;
  for (const s of own) await s.close();
  return { nodeReads: nodes * rounds, sharedCalls, unsharedCalls: ownCalls, ratio: sharedCalls / ownCalls };
}

async function singleFlight(sim: Simulator, userDir: string): Promise<Record<string, number>> {
  const fresh = renault(sim, userDir, 'fresh');
  sim.renault.resetStats();
  const callers = 200;
  await Promise.all(Array.from({ length: callers }, () => fresh.getAuth()));
  const calls = signInCalls(sim);
  await fresh.close();
  // One caller alone, for comparison: the same number of calls is the goal.
  await fs.rm(path.join(userDir, 'connected-car'), { recursive: true, force: true });
  const alone = renault(sim, userDir, 'alone');
  sim.renault.resetStats();
  await alone.getAuth();
  const aloneCalls = signInCalls(sim);
  await alone.close();
  return { callers, signInCalls: calls, oneCallerSignInCalls: aloneCalls, ratio: calls / aloneCalls };
}

async function latency(sim: Simulator, userDir: string, vin: string): Promise<Record<string, number>> {
  const session = renault(sim, userDir, 'latency');
  const t0 = performance.now();
  await session.readStatus(vin, PARTS, { maxAgeMs: 0 }); // includes the sign-in and the vehicle list
  const coldMs = performance.now() - t0;
  const n = 25;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
  const warmMs = (performance.now() - t1) / n;
  await session.close();
  return { coldMs, warmMs, ratio: warmMs / coldMs };
}

async function memory(sim: Simulator, userDir: string, vin: string): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const session = renault(sim, userDir, 'memory');
  await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100; i++) await session.readStatus(vin, PARTS, { maxAgeMs: 0 });
  gc?.();
  const after = process.memoryUsage().heapUsed;
  await session.close();
  return { reads: 100, heapGrowthKiB: (after - before) / 1024, ratio: after / before, collected: gc ? 1 : 0 };
}

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 0, renault: { quota: false } });
  const userDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-'));
  try {
    const probe = renault(sim, userDir, 'probe');
    const vin = (await probe.vehicles())[0]?.vin ?? '';
    await probe.close();
    const results: Results = {
      coalescing: await coalescing(sim, userDir, vin),
      signInSingleFlight: await singleFlight(sim, userDir),
      statusReadLatency: await latency(sim, userDir, vin),
      memory: await memory(sim, userDir, vin),
      redaction: redaction(),
      quota: (await quota()) as Results[string],
    };
    const c = results.coalescing ?? {};
    const f = results.signInSingleFlight ?? {};
    const l = results.statusReadLatency ?? {};
    const m = results.memory ?? {};
    console.log(`coalescing: ${c.sharedCalls} cloud calls for ${c.nodeReads} node reads on one account, ${c.unsharedCalls} with a session per node; ratio ${c.ratio?.toFixed(3)}`);
    console.log(`sign-in: ${f.signInCalls} Gigya calls for ${f.callers} concurrent callers, ${f.oneCallerSignInCalls} for one; ratio ${f.ratio?.toFixed(2)}`);
    console.log(`status read: cold ${l.coldMs?.toFixed(1)} ms (sign-in included), warm ${l.warmMs?.toFixed(1)} ms; ratio ${l.ratio?.toFixed(2)}`);
    console.log(`memory: heap grew ${m.heapGrowthKiB?.toFixed(0)} KiB over ${m.reads} reads of one car${m.collected ? ' (after GC)' : ' (no GC: run with --expose-gc)'}; ratio ${m.ratio?.toFixed(2)}`);
    const r = results.redaction ?? {};
    console.log(`redaction: ${r.freshMicrosPerLine?.toFixed(2)} µs a line with one account's secrets, ${r.afterYearMicrosPerLine?.toFixed(2)} µs after a year of rotated tokens (${r.liveSecretsAfterYear} live); ratio ${r.ratio?.toFixed(2)}`);
    await fs.writeFile(path.join(__dirname, '..', '..', 'bench', 'results.json'), `${JSON.stringify({ ...results, accuracy: await accuracy() }, null, 2)}\n`);
  } finally {
    await sim.close();
    await fs.rm(userDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
