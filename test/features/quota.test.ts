/**
 * Issue 13's rules on the Renault side: a redeploy takes up the account's session (no sign-in,
 * no call), a restart finds the last status in the account file, the interval a poller keeps
 * is the one its plan shows, only-on-input pollers never read by themselves, and a named pause
 * is waited out, then the overdue read comes at once.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { AccountRegistry, type AccountSettings } from '../../src/features/accounts';
import { parseIntervalMinutes, planInterval, StatusPoller, type IntervalPlan } from '../../src/features/status';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { renaultWorldEach, ZE50 } from '../renault-session';
import { eventually } from '../helpers';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('features: quota and intervals (issue 13)', () => {
  const w = renaultWorldEach({ renault: { quota: { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 } } });
  const settings = (): AccountSettings => ({
    provider: 'renault',
    locale: 'fr_FR',
    username: DEMO_RENAULT_USER,
    password: DEMO_RENAULT_PASSWORD,
    servers: { gigya: w.sim.renault.gigyaUrl, kamereon: w.sim.renault.kamereonUrl },
  });

  it('keeps a session its last node let go for the grace period: the redeploy takes it up without a sign-in or a call', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 60_000);
    const first = registry.acquire('node-a', settings(), quiet);
    await first.readStatus(ZE50, ['battery'], { maxAgeMs: 10 * 60_000 });
    const logins = w.sim.renault.stats.logins;
    const calls = w.sim.renault.stats.kamereon;
    await registry.release('node-a', first, false);
    const again = registry.acquire('node-a', settings(), quiet);
    assert.equal(again, first, 'the same session, with its tokens, cache and budget');
    await again.readStatus(ZE50, ['battery'], { maxAgeMs: 10 * 60_000 });
    assert.equal(w.sim.renault.stats.logins, logins, 'no sign-in');
    assert.equal(w.sim.renault.stats.kamereon, calls, 'no call: the cache survived');
    // A deleted account closes at once, and the next acquire builds a new session.
    await registry.release('node-a', again, true);
    const fresh = registry.acquire('node-a', settings(), quiet);
    assert.notEqual(fresh, first);
    await registry.release('node-a', fresh, true);
  });

  it('closes a kept session when the grace period ends (an unref’d timer), and at once with a grace of 0', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 30);
    const s = registry.acquire('n', settings(), quiet);
    // The grace timer is a real one (unref'd, so that it never holds Node-RED open): wait for the close it brings.
    let closed = false;
    const close = s.close.bind(s);
    s.close = async (): Promise<void> => {
      await close();
      closed = true;
    };
    await registry.release('n', s, false);
    assert.equal(closed, false, 'kept for the grace period');
    await eventually(() => closed, 'the session closed after its grace period');
    const s2 = registry.acquire('n', settings(), quiet);
    assert.notEqual(s2, s, 'closed after the grace period');
    await registry.release('n', s2, true);
    const none = new AccountRegistry(w.dir, w.clock, 0);
    const t = none.acquire('m', settings(), quiet);
    await none.release('m', t, false);
    const t2 = none.acquire('m', settings(), quiet);
    assert.notEqual(t2, t);
    await none.release('m', t2, true);
  });

  it('finds the last status in the account file after a restart: a restart loop spends no call', async () => {
    const one = w.session({ key: 'restart' });
    await one.readStatus(ZE50, ['battery', 'mileage'], { maxAgeMs: 10 * 60_000 });
    await one.close();
    const calls = w.sim.renault.stats.kamereon;
    for (let i = 0; i < 5; i++) {
      await w.clock.advance(30_000);
      const next = w.session({ key: 'restart' });
      await next.load();
      assert.ok(next.cachedStatus(ZE50)?.battery?.socPercent !== undefined, 'the last status is back before any read');
      await next.readStatus(ZE50, ['battery', 'mileage'], { maxAgeMs: 5 * 60_000 });
      await next.close();
    }
    assert.equal(w.sim.renault.stats.kamereon, calls, 'young parts from the file, no call');
  });

  it('plans the interval the budget allows, says when it is longer than set, and keeps it', async () => {
    const session = w.session({ key: 'plan' });
    await session.vehicles();
    const plan = planInterval(session, ZE50, ['battery', 'mileage', 'position'], 5 * 60_000, 5);
    assert.equal(plan.callsPerHour, 54, 'the 60/h budget less its reserve');
    assert.ok(plan.perRead >= 2);
    assert.ok(plan.limited, 'five nodes of three endpoints cannot read every 5 minutes');
    assert.equal(plan.effectiveMs, plan.sustainableMs);
    assert.equal(planInterval(session, ZE50, ['battery'], 30 * 60_000, 2).limited, false);
    assert.equal(planInterval(session, ZE50, ['battery'], 0, 2).effectiveMs, 0, 'only on input: no interval');

    // Five pollers on three endpoints each: every one says the interval it keeps, and keeps it.
    const pollers = Array.from({ length: 5 }, () => new StatusPoller({ session, vin: ZE50, parts: ['battery', 'mileage', 'position'], intervalMs: 5 * 60_000, adaptive: false, onlyOnChange: false, clock: w.clock }));
    const shown: IntervalPlan[] = [];
    const reads: number[] = [];
    for (const p of pollers) {
      p.on('interval', (x: IntervalPlan) => shown.push(x));
      p.on('status', () => reads.push(w.clock.now()));
      p.on('error', () => undefined);
      p.on('waiting', () => undefined);
      p.start();
    }
    assert.ok(shown.some((x) => x.limited), 'a poller said its interval is longer than set');
    for (let m = 0; m < 6 * 60; m++) {
      await w.clock.advance(60_000);
      await Promise.all(pollers.map((p) => p.settled()));
    }
    pollers.forEach((p) => p.stop());
    const longest = Math.max(...shown.map((x) => x.effectiveMs));
    assert.ok(reads[0] !== undefined && reads[0] - Date.parse('2026-11-20T08:00:00Z') < 60_000, 'the first read comes within the first minute');
    const own = reads.slice(1);
    let gap = 0;
    for (let i = 1; i < own.length; i++) gap = Math.max(gap, (own[i] ?? 0) - (own[i - 1] ?? 0));
    assert.ok(gap <= longest * 1.5, `no gap longer than 1.5x the interval shown (${gap / 60_000} min vs ${longest / 60_000} min)`);
    assert.equal(w.sim.renault.stats.rejected429, 0);
  });

  it('reads only on input with an interval of 0: no background read, no share of the budget', async () => {
    const session = w.session({ key: 'manual' });
    await session.vehicles();
    const poller = new StatusPoller({ session, vin: ZE50, parts: ['battery'], intervalMs: 0, onlyOnChange: false, clock: w.clock });
    const calls = w.sim.renault.stats.kamereon;
    poller.start();
    assert.equal(poller.onlyOnInput, true);
    assert.equal(session.pollers.size, 0, 'takes no share of the budget');
    await w.clock.advance(3 * 3_600_000);
    assert.equal(w.sim.renault.stats.kamereon, calls, 'no background read');
    const e = await poller.read('request');
    assert.ok(e.status.battery);
    assert.equal(w.sim.renault.stats.kamereon, calls + 1);
    poller.stop();
  });

  it('parses the interval: empty or 0 is only on input, a bad value is BAD_INPUT', () => {
    assert.equal(parseIntervalMinutes(undefined, 10), 10);
    assert.equal(parseIntervalMinutes('', 10), 0);
    assert.equal(parseIntervalMinutes('0', 10), 0);
    assert.equal(parseIntervalMinutes(15, 10), 15);
    assert.throws(() => parseIntervalMinutes('often', 10), (e: Error & { code?: string }) => e.code === 'BAD_INPUT');
  });
});
