// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock, TokenStore, type Trip, type VehicleStatus } from '../../src/core';
import type { PresenceEvent, PresenceUpdate } from '../../src/core/presence';
import { getProvider } from '../../src/brands';
import { AccountSession } from '../../src/features/session';
import { emptyState, positionFromMessage, resolveOptions, step } from '../../src/features/presence';
import { TripHistory } from '../../src/features/trip-store';
import { sampleFromStatus } from '../../src/features/trips';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { DriveScript, offsetBy, type LatLon } from '../../src/sim/script';

/**
 * Issue 12's examples against the simulator's scripted car: the script is what the car really
 * did, the plugin reads it through its real clients on a manual clock.
 */
const MIN = 60_000;
const START = Date.parse('2026-03-02T00:00:00Z');
const R5 = 'VF1R5E00125R50002';
const I4 = 'WBY31AW0X0FCD0001';
const HOME: LatLon = { lat: 48.8566, lon: 2.3522 };
const T = (hhmm: string): number => Date.parse(`2026-03-02T${hhmm}:00Z`);

/** A Renault 5 driving `script`, read through the Renault provider at each of `reads`. */
async function renaultReads(script: DriveScript, reads: number[]): Promise<VehicleStatus[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-scripted-'));
  const clock = new ManualClock(START);
  const sim = await startSimulator({ port: 0, clock, renault: { quota: false, scripts: { [R5]: script } }, cardata: { brokerPort: false } });
  const provider = getProvider('renault');
  const session = new AccountSession({
    key: 'scripted',
    provider,
    config: provider.resolveConfig({ provider: 'renault', locale: 'fr_FR', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl } }),
    store: new TokenStore(dir),
    clock,
    budget: { limit: 10_000 },
  });
  try {
    const out: VehicleStatus[] = [];
    for (const t of reads) {
      await clock.advance(t - clock.now());
      out.push(await session.readStatus(R5, ['battery', 'charging', 'mileage', 'position'], { maxAgeMs: 0 }));
    }
    return out;
  } finally {
    await session.close();
    await sim.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const every = (from: number, to: number, ms: number): number[] => Array.from({ length: Math.floor((to - from) / ms) + 1 }, (_, i) => from + i * ms);

function tripsOf(statuses: VehicleStatus[], capacityKwh: number, vin: string): Trip[] {
  const h = new TripHistory({ vin, capacityKwh });
  const trips: Trip[] = [];
  for (const s of statuses) {
    const sample = sampleFromStatus(s);
    if (sample) trips.push(...h.add(sample).trips);
  }
  return trips;
}

function presenceOf(statuses: VehicleStatus[]): { events: PresenceEvent[]; updates: PresenceUpdate[] } {
  const o = resolveOptions({ zones: [{ name: 'home', latitude: HOME.lat, longitude: HOME.lon, radiusM: 100 }], noiseM: getProvider('renault').positionNoiseM });
  let state = emptyState();
  const events: PresenceEvent[] = [];
  const updates: PresenceUpdate[] = [];
  for (const s of statuses) {
    const r = step(state, positionFromMessage({ payload: s }, Date.parse(s.fetchedAt)).input, Date.parse(s.fetchedAt), o);
    state = r.state;
    events.push(...r.events);
    updates.push(r.update);
  }
  return { events, updates };
}

const PLACE = offsetBy(HOME, 6_000, 60);

describe('the simulator\'s scripted car against what the plugin derives (issue 12)', function () {
  this.timeout(60_000);

  it('a charge starting on arrival leaves the trip\'s energy positive, taken before the charge (Renault, 15-minute reads)', async () => {
    const script = new DriveScript({
      startAt: START,
      endAt: T('12:00'),
      home: HOME,
      capacityKwh: 52,
      startKwh: 30,
      startKm: 12_000,
      trips: [
        { startAt: T('08:00'), endAt: T('08:15'), distanceKm: 10, energyKwh: 1.6, to: PLACE },
        { startAt: T('09:00'), endAt: T('09:15'), distanceKm: 10, energyKwh: 1.6, to: HOME },
      ],
      charges: [{ startAt: T('09:16'), endAt: T('11:30'), powerKw: 7 }],
    });
    const trips = tripsOf(await renaultReads(script, every(T('07:00'), T('12:00'), 15 * MIN)), 52, R5);
    const back = trips.find((t) => Math.abs(Date.parse(t.endAt) - T('09:15')) <= 15 * MIN);
    assert.ok(back, JSON.stringify(trips));
    assert.equal(back.distanceKm, 10);
    // Whole percents of 52 kWh: the 1.6 kWh driven reads as 1 to 3 points.
    assert.ok(back.energyUsedKwh !== undefined && back.energyUsedKwh > 0 && back.energyUsedKwh <= 1.6 + 0.6, JSON.stringify(back));
    for (const t of trips) assert.ok((t.energyUsedKwh ?? 0) >= 0 && (t.socUsedPercent ?? 0) >= 0, JSON.stringify(t));
  });

  it('a nightly fix 500 m off gives no leave and no enter (Renault, 5-minute reads)', async () => {
    const script = new DriveScript({
      startAt: START,
      endAt: T('06:00'),
      home: HOME,
      capacityKwh: 52,
      startKwh: 30,
      startKm: 12_000,
      trips: [],
      outliers: [{ at: T('02:10'), until: T('02:40'), pos: offsetBy(HOME, 500, 200) }],
    });
    const statuses = await renaultReads(script, every(T('01:00'), T('04:00'), 5 * MIN));
    assert.ok(statuses.some((s) => (s.position?.latitude ?? 0) < HOME.lat - 0.003), 'the simulator served the outlier');
    const { events, updates } = presenceOf(statuses);
    assert.deepEqual(events, []);
    assert.ok(updates.every((u) => u.state === 'home'), JSON.stringify(updates.map((u) => u.state)));
  });

  it('an arrival read 34 minutes late is still an arrival, at the time of the fix (Renault)', async () => {
    const script = new DriveScript({
      startAt: START,
      endAt: T('19:00'),
      home: HOME,
      capacityKwh: 52,
      startKwh: 30,
      startKm: 12_000,
      trips: [
        { startAt: T('08:00'), endAt: T('08:15'), distanceKm: 10, energyKwh: 1.6, to: PLACE },
        { startAt: T('17:20'), endAt: T('17:38'), distanceKm: 10, energyKwh: 1.6, to: HOME },
      ],
    });
    const { events } = presenceOf(await renaultReads(script, [T('07:00'), T('12:00'), T('18:12')]));
    const enter = events.find((e) => e.event === 'enter');
    assert.ok(enter, JSON.stringify(events));
    assert.equal(Date.parse(enter.at), T('17:38'));
    assert.equal(Date.parse(enter.confirmedAt), T('18:12'));
  });

  it('a deploy starts from the last known position: a car parked at home for hours is home at the first read', async () => {
    const script = new DriveScript({ startAt: START, endAt: T('12:00'), home: HOME, capacityKwh: 52, startKwh: 30, startKm: 12_000, trips: [] });
    const { updates } = presenceOf(await renaultReads(script, [T('11:00')]));
    assert.equal(updates[0]?.state, 'home');
    assert.equal(updates[0]?.initial, true);
  });

  it('the i4 driving its 70 km loop is one trip from 5-minute REST reads (CarData)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-scripted-'));
    const clock = new ManualClock(START);
    const sim: Simulator = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: 5_000, quota: false, brokerPort: false } });
    const provider = getProvider('cardata');
    const session = new AccountSession({
      key: 'scripted-cardata',
      provider,
      config: provider.resolveConfig({ provider: 'cardata', keys: { clientId: DEMO_CARDATA_CLIENT_ID }, servers: { api: sim.cardata.apiUrl, auth: sim.cardata.authUrl, mqtt: 'mqtt://127.0.0.1:1' } }),
      store: new TokenStore(dir),
      clock,
      budget: { limit: 10_000 },
    });
    try {
      await session.getAuth().catch(() => undefined);
      for (let i = 0; i < 60 && session.state.phase !== 'ready'; i++) await clock.advance(1_000);
      const statuses: VehicleStatus[] = [];
      // The demo i4: parked and charging, then a 70 km loop from 4 h to 5 h of its 6-hour cycle.
      for (const t of every(START + 3 * 60 * MIN, START + 6 * 60 * MIN, 5 * MIN)) {
        await clock.advance(t - clock.now());
        statuses.push(await session.readStatus(I4, ['battery', 'charging', 'mileage', 'position'], { maxAgeMs: 0 }));
      }
      const trips = tripsOf(statuses, 81, I4);
      assert.equal(trips.length, 1, JSON.stringify(trips));
      assert.ok(Math.abs((trips[0]?.distanceKm ?? 0) - 70) <= 1, JSON.stringify(trips[0]));
    } finally {
      await session.close();
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
