// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { ManualClock } from '../../src/core/clock';
import { CarError, TokenRejectedError } from '../../src/core/errors';
import { REDACTED, liveSecretCount, redact, registerSecret } from '../../src/core/redact';
import { TokenStore } from '../../src/core/token-store';
import type { AccountConfig, Connection, ConnectionContext, Provider, ProviderAuth, ProviderContext } from '../../src/brands/provider';
import type { Vehicle } from '../../src/core/model';
import { AccountSession } from '../../src/features/session';

const FIFTEEN_MIN = 15 * 60_000;

const FakeAuthSchema = z.object({ access: z.string(), refresh: z.string(), expiresAt: z.number() });
type FakeAuth = z.infer<typeof FakeAuthSchema>;

/** Lets other callers pile up while a fake cloud call is "on the wire". */
function wire(): Promise<void> {
  return new Promise<void>((r) => setImmediate(r));
}

/** A provider whose auth counts logins and refreshes; a password of "wrong" is refused. */
class FakeProvider implements Provider<FakeAuth> {
  readonly id = 'renault' as const;
  readonly name = 'the fake provider';
  readonly budget = { limit: 100, windowMs: 3_600_000, reserve: 10, code: 'RATE_LIMITED' as const };
  readonly offer = { brands: [], signIn: ['password'], commands: [], parts: [], charging: { read: false, write: false }, rawPaths: [], missing: {} } as const;
  readonly positionNoiseM = 50;
  readonly odometerStepKm = 0.01;
  logins = 0;
  refreshes = 0;
  /** Refreshes that fail for a passing reason before one works. */
  refreshOutages = 0;
  readonly auth: ProviderAuth<FakeAuth>;

  constructor() {
    this.auth = {
      stateSchema: FakeAuthSchema,
      login: async (ctx: ProviderContext): Promise<FakeAuth> => {
        this.logins++;
        await wire();
        if (ctx.config.password === 'wrong') throw new CarError('AUTH_FAILED', 'Invalid login or password');
        return { access: `access-login-${this.logins}`, refresh: `refresh-${this.logins}`, expiresAt: ctx.clock.now() + FIFTEEN_MIN };
      },
      refresh: async (ctx: ProviderContext, state: FakeAuth): Promise<FakeAuth> => {
        this.refreshes++;
        await wire();
        registerSecret(`access-refresh-${this.refreshes}`);
        if (this.refreshOutages > 0) {
          this.refreshOutages--;
          throw new CarError('UPSTREAM', 'the token service is down (HTTP 503)');
        }
        return { access: `access-refresh-${this.refreshes}`, refresh: state.refresh, expiresAt: ctx.clock.now() + FIFTEEN_MIN };
      },
      canRefresh: (state: FakeAuth): boolean => state.refresh.length > 0,
      accessExpiresAt: (state: FakeAuth): number => state.expiresAt,
    };
  }

  resolveConfig(input: Partial<AccountConfig> & { provider: 'renault' }): AccountConfig {
    return { locale: 'fr_FR', servers: {}, keys: {}, ...input };
  }

  /** The context of each connection opened, so that a test can run calls with the account's token. */
  readonly contexts = new Map<Connection, ConnectionContext<FakeAuth>>();

  connect(ctx: ConnectionContext<FakeAuth>): Connection {
    const notHere = (): Promise<never> => Promise.reject(new CarError('NOT_SUPPORTED', 'not in this fake'));
    const connection: Connection = {
      listVehicles: () => Promise.resolve([] as Vehicle[]),
      capabilities: () => ({ parts: [], commands: [], chargingRead: false, chargingWrite: false, nativeChargeSessions: false, nativeTrips: false }),
      status: { cost: () => 1, read: notHere },
      raw: { paths: [], request: notHere, endpoints: [], readEndpoint: notHere },
      close: () => Promise.resolve(),
    };
    this.contexts.set(connection, ctx);
    return connection;
  }
}

function config(password = 'secret-pass'): AccountConfig {
  return {
    provider: 'renault',
    locale: 'fr_FR',
    username: 'driver@example.com',
    password,
    servers: { gigya: 'https://gigya.invalid', kamereon: 'https://kamereon.invalid' },
    keys: { gigyaApiKey: 'public-key' },
  };
}

function accessOf(auth: unknown): string {
  return FakeAuthSchema.parse(auth).access;
}

