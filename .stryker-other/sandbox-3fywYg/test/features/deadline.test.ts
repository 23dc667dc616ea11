// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, HttpClient } from '../../src/core';
import { BMW_VIN, session as cardataSession, signInSession, until, world as cardataWorld } from '../cardata/helpers';
import { removeDir, tempDir } from '../helpers';
import { ZE50, renaultWorldEach, reported } from '../renault-session';

/** Issue 15, point 3: a hanging cloud holds neither a status read nor a redeploy. */
describe('A hanging cloud: one deadline per status read, and closing ends what is in flight', () => {
  const world = renaultWorldEach();

  it('reads the parts side by side; what has not come by the deadline is listed as missing, the rest arrives', async () => {
    const { sim, clock } = world;
    const session = world.session({ statusDeadlineMs: 30_000 });
    await session.readStatus(ZE50, ['battery'], { kind: 'explicit' }); // signed in, vehicle list known
    const started = clock.now();
    // The location endpoint never answers (every attempt), the others do.
    sim.renault.injectFault({ path: '/location', kind: 'hang', times: 10 });
    const before = { ...sim.renault.stats.byEndpoint };
    const read = session.readStatus(ZE50, ['battery', 'position', 'mileage', 'climate'], { kind: 'explicit' });
    // Every endpoint is asked before any answer is awaited: side by side, not one after another.
    await until(() => ['battery-status', 'location', 'cockpit', 'hvac-status'].every((e) => (sim.renault.stats.byEndpoint[e] ?? 0) > (before[e] ?? 0)), 'every endpoint asked');
    await clock.advance(30_000);
    const status = await read;
    assert.equal(clock.now() - started, 30_000, 'the read ended at its deadline');
    assert.equal(status.battery?.socPercent, reported(sim, ZE50).socPercent, 'battery arrived');
    assert.equal(status.climate?.state, reported(sim, ZE50).climate, 'climate arrived');
    assert.equal(status.mileageKm, reported(sim, ZE50).mileageKm, 'mileage arrived');
    const missing = status.missing ?? [];
    assert.deepEqual(
      missing.map((m) => [m.part, m.code]),
      [['position', 'TIMEOUT']],
    );
    assert.match(missing[0]?.message ?? '', /no answer within the 30 s a status read may take/);
    assert.equal((sim.renault.stats.byEndpoint.location ?? 0) - (before.location ?? 0), 1, 'the hanging read was not retried past the deadline');
    // The cloud answers again: the next read has the position.
    sim.renault.clearFaults();
    const next = await session.readStatus(ZE50, ['position'], { kind: 'explicit' });
    assert.deepEqual([next.position?.latitude, next.position?.longitude], reported(sim, ZE50).position, 'position read once the cloud answers');
    assert.equal(next.missing, undefined);
  });

  it('a read where every part hangs fails with TIMEOUT at the deadline, not after 5 endpoints x 3 attempts', async () => {
    const { sim, clock } = world;
    const session = world.session({ statusDeadlineMs: 30_000 });
    await session.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    sim.renault.injectFault({ kind: 'hang', times: 10 });
    const read = session.readStatus(ZE50, ['battery', 'position'], { kind: 'explicit' }).then(
      () => assert.fail('a read of nothing but hanging endpoints cannot succeed'),
      (e: unknown) => e,
    );
    await until(() => (sim.renault.stats.byEndpoint.location ?? 0) > 0, 'the location asked');
    await clock.advance(30_000);
    const err = await read;
    assert.ok(err instanceof CarError && err.code === 'TIMEOUT', String(err));
  });

  it('closing the account (a redeploy after the grace) ends a hanging read at once', async () => {
    const { sim } = world;
    // A session of its own HTTP client, as the account nodes make it.
    const session = world.session();
    await session.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    sim.renault.injectFault({ kind: 'hang', times: 10 });
    const read = session.readStatus(ZE50, ['battery', 'position', 'lock'], { kind: 'explicit' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await until(() => (sim.renault.stats.byEndpoint.location ?? 0) > 0, 'the reads are in flight');
    const t0 = performance.now();
    await session.close();
    const err = await read;
    const took = performance.now() - t0;
    assert.ok(took < 1_000, `closed and the read ended within ${Math.round(took)} ms`);
    assert.ok(err instanceof CarError && err.code === 'NETWORK' && /cancelled, the account was closed/.test(err.message), String(err));
  });

  it('HttpClient.close() ends every request in flight and every retry pause at once', async () => {
    const { sim } = world;
    const http = new HttpClient({ clock: world.clock, timeoutMs: 60_000 });
    sim.renault.injectFault({ kind: 'hang', times: 10 });
    const pending = [1, 2, 3].map(() =>
      http.request({ method: 'GET', url: `${sim.renault.kamereonUrl}/commerce/v1/accounts/x/kamereon/kca/car-adapter/v2/cars/y/location` }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    await until(() => http.attempts === 3, 'three requests on the wire');
    const t0 = performance.now();
    await http.close();
    const errors = await Promise.all(pending);
    assert.ok(performance.now() - t0 < 1_000);
    for (const e of errors) assert.ok(e instanceof CarError && e.code === 'NETWORK' && /cancelled/.test(e.message), String(e));
    await assert.rejects(http.request({ method: 'GET', url: sim.renault.kamereonUrl }), { code: 'NETWORK' });
  });
});

describe('A hanging CarData REST answer: the status read ends at its deadline', function () {
  this.timeout(30_000);

  it('telematicData hangs: TIMEOUT at the deadline of the clock, and the next read works', async () => {
    const w = await cardataWorld();
    const dir = await tempDir();
    const http = new HttpClient({ clock: w.clock, timeoutMs: 60_000 });
    const s = cardataSession(w, dir, 'bmw-deadline', undefined, http, 30_000);
    try {
      await signInSession(w, s);
      await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' }); // the container exists
      const before = w.sim.cardata.stats.byEndpoint.telematicData ?? 0;
      w.sim.cardata.injectFault({ kind: 'hang', path: 'telematicData' });
      const read = s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 }).then(
        () => assert.fail('a hanging read cannot succeed'),
        (e: unknown) => e,
      );
      await until(() => (w.sim.cardata.stats.byEndpoint.telematicData ?? 0) > before, 'the read is on the wire');
      await w.clock.advance(30_000);
      const err = await read;
      assert.ok(err instanceof CarError && err.code === 'TIMEOUT' && /30 s a status read may take/.test(err.message), String(err));
      const next = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
      assert.equal(next.battery?.socPercent, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')));
    } finally {
      await s.close();
      await http.close();
      await w.close();
      await removeDir(dir);
    }
  });
});
