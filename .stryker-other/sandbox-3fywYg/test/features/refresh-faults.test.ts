// @ts-nocheck
import { describe, it, afterEach, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CarError, type ManualClock } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import type { GigyaFaultKind } from '../../src/sim/renault/gigya';
import type { CardataFaultKind } from '../../src/sim/cardata/types';
import { session as cardataSession, signInSession, world as cardataWorld, type World } from '../cardata/helpers';
import { TrackedHttp, eventually, removeDir, settleIo, tempDir } from '../helpers';
import { ZE50, renaultWorldEach } from '../renault-session';

/**
 * Issue 15, point 1: a token refresh that meets a transient fault (a lost reply, a reset, a
 * single 429, a 5xx, the process dying in the middle) keeps the session: no new password
 * sign-in, no new device code; only a definitive answer (the token is dead) ends it.
 */

/**
 * Settles p, moving the clock a second at a time (retry pauses wait on it) only while no request is on the wire: the
 * clock stands still during real I/O, so a slow machine cannot turn a fault's answer into a clock deadline's. Mocha's
 * timeout is the deadline.
 */
async function drive<T>(p: Promise<T>, clock: ManualClock, http: TrackedHttp): Promise<T | CarError> {
  let done = false;
  const out = p.then(
    (v) => v,
    (e: unknown) => (e instanceof CarError ? e : new CarError('UPSTREAM', String(e))),
  );
  void out.finally(() => (done = true));
  for (;;) {
    await settleIo(http);
    if (done) return out;
    await clock.advance(1_000);
  }
}

/** The HTTP client of the session opened last. */
function lastHttp(https: TrackedHttp[]): TrackedHttp {
  const http = https[https.length - 1];
  assert.ok(http, 'a session was opened');
  return http;
}

async function storedFile(dir: string, key: string): Promise<{ auth?: Record<string, unknown>; blocked?: unknown }> {
  return JSON.parse(await fs.readFile(path.join(dir, `${key}.json`), 'utf8')) as { auth?: Record<string, unknown>; blocked?: unknown };
}

describe('A token refresh keeps the session through transient faults (Renault Gigya)', function () {
  this.timeout(60_000);
  const world = renaultWorldEach();
  const KEY = 'refresh';
  const https: TrackedHttp[] = [];
  afterEach(async () => {
    for (const h of https.splice(0)) await h.close();
  });
  /** A session whose HTTP gives up after 300 ms of real time (a lost reply), as the account nodes make it. */
  function open(): AccountSession {
    const http = new TrackedHttp({ clock: world.clock, timeoutMs: 300 });
    https.push(http);
    return world.session({ key: KEY, http });
  }
  const read = (s: AccountSession) => s.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
  const stats = () => world.sim.renault.stats;

  const faults: [GigyaFaultKind, string][] = [
    ['hang', 'TIMEOUT'],
    ['reset', 'NETWORK'],
    ['rate-limited', 'RATE_LIMITED'],
    ['server-error', 'UPSTREAM'],
    ['html-500', 'UPSTREAM'],
  ];
  for (const [kind, code] of faults) {
    it(`getJWT ${kind}: ${code}, the login token kept, no password sign-in, the next refresh works`, async () => {
      const s = open();
      await read(s);
      const logins = stats().logins;
      await world.clock.advance(16 * 60_000); // the JWT is old: the next call refreshes it
      world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind, times: 3 });
      const err = await drive(read(s), world.clock, lastHttp(https));
      assert.ok(err instanceof CarError, 'the read failed');
      assert.equal(err.code, code, err.message);
      assert.notEqual(s.state.phase, 'blocked');
      const file = await storedFile(world.dir, KEY);
      assert.ok(file.auth?.loginToken, 'the login token is kept in the file');
      assert.equal(file.blocked, undefined);
      world.sim.renault.clearFaults();
      await world.clock.advance(Math.max(30_000, (err.retryAt ?? 0) - world.clock.now()));
      assert.ok((await read(s)).battery, 'a JWT minted from the kept login token');
      assert.equal(stats().logins, logins, 'no password sign-in');
    });
  }

  it('a crash in the middle of a refresh: the next start refreshes from the file, no password sign-in', async () => {
    const s = open();
    await read(s);
    const logins = stats().logins;
    const jwts = stats().getJwt;
    await world.clock.advance(16 * 60_000);
    world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'hang', times: 1 });
    const inFlight = read(s).catch((e: unknown) => e);
    await eventually(() => stats().getJwt > jwts, 'the refresh on the wire');
    assert.equal(stats().getJwt, jwts + 1, 'the refresh is on the wire');
    // The process goes (a crash, a stop): its connections with it; the answer never comes.
    await https[https.length - 1]?.close();
    await s.close();
    await inFlight;
    const after = open();
    assert.ok((await read(after)).battery);
    assert.equal(stats().logins, logins, 'no password sign-in after the crash');
  });

  it('ends the login token only on a definitive answer (Gigya 403005): one password sign-in', async () => {
    const s = open();
    await read(s);
    const logins = stats().logins;
    world.sim.renault.revokeLoginTokens();
    await world.clock.advance(16 * 60_000);
    assert.ok((await read(s)).battery);
    assert.equal(stats().logins, logins + 1);
  });
});

