/**
 * The account registry (src/features/accounts.ts): which nodes share a session, what must be
 * equal to share it, and what becomes of the session and its file when the nodes let go of it
 * (a redeploy keeps it for a grace period, a deleted node deletes its file, closeIdle ends the
 * idle ones).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { silentLogger as quiet } from '../../src/core';
import { AccountRegistry, createSession, tokenDir, type AccountSettings } from '../../src/features/accounts';
import type { AccountSession } from '../../src/features/session';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { renaultWorldEach, ZE50 } from '../renault-session';
import { eventually } from '../helpers';


/** Counts what the registry does to a session: closing it, saving it for a redeploy, forgetting its file. */
function watch(session: AccountSession): { closed: number; saved: number; forgotten: number } {
  const seen = { closed: 0, saved: 0, forgotten: 0 };
  const close = session.close.bind(session);
  const save = session.save.bind(session);
  const forget = session.forget.bind(session);
  session.close = async (): Promise<void> => {
    await close();
    seen.closed++;
  };
  session.save = async (): Promise<void> => {
    seen.saved++;
    await save();
  };
  session.forget = async (): Promise<void> => {
    seen.forgotten++;
    await forget();
  };
  return seen;
}

describe('features: the account registry', () => {
  const w = renaultWorldEach();
  const settings = (over: Partial<AccountSettings> = {}): AccountSettings => ({
    provider: 'renault',
    locale: 'fr_FR',
    username: DEMO_RENAULT_USER,
    password: DEMO_RENAULT_PASSWORD,
    servers: { gigya: w.sim.renault.gigyaUrl, kamereon: w.sim.renault.kamereonUrl },
    ...over,
  });
  /** The account files in the registry's token folder. */
  const files = async (): Promise<string[]> => (await fs.readdir(tokenDir(w.dir)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();

  it('shares one session between addresses that differ only in case, comparing their settings as lower case (the Kelvin sign K is a k)', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 0);
    const a = registry.acquire('a', settings({ username: 'Kim@Example.com' }), quiet);
    assert.equal(registry.acquire('b', settings({ username: 'kim@example.com' }), quiet), a);
    // U+212A lower-cases to an ASCII k but upper-cases to itself: only lower case makes it the same address.
    assert.equal(registry.acquire('c', settings({ username: '\u212Aim@example.com' }), quiet), a);
    for (const holder of ['a', 'b', 'c']) await registry.release(holder, a, true);
  });

  it('refuses a second node of the same account with another budget, and shares it with an equal one', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 0);
    const a = registry.acquire('a', settings({ budgetPerHour: 30 }), quiet);
    assert.equal(a.budget.limit, 30);
    assert.equal(registry.acquire('b', settings({ budgetPerHour: 30 }), quiet), a);
    assert.throws(
      () => registry.acquire('c', settings({ budgetPerHour: 60 }), quiet),
      (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /different password, token or budget/.test(e.message),
    );
    await registry.release('a', a, true);
    await registry.release('b', a, true);
  });

  it('starts afresh when a kept session is taken up with another password: the old one closes and keeps its file', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 60_000);
    const old = registry.acquire('a', settings(), quiet);
    const seen = watch(old);
    await registry.release('a', old, false);
    assert.equal(seen.closed, 0, 'kept for a redeploy');
    const fresh = registry.acquire('a', settings({ password: 'a-new-password' }), quiet);
    assert.notEqual(fresh, old, 'a new session for the new password');
    await eventually(() => seen.closed === 1, 'the kept session closed');
    assert.equal(seen.forgotten, 0, 'the node was not deleted: its file stays');
    assert.equal((await files()).length, 1);
    await registry.release('a', fresh, true);
  });

  it('takes up the file named after the config node (before accounts were shared), with a name made plain', async () => {
    const holder = 'flows:node 1';
    const own = createSession({ key: holder, userDir: w.dir, settings: settings(), clock: w.clock });
    await own.vehicles();
    await own.close();
    assert.deepEqual(await files(), ['flows_node_1.json']);
    const logins = w.sim.renault.stats.logins;
    const registry = new AccountRegistry(w.dir, w.clock, 0);
    const shared = registry.acquire(holder, settings(), quiet);
    const vehicles = await shared.vehicles({ force: true });
    assert.ok(vehicles.some((v) => v.vin === ZE50));
    assert.equal(w.sim.renault.stats.logins, logins, 'the tokens of the old file: no new sign-in');
    const moved = await files();
    assert.equal(moved.length, 1);
    assert.match(moved[0] ?? '', /^renault-[0-9a-f]{16}\.json$/, 'moved to the account’s own name');
    await registry.release(holder, shared, true);
  });

  it('releases the session the node names, not another account’s', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 0);
    const a = registry.acquire('a', settings({ username: 'one@example.com' }), quiet);
    const b = registry.acquire('b', settings({ username: 'two@example.com' }), quiet);
    assert.notEqual(a, b);
    const seenA = watch(a);
    const seenB = watch(b);
    await registry.release('b', b, false);
    assert.deepEqual([seenA.closed, seenB.closed], [0, 1]);
    assert.equal(registry.acquire('a2', settings({ username: 'one@example.com' }), quiet), a, 'the other account is still open');
    await registry.release('a', a, true);
    await registry.release('a2', a, true);
  });

  it('neither keeps nor saves a session while another node still holds it', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 60_000);
    const s = registry.acquire('a', settings(), quiet);
    assert.equal(registry.acquire('b', settings(), quiet), s);
    const seen = watch(s);
    await registry.release('a', s, false);
    assert.deepEqual(seen, { closed: 0, saved: 0, forgotten: 0 });
    assert.deepEqual(await files(), [], 'no file written for it');
    await registry.release('b', s, false);
    assert.deepEqual(seen, { closed: 0, saved: 1, forgotten: 0 }, 'the last node: kept and saved for a redeploy');
    assert.equal((await files()).length, 1);
    await registry.closeIdle();
    assert.equal(seen.closed, 1);
  });

  it('closes at once with a grace of 0, without saving it for a redeploy, and keeps the file of a node not deleted', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 0);
    const s = registry.acquire('a', settings(), quiet);
    const seen = watch(s);
    await registry.release('a', s, false);
    assert.deepEqual(seen, { closed: 1, saved: 0, forgotten: 0 });
    assert.equal((await files()).length, 1, 'closing wrote the file');
  });

  it('keeps the file when the grace period ends', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 20);
    const s = registry.acquire('a', settings(), quiet);
    const seen = watch(s);
    await registry.release('a', s, false);
    await eventually(() => seen.closed === 1, 'the close after the grace period');
    assert.equal(seen.forgotten, 0);
    assert.equal((await files()).length, 1);
  });

  it('deletes the file of a deleted node at once, grace period or not', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 60_000);
    const s = registry.acquire('a', settings(), quiet);
    await s.save();
    assert.equal((await files()).length, 1);
    const seen = watch(s);
    await registry.release('a', s, true);
    assert.deepEqual(seen, { closed: 1, saved: 0, forgotten: 1 });
    assert.deepEqual(await files(), []);
  });

  it('closeIdle closes the sessions nobody holds, keeps their files, and leaves the held ones open', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 60_000);
    const idle = registry.acquire('a', settings({ username: 'one@example.com' }), quiet);
    const held = registry.acquire('b', settings({ username: 'two@example.com' }), quiet);
    const seenIdle = watch(idle);
    const seenHeld = watch(held);
    await registry.release('a', idle, false);
    assert.equal(seenIdle.closed, 0, 'kept for a redeploy');
    await registry.closeIdle();
    assert.deepEqual(seenIdle, { closed: 1, saved: 1, forgotten: 0 });
    assert.deepEqual(seenHeld, { closed: 0, saved: 0, forgotten: 0 });
    assert.equal((await files()).length, 1, 'the idle account’s file stays');
    const again = registry.acquire('a', settings({ username: 'one@example.com' }), quiet);
    assert.notEqual(again, idle, 'closed: a new session');
    assert.equal(registry.acquire('b2', settings({ username: 'two@example.com' }), quiet), held);
    await registry.release('a', again, true);
    await registry.release('b', held, true);
    await registry.release('b2', held, true);
  });
});
