// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { VehicleStatus } from '../../src/core';
import { areaRequestFrom, DEFAULT_ROAD_FACTOR, mapMarker, reachableArea } from '../../src/features/map';
import { distanceM } from '../../src/features/presence';

const VIN = 'WBY00000000000042';
const status: VehicleStatus = {
  vin: VIN,
  provider: 'cardata',
  fetchedAt: '2026-12-03T08:00:00.000Z',
  updatedAt: '2026-12-03T07:58:00.000Z',
  battery: { socPercent: 78, rangeKm: 300 },
  position: { latitude: 48.1374, longitude: 11.5755, headingDeg: 90 },
};

describe('the car on a map', () => {
  it('gives a worldmap marker: unique name, lat/lon of the status, the car icon, state of charge and range in the popup', () => {
    assert.deepEqual(mapMarker({ vin: VIN, model: 'i4 eDrive40' }, status), {
      name: 'i4 eDrive40 000042',
      lat: 48.1374,
      lon: 11.5755,
      icon: 'car',
      layer: 'cars',
      hdg: 90,
      soc: '78 %',
      range: '300 km',
      updated: '2026-12-03T07:58:00.000Z',
    });
    assert.equal(mapMarker({ vin: VIN }, { ...status, position: undefined }), undefined);
  });

  it('draws the reachable area (range × road factor) and the way-and-back area (half) as closed GeoJSON rings', () => {
    const area = reachableArea(status, { roadFactor: DEFAULT_ROAD_FACTOR, points: 72 });
    assert.ok(area);
    assert.deepEqual(area.features.map((f) => [f.properties.kind, f.properties.radiusKm]), [['range', 240], ['return', 120]]);
    for (const f of area.features) {
      const ring = f.geometry.coordinates[0] ?? [];
      assert.equal(ring.length, 73);
      assert.deepEqual(ring[0], ring[ring.length - 1], 'closed ring');
      for (const [lon, lat] of ring) {
        const d = distanceM(48.1374, 11.5755, lat, lon);
        assert.ok(Math.abs(d - f.properties.radiusKm * 1000) < 5, `point ${d} m from the car`);
      }
    }
    assert.equal(reachableArea({ ...status, battery: { socPercent: 10 } }), undefined, 'no range, no area');
  });

  it('reads msg.area: true, an object with roadFactor and points, and refuses anything else naming the field', () => {
    assert.equal(areaRequestFrom(undefined), undefined);
    assert.deepEqual(areaRequestFrom(true), { roadFactor: 0.8, points: 64 });
    assert.deepEqual(areaRequestFrom({ roadFactor: 0.7 }), { roadFactor: 0.7, points: 64 });
    for (const bad of ['yes', { roadFactor: 2 }, { points: 3 }, { radius: 5 }]) assert.throws(() => areaRequestFrom(bad), /msg\.area must be/);
  });
});
