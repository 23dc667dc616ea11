// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema } from '../../src/core';
import type { ReachableArea, MapMarker } from '../../src/features/map';
import { caughtError, helper, helpers, nodeModule, reply, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

describe('car-status on a map', () => {
  const fx = useNodeRed();
  const flow = (): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'acc', vin: ZOE, interval: '', parts: '', onlyOnChange: false, wires: [['out']] }, ...helpers('out')]);

  it("puts the simulated car's position in msg.map as a worldmap marker, and its reachable area in msg.area when asked", async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const car = fx.sim.renault.car(ZOE);
    const msg = await reply('status', { payload: 'go', area: true });
    const status = VehicleStatusSchema.parse(msg.payload);
    const marker = msg.map as MapMarker;
    assert.deepEqual([marker.lat, marker.lon, marker.icon], [car.reportedPosition.lat, car.reportedPosition.lon, 'car']);
    assert.deepEqual([marker.lat, marker.lon], [status.position?.latitude, status.position?.longitude]);
    const area = msg.area as ReachableArea;
    assert.equal(area.type, 'FeatureCollection');
    assert.equal(area.features[0]?.properties.rangeKm, status.battery?.rangeKm);
    const plain = await reply('status', { payload: 'go' });
    assert.equal(plain.area, undefined, 'only on request');
  });

  it('refuses a malformed msg.area with BAD_INPUT before reading anything', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const reads = (): number => fx.sim.renault.stats.byEndpoint['battery-status'] ?? 0;
    const calls = reads();
    const err = await caughtError('status', { payload: 'go', area: { roadFactor: 3 } });
    assert.equal(err.code, 'BAD_INPUT');
    assert.match(err.message, /msg\.area/);
    assert.equal(reads(), calls, 'no status read');
  });
});
