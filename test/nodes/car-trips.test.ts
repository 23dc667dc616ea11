import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ChargeSessionSchema, HistorySummarySchema, TripSchema, type ChargeSession, type HistorySummary, type Trip, type VehicleStatus } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { removeDir, tempDir } from '../helpers';
import { helper, nextMessage, nodeModule, type HelperNode } from './nr-helper';

const R5 = 'VF1R5E00125R50002';
const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status'), nodeModule('car-trips')];
const OFFICE = { lat: 48.8921, lon: 2.2376 };

/** A VehicleStatus as car-status sends it, minutes after 2026-03-02 06:00 UTC. */
function status(minute: number, o: { km: number; lat: number; lon: number; fixAt?: number; soc: number; charging?: 'charging' | 'not_charging'; vin?: string }): VehicleStatus {
  const at = (m: number): string => new Date(Date.parse('2026-03-02T06:00:00Z') + m * 60_000).toISOString();
  return {
    vin: o.vin ?? 'VTEST',
    provider: 'renault',
    fetchedAt: at(minute),
    updatedAt: at(minute),
    mileageKm: o.km,
    battery: { socPercent: o.soc, updatedAt: at(minute) },
    charging: { state: o.charging ?? 'not_charging', plug: o.charging === 'charging' ? 'plugged' : 'unplugged', updatedAt: at(minute) },
    position: { latitude: o.lat, longitude: o.lon, updatedAt: at(o.fixAt ?? -60) },
  };
}
const HOME_AT = { km: 1000, lat: 48.8566, lon: 2.3522 };
const DRIVE = [
  status(0, { ...HOME_AT, soc: 80 }),
  status(10, { ...HOME_AT, soc: 80 }),
  status(20, { ...HOME_AT, soc: 78 }), // on the road, the fix not committed yet
];
const ARRIVE = [
  status(40, { km: 1020, ...OFFICE, fixAt: 38, soc: 76 }),
  status(50, { km: 1020, ...OFFICE, fixAt: 38, soc: 76, charging: 'charging' }),
  status(110, { km: 1020, ...OFFICE, fixAt: 38, soc: 90, charging: 'charging' }),
  status(120, { km: 1020, ...OFFICE, fixAt: 38, soc: 92 }),
];

/** Collects what a helper node receives. */
function collect(node: HelperNode): Record<string, unknown>[] {
  const got: Record<string, unknown>[] = [];
  node.on('input', (m) => got.push(m));
  return got;
}
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await wait(10);
  }
}

