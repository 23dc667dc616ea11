import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type StatusPart } from '../../src/core';
import { cardataAuth, CONTAINER_KEYS, CONTAINER_NAME, CONTAINER_PREFIX, type CarDataAuthState } from '../../src/brands/cardata';
import { CommandRunner } from '../../src/features/commands';
import type { AccountSession } from '../../src/features/session';
import { removeDir, tempDir } from '../helpers';
import { BMW_VIN, MINI_VIN, connect, context, session, signInDirect, signInSession, world, type World } from './helpers';

const PARTS: StatusPart[] = ['battery', 'charging', 'lock', 'doors', 'position', 'mileage'];

describe('CarData REST: 50 calls a day, containers, errors', () => {
  let w: World;
  let dir: string;
  const sessions: AccountSession[] = [];

  beforeEach(async () => {
    w = await world({ brokerPort: false });
    dir = await tempDir();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await w.close();
    await removeDir(dir);
  });

  it('never passes 50 calls in any 24 h under many readers, and keeps a reserve for explicit asks', async function () {
    this.timeout(120_000);
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    await s.vehicles();
    let maxInWindow = 0;
    let refusedBackground = 0;
    let explicitOk = 0;
    let explicitAfterSpent = 0;
    let otherErrors = 0;
    let readsFirstDay = 0;
    // 20 nodes each asking every simulated minute for 30 h: background reads may be 10 min old,
    // one node asks explicitly every 2 h (a user pressing a button).
    for (let minute = 0; minute < 30 * 60; minute++) {
      const reads: Promise<void>[] = [];
      for (let node = 0; node < 20; node++) {
        const vin = node % 2 ? MINI_VIN : BMW_VIN;
        const explicit = node === 0 && minute % 120 === 60;
        reads.push(
          s.readStatus(vin, PARTS, { kind: explicit ? 'explicit' : 'background', maxAgeMs: explicit ? 0 : 10 * 60_000 }).then(
            () => {
              if (!explicit) return;
              explicitOk++;
              if (refusedBackground > 0) explicitAfterSpent++;
            },
            (e: unknown) => {
              if (e instanceof CarError && e.code === 'QUOTA_EXCEEDED' && !explicit) refusedBackground++;
              else if (!(e instanceof CarError && e.code === 'QUOTA_EXCEEDED')) otherErrors++;
            },
          ),
        );
      }
      await Promise.all(reads);
      if (minute === 24 * 60) readsFirstDay = w.sim.cardata.stats.byEndpoint.telematicData ?? 0;
      maxInWindow = Math.max(maxInWindow, w.sim.cardata.quotaStatus().calls);
      await w.clock.advance(60_000);
    }
    assert.equal(otherErrors, 0);
    assert.ok(maxInWindow <= 50, `at most 50 calls in a window (saw ${maxInWindow})`);
    assert.equal(w.sim.cardata.stats.rejected429, 0, 'the plugin stops itself before BMW has to');
    assert.ok(refusedBackground > 0, 'background reads were held back');
    assert.ok(explicitAfterSpent > 0, 'explicit asks still got through from the reserve');
    assert.ok(explicitOk >= 10);
    assert.ok(s.budget.used() <= 50);
    // The rolling window lets reads through again once the first day's calls age out.
    const later = (w.sim.cardata.stats.byEndpoint.telematicData ?? 0) - readsFirstDay;
    assert.ok(readsFirstDay > 30 && later > 10, `reads resumed as the window rolled (${readsFirstDay} in the first 24 h, ${later} after)`);
  });

  it('turns CU-429 into QUOTA_EXCEEDED with the time it clears, and pauses the account', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    await s.vehicles();
    w.sim.cardata.injectFault({ kind: 'quota' });
    const err = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'QUOTA_EXCEEDED');
    assert.equal(err.upstreamCode, 'CU-429');
    assert.equal(err.status, 403, 'BMW says it with 403, not 429');
    assert.ok(err.retryAt !== undefined && err.retryAt >= w.clock.now() + 15 * 60_000, 'names when it clears');
    assert.match(err.message, /stream keeps working/);
    const calls = w.sim.cardata.stats.rest;
    await assert.rejects(s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' }));
    assert.equal(w.sim.cardata.stats.rest, calls, 'nothing reaches BMW during the pause');
    await w.clock.advance((err.retryAt ?? 0) - w.clock.now() + 1_000);
    const status = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' });
    assert.equal(status.battery?.socPercent, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')));
  });

  it('honours the Retry-After of an HTTP 429: the account pauses exactly that long, then reads again', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    await s.vehicles();
    w.sim.cardata.injectFault({ kind: 'rate-limited' });
    const asked = w.clock.now();
    const err = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.deepEqual([err.code, err.status], ['QUOTA_EXCEEDED', 429]);
    // Retry-After: 900, with the budget's 0-10 % jitter (issue 13), never less.
    const until = err.retryAt ?? 0;
    assert.ok(until >= asked + 900_000 && until <= asked + 990_000, `Retry-After: 900 (paused ${(until - asked) / 1000} s)`);
    assert.match(err.message, new RegExp(`pause until ${new Date(until).toISOString()}`));
    const calls = w.sim.cardata.stats.rest;
    const reads = w.sim.cardata.stats.byEndpoint.telematicData ?? 0;
    await w.clock.advance(until - w.clock.now() - 1_000);
    const early = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 }).catch((e: unknown) => e);
    assert.ok(early instanceof CarError, 'one second before the pause ends');
    assert.equal(early.retryAt, until);
    assert.equal(w.sim.cardata.stats.rest, calls, 'nothing reaches BMW during the pause');
    await w.clock.advance(1_000);
    const status = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(w.sim.cardata.stats.byEndpoint.telematicData, reads + 1);
    assert.equal(status.battery?.socPercent, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')), 'the header, as the car holds it');
  });

  it("creates one container for the keys it maps and reuses it; the memory is the connection's", async () => {
    const ctx = context(w);
    const auth = await signInDirect(w, ctx);
    const conn = connect(ctx, async () => auth);
    const vehicles = await conn.listVehicles({ kind: 'explicit' });
    for (const v of vehicles) await conn.status.read(v, PARTS, { kind: 'explicit' });
    for (const v of vehicles) await conn.status.read(v, PARTS, { kind: 'explicit' });
    assert.equal(w.sim.cardata.containerCount(), 1);
    assert.equal(w.sim.cardata.stats.byEndpoint.createContainer, 1);
    assert.equal(w.sim.cardata.stats.byEndpoint.containers, 1, 'looked up once, then remembered');
    assert.equal(w.sim.cardata.stats.byEndpoint.telematicData, 4);
    assert.equal(conn.status.cost(vehicles[0] ?? { vin: BMW_VIN, drivetrain: 'electric' }, PARTS), 1, 'one call reads every part');
    // Another connection (another account node's session, a redeploy) looks it up once for itself.
    const other = connect(ctx, async () => auth);
    await other.status.read(vehicles[0] ?? { vin: BMW_VIN, drivetrain: 'electric' }, PARTS, { kind: 'explicit' });
    assert.equal(w.sim.cardata.stats.byEndpoint.containers, 2);
    assert.equal(w.sim.cardata.stats.byEndpoint.createContainer, 1, 'and finds ours');
    // Closed, a connection forgets it.
    await conn.close();
    await conn.ensureContainer(auth, { kind: 'explicit' });
    assert.equal(w.sim.cardata.stats.byEndpoint.containers, 3);
    assert.ok(CONTAINER_KEYS.length > 40);
    assert.ok(CONTAINER_NAME.startsWith(CONTAINER_PREFIX));
  });

  it('never goes past 10 containers (CU-124): deletes its own stale one, refuses when 10 are foreign', async () => {
    const ctx = context(w);
    const auth = await signInDirect(w, ctx);
    const post = async (name: string): Promise<void> => {
      const res = await w.http.request({
        method: 'POST',
        url: `${w.sim.cardata.apiUrl}/customers/containers`,
        headers: { authorization: `Bearer ${auth.accessToken}`, 'x-version': 'v1' },
        json: { name, purpose: 'test', technicalDescriptors: ['vehicle.vehicle.travelledDistance'] },
      });
      assert.equal(res.status, 201);
    };
    for (let i = 0; i < 9; i++) await post(`someone-else-${i}`);
    await post(`${CONTAINER_PREFIX}-oldkeys`);
    assert.equal(w.sim.cardata.containerCount(), 10);
    // The stale container of ours makes room for the new one.
    await connect(ctx, async () => auth).ensureContainer(auth, { kind: 'explicit' });
    assert.equal(w.sim.cardata.containerCount(), 10);
    assert.equal(w.sim.cardata.stats.byEndpoint.deleteContainer, 1);

    // Another account (another simulator) with 10 foreign containers: a clear refusal, no create.
    const w2 = await world({ brokerPort: false });
    try {
      const ctx2 = context(w2);
      const auth2 = await signInDirect(w2, ctx2);
      for (let i = 0; i < 10; i++) {
        const res = await w2.http.request({
          method: 'POST',
          url: `${w2.sim.cardata.apiUrl}/customers/containers`,
          headers: { authorization: `Bearer ${auth2.accessToken}`, 'x-version': 'v1' },
          json: { name: `foreign-${i}`, purpose: 'test', technicalDescriptors: ['vehicle.vehicle.travelledDistance'] },
        });
        assert.equal(res.status, 201);
      }
      await assert.rejects(connect(ctx2, async () => auth2).ensureContainer(auth2, { kind: 'explicit' }), (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.equal(e.code, 'NOT_SUPPORTED');
        assert.equal(e.upstreamCode, 'CU-124');
        assert.match(e.message, /Delete one/);
        return true;
      });
      assert.equal(w2.sim.cardata.stats.byEndpoint.createContainer ?? 0, 10, 'no create beyond 10');
    } finally {
      await w2.close();
    }
  });

  it('lists the cars with brand, model and drivetrain, and reads their charging history page by page', async () => {
    const ctx = context(w);
    let current: CarDataAuthState = await signInDirect(w, ctx);
    const conn = connect(ctx, async () => current);
    const vehicles = await conn.listVehicles({ kind: 'explicit' });
    const bmw = vehicles.find((v) => v.vin === BMW_VIN);
    const mini = vehicles.find((v) => v.vin === MINI_VIN);
    // The model code is basicData's modelKey, not its bodyType ("Gran Coupe" is prose).
    assert.deepEqual(bmw, { vin: BMW_VIN, drivetrain: 'electric', brand: 'bmw', model: 'i4 eDrive40', name: 'BMW i4 eDrive40', modelCode: '31AW' });
    assert.equal(mini?.brand, 'mini');
    assert.equal(mini?.drivetrain, 'plugin_hybrid');
    assert.ok(conn.capabilities(mini ?? { vin: '', drivetrain: 'unknown' }).parts.includes('fuel'));
    assert.ok(!conn.capabilities(bmw ?? { vin: '', drivetrain: 'unknown' }).parts.includes('fuel'));
    // The world has run for 3 days since it began (08:00): a session per 6 h cycle of the i4.
    await w.clock.advance(3 * 86_400_000);
    current = await cardataAuth.refresh(ctx, current);
    const before = w.sim.cardata.stats.byEndpoint.chargingHistory ?? 0;
    assert.ok(bmw);
    const sessionsRead = await conn.history.chargeSessions(bmw, '2026-11-20T08:00:00Z', new Date(w.clock.now()).toISOString(), {
      kind: 'explicit',
    });
    assert.equal(sessionsRead.length, 12);
    assert.equal((w.sim.cardata.stats.byEndpoint.chargingHistory ?? 0) - before, 2, '12 sessions, 10 a page');
    const first = sessionsRead[0];
    assert.equal(first?.source, 'native');
    assert.equal(first?.socFromPercent, 40);
    assert.equal(first?.socToPercent, 80);
    assert.ok(first?.energyKwh !== undefined && first.energyKwh > 30);
    assert.ok(first?.mileageKm !== undefined && first.mileageKm >= 12_345, 'the odometer of the session, in km');
    const home = sessionsRead.find((x) => !x.publicChargePoint);
    assert.ok(home?.position && Math.abs(home.position.latitude - 48.18) < 0.01);
    // Every fourth charge of the simulated i4 is at a public charger: the session says which.
    const away = sessionsRead.filter((x) => x.publicChargePoint);
    assert.equal(away.length, 3);
    assert.deepEqual(away[0]?.publicChargePoint, { provider: 'SWM Ladenetz', address: 'Leopoldstraße 50, 80802 München' });
    assert.ok(sessionsRead.every((x, i) => i === 0 || Date.parse(x.startAt) > Date.parse(sessionsRead[i - 1]?.startAt ?? '')));
  });

  it('reads the charging history to the end of the period by next_token, however many pages', async () => {
    const small = await world({ brokerPort: false, historyPageSize: 2 });
    try {
      const ctx = context(small);
      let current: CarDataAuthState = await signInDirect(small, ctx);
      const conn = connect(ctx, async () => current);
      await small.clock.advance(3 * 86_400_000);
      current = await cardataAuth.refresh(ctx, current);
      const read = await conn.history.chargeSessions({ vin: BMW_VIN, drivetrain: 'electric' }, '2026-11-20T08:00:00Z', new Date(small.clock.now()).toISOString(), { kind: 'explicit' });
      assert.equal(read.length, 12);
      assert.equal(small.sim.cardata.stats.byEndpoint.chargingHistory, 6, 'six pages of two, more than the five read before');
      assert.equal(new Set(read.map((x) => x.startAt)).size, 12, 'each session once');
    } finally {
      await small.close();
    }
  });

  it('finds or creates its container again, once, when BMW answers 403 CU-105', async () => {
    const ctx = context(w);
    const auth = await signInDirect(w, ctx);
    const conn = connect(ctx, async () => auth);
    const car = { vin: BMW_VIN, drivetrain: 'electric' as const };
    await conn.status.read(car, PARTS, { kind: 'explicit' });
    assert.equal(w.sim.cardata.stats.byEndpoint.createContainer, 1);
    // BMW dropped the container: the read that meets CU-105 makes a new one and reads again.
    w.sim.cardata.dropContainers();
    const again = await conn.status.read(car, PARTS, { kind: 'explicit' });
    assert.equal(again.status.battery?.socPercent, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')));
    assert.equal(w.sim.cardata.stats.byEndpoint.createContainer, 2);
    assert.equal(w.sim.cardata.stats.byEndpoint.telematicData, 3);
    // CU-105 again right after the new one: once is enough, the read fails and says why.
    w.sim.cardata.injectFault({ kind: 'container-gone', path: 'telematicData', times: 2 });
    await assert.rejects(conn.status.read(car, PARTS, { kind: 'explicit' }), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'UPSTREAM');
      assert.equal(e.upstreamCode, 'CU-105');
      assert.equal(e.status, 403);
      assert.match(e.message, /creates it again on the next read/);
      return true;
    });
    assert.equal(w.sim.cardata.stats.byEndpoint.telematicData, 5, 'one read and one retry');
    assert.equal(w.sim.cardata.stats.byEndpoint.containers, 3, 'looked up again once');
    // The next read looks again and works.
    await conn.status.read(car, PARTS, { kind: 'explicit' });
    assert.equal(w.sim.cardata.stats.byEndpoint.containers, 4);
    assert.equal(w.sim.cardata.containerCount(), 1, 'no container piles up');
  });

  it("says what BMW's CU-403 refusal of the mappings asks for (the primary user, both subscriptions), and lists the cars once it is gone", async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    w.sim.cardata.injectFault({ kind: 'forbidden-resource', path: 'mappings' });
    await assert.rejects(s.vehicles(), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.deepEqual([e.code, e.status, e.upstreamCode, e.transient], ['NOT_SUPPORTED', 403, 'CU-403', false]);
      assert.match(e.message, /^BMW CarData GET mappings: BMW refused it for this account \(CU-403\): the account must be the car's primary user, with both "CarData API" and "CarData Streaming" subscribed/);
      return true;
    });
    assert.deepEqual((await s.vehicles({ force: true })).map((v) => v.vin).sort(), [BMW_VIN, MINI_VIN].sort());
  });

  it('has no commands and no charging settings, and says why (NOT_SUPPORTED through the session)', async () => {
    const s = session(w, dir);
    sessions.push(s);
    const car = { vin: BMW_VIN, drivetrain: 'electric' as const };
    assert.equal(s.connection.commands, undefined);
    assert.equal(s.connection.charging, undefined);
    assert.match(s.connection.missing?.commands ?? '', /read-only.*MyBMW.*refuses third-party clients since 2025-09/);
    assert.throws(() => s.facet('commands', 'send the command lock'), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'NOT_SUPPORTED');
      assert.match(e.message, /BMW CarData cannot send the command lock: the official CarData API is read-only/);
      return true;
    });
    assert.throws(() => s.facet('charging', 'read the charging settings'), (e: unknown) => e instanceof CarError && e.code === 'NOT_SUPPORTED' && /read-only/.test(e.message));
    const can = s.connection.capabilities(car);
    assert.deepEqual(can.commands, []);
    assert.equal(can.chargingRead || can.chargingWrite, false);
    assert.equal(can.nativeTrips, false, 'car-trips derives trips from the status history');
    assert.equal(w.sim.cardata.stats.rest, 0, 'no call for any of it');
  });

  it('answers a command with NOT_SUPPORTED at once, signed in or not: no sign-in, no device code, no call (faults: a command during a redeploy got TFA_REQUIRED)', async () => {
    const s = session(w, dir);
    sessions.push(s);
    const runner = new CommandRunner({ session: s, vin: BMW_VIN, timeoutMs: 5_000 });
    await assert.rejects(runner.run({ command: 'climate_start', temperatureC: 20 }), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'NOT_SUPPORTED');
      assert.match(e.message, /BMW CarData cannot send the command climate_start: the official CarData API is read-only/);
      return true;
    });
    const st = w.sim.cardata.stats;
    assert.equal(st.deviceCodes + st.tokenPolls + st.refreshes + st.rest, 0, 'no call of any kind');
    assert.notEqual(s.state.phase, 'tfa_required');
    runner.close();
  });

  it("lists a car the account holds as a secondary user without asking its basicData, and says that only the primary user gets its data", async () => {
    const shared = await world({ brokerPort: false, secondary: [MINI_VIN] });
    const s = session(shared, dir);
    try {
      await signInSession(shared, s);
      const vins = (await s.vehicles()).map((v) => v.vin).sort();
      assert.deepEqual(vins, [BMW_VIN, MINI_VIN].sort());
      assert.equal(shared.sim.cardata.stats.byEndpoint.basicData, 1, "the primary car's basicData only");
      await assert.rejects(s.readStatus(MINI_VIN, ['battery'], { kind: 'explicit' }), (e: unknown) => e instanceof CarError && e.code === 'NOT_SUPPORTED' && /HTTP 403 CU-104.*primary user/.test(e.message));
      const status = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' });
      assert.equal(status.battery?.socPercent, Number(shared.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')));
    } finally {
      await s.close();
      await shared.close();
    }
  });

  it("reads a Neue Klasse car's state of charge from stateOfCharge.displayed, the car having no batteryManagement.header", async () => {
    const nk = await world({ brokerPort: false, neueKlasse: [BMW_VIN] });
    const s = session(nk, dir);
    try {
      await signInSession(nk, s);
      await s.vehicles();
      const status = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' });
      const car = nk.sim.cardata.car(BMW_VIN);
      assert.equal(car.value('vehicle.drivetrain.batteryManagement.header'), undefined, 'the simulated car reports no header');
      const displayed = Number(car.value('vehicle.powertrain.electric.battery.stateOfCharge.displayed'));
      assert.ok(displayed > 0 && displayed <= 100, `a state of charge (${displayed})`);
      assert.equal(status.battery?.socPercent, displayed);
    } finally {
      await s.close();
      await nk.close();
    }
  });

  it('re-reads with a new token after a refused one (403 CU-127 invalid_token), maps outages, and serves raw GETs only', async () => {
    const s = session(w, dir);
    sessions.push(s);
    await signInSession(w, s);
    await s.vehicles();
    w.sim.cardata.injectFault({ kind: 'unauthorized', path: 'telematicData' });
    const status = await s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit' });
    assert.equal(status.battery?.socPercent, Number(w.sim.cardata.car(BMW_VIN).value('vehicle.drivetrain.batteryManagement.header')));
    assert.equal(w.sim.cardata.stats.refreshes, 1);
    w.sim.cardata.injectFault({ kind: 'bad-gateway', path: 'telematicData' });
    await assert.rejects(s.readStatus(BMW_VIN, ['battery'], { kind: 'explicit', maxAgeMs: 0 }), (e: unknown) => e instanceof CarError && e.code === 'UPSTREAM' && /HTML page/.test(e.message));

    const raw = s.connection.raw;
    const bmw = await s.vehicle(BMW_VIN);
    // {vin} is filled from the node's vehicle; a path naming a car needs the node's own (any case), never another.
    const res = await raw.request(bmw, { method: 'GET', path: '/customers/vehicles/{vin}/basicData' }, { kind: 'explicit' });
    await assert.rejects(raw.request(undefined, { method: 'GET', path: `/customers/vehicles/${BMW_VIN}/basicData` }, { kind: 'explicit' }), /choose that vehicle/);
    await assert.rejects(raw.request(undefined, { method: 'GET', path: '/customers/vehicles/{vin}/basicData' }, { kind: 'explicit' }), /choose a vehicle/);
    await assert.rejects(raw.request(bmw, { method: 'GET', path: '/customers/vehicles/WBA00000000000000/basicData' }, { kind: 'explicit' }), /another vehicle/);
    assert.equal((await raw.request(bmw, { method: 'GET', path: `/customers/vehicles/${BMW_VIN.toLowerCase()}/basicData` }, { kind: 'explicit' })).status, 200);
    assert.equal(res.status, 200);
    assert.equal((res.body as { brand?: string }).brand, 'BMW');
    await assert.rejects(raw.request(undefined, { method: 'POST', path: '/customers/containers' }, { kind: 'explicit' }), { code: 'BAD_INPUT' });
    await assert.rejects(raw.request(undefined, { method: 'GET', path: '/elsewhere' }, { kind: 'explicit' }), { code: 'BAD_INPUT' });
    // The image comes whole, as bytes (a PNG starts with 0x89 'PNG': read as text it would be spoilt).
    const img = await raw.readEndpoint({ vin: BMW_VIN, drivetrain: 'electric' }, 'image', {}, { kind: 'explicit' });
    assert.ok(Buffer.isBuffer(img.raw));
    const bytes = img.raw as Buffer;
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(img.mapped, { contentType: 'image/png', bytes: bytes.length });
    const rawImg = await raw.request(bmw, { method: 'GET', path: `/customers/vehicles/${BMW_VIN}/image` }, { kind: 'explicit' });
    assert.ok(Buffer.isBuffer(rawImg.body) && (rawImg.body as Buffer).equals(bytes), 'the raw request gets the same bytes');
  });
});
