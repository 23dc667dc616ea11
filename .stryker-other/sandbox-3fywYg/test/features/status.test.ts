// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock, type VehicleStatus } from '../../src/core';
import { AccountSession } from '../../src/features/session';
import { StatusPoller, isActive, isStale, nextInterval, parseParts, summarize, type StatusEvent } from '../../src/features/status';
import { startSimulator, type Simulator } from '../../src/sim';
import { eventually, removeDir, tempDir } from '../helpers';
import { renaultSession, reported, ZE50 } from '../renault-session';
import { DEMO_RENAULT_USER } from '../../src/sim/renault';

const base = (over: Partial<VehicleStatus> = {}): VehicleStatus => ({ vin: 'V', provider: 'renault', fetchedAt: '2026-01-01T00:00:00.000Z', ...over });
const words = { locked: 'locked', unlocked: 'unlocked', charging: 'charging', plugged: 'plugged' };

describe('features/status: pure parts', () => {
  it('summarises a status for the status dot', () => {
    assert.equal(summarize(base({ battery: { socPercent: 72.4 }, rangeKm: 318.2, lock: { state: 'locked' } }), words), '72 % · 318 km · locked');
    assert.equal(summarize(base({ battery: { socPercent: 50 }, charging: { state: 'charging', plug: 'plugged' } }), words), '50 % · charging');
    assert.equal(summarize(base({ mileageKm: 1234 }), words), '1234 km total');
  });

  it('calls a status stale when the car data is older than 6 hours', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(isStale(base({ updatedAt: '2026-01-01T05:59:00.000Z' }), now), true);
    assert.equal(isStale(base({ updatedAt: '2026-01-01T06:01:00.000Z' }), now), false);
    assert.equal(isStale(base(), now), false);
  });

  it('parses the parts setting and names the allowed values on error', () => {
    assert.deepEqual(parseParts('battery, position'), ['battery', 'position']);
    assert.equal(parseParts('').length, 11);
    // A list that names no part is refused (the dialog refuses no box ticked), not read as all.
    for (const none of [[], ' , ']) assert.throws(() => parseParts(none), (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /at least one of: battery/.test(e.message));
    assert.throws(() => parseParts(['battery', 'wheels']), (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /battery, fuel, charging/.test(e.message));
  });

  it('sees activity in charging, climate, movement and a falling charge', () => {
    assert.equal(isActive(base({ charging: { state: 'charging', plug: 'plugged' } }), undefined), true);
    assert.equal(isActive(base({ climate: { state: 'on' } }), undefined), true);
    assert.equal(isActive(base({ mileageKm: 101 }), base({ mileageKm: 100 })), true);
    assert.equal(isActive(base({ position: { latitude: 48.86, longitude: 2.35 } }), base({ position: { latitude: 48.85, longitude: 2.35 } })), true);
    assert.equal(isActive(base({ battery: { socPercent: 60 } }), base({ battery: { socPercent: 65 } })), true);
    assert.equal(isActive(base({ mileageKm: 100, battery: { socPercent: 65 } }), base({ mileageKm: 100, battery: { socPercent: 65 } })), false);
  });

  it('polls faster while active, a little slower after an hour of quiet, never below the budget share', () => {
    const min = 60_000;
    const b = 10 * min;
    assert.equal(nextInterval({ baseMs: b, adaptive: true, active: true, quietReads: 0, sustainableMs: 0 }), b / 3);
    // Quiet for an hour: half as long again, no more (issue 13: the gap stays near the interval shown).
    assert.equal(nextInterval({ baseMs: b, adaptive: true, active: false, quietReads: 6, sustainableMs: 0 }), 1.25 * b);
    assert.equal(nextInterval({ baseMs: b, adaptive: true, active: false, quietReads: 5, sustainableMs: 0 }), b);
    assert.equal(nextInterval({ baseMs: b, adaptive: false, active: true, quietReads: 0, sustainableMs: 0 }), b);
    assert.equal(nextInterval({ baseMs: b, adaptive: true, active: true, quietReads: 0, sustainableMs: 8 * min }), 8 * min);
    assert.equal(nextInterval({ baseMs: min, adaptive: true, active: true, quietReads: 0, sustainableMs: 0 }), min);
  });
});

describe('features/status: StatusPoller against the simulator', () => {
  let sim: Simulator;
  let clock: ManualClock;
  let dir: string;
  let session: AccountSession;

  beforeEach(async () => {
    clock = new ManualClock('2026-11-20T08:00:00Z');
    sim = await startSimulator({ port: 0, clock, renault: { quota: { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 } } });
    dir = await tempDir();
    session = renaultSession(sim, dir, { key: 'poller', clock });
    await session.vehicles();
  });

  afterEach(async () => {
    await session.close();
    await sim.close();
    await removeDir(dir);
  });

  it('keeps a day of polling by five nodes on three cars within the account budget', async function () {
    // 1440 clock minutes, each with real reads over sockets: seconds on an idle machine, far more on a loaded one.
    this.timeout(120_000);
    const vins = ['VF1AG000862Z50001', 'VF1R5E00125R50002', 'UU1DBG00X68SP0005'];
    const pollers = [0, 1, 2, 3, 4].map(
      (i) =>
        new StatusPoller({
          session,
          vin: vins[i % vins.length] ?? '',
          parts: ['battery', 'charging', 'mileage', 'position', 'climate'],
          intervalMs: 60_000,
          adaptive: true,
          onlyOnChange: false,
          clock,
        }),
    );
    let events = 0;
    for (const p of pollers) {
      p.on('status', () => events++);
      p.on('error', () => undefined);
      p.start();
    }
    sim.renault.resetStats();
    const perMinute: number[] = [];
    for (let m = 0; m < 24 * 60; m++) {
      const before = sim.renault.stats.kamereon;
      await clock.advance(60_000);
      // Let the reads the minute started finish over their sockets before time moves on.
      await Promise.all(pollers.map((p) => p.settled()));
      perMinute.push(sim.renault.stats.kamereon - before);
    }
    for (const p of pollers) p.stop();
    assert.ok(events > 24, `the pollers did poll (${events} statuses)`);
    if (process.env.DEBUG_BUDGET) console.log({ events, total: perMinute.reduce((a, b) => a + b, 0) });
    assert.equal(sim.renault.stats.rejected429, 0, 'never over the quota');
    // The quota window is rolling: check every 60-minute window of the day.
    let worst = 0;
    for (let m = 0; m + 60 <= perMinute.length; m++) worst = Math.max(worst, perMinute.slice(m, m + 60).reduce((a, b) => a + b, 0));
    assert.ok(worst <= 60, `at most 60 calls in any hour, saw ${worst}`);
  });

  it('emits only changes when asked, and answers requests always', async () => {
    const poller = new StatusPoller({ session, vin: 'UU1DBG00X68SP0005', parts: ['mileage'], intervalMs: 60_000, onlyOnChange: true, clock });
    const seen: StatusEvent[] = [];
    poller.on('status', (e: StatusEvent) => seen.push(e));
    poller.start();
    for (let i = 0; i < 10; i++) await clock.advance(60_000);
    poller.stop();
    assert.equal(seen.length, 1, 'a parked car polled ten times changes once (the first read)');
    const asked = await poller.read('request');
    assert.equal(asked.changed, false);
    assert.equal(asked.status.vin, 'UU1DBG00X68SP0005');
  });

  it('reads as soon as the user confirmed the sign-in, not a poll interval later', async () => {
    sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const tfaDir = await tempDir();
    const waiting = renaultSession(sim, tfaDir, { key: 'tfa', clock });
    try {
      await assert.rejects(waiting.vehicles(), { code: 'TFA_REQUIRED' });
      const code = sim.renault.lastTfaCode ?? '';
      const poller = new StatusPoller({ session: waiting, vin: 'VF1AG000862Z50001', parts: ['battery'], intervalMs: 10 * 60_000, onlyOnChange: false, clock });
      const seen: StatusEvent[] = [];
      poller.on('status', (e: StatusEvent) => seen.push(e));
      poller.start();
      const calls = sim.renault.stats.kamereon;
      await clock.advance(5_000);
      assert.equal(sim.renault.stats.kamereon, calls, 'no call while the code is awaited');
      await waiting.submitCode(code);
      const confirmedAt = clock.now();
      // The clock fires what is due now and then stands still: a read that waited for the poller's next turn (a minute
      // later) would never come, and mocha's timeout would fail the test. The read itself goes over real sockets.
      await clock.advance(0);
      await eventually(() => seen.length > 0, 'the status');
      poller.stop();
      assert.equal(seen.length, 1, 'the status came');
      assert.equal(clock.now(), confirmedAt, 'at the confirmation, with no time passed');
      assert.equal(seen[0]?.status.battery?.socPercent, reported(sim, ZE50).socPercent);
    } finally {
      await waiting.close();
      await removeDir(tfaDir);
    }
  });

  it('reads nothing by itself without an interval (car-status "on input only"), however long the clock runs', async () => {
    const poller = new StatusPoller({ session, vin: 'VF1AG000862Z50001', parts: ['battery'], intervalMs: 0, onlyOnChange: false, clock });
    const seen: StatusEvent[] = [];
    poller.on('status', (e: StatusEvent) => seen.push(e));
    poller.start();
    const calls = sim.renault.stats.kamereon;
    await clock.advance(24 * 3_600_000);
    await poller.settled();
    assert.deepEqual([sim.renault.stats.kamereon, seen.length], [calls, 0], 'nothing read in a day');
    const asked = await poller.read('request');
    assert.equal(asked.status.battery?.socPercent, reported(sim, ZE50).socPercent);
    assert.equal(sim.renault.stats.kamereon, calls + 1, 'one read, on request');
    poller.stop();
  });

  it('waits out a rate limit instead of polling through it', async () => {
    const poller = new StatusPoller({ session, vin: 'VF1AG000862Z50001', parts: ['battery'], intervalMs: 60_000, onlyOnChange: false, clock });
    const waits: { code: string; retryAt?: number }[] = [];
    poller.on('waiting', (e: { code: string; retryAt?: number }) => waits.push(e));
    sim.renault.injectFault({ kind: 'overloaded', times: 1 });
    poller.start();
    await clock.advance(2_000);
    await poller.settled();
    assert.deepEqual(waits.map((e) => e.code), ['RATE_LIMITED']);
    const retryAt = waits[0]?.retryAt ?? 0;
    assert.ok(retryAt >= Date.parse('2026-11-20T08:15:00Z'), `a 15-minute pause (${new Date(retryAt).toISOString()})`);
    const calls = sim.renault.stats.kamereon;
    let resumed = false;
    poller.on('status', () => (resumed = true));
    // The poll comes a moment (250 ms) after the pause. A poll begun earlier would be in flight after advance()
    // returns, and settled() waits for it to reach the simulator.
    await clock.advance(retryAt + 249 - clock.now());
    await poller.settled();
    assert.equal(sim.renault.stats.kamereon, calls, 'no call during the pause');
    await clock.advance(1);
    await poller.settled();
    assert.ok(resumed, 'polling resumed after the pause');
    assert.equal(sim.renault.stats.kamereon, calls + 1, 'one read');
    poller.stop();
  });
});
