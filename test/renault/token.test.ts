import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { getProvider } from '../../src/brands';
import type { AccountSession } from '../../src/features/session';
import type { Simulator } from '../../src/sim';
import { DEFAULT_GIGYA_API_KEY, DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { SPRING, ZE50, renaultWorldEach, reported } from '../renault-session';

/** A JWT as the MyRenault app holds it, minted by the simulator's Gigya for `seconds`. */
async function mintJwt(sim: Simulator, seconds: number): Promise<string> {
  const post = async (method: string, form: Record<string, string>): Promise<Record<string, unknown>> => {
    const res = await fetch(`${sim.renault.gigyaUrl}/${method}`, { method: 'POST', body: new URLSearchParams({ ApiKey: DEFAULT_GIGYA_API_KEY, ...form }) });
    return (await res.json()) as Record<string, unknown>;
  };
  const login = await post('accounts.login', { loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
  const token = (login.sessionInfo as { cookieValue: string }).cookieValue;
  const jwt = await post('accounts.getJWT', { login_token: token, fields: 'data.personId,data.gigyaDataCenter', expiration: String(seconds) });
  return String(jwt.id_token);
}

describe('Renault token sign-in (a pasted JWT, as myRenaultLC offers)', () => {
  const world = renaultWorldEach();

  /** A token sign-in: the pasted JWT and its account, no user name or password. */
  const session = (jwt: string, accountId: string): AccountSession =>
    world.session({ key: 'token', config: { authMode: 'token', accessToken: jwt, accountId, username: undefined, password: undefined } });

  it('uses the pasted token for its account until it expires, then says so and never tries a password', async () => {
    const jwt = await mintJwt(world.sim, 3600);
    const logins = world.sim.renault.stats.logins;
    const jwts = world.sim.renault.stats.getJwt;
    const s = session(jwt, world.sim.renault.accountIds.myRenault);
    const vehicles = await s.vehicles();
    assert.ok(vehicles.some((v) => v.vin === ZE50));
    assert.ok(!vehicles.some((v) => v.vin === SPRING), 'only the named account');
    assert.equal(world.sim.renault.stats.byEndpoint.persons ?? 0, 0, 'the person is not needed');
    const status = await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    assert.equal(status.battery?.socPercent, reported(world.sim, ZE50).socPercent);

    await world.clock.advance(3600_000);
    const err = await s.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'AUTH_FAILED');
    assert.match(err.message, /pasted token expire[sd] at 2026-11-20T09:00:00Z; paste a new one/);
    assert.ok(!err.message.includes(jwt.slice(0, 20)));
    assert.equal(s.state.phase, 'blocked');
    await assert.rejects(s.readStatus(ZE50, ['battery'], { kind: 'explicit' }), { code: 'AUTH_FAILED' });
    assert.equal(world.sim.renault.stats.logins, logins, 'no password sign-in, ever');
    assert.equal(world.sim.renault.stats.getJwt, jwts, 'no refresh either');

    // After a restart it stays stopped, without a call.
    await s.close();
    const calls = world.sim.renault.stats.kamereon;
    const again = session(jwt, world.sim.renault.accountIds.myRenault);
    await assert.rejects(again.readStatus(ZE50, ['battery'], { kind: 'explicit' }), { code: 'AUTH_FAILED', message: /expired/ });
    assert.equal(world.sim.renault.stats.kamereon, calls);

    // A new token is a new configuration: it is used.
    await again.close();
    const fresh = session(await mintJwt(world.sim, 3600), world.sim.renault.accountIds.myRenault);
    assert.equal((await fresh.readStatus(ZE50, ['mileage'], { kind: 'explicit' })).mileageKm, reported(world.sim, ZE50).mileageKm);
  });

  it('says so when Renault refuses a pasted token that has not expired', async () => {
    const s = session(await mintJwt(world.sim, 3600), world.sim.renault.accountIds.myRenault);
    await s.vehicles();
    world.sim.renault.injectFault({ kind: 'unauthorized', path: 'battery-status', times: 2 });
    await assert.rejects(s.readStatus(ZE50, ['battery'], { kind: 'explicit' }), { code: 'AUTH_FAILED', message: /refused the pasted token.*paste a new one/ });
    assert.equal(s.state.phase, 'blocked');
  });

  it('refuses a token sign-in without a JWT or an account id, naming the field', () => {
    const provider = getProvider('renault');
    const base = { provider: 'renault' as const, locale: 'fr_FR', authMode: 'token' as const };
    assert.throws(() => provider.resolveConfig({ ...base, accountId: 'abcdef-123' }), { code: 'BAD_INPUT', message: /^jwt: paste the token/ });
    assert.throws(() => provider.resolveConfig({ ...base, accessToken: 'not-a-jwt', accountId: 'abcdef-123' }), { code: 'BAD_INPUT', message: /^jwt: the pasted token is not a JWT/ });
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"exp":2000000000}').toString('base64url')}.c2ln`;
    assert.throws(() => provider.resolveConfig({ ...base, accessToken: jwt }), { code: 'BAD_INPUT', message: /^accountId: / });
    const ok = provider.resolveConfig({ ...base, accessToken: jwt, accountId: 'abcdef-123' });
    assert.equal(ok.authMode, 'token');
    assert.equal(ok.accountId, 'abcdef-123');
  });

  it("takes back a saved token sign-in's state with its account id, and refuses one with an empty id", () => {
    const { stateSchema } = getProvider('renault').auth;
    const saved = { personId: '', accountId: 'abcdef-123', jwt: 'a.b.c', jwtExpiresAt: 2_000_000_000_000 };
    assert.deepEqual(stateSchema.parse(saved), saved);
    assert.equal(stateSchema.safeParse({ ...saved, accountId: '' }).success, false);
  });
});
