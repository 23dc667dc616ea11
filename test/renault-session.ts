/** The Renault account session most tests build against the simulator, and a rejection helper. */
import assert from 'node:assert/strict';
import { CarError, TokenStore, type Clock } from '../src/core';
import { getProvider } from '../src/brands';
import { AccountSession } from '../src/features/session';
import type { Simulator } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';

export interface RenaultSessionOptions {
  key?: string;
  clock?: Clock;
  password?: string;
  budget?: { limit?: number; windowMs?: number; reserve?: number };
}

/** A session of the simulator's demo user, with its token file in dir. */
export function renaultSession(sim: Simulator, dir: string, options: RenaultSessionOptions = {}): AccountSession {
  const provider = getProvider('renault');
  return new AccountSession({
    key: options.key ?? 'acc1',
    provider,
    config: provider.resolveConfig({
      provider: 'renault',
      locale: 'fr_FR',
      username: DEMO_RENAULT_USER,
      password: options.password ?? DEMO_RENAULT_PASSWORD,
      servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl },
    }),
    store: new TokenStore(dir),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
  });
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
