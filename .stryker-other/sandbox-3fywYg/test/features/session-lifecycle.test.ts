// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AnswerLostError, CarError, ManualClock, TokenRejectedError, TokenStore, type StoredAccount, type Vehicle } from '../../src/core';
import { getProvider, type Connection, type ConnectionContext, type Provider, type ProviderAuth } from '../../src/brands';
import { AccountSession, type SessionState } from '../../src/features/session';
import { eventually, recordingLogger, removeDir, tempDir, type RecordingLogger } from '../helpers';
import { rejection } from '../renault-session';

/**
 * The account session's own bookkeeping, against a fake cloud whose answers the test decides: the state it tells
 * (and only when it changes), what a call's failure makes of it, the second try after a rejected token, the vehicle
 * list's day of trust, the file written soon after a change, and close.
 */

const A = 'VFAKE000000000001';
const B = 'VFAKE000000000002';
const HOUR = 3_600_000;
const SAVE_DELAY_MS = 2_000;

interface FakeTokens {
  token: string;
  exp: number;
}

/** The fake cloud: what it answers, and what it was asked. */
interface Fake {
  ctx?: ConnectionContext<unknown>;
  vehicles: Vehicle[];
  lists: number;
  logins: number;
  loginError?: Error;
  closes: number;
  /** What the connection keeps across restarts; undefined: nothing. */
  kept?: unknown;
}

const renault = getProvider('renault');

function fakeProvider(fake: Fake): Provider<unknown> {
  const auth: ProviderAuth<FakeTokens> = {
    stateSchema: z.object({ token: z.string(), exp: z.number() }),
    login: async (ctx) => {
      fake.logins++;
      if (fake.loginError) throw fake.loginError;
      return { token: `token-${fake.logins}`, exp: ctx.clock.now() + HOUR };
    },
    refresh: () => Promise.reject(new CarError('AUTH_FAILED', 'no refresh in the fake cloud')),
    canRefresh: () => false,
    accessExpiresAt: (s) => s.exp,
  };
  const connection: Connection = {
    listVehicles: () => {
      fake.lists++;
      return Promise.resolve([...fake.vehicles]);
    },
    capabilities: () => ({ parts: ['battery'], commands: [], chargingRead: false, chargingWrite: false, nativeChargeSessions: false, nativeTrips: false }),
    status: {
      cost: () => 0,
      read: () => Promise.resolve({ status: { battery: { socPercent: 64 } }, raw: {}, missing: [] }),
    },
    raw: {
      paths: [],
      endpoints: [],
      request: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no raw requests')),
      readEndpoint: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no endpoints')),
    },
    missing: { charging: 'the fake cloud keeps no charge settings' },
    snapshot: () => fake.kept,
    close: () => {
      fake.closes++;
      return Promise.resolve();
    },
  };
  return {
    id: 'renault',
    name: 'Fakecloud',
    auth: auth as ProviderAuth<unknown>,
    offer: renault.offer,
    budget: renault.budget,
    positionNoiseM: renault.positionNoiseM,
    odometerStepKm: renault.odometerStepKm,
    resolveConfig: (input) => renault.resolveConfig(input),
    connect: (ctx) => {
      fake.ctx = ctx;
      return connection;
    },
  };
}

