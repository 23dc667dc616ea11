// @ts-nocheck
import type { ManualClock } from '../../src/core';
import { settleIo, type TrackedHttp } from '../helpers';

export { TrackedHttp } from '../helpers';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Settles p while moving the manual clock forward in steps, so that the code under test can
 * sleep on the clock and talk to the simulator over real sockets. Rejects if p is still
 * pending after maxMs of clock time.
 */
export async function drive<T>(p: Promise<T>, clock: ManualClock, http?: TrackedHttp, maxMs = 600_000, stepMs = 500): Promise<T> {
  let done = false;
  const watched = p.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  for (let t = 0; t <= maxMs && !done; t += stepMs) {
    await settleIo(http);
    if (done) break;
    await clock.advance(stepMs);
  }
  if (!done) throw new Error(`still pending after ${maxMs} ms of clock time`);
  return watched;
}

/** Moves the clock forward by ms in steps, letting I/O run in between. */
export async function pass(clock: ManualClock, ms: number, http?: TrackedHttp, stepMs = 500): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    await settleIo(http);
    await clock.advance(Math.min(stepMs, ms - t));
  }
  await settleIo(http);
}
