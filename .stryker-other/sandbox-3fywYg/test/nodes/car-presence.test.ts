// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PresenceEventSchema, PresenceUpdateSchema, type PresenceEvent, type PresenceUpdate } from '../../src/core/presence';
import type { AccountSession } from '../../src/features/session';
import { ManualClock } from '../../src/core';
import { collect, helper, helpers, lastStatus, nodeModule, until, useNodeRed } from './nr-helper';

const R5 = 'VF1R5E00125R50002';
const HOME = { lat: 48.8566, lon: 2.3522 };
const nodes = [nodeModule('car-account'), nodeModule('car-status'), nodeModule('car-presence')];
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const away = (metres: number, bearingDeg = 0): { lat: number; lon: number } => {
  const b = (bearingDeg * Math.PI) / 180;
  return { lat: HOME.lat + (metres * Math.cos(b)) / M_PER_DEG, lon: HOME.lon + (metres * Math.sin(b)) / (M_PER_DEG * Math.cos((HOME.lat * Math.PI) / 180)) };
};

const update = (m: Record<string, unknown> | undefined): PresenceUpdate => PresenceUpdateSchema.parse(m?.payload);
const event = (m: Record<string, unknown> | undefined): PresenceEvent => PresenceEventSchema.parse(m?.payload);

