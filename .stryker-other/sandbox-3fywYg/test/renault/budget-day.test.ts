// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type StatusPart } from '../../src/core';
import { StatusPoller } from '../../src/features/status';
import { renaultWorld } from '../renault-session';

const ALL: StatusPart[] = ['battery', 'charging', 'mileage', 'position', 'climate', 'tires', 'messages', 'lock'];

describe('Renault call budget over a simulated day', () => {
  it('never exceeds 60 Kamereon calls in any hour with many nodes polling fast and history reads, and Renault never says "quota"', async function () {
    this.timeout(120_000);
    // The simulator enforces Renault's quota per account; the client's budget covers the whole sign-in.
    const world = await renaultWorld({ start: '2026-11-20T00:00:00Z', renault: { quota: { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 }, actionDelayMs: 1000 } });
    const { sim, clock } = world;
    const session = world.session({ key: 'day' });
    // A flow of many nodes: every car, several nodes per car, all asking every minute.
    const wanted: [string, StatusPart[]][] = [];
    for (const vin of sim.renault.vins) wanted.push([vin, ALL], [vin, ['battery', 'charging']], [vin, ['position', 'mileage']]);
    const statuses = new Map<number, number>();
    const errors: CarError[] = [];
    const pollers = wanted.map(([vin, parts], i) => {
      const p = new StatusPoller({ session, vin, parts, intervalMs: 60_000, onlyOnChange: false, clock, firstReadDelayMs: 1_000 + i * 500 });
      p.on('status', () => statuses.set(i, (statuses.get(i) ?? 0) + 1));
      p.on('error', (e: CarError) => errors.push(e));
      return p;
    });
    try {
      for (const p of pollers) p.start();
      const zoe = sim.renault.vins[0] ?? '';
      const samples: number[] = [];
      let explicitRefused = 0;
      for (let minute = 0; minute < 24 * 60; minute++) {
        await clock.advance(60_000);
        // Let the reads the timers started finish before time moves on (HTTP is real I/O).
        await Promise.all(pollers.map((p) => p.settled()));
        samples.push(sim.renault.stats.kamereon);
        // Someone asks for the charge history every 10 minutes (a car-request node on a timer).
        if (minute % 10 === 5) {
          await session.readEndpoint(zoe, 'charges', {}, { kind: 'background' }).catch((e: unknown) => {
            if (!(e instanceof CarError) || e.code !== 'RATE_LIMITED') throw e;
            explicitRefused++;
          });
        }
      }
      for (const p of pollers) p.stop();
      await Promise.all(pollers.map((p) => p.settled()));

      let worst = 0;
      for (let i = 60; i < samples.length; i++) worst = Math.max(worst, (samples[i] ?? 0) - (samples[i - 60] ?? 0));
      assert.ok(worst <= 60, `${worst} Kamereon calls within one hour`);
      assert.equal(sim.renault.stats.rejected429, 0, 'Renault never had to say "quota reached"');
      assert.equal(sim.renault.stats.rejected401, 0, 'tokens renewed before they expire');
      assert.ok(worst >= 40, `the budget is used, not wasted (${worst} in the busiest hour)`);
      // History read at most hourly per car (the dates move once a day).
      const charges = sim.renault.stats.byEndpoint.charges ?? 0;
      assert.ok(charges <= 25 && charges >= 12, `charges read ${charges} times for 144 asks`);
      assert.ok(explicitRefused <= 144 - charges);
      // Every node got statuses through the day, and nothing but budget waits went wrong.
      for (let i = 0; i < pollers.length; i++) assert.ok((statuses.get(i) ?? 0) >= 10, `poller ${i} got ${statuses.get(i) ?? 0} statuses`);
      const unexpected = errors.filter((e) => e.code !== 'RATE_LIMITED' && e.code !== 'NOT_SUPPORTED');
      assert.deepEqual(unexpected.map((e) => `${e.code} ${e.message}`), []);
    } finally {
      for (const p of pollers) p.stop();
      await world.close();
    }
  });
});
