// @ts-nocheck
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CallBudget, CarError, HttpClient, ManualClock, TokenRejectedError, TokenStore, type Logger } from '../../src/core';
import { ChallengeError, getProvider, type ConnectionContext, type PendingChallenge, type ProviderContext } from '../../src/brands';
import type { StreamEventInfo } from '../../src/brands/provider';
import { cardataAuth, cardataProvider, type CarDataAuthState, type CarDataConnection } from '../../src/brands/cardata';
import { AccountSession } from '../../src/features/session';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../../src/sim';
import type { CardataSimOptions } from '../../src/sim/cardata';
import { PROJECT_ROOT, TrackedHttp, eventually, recordingLogger, settleIo } from '../helpers';

/** A body in the shape BMW sends, from test/fixtures/cardata (this project's own values). */
export async function cardataFixture(name: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'test', 'fixtures', 'cardata', name), 'utf8')) as unknown;
}

export const BMW_VIN = 'WBY31AW0X0FCD0001';
export const MINI_VIN = 'WMZ21GA0X07CD0002';

/**
 * Waits until cond holds. With a world and stepMs, its clock moves by stepMs a turn, never while one of its requests is
 * on the wire, for at most `tries` turns: what is due by then on the test's clock must have happened. Real I/O set off
 * before the last turn (a reconnect, an answer) may still be on its way on a busy machine, so the wait goes on
 * without moving the clock, with mocha's timeout as the deadline. Without a world, mocha's timeout is the only one.
 */
export async function until(cond: () => boolean | Promise<boolean>, what: string, on?: Pick<World, 'clock' | 'http'>, stepMs = 0, tries = 400): Promise<void> {
  if (!on || stepMs <= 0) return eventually(cond, what);
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await settleIo(on.http);
    await on.clock.advance(stepMs);
  }
  return eventually(cond, `${what} (the clock stopped after ${(tries * stepMs) / 1000} s)`);
}

export interface World {
  sim: Simulator;
  clock: ManualClock;
  http: TrackedHttp;
  close(): Promise<void>;
}

export async function world(cardata: Partial<CardataSimOptions> = {}, start = '2026-11-20T08:00:00Z'): Promise<World> {
  const clock = new ManualClock(start);
  const sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: false, ...cardata } });
  const http = new TrackedHttp({ clock });
  return {
    sim,
    clock,
    http,
    close: async () => {
      await http.close();
      await sim.close();
    },
  };
}

export function servers(sim: Simulator): Record<string, string> {
  return { api: sim.cardata.apiUrl, auth: sim.cardata.authUrl, mqtt: sim.cardata.brokerUrl ?? 'mqtt://127.0.0.1:1' };
}

/** A provider context as the session builds it, for driving the provider directly. */
export function context(w: World, clientId = DEMO_CARDATA_CLIENT_ID, log: Logger = recordingLogger()): ProviderContext {
  const p = getProvider('cardata');
  return {
    config: p.resolveConfig({ provider: 'cardata', keys: { clientId }, servers: servers(w.sim) }),
    http: w.http,
    clock: w.clock,
    budget: new CallBudget({ ...cardataProvider.budget, clock: w.clock }),
    memory: new Map(),
    runtimeMemory: new Map(),
    log,
  };
}

/** What a sign-in stops at first: the device code (a ChallengeError), else the test fails. */
export async function challenge(p: Promise<unknown>): Promise<ChallengeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ChallengeError)) throw new Error(`expected a ChallengeError, got ${String(e)}`);
  return e;
}

/**
 * Asks whether the device code was confirmed as the session does: every pollMs of the clock,
 * after a slow_down not before retryAt and at that longer interval from then on. Returns the
 * tokens, or throws what ended the flow.
 */
export async function pollDeviceCode(w: World, ctx: ProviderContext, pending: PendingChallenge, maxLooks = 100): Promise<CarDataAuthState> {
  let current = pending;
  let wait = current.pollMs ?? 5_000;
  for (let look = 0; look < maxLooks; look++) {
    await w.clock.advance(wait);
    try {
      return await cardataAuth.completeSecondFactor(ctx, current);
    } catch (e) {
      if (!(e instanceof CarError) || (e.code !== 'BAD_INPUT' && !e.transient)) throw e;
      if (e.retryAt !== undefined) current = { ...current, pollMs: e.retryAt - w.clock.now() };
      wait = current.pollMs ?? 5_000;
    }
  }
  throw new Error(`the code was not confirmed after ${maxLooks} looks`);
}

/** The whole device flow against the simulator: code issued, confirmed, polled, tokens. */
export async function signInDirect(w: World, ctx: ProviderContext): Promise<CarDataAuthState> {
  const { challenge: pending } = await challenge(cardataAuth.login(ctx));
  const code = w.sim.cardata.lastUserCode;
  if (!code || !w.sim.cardata.approve(code)) throw new Error('no code to approve');
  return pollDeviceCode(w, ctx, pending);
}

