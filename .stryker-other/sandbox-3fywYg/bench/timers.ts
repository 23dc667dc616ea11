/**
 * Timers the plugin holds (issue 17): `pollers` car-status pollers of one Renault account read
 * their cars once; then, with no request in flight, the live timers of this process are
 * counted (async_hooks: every Timeout made since the account started and not yet gone). The
 * simulator runs in a child process, so only the plugin's timers count. `afterReads` is taken
 * as the last read answers; `atRest` once the idle keep-alive connections have closed (the
 * simulator's server ends them after 5 s), as between two polls.
 */
// @ts-nocheck

import { createHook } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { createSession } from '../src/features/accounts';
import { StatusPoller } from '../src/features/status';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';

async function simulator(): Promise<{ servers: { gigya: string; kamereon: string }; stop(): void }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'sim-child.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('the simulator process ended')));
  });
  return { servers: JSON.parse(line) as { gigya: string; kamereon: string }, stop: () => child.stdin.end() };
}

export async function timers(pollers: number): Promise<Record<string, number>> {
  const sim = await simulator();
  const userDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-timers-'));
  const live = new Set<number>();
  let waiting = false;
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      waiting = true;
      setTimeout(resolve, ms).unref();
      waiting = false;
    });
  const hook = createHook({
    // The bench's own waits are not the plugin's.
    init: (id, type) => void (type === 'Timeout' && !waiting && live.add(id)),
    destroy: (id) => void live.delete(id),
  }).enable();
  const session = createSession({
    key: 'timers',
    userDir,
    settings: { provider: 'renault', locale: 'fr_FR', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: sim.servers, budgetPerHour: 600 },
  });
  const running: StatusPoller[] = [];
  try {
    const vehicles = await session.vehicles();
    const reads: Promise<void>[] = [];
    for (let i = 0; i < pollers; i++) {
      const vin = vehicles[i % vehicles.length]?.vin ?? '';
      const poller = new StatusPoller({ session, vin, parts: ['battery', 'position', 'mileage', 'climate'], intervalMs: 10 * 60_000, onlyOnChange: false, firstReadDelayMs: 0 });
      reads.push(new Promise((resolve, reject) => {
        poller.once('status', () => resolve());
        poller.once('error', reject);
      }));
      running.push(poller);
      poller.start();
    }
    await Promise.all(reads);
    await new Promise((r) => setImmediate(r));
    const afterReads = live.size;
    // Between two polls: wait (up to 10 s) until the idle connections have closed.
    const deadline = Date.now() + 10_000;
    while (live.size > pollers && Date.now() < deadline) await wait(250);
    const atRest = live.size;
    return { pollers, afterReads, atRest, perPoller: atRest / pollers };
  } finally {
    hook.disable();
    for (const p of running) p.stop();
    await session.close();
    sim.stop();
    await fs.rm(userDir, { recursive: true, force: true });
  }
}
