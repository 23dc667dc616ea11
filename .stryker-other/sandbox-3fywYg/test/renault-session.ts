/** The simulator-backed Renault account sessions the tests build, and a rejection helper. */
// @ts-nocheck

import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'mocha';
import { CarError, ManualClock, TokenStore, type Clock, type HttpClient, type Logger } from '../src/core';
import { getProvider, type AccountConfig } from '../src/brands';
import { AccountSession } from '../src/features/session';
import { startSimulator, type RenaultSimOptions, type Simulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';
import { removeDir, tempDir } from './helpers';

/** The simulator's demo cars. */
export const ZE50 = 'VF1AG000862Z50001';
export const R5 = 'VF1R5E00125R50002';
export const AUSTRAL = 'VF1RHN00X27AU0003';
export const ZE40 = 'VF1AG000664Z40004';
export const SPRING = 'UU1DBG00X68SP0005';

/**
 * What the simulated car last reported, in the model's units: the state of charge rounded to a whole percent, the
 * ZE50's cockpit in kilometres with two decimals. Tests compare mapped values with it, so that a unit or mapping slip
 * fails them.
 */
export function reported(sim: Simulator, vin: string): { socPercent: number; mileageKm: number; position: [number, number]; climate: 'on' | 'off' } {
  const car = sim.renault.car(vin);
  return {
    socPercent: Math.round(car.reportedBattery.soc),
    mileageKm: Math.round(car.reportedPosition.odometerKm * 100) / 100,
    position: [car.reportedPosition.lat, car.reportedPosition.lon],
    climate: car.hvacOn ? 'on' : 'off',
  };
}

export interface RenaultSessionOptions {
  key?: string;
  clock?: Clock;
  http?: HttpClient;
  log?: Logger;
  locale?: string;
  password?: string;
  budget?: { limit?: number; windowMs?: number; reserve?: number };
  /** The deadline of one status read, on the session's clock. */
  statusDeadlineMs?: number;
  /** Settings over the demo user's (authMode token, brand...); `username: undefined` leaves the user out. */
  config?: Partial<AccountConfig>;
}

/** A session of the simulator's demo user (unless config says otherwise), with its token file in dir. */
export function renaultSession(sim: Simulator, dir: string, options: RenaultSessionOptions = {}): AccountSession {
  const provider = getProvider('renault');
  const { brand, ...config } = options.config ?? {};
  return new AccountSession({
    key: options.key ?? 'acc1',
    provider,
    config: {
      ...provider.resolveConfig({
        provider: 'renault',
        locale: options.locale ?? 'fr_FR',
        username: DEMO_RENAULT_USER,
        password: options.password ?? DEMO_RENAULT_PASSWORD,
        servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl },
        ...config,
      }),
      ...(brand ? { brand } : {}),
    },
    store: new TokenStore(dir),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.http ? { http: options.http } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.statusDeadlineMs !== undefined ? { statusDeadlineMs: options.statusDeadlineMs } : {}),
  });
}

/** A simulator on a manual clock, a token folder, and the sessions a test opens on them. */
export interface RenaultWorld {
  readonly sim: Simulator;
  readonly clock: ManualClock;
  readonly dir: string;
  /** A session on the world's clock; closed by close() unless the test closed it first. */
  session(options?: RenaultSessionOptions): AccountSession;
  /** Closes the sessions and the simulator and removes the token folder. */
  close(): Promise<void>;
}

export interface RenaultWorldOptions {
  /** The clock's start (default 2026-11-20T08:00:00Z). */
  start?: string;
  /** The simulated Renault cloud (default: no quota). */
  renault?: Partial<RenaultSimOptions>;
  /** The token folder; default a fresh one, removed by close(). */
  dir?: string;
}

/** Starts the simulator on port 0 (beside a running demo) with a manual clock. */
export async function renaultWorld(options: RenaultWorldOptions = {}): Promise<RenaultWorld> {
  const clock = new ManualClock(options.start ?? '2026-11-20T08:00:00Z');
  const sim = await startSimulator({ port: 0, clock, renault: options.renault ?? { quota: false } });
  const dir = options.dir ?? (await tempDir('cc-renault-'));
  const sessions: AccountSession[] = [];
  return {
    sim,
    clock,
    dir,
    session(o = {}) {
      const s = renaultSession(sim, dir, { clock, ...o });
      sessions.push(s);
      return s;
    },
    async close() {
      for (const s of sessions.splice(0)) await s.close();
      await sim.close();
      if (!options.dir) await removeDir(dir);
    },
  };
}

/**
 * A fresh world for each test of the suite that calls this (mocha hooks): the returned object
 * stands for the current test's world. Hooks the suite adds after this one see it started.
 */
export function renaultWorldEach(options: RenaultWorldOptions = {}): RenaultWorld {
  let world: RenaultWorld | undefined;
  beforeEach(async () => {
    world = await renaultWorld(options);
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  const current = (): RenaultWorld => world ?? assert.fail('the Renault world exists only while a test runs');
  return {
    get sim() {
      return current().sim;
    },
    get clock() {
      return current().clock;
    },
    get dir() {
      return current().dir;
    },
    session: (o) => current().session(o),
    close: () => current().close(),
  };
}

/** The CarError p rejects with; fails when p resolves or rejects with something else. */
export async function rejection(p: Promise<unknown>): Promise<CarError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CarError, `expected a CarError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}
