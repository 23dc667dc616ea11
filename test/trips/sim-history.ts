import { ManualClock, TokenStore, type VehicleStatus } from '../../src/core';
import { getProvider } from '../../src/brands';
import { AccountSession } from '../../src/features/session';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';

export const R5 = 'VF1R5E00125R50002';
export const ZOE = 'VF1AG000862Z50001';
export const ZE40 = 'VF1AG000664Z40004';
export const AUSTRAL = 'VF1RHN00X27AU0003';
export const SPRING = 'UU1DBG00X68SP0005';

export interface SimWorld {
  sim: Simulator;
  clock: ManualClock;
  session: AccountSession;
  close(): Promise<void>;
}

/** A simulator on a manual clock and a signed-in session on it, with the quota out of the way. */
export async function simWorld(dir: string, start = '2026-11-20T06:00:00Z'): Promise<SimWorld> {
  const clock = new ManualClock(start);
  const sim = await startSimulator({ port: 0, clock, renault: { quota: false } });
  const provider = getProvider('renault');
  const session = new AccountSession({
    key: 'trips',
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
    budget: { limit: 10_000, reserve: 1 },
  });
  return {
    sim,
    clock,
    session,
    async close() {
      await session.close();
      await sim.close();
    },
  };
}

/** Resolves p while moving the manual clock a little, for calls that wait on timers. */
export async function settle<T>(p: Promise<T>, clock: ManualClock): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  out.catch(() => undefined); // the caller handles a rejection; this only keeps Node from warning early
  for (let i = 0; i < 50 && !done; i++) await clock.advance(100);
  return out;
}

/**
 * Records a status history: reads the vehicle every stepMs for totalMs (clock time) and
 * returns every status the session assembled, as car-trips would hear them.
 */
export async function recordHistory(w: SimWorld, vin: string, totalMs: number, stepMs: number): Promise<VehicleStatus[]> {
  const out: VehicleStatus[] = [];
  const listener = (v: string, s: VehicleStatus): void => {
    if (v === vin) out.push(s);
  };
  w.session.on('status', listener);
  for (let t = 0; t <= totalMs; t += stepMs) {
    await settle(w.session.readStatus(vin, ['battery', 'charging', 'mileage', 'position', 'fuel'], { kind: 'background' }), w.clock);
    await w.clock.advance(stepMs);
  }
  w.session.off('status', listener);
  return out;
}
