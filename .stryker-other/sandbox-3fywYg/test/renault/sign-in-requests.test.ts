// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { DEFAULT_GIGYA_API_KEY, DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import type { RenaultSimStats } from '../../src/sim';
import { ZE50, renaultWorldEach } from '../renault-session';
import { readRenaultJson } from './fixtures';

/** Every request the simulator answered, Gigya and Kamereon. */
function requests(s: RenaultSimStats): number {
  return s.logins + s.getAccountInfo + s.getJwt + s.gigyaOther + s.kamereon;
}

describe('Renault sign-in in as few requests as Gigya allows (issue 17)', () => {
  const world = renaultWorldEach();
  const read = (key = 'few') => world.session({ key }).readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });

  it('a cold refresh: login with its data, a JWT, the person, the vehicles of each account, the read; no account info, no device', async () => {
    const s = await read();
    assert.equal(typeof s.battery?.socPercent, 'number');
    const stats = world.sim.renault.stats;
    assert.deepEqual([stats.logins, stats.getAccountInfo, stats.getJwt, stats.bootstraps], [1, 0, 1, 0]);
    // The demo person has two accounts (MYRENAULT, MYDACIA), each with vehicles.
    assert.deepEqual(stats.byEndpoint, { persons: 1, vehicles: 2, 'battery-status': 1 });
    assert.equal(requests(stats), 6);
  });

  it('a warm refresh (the JWT expired) is a JWT and the read; a restart with valid tokens signs in with no request', async () => {
    await read();
    world.sim.renault.resetStats();
    await world.clock.advance(16 * 60_000);
    await read();
    assert.deepEqual(world.sim.renault.stats.byEndpoint, { 'battery-status': 1 });
    assert.equal(world.sim.renault.stats.getJwt, 1);
    assert.equal(requests(world.sim.renault.stats), 2);

    // A restart (a new session on the same account file) while the JWT is valid.
    world.sim.renault.resetStats();
    await read();
    assert.equal(requests(world.sim.renault.stats), 1, 'the read only');
    assert.equal(world.sim.renault.stats.kamereon, 1);
  });

  it('the simulator answers a login as the recorded one: data only when asked with include', async () => {
    const login = async (include?: string): Promise<Record<string, unknown>> => {
      const form = new URLSearchParams({ ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, ...(include ? { include } : {}) });
      const res = await fetch(`${world.sim.renault.gigyaUrl}/accounts.login`, { method: 'POST', body: form });
      return (await res.json()) as Record<string, unknown>;
    };
    // The recorded answer was asked without include: it has a profile and no data.
    const recorded = (await readRenaultJson('gigya', 'login.json')) as Record<string, unknown>;
    const plain = await login();
    assert.equal('data' in recorded, false);
    assert.equal('data' in plain, false);
    for (const key of ['profile', 'sessionInfo', 'UID', 'errorCode']) assert.ok(key in plain, key);
    // With include=profile,data: data as getAccountInfo's recorded answer carries it.
    const info = (await readRenaultJson('gigya', 'get_account_info.json')) as { data: Record<string, unknown> };
    const withData = (await login('profile,data')) as { data?: Record<string, unknown>; profile?: unknown };
    assert.deepEqual(Object.keys(withData.data ?? {}).sort(), Object.keys(info.data).sort());
    assert.equal(withData.data?.personId, world.sim.renault.personId);
    assert.ok(withData.profile);
  });
});
