import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, HttpClient, REDACTED, redact, type HttpRequest as HttpRequestOf, type HttpResponse as HttpResponseOf } from '../../src/core';
import { ChallengeError, getProvider, type PendingChallenge, type ProviderContext } from '../../src/brands';
import { cardataAuth as auth } from '../../src/brands/cardata';
import type { AccountSession } from '../../src/features/session';
import { DEMO_CARDATA_GCID } from '../../src/sim';
import { recordingLogger, removeDir, tempDir } from '../helpers';
import { BMW_VIN, challenge, connect, context, pollDeviceCode, session, signInDirect, signInSession, until, world, type World } from './helpers';

/** One look at the token endpoint; resolves to the error it threw (the test fails when it signs in). */
async function refusal(ctx: ProviderContext, pending: PendingChallenge): Promise<CarError> {
  const e = await auth.completeSecondFactor(ctx, pending).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof CarError && !(e instanceof ChallengeError), `expected a CarError, got ${String(e)}`);
  return e;
}

async function notConfirmed(ctx: ProviderContext, pending: PendingChallenge): Promise<CarError> {
  const e = await refusal(ctx, pending);
  assert.equal(e.code, 'BAD_INPUT');
  assert.match(e.message, /^Not confirmed yet\. Sign in to BMW CarData/);
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

  it('shows the code and the link, asks once per look, and returns the tokens once confirmed', async () => {
    const ctx = context(w);
    const err = await challenge(auth.login(ctx));
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.equal(err.challenge.kind, 'device_code');
    const code = w.sim.cardata.lastUserCode ?? '';
    assert.match(code, /^[A-Za-z]{8}$/, 'eight letters of mixed case, as BMW issues them');
    assert.ok(err.message.includes(code), 'the message names the code');
    assert.ok(err.message.includes(w.sim.cardata.deviceUrl), 'and the link');
    // BMW no longer sends verification_uri_complete (2026): the link is the plain page, the code is typed there.
    assert.equal(err.challenge.hint, w.sim.cardata.deviceUrl);
    assert.equal(err.challenge.expiresAt, w.clock.now() + 300_000);
    assert.equal(err.challenge.pollMs, 5_000, "the server's interval, for the session's polls");
    // The device code and the verifier are secrets: never in the message.
    const state = err.challenge.state as { deviceCode: string; codeVerifier: string };
    assert.ok(!err.message.includes(state.deviceCode) && !err.message.includes(state.codeVerifier));
    assert.equal(redact(`x ${state.codeVerifier} y`), `x ${REDACTED} y`);
    assert.equal(redact(`x ${state.deviceCode} y`), `x ${REDACTED} y`);

    // The code is issued already: the second step sends nothing and hands the challenge back.
    const started = await auth.startSecondFactor(ctx, err.challenge);
    assert.deepEqual(started, err.challenge);
    assert.equal(w.sim.cardata.stats.deviceCodes, 1);

    // The brand polls only when asked (the session is the only poller): one request a look.
    await w.clock.advance(60_000);
    assert.equal(w.sim.cardata.stats.tokenPolls, 0, 'no poll of its own');
    const waiting = await notConfirmed(ctx, err.challenge);
    assert.ok(waiting.message.includes(code));
    assert.equal(waiting.retryAt, undefined);
    assert.equal(w.sim.cardata.stats.tokenPolls, 1);
    await w.clock.advance(5_000);
    await notConfirmed(ctx, err.challenge);
    assert.equal(w.sim.cardata.stats.tokenPolls, 2);

    assert.ok(w.sim.cardata.approve(code));
    await w.clock.advance(5_000);
    const s = await auth.completeSecondFactor(ctx, err.challenge);
    assert.equal(w.sim.cardata.stats.tokenPolls, 3);
    assert.equal(s.gcid, DEMO_CARDATA_GCID);
    assert.ok(s.accessToken && s.idToken && s.refreshToken);
    assert.ok(s.scope?.includes('cardata:api:read') && s.scope.includes('cardata:streaming:read'));
    assert.ok(Math.abs(s.idExpiresAt - (w.clock.now() + 3_600_000)) <= 5_000, 'the id_token lasts an hour');
    assert.equal(auth.accessExpiresAt(s), Math.min(s.accessExpiresAt, s.idExpiresAt));
    assert.equal(w.sim.cardata.stats.signIns, 1);

    // Nothing of the finished flow is kept: the used code is refused by BMW, not answered from memory.
    await w.clock.advance(5_000);
    const used = await refusal(ctx, err.challenge);
    assert.equal(used.code, 'AUTH_FAILED');
    assert.equal(used.upstreamCode, 'invalid_grant');
    assert.equal(w.sim.cardata.stats.tokenPolls, 4);
    assert.equal(w.sim.cardata.stats.signIns, 1);
  });

  it('on slow_down asks for 5 s more between looks, from then on', async () => {
    const ctx = context(w);
    const { challenge: pending } = await challenge(auth.login(ctx));
    w.sim.cardata.injectFault({ kind: 'slow-down' });
    await w.clock.advance(5_000);
    const slow = await notConfirmed(ctx, pending);
    assert.equal(slow.retryAt, w.clock.now() + 10_000, 'the next look waits 10 s, not 5');
    assert.equal(w.sim.cardata.stats.tokenPolls, 1);
    // Asked again at the longer interval, BMW is content.
    await w.clock.advance(10_000);
    const slower = { ...pending, pollMs: 10_000 };
    assert.equal((await notConfirmed(ctx, slower)).retryAt, undefined);
    // A look that comes too soon is told to slow down again: 5 s more than the interval it had.
    await w.clock.advance(1_000);
    assert.equal((await notConfirmed(ctx, slower)).retryAt, w.clock.now() + 15_000);
    assert.equal(w.sim.cardata.stats.tokenPolls, 3);
    assert.equal(w.sim.cardata.stats.signIns, 0);
  });

  it('waits on through a bare 403 and a keymanagement 500', async () => {
    const log = recordingLogger();
    const ctx = context(w, undefined, log);
    const { challenge: pending } = await challenge(auth.login(ctx));
    w.sim.cardata.injectFault({ kind: 'pending-403' });
    w.sim.cardata.injectFault({ kind: 'keymanagement' });
    w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? '');
    await w.clock.advance(5_000);
    await notConfirmed(ctx, pending);
    await w.clock.advance(5_000);
    await notConfirmed(ctx, pending);
    assert.ok(log.lines.some((l) => l.startsWith('debug') && l.includes('HTTP 500')), 'the outage is noted');
    await w.clock.advance(5_000);
    assert.equal((await auth.completeSecondFactor(ctx, pending)).gcid, DEMO_CARDATA_GCID);
    assert.equal(w.sim.cardata.stats.tokenPolls, 3);
  });

  it('passes network trouble as a transient error, and the code still stands', async () => {
    const ctx = context(w);
    const { challenge: pending } = await challenge(auth.login(ctx));
    const state = pending.state as { deviceCode: string; codeVerifier: string };
    const unreachable = { ...pending, state: { ...pending.state, authUrl: 'http://127.0.0.1:1' } };
    const down = await refusal(ctx, unreachable);
    assert.equal(down.code, 'NETWORK');
    assert.equal(down.transient, true);
    assert.ok(!down.message.includes(state.deviceCode) && !down.message.includes(state.codeVerifier));
    w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? '');
    assert.equal((await pollDeviceCode(w, ctx, pending)).gcid, DEMO_CARDATA_GCID);
  });

  it('says when the code expired; the next login asks for a new code (the session keeps the one that waits)', async () => {
    const ctx = context(w);
    const first = await challenge(auth.login(ctx));
    const expiry = await pollDeviceCode(w, ctx, first.challenge).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(expiry instanceof CarError && !(expiry instanceof ChallengeError));
    assert.equal(expiry.code, 'AUTH_FAILED');
    assert.equal(expiry.upstreamCode, 'expired_token');
    assert.match(expiry.message, /expired/);
    assert.ok(w.clock.now() >= (first.challenge.expiresAt ?? Infinity));
    // Past its time the code is not even asked about; BMW says the same when it counts the time itself.
    const polls = w.sim.cardata.stats.tokenPolls;
    assert.equal((await refusal(ctx, first.challenge)).upstreamCode, 'expired_token');
    assert.equal(w.sim.cardata.stats.tokenPolls, polls);
    const clockSkewed = { ...first.challenge, state: { ...first.challenge.state, expiresAt: w.clock.now() + 60_000 } };
    const told = await refusal(ctx, clockSkewed);
    assert.equal(told.code, 'AUTH_FAILED');
    assert.equal(told.upstreamCode, 'expired_token');
    assert.equal(w.sim.cardata.stats.tokenPolls, polls + 1);

    const second = await challenge(auth.login(ctx));
    assert.notEqual((second.challenge.state as { userCode: string }).userCode, (first.challenge.state as { userCode: string }).userCode);
    assert.equal(w.sim.cardata.stats.deviceCodes, 2);
  });

  it('reports a refused confirmation as access_denied', async () => {
    const ctx = context(w);
    const { challenge: pending } = await challenge(auth.login(ctx));
    assert.ok(w.sim.cardata.deny(w.sim.cardata.lastUserCode ?? ''));
    await assert.rejects(pollDeviceCode(w, ctx, pending), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'access_denied');
      assert.equal(e.transient, false);
      assert.match(e.message, /CarData Streaming/);
      return true;
    });
  });

  it('refuses a sign-in in progress that cannot be read (a damaged token store)', async () => {
    const ctx = context(w);
    const { challenge: pending } = await challenge(auth.login(ctx));
    const damaged = { ...pending, state: { ...pending.state, codeVerifier: 'short' } };
    await assert.rejects(auth.completeSecondFactor(ctx, damaged), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED' && /sign in again/.test(e.message));
    await assert.rejects(auth.startSecondFactor(ctx, damaged), { code: 'AUTH_FAILED' });
    assert.equal(w.sim.cardata.stats.tokenPolls, 0);
  });

  it('guides the user when the client id is unknown or lacks the subscriptions (400 on the device code)', async () => {
    const unknown = context(w, '00000000-0000-4000-8000-000000000000');
    await assert.rejects(auth.login(unknown), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.status, 400);
      assert.match(e.message, /"CarData API" and "CarData Streaming"/);
      return true;
    });
    w.sim.cardata.injectFault({ kind: 'device-code-400' });
    await assert.rejects(auth.login(context(w)), { code: 'AUTH_FAILED' });
  });

  it('guides the user on CU-103 when the client id has no CarData API subscription', async () => {
    const streamOnly = 'a1b2c3d4-0000-4000-8000-00000000stre';
    w.sim.cardata.setClient(streamOnly, { api: false, streaming: true });
    const log = recordingLogger();
    const ctx = context(w, streamOnly, log);
    const s = await signInDirect(w, ctx);
    assert.ok(!s.scope?.includes('cardata:api:read'));
    assert.ok(log.lines.some((l) => l.startsWith('warn') && l.includes('CU-103')), 'warned at sign-in');
    await assert.rejects(connect(ctx, async () => s).listVehicles({ kind: 'explicit' }), (e: unknown) => {
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
    assert.equal(s2.refreshExpiresAt, w.clock.now() + 14 * 86_400_000, 'each refresh starts the 14 days again');
    // The old refresh token was rotated away: BMW says 400 invalid_request (not invalid_grant).
    await assert.rejects(auth.refresh(ctx, s1), { code: 'AUTH_FAILED', status: 400, upstreamCode: 'invalid_request' });
    w.sim.cardata.revokeRefreshTokens();
    await assert.rejects(auth.refresh(ctx, s2), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED' && /device code/.test(e.message) && !/went unanswered/.test(e.message));
  });

  it('keeps the tokens when the refresh meets an outage, a 429 or a broken connection, and refreshes later', async () => {
    const ctx = context(w);
    const s1 = await signInDirect(w, ctx);
    w.sim.cardata.injectFault({ kind: 'refresh-unavailable' });
    await assert.rejects(auth.refresh(ctx, s1), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'UPSTREAM');
      assert.equal(e.transient, true);
      assert.equal(e.status, 503);
      assert.match(e.message, /tokens are kept/);
      return true;
    });
    w.sim.cardata.injectFault({ kind: 'refresh-429' });
    await assert.rejects(auth.refresh(ctx, s1), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'RATE_LIMITED');
      assert.equal(e.retryAt, w.clock.now() + 120_000, "Retry-After names when");
      return true;
    });
    const unreachable = { ...ctx, config: { ...ctx.config, servers: { ...ctx.config.servers, auth: 'http://127.0.0.1:1/gcdm' } } };
    await assert.rejects(auth.refresh(unreachable, s1), (e: unknown) => e instanceof CarError && e.code === 'NETWORK' && e.transient);
    // None of it spent the refresh token: the same state refreshes now, and no device code was asked for.
    const s2 = await auth.refresh(ctx, s1);
    assert.notEqual(s2.refreshToken, s1.refreshToken);
    assert.equal(w.sim.cardata.stats.deviceCodes, 1);
  });

  it('says plainly when a refresh whose answer was lost may have spent the refresh token', async () => {
    const ctx = context(w);
    const s1 = await signInDirect(w, ctx);
    // BMW rotates the token, but its answer never arrives: the plugin still holds the old one.
    const impatient = { ...ctx, http: new HttpClient({ clock: w.clock, timeoutMs: 300 }) };
    w.sim.cardata.injectFault({ kind: 'refresh-lost' });
    try {
      await assert.rejects(auth.refresh(impatient, s1), (e: unknown) => e instanceof CarError && e.code === 'TIMEOUT' && e.transient && /tokens are kept/.test(e.message));
    } finally {
      await impatient.http.close();
    }
    await w.clock.advance(60_000);
    await assert.rejects(auth.refresh(ctx, s1), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'invalid_request');
      assert.match(e.message, /An earlier refresh at \d\d:\d\d UTC went unanswered \(it got no answer\): BMW most likely took the old refresh token/);
      assert.match(e.message, /device code/);
      return true;
    });
  });

  it('asks for a new device code once the refresh token is past its 14 days, without asking BMW', async () => {
    const ctx = context(w);
    const s1 = await signInDirect(w, ctx);
    await w.clock.advance(14 * 86_400_000 + 1_000);
    const refreshes = w.sim.cardata.stats.refreshes;
    await assert.rejects(auth.refresh(ctx, s1), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'refresh_token_expired');
      assert.match(e.message, /14 days/);
      return true;
    });
    assert.equal(w.sim.cardata.stats.refreshes, refreshes, 'no call');
    // A token file of an older version knows no end: BMW's answer decides.
    const { refreshExpiresAt: _dropped, ...old } = s1;
    await assert.rejects(auth.refresh(ctx, old), { code: 'AUTH_FAILED', upstreamCode: 'invalid_request' });
  });

  it('a session keeps its tokens through a refresh outage: no new device code, a refresh later', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    w.sim.cardata.injectFault({ kind: 'refresh-unavailable' });
    await w.clock.advance(61 * 60_000);
    await assert.rejects(s.getAuth(), { code: 'UPSTREAM' });
    assert.notEqual(s.state.phase, 'blocked');
    assert.equal(s.awaitingCode, false, 'no device code for an outage');
    // Tried again after a back-off, not at every call.
    await assert.rejects(s.getAuth(), { code: 'UPSTREAM' });
    assert.equal(w.sim.cardata.stats.refreshes, 1, 'no second refresh within the back-off');
    await w.clock.advance(30_000);
    const renewed = (await s.getAuth()) as { idExpiresAt: number };
    assert.ok(renewed.idExpiresAt > w.clock.now());
    assert.equal(w.sim.cardata.stats.deviceCodes, 1);
    assert.equal(w.sim.cardata.stats.refreshes, 2);
  });

  it("reports BMW's fault right after the approval (a 500, then access_denied) as BMW's, not the user's", async () => {
    const log = recordingLogger();
    const ctx = context(w, undefined, log);
    const { challenge: pending } = await challenge(auth.login(ctx));
    assert.ok(w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? ''));
    w.sim.cardata.injectFault({ kind: 'approval-fault' });
    await assert.rejects(pollDeviceCode(w, ctx, pending), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.upstreamCode, 'access_denied');
      assert.equal(e.status, 403);
      assert.match(e.message, /failed on its side right after the code \w+ was confirmed \(HTTP 500 keymanagement\.service\.invalid_access_token at/);
      assert.match(e.message, /known BMW fault, not a wrong setting/);
      return true;
    });
    assert.equal(w.sim.cardata.stats.tokenPolls, 2, 'the 500 was waited out once, then access_denied ended it');
    assert.ok(log.lines.some((l) => l.startsWith('debug') && l.includes('keymanagement')));
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
    assert.equal(w.sim.cardata.stats.rejectedToken, 0);
    await s.close();
    sessions.splice(0);

    const again = session(w, dir);
    sessions.push(again);
    const status = await again.readStatus(BMW_VIN, ['mileage'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(status.mileageKm, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.vehicle.travelledDistance')));
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

  it('is polled by the session alone: one look per interval, no second code while it waits', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
    await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
    assert.equal(w.sim.cardata.stats.deviceCodes, 1, 'no new code while the first one waits');
    for (let look = 1; look <= 3; look++) {
      await w.clock.advance(5_000);
      await until(() => w.sim.cardata.stats.tokenPolls === look, `look ${look}`);
    }
    assert.ok(w.sim.cardata.approve(w.sim.cardata.lastUserCode ?? ''));
    await until(() => s.state.phase === 'ready', 'the session to take the tokens', w, 1_000);
    assert.equal(w.sim.cardata.stats.tokenPolls, 4, 'one look per interval, by one poller');
    assert.equal(w.sim.cardata.stats.signIns, 1);
    assert.equal(w.sim.cardata.stats.deviceCodes, 1);
  });

  // "Sign in again" while the first code's look is due (issue 15): the new code is the one asked
  // about, by one poll loop, and the account signs in once the user confirms it.
  it('after "Sign in again" polls the new code alone and signs in once it is confirmed', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
    const first = w.sim.cardata.lastUserCode;
    await w.clock.advance(2_000);
    await s.unblock();
    await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
    const second = w.sim.cardata.lastUserCode;
    assert.equal(w.sim.cardata.stats.deviceCodes, 2);
    assert.notEqual(second, first);
    assert.equal(s.state.challenge?.userCode, second, 'the dialog shows the new code');
    // The old code's look was due 3 s from now: the one loop asks about the new code from now on, every 5 s.
    for (let look = 1; look <= 3; look++) {
      await w.clock.advance(5_000);
      await until(() => w.sim.cardata.stats.tokenPolls === look, `look ${look}`);
    }
    assert.ok(w.sim.cardata.approve(second ?? ''));
    await until(() => s.state.phase === 'ready', 'the session to take the tokens of the new code', w, 1_000, 20);
    assert.equal(w.sim.cardata.stats.signIns, 1);
    const polls = w.sim.cardata.stats.tokenPolls;
    assert.ok(polls <= 5, `one poll loop: ${polls} looks in 20 s`);
    await w.clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    assert.equal(w.sim.cardata.stats.tokenPolls, polls, 'no look once signed in');
  });

  it('after "Sign in again" while a look at the old code is on its way, gives the new code and polls it alone', async () => {
    // Holds the device grant's answers until released: the old code's look is in flight when the user asks again.
    let held: (() => void)[] | undefined;
    class GatedHttp extends HttpClient {
      override async request(req: HttpRequestOf): Promise<HttpResponseOf> {
        const res = await super.request(req);
        if (held && typeof req.form?.grant_type === 'string' && req.form.grant_type.includes('device_code')) await new Promise<void>((r) => held?.push(r));
        return res;
      }
    }
    const http = new GatedHttp({ clock: w.clock });
    const s = session(w, dir, 'bmw1', undefined, http);
    sessions.push(s);
    try {
      await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
      const first = w.sim.cardata.lastUserCode;
      held = [];
      await w.clock.advance(5_000);
      await until(() => (held?.length ?? 0) === 1, 'the look at the old code on its way');
      await s.unblock();
      await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' }, 'a new code, not the old look\'s answer');
      const second = w.sim.cardata.lastUserCode;
      assert.notEqual(second, first);
      assert.equal(w.sim.cardata.stats.deviceCodes, 2);
      for (const release of held.splice(0)) release();
      held = undefined;
      assert.equal(s.state.phase, 'tfa_required', 'the old look changes nothing');
      assert.equal(s.state.challenge?.userCode, second);
      const before = w.sim.cardata.stats.tokenPolls;
      assert.ok(w.sim.cardata.approve(second ?? ''));
      await until(() => s.state.phase === 'ready', 'the session to take the tokens of the new code', w, 1_000, 20);
      assert.equal(w.sim.cardata.stats.signIns, 1);
      assert.equal(w.sim.cardata.stats.tokenPolls - before, 1, 'one look at the new code, by one poll loop');
    } finally {
      await http.close();
    }
  });

  // Needs the session to honour PendingChallenge.pollMs and the retryAt of a slow_down (and to
  // keep the longer interval from then on): with a fixed 5 s pace BMW answers slow_down forever.
  it("is polled by the session at the pace BMW names, slower for good after a slow_down", async () => {
    const slow = await world({ pollIntervalS: 10 });
    const s = session(slow, dir);
    try {
      const asked = slow.clock.now();
      await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
      await until(() => slow.sim.cardata.stats.tokenPolls === 1, 'the first look', slow, 1_000);
      assert.ok(slow.clock.now() - asked >= 10_000, 'not before the 10 s BMW names');
      slow.sim.cardata.injectFault({ kind: 'slow-down' });
      await until(() => slow.sim.cardata.stats.tokenPolls === 2, 'the look told to slow down', slow, 1_000);
      const slowedAt = slow.clock.now();
      await until(() => slow.sim.cardata.stats.tokenPolls === 3, 'the next look', slow, 1_000);
      // Seen to the second: the looks came 15 s apart, give or take the step of the wait.
      assert.ok(slow.clock.now() - slowedAt >= 14_000, 'not before retryAt');
      assert.ok(slow.sim.cardata.approve(slow.sim.cardata.lastUserCode ?? ''));
      await until(() => s.state.phase === 'ready', 'the session to take the tokens', slow, 1_000);
      assert.equal(slow.sim.cardata.stats.tokenPolls, 4, 'no second slow_down: every look after it kept 15 s');
      assert.equal(slow.sim.cardata.stats.signIns, 1);
    } finally {
      await s.close();
      await slow.close();
    }
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
