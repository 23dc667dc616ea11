/**
 * What the account settings of the editor become (src/features/accounts.ts): which sign-in is
 * still missing, the checked config and budget of a session, its file name, and which nodes
 * share one session (the account's identity).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CarError, silentLogger as quiet } from '../../src/core';
import { AccountRegistry, createSession, missingSignIn, tokenDir, type AccountSettings } from '../../src/features/accounts';
import type { AccountSession } from '../../src/features/session';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { eventually, jwtWith, removeDir, tempDir } from '../helpers';
import { ZE50, renaultWorldEach } from '../renault-session';

/** Fixed servers (nothing is called): the identities below do not depend on a simulator's port. */
const SERVERS = { gigya: 'http://127.0.0.1:1/gigya', kamereon: 'http://127.0.0.1:1/kamereon' };
const user = (username: string, extra: Partial<AccountSettings> = {}): AccountSettings => ({ provider: 'renault', username, password: 'pw-1', servers: SERVERS, ...extra });
const token = (accountId: string): AccountSettings => ({
  provider: 'renault',
  authMode: 'token',
  accessToken: jwtWith({ exp: 2_000_000_000 }),
  accountId,
  servers: SERVERS,
});

/** The BAD_INPUT message a call throws. */
function badInput(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CarError, String(e));
    assert.equal(e.code, 'BAD_INPUT');
    return e.message;
  }
  return assert.fail('expected BAD_INPUT');
}