describe('car-trips node', () => {
  let sim: Simulator;
  let userDir: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    userDir = await tempDir('cc-trips-node-');
    helper.settings({ userDir });
    await helper.startServer();
    sim.renault.resetStats();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await removeDir(userDir);
  });

  function flow(extra: Record<string, unknown> = {}): unknown[] {
    return [
      { id: 'tab', type: 'tab' },
      {
        id: 'acc',
        type: 'car-account',
        provider: 'renault',
        locale: 'fr_FR',
        gigyaUrl: sim.renault.gigyaUrl,
        kamereonUrl: sim.renault.kamereonUrl,
      },
      { id: 'trips', z: 'tab', type: 'car-trips', account: '', vin: '', capacityKwh: '50', timeZone: 'UTC', wires: [['out-trips'], ['out-charges'], ['out-answers']], ...extra },
      { id: 'out-trips', z: 'tab', type: 'helper' },
      { id: 'out-charges', z: 'tab', type: 'helper' },
      { id: 'out-answers', z: 'tab', type: 'helper' },
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
  }
  const credentials = (): Record<string, unknown> => structuredClone({ acc: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } });

  it('sends a trip and a charging session derived from VehicleStatus messages, and a summary when asked', async () => {
    await helper.load(nodes, flow(), credentials());
    const trips = collect(helper.getNode('out-trips'));
    const charges = collect(helper.getNode('out-charges'));
    const node = helper.getNode('trips');
    for (const s of [...DRIVE, ...ARRIVE]) node.receive({ payload: s });
    await until(() => trips.length === 1 && charges.length === 1);
    const trip = TripSchema.parse(trips[0]?.payload);
    assert.equal(trips[0]?.topic, 'car/VTEST/trip');
    assert.deepEqual((trips[0]?.vehicle as { vin: string }).vin, 'VTEST');
    assert.equal(trip.distanceKm, 20);
    assert.equal(trip.energyUsedKwh, 2);
    assert.equal(trip.consumptionKwhPer100Km, 10);
    assert.equal(trip.startAt, '2026-03-02T06:15:00.000Z');
    assert.equal(trip.endAt, '2026-03-02T06:38:00.000Z');
    const charge: ChargeSession = ChargeSessionSchema.parse(charges[0]?.payload);
    assert.equal(charges[0]?.topic, 'car/VTEST/charge');
    assert.deepEqual([charge.socFromPercent, charge.socToPercent, charge.energyKwh, charge.durationMin, charge.source], [76, 92, 8, 70, 'derived']);

    const answers = helper.getNode('out-answers');
    const got = nextMessage(answers);
    node.receive({ payload: { action: 'summary', period: 'day' }, keep: 'me' });
    const answer = await got;
    const summary: HistorySummary = HistorySummarySchema.parse(answer.payload);
    assert.equal(answer.topic, 'car/VTEST/summary');
    assert.equal(answer.keep, 'me');
    assert.deepEqual(summary.buckets.map((b) => [b.key, b.trips, b.distanceKm, b.charges, b.chargedKwh]), [['2026-03-02', 1, 20, 1, 8]]);
    const list = nextMessage(answers);
    node.receive({ payload: { action: 'trips', from: '2026-03-02', to: '2026-03-02' } });
    assert.equal(((await list).payload as Trip[]).length, 1);
    const none = nextMessage(answers);
    node.receive({ payload: { action: 'charges', from: '2026-03-03T00:00:00Z' } });
    assert.deepEqual((await none).payload, []);
  });

  it('keeps the history across a restart: a trip begun before it is finished after it, and sent once', async () => {
    await helper.load(nodes, flow(), credentials());
    for (const s of DRIVE) helper.getNode('trips').receive({ payload: s });
    await wait(100);
    await helper.unload();
    const file = path.join(userDir, 'connected-car', 'history-trips.json');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.match(await fs.readFile(file, 'utf8'), /"samples":\[/);

    await helper.load(nodes, flow(), credentials());
    const trips = collect(helper.getNode('out-trips'));
    helper.getNode('trips').receive({ payload: ARRIVE[0] });
    await until(() => trips.length === 1);
    assert.equal(TripSchema.parse(trips[0]?.payload).startAt, '2026-03-02T06:15:00.000Z', 'the start came from before the restart');
    await helper.unload();

    await helper.load(nodes, flow(), credentials());
    const again = collect(helper.getNode('out-trips'));
    const answers = helper.getNode('out-answers');
    helper.getNode('trips').receive({ payload: ARRIVE[0] });
    helper.getNode('trips').receive({ payload: ARRIVE[1] });
    const got = nextMessage(answers);
    helper.getNode('trips').receive({ payload: { action: 'summary', period: 'month' } });
    const summary = HistorySummarySchema.parse((await got).payload);
    assert.equal(summary.totals.trips, 1, 'one trip in the kept history');
    assert.equal(again.length, 0, 'the trip is not sent again after the restart');
  });

  it('refuses bad messages with BAD_INPUT and changes nothing', async () => {
    await helper.load(nodes, flow(), credentials());
    const caught = helper.getNode('caught');
    const errors: { code: string; message: string }[] = [];
    caught.on('input', (m) => errors.push(m.error as { code: string; message: string }));
    const node = helper.getNode('trips');
    node.receive({ payload: DRIVE[0] });
    await wait(50);
    node.receive({ payload: { action: 'total' } });
    node.receive({ payload: { action: 'summary', period: 'year' } });
    node.receive({ payload: { action: 'summary', from: 'last week' } });
    node.receive({ payload: 'hello' });
    node.receive({ payload: { ...DRIVE[1], mileageKm: -3 } });
    node.receive({ payload: status(5, { ...HOME_AT, soc: 80, vin: 'OTHER' }) });
    await until(() => errors.length === 6);
    assert.ok(errors.every((e) => e.code === 'BAD_INPUT'), JSON.stringify(errors));
    const said = (re: RegExp): void => assert.ok(errors.some((e) => re.test(e.message)), `${re} in ${JSON.stringify(errors)}`);
    said(/msg\.payload\.action must be one of: summary, trips, charges/);
    said(/msg\.payload\.period must be one of: day, week, month/);
    said(/payload\.from must be a day/);
    said(/VehicleStatus: mileageKm/);
    said(/car-trips\.errors\.bad-payload/); // RED._ returns the key in tests
    said(/car-trips\.errors\.other-vin/);
    // Nothing of the refused messages was kept: the history is still VTEST's, without a trip.
    const got = nextMessage(helper.getNode('out-answers'));
    node.receive({ payload: { action: 'summary', period: 'day' } });
    const summary = HistorySummarySchema.parse((await got).payload);
    assert.deepEqual([summary.vin, summary.totals.trips], ['VTEST', 0]);
  });

  it('refuses a bad setting with BAD_INPUT on every message', async () => {
    await helper.load(nodes, flow({ capacityKwh: 'big' }), credentials());
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('trips').receive({ payload: DRIVE[0] });
    assert.equal(((await caught).error as { code: string }).code, 'BAD_INPUT');
  });

  it("listens to the account's status reads for its vehicle: a trip of the simulated Renault 5 costs no extra call", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: R5, capacityKwh: '' }), credentials());
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const trips = collect(helper.getNode('out-trips'));
    const parts = ['battery', 'charging', 'mileage', 'position'] as const;
    await session.readStatus(R5, [...parts], { kind: 'explicit' });
    const car = sim.renault.car(R5);
    car.autopilot = false;
    car.mileageKm = car.mileageKm + 15;
    car.position = OFFICE;
    const calls = sim.renault.stats.kamereon;
    await session.readStatus(R5, [...parts], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => trips.length === 1);
    const trip = TripSchema.parse(trips[0]?.payload);
    assert.equal(trip.vin, R5);
    assert.ok(Math.abs((trip.distanceKm ?? 0) - 15) <= 1, `distance ${trip.distanceKm}`);
    assert.ok(trip.endPosition && Math.abs(trip.endPosition.latitude - OFFICE.lat) < 1e-6);
    assert.equal((trips[0]?.vehicle as { model?: string }).model !== undefined, true, 'msg.vehicle names the model');
    assert.equal(sim.renault.stats.kamereon - calls, 3, 'only the status read itself');
  });

  it("replaces a finished charge with Renault's own record of it (native source)", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: ZOE, capacityKwh: '' }), credentials());
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const charges = collect(helper.getNode('out-charges'));
    await session.readStatus(ZOE, ['battery', 'charging', 'position'], { kind: 'explicit' });
    sim.renault.car(ZOE).charging = false;
    await session.readStatus(ZOE, ['battery', 'charging', 'position'], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => charges.length === 1);
    const c = ChargeSessionSchema.parse(charges[0]?.payload);
    assert.equal(c.source, 'native');
    assert.ok(c.energyKwh !== undefined && c.energyKwh > 0);
    assert.ok(c.position, 'the position comes from the derived session');
    assert.equal(sim.renault.stats.byEndpoint.charges, 1);

    const answers = helper.getNode('out-answers');
    const got = nextMessage(answers);
    helper.getNode('trips').receive({ payload: { action: 'charges', source: 'native' } });
    const list = (await got).payload as ChargeSession[];
    assert.ok(list.length > 1 && list.every((s) => s.source === 'native'));
    assert.equal(sim.renault.stats.byEndpoint.charges, 1, 'within the hour the cached answer serves');
  });
});