describe('car-presence node', () => {
  const fx = useNodeRed({ settings: { carPresenceHome: { latitude: HOME.lat, longitude: HOME.lon } } });
  const zone = { name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100', margin: '', passive: false };
  const flow = (extra: Record<string, unknown> = {}): unknown[] =>
    fx.flow([
      { id: 'presence', type: 'car-presence', account: '', vin: '', zones: [zone], enterDwell: '0', leaveDwell: '0', maxAge: '30', wires: [['out-state'], ['out-events']], ...extra },
      ...helpers('out-state', 'out-events'),
    ]);

  it("follows a phone's positions: state on output 1, enter and leave on output 2", async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const states = collect(helper.getNode('out-state'));
    const events = collect(helper.getNode('out-events'));
    const node = helper.getNode('presence');
    // A fix every 5 minutes; each change is believed on its second fix.
    const t0 = Date.now() - 30 * 60_000;
    const ts = (i: number): string => new Date(t0 + i * 300_000).toISOString();
    node.receive({ topic: 'phone/anna', payload: { lat: HOME.lat, lon: HOME.lon, acc: 10, timestamp: ts(0) } });
    await until(() => states.length === 1);
    assert.deepEqual([update(states[0]).state, update(states[0]).present, update(states[0]).initial, states[0]?.topic], ['home', true, true, 'phone/anna']);
    node.receive({ topic: 'phone/anna', payload: { latitude: away(3_000).lat, longitude: away(3_000).lon, timestamp: ts(1) } });
    node.receive({ topic: 'phone/anna', payload: { latitude: away(3_010).lat, longitude: away(3_010).lon, timestamp: ts(2) } });
    node.receive({ topic: 'phone/anna', location: { lat: away(30).lat, lon: away(30).lon, timestamp: ts(3) } });
    node.receive({ topic: 'phone/anna', location: { lat: away(30).lat, lon: away(30).lon, timestamp: ts(4) } });
    await until(() => states.length === 5 && events.length === 2);
    assert.deepEqual(events.map((m) => [event(m).event, event(m).zone]), [['leave', 'home'], ['enter', 'home']]);
    assert.equal(update(states[1]).state, 'home', 'one fix away is not a leave');
    assert.equal(update(states[2]).state, 'away');
    assert.equal(update(states[2]).distanceM, 3010);
    assert.deepEqual(lastStatus('presence'), { fill: 'green', shape: 'dot', text: 'home · 30 m' });
  });

  it('does not flap for noisy positions around the edge of the zone', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const states = collect(helper.getNode('out-state'));
    const events = collect(helper.getNode('out-events'));
    const node = helper.getNode('presence');
    node.receive({ payload: { lat: HOME.lat, lon: HOME.lon } });
    // 30 fixes between 70 m and 124 m (radius 100, margin 25): inside and in the dead band.
    for (let i = 0; i < 30; i++) {
      const p = away(70 + ((i * 37) % 55), i * 47);
      node.receive({ payload: { lat: p.lat, lon: p.lon, timestamp: Date.now() + i } });
    }
    await until(() => states.length === 31);
    assert.equal(events.length, 0);
    assert.ok(states.every((m) => update(m).state === 'home'));
  });

  it('keeps its state across a restart, so that the first position after it sends no enter', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const first = collect(helper.getNode('out-state'));
    const t0 = Date.now() - 30 * 60_000;
    helper.getNode('presence').receive({ payload: { lat: away(5_000).lat, lon: away(5_000).lon, timestamp: t0 } });
    helper.getNode('presence').receive({ payload: { lat: HOME.lat, lon: HOME.lon, timestamp: t0 + 600_000 } });
    helper.getNode('presence').receive({ payload: { lat: HOME.lat, lon: HOME.lon, timestamp: t0 + 900_000 } });
    await until(() => first.length === 3);
    assert.equal(update(first[2]).state, 'home');
    await helper.unload();
    const file = path.join(fx.userDir, 'connected-car', 'presence-presence.json');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);

    await helper.load(nodes, flow(), fx.credentials());
    const states = collect(helper.getNode('out-state'));
    const events = collect(helper.getNode('out-events'));
    helper.getNode('presence').receive({ payload: { lat: away(10).lat, lon: away(10).lon } });
    helper.getNode('presence').receive({ payload: { lat: away(12).lat, lon: away(12).lon } });
    // An enter would leave with the first state; the second state comes after it.
    await until(() => states.length === 2);
    assert.equal(events.length, 0, 'no spurious enter');
    assert.equal(update(states[0]).state, 'home');
    assert.equal(update(states[0]).initial, undefined);
  });

  it('holds the state on a stale or missing fix and says so (grey)', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const states = collect(helper.getNode('out-state'));
    const events = collect(helper.getNode('out-events'));
    const node = helper.getNode('presence');
    const now = Date.now();
    const status = (lat: number, lon: number, minutesAgo: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      vin: R5,
      provider: 'renault',
      fetchedAt: new Date(now).toISOString(),
      position: { latitude: lat, longitude: lon, updatedAt: new Date(now - minutesAgo * 60_000).toISOString() },
      ...extra,
    });
    node.receive({ payload: status(HOME.lat, HOME.lon, 1) });
    // A phone's fix 45 minutes old is stale (a car's own parked fix never is: it says when it arrived).
    node.receive({ payload: { lat: away(9_000).lat, lon: away(9_000).lon, timestamp: new Date(now - 45 * 60_000).toISOString() } });
    node.receive({ payload: status(HOME.lat, HOME.lon, 0, { positionUnknown: true }) });
    await until(() => states.length === 3);
    assert.equal(events.length, 0);
    assert.deepEqual([update(states[1]).state, update(states[1]).stale, update(states[1]).reason], ['home', true, 'stale']);
    assert.deepEqual([update(states[2]).state, update(states[2]).stale, update(states[2]).reason], ['home', true, 'no_fix']);
    assert.equal(states[2]?.topic, `car/${R5}/presence`);
    const dot = lastStatus('presence');
    assert.deepEqual([dot.fill, dot.shape], ['grey', 'ring']);
    assert.match(dot.text ?? '', /car-presence\.status\.no-fix/);
  });

  it('refuses a message without a position, and a zone without coordinates, with BAD_INPUT', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const caught = collect(helper.getNode('caught'));
    helper.getNode('presence').receive({ payload: { lat: 120, lon: 2 } });
    helper.getNode('presence').receive({ payload: 'where am I' });
    await until(() => caught.length === 2);
    const errors = caught.map((m) => m.error as { code: string; message: string });
    assert.ok(errors.every((e) => e.code === 'BAD_INPUT'));
    assert.ok(errors.some((e) => /msg\.payload\.lat must be a number from -90 to 90/.test(e.message)));
    assert.ok(errors.some((e) => /carries no position/.test(e.message)));
    await helper.unload();

    await helper.load(nodes, flow({ zones: [{ ...zone, latitude: '' }] }), fx.credentials());
    const again = collect(helper.getNode('caught'));
    helper.getNode('presence').receive({ payload: { lat: HOME.lat, lon: HOME.lon } });
    await until(() => again.length === 1);
    assert.match((again[0]?.error as { message: string }).message, /zone "home": latitude must be a number/);
  });

  it("follows the account's reads for its vehicle, with Node-RED's home from settings.js", async () => {
    await helper.load(nodes, flow({ account: 'acc', vin: R5, zones: [{ name: 'home', source: 'nodered', radius: '150' }] }), fx.credentials());
    const session = (helper.getNode('acc') as unknown as { session: AccountSession }).session;
    const states = collect(helper.getNode('out-state'));
    fx.sim.renault.car(R5).autopilot = false;
    fx.sim.renault.car(R5).position = HOME;
    await session.readStatus(R5, ['position'], { kind: 'explicit' });
    await until(() => states.length === 1);
    assert.deepEqual([update(states[0]).state, update(states[0]).distanceM, states[0]?.topic], ['home', 0, `car/${R5}/presence`]);
    assert.equal((states[0]?.vehicle as { vin: string }).vin, R5);

    const home = await helper.request().get('/connected-car/presence/home').expect(200);
    assert.deepEqual(home.body, { latitude: HOME.lat, longitude: HOME.lon, source: 'settings' });
    const pos = await helper.request().get(`/connected-car/presence/position?account=acc&vin=${R5}`).expect(200);
    assert.deepEqual([(pos.body as { latitude: number }).latitude, (pos.body as { longitude: number }).longitude], [HOME.lat, HOME.lon]);
    await helper.request().get('/connected-car/presence/position?account=nope&vin=x').expect(404);
  });
});

