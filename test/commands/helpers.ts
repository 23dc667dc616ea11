import { HttpClient, type HttpRequest, type HttpResponse, type ManualClock } from '../../src/core';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An HttpClient that knows how many requests are on the wire, so that tests do not move the clock under them. */
export class TrackedHttp extends HttpClient {
  inFlight = 0;
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.inFlight++;
    try {
      return await super.request(req);
    } finally {
      this.inFlight--;
    }
  }
}

/** Real I/O (the simulator's HTTP answers) gets a moment between clock steps. */
function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}

/**
 * Waits (in real time) while requests are on the wire: the clock stands still meanwhile, as
 * it would in the real world for a fast answer. A request that sleeps on the clock itself (a
 * GET's retry back-off) lets the clock go on after a while.
 */
async function settleIo(http: TrackedHttp | undefined): Promise<void> {
  await tick();
  for (let i = 0; i < 2_000 && http && http.inFlight > 0; i++) await tick();
}

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