/**
 * A ConnectionContext as the session gives one: withAuth runs fn with getAuth's state and,
 * after a TokenRejectedError, once more with the state getAuth hands for the rejected one.
 */
export function connectionContext(ctx: ProviderContext, getAuth: (rejected?: CarDataAuthState) => Promise<CarDataAuthState>): ConnectionContext<CarDataAuthState> {
  return {
    ...ctx,
    getAuth,
    async withAuth(fn) {
      const auth = await getAuth();
      try {
        return await fn(auth);
      } catch (e) {
        if (!(e instanceof TokenRejectedError)) throw e;
        return fn(await getAuth(auth));
      }
    },
  };
}

/** Opens a CarData connection over a provider context; getAuth hands the auth state. */
export function connect(ctx: ProviderContext, getAuth: (rejected?: CarDataAuthState) => Promise<CarDataAuthState>): CarDataConnection {
  return cardataProvider.connect(connectionContext(ctx, getAuth));
}

/** A session of the demo client id; on the world's HTTP client unless it is given its own. */
export function session(w: World, dir: string, key = 'bmw1', clientId = DEMO_CARDATA_CLIENT_ID, http: HttpClient = w.http, statusDeadlineMs?: number): AccountSession {
  const provider = getProvider('cardata');
  return new AccountSession({
    key,
    provider,
    config: provider.resolveConfig({ provider: 'cardata', keys: { clientId }, servers: servers(w.sim) }),
    store: new TokenStore(dir),
    clock: w.clock,
    http,
    ...(statusDeadlineMs !== undefined ? { statusDeadlineMs } : {}),
  });
}

/**
 * Signs a session in through the device flow: the first sign-in stops at the code (TFA_REQUIRED),
 * the user confirms it, and the session, asking every few seconds, takes the tokens itself.
 */
export async function signInSession(w: World, s: AccountSession): Promise<CarDataAuthState> {
  const first = await s.getAuth().catch((e: unknown) => e);
  if (!(first instanceof Error) || (first as { code?: string }).code !== 'TFA_REQUIRED') throw new Error(`expected TFA_REQUIRED, got ${String(first)}`);
  const code = w.sim.cardata.lastUserCode;
  if (!code || !w.sim.cardata.approve(code)) throw new Error('no code to approve');
  await until(() => s.state.phase === 'ready', 'the session to take the tokens', w, 1_000);
  return (await s.getAuth()) as CarDataAuthState;
}

/**
 * Watches a session's CarData stream so that a test can move the clock and then wait for what
 * that set off, instead of sleeping a fixed real time: the messages the simulator published taken
 * by the session, a reconnect (the hourly id_token renewal) done. A reconnect the broker puts off
 * (the old connection still counts for a few seconds) is driven on the test's clock, to the time
 * the stream names. Deadlines are mocha's timeout.
 */
export interface StreamWatch {
  /** True while the stream is connected. */
  readonly up: boolean;
  /** Stream messages the session has taken (status events without a REST body). */
  readonly taken: number;
  /** Waits until the stream is connected and has taken every message published since it connected. */
  settled(): Promise<void>;
  /** Moves the clock by ms (a single advance: the simulator's ticks fire on the way), then settled(). */
  step(ms: number): Promise<void>;
}

export function watchStream(w: World, s: AccountSession): StreamWatch {
  let up = false;
  let taken = 0;
  let retryAt: number | undefined;
  /** Published messages not to wait for: those sent while the session's stream was (re)connecting may be lost, as at BMW. */
  let skipped = w.sim.cardata.stats.published;
  /** The settled() waiting, woken by the session's events (no polling). */
  let wake: (() => void) | undefined;
  s.on('stream', (e: StreamEventInfo) => {
    up = e.state === 'connected';
    retryAt = up ? undefined : e.retryAt;
    if (e.state === 'connecting' || up) skipped = Math.max(skipped, w.sim.cardata.stats.published - taken);
    wake?.();
  });
  s.on('status', (_vin: string, _status: unknown, raw: Record<string, unknown>) => {
    // A pushed fragment comes with an empty raw body (status-cache.ts pushed()); a REST read with its answer.
    if (Object.keys(raw).length === 0) taken++;
    wake?.();
  });
  const settled = async (): Promise<void> => {
    for (;;) {
      if (up && taken >= w.sim.cardata.stats.published - skipped) return;
      const next = new Promise<void>((r) => (wake = r));
      // A reconnect put off to retryAt (now, for a refused token): that time comes on the test's clock.
      if (!up && retryAt !== undefined) await w.clock.advance(Math.max(0, retryAt - w.clock.now()));
      else await next;
      wake = undefined;
    }
  };
  return {
    get up() {
      return up;
    },
    get taken() {
      return taken;
    },
    settled,
    step: async (ms) => {
      await w.clock.advance(ms);
      await settled();
    },
  };
}
