// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TokenStore, accountSeed, deriveSeed, isLegacySeed, seedMatches, type StoredAccount } from '../../src/core/token-store';
import { flushJobs } from '../../src/core/clock';
import { modesBeforeChmod } from '../helpers';

function account(seed: string, extra: Partial<StoredAccount> = {}): StoredAccount {
  return { version: 1, seed, ...extra };
}

describe('core/token-store', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-token-store-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keeps what was saved across a new TokenStore instance (a reload)', async () => {
    const data = account('seed-1', {
      auth: { access: 'a', refresh: 'r', expiresAt: 123 },
      budget: { calls: [1, 2, 3], pausedUntil: 99, strikes: 2 },
      blocked: { code: 'AUTH_FAILED', message: 'wrong password', at: 5 },
      extra: { vehiclesAt: 7 },
    });
    await new TokenStore(dir).save('acct1', data);

    const loaded = await new TokenStore(dir).load('acct1');
    assert.deepEqual(loaded, data);
  });

  it('creates a missing directory and returns undefined for a key never saved', async () => {
    const nested = path.join(dir, 'a', 'b');
    const store = new TokenStore(nested);
    assert.equal(await store.load('nothing'), undefined);
    await store.save('k', account('s'));
    assert.deepEqual(await store.load('k'), account('s'));
  });

  it('creates the directories it needs with mode 0700 (only the owner may list the token files)', async () => {
    const nested = path.join(dir, 'a', 'b');
    await new TokenStore(nested).save('k', account('s'));
    assert.equal((await fs.stat(nested)).mode & 0o777, 0o700);
    assert.equal((await fs.stat(path.join(dir, 'a'))).mode & 0o777, 0o700);
  });

  it('removes the temp files a crash left (older than a minute), and never one being written', async () => {
    const left = path.join(dir, 'acct1.json.4242.deadbeef.tmp');
    const fresh = path.join(dir, 'acct2.json.4243.cafebabe.tmp');
    await fs.writeFile(left, '{"version":1,"seed":"half-written');
    await fs.writeFile(fresh, '{}');
    const old = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(left, old, old);
    await new TokenStore(dir).load('acct1');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['acct2.json.4243.cafebabe.tmp']);
  });

  it('writes the file with mode 0600 and leaves no temp file behind', async () => {
    const store = new TokenStore(dir);
    await store.save('acct1', account('seed'));
    const st = await fs.stat(path.join(dir, 'acct1.json'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual(await fs.readdir(dir), ['acct1.json']);
  });

  it('creates the temp file with mode 0600 already, before it is chmod-ed and renamed into place (tokens are never readable by others)', async () => {
    const store = new TokenStore(dir);
    const modes = await modesBeforeChmod(() => store.save('acct1', account('seed')));
    assert.deepEqual(modes, [0o600], 'not even under a umask of 022');
  });

  it('keeps mode 0600 when an existing file is overwritten', async () => {
    const store = new TokenStore(dir);
    await store.save('acct1', account('one'));
    await fs.chmod(path.join(dir, 'acct1.json'), 0o644);
    await store.save('acct1', account('two'));
    const st = await fs.stat(path.join(dir, 'acct1.json'));
    assert.equal(st.mode & 0o777, 0o600);
  });

  it('ends with the last of many concurrent saves', async () => {
    const store = new TokenStore(dir);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) saves.push(store.save('acct1', account(`seed-${i}`, { extra: { i } })));
    // A load issued while the saves are queued waits for them.
    const whileQueued = store.load('acct1');
    await Promise.all(saves);
    assert.equal((await whileQueued)?.seed, 'seed-49');
    assert.equal((await new TokenStore(dir).load('acct1'))?.seed, 'seed-49');
    assert.deepEqual(await fs.readdir(dir), ['acct1.json']);
  });

  it('keeps keys apart', async () => {
    const store = new TokenStore(dir);
    await Promise.all([store.save('a', account('for-a')), store.save('b', account('for-b'))]);
    assert.equal((await store.load('a'))?.seed, 'for-a');
    assert.equal((await store.load('b'))?.seed, 'for-b');
  });

  it('loads a damaged file as undefined', async () => {
    const store = new TokenStore(dir);
    await fs.writeFile(path.join(dir, 'broken.json'), '{"version":1,"seed":"x",', 'utf8');
    assert.equal(await store.load('broken'), undefined);
  });

  it('loads a file of the wrong shape or version as undefined', async () => {
    const store = new TokenStore(dir);
    await fs.writeFile(path.join(dir, 'old.json'), JSON.stringify({ version: 2, seed: 'x' }), 'utf8');
    await fs.writeFile(path.join(dir, 'odd.json'), JSON.stringify({ version: 1, seed: 42 }), 'utf8');
    await fs.writeFile(path.join(dir, 'null.json'), 'null', 'utf8');
    assert.equal(await store.load('old'), undefined);
    assert.equal(await store.load('odd'), undefined);
    assert.equal(await store.load('null'), undefined);
  });

  it('refuses a key with a slash (or other path characters) and writes nothing outside', async () => {
    const store = new TokenStore(path.join(dir, 'store'));
    await assert.rejects(store.save('../escape', account('x')), /plain file name/);
    await assert.rejects(store.save('a/b', account('x')), /plain file name/);
    await assert.rejects(store.load('a/b'), /plain file name/);
    await assert.rejects(store.remove('a/b'), /plain file name/);
    await assert.rejects(store.save('', account('x')), /plain file name/);
    assert.deepEqual(await fs.readdir(dir).then((d) => d.filter((f) => f !== 'store')), []);
  });

  it('is not broken for a key by a failed save before it', async () => {
    const store = new TokenStore(dir);
    // A write that cannot succeed: the target name is a directory.
    await fs.mkdir(path.join(dir, 'k.json'));
    await assert.rejects(store.save('k', account('first')));
    await fs.rm(path.join(dir, 'k.json'), { recursive: true });
    await store.save('k', account('second'));
    assert.equal((await store.load('k'))?.seed, 'second');
  });

  it('leaves no unhandled rejection behind when a save fails (it would end the Node-RED process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new TokenStore(dir);
      await fs.mkdir(path.join(dir, 'k.json'));
      await assert.rejects(store.save('k', account('first')));
      // Node reports an unhandled rejection once the microtasks of a turn have run: before the next turn's
      // setImmediate, so flushJobs' turns pass that point.
      await flushJobs();
      // A later load of the key is not poisoned by the failed save either.
      await fs.rm(path.join(dir, 'k.json'), { recursive: true });
      assert.equal(await store.load('k'), undefined);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });

  it('removes a key; removing it again or a missing key is fine', async () => {
    const store = new TokenStore(dir);
    await store.save('acct1', account('seed'));
    await store.save('acct2', account('other'));
    await store.remove('acct1');
    assert.equal(await store.load('acct1'), undefined);
    assert.equal((await store.load('acct2'))?.seed, 'other');
    await store.remove('acct1');
    await store.remove('never');
    assert.deepEqual(await fs.readdir(dir), ['acct2.json']);
  });

  it('remove waits for a queued save of the same key', async () => {
    const store = new TokenStore(dir);
    const saving = store.save('acct1', account('seed'));
    await store.remove('acct1');
    await saving;
    assert.equal(await store.load('acct1'), undefined);
  });

  it('accountSeed is stable and changes with any part', () => {
    const a = accountSeed(['renault', 'fr_FR', 'me@example.com', 'pw']);
    assert.equal(a, accountSeed(['renault', 'fr_FR', 'me@example.com', 'pw']));
    assert.notEqual(a, accountSeed(['renault', 'fr_FR', 'me@example.com', 'pw2']));
    // Parts are separated, so moving characters between parts changes the seed.
    assert.notEqual(accountSeed(['ab', 'c']), accountSeed(['a', 'bc']));
    assert.notEqual(accountSeed([undefined, 'x']), accountSeed(['x', undefined]));
    assert.match(a, /^[0-9a-f]{32}$/);
    // Pinned: the seed is written into every account file, and a different one discards the file (a new sign-in).
    assert.equal(accountSeed(['renault', 'me@example.com', undefined, 'https://gigya']), '10b6f4ddc24cc3617a6563310a8b71e7');
  });

  it('sweeps only old temp files: an old account file stays', async () => {
    const kept = path.join(dir, 'acct9.json');
    await fs.writeFile(kept, JSON.stringify(account('s')));
    const old = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(kept, old, old);
    assert.deepEqual(await new TokenStore(dir).load('acct9'), account('s'));
    assert.deepEqual(await fs.readdir(dir), ['acct9.json']);
  });

  it('a load after a second save waits for it, while the first one finishes', async () => {
    const store = new TokenStore(dir);
    const first = store.save('k', account('first'));
    void store.save('k', account('second'));
    await first;
    assert.deepEqual(await store.load('k'), account('second'));
  });

  it('a derived seed matches the same parts only (an absent part is an empty one), and nothing with another prefix or a cut key', async () => {
    const parts = ['renault', 'me@example.com', undefined, 'pw'];
    const seed = await deriveSeed(parts);
    assert.match(seed, /^s1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.notEqual(await deriveSeed(parts), seed, 'a new salt each time');
    const cases: [seed: string, parts: (string | undefined)[], matches: boolean][] = [
      [seed, parts, true],
      [seed, ['renault', 'me@example.com', '', 'pw'], true],
      [seed, ['renault', 'me@example.com', undefined, 'pw2'], false],
      // Parts are separated: moving characters between them is another account.
      [await deriveSeed(['ab', 'c']), ['a', 'bc'], false],
      [seed.replace(/^s1\./, 's2.'), parts, false],
      [seed.slice(0, -4), parts, false],
    ];
    for (const [s, p, matches] of cases) assert.equal(await seedMatches(s, p), matches, `${s} ${JSON.stringify(p)}`);
    // Pinned: scrypt's parameters are part of every account file's seed; others would discard them all (a new sign-in).
    assert.equal(
      await deriveSeed(['renault', 'me@example.com', undefined, 'https://gigya'], Buffer.alloc(16, 7)),
      's1.BwcHBwcHBwcHBwcHBwcHBw.l4-RZ6cDfa_7yKbGtX0atGqfQpjltUX-9VBybJKm7V8',
    );
  });

  it('a seed of an older version (a plain hash) matches its parts and is told apart from a derived one', async () => {
    const parts = ['renault', 'me@example.com', undefined, 'pw'];
    const legacy = accountSeed(parts);
    assert.equal(await seedMatches(legacy, parts), true);
    assert.equal(await seedMatches(legacy, ['renault', 'me@example.com', undefined, 'pw2']), false);
    assert.equal(isLegacySeed(legacy), true);
    assert.equal(isLegacySeed(await deriveSeed(parts)), false);
  });
});
