/**
 * Issue 13's rules on the Renault side: a redeploy takes up the account's session (no sign-in,
 * no call), a restart finds the last status in the account file, the interval a poller keeps
 * is the one its plan shows, only-on-input pollers never read by themselves, and a named pause
 * is waited out, then the overdue read comes at once.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { AccountRegistry, type AccountSettings } from '../../src/features/accounts';
import { parseIntervalMinutes, planInterval, PLANNED_SHARE, StatusPoller, type IntervalPlan } from '../../src/features/status';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { ChargingPoller } from '../../src/features/charging';
import { R5, renaultWorldEach, ZE50 } from '../renault-session';
import { eventually } from '../helpers';
import { silentLogger } from '../../src/core';


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
    const first = registry.acquire('node-a', settings(), silentLogger);
    await first.readStatus(ZE50, ['battery'], { maxAgeMs: 10 * 60_000 });
    const logins = w.sim.renault.stats.logins;
    const calls = w.sim.renault.stats.kamereon;
    await registry.release('node-a', first, false);
    const again = registry.acquire('node-a', settings(), silentLogger);
    assert.equal(again, first, 'the same session, with its tokens, cache and budget');
    await again.readStatus(ZE50, ['battery'], { maxAgeMs: 10 * 60_000 });
    assert.equal(w.sim.renault.stats.logins, logins, 'no sign-in');
    assert.equal(w.sim.renault.stats.kamereon, calls, 'no call: the cache survived');
    // A deleted account closes at once, and the next acquire builds a new session.
    await registry.release('node-a', again, true);
    const fresh = registry.acquire('node-a', settings(), silentLogger);
    assert.notEqual(fresh, first);
    await registry.release('node-a', fresh, true);
  });

  it('closes a kept session when the grace period ends (an unref’d timer), and at once with a grace of 0', async () => {
    const registry = new AccountRegistry(w.dir, w.clock, 30);
    const s = registry.acquire('n', settings(), silentLogger);
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
    const s2 = registry.acquire('n', settings(), silentLogger);
    assert.notEqual(s2, s, 'closed after the grace period');
    await registry.release('n', s2, true);
    const none = new AccountRegistry(w.dir, w.clock, 0);
    const t = none.acquire('m', settings(), silentLogger);
    await none.release('m', t, false);
    const t2 = none.acquire('m', settings(), silentLogger);
    assert.notEqual(t2, t);
    await none.release('m', t2, true);
  });

  it('finds the last status in the account file after a restart: a restart loop spends no call', async () => {
    const one = w.session({ key: 'restart' });
    const read = await one.readStatus(ZE50, ['battery', 'mileage'], { maxAgeMs: 10 * 60_000 });
    await one.close();
    const calls = w.sim.renault.stats.kamereon;
    for (let i = 0; i < 5; i++) {
      await w.clock.advance(30_000);
      const next = w.session({ key: 'restart' });
      await next.load();
      const kept = next.cachedStatus(ZE50);
      assert.deepEqual([kept?.battery?.socPercent, kept?.mileageKm], [read.battery?.socPercent, read.mileageKm], 'the last status is back before any read');
      await next.readStatus(ZE50, ['battery', 'mileage'], { maxAgeMs: 5 * 60_000 });
      await next.close();
    }
    assert.equal(w.sim.renault.stats.kamereon, calls, 'young parts from the file, no call');
  });

  it('plans the interval the budget allows, says when it is longer than set, and keeps it', async () => {
    const session = w.session({ key: 'plan' });
    await session.vehicles();
    // Four nodes polling already, and this one: each asks three endpoints every 5 minutes.
    const others = Array.from({ length: 4 }, () => ({ wantedPerHour: () => 36 }));
    for (const o of others) session.pollers.add(o);
    const cost = session.statusCost(ZE50, ['battery', 'mileage', 'position']);
    assert.equal(cost, 3);
    const plan = planInterval(session, cost, 5 * 60_000);
    assert.equal(plan.callsPerHour, 54, 'the 60/h budget less its reserve');
    assert.ok(plan.perRead >= 2);
    assert.ok(plan.limited, 'five nodes of three endpoints cannot read every 5 minutes');
    assert.equal(plan.pollers, 5);
    assert.equal(plan.wantedPerHour, 180);
    assert.equal(plan.effectiveMs, plan.sustainableMs);
    assert.equal(plan.effectiveMs, Math.ceil((5 * 60_000 * 180) / (54 * PLANNED_SHARE)), 'stretched by what all ask over what the budget allows (less its unplanned share)');
    for (const o of others) session.pollers.delete(o);
    assert.equal(planInterval(session, 1, 30 * 60_000).limited, false);
    assert.equal(planInterval(session, 1, 0).effectiveMs, 0, 'only on input: no interval');

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

  it('says nothing about the budget before the vehicle list is known, then plans with the real cost of a read', async () => {
    const session = w.session({ key: 'early' });
    const plans: IntervalPlan[] = [];
    const pollers = Array.from({ length: 5 }, () => new StatusPoller({ session, vin: ZE50, parts: ['battery', 'mileage', 'position'], intervalMs: 5 * 60_000, adaptive: false, onlyOnChange: false, clock: w.clock }));
    for (const p of pollers) {
      p.on('interval', (x: IntervalPlan) => plans.push(x));
      p.on('error', () => undefined);
      p.on('waiting', () => undefined);
      p.start();
    }
    assert.equal(session.statusCost(ZE50, ['battery']), undefined, 'no vehicle list yet');
    assert.equal(plans.length, 0, 'no plan and no "quota" from a guess');
    for (let i = 0; i < 20; i++) {
      await w.clock.advance(1_000);
      await Promise.all(pollers.map((p) => p.settled()));
    }
    pollers.forEach((p) => p.stop());
    assert.ok(plans.length > 0, 'a plan once the first read brought the vehicle list');
    assert.ok(plans.every((x) => x.perRead === 3 && x.pollers === 5), JSON.stringify(plans.map((x) => [x.perRead, x.pollers])));
  });

  it('counts a charging poller among the nodes sharing the budget, by the calls it asks, and it keeps the interval it shows', async () => {
    const session = w.session({ key: 'share' });
    await session.vehicles();
    // Three endpoints every 5 minutes: 36 of the 54 calls an hour the budget allows in the background.
    const status = new StatusPoller({ session, vin: ZE50, parts: ['battery', 'mileage', 'position'], intervalMs: 5 * 60_000, adaptive: false, onlyOnChange: false, clock: w.clock });
    status.on('error', () => undefined);
    status.on('waiting', () => undefined);
    status.start();
    const alone = status.plan();
    assert.equal(alone.wantedPerHour, 36);
    assert.equal(alone.limited, false, 'alone, the status node fits');
    const r5 = await session.vehicle(R5);
    const perRead = session.connection.charging?.cost(r5) ?? 0;
    assert.ok(perRead >= 1);
    const charging = new ChargingPoller(session, R5, 10 * 60_000, w.clock);
    const shown: IntervalPlan[] = [];
    const reads: number[] = [];
    charging.on('interval', (x: IntervalPlan) => shown.push(x));
    charging.on('settings', () => reads.push(w.clock.now()));
    charging.on('error', () => undefined);
    charging.start();
    assert.ok(session.pollers.has(charging), 'among the sharers');
    const both = status.plan();
    assert.equal(both.pollers, 2);
    assert.equal(both.wantedPerHour, 36 + perRead * 6, 'what both ask per hour');
    assert.equal(both.limited, true, 'together they do not fit: the status node is told so');
    assert.ok(shown.at(-1)?.limited, 'and so is the charging node');
    const every = shown.at(-1)?.effectiveMs ?? 0;
    assert.equal(every, Math.ceil((10 * 60_000 * both.wantedPerHour) / (54 * PLANNED_SHARE)));
    for (let m = 0; m < 4 * 60; m++) {
      await w.clock.advance(60_000);
      await Promise.all([status.settled(), charging.settled()]);
    }
    status.stop();
    charging.stop();
    assert.ok(!session.pollers.has(charging), 'a stopped poller takes no share');
    assert.ok(reads.length >= 3, `the charging node read (${reads.length})`);
    for (let i = 1; i < reads.length; i++) {
      const gap = (reads[i] ?? 0) - (reads[i - 1] ?? 0);
      assert.ok(gap >= every && gap <= every * 1.5, `a gap of ${gap / 60_000} min for ${every / 60_000} min shown`);
    }
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
    // 0 and below are refused, not read as "only on input" (issue 16): empty is that.
    for (const bad of ['0', 0, '-5', 0.5]) assert.throws(() => parseIntervalMinutes(bad, 10), (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /empty for only on input/.test(e.message));
    assert.equal(parseIntervalMinutes(15, 10), 15);
    assert.throws(() => parseIntervalMinutes('often', 10), (e: Error & { code?: string }) => e.code === 'BAD_INPUT');
  });
});