describe('A token refresh keeps the session through transient faults (BMW CarData)', function () {
  this.timeout(60_000);
  let w: World;
  let dir: string;
  const sessions: AccountSession[] = [];
  const https: TrackedHttp[] = [];

  beforeEach(async () => {
    w = await cardataWorld();
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    for (const h of https.splice(0)) await h.close();
    await w.close();
    await removeDir(dir);
  });

  /** A session with its own HTTP client giving up after 300 ms of real time (a lost reply). */
  function open(): AccountSession {
    const http = new TrackedHttp({ clock: w.clock, timeoutMs: 300 });
    https.push(http);
    const s = cardataSession(w, dir, undefined, undefined, http);
    sessions.push(s);
    return s;
  }

  const faults: [CardataFaultKind, string][] = [
    ['refresh-hang', 'TIMEOUT'],
    ['refresh-reset', 'NETWORK'],
    ['refresh-429', 'RATE_LIMITED'],
    ['refresh-unavailable', 'UPSTREAM'],
  ];
  for (const [kind, code] of faults) {
    it(`refresh ${kind}: ${code}, the refresh token kept, no new device code, the next refresh works`, async () => {
      const s = open();
      await signInSession(w, s);
      const codes = w.sim.cardata.stats.deviceCodes;
      await w.clock.advance(61 * 60_000); // the id_token is old: the next call refreshes it
      w.sim.cardata.injectFault({ kind });
      const err = await drive(s.getAuth(), w.clock, lastHttp(https));
      assert.ok(err instanceof CarError, 'the refresh failed');
      assert.equal(err.code, code, err.message);
      assert.notEqual(s.state.phase, 'blocked');
      assert.equal(s.awaitingCode, false, 'no device code for a passing fault');
      const file = await storedFile(dir, s.key);
      assert.ok(file.auth?.refreshToken, 'the refresh token is kept in the file');
      assert.equal(file.blocked, undefined);
      await w.clock.advance(Math.max(30_000, (err.retryAt ?? 0) - w.clock.now()));
      const renewed = (await s.getAuth()) as { idExpiresAt: number };
      assert.ok(renewed.idExpiresAt > w.clock.now());
      assert.equal(w.sim.cardata.stats.deviceCodes, codes, 'no new device code');
    });
  }

  it('a crash in the middle of a refresh that BMW never got: the next start refreshes from the file', async () => {
    const s = open();
    await signInSession(w, s);
    const codes = w.sim.cardata.stats.deviceCodes;
    const refreshes = w.sim.cardata.stats.refreshes;
    await w.clock.advance(61 * 60_000);
    w.sim.cardata.injectFault({ kind: 'refresh-hang' });
    const inFlight = s.getAuth().catch((e: unknown) => e);
    await eventually(() => w.sim.cardata.stats.refreshes > refreshes, 'the refresh on the wire');
    assert.equal(w.sim.cardata.stats.refreshes, refreshes + 1, 'the refresh is on the wire');
    // The process goes: its connections with it; the answer never comes.
    await https[https.length - 1]?.close();
    await s.close();
    await inFlight;
    const after = open();
    const renewed = (await after.getAuth()) as { idExpiresAt: number };
    assert.ok(renewed.idExpiresAt > w.clock.now());
    assert.equal(w.sim.cardata.stats.deviceCodes, codes, 'no new device code after the crash');
  });

  it('ends the session only on a definitive answer (the refresh token is dead): a new device code', async () => {
    const s = open();
    await signInSession(w, s);
    const codes = w.sim.cardata.stats.deviceCodes;
    w.sim.cardata.revokeRefreshTokens();
    await w.clock.advance(61 * 60_000);
    await assert.rejects(s.getAuth(), { code: 'TFA_REQUIRED' });
    assert.equal(w.sim.cardata.stats.deviceCodes, codes + 1, 'a new device code, shown to the user');
  });
});