describe('features/session: single flight of sign-in and refresh', () => {
  let dir: string;
  let store: TokenStore;
  let clock: ManualClock;
  let provider: FakeProvider;
  const sessions: AccountSession[] = [];

  /** Runs fn with the session's token, as its connection's facets do. */
  function call<T>(s: AccountSession, fn: (auth: FakeAuth) => Promise<T>): Promise<T> {
    const ctx = provider.contexts.get(s.connection);
    if (!ctx) throw new Error('no connection');
    return ctx.withAuth(fn);
  }

  function session(password?: string): AccountSession {
    const s = new AccountSession({ key: 'account-1', provider, config: config(password), store, clock });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-session-'));
    store = new TokenStore(dir);
    clock = new ManualClock();
    provider = new FakeProvider();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refreshes a restored, expired token exactly once for 100 concurrent calls, with no login', async () => {
    const first = session();
    assert.equal(accessOf(await first.getAuth()), 'access-login-1');
    await first.close();
    assert.equal(provider.logins, 1);

    await clock.advance(FIFTEEN_MIN + 60_000); // the stored access token is now expired
    const restarted = session();
    const seen: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(restarted, async (auth) => {
          seen.push(accessOf(auth));
          await wire();
          return i;
        }),
      ),
    );

    assert.equal(provider.refreshes, 1);
    assert.equal(provider.logins, 1, 'no login after the restart');
    assert.deepEqual(results, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(seen.length, 100);
    assert.ok(seen.every((a) => a === 'access-refresh-1'), 'every call used the refreshed token');
    assert.equal(restarted.state.phase, 'ready');

    // The refreshed token was stored: a further restart needs neither login nor refresh.
    await restarted.close();
    const again = session();
    assert.equal(accessOf(await again.getAuth()), 'access-refresh-1');
    assert.equal(provider.refreshes, 1);
    assert.equal(provider.logins, 1);
  });

  it('signs in once for 100 concurrent first calls', async () => {
    const s = session();
    const auths = await Promise.all(Array.from({ length: 100 }, () => s.getAuth()));
    assert.equal(provider.logins, 1);
    assert.equal(provider.refreshes, 0);
    assert.ok(auths.every((a) => accessOf(a) === 'access-login-1'));
  });

  it('re-mints a rejected token with exactly one refresh and retries the call', async () => {
    const s = session();
    await s.getAuth();
    let attempts = 0;
    const used: string[] = [];
    const out = await call(s, async (auth) => {
      attempts++;
      used.push(accessOf(auth));
      if (attempts === 1) throw new TokenRejectedError();
      return 'vehicle data';
    });
    assert.equal(out, 'vehicle data');
    assert.equal(attempts, 2);
    assert.deepEqual(used, ['access-login-1', 'access-refresh-1']);
    assert.equal(provider.refreshes, 1);
    assert.equal(provider.logins, 1);
  });

  it('refreshes once when 20 concurrent calls all find the same token rejected', async () => {
    const s = session();
    await s.getAuth();
    const out = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(s, async (auth) => {
          await wire();
          if (accessOf(auth) === 'access-login-1') throw new TokenRejectedError();
          return accessOf(auth);
        }),
      ),
    );
    assert.ok(out.every((a) => a === 'access-refresh-1'));
    assert.equal(provider.refreshes, 1);
  });

  it('keeps only live tokens as secrets: 50 refreshes leave the redaction set as it was', async () => {
    const s = session();
    await s.getAuth();
    const before = liveSecretCount();
    for (let i = 0; i < 50; i++) {
      await clock.advance(FIFTEEN_MIN);
      await s.getAuth();
    }
    assert.equal(provider.refreshes, 50);
    assert.ok(liveSecretCount() <= before + 1, `live secrets grew from ${before} to ${liveSecretCount()}`);
    assert.equal(redact('token access-refresh-50 in a line'), `token ${REDACTED} in a line`, 'the live one is still redacted');
  });

  it('keeps the tokens through a refresh outage: the access token serves while valid, the refresh waits out a back-off', async () => {
    const s = session();
    assert.equal(accessOf(await s.getAuth()), 'access-login-1');
    provider.refreshOutages = 2;
    // Inside the refresh margin but not expired: the outage costs nothing yet.
    await clock.advance(FIFTEEN_MIN - 30_000);
    assert.equal(accessOf(await s.getAuth()), 'access-login-1');
    assert.equal(provider.refreshes, 1);
    assert.equal(s.state.phase, 'ready');
    assert.equal(accessOf(await s.getAuth()), 'access-login-1', 'no second refresh within the back-off');
    assert.equal(provider.refreshes, 1);
    // Expired, and the service still down: an error, not a sign-in, and no hammering.
    await clock.advance(40_000);
    await assert.rejects(s.getAuth(), { code: 'UPSTREAM' });
    assert.equal(provider.refreshes, 2);
    await assert.rejects(s.getAuth(), { code: 'UPSTREAM' });
    assert.equal(provider.refreshes, 2);
    await clock.advance(60_000);
    assert.equal(accessOf(await s.getAuth()), 'access-refresh-3');
    assert.equal(provider.logins, 1, 'never a new sign-in for an outage');
  });

  it('stops after a definitive AUTH_FAILED: no further logins, also after a restart; a new password is tried', async () => {
    const s = session('wrong');
    await assert.rejects(s.getAuth(), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED');
    assert.equal(provider.logins, 1);
    assert.equal(s.state.phase, 'blocked');

    for (let i = 0; i < 5; i++) {
      await clock.advance(3_600_000);
      await assert.rejects(s.getAuth(), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED');
    }
    assert.equal(provider.logins, 1, 'the refused password is not tried again');
    await s.close();

    const restarted = session('wrong');
    await assert.rejects(restarted.getAuth(), (e: unknown) => e instanceof CarError && e.code === 'AUTH_FAILED');
    assert.equal(restarted.state.phase, 'blocked');
    assert.equal(provider.logins, 1, 'a restart does not try the refused password again');
    await restarted.close();

    const fixed = session('right-now');
    assert.equal(accessOf(await fixed.getAuth()), 'access-login-2');
    assert.equal(provider.logins, 2);
    assert.equal(fixed.state.phase, 'ready', 'signed in');
  });
});
