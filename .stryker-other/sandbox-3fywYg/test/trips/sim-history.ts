// @ts-nocheck
import type { ManualClock, VehicleStatus } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import type { Simulator } from '../../src/sim';
import { renaultWorld } from '../renault-session';

export { R5 } from '../renault-session';

export interface SimWorld {
  sim: Simulator;
  clock: ManualClock;
  session: AccountSession;
  close(): Promise<void>;
}

/** A simulator on a manual clock and a signed-in session on it, with the quota out of the way. */
export async function simWorld(dir: string, start = '2026-11-20T06:00:00Z'): Promise<SimWorld> {
  const world = await renaultWorld({ start, dir });
  const session = world.session({ key: 'trips', budget: { limit: 10_000, reserve: 1 } });
  return { sim: world.sim, clock: world.clock, session, close: () => world.close() };
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
