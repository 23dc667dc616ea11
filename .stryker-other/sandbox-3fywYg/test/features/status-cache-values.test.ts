/**
 * The account's status cache on its own, with a connection that answers from a table: which parts
 * a read asks the cloud for (young, streamed, unsupported, joined), what the budget and the
 * deadline allow, what a push, an endpoint read and a restore leave in it, and the status it
 * assembles (values, range, fetchedAt).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CallBudget, CarError, ManualClock, type StatusFragment, type StatusPart, type Vehicle, type VehicleStatus } from '../../src/core';
import type { EndpointRead, StatusPatch, StatusRead } from '../../src/brands';
import { StatusCache, type StatusCacheOptions } from '../../src/features/status-cache';

const CAR: Vehicle = { vin: 'VF1AG000000000001', drivetrain: 'electric' };
const OTHER: Vehicle = { vin: 'VF1AG000000000002', drivetrain: 'electric' };

/** What the table's car says for each part. */
const VALUES: Partial<Record<StatusPart, StatusFragment>> = {
  battery: { battery: { socPercent: 80, rangeKm: 250 } },
  fuel: { fuel: { levelPercent: 40 } },
  charging: { charging: { state: 'charging', plug: 'plugged' } },
  lock: { lock: { state: 'locked' } },
  climate: { climate: { state: 'off' } },
  position: { position: { latitude: 48.85, longitude: 2.35 } },
  mileage: { mileageKm: 12_345 },
};

type Missing = StatusRead['missing'];

function rig(opts: { deadlineMs?: number; limit?: number } = {}) {
  const clock = new ManualClock();
  const budget = new CallBudget({ limit: opts.limit ?? 100, windowMs: 3_600_000, clock, jitter: 0 });
  const reads: StatusPart[][] = [];
  const endpoints: string[] = [];
  const statuses: VehicleStatus[] = [];
  const state = {
    cost: 1,
    streamed: undefined as Set<StatusPart> | undefined,
    /** Missing parts the next read reports, by part. */
    missing: {} as Partial<Record<StatusPart, Omit<Missing[number], 'part'>>>,
    rangeKm: undefined as number | undefined,
    /** When set, a read waits for it (and for the deadline's signal). */
    hold: undefined as Promise<void> | undefined,
    patches: {} as Record<string, StatusPatch>,
    changes: 0,
  };
  const options: StatusCacheOptions = {
    provider: 'renault',
    clock,
    budget,
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
    streamParts: () => state.streamed,
    onChange: () => void state.changes++,
    onStatus: (_vin, status) => void statuses.push(status),
    connection: {
      status: {
        cost: () => state.cost,
        read: async (_vehicle, parts, { signal }): Promise<StatusRead> => {
          reads.push([...parts]);
          if (state.hold) {
            const hold = state.hold;
            await new Promise<void>((resolve, reject) => {
              signal?.addEventListener('abort', () => reject(signal.reason as Error));
              void hold.then(resolve);
            });
          }
          const status: StatusFragment = {};
          const missing: Missing = [];
          for (const p of parts) {
            const m = state.missing[p];
            if (m) missing.push({ part: p, ...m });
            else Object.assign(status, VALUES[p]);
          }
          if (state.rangeKm !== undefined) status.rangeKm = state.rangeKm;
          return { status, raw: { cockpit: { parts } }, missing };
        },
      },
      raw: {
        paths: [],
        endpoints: [],
        request: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no raw requests here')),
        readEndpoint: async (_vehicle, endpoint, params): Promise<EndpointRead> => {
          endpoints.push(`${endpoint} ${JSON.stringify(params)}`);
          await Promise.resolve();
          const patch = state.patches[endpoint];
          return { endpoint, calledEndpoint: endpoint, raw: { endpoint }, mapped: {}, ...(patch ? { status: patch } : {}), readAt: clock.now() };
        },
      },
    },
  };
  return { cache: new StatusCache(options), clock, budget, reads, endpoints, statuses, state };
}

