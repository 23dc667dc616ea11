// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CarError, HttpClient, type HttpRequest, type HttpResponse } from '../../src/core';
import { parseRenault } from '../../src/brands/renault/parse';
import type { AccountSession } from '../../src/features/session';
import { DEFAULT_GIGYA_API_KEY, DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { ZE50, rejection, renaultWorldEach, reported, type RenaultSessionOptions } from '../renault-session';
import { readRenault, readRenaultJson } from './fixtures';

/** The auth state the session keeps in the account's file. */
async function storedAuth(dir: string, key: string): Promise<Record<string, unknown>> {
  const file = JSON.parse(await fs.readFile(path.join(dir, `${key}.json`), 'utf8')) as { auth?: Record<string, unknown> };
  return file.auth ?? {};
}

describe('Renault two-factor sign-in as the live server does it (renault-2fa.md)', () => {
  const world = renaultWorldEach();
  const KEY = 'trust';

  const session = (o: RenaultSessionOptions = {}): AccountSession => world.session({ key: KEY, ...o });
  const stats = () => world.sim.renault.stats;
  const read = (s: AccountSession) => s.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });

  /** Signs in a fresh session with the e-mailed code; returns it signed in. */
  async function signInWithCode(): Promise<AccountSession> {
    const s = session();
    const err = await rejection(s.vehicles());
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.ok(s.awaitingCode);
    assert.equal((await s.submitCode(world.sim.renault.lastTfaCode ?? '')).phase, 'ready');
    return s;
  }

  it('reads the real 403101 answer (HTTP 200, sessionInfo without a cookie) as a two-factor step, not an unexpected shape', async () => {
    const model = parseRenault('gigya-login', await readRenault('gigya', 'error', 'login.403101.json')) as { error: { code: string; upstreamCode: string; message: string } };
    assert.equal(model.error.code, 'TFA_REQUIRED');
    assert.equal(model.error.upstreamCode, '403101');
    assert.doesNotMatch(model.error.message, /unexpected shape/);
    assert.ok(!model.error.message.includes('st2.s.AtLt'), 'the regToken is a secret');
    // Numbers as strings and fields nobody maps: what is needed is read, the rest ignored.
    assert.deepEqual(parseRenault('gigya-login', await readRenault('gigya', 'login.strings.json')), { signedIn: true, personId: 'test-person' });
    // The simulator answers exactly that shape.
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const res = await fetch(`${world.sim.renault.gigyaUrl}/accounts.login`, {
      method: 'POST',
      body: new URLSearchParams({ ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    const real = (await readRenaultJson('gigya', 'error', 'login.403101.json')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), Object.keys(real).sort());
    assert.deepEqual([body.errorCode, body.statusCode, body.errorMessage, body.errorDetails, body.sessionInfo], [real.errorCode, real.statusCode, real.errorMessage, real.errorDetails, real.sessionInfo]);
  });

  it("signs in with every locale's keys: the simulator takes renault-api's public keys (EU, LU, MX) as the real servers do", async () => {
    for (const locale of ['de_DE', 'fr_LU', 'es_MX']) {
      const s = world.session({ key: `keys-${locale}`, locale });
      assert.ok((await s.vehicles()).length > 0, locale);
    }
  });

  it('drives the real 403101 through bootstrap, the code and finalizeTFA to a signed-in account whose device is trusted', async () => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const s = await signInWithCode();
    // webSdkBootstrap once; login, 403101, initTFA, getEmails, sendVerificationCode, completeVerification, finalizeTFA, login again.
    assert.equal(stats().bootstraps, 1);
    assert.equal(stats().logins, 2);
    assert.equal(stats().codesSent, 1);
    const auth = await storedAuth(world.dir, KEY);
    assert.equal(typeof auth.gmid, 'string');
    assert.equal(typeof auth.ucid, 'string');
    assert.equal(typeof auth.loginToken, 'string');
    assert.deepEqual(
      world.sim.renault.trustedDevices(DEMO_RENAULT_USER).map((d) => [d.gmid, d.until]),
      [[auth.gmid, world.clock.now() + world.sim.renault.trustMs]],
      'the device of the login is the one finalizeTFA trusted, for 30 days',
    );
    assert.equal((await read(s)).battery?.socPercent, reported(world.sim, ZE50).socPercent);
  });

  it('needs no new code after a restart, nor for a second password sign-in with the same device ids', async () => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    let s = await signInWithCode();
    const { gmid } = await storedAuth(world.dir, KEY);
    await s.close();

    // A restart: the login token is kept, JWTs are minted from it without any code.
    s = session();
    await world.clock.advance(16 * 60_000);
    const jwts = stats().getJwt;
    await read(s);
    assert.equal(stats().logins, 2, 'no login after the restart');
    assert.equal(stats().getJwt, jwts + 1, 'a JWT minted from the kept login token');

    // The login token dies (getJWT 403005): a password sign-in with the same device, trusted: no code.
    world.sim.renault.revokeLoginTokens();
    await world.clock.advance(16 * 60_000);
    await read(s);
    assert.equal(stats().logins, 3, 'one password sign-in');
    assert.equal(stats().codesSent, 1, 'no new e-mail code');
    assert.equal(stats().bootstraps, 1, 'the kept device, not a new one');
    assert.equal((await storedAuth(world.dir, KEY)).gmid, gmid);
    assert.equal(s.state.phase, 'ready');

    // 30 days later the trust has run out: the next password sign-in needs a code again.
    await world.clock.advance(world.sim.renault.trustMs);
    world.sim.renault.revokeLoginTokens();
    assert.equal((await rejection(read(s))).code, 'TFA_REQUIRED');
  });

  it('a 403101 met in the background sends no e-mail: the account says a code is needed and waits for "Sign in again"', async () => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    let s = await signInWithCode();
    const { gmid } = await storedAuth(world.dir, KEY);
    // Renault asks again (trust withdrawn) and the login token dies: the poll's sign-in meets 403101.
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    world.sim.renault.revokeLoginTokens();
    await world.clock.advance(16 * 60_000);
    const err = await rejection(s.readStatus(ZE50, ['battery'], { kind: 'background', maxAgeMs: 0 }));
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.match(err.message, /sign-in code.*Nothing was sent yet: press "Sign in again"/);
    assert.equal(stats().codesSent, 1, 'no e-mail without a user action');
    assert.equal(s.state.phase, 'tfa_required');
    assert.equal(s.state.challenge, undefined, 'no code is awaited');
    assert.equal(s.awaitingCode, false);
    const logins = stats().logins;
    for (let i = 0; i < 3; i++) await assert.rejects(read(s), { code: 'TFA_REQUIRED' });
    assert.equal(stats().logins, logins, 'no login while it waits');

    // A restart keeps it waiting, without a call; the device ids stay in the file.
    await s.close();
    s = session();
    await assert.rejects(read(s), { code: 'TFA_REQUIRED' });
    assert.equal(stats().logins, logins);
    assert.equal((await storedAuth(world.dir, KEY)).gmid, gmid, 'the device ids outlive the failed sign-in');
    assert.equal((await storedAuth(world.dir, KEY)).loginToken, undefined, 'the dead token does not');

    // "Sign in again": now the code is sent, for the same device.
    await s.unblock();
    await assert.rejects(read(s), { code: 'TFA_REQUIRED', message: /sent a sign-in code to d\*\*\*@example\.com/ });
    assert.equal(stats().codesSent, 2);
    assert.ok(s.awaitingCode);
    assert.equal((await s.submitCode(world.sim.renault.lastTfaCode ?? '')).phase, 'ready');
    assert.equal(stats().bootstraps, 1, 'no new device');
    assert.deepEqual(
      world.sim.renault.trustedDevices(DEMO_RENAULT_USER).map((d) => d.gmid),
      [gmid],
    );
  });

  it('keeps the login token through rate limits, server errors and network errors of getJWT', async () => {
    class FlakyHttp extends HttpClient {
      failJwt = 0;
      override request(req: HttpRequest): Promise<HttpResponse> {
        if (this.failJwt > 0 && req.url.endsWith('/accounts.getJWT')) {
          this.failJwt--;
          return Promise.reject(new CarError('NETWORK', 'POST gigya/accounts.getJWT: ECONNRESET'));
        }
        return super.request(req);
      }
    }
    const http = new FlakyHttp({ clock: world.clock });
    const s = session({ http });
    try {
      await read(s);
      const logins = stats().logins;
      const cases: [() => void, string][] = [
        [() => world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'rate-limited' }), 'RATE_LIMITED'],
        [() => world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'server-error' }), 'UPSTREAM'],
        [() => world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'html-500' }), 'UPSTREAM'],
        [() => (http.failJwt = 1), 'NETWORK'],
      ];
      for (const [arm, code] of cases) {
        await world.clock.advance(16 * 60_000);
        arm();
        const err = await rejection(read(s));
        assert.equal(err.code, code, err.message);
        assert.ok((await storedAuth(world.dir, KEY)).loginToken, `${code}: the login token is kept`);
        // The refresh is tried again after a back-off (or the time Renault names), not at once.
        const jwts = stats().getJwt;
        assert.equal((await rejection(read(s))).code, code, `${code}: refused again at once`);
        assert.equal(stats().getJwt, jwts, `${code}: without asking Renault again`);
        await world.clock.advance(Math.max(30_000, (err.retryAt ?? 0) - world.clock.now()));
        assert.ok((await read(s)).battery, `${code}: the next read mints a JWT from it`);
        assert.equal(stats().logins, logins, `${code}: no password sign-in`);
      }
      // Only 403005/403013 end it: then one password sign-in.
      world.sim.renault.revokeLoginTokens();
      await world.clock.advance(16 * 60_000);
      await read(s);
      assert.equal(stats().logins, logins + 1);
    } finally {
      await s.close();
      await http.close();
    }
  });

  it('says what went wrong with a code: wrong (try again), too late (ask for a new one)', async () => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const s = session();
    await assert.rejects(s.vehicles(), { code: 'TFA_REQUIRED' });
    const code = world.sim.renault.lastTfaCode ?? '';
    const wrong = await rejection(s.submitCode(code === '000000' ? '111111' : '000000'));
    assert.equal(wrong.code, 'BAD_INPUT');
    assert.match(wrong.message, /did not accept the sign-in code \(Gigya 400006: Wrong verification code\); check the e-mail and enter the code again/);
    assert.ok(s.awaitingCode, 'a wrong code may be typed again');
    // Six minutes later the code's step has lapsed: a new code is needed.
    await world.clock.advance(6 * 60_000);
    const late = await rejection(s.submitCode(code));
    assert.equal(late.code, 'TFA_REQUIRED');
    assert.match(late.message, /sign-in code has expired.*about 5 minutes.*press "Sign in again" for a new code/i);
    assert.equal(s.awaitingCode, false);
    assert.equal(s.state.phase, 'tfa_required');
    await s.unblock();
    await assert.rejects(s.vehicles(), { code: 'TFA_REQUIRED' });
    assert.equal((await s.submitCode(world.sim.renault.lastTfaCode ?? '')).phase, 'ready');
  });

  it('says where to add an e-mail address when Renault has none on file, and never guesses one', async () => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    world.sim.renault.setTfaEmail(DEMO_RENAULT_USER, false);
    const s = session();
    const err = await rejection(s.vehicles());
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.match(err.message, /no e-mail address on file.*MyRenault app.*add or confirm the e-mail address.*"Sign in again"/);
    assert.ok(!err.message.includes(DEMO_RENAULT_USER) && !err.message.includes('d***'), 'no address guessed');
    assert.equal(stats().codesSent, 0);
    assert.equal(s.state.phase, 'tfa_required');
    assert.equal(s.awaitingCode, false);
  });

  it('stops signing in when Renault locks the account out (403120), and says so', async () => {
    world.sim.renault.lockAccount(DEMO_RENAULT_USER, 30 * 60_000);
    const s = session();
    const err = await rejection(s.vehicles());
    assert.equal(err.code, 'AUTH_FAILED');
    assert.equal(err.upstreamCode, '403120');
    assert.match(err.message, /locked this account for a while .*too many sign-in attempts.*stops signing in.*"Sign in again"/);
    assert.equal(s.state.phase, 'blocked');
    const logins = stats().logins;
    await world.clock.advance(60 * 60_000);
    for (let i = 0; i < 3; i++) await assert.rejects(s.vehicles({ force: true }), { code: 'AUTH_FAILED' });
    assert.equal(stats().logins, logins, 'no sign-in that would prolong the lock');
    await s.unblock();
    assert.ok((await s.vehicles({ force: true })).length > 0, 'after the lock, "Sign in again" works');
    // When Renault names the end, the message says until when.
    const body = { ...((await readRenaultJson('gigya', 'error', 'login.403120.json')) as object), errorDetails: 'Account temporarily locked out until 2026-06-02T08:11:03Z' };
    const named = (parseRenault('gigya-login', JSON.stringify(body)) as { error: { code: string; message: string; retryAt?: string } }).error;
    assert.equal(named.code, 'AUTH_FAILED');
    assert.equal(named.retryAt, '2026-06-02T08:11:03.000Z');
    assert.match(named.message, /locked this account until 2026-06-02T08:11:03Z/);
  });
});