describe('account settings: what is missing, the session they build, and who shares it', () => {
  let dir = '';
  const sessions: AccountSession[] = [];
  beforeEach(async () => {
    dir = await tempDir('cc-accounts-');
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await removeDir(dir);
  });
  const session = (settings: AccountSettings, key = 'acc'): AccountSession => {
    const s = createSession({ key, userDir: dir, settings });
    sessions.push(s);
    return s;
  };

  describe('missingSignIn', () => {
    it('takes an empty provider as Renault and names the e-mail and password until both are there', () => {
      assert.equal(missingSignIn({ provider: '' }), 'the e-mail address and the password');
      assert.equal(missingSignIn({ provider: 'renault', username: 'a@b.c' }), 'the e-mail address and the password');
      assert.equal(missingSignIn({ provider: 'renault', password: 'pw' }), 'the e-mail address and the password');
      assert.equal(missingSignIn({ provider: '', username: 'a@b.c', password: 'pw' }), undefined);
      assert.equal(missingSignIn({ provider: 'renault', authMode: 'token' }), 'the pasted access token (JWT)');
    });

    it('names the CarData client id until one that is not blank is there; another provider misses nothing', () => {
      assert.equal(missingSignIn({ provider: 'cardata' }), 'the CarData client id');
      assert.equal(missingSignIn({ provider: 'cardata', keys: { clientId: '   ' } }), 'the CarData client id');
      assert.equal(missingSignIn({ provider: 'cardata', keys: { clientId: 'abcdef12' } }), undefined);
      assert.equal(missingSignIn({ provider: 'elsewhere' }), undefined);
    });
  });

  describe('createSession: the checked config', () => {
    it('trims the servers, keys and e-mail address it is given', () => {
      const s = session({ provider: 'renault', username: '  a@b.c ', password: ' pw ', servers: { gigya: ` ${SERVERS.gigya} `, kamereon: SERVERS.kamereon }, keys: { gigyaApiKey: ' gk ', kamereonApiKey: '\tkk\n' } });
      assert.equal(s.config.username, 'a@b.c');
      assert.equal(s.config.password, ' pw ', 'a password is taken as typed');
      assert.deepEqual(s.config.servers, SERVERS);
      assert.deepEqual(s.config.keys, { gigyaApiKey: 'gk', kamereonApiKey: 'kk' });
    });

    it('takes an empty authMode and "password" as the password sign-in, and refuses any other', () => {
      assert.equal(session(user('a@b.c', { authMode: '' })).config.authMode, undefined);
      assert.equal(session(user('a@b.c', { authMode: 'password' })).config.authMode, undefined);
      assert.equal(badInput(() => session(user('a@b.c', { authMode: 'pin' }))), 'authMode must be password or token (got "pin")');
    });

    it('passes an absent token and account id of the token sign-in on as empty', () => {
      assert.match(badInput(() => session({ provider: 'renault', authMode: 'token', accountId: 'acc-123456', servers: SERVERS })), /^jwt: paste the token/);
      assert.match(badInput(() => session({ provider: 'renault', authMode: 'token', accessToken: jwtWith({ exp: 2_000_000_000 }), servers: SERVERS })), /\(6 to 64 letters, digits, - or _; got ""\)$/);
      const s = session(token(' acc-123456 '));
      assert.equal(s.config.authMode, 'token');
      assert.equal(s.config.accountId, 'acc-123456');
    });

    it('sets a known brand, leaves an empty one out (all brands), and refuses an unknown one', () => {
      assert.equal(session(user('a@b.c', { brand: 'dacia' })).config.brand, 'dacia');
      const all = session(user('a@b.c', { brand: '' }));
      assert.equal(all.config.brand, undefined);
      assert.equal('brand' in all.config, false);
      assert.equal('brand' in session(user('a@b.c')).config, false);
      assert.equal(
        badInput(() => session(user('a@b.c', { brand: 'tesla' }))),
        'brand must be one of: renault, dacia, alpine, bmw, mini, toyota (or empty for all; got "tesla")',
      );
    });

    it('accepts a budget of 1 to 600 calls an hour, with a tenth (at least 1) kept for what the user asks', () => {
      for (const [perHour, reserve] of [
        [1, 1],
        [4, 1],
        [30, 3],
        [600, 60],
      ] as const) {
        const s = session(user('a@b.c', { budgetPerHour: perHour }));
        assert.deepEqual([s.budget.limit, s.budget.reserve, s.budget.windowMs], [perHour, reserve, 3_600_000], `budgetPerHour ${perHour}`);
      }
      const plain = session(user('a@b.c'));
      assert.deepEqual([plain.budget.limit, plain.budget.reserve], [60, 6], 'the provider’s default');
    });

    it('refuses a budget under 1, over 600 or not a number, naming it', () => {
      for (const [perHour, shown] of [
        [0, '0'],
        [0.5, '0.5'],
        [601, '601'],
        [Number.NaN, 'NaN'],
        [Number.POSITIVE_INFINITY, 'Infinity'],
      ] as const) {
        assert.equal(badInput(() => session(user('a@b.c', { budgetPerHour: perHour }))), `budgetPerHour must be a number from 1 to 600 (got ${shown})`);
      }
    });

    it('keeps CarData’s daily budget whatever budgetPerHour says (it counts per hour)', () => {
      const s = session({ provider: 'cardata', keys: { clientId: 'abcdef12-3456' }, budgetPerHour: 30 });
      assert.deepEqual([s.budget.limit, s.budget.reserve, s.budget.windowMs], [50, 10, 86_400_000]);
    });

    it('names the token file after the key, every character but letters, digits, . _ - made an underscore', () => {
      assert.equal(session(user('a@b.c'), 'node/1 a.b_c-d').key, 'node_1_a.b_c-d');
    });
  });

  describe('createSession: the timing options', () => {
    it('gives one HTTP attempt the timeout it is given', async () => {
      // A Gigya that takes every request and never answers.
      const held: http.ServerResponse[] = [];
      const server = http.createServer((_req, res) => void held.push(res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const s = createSession({ key: 'timeout', userDir: dir, settings: user('a@b.c', { servers: { gigya: url, kamereon: url } }), httpTimeoutMs: 150 });
        sessions.push(s);
        const err = await s.vehicles({ kind: 'explicit' }).then(
          () => assert.fail('a cloud that never answers cannot list cars'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof CarError, String(err));
        assert.equal(err.code, 'TIMEOUT');
        assert.match(err.message, /no answer within 150 ms$/);
      } finally {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});

describe('account settings: sessions on the simulator', () => {
  const world = renaultWorldEach();

  it('ends a status read at the deadline given, on the session’s clock', async () => {
    const { sim, clock } = world;
    const userDir = await tempDir('cc-accounts-');
    const s = createSession({
      key: 'deadline',
      userDir,
      clock,
      statusDeadlineMs: 5_000,
      settings: { provider: 'renault', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl } },
    });
    try {
      await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
      sim.renault.injectFault({ path: '/location', kind: 'hang', times: 10 });
      const before = sim.renault.stats.byEndpoint.location ?? 0;
      const read = s.readStatus(ZE50, ['battery', 'position'], { kind: 'explicit' });
      await eventually(() => (sim.renault.stats.byEndpoint.location ?? 0) > before, 'the location asked');
      await clock.advance(5_000);
      const status = await read;
      assert.deepEqual(
        (status.missing ?? []).map((m) => [m.part, m.code]),
        [['position', 'TIMEOUT']],
      );
      assert.match(status.missing?.[0]?.message ?? '', /no answer within the 5 s a status read may take/);
    } finally {
      await s.close();
      await removeDir(userDir);
    }
  });

  it('moves the token file a node kept under its own id to the shared account’s name: no new sign-in', async () => {
    const { sim, clock } = world;
    const userDir = await tempDir('cc-accounts-');
    const settings: AccountSettings = { provider: 'renault', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl } };
    try {
      // Before accounts were shared, a node's file was named after the node.
      const old = createSession({ key: 'node-1', userDir, clock, settings });
      await old.vehicles({ kind: 'explicit' });
      await old.close();
      const files = await fs.readdir(tokenDir(userDir));
      assert.deepEqual(files, ['node-1.json']);
      const logins = sim.renault.stats.logins;
      const registry = new AccountRegistry(userDir, clock, 0);
      const shared = registry.acquire('node-1', settings, quiet);
      await shared.vehicles({ kind: 'explicit' });
      assert.equal(sim.renault.stats.logins, logins, 'the kept sign-in was used');
      await shared.save();
      assert.deepEqual(await fs.readdir(tokenDir(userDir)), [`${shared.key}.json`]);
      assert.match(shared.key, /^renault-[0-9a-f]{16}$/);
      await registry.release('node-1', shared, false);
    } finally {
      await removeDir(userDir);
    }
  });
});

describe('account identity: which nodes share one session', () => {
  let dir = '';
  let registry: AccountRegistry;
  beforeEach(async () => {
    dir = await tempDir('cc-accounts-');
    registry = new AccountRegistry(dir, undefined, 0);
  });
  const held: [string, AccountSession][] = [];
  afterEach(async () => {
    for (const [holder, s] of held.splice(0)) await registry.release(holder, s, true);
    await removeDir(dir);
  });
  const acquire = (settings: AccountSettings): AccountSession => {
    const holder = `n${held.length + 1}`;
    const s = registry.acquire(holder, settings, quiet);
    held.push([holder, s]);
    return s;
  };

  it('shares one session between nodes of the same e-mail address, whatever its case; another address has its own', () => {
    const a = acquire(user('Alice@Example.com'));
    assert.equal(acquire(user('alice@example.com')), a);
    const b = acquire(user('bob@example.com'));
    assert.notEqual(b, a);
    assert.notEqual(b.key, a.key);
  });

  it('gives token sign-ins of different accounts a session each, and a password sign-in its own', () => {
    const one = acquire(token('acc-111111'));
    assert.equal(acquire(token('acc-111111')), one);
    const two = acquire(token('acc-222222'));
    assert.notEqual(two, one);
    const pw = acquire(user('acc-111111'));
    assert.notEqual(pw, one);
    assert.equal(new Set([one.key, two.key, pw.key]).size, 3);
  });

  it('keeps the token file names of earlier versions (the identity of user, token, brand, locale, servers and keys)', () => {
    // A change here orphans every saved sign-in: the names are pinned.
    assert.equal(acquire(user('Alice@Example.com')).key, 'renault-510511286a4b423d');
    assert.equal(acquire(user('alice@example.com', { brand: 'dacia', locale: 'de_DE' })).key, 'renault-4428aed7cd4a71f8');
    assert.equal(acquire(token('acc-111111')).key, 'renault-9e83ba9df1ced5c5');
    assert.equal(acquire({ provider: 'cardata', keys: { clientId: 'abcdef12-3456' } }).key, 'cardata-2ca803417425d6cd');
  });
});
