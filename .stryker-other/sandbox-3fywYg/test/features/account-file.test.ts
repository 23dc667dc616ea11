// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { configSeed } from '../../src/features/account-file';
import { ZE50, renaultWorldEach } from '../renault-session';

/** Issue 15, point 9: the account file's seed is no plain hash of user and password. */
describe('The account file: a salted scrypt seed, and files of older versions migrated without a new sign-in', () => {
  const world = renaultWorldEach();
  const KEY = 'seeded';
  const fileOf = (dir: string): string => path.join(dir, `${KEY}.json`);
  const readFile = async (dir: string): Promise<{ seed: string; auth?: unknown }> => JSON.parse(await fs.readFile(fileOf(dir), 'utf8')) as { seed: string; auth?: unknown };

  it('writes a seed derived with scrypt and a salt of its own, never the plain hash of the settings', async () => {
    const s = world.session({ key: KEY });
    await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    await s.close();
    const seed = (await readFile(world.dir)).seed;
    assert.match(seed, /^s1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.ok(!seed.includes(configSeed(s.config)), 'no plain SHA-256 of user and password on disk');
    // A restart with the same settings reads it (no sign-in); another password does not.
    const logins = world.sim.renault.stats.logins;
    const again = world.session({ key: KEY });
    await again.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(world.sim.renault.stats.logins, logins, 'the file was read: no sign-in');
    await again.close();
    assert.equal((await readFile(world.dir)).seed, seed, 'the file keeps its salt');
    const wrong = world.session({ key: KEY, password: 'not-the-password' });
    await assert.rejects(wrong.readStatus(ZE50, ['battery'], { kind: 'explicit' }), { code: 'AUTH_FAILED' });
    await wrong.close();
  });

  it('two files of the same settings have different seeds (a salt per file)', async () => {
    const a = world.session({ key: 'a' });
    const b = world.session({ key: 'b' });
    await a.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    await b.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    await a.close();
    await b.close();
    const seedA = (JSON.parse(await fs.readFile(path.join(world.dir, 'a.json'), 'utf8')) as { seed: string }).seed;
    const seedB = (JSON.parse(await fs.readFile(path.join(world.dir, 'b.json'), 'utf8')) as { seed: string }).seed;
    assert.notEqual(seedA, seedB);
  });

  it('takes a file of an older version (a plain SHA-256 seed) with its tokens, and writes it again with a derived seed', async () => {
    const s = world.session({ key: KEY });
    await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    await s.close();
    // As an older version wrote it.
    const old = { ...(await readFile(world.dir)), seed: configSeed(s.config) };
    await fs.writeFile(fileOf(world.dir), JSON.stringify(old), { mode: 0o600 });
    const logins = world.sim.renault.stats.logins;
    const after = world.session({ key: KEY });
    await after.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(world.sim.renault.stats.logins, logins, 'no new sign-in after the update');
    const migrated = await readFile(world.dir);
    assert.match(migrated.seed, /^s1\./, 'the plain hash left the disk at once');
    assert.deepEqual(migrated.auth !== undefined, true);
    await after.close();
  });
});