describe('features/session: the account session against a fake cloud', () => {
  let dir: string;
  let clock: ManualClock;
  let fake: Fake;
  let log: RecordingLogger;
  const sessions: AccountSession[] = [];

  const open = (over: { httpTimeoutMs?: number } = {}): AccountSession => {
    const s = new AccountSession({
      key: 'fake',
      provider: fakeProvider(fake),
      config: { provider: 'renault', locale: 'fr_FR', username: 'someone@example.com', password: 'secret-password', servers: {}, keys: {} },
      store: new TokenStore(dir),
      clock,
      log,
      ...over,
    });
    sessions.push(s);
    return s;
  };
  const ctx = (): ConnectionContext<unknown> => fake.ctx ?? assert.fail('the session did not connect');
  /** What the account's file holds now. */
  const stored = async (): Promise<StoredAccount | undefined> => new TokenStore(dir).load('fake');
  /** The 'state' events the session emits from now on. */
  const states = (s: AccountSession): SessionState[] => {
    const seen: SessionState[] = [];
    s.on('state', (st: SessionState) => seen.push(st));
    return seen;
  };
  const failWith = (err: Error) => () => Promise.reject(err);

  beforeEach(async () => {
    dir = await tempDir('cc-session-');
    clock = new ManualClock('2026-11-20T08:00:00Z');
    fake = { vehicles: [{ vin: A, drivetrain: 'electric' }], lists: 0, logins: 0, closes: 0 };
    log = recordingLogger();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await removeDir(dir);
  });

  describe('the state it tells', () => {
    it('tells a state once: the same failure again emits nothing, a different message, phase or retry time does', async () => {
      const s = open();
      await ctx().withAuth(() => Promise.resolve('first'));
      const seen = states(s);
      const fail = (err: CarError) => rejection(ctx().withAuth(failWith(err)));
      await fail(new CarError('UPSTREAM', 'the cloud is down'));
      await fail(new CarError('UPSTREAM', 'the cloud is down'));
      await fail(new CarError('UPSTREAM', 'the cloud is still down'));
      await fail(new CarError('RATE_LIMITED', 'the cloud is still down'));
      await fail(new CarError('RATE_LIMITED', 'the cloud is still down', { retryAt: clock.now() + 60_000 }));
      await fail(new CarError('RATE_LIMITED', 'the cloud is still down', { retryAt: clock.now() + 120_000 }));
      await fail(new CarError('RATE_LIMITED', 'the cloud is still down', { retryAt: clock.now() + 120_000 }));
      assert.deepEqual(
        seen.map((st) => [st.phase, st.code, st.message, st.until]),
        [
          ['error', 'UPSTREAM', 'the cloud is down', undefined],
          ['error', 'UPSTREAM', 'the cloud is still down', undefined],
          ['rate_limited', 'RATE_LIMITED', 'the cloud is still down', undefined],
          ['rate_limited', 'RATE_LIMITED', 'the cloud is still down', clock.now() + 60_000],
          ['rate_limited', 'RATE_LIMITED', 'the cloud is still down', clock.now() + 120_000],
        ],
      );
    });

    it('says ready again after a call succeeds that follows a failure, and nothing while it stays ready', async () => {
      const s = open();
      await ctx().withAuth(() => Promise.resolve(1));
      assert.deepEqual(s.state, { phase: 'ready' });
      const seen = states(s);
      await ctx().withAuth(() => Promise.resolve(2));
      assert.equal(seen.length, 0);
      await rejection(ctx().withAuth(failWith(new CarError('UPSTREAM', 'a hiccup'))));
      assert.equal(await ctx().withAuth(() => Promise.resolve(3)), 3);
      assert.deepEqual(s.state, { phase: 'ready' });
      assert.deepEqual(
        seen.map((st) => st.phase),
        ['error', 'ready'],
      );
    });

    it('keeps the state for a vehicle without the endpoint or a wrong input: they say nothing about the account', async () => {
      const s = open();
      await ctx().withAuth(() => Promise.resolve(1));
      const seen = states(s);
      const notSupported = await rejection(ctx().withAuth(failWith(new CarError('NOT_SUPPORTED', 'this car has no such endpoint'))));
      const badInput = await rejection(ctx().withAuth(failWith(new CarError('BAD_INPUT', 'no such seat'))));
      assert.deepEqual([notSupported.code, badInput.code], ['NOT_SUPPORTED', 'BAD_INPUT']);
      assert.deepEqual(s.state, { phase: 'ready' });
      assert.deepEqual(seen, []);
    });

    it('tells an error with its code and message, and until when only when the error says', async () => {
      const s = open();
      await rejection(ctx().withAuth(failWith(new CarError('UPSTREAM', 'the cloud is down'))));
      assert.deepEqual(s.state, { phase: 'error', code: 'UPSTREAM', message: 'the cloud is down' });
      const at = clock.now() + 300_000;
      await rejection(ctx().withAuth(failWith(new CarError('NETWORK', 'no route', { retryAt: at }))));
      assert.deepEqual(s.state, { phase: 'error', code: 'NETWORK', message: 'no route', until: at });
    });

    it('tells a rate limit and a used-up quota alike as rate_limited, an outage as error', async () => {
      const s = open();
      await rejection(ctx().withAuth(failWith(new CarError('QUOTA_EXCEEDED', 'the daily quota is used up'))));
      assert.deepEqual(s.state, { phase: 'rate_limited', code: 'QUOTA_EXCEEDED', message: 'the daily quota is used up' });
      await rejection(ctx().withAuth(failWith(new CarError('RATE_LIMITED', 'slow down'))));
      assert.deepEqual(s.state, { phase: 'rate_limited', code: 'RATE_LIMITED', message: 'slow down' });
      await rejection(ctx().withAuth(failWith(new CarError('TIMEOUT', 'no answer'))));
      assert.deepEqual(s.state, { phase: 'error', code: 'TIMEOUT', message: 'no answer' });
    });

    it('keeps a blocked sign-in blocked when a call begun before fails afterwards', async () => {
      const s = open();
      await ctx().withAuth(() => Promise.resolve(1));
      let release: (e: Error) => void = () => undefined;
      const slow = rejection(ctx().withAuth(() => new Promise((_, reject) => (release = reject))));
      // Another call's token is rejected and the sign-in that follows is refused for good.
      fake.loginError = new CarError('AUTH_FAILED', 'wrong password');
      const refused = await rejection(ctx().withAuth(failWith(new TokenRejectedError('401'))));
      assert.equal(refused.code, 'AUTH_FAILED');
      assert.deepEqual(s.state, { phase: 'blocked', code: 'AUTH_FAILED', message: 'wrong password' });
      release(new CarError('UPSTREAM', 'the cloud is down'));
      assert.equal((await slow).code, 'UPSTREAM');
      assert.deepEqual(s.state, { phase: 'blocked', code: 'AUTH_FAILED', message: 'wrong password' });
    });
  });

  describe('a rejected token and a lost sign-in answer', () => {
    it('mints a new token after a rejected one and runs the call once more with it, saying so in the debug log', async () => {
      open({});
      const used: unknown[] = [];
      const out = await ctx().withAuth((auth) => {
        used.push(auth);
        return used.length === 1 ? Promise.reject(new TokenRejectedError('401')) : Promise.resolve('done');
      });
      assert.equal(out, 'done');
      assert.deepEqual(
        used.map((a) => (a as FakeTokens).token),
        ['token-1', 'token-2'],
      );
      assert.ok(log.lines.includes('debug access token rejected; minting a new one'), log.lines.join('\n'));
    });

    it('fails with AUTH_FAILED naming the application keys when the fresh token is rejected too', async () => {
      const s = open();
      const err = await rejection(ctx().withAuth(failWith(new TokenRejectedError('401'))));
      const words = 'The cloud rejected a freshly minted token; check the application keys under Advanced';
      assert.deepEqual([err.code, err.message], ['AUTH_FAILED', words]);
      assert.deepEqual(s.state, { phase: 'error', code: 'AUTH_FAILED', message: words });
      assert.equal(fake.logins, 2);
    });

    it('fails a second try that meets another error with that error, not as a rejected token', async () => {
      const s = open();
      let tries = 0;
      const err = await rejection(
        ctx().withAuth(() => {
          tries++;
          return Promise.reject(tries === 1 ? new TokenRejectedError('401') : new CarError('UPSTREAM', 'the cloud is down'));
        }),
      );
      assert.deepEqual([tries, err.code, err.message], [2, 'UPSTREAM', 'the cloud is down']);
      assert.deepEqual(s.state, { phase: 'error', code: 'UPSTREAM', message: 'the cloud is down' });
    });

    it("turns a sign-in's lost answer into a plain error of the call, with its code, words and retry time", async () => {
      open();
      const at = clock.now() + 90_000;
      fake.loginError = new AnswerLostError('TIMEOUT', 'the sign-in got no answer', { retryAt: at });
      let ran = false;
      const err = await rejection(
        ctx().withAuth(() => {
          ran = true;
          return Promise.resolve(1);
        }),
      );
      assert.equal(ran, false);
      assert.ok(!(err instanceof AnswerLostError), 'the error of a command that never went out must not say its answer was lost');
      assert.deepEqual([err.code, err.message, err.retryAt], ['TIMEOUT', 'the sign-in got no answer', at]);
    });
  });

  describe('facets', () => {
    it('names the cloud, and why when it says, for a facet it lacks; not a passing error', () => {
      const s = open();
      assert.throws(() => s.facet('charging', 'read charge settings'), (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.deepEqual([e.code, e.message, e.transient], ['NOT_SUPPORTED', 'Fakecloud cannot read charge settings: the fake cloud keeps no charge settings', false]);
        return true;
      });
      assert.throws(() => s.facet('commands', 'send commands'), (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.deepEqual([e.code, e.message, e.transient], ['NOT_SUPPORTED', 'Fakecloud cannot send commands', false]);
        return true;
      });
    });
  });

  describe('the vehicle list', () => {
    it('trusts the list for a day: read again at 24 h, not at 1 h nor just before, and at once when forced', async () => {
      const s = open();
      await s.vehicles();
      assert.equal(fake.lists, 1);
      await clock.advance(HOUR);
      await s.vehicles();
      assert.equal(fake.lists, 1, 'an hour-old list is read again');
      await clock.advance(23 * HOUR - 1);
      await s.vehicles();
      assert.equal(fake.lists, 1, 'a list a millisecond short of a day old is read again');
      await clock.advance(1);
      await s.vehicles();
      assert.equal(fake.lists, 2, 'a day-old list is trusted still');
      await s.vehicles({ force: true });
      assert.equal(fake.lists, 3, 'a forced read is answered from the list');
    });

    it('reads the list again, even young, for a VIN it lacks, and refuses a VIN the account has not', async () => {
      const s = open();
      assert.equal((await s.vehicle(A)).vin, A);
      assert.equal(fake.lists, 1);
      fake.vehicles = [{ vin: A, drivetrain: 'electric' }, { vin: B, drivetrain: 'plugin_hybrid' }];
      const b = await s.vehicle(B);
      assert.deepEqual([b.vin, b.drivetrain, fake.lists], [B, 'plugin_hybrid', 2]);
      assert.equal(s.knownVehicle(B)?.vin, B);
      assert.equal(s.knownVehicle(A)?.vin, A);
      assert.equal(s.knownVehicle('VNONE'), undefined);
      const err = await rejection(s.vehicle('VNONE'));
      assert.deepEqual([err.code, err.message, fake.lists], ['BAD_INPUT', 'vehicle VNONE is not in this account', 3]);
    });
  });

  describe('the account file', () => {
    it('writes no extra section while there is nothing extra to keep', async () => {
      const s = open();
      await ctx().withAuth(() => Promise.resolve(1));
      await s.save();
      const file = await stored();
      assert.ok(file, 'the sign-in wrote the file');
      assert.equal((file.auth as FakeTokens).token, 'token-1');
      assert.equal('extra' in file, false, JSON.stringify(file));
    });

    it('saves two seconds after the budget was spent', async () => {
      open();
      await ctx().withAuth(() => Promise.resolve(1));
      await eventually(async () => (await stored()) !== undefined, 'the sign-in wrote the file');
      assert.deepEqual((await stored())?.budget?.calls, []);
      ctx().budget.take('explicit', 2);
      await clock.advance(SAVE_DELAY_MS);
      await eventually(async () => (await stored())?.budget?.calls.length === 2, 'the file keeps the calls spent');
    });

    it("saves two seconds after the connection says what it keeps changed", async () => {
      open();
      await ctx().withAuth(() => Promise.resolve(1));
      await eventually(async () => (await stored()) !== undefined, 'the sign-in wrote the file');
      fake.kept = { sessionsReadUpTo: '2026-11-19' };
      const changed = ctx().changed ?? assert.fail('the session gives its connection no changed()');
      changed();
      await clock.advance(SAVE_DELAY_MS);
      await eventually(async () => JSON.stringify((await stored())?.extra?.connection) === '{"sessionsReadUpTo":"2026-11-19"}', "the file keeps the connection's state");
    });

    it('saves two seconds after a status read brought news', async () => {
      const s = open();
      await s.vehicles();
      const before = await stored();
      assert.equal(before?.extra?.status, undefined);
      const read = await s.readStatus(A, ['battery']);
      assert.equal(read.battery?.socPercent, 64);
      await clock.advance(SAVE_DELAY_MS);
      await eventually(async () => JSON.stringify((await stored())?.extra?.status ?? null).includes('"socPercent":64'), 'the file keeps the status read');
    });
  });

  describe('its own HTTP client', () => {
    let server: Server;
    let base: string;

    beforeEach(async () => {
      server = createServer((req, res) => {
        if (req.url === '/hang') return; // never answers
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('gives up on an attempt after the HTTP timeout it was given', async () => {
      open({ httpTimeoutMs: 300 });
      const err = await rejection(ctx().http.request({ method: 'POST', url: `${base}/hang`, json: {} }));
      assert.equal(err.code, 'TIMEOUT');
      assert.match(err.message, /no answer within 300 ms/);
    });

    it("writes the client's lines to the account's debug log", async () => {
      open();
      const res = await ctx().http.request({ method: 'GET', url: `${base}/ok` });
      assert.equal(res.status, 200);
      assert.ok(log.lines.includes(`debug GET ${base.slice('http://'.length)}/ok: HTTP 200`), log.lines.join('\n'));
    });
  });

  describe('close', () => {
    it("closes the features' state and the connection once, however often it is called", async () => {
      const s = open();
      let closed = 0;
      s.local(Symbol('queue'), () => ({ close: () => closed++ }));
      s.local(Symbol('plain'), () => ({ close: 'not a function' }));
      s.local(Symbol('none'), () => null);
      await s.close();
      await s.close();
      assert.deepEqual([closed, fake.closes], [1, 1]);
    });
  });
});