/** The parts the cache holds for a VIN with their age (ms before now). */
function ages(r: ReturnType<typeof rig>, vin = CAR.vin): Record<string, number> {
  const parts = r.cache.snapshot().parts[vin] ?? {};
  return Object.fromEntries(Object.entries(parts).map(([p, c]) => [p, r.clock.now() - (c?.at ?? NaN)]));
}

describe('the status cache, part by part', () => {
  describe('which parts a read asks the cloud for', () => {
    it('serves parts younger than maxAge from the cache, without a call', async () => {
      const r = rig();
      await r.cache.read(CAR, ['battery', 'position', 'mileage']);
      await r.clock.advance(30_000);
      const status = await r.cache.read(CAR, ['battery', 'position', 'mileage'], { maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['battery', 'position', 'mileage']]);
      assert.equal(status.battery?.socPercent, 80);
      assert.equal(status.mileageKm, 12_345);
      assert.equal(r.budget.used(), 0, 'the cache only checks the budget; the connection spends it');
    });

    it('reads the odometer with a stale position (and the reverse) when both are asked', async () => {
      const r = rig();
      await r.cache.read(CAR, ['position', 'mileage']);
      await r.clock.advance(30_000);
      r.cache.pushed(CAR.vin, { mileageKm: 12_350 });
      await r.clock.advance(40_000);
      await r.cache.read(CAR, ['position', 'mileage'], { maxAgeMs: 60_000 });
      await r.clock.advance(30_000);
      r.cache.pushed(CAR.vin, { position: { latitude: 48.9, longitude: 2.3 } });
      await r.clock.advance(40_000);
      await r.cache.read(CAR, ['position', 'mileage'], { maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['position', 'mileage'], ['position', 'mileage'], ['mileage', 'position']]);
    });

    it('reads a position alone when the odometer is not asked, is unsupported or streamed', async () => {
      const r = rig();
      await r.cache.read(CAR, ['position']);
      assert.deepEqual(r.reads, [['position']]);
      r.state.missing.mileage = { code: 'NOT_SUPPORTED', message: 'no odometer' };
      await r.cache.read(CAR, ['mileage']);
      await r.cache.read(CAR, ['position', 'mileage']);
      const streamed = rig();
      streamed.cache.pushed(CAR.vin, { mileageKm: 100 });
      streamed.state.streamed = new Set(['mileage']);
      await streamed.cache.read(CAR, ['position', 'mileage']);
      assert.deepEqual(r.reads, [['position'], ['mileage'], ['position']]);
      assert.deepEqual(streamed.reads, [['position']]);
    });

    it('counts a part the stream carries as fresh at any age, unless the read is explicit', async () => {
      const r = rig();
      r.cache.pushed(CAR.vin, { battery: { socPercent: 61 } });
      r.state.streamed = new Set(['battery']);
      await r.clock.advance(3_600_000);
      const status = await r.cache.read(CAR, ['battery'], { maxAgeMs: 60_000 });
      assert.equal(status.battery?.socPercent, 61);
      assert.deepEqual(r.reads, []);
      await r.cache.read(CAR, ['battery'], { kind: 'explicit', maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['battery']]);
    });

    it('reads a streamed part the cache has never held, and a restored one once it is older than maxAge', async () => {
      const r = rig();
      r.state.streamed = new Set(['battery', 'lock']);
      r.cache.restore({ parts: { [CAR.vin]: { lock: { at: r.clock.now(), fragment: { lock: { state: 'unlocked' } } } } }, ranges: {} });
      await r.clock.advance(120_000);
      const status = await r.cache.read(CAR, ['battery', 'lock'], { maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['battery', 'lock']]);
      assert.equal(status.lock?.state, 'locked');
    });

    it('asks no more for a part the car answered NOT_SUPPORTED for, nor for two of them', async () => {
      const r = rig();
      r.state.missing.fuel = { code: 'NOT_SUPPORTED', message: 'no tank' };
      r.state.missing.climate = { code: 'NOT_SUPPORTED', message: 'no climate', permanent: true };
      const first = await r.cache.read(CAR, ['battery', 'fuel', 'climate']);
      assert.deepEqual(first.missing?.map((m) => `${m.part} ${m.code}`), ['fuel NOT_SUPPORTED', 'climate NOT_SUPPORTED']);
      const second = await r.cache.read(CAR, ['battery', 'fuel', 'climate']);
      assert.deepEqual(r.reads, [['battery', 'fuel', 'climate'], ['battery']]);
      assert.equal(second.missing, undefined);
    });

    it('asks again for a part that failed otherwise, or whose NOT_SUPPORTED may pass', async () => {
      const r = rig();
      r.state.missing.fuel = { code: 'UPSTREAM', message: 'cloud down' };
      r.state.missing.climate = { code: 'NOT_SUPPORTED', message: 'privacy mode', permanent: false };
      await r.cache.read(CAR, ['fuel', 'climate']);
      await r.cache.read(CAR, ['fuel', 'climate']);
      assert.deepEqual(r.reads, [['fuel', 'climate'], ['fuel', 'climate']]);
    });

    it('gives up on an access denied only when the part never worked; a permanent NOT_SUPPORTED after successes counts', async () => {
      const r = rig();
      await r.cache.read(CAR, ['fuel', 'climate']);
      r.state.missing.fuel = { code: 'NOT_SUPPORTED', message: 'denied', permanent: 'if-never-worked' };
      r.state.missing.climate = { code: 'NOT_SUPPORTED', message: 'gone', permanent: true };
      r.state.missing.lock = { code: 'NOT_SUPPORTED', message: 'denied', permanent: 'if-never-worked' };
      await r.cache.read(CAR, ['fuel', 'climate', 'lock']);
      await r.cache.read(CAR, ['fuel', 'climate', 'lock']);
      assert.deepEqual(r.reads, [['fuel', 'climate'], ['fuel', 'climate', 'lock'], ['fuel']]);
    });

    it('keeps the old value of a part a read could not bring', async () => {
      const r = rig();
      await r.cache.read(CAR, ['battery']);
      r.state.missing.battery = { code: 'UPSTREAM', message: 'cloud down' };
      const status = await r.cache.read(CAR, ['battery']);
      assert.equal(status.battery?.socPercent, 80);
      assert.deepEqual(status.missing?.map((m) => m.code), ['UPSTREAM']);
    });
  });

  describe('reads at the same time', () => {
    it('joins a read of the same part in flight: one call', async () => {
      const r = rig();
      const [a, b] = await Promise.all([r.cache.read(CAR, ['battery']), r.cache.read(CAR, ['battery'])]);
      assert.deepEqual(r.reads, [['battery']]);
      assert.equal(a.battery?.socPercent, 80);
      assert.equal(b.battery?.socPercent, 80);
    });

    it('reads its own parts after joining a read that did not bring them', async () => {
      const r = rig();
      const [a, b] = await Promise.all([r.cache.read(CAR, ['battery']), r.cache.read(CAR, ['fuel'])]);
      assert.deepEqual(r.reads, [['battery'], ['fuel']]);
      assert.equal(a.fuel, undefined);
      assert.equal(b.fuel?.levelPercent, 40);
    });

    it('does not wait for another vehicle’s read', async () => {
      const r = rig();
      let release = (): void => undefined;
      r.state.hold = new Promise<void>((resolve) => (release = resolve));
      const a = r.cache.read(CAR, ['battery']);
      const b = r.cache.read(OTHER, ['battery']);
      assert.deepEqual(r.reads, [['battery'], ['battery']], 'both cars asked before the first answers');
      release();
      assert.equal((await a).vin, CAR.vin);
      assert.equal((await b).vin, OTHER.vin);
    });

    it('joins at most three reads in flight, then answers with what the cache has', async () => {
      const r = rig();
      // The first starts a read of battery; the second joins it, then reads fuel; the third joins
      // both, then reads lock; the last joins all three and answers without climate.
      const reads = [
        r.cache.read(CAR, ['battery']),
        r.cache.read(CAR, ['fuel']),
        r.cache.read(CAR, ['lock']),
        r.cache.read(CAR, ['climate']),
      ];
      const last = (await Promise.all(reads))[3];
      assert.deepEqual(r.reads, [['battery'], ['fuel'], ['lock']]);
      assert.equal(last?.climate, undefined);
      assert.equal(last?.missing, undefined);
      assert.equal(last?.lock?.state, undefined, 'only the parts asked');
    });
  });

  describe('budget and deadline', () => {
    it('refuses a read the budget cannot take, without a call', async () => {
      const r = rig({ limit: 1 });
      r.budget.take('background', 1);
      await assert.rejects(r.cache.read(CAR, ['battery']), (e: CarError) => e.code === 'RATE_LIMITED' && /budget \(1 per/.test(e.message));
      assert.deepEqual(r.reads, []);
    });

    it('reads what costs no call even while the budget is paused', async () => {
      const r = rig();
      r.budget.penalize();
      r.state.cost = 0;
      const status = await r.cache.read(CAR, ['battery']);
      assert.equal(status.battery?.socPercent, 80);
      assert.deepEqual(r.reads, [['battery']]);
    });

    it('times a read out on its own clock when given a deadline, and leaves no timer behind', async () => {
      const r = rig({ deadlineMs: 5_000 });
      await r.cache.read(CAR, ['battery']);
      assert.equal(r.clock.pending, 0);
      r.state.hold = new Promise<void>(() => undefined);
      const refused = assert.rejects(r.cache.read(CAR, ['fuel']), (e: CarError) => e.code === 'TIMEOUT' && e.message === 'no answer within the 5 s a status read may take');
      await r.clock.advance(5_000);
      await refused;
      assert.equal(r.clock.pending, 0);
    });

    it('does not time a read out when the test clock jumps, without a deadline given', async () => {
      const r = rig();
      let release = (): void => undefined;
      r.state.hold = new Promise<void>((resolve) => (release = resolve));
      const read = r.cache.read(CAR, ['battery']);
      assert.equal(r.clock.pending, 0, 'the deadline runs on real time');
      await r.clock.advance(60_000);
      release();
      assert.equal((await read).battery?.socPercent, 80);
    });
  });

  describe('pushes and endpoint reads', () => {
    it('keeps a pushed part and only the parts a push touches', async () => {
      const r = rig();
      r.cache.pushed(CAR.vin, { battery: { socPercent: 55 }, rangeKm: 180 });
      assert.deepEqual(ages(r), { battery: 0 });
      assert.equal(r.state.changes, 1);
      assert.equal(r.statuses.at(-1)?.battery?.socPercent, 55);
      assert.equal(r.statuses.at(-1)?.rangeKm, 180);
      await r.cache.read(CAR, ['battery', 'fuel'], { maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['fuel']]);
    });

    it('puts a whole part an endpoint brings in the cache, fresh, and leaves the other parts as they were', async () => {
      const r = rig();
      await r.cache.read(CAR, ['battery', 'lock']);
      await r.clock.advance(10_000);
      r.state.patches['lock-status'] = { lock: { state: 'unlocked' } };
      await r.cache.readEndpoint(CAR, 'lock-status', {}, 'explicit');
      assert.deepEqual(ages(r), { battery: 10_000, lock: 0 });
      assert.equal(r.cache.cached(CAR.vin)?.lock?.state, 'unlocked');
      const fresh = rig();
      fresh.state.patches['lock-status'] = { lock: { state: 'locked' } };
      await fresh.cache.readEndpoint(CAR, 'lock-status', {}, 'explicit');
      assert.deepEqual(ages(fresh), { lock: 0 });
    });

    it('merges some fields of a part into the cached part, keeping its age; drops them without one', async () => {
      const r = rig();
      await r.cache.read(CAR, ['charging']);
      await r.clock.advance(10_000);
      r.state.patches['charge-mode'] = { charging: { mode: 'scheduled' } };
      await r.cache.readEndpoint(CAR, 'charge-mode', {}, 'background');
      assert.deepEqual(r.cache.cached(CAR.vin)?.charging, { state: 'charging', plug: 'plugged', mode: 'scheduled' });
      assert.deepEqual(ages(r), { charging: 10_000 });
      const empty = rig();
      empty.state.patches['charge-mode'] = { charging: { mode: 'scheduled' } };
      await empty.cache.readEndpoint(CAR, 'charge-mode', {}, 'background');
      assert.deepEqual(empty.cache.snapshot().parts[CAR.vin], {});
      assert.equal(empty.cache.cached(CAR.vin), undefined);
    });

    it('keeps a restored part restored when a patch merges into it, and a patched whole part counts as streamed', async () => {
      const r = rig();
      r.cache.restore({ parts: { [CAR.vin]: { charging: { at: r.clock.now(), fragment: VALUES.charging } } } });
      r.state.streamed = new Set(['charging', 'lock']);
      r.state.patches['charge-mode'] = { charging: { mode: 'always' } };
      await r.cache.readEndpoint(CAR, 'charge-mode', {}, 'background');
      await r.cache.read(CAR, ['lock']);
      r.state.patches['lock-status'] = { lock: { state: 'unlocked' } };
      await r.cache.readEndpoint(CAR, 'lock-status', {}, 'background');
      await r.clock.advance(120_000);
      await r.cache.read(CAR, ['charging', 'lock'], { maxAgeMs: 60_000 });
      assert.deepEqual(r.reads, [['lock'], ['charging']]);
    });

    it('reads one endpoint once for the same params in any order, and each endpoint for itself', async () => {
      const r = rig();
      const [a, b, c] = await Promise.all([
        r.cache.readEndpoint(CAR, 'cockpit', { from: '1', to: '2' }, 'explicit'),
        r.cache.readEndpoint(CAR, 'cockpit', { to: '2', from: '1' }, 'explicit'),
        r.cache.readEndpoint(CAR, 'lock-status', {}, 'explicit'),
      ]);
      assert.deepEqual(r.endpoints, ['cockpit {"from":"1","to":"2"}', 'lock-status {}']);
      assert.deepEqual([a.endpoint, b.endpoint, c.endpoint], ['cockpit', 'cockpit', 'lock-status']);
    });
  });

  describe('restore and the assembled status', () => {
    it('ignores a saved value that is no snapshot', () => {
      const r = rig();
      for (const saved of [undefined, null, 0, '']) r.cache.restore(saved);
      assert.equal(r.cache.cached(CAR.vin), undefined);
    });

    it('restores the parts that pass their schema and the ranges that are numbers, never over what it knows', async () => {
      const r = rig();
      r.state.rangeKm = 100;
      await r.cache.read(OTHER, ['battery']);
      const at = r.clock.now() - 60_000;
      r.cache.restore({
        parts: {
          [CAR.vin]: { battery: { at, fragment: { battery: { socPercent: 150 } } }, lock: { at, fragment: { lock: { state: 'locked' } } } },
          [OTHER.vin]: { lock: { at, fragment: { lock: { state: 'locked' } } } },
        },
        ranges: { [CAR.vin]: 321, [OTHER.vin]: 400, VF1AG000000000003: 'far' },
      });
      assert.deepEqual(ages(r), { lock: 60_000 });
      assert.equal(r.cache.cached(CAR.vin)?.rangeKm, 321);
      assert.equal(r.cache.cached(OTHER.vin)?.rangeKm, 100);
      assert.deepEqual(r.cache.snapshot().ranges, { [OTHER.vin]: 100, [CAR.vin]: 321 });
    });

    it('dates a status by its newest part, and adds the range the last read brought', async () => {
      const r = rig();
      const t0 = r.clock.now();
      r.state.rangeKm = 250;
      await r.cache.read(CAR, ['battery']);
      await r.clock.advance(60_000);
      await r.cache.read(CAR, ['fuel']);
      await r.clock.advance(600_000);
      const status = r.cache.cached(CAR.vin);
      assert.equal(status?.fetchedAt, new Date(t0 + 60_000).toISOString());
      assert.equal(status?.rangeKm, 250);
      assert.equal(r.cache.cached(CAR.vin, ['battery'])?.fetchedAt, new Date(t0).toISOString());
    });
  });
});
