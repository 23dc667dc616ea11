import { CallBudget, HttpClient, ManualClock, TokenStore, type Logger } from '../../src/core';
import { getProvider, type ProviderContext } from '../../src/brands';
import { cardataProvider, deviceFlowStatus, type CarDataAuthState } from '../../src/brands/cardata';
import { AccountSession } from '../../src/features/session';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../../src/sim';
import type { CardataSimOptions } from '../../src/sim/cardata';

export const BMW_VIN = 'WBY31AW0X0FCD0001';
export const MINI_VIN = 'WMZ21GA0X07CD0002';

/** Real short waits let sockets work while the manual clock stands still (or moves by stepMs each turn). */
export async function until(cond: () => boolean | Promise<boolean>, what: string, clock?: ManualClock, stepMs = 0, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    if (clock && stepMs > 0) await clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export interface Lines extends Logger {
  lines: string[];
}

export function lines(): Lines {
  const out: string[] = [];
  return {
    lines: out,
    debug: (l) => out.push(`debug ${l}`),
    info: (l) => out.push(`info ${l}`),
    warn: (l) => out.push(`warn ${l}`),
    error: (l) => out.push(`error ${l}`),
  };
}

export interface World {
  sim: Simulator;
  clock: ManualClock;
  http: HttpClient;
  close(): Promise<void>;
}

export async function world(cardata: Partial<CardataSimOptions> = {}, start = '2026-11-20T08:00:00Z'): Promise<World> {
  const clock = new ManualClock(start);
  const sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: false, ...cardata } });
  const http = new HttpClient({ clock });
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
export function context(w: World, clientId = DEMO_CARDATA_CLIENT_ID, log: Logger = lines()): ProviderContext {
  const p = getProvider('cardata');
  return {
    config: p.resolveConfig({ provider: 'cardata', keys: { clientId }, servers: servers(w.sim) }),
    http: w.http,
    clock: w.clock,
    budget: new CallBudget({ ...cardataProvider.budget, clock: w.clock }),
    log,
  };
}

/** The whole device flow against the simulator: code issued, confirmed, polled, tokens. */
export async function signInDirect(w: World, ctx: ProviderContext): Promise<CarDataAuthState> {
  await cardataProvider.auth.login(ctx, undefined).catch((e: unknown) => e);
  const code = w.sim.cardata.lastUserCode;
  if (!code || !w.sim.cardata.approve(code)) throw new Error('no code to approve');
  await until(() => deviceFlowStatus(ctx).state === 'confirmed', 'the poll to fetch the tokens', w.clock, 1_000);
  return cardataProvider.auth.login(ctx, undefined);
}

export function session(w: World, dir: string, key = 'bmw1', clientId = DEMO_CARDATA_CLIENT_ID): AccountSession {
  const provider = getProvider('cardata');
  return new AccountSession({
    key,
    provider,
    config: provider.resolveConfig({ provider: 'cardata', keys: { clientId }, servers: servers(w.sim) }),
    store: new TokenStore(dir),
    clock: w.clock,
    http: w.http,
  });
}

/**
 * Signs a session in through the device flow: the first sign-in stops at the code (TFA_REQUIRED),
 * the user confirms it, the plugin's poll gets the tokens, and the next sign-in takes them.
 */
export async function signInSession(w: World, s: AccountSession): Promise<CarDataAuthState> {
  const first = await s.getAuth().catch((e: unknown) => e);
  if (!(first instanceof Error) || (first as { code?: string }).code !== 'TFA_REQUIRED') throw new Error(`expected TFA_REQUIRED, got ${String(first)}`);
  const code = w.sim.cardata.lastUserCode;
  if (!code || !w.sim.cardata.approve(code)) throw new Error('no code to approve');
  const ctxLike = { config: s.config };
  // The session asks every few seconds whether the code was confirmed, and takes the tokens itself.
  await until(() => s.state.phase === 'ready' || deviceFlowStatus(ctxLike).state === 'confirmed', 'the poll to fetch the tokens', w.clock, 1_000);
  await until(() => s.state.phase === 'ready', 'the session to take the tokens', w.clock, 1_000);
  return (await s.getAuth()) as CarDataAuthState;
}
