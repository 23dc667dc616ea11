// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CarEventSchema, type CarEvent } from '../../src/core/events';
import type { AccountSession } from '../../src/features/session';
import { caughtError, collect, helper, helpers, lastStatus, nodeModule, until, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const VIN = 'WBA00000000000001';
const nodes = [nodeModule('car-account'), nodeModule('car-events')];
// Reports of the last hour: older ones would also be "no news from the car".
const T0 = Date.now() - 60 * 60_000;
const at = (minute: number): string => new Date(T0 + minute * 60_000).toISOString();
const status = (minute: number, parts: Record<string, unknown>): Record<string, unknown> => ({ vin: VIN, provider: 'cardata', fetchedAt: at(minute), updatedAt: at(minute), ...parts });
const events = (msgs: Record<string, unknown>[]): CarEvent[] => msgs.map((m) => CarEventSchema.parse(m.payload));

describe('car-events node', () => {
  const fx = useNodeRed();
  const flow = (extra: Record<string, unknown> = {}): unknown[] =>
    fx.flow([{ id: 'events', type: 'car-events', account: '', vin: '', wires: [['out']], ...extra }, ...helpers('out')]);

  it('sends one message per change with topic car/<VIN>/event/<name>, nothing for the first status or a repeat', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const out = collect(helper.getNode('out'));
    const node = helper.getNode('events');
    const unplugged = status(0, { charging: { state: 'not_charging', plug: 'unplugged' }, lock: { state: 'locked' } });
    const plugged = status(5, { charging: { state: 'charging', plug: 'plugged' }, lock: { state: 'locked' }, battery: { socPercent: 40 } });
    for (const p of [unplugged, plugged, plugged]) node.receive({ payload: p });
    await until(() => out.length === 2);
    node.receive({ payload: status(9, { lock: { state: 'unlocked' } }) });
    await until(() => out.length === 3);
    assert.deepEqual(out.map((m) => m.topic), [`car/${VIN}/event/plugged`, `car/${VIN}/event/charging_started`, `car/${VIN}/event/unlocked`]);
    assert.deepEqual(events(out).map((e) => e.at), [at(5), at(5), at(9)]);
    // RED._ answers the key in tests; the texts themselves are checked in locales.test.
    assert.deepEqual(lastStatus('events'), { fill: 'green', shape: 'dot', text: 'car-events.status.last' });
  });

  it('tells nothing twice after a redeploy: what was told is kept in a file under the user directory', async () => {
    const plugged = status(5, { charging: { state: 'charging', plug: 'plugged' } });
    await helper.load(nodes, flow(), fx.credentials());
    let out = collect(helper.getNode('out'));
    helper.getNode('events').receive({ payload: status(0, { charging: { state: 'not_charging', plug: 'unplugged' } }) });
    helper.getNode('events').receive({ payload: plugged });
    await until(() => out.length === 2);
    const file = path.join(fx.userDir, 'connected-car', 'events-events.json');
    await until(async () => (await fs.readFile(file, 'utf8').catch(() => '')).includes('"plugged"'));
    assert.equal(((await fs.stat(file)).mode & 0o777).toString(8), '600');
    await helper.unload();
    await helper.load(nodes, flow(), fx.credentials());
    out = collect(helper.getNode('out'));
    helper.getNode('events').receive({ payload: { ...plugged, fetchedAt: at(30) } });
    helper.getNode('events').receive({ payload: status(40, { charging: { state: 'not_charging', plug: 'unplugged' } }) });
    await until(() => out.length === 2);
    assert.deepEqual(events(out).map((e) => e.name), ['unplugged', 'charging_interrupted'], 'the repeat of "plugged" tells nothing');
  });

  it('refuses a payload that is not a status with BAD_INPUT naming the field, and sends nothing', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const out = collect(helper.getNode('out'));
    const err = await caughtError('events', { payload: { vin: VIN, provider: 'cardata', fetchedAt: 'yesterday' } });
    assert.equal(err.code, 'BAD_INPUT');
    assert.match(err.message, /fetchedAt/);
    assert.equal(out.length, 0);
  });

  it('refuses settings out of range in its dot, naming the field', async () => {
    await helper.load(nodes, flow({ batteryLowPercent: '150' }), fx.credentials());
    await until(() => lastStatus('events').fill === 'red');
    const err = await caughtError('events', { payload: status(0, {}) });
    assert.match(err.message, /batteryLowPercent/);
  });

  it("follows the account's reads: the simulated ZOE plugged in and charging tells plugged and charging_started, at no extra call", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: ZOE }), fx.credentials());
    const out = collect(helper.getNode('out'));
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const car = fx.sim.renault.car(ZOE);
    car.charging = false;
    car.plugged = false;
    await session.readStatus(ZOE, ['battery', 'charging'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(out.length, 0, 'the first status is how things are, not a change');
    const calls = fx.sim.renault.stats.kamereon;
    car.charging = true;
    await session.readStatus(ZOE, ['battery', 'charging'], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => out.length === 2);
    assert.deepEqual(events(out).map((e) => [e.name, e.vin]), [['plugged', ZOE], ['charging_started', ZOE]]);
    assert.equal(fx.sim.renault.stats.kamereon - calls, 1, 'only the read itself');
  });
});
