/**
 * `npm run bench`: request counts and speed, printed as ratios (never asserted by tests).
 * Everything runs against the simulator on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { TokenStore, type StatusPart } from '../src/core';
import { getProvider } from '../src/brands';
import { AccountSession } from '../src/features/session';
import { startSimulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';

const PARTS: StatusPart[] = ['battery', 'charging', 'mileage', 'position', 'climate'];

async function main(): Promise<void> {
  const sim = await startSimulator({ port: 0, renault: { quota: false } });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-'));
  const provider = getProvider('renault');
  const session = new AccountSession({
    key: 'bench',
    provider,
    config: provider.resolveConfig({
      provider: 'renault',
      locale: 'fr_FR',
      username: DEMO_RENAULT_USER,
      password: DEMO_RENAULT_PASSWORD,
      servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl },
    }),
    store: new TokenStore(dir),
    budget: { limit: 100_000, reserve: 0 },
  });
  const vehicles = await session.vehicles();
  const vin = vehicles[0]?.vin ?? '';

  // 1. Coalescing: 20 status nodes polling one car, 10 rounds.
  sim.renault.resetStats();
  const nodes = 20;
  const rounds = 10;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(Array.from({ length: nodes }, () => session.readStatus(vin, PARTS, { maxAgeMs: 0 })));
  }
  const calls = sim.renault.stats.kamereon;
  const naive = nodes * rounds * 4;
  console.log(`coalescing: ${calls} cloud calls for ${nodes * rounds} node reads; naive ${naive}; ratio ${(calls / naive).toFixed(3)}`);

  // 2. Sign-in single flight: 200 concurrent callers on a fresh session.
  await session.close();
  await fs.rm(dir, { recursive: true, force: true });
  const fresh = new AccountSession({
    key: 'bench2',
    provider,
    config: session.config,
    store: new TokenStore(dir),
    budget: { limit: 100_000, reserve: 0 },
  });
  sim.renault.resetStats();
  await Promise.all(Array.from({ length: 200 }, () => fresh.getAuth()));
  console.log(`sign-in: ${sim.renault.stats.logins} login and ${sim.renault.stats.getJwt} JWT for 200 concurrent callers; ratio ${((sim.renault.stats.logins + sim.renault.stats.getJwt) / 200).toFixed(3)}`);

  // 3. Latency of one status read (keep-alive) vs. the first one.
  const t0 = performance.now();
  await fresh.readStatus(vin, PARTS, { maxAgeMs: 0 });
  const first = performance.now() - t0;
  const n = 50;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) await fresh.readStatus(vin, PARTS, { maxAgeMs: 0 });
  const each = (performance.now() - t1) / n;
  console.log(`status read: first ${first.toFixed(1)} ms, then ${each.toFixed(1)} ms each; ratio ${(each / first).toFixed(2)} (keep-alive reuse)`);

  // 4. Memory per cached vehicle status.
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 200; i++) await fresh.readStatus(vin, PARTS, { maxAgeMs: 0 });
  const after = process.memoryUsage().heapUsed;
  console.log(`memory: heap grew ${((after - before) / 1024).toFixed(0)} KiB over 200 reads of one car; ratio ${(after / before).toFixed(2)}`);

  await fresh.close();
  await sim.close();
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
