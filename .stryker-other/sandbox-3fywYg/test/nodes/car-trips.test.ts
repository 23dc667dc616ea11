// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ChargeSessionSchema, HistorySummarySchema, TripSchema, type ChargeSession, type HistorySummary, type Trip } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { ARRIVE, DRIVE, HOME_AT, OFFICE, status } from '../trips/drive';
import { caughtError, collect, helper, helpers, nodeModule, reply, until, useNodeRed, type CaughtError } from './nr-helper';

const R5 = 'VF1R5E00125R50002';
const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status'), nodeModule('car-trips')];
describe('car-trips node', () => {
  const fx = useNodeRed();
  const flow = (extra: Record<string, unknown> = {}): unknown[] =>
    fx.flow([
      { id: 'trips', type: 'car-trips', account: '', vin: '', capacityKwh: '50', timeZone: 'UTC', wires: [['out-trips'], ['out-charges'], ['out-answers']], ...extra },
      // One message to 'handled' for each message car-trips finished with (Node-RED's Complete node).
      { id: 'completion', type: 'complete', scope: ['trips'], uncaught: false, wires: [['handled']] },
      ...helpers('out-trips', 'out-charges', 'out-answers', 'handled'),
    ]);

  it('sends a trip and a charging session derived from VehicleStatus messages, and a summary when asked', async () => {
    await helper.load(nodes, flow(), fx.credentials());
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
    assert.equal(trip.consumptionKwhPer100Km, undefined, '4 whole points of charge: too coarse for a consumption');
    assert.equal(trip.startAt, '2026-03-02T06:15:00.000Z');
    assert.equal(trip.endAt, '2026-03-02T06:38:00.000Z');
    const charge: ChargeSession = ChargeSessionSchema.parse(charges[0]?.payload);
    assert.equal(charges[0]?.topic, 'car/VTEST/charge');
    assert.deepEqual([charge.socFromPercent, charge.socToPercent, charge.energyKwh, charge.durationMin, charge.source], [76, 92, 8, 70, 'derived']);

    const ask = (msg: Record<string, unknown>): Promise<Record<string, unknown>> => reply('trips', msg, 'out-answers');
    const answer = await ask({ payload: { action: 'summary', period: 'day' }, keep: 'me' });
    const summary: HistorySummary = HistorySummarySchema.parse(answer.payload);
    assert.equal(answer.topic, 'car/VTEST/summary');
    assert.equal(answer.keep, 'me');
    assert.deepEqual(summary.buckets.map((b) => [b.key, b.trips, b.distanceKm, b.charges, b.chargedKwh]), [['2026-03-02', 1, 20, 1, 8]]);
    assert.equal(((await ask({ payload: { action: 'trips', from: '2026-03-02', to: '2026-03-02' } })).payload as Trip[]).length, 1);
    assert.deepEqual((await ask({ payload: { action: 'charges', from: '2026-03-03T00:00:00Z' } })).payload, []);
  });

  it('keeps the history across a restart: a trip begun before it is finished after it, and sent once', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const handled = collect(helper.getNode('handled'));
    for (const s of DRIVE) helper.getNode('trips').receive({ payload: s });
    await until(() => handled.length === DRIVE.length, 'every message handled');
    await helper.unload();
    const file = path.join(fx.userDir, 'connected-car', 'history-trips.json');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.match(await fs.readFile(file, 'utf8'), /"samples":\[/);

    await helper.load(nodes, flow(), fx.credentials());
    const trips = collect(helper.getNode('out-trips'));
    helper.getNode('trips').receive({ payload: ARRIVE[0] });
    await until(() => trips.length === 1);
    assert.equal(TripSchema.parse(trips[0]?.payload).startAt, '2026-03-02T06:15:00.000Z', 'the start came from before the restart');
    await helper.unload();

    await helper.load(nodes, flow(), fx.credentials());
    const again = collect(helper.getNode('out-trips'));
    helper.getNode('trips').receive({ payload: ARRIVE[0] });
    helper.getNode('trips').receive({ payload: ARRIVE[1] });
    const summary = HistorySummarySchema.parse((await reply('trips', { payload: { action: 'summary', period: 'month' } }, 'out-answers')).payload);
    assert.equal(summary.totals.trips, 1, 'one trip in the kept history');
    assert.equal(again.length, 0, 'the trip is not sent again after the restart');
  });

  it('refuses bad messages with BAD_INPUT and changes nothing', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const caught = collect(helper.getNode('caught'));
    const node = helper.getNode('trips');
    const handled = collect(helper.getNode('handled'));
    node.receive({ payload: DRIVE[0] });
    await until(() => handled.length === 1, 'the first status handled');
    node.receive({ payload: { action: 'total' } });
    node.receive({ payload: { action: 'summary', period: 'year' } });
    node.receive({ payload: { action: 'summary', from: 'last week' } });
    node.receive({ payload: 'hello' });
    node.receive({ payload: { ...DRIVE[1], mileageKm: -3 } });
    node.receive({ payload: status(5, { ...HOME_AT, soc: 80, vin: 'OTHER' }) });
    node.receive({ payload: { action: 'summary', perod: 'month' } });
    await until(() => caught.length === 7);
    const errors = caught.map((m) => m.error as CaughtError);
    assert.ok(errors.every((e) => e.code === 'BAD_INPUT'), JSON.stringify(errors));
    const said = (re: RegExp): void => assert.ok(errors.some((e) => re.test(e.message)), `${re} in ${JSON.stringify(errors)}`);
    said(/msg\.payload\.action must be one of: summary, trips, charges/);
    said(/msg\.payload\.period must be one of: day, week, month/);
    said(/perod/);
    said(/payload\.from must be a day/);
    said(/VehicleStatus: mileageKm/);
    said(/car-trips\.errors\.bad-payload/); // RED._ returns the key in tests
    said(/car-trips\.errors\.other-vin/);
    // Nothing of the refused messages was kept: the history is still VTEST's, without a trip.
    const summary = HistorySummarySchema.parse((await reply('trips', { payload: { action: 'summary', period: 'day' } }, 'out-answers')).payload);
    assert.deepEqual([summary.vin, summary.totals.trips], ['VTEST', 0]);
  });

  it('refuses a bad setting with BAD_INPUT on every message', async () => {
    await helper.load(nodes, flow({ capacityKwh: 'big' }), fx.credentials());
    assert.equal((await caughtError('trips', { payload: DRIVE[0] })).code, 'BAD_INPUT');
  });

  it("listens to the account's status reads for its vehicle: a trip of the simulated Renault 5 costs no extra call", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: R5, capacityKwh: '' }), fx.credentials());
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const trips = collect(helper.getNode('out-trips'));
    const parts = ['battery', 'charging', 'mileage', 'position'] as const;
    await session.readStatus(R5, [...parts], { kind: 'explicit' });
    const car = fx.sim.renault.car(R5);
    car.autopilot = false;
    car.mileageKm = car.mileageKm + 15;
    car.position = OFFICE;
    const calls = fx.sim.renault.stats.kamereon;
    await session.readStatus(R5, [...parts], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => trips.length === 1);
    const trip = TripSchema.parse(trips[0]?.payload);
    assert.equal(trip.vin, R5);
    // The R5 reports whole kilometres: 15 more on its odometer are 15 km.
    assert.equal(trip.distanceKm, 15);
    assert.deepEqual([trip.endPosition?.latitude, trip.endPosition?.longitude], [OFFICE.lat, OFFICE.lon]);
    assert.equal((trips[0]?.vehicle as { model?: string }).model, 'RENAULT 5', 'msg.vehicle names the model');
    assert.equal(fx.sim.renault.stats.kamereon - calls, 3, 'only the status read itself');
  });

  it("replaces a finished charge with Renault's own record of it (native source)", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: ZOE, capacityKwh: '' }), fx.credentials());
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const charges = collect(helper.getNode('out-charges'));
    await session.readStatus(ZOE, ['battery', 'charging', 'position'], { kind: 'explicit' });
    fx.sim.renault.car(ZOE).charging = false;
    await session.readStatus(ZOE, ['battery', 'charging', 'position'], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => charges.length === 1);
    const c = ChargeSessionSchema.parse(charges[0]?.payload);
    assert.equal(c.source, 'native');
    assert.ok(c.energyKwh !== undefined && c.energyKwh > 0);
    assert.ok(c.position, 'the position comes from the derived session');
    assert.equal(fx.sim.renault.stats.byEndpoint.charges, 1);

    // The charge end read the day before the charge: within the hour the cached answer serves that period.
    const from = new Date(Date.parse(c.startAt) - 12 * 3_600_000).toISOString();
    const recent = (await reply('trips', { payload: { action: 'charges', source: 'native', from } }, 'out-answers')).payload as ChargeSession[];
    assert.ok(recent.length >= 1 && recent.every((s) => s.source === 'native'));
    assert.equal(fx.sim.renault.stats.byEndpoint.charges, 1, 'within the hour the cached answer serves');
    // The whole 30 days widens the cached period with one call.
    const list = (await reply('trips', { payload: { action: 'charges', source: 'native' } }, 'out-answers')).payload as ChargeSession[];
    assert.ok(list.length > recent.length && list.every((s) => s.source === 'native'));
    assert.equal(fx.sim.renault.stats.byEndpoint.charges, 2);
  });
});
