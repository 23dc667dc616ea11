import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, REDACTED, redact } from '../../src/core';
import { ChallengeError, getProvider } from '../../src/brands';
import { cardataProvider, deviceFlowStatus } from '../../src/brands/cardata';
import type { AccountSession } from '../../src/features/session';
import { DEMO_CARDATA_GCID } from '../../src/sim';
import { removeDir, tempDir } from '../helpers';
import { BMW_VIN, context, lines, session, signInDirect, signInSession, until, world, type World } from './helpers';

const auth = cardataProvider.auth;

async function challenge(p: Promise<unknown>): Promise<ChallengeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof ChallengeError, `expected a ChallengeError, got ${String(e)}`);
  return e;
}

describe('CarData sign-in (device code flow with PKCE)', () => {
  let w: World;
  let dir: string;
  const sessions: AccountSession[] = [];

  beforeEach(async () => {
    w = await world();
    dir = await tempDir();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await w.close();
    await removeDir(dir);
  });

  it('shows the code and the link, polls at the interval, and returns the tokens once confirmed', async () => {
    const ctx = context(w);
    const err = await challenge(auth.login(ctx, undefined));
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.equal(err.challenge.kind, 'device_code');
    const code = w.sim.cardata.lastUserCode ?? '';
    assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.ok(err.message.includes(code), 'the message names the code');
    assert.ok(err.message.includes(w.sim.cardata.deviceUrl), 'and the link');
    assert.equal(err.challenge.hint, `${w.sim.cardata.deviceUrl}?user_code=${code}`);
    assert.equal(err.challenge.expiresAt, w.clock.now() + 300_000);
    // The device code and the verifier are secrets: never in the message.
    const state = err.challenge.state as { deviceCode: string; codeVerifier: string };
    assert.ok(!err.message.includes(state.deviceCode) && !err.message.includes(state.codeVerifier));
    assert.equal(redact(`x ${state.codeVerifier} y`), `x ${REDACTED} y`);

    // Pending: one poll per interval (5 s), the same code again on every login.
    await w.clock.advance(5_000);
    await until(() => w.sim.cardata.stats.tokenPolls === 1, 'first poll');
    await w.clock.advance(4_000);
    assert.equal(w.sim.cardata.stats.tokenPolls, 1, 'no poll before the interval');
    const again = await challenge(auth.login(ctx, undefined));
    assert.ok(again.message.includes(code));
    assert.equal(w.sim.cardata.stats.deviceCodes, 1, 'no new code while the first one waits');

    assert.ok(w.sim.cardata.approve(code));
    await until(() => deviceFlowStatus(ctx).state === 'confirmed', 'tokens', w.clock, 1_000);
    const s = await auth.login(ctx, undefined);
    assert.equal(s.gcid, DEMO_CARDATA_GCID);
    assert.ok(s.accessToken && s.idToken && s.refreshToken);
    assert.ok(s.scope?.includes('cardata:api:read') && s.scope.includes('cardata:streaming:read'));
    assert.ok(Math.abs(s.idExpiresAt - (w.clock.now() + 3_600_000)) <= 5_000, 'the id_token lasts an hour');
    assert.equal(auth.accessExpiresAt(s), Math.min(s.accessExpiresAt, s.idExpiresAt));
    assert.equal(w.sim.cardata.stats.signIns, 1);
    assert.equal(deviceFlowStatus(ctx).state, 'none', 'the finished flow is forgotten');
  });

  it('completes through the second-step hooks too (BAD_INPUT while waiting)', async () => {
    const ctx = context(w);
    const err = await challenge(auth.login(ctx, undefined));
    const started = await auth.startSecondFactor?.(ctx, err.challenge);
    assert.equal(started?.prompt, err.challenge.prompt);
    await w.clock.advance(5_000);
    await assert.rejects(auth.completeSecondFactor?.(ctx, err.challenge, '') ?? Promise.reject(new Error('missing')), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'BAD_INPUT');
      assert.match(e.message, /Not confirmed yet/);
      return true;
    });
    w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? '');
    await w.clock.advance(5_000);
    const s = await auth.completeSecondFactor?.(ctx, err.challenge, '');
    assert.equal(s?.gcid, DEMO_CARDATA_GCID);
  });

  it('backs off by 5 s on slow_down', async () => {
    const ctx = context(w);
    await challenge(auth.login(ctx, undefined));
    w.sim.cardata.injectFault({ kind: 'slow-down' });
    await w.clock.advance(5_000);
    await until(() => w.sim.cardata.stats.tokenPolls === 1, 'first poll (slow_down)');
    await w.clock.advance(9_000);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(w.sim.cardata.stats.tokenPolls, 1, 'the next poll waits 10 s, not 5');
    await w.clock.advance(1_000);
    await until(() => w.sim.cardata.stats.tokenPolls === 2, 'second poll after 10 s');
    assert.equal(w.sim.cardata.stats.signIns, 0);
  });

  it('keeps polling through a bare 403 and a keymanagement 500', async () => {
    const ctx = context(w);
    await challenge(auth.login(ctx, undefined));
    w.sim.cardata.injectFault({ kind: 'pending-403' });
    w.sim.cardata.injectFault({ kind: 'keymanagement' });
    w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? '');
    await until(() => deviceFlowStatus(ctx).state === 'confirmed', 'tokens after the faults', w.clock, 1_000);
    assert.equal(w.sim.cardata.stats.tokenPolls, 3);
    assert.equal((await auth.login(ctx, undefined)).gcid, DEMO_CARDATA_GCID);
  });

  it('says when the code expired, then starts over with a new code', async () => {
    const ctx = context(w);
    const first = await challenge(auth.login(ctx, undefined));
    await until(() => deviceFlowStatus(ctx).state === 'failed', 'expiry', w.clock, 30_000);
    const err = await auth.login(ctx, undefined).catch((e: unknown) => e);
    assert.ok(err instanceof CarError && !(err instanceof ChallengeError));
    assert.equal(err.code, 'AUTH_FAILED');
    assert.match(err.message, /expired/);
    const second = await challenge(auth.login(ctx, undefined));
    assert.notEqual(second.challenge.hint, first.challenge.hint);
    assert.equal(w.sim.cardata.stats.deviceCodes, 2);
  });

  it('reports a refused confirmation as access_denied', async () => {
    const ctx = context(w);
    await challenge(auth.login(ctx, undefined));
    assert.ok(w.sim.cardata.deny(w.sim.cardata.lastUserCode ?? ''));
    await until(() => deviceFlowStatus(ctx).state === 'failed', 'denied', w.clock, 1_000);
    await assert.rejects(auth.login(ctx, undefined), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'access_denied');
      assert.match(e.message, /CarData Streaming/);
      return true;
    });
  });

  it('guides the user when the client id is unknown or lacks the subscriptions (400 on the device code)', async () => {
    const unknown = context(w, '00000000-0000-4000-8000-000000000000');
    await assert.rejects(auth.login(unknown, undefined), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.status, 400);
      assert.match(e.message, /"CarData API" and "CarData Streaming"/);
      return true;
    });
    w.sim.cardata.injectFault({ kind: 'device-code-400' });
    await assert.rejects(auth.login(context(w), undefined), { code: 'AUTH_FAILED' });
  });

  it('guides the user on CU-103 when the client id has no CarData API subscription', async () => {
    const streamOnly = 'a1b2c3d4-0000-4000-8000-00000000stre';
    w.sim.cardata.setClient(streamOnly, { api: false, streaming: true });
    const log = lines();
    const ctx = context(w, streamOnly, log);
    const s = await signInDirect(w, ctx);
    assert.ok(!s.scope?.includes('cardata:api:read'));
    assert.ok(log.lines.some((l) => l.startsWith('warn') && l.includes('CU-103')), 'warned at sign-in');
    await assert.rejects(cardataProvider.listVehicles(ctx, s, { kind: 'explicit' }), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'CU-103');
      assert.match(e.message, /subscribe the client id to "CarData API"/);
      return true;
    });
  });

  it('refreshes with the rotated refresh token and fails definitively once it is dead', async () => {
    const ctx = context(w);
    const s1 = await signInDirect(w, ctx);
    await w.clock.advance(3_000_000);
    const s2 = await auth.refresh(ctx, s1);
    assert.notEqual(s2.accessToken, s1.accessToken);
    assert.notEqual(s2.idToken, s1.idToken);
    assert.notEqual(s2.refreshToken, s1.refreshToken);
    assert.ok(s2.idExpiresAt > s1.idExpiresAt);
    assert.equal(w.sim.cardata.stats.refreshes, 1);
    // The old refresh token was rotated away.
    await assert.rejects(auth.refresh(ctx, s1), { code: 'AUTH_FAILED' });
    w.sim.cardata.revokeRefreshTokens();
    await assert.rejects(auth.refresh(ctx, s2), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED' && /device code/.test(e.message));
  });

  it('refreshes before the id_token expires and needs no new sign-in after a restart', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    const vehicles = await s.vehicles();
    assert.deepEqual(vehicles.map((v) => v.vin).sort(), w.sim.cardata.vins.sort());
    await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' });
    // 59 min later the id_token is inside the refresh margin: renewed before any call is refused.
    await w.clock.advance(59 * 60_000 + 30_000);
    await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(w.sim.cardata.stats.refreshes, 1);
    assert.equal(w.sim.cardata.stats.rejected401, 0);
    await s.close();
    sessions.splice(0);

    const again = session(w, dir);
    sessions.push(again);
    const status = await again.readStatus(BMW_VIN, ['mileage'], { kind: 'explicit', maxAgeMs: 0 });
    assert.ok(status.mileageKm !== undefined && status.mileageKm > 10_000);
    assert.equal(w.sim.cardata.stats.deviceCodes, 1, 'no new device code after the restart');
    assert.equal(w.sim.cardata.stats.signIns, 1);
  });

  it('signs in again with a new code when the refresh token is dead', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    w.sim.cardata.revokeRefreshTokens();
    await w.clock.advance(61 * 60_000);
    const err = await s.getAuth().catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.equal(w.sim.cardata.stats.deviceCodes, 2);
  });

  it('checks the account settings', () => {
    const p = getProvider('cardata');
    assert.throws(() => p.resolveConfig({ provider: 'cardata' }), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /keys\.clientId/.test(e.message));
    assert.throws(() => p.resolveConfig({ provider: 'cardata', keys: { clientId: 'not a client id!' } }), { code: 'BAD_INPUT' });
    assert.throws(
      () => p.resolveConfig({ provider: 'cardata', keys: { clientId: 'abcdefgh-1234' }, servers: { mqtt: 'mqtt://broker.example.com:1883' } }),
      (e: unknown) => e instanceof CarError && /servers\.mqtt must start with mqtts:/.test(e.message),
    );
    assert.throws(() => p.resolveConfig({ provider: 'cardata', keys: { clientId: 'abcdefgh-1234' }, servers: { api: 'http://api.example.com' } }), { code: 'BAD_INPUT' });
    const c = p.resolveConfig({ provider: 'cardata', keys: { clientId: ' abcdefgh-1234 ' } });
    assert.deepEqual(c.servers, {
      api: 'https://api-cardata.bmwgroup.com',
      auth: 'https://customer.bmwgroup.com/gcdm',
      mqtt: 'mqtts://customer.streaming-cardata.bmwgroup.com:9000',
    });
    assert.deepEqual(c.keys, { clientId: 'abcdefgh-1234' });
    const local = p.resolveConfig({ provider: 'cardata', keys: { clientId: 'abcdefgh-1234', streamingUsername: 'gcid-1' }, servers: { mqtt: 'mqtt://127.0.0.1:1883', api: 'http://localhost:1/x' } });
    assert.equal(local.servers.mqtt, 'mqtt://127.0.0.1:1883');
    assert.equal(local.keys.streamingUsername, 'gcid-1');
  });
});
