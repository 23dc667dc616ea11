// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { VehicleStatus } from '../../src/core';
import { getProvider } from '../../src/brands';
import { emptyState, positionFromMessage, resolveOptions, step } from '../../src/features/presence';
import { presenceOptionsFrom } from '../../src/features/presence-tracker';
import { offsetBy } from '../../src/sim/script';

/** Issue 12: the dead band and the outlier test come from the brand, not from a constant of the presence code. */
const HOME = { lat: 48.1771, lon: 11.5562 };
const at = (m: number): string => new Date(Date.UTC(2026, 2, 3, 15, m)).toISOString();
const status = (provider: 'renault' | 'cardata', p: { lat: number; lon: number }, km: number, m: number): VehicleStatus => ({
  vin: 'WBY31AW0X0FCD0001',
  provider,
  fetchedAt: at(m),
  updatedAt: at(m),
  mileageKm: km,
  position: { latitude: p.lat, longitude: p.lon, updatedAt: at(m) },
});

describe('presence: GPS noise and odometer per brand', () => {
  it('a car-presence node following an account takes the brand\'s noise as its least dead band', () => {
    const say = (k: string): string => k;
    const zones = [{ name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100' }];
    for (const id of ['renault', 'cardata']) {
      const noise = getProvider(id).positionNoiseM;
      assert.equal(presenceOptionsFrom({ zones }, undefined, say, noise).zones[0]?.marginM, Math.max(noise, 20));
    }
    // A brand with little noise: 20 % of the radius is the larger.
    assert.equal(presenceOptionsFrom({ zones }, undefined, say, 5).zones[0]?.marginM, 20);
  });

  it('a fix from a VehicleStatus carries its brand\'s noise and odometer step', () => {
    const r = positionFromMessage({ payload: status('cardata', HOME, 12_000, 0) }, Date.parse(at(0)));
    assert.equal(r.input.kind, 'fix');
    if (r.input.kind !== 'fix') return;
    assert.equal(r.input.fix.noiseM, getProvider('cardata').positionNoiseM);
    assert.equal(r.input.fix.mileageStepKm, getProvider('cardata').odometerStepKm);
  });

  it('180 m on with an unchanged whole-km odometer (CarData\'s last stretch home) is no outlier; with Renault\'s two decimals it is', () => {
    const o = resolveOptions({ zones: [{ name: 'home', latitude: HOME.lat, longitude: HOME.lon, radiusM: 100 }] });
    const near = offsetBy(HOME, 180, 10);
    // A Zoe's cockpit answers two decimals (recorded cockpit.zoe_50.json); the whole-km case is the next test's.
    for (const [provider, km, outlier] of [['cardata', 12_220, false], ['renault', 12_220.37, true]] as const) {
      let state = emptyState();
      state = step(state, positionFromMessage({ payload: status(provider, near, km, 0) }, Date.parse(at(0))).input, Date.parse(at(0)), o).state;
      const r = step(state, positionFromMessage({ payload: status(provider, HOME, km, 1) }, Date.parse(at(1))).input, Date.parse(at(1)), o);
      assert.equal(r.update.reason === 'outlier', outlier, provider);
    }
  });

  it('a Renault odometer that answers whole km (a Renault 5, an Austral) may hide up to 1 km: 180 m on with it unchanged, or a 9.3 km drive that reads 9 km, is no outlier', () => {
    const o = resolveOptions({ zones: [{ name: 'home', latitude: HOME.lat, longitude: HOME.lon, radiusM: 100 }] });
    let state = emptyState();
    state = step(state, positionFromMessage({ payload: status('renault', offsetBy(HOME, 180, 10), 559, 0) }, Date.parse(at(0))).input, Date.parse(at(0)), o).state;
    const r = step(state, positionFromMessage({ payload: status('renault', HOME, 559, 1) }, Date.parse(at(1))).input, Date.parse(at(1)), o);
    assert.notEqual(r.update.reason, 'outlier');
    const drive = step(r.state, positionFromMessage({ payload: status('renault', offsetBy(HOME, 9_280, 60), 568, 20) }, Date.parse(at(20))).input, Date.parse(at(20)), o);
    assert.notEqual(drive.update.reason, 'outlier');
    assert.equal(drive.update.state, 'away');
  });

  it('the fix right after one taken while driving confirms an arrival at once (a whole-km odometer need not tick)', () => {
    const o = resolveOptions({ zones: [{ name: 'home', latitude: HOME.lat, longitude: HOME.lon, radiusM: 100 }] });
    let state = emptyState();
    state = step(state, positionFromMessage({ payload: status('cardata', offsetBy(HOME, 2_000, 10), 12_218, 0) }, Date.parse(at(0))).input, Date.parse(at(0)), o).state;
    state = step(state, positionFromMessage({ payload: status('cardata', offsetBy(HOME, 900, 10), 12_219, 1) }, Date.parse(at(1))).input, Date.parse(at(1)), o).state;
    const r = step(state, positionFromMessage({ payload: status('cardata', HOME, 12_219, 2) }, Date.parse(at(2))).input, Date.parse(at(2)), o);
    assert.deepEqual(r.events.map((e) => [e.event, e.at]), [['enter', at(2)]]);
    // Hours later, the same rule does not hold: a parked car's next fix is no movement.
    const later = step(r.state, positionFromMessage({ payload: status('cardata', offsetBy(HOME, 300, 10), 12_219, 200) }, Date.parse(at(200))).input, Date.parse(at(200)), o);
    assert.deepEqual(later.events, []);
  });
});
