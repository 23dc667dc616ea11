// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { VehicleStatus } from '../../src/core';
import { areaRequestFrom, mapMarker, reachableArea } from '../../src/features/map';
import { distanceM } from '../../src/features/presence';

const VIN = 'VF1AG000X64000042';
const at = (latitude: number, longitude: number, parts: Partial<VehicleStatus> = {}): VehicleStatus => ({
  vin: VIN,
  provider: 'renault',
  fetchedAt: '2026-12-03T08:00:00.000Z',
  position: { latitude, longitude },
  ...parts,
});
const rad = (deg: number): number => (deg * Math.PI) / 180;
/** The initial bearing from one point to another, in degrees from north, clockwise, 0 to 360. */
function bearing(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dλ = rad(lon2 - lon1);
  const y = Math.sin(dλ) * Math.cos(rad(lat2));
  const x = Math.cos(rad(lat1)) * Math.sin(rad(lat2)) - Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(dλ);
  return (((Math.atan2(y, x) * 180) / Math.PI) % 360 + 360) % 360;
}
/** How far apart two bearings are, across north as well. */
const apart = (a: number, b: number): number => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('the car on a map: values', () => {
  it('labels the marker with the name, else the model, else "car", and leaves out what the status does not tell', () => {
    const bare = at(45.75, 4.85);
    assert.deepEqual(mapMarker({ vin: VIN }, bare), { name: 'car 000042', lat: 45.75, lon: 4.85, icon: 'car', layer: 'cars' });
    assert.equal(mapMarker({ vin: VIN, model: 'ZOE' }, bare)?.name, 'ZOE 000042');
    assert.equal(mapMarker({ vin: VIN, model: 'ZOE', name: 'Zoé' }, bare)?.name, 'Zoé 000042');
  });

  it('shows the range of the whole car where the battery gives none, and a heading of 0', () => {
    const s = at(45.75, 4.85, { rangeKm: 410, battery: { socPercent: 55 }, position: { latitude: 45.75, longitude: 4.85, headingDeg: 0 } });
    assert.deepEqual(mapMarker({ vin: VIN }, s), { name: 'car 000042', lat: 45.75, lon: 4.85, icon: 'car', layer: 'cars', hdg: 0, soc: '55 %', range: '410 km' });
  });

  it('reads msg.area false as no area', () => {
    assert.equal(areaRequestFrom(false), undefined);
  });

  it('draws each ring from due north counter-clockwise at even steps, back to north', () => {
    const [lat, lon] = [48.1374, 11.5755];
    const area = reachableArea(at(lat, lon, { battery: { rangeKm: 250 } }), { roadFactor: 0.8, points: 8 });
    assert.ok(area);
    for (const f of area.features) {
      const ring = f.geometry.coordinates[0] ?? [];
      const bearings = ring.map(([pLon, pLat]) => bearing(lat, lon, pLat, pLon));
      const want = [0, 315, 270, 225, 180, 135, 90, 45, 0];
      assert.equal(bearings.length, want.length);
      bearings.forEach((b, i) => assert.ok(apart(b, want[i] ?? NaN) < 0.01, `point ${i} at ${b}°, not ${want[i]}°`));
      for (const [pLon, pLat] of ring) {
        assert.ok(Math.abs(pLon - lon) < 5 && Math.abs(pLat - lat) < 3, `${pLat}, ${pLon} is near the car`);
        assert.ok(Math.abs(distanceM(lat, lon, pLat, pLon) - f.properties.radiusKm * 1000) < 5);
      }
    }
  });

  it('wraps the longitudes of a ring across the antimeridian into -180 to 180', () => {
    const area = reachableArea(at(-16.5, 179.8, { rangeKm: 100 }), { roadFactor: 1, points: 16 });
    const ring = area?.features[0]?.geometry.coordinates[0] ?? [];
    assert.equal(ring.length, 17);
    assert.ok(ring.every(([pLon]) => pLon >= -180 && pLon <= 180));
    const east = ring.filter(([pLon]) => pLon < 0).map(([pLon]) => pLon);
    assert.ok(east.length > 0 && east.every((pLon) => pLon < -179), `the eastern points are just past the antimeridian: ${east.join(', ')}`);
    for (const [pLon, pLat] of ring) assert.ok(Math.abs(distanceM(-16.5, 179.8, pLat, pLon) - 100_000) < 5);
  });
});
