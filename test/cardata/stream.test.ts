import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema, type StatusFragment } from '../../src/core';
import type { ProviderContext } from '../../src/brands';
import { cardataAuth, type CarDataAuthState, type CarDataConnection, type StreamEvent } from '../../src/brands/cardata';
import type { AccountSession } from '../../src/features/session';
import { removeDir, tempDir } from '../helpers';
import { BMW_VIN, MINI_VIN, connect, context, session, signInDirect, signInSession, until, world, type World } from './helpers';

interface Recorder {
  updates: { vin: string; fragment: StatusFragment; raw: Record<string, unknown> }[];
  events: (StreamEvent & { at: number })[];
  onUpdate: (vin: string, fragment: StatusFragment, raw: Record<string, unknown>) => void;
  onEvent: (e: StreamEvent) => void;
  connected(): number;
}

function recorder(w: World): Recorder {
  const r: Recorder = {
    updates: [],
    events: [],
    onUpdate: (vin, fragment, raw) => r.updates.push({ vin, fragment, raw }),
    onEvent: (e) => r.events.push({ ...e, at: w.clock.now() }),
    connected: () => r.events.filter((e) => e.state === 'connected').length,
  };
  return r;
}

describe('CarData stream (MQTT) against the simulator broker', () => {
  let w: World;
  let ctx: ProviderContext;
  let dir: string;
  const connections: CarDataConnection[] = [];
  const sessions: AccountSession[] = [];

  beforeEach(async () => {
    w = await world({ streamIntervalMs: 10_000 });
    assert.ok(w.sim.cardata.brokerUrl, w.sim.cardata.brokerProblem ?? 'the broker runs');
    ctx = context(w);
    dir = await tempDir();
  });

  afterEach(async () => {
    for (const c of connections.splice(0)) await c.close();
    for (const s of sessions.splice(0)) await s.close();
    await w.close();
    await removeDir(dir);
  });

  /** Opens a connection and its stream; the connection is closed after the test. */
  function open(getAuth: (rejected?: CarDataAuthState) => Promise<CarDataAuthState>, r: Recorder): { conn: CarDataConnection; stream: { close(): Promise<void> } } {
    const conn = connect(ctx, getAuth);
    connections.push(conn);
    return { conn, stream: conn.stream.open(r.onUpdate, r.onEvent) };
  }

  /** Signs in, opens a connection and its stream with that token, and waits until the broker took it. */
  async function streaming(): Promise<{ r: Recorder; conn: CarDataConnection; stream: { close(): Promise<void> } }> {
    const auth = await signInDirect(w, ctx);
    const r = recorder(w);
    const opened = open(async () => auth, r);
    await until(() => r.connected() === 1, 'connected');
    return { r, ...opened };
  }

  it('connects with gcid and id_token, merges streamed keys into whole status parts, and costs no quota', async () => {
    const { r } = await streaming();
    const quota = w.sim.cardata.quotaStatus().calls;
    await w.sim.cardata.car(BMW_VIN).publish();
    await until(() => r.updates.length === 1, 'the first update');
    const first = r.updates[0];
    assert.equal(first?.vin, BMW_VIN);
    const status = VehicleStatusSchema.parse({ vin: BMW_VIN, provider: 'cardata', fetchedAt: new Date(w.clock.now()).toISOString(), ...first?.fragment });
    assert.ok(status.battery?.socPercent !== undefined);
    assert.equal(status.charging?.plug, 'plugged');
    assert.ok(status.position && Math.abs(status.position.latitude - 48.18) < 0.1);
    assert.equal(status.lock?.state, 'secured');
    assert.ok(status.mileageKm !== undefined);
    assert.ok(first && 'vehicle.cabin.infotainment.navigation.currentLocation.altitude' in first.raw, 'unmapped keys come as raw keys');
    assert.ok(first && !('vehicle.vehicle.travelledDistance' in first.raw), 'mapped keys do not');

    // A message with only the latitude still yields a whole position (longitude kept from before).
    await w.sim.cardata.car(BMW_VIN).publish({ 'vehicle.cabin.infotainment.navigation.currentLocation.latitude': 48.2 });
    await until(() => r.updates.length === 2, 'the second update');
    assert.deepEqual(Object.keys(r.updates[1]?.fragment ?? {}).sort(), ['position', 'positionUnknown']);
    assert.equal(r.updates[1]?.fragment.position?.latitude, 48.2);
    assert.equal(r.updates[1]?.fragment.position?.longitude, status.position?.longitude);

    // The simulator streams what changes by itself, every 10 s of clock.
    await until(() => r.updates.some((u) => u.vin === MINI_VIN), 'a streamed MINI update', w.clock, 10_000, 100);
    assert.equal(w.sim.cardata.quotaStatus().calls, quota, 'streamed data costs no REST call');
  });

  it('reconnects after the broker drops the connection', async () => {
    const { r } = await streaming();
    w.sim.cardata.dropConnections();
    await until(() => r.events.some((e) => e.state === 'disconnected'), 'the drop is noticed');
    const drop = r.events.find((e) => e.state === 'disconnected');
    assert.equal(drop?.error?.code, 'NETWORK');
    assert.equal((drop?.retryAt ?? 0) - (drop?.at ?? 0), 1_000, 'first retry after 1 s');
    await w.clock.advance(1_000);
    await until(() => r.connected() === 2, 'connected again');
    assert.equal(w.sim.cardata.stats.mqttConnects, 2);
    await w.sim.cardata.car(MINI_VIN).publish({ 'vehicle.drivetrain.fuelSystem.level': 42 });
    await until(() => r.updates.some((u) => u.fragment.fuel?.levelPercent === 42), 'updates flow again');
  });

  it('backs off while the broker refuses, then connects again', async () => {
    const { r } = await streaming();
    w.sim.cardata.setBrokerAvailable(false);
    w.sim.cardata.dropConnections();
    const pauses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await until(() => r.events.filter((e) => e.state === 'disconnected').length === i + 1, `failure ${i + 1}`);
      const e = r.events.filter((x) => x.state === 'disconnected')[i];
      pauses.push((e?.retryAt ?? 0) - (e?.at ?? 0));
      await w.clock.advance(pauses[i] ?? 0);
    }
    assert.deepEqual(pauses, [1_000, 5_000, 15_000, 30_000]);
    assert.ok(w.sim.cardata.stats.mqttRefused >= 3);
    w.sim.cardata.setBrokerAvailable(true);
    await until(() => r.events.filter((e) => e.state === 'disconnected').length === 5, 'failure 5');
    await w.clock.advance(60_000);
    await until(() => r.connected() === 2, 'connected after the outage');
  });

  it('renews the id_token before it expires and reconnects with it (session refresh)', async () => {
    const s = session(w, dir);
    sessions.push(s);
    const first = await signInSession(w, s);
    const r = recorder(w);
    open((rejected) => s.getAuth(rejected) as Promise<CarDataAuthState>, r);
    await until(() => r.connected() === 1, 'connected');
    await w.clock.advance(first.idExpiresAt - 50_000 - w.clock.now());
    assert.equal(r.connected(), 1);
    await until(() => r.connected() === 2, 'reconnected with a renewed id_token', w.clock, 1_000, 200);
    assert.equal(w.sim.cardata.stats.refreshes, 1);
    assert.equal(w.sim.cardata.stats.mqttExpiredDrops, 0, 'renewed before the broker had to cut');
    assert.equal(w.sim.cardata.stats.mqttRefused, 0);
    await w.sim.cardata.car(BMW_VIN).publish({ 'vehicle.vehicle.travelledDistance': 99_999 });
    await until(() => r.updates.some((u) => u.fragment.mileageKm === 99_999), 'updates after the renewal');
  });

  it('reconnects with a fresh id_token when the old one expired mid-stream ("not authorized")', async () => {
    let current = await signInDirect(w, ctx);
    const asked: (CarDataAuthState | undefined)[] = [];
    // A lazy token holder: it refreshes only when the broker refused its token.
    const getAuth = async (rejected?: CarDataAuthState): Promise<CarDataAuthState> => {
      asked.push(rejected);
      if (rejected) current = await cardataAuth.refresh(ctx, current);
      return current;
    };
    const r = recorder(w);
    open(getAuth, r);
    await until(() => r.connected() === 1, 'connected');
    const firstToken = current.idToken;
    await w.clock.advance(current.idExpiresAt - 5_000 - w.clock.now());
    await until(() => w.sim.cardata.stats.mqttExpiredDrops === 1, 'the broker cuts at expiry', w.clock, 1_000, 100);
    await until(() => r.events.some((e) => e.error?.code === 'AUTH_FAILED'), 'the stale token is refused', w.clock, 1_000, 100);
    await until(() => r.connected() === 2, 'connected with a fresh token', w.clock, 1_000, 100);
    assert.ok(asked.some((a) => a?.idToken === firstToken), 'getAuth was told which token the broker refused');
    assert.notEqual(current.idToken, firstToken);
    assert.ok(w.sim.cardata.stats.mqttRefused >= 1);
    await w.sim.cardata.car(MINI_VIN).publish({ 'vehicle.drivetrain.fuelSystem.level': 33 });
    await until(() => r.updates.some((u) => u.fragment.fuel?.levelPercent === 33), 'updates after the reconnect');
  });

  it('explains a refused subscription (128) and tries again later', async () => {
    w.sim.cardata.setStreamKeys([]);
    const auth = await signInDirect(w, ctx);
    const r = recorder(w);
    open(async () => auth, r);
    await until(() => r.events.some((e) => e.state === 'refused'), 'refused');
    const refused = r.events.find((e) => e.state === 'refused');
    assert.equal(refused?.error?.code, 'NOT_SUPPORTED');
    assert.match(refused?.error?.message ?? '', /128/);
    assert.match(refused?.error?.message ?? '', /Change data selection/);
    assert.equal((refused?.retryAt ?? 0) - (refused?.at ?? 0), 15 * 60_000);
    w.sim.cardata.setStreamKeys('all');
    await w.clock.advance(15 * 60_000);
    await until(() => r.connected() === 1, 'subscribed after the data points were chosen');
  });

  it('is refused for a client id without the streaming subscription', async () => {
    const apiOnly = 'b2c3d4e5-0000-4000-8000-0000000apio';
    w.sim.cardata.setClient(apiOnly, { api: true, streaming: false });
    const c = context(w, apiOnly);
    ctx = c;
    const auth = await signInDirect(w, c);
    const r = recorder(w);
    open(async () => auth, r);
    await until(() => r.events.some((e) => e.state === 'refused'), 'refused');
    assert.equal(w.sim.cardata.stats.mqttSubscribeRefused, 1);
  });

  it('closes cleanly: no reconnect after close', async () => {
    const { stream } = await streaming();
    await stream.close();
    await until(() => w.sim.cardata.brokerClients === 0, 'the broker sees the client leave');
    await w.clock.advance(10 * 60_000);
    await new Promise((res) => setTimeout(res, 30));
    assert.equal(w.sim.cardata.stats.mqttAttempts, 1);
  });

  it("feeds what it streams into the connection's state of the car; closing the connection ends the stream and forgets it", async () => {
    const { r, conn } = await streaming();
    await w.sim.cardata.car(BMW_VIN).publish({ 'vehicle.vehicle.travelledDistance': 77_777 });
    await until(() => r.updates.some((u) => u.fragment.mileageKm === 77_777), 'the update');
    assert.equal(conn.telematicState(BMW_VIN).fragment().mileageKm, 77_777, "the connection's state of the car has it");
    await conn.close();
    await until(() => w.sim.cardata.brokerClients === 0, 'the broker sees the client leave');
    assert.equal(conn.telematicState(BMW_VIN).size, 0, 'forgotten');
  });
});