describe('car-presence node on a clock the test moves', () => {
  const clock = new ManualClock('2026-05-01T12:00:00Z');
  const fx = useNodeRed({ settings: { connectedCarClock: clock } });
  const zone = { name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100', margin: '', passive: false };

  it('confirms a leave two positions showed when its dwell time runs out, without a third', async () => {
    const flow = fx.flow([
      { id: 'presence', type: 'car-presence', account: '', vin: '', zones: [zone], enterDwell: '0', leaveDwell: '120', maxAge: '30', wires: [['out-state'], ['out-events']] },
      ...helpers('out-state', 'out-events'),
    ]);
    await helper.load(nodes, flow, fx.credentials());
    const states = collect(helper.getNode('out-state'));
    const events = collect(helper.getNode('out-events'));
    const node = helper.getNode('presence');
    const at = (p: { lat: number; lon: number }): Record<string, unknown> => ({ payload: { lat: p.lat, lon: p.lon, timestamp: new Date(clock.now()).toISOString() } });
    node.receive(at(HOME));
    await until(() => states.length === 1);
    await clock.advance(60_000);
    const left = clock.now();
    node.receive(at(away(800)));
    await until(() => states.length === 2);
    await clock.advance(10_000);
    node.receive(at(away(805)));
    await until(() => states.length === 3);
    assert.deepEqual([update(states[1]).state, update(states[2]).state, events.length], ['home', 'home', 0], 'waiting for the dwell time');
    assert.equal(clock.pending, 1, 'a timer for the end of the dwell time');
    // 120 s after the first position away; the timer is still waiting 1 s before.
    await clock.advance(left + 119_000 - clock.now());
    assert.deepEqual([clock.pending, states.length, events.length], [1, 3, 0]);
    await clock.advance(1_010);
    await until(() => events.length === 1);
    assert.deepEqual([event(events[0]).event, event(events[0]).zone, event(events[0]).at], ['leave', 'home', new Date(left).toISOString()]);
    assert.equal(update(states[3]).state, 'away');
    assert.equal(clock.pending, 0);
  });
});
