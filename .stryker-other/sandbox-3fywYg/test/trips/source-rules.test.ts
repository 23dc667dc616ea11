// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { TripSchema, type VehicleStatus } from '../../src/core';
import { StoredHistorySchema, TripHistory } from '../../src/features/trip-store';
import { deriveTrips, sampleFromStatus, type Sample } from '../../src/features/trips';
import { accuracy } from '../../bench/accuracy';

/** Regression tests of issue 12: trips that match what the car really did. */
const T = (hhmm: string): number => Date.parse(`2026-03-02T${hhmm}:00Z`);
const iso = (t: number): string => new Date(t).toISOString();
const HOME = { latitude: 48.8566, longitude: 2.3522 };
const SHOP = { latitude: 48.8921, longitude: 2.2376 };

/** A Renault status read at `read`: battery reported at `batteryAt`, the ignition-off fix at `fixAt`. */
function renault(read: string, o: { batteryAt: string; soc: number; km: number; fixAt: string; at?: typeof HOME; charging?: boolean }): VehicleStatus {
  const b = iso(T(o.batteryAt));
  return {
    vin: 'V',
    provider: 'renault',
    fetchedAt: iso(T(read)),
    updatedAt: iso(Math.max(T(o.batteryAt), T(o.fixAt))),
    mileageKm: o.km,
    battery: { socPercent: o.soc, updatedAt: b },
    charging: { state: o.charging ? 'charging' : 'not_charging', plug: o.charging ? 'plugged' : 'unplugged', updatedAt: b },
    position: { ...(o.at ?? HOME), updatedAt: iso(T(o.fixAt)) },
  };
}

function run(statuses: VehicleStatus[], capacityKwh = 52): ReturnType<TripHistory['add']>['trips'] {
  const h = new TripHistory({ vin: 'V', capacityKwh });
  const out = [];
  for (const s of statuses) {
    const sample = sampleFromStatus(s);
    if (sample) out.push(...h.add(sample).trips);
  }
  return out;
}

describe('trips per source (issue 12)', () => {
  it('Renault: a drive after an hourly parked report starts after the last read that saw the car parked, not at that report', () => {
    // Parked report at 07:00; drive 07:45-07:51; read every 15 minutes.
    const trips = run([
      renault('07:15', { batteryAt: '07:00', soc: 80, km: 1000, fixAt: '06:00' }),
      renault('07:30', { batteryAt: '07:00', soc: 80, km: 1000, fixAt: '06:00' }),
      renault('07:45', { batteryAt: '07:00', soc: 80, km: 1000, fixAt: '06:00' }),
      renault('08:00', { batteryAt: '07:51', soc: 78, km: 1005, fixAt: '07:51', at: SHOP }),
    ]);
    assert.equal(trips.length, 1);
    const [trip] = trips;
    assert.ok(trip && TripSchema.safeParse(trip).success);
    assert.equal(trip?.endAt, iso(T('07:51')));
    assert.ok(Date.parse(trip?.startAt ?? '') >= T('07:40'), `start ${trip?.startAt}: not the 07:00 report`);
    assert.equal(trip?.startAtEarliest, iso(T('07:40')), 'the 07:45 read would have shown a drive under way for 5 minutes');
    assert.equal(trip?.startAtLatest, iso(T('07:51')));
    assert.equal(trip?.distanceKm, 5);
  });

  it('Renault: at 15-minute reads a drop of the charge reported during the drive is driving, however old the report before it', () => {
    const trips = run([
      renault('07:30', { batteryAt: '07:00', soc: 80, km: 1000, fixAt: '06:00' }),
      renault('07:45', { batteryAt: '07:41', soc: 78, km: 1000, fixAt: '06:00' }), // on the road
      renault('08:00', { batteryAt: '07:56', soc: 72, km: 1025, fixAt: '07:56', at: SHOP }),
    ]);
    assert.equal(trips.length, 1);
    assert.equal(trips[0]?.startAtLatest, iso(T('07:41')), 'the first report that saw it moving');
    assert.ok(Date.parse(trips[0]?.startAt ?? '') >= T('07:36'));
    assert.equal(trips[0]?.socUsedPercent, 8);
  });

  it('a charge that starts on arrival never makes the energy negative; without a level before it the energy is left out', () => {
    const trips = run([
      renault('07:30', { batteryAt: '07:00', soc: 60, km: 1000, fixAt: '06:00' }),
      // Read 20 minutes after arrival: charging already, and higher than before the drive.
      renault('08:15', { batteryAt: '08:10', soc: 66, km: 1012, fixAt: '07:55', at: SHOP, charging: true }),
    ]);
    assert.equal(trips.length, 1);
    assert.equal(trips[0]?.energyUsedKwh, undefined);
    assert.equal(trips[0]?.socUsedPercent, undefined);
    assert.ok(TripSchema.safeParse(trips[0]).success);
    assert.equal(TripSchema.safeParse({ ...trips[0], energyUsedKwh: -1.2 }).success, false, 'the schema refuses a negative energy');
    assert.equal(TripSchema.safeParse({ ...trips[0], socUsedPercent: -3 }).success, false);
  });

  it('a history file written with a negative trip energy still loads, without the figure', () => {
    const trip = { vin: 'V', source: 'derived', startAt: iso(T('07:00')), endAt: iso(T('07:30')), durationMin: 30, energyUsedKwh: -2.5, socUsedPercent: -5, distanceKm: 12 };
    const parsed = StoredHistorySchema.parse({ version: 1, vin: 'V', samples: [], trips: [trip], charges: [] });
    assert.equal(parsed.trips[0]?.energyUsedKwh, undefined);
    assert.equal(parsed.trips[0]?.socUsedPercent, undefined);
    assert.equal(parsed.trips[0]?.distanceKm, 12);
  });

  it('gives no consumption for a short trip from whole-percent charge levels', () => {
    const trips = run([
      renault('07:30', { batteryAt: '07:00', soc: 80, km: 1000, fixAt: '06:00' }),
      renault('07:45', { batteryAt: '07:44', soc: 79, km: 1002, fixAt: '07:44', at: SHOP }),
    ]);
    assert.equal(trips[0]?.distanceKm, 2);
    assert.equal(trips[0]?.socUsedPercent, 1);
    assert.equal(trips[0]?.consumptionKwhPer100Km, undefined, '1 point of 52 kWh over 2 km would read 26 kWh/100 km');
  });

  it('CarData: a stream message a minute while driving makes one trip per drive, not one per message; a 5-minute stop splits two drives', () => {
    const statuses: VehicleStatus[] = [];
    let km = 5000;
    let soc = 70;
    const msg = (t: number): void => {
      const at = iso(t);
      statuses.push({ vin: 'V', provider: 'cardata', fetchedAt: at, updatedAt: at, mileageKm: Math.floor(km + 1e-9), battery: { socPercent: Math.round(soc), updatedAt: at }, position: { latitude: 48.85 + (km - 5000) / 1000, longitude: 2.35, updatedAt: at } });
    };
    msg(T('06:00'));
    for (let m = 1; m <= 20; m++) {
      km += 0.7;
      soc -= 0.25;
      msg(T('07:00') + m * 60_000);
    }
    // Stopped 5 minutes, then a second drive of 10 minutes.
    for (let m = 1; m <= 10; m++) {
      km += 0.6;
      soc -= 0.2;
      msg(T('07:25') + m * 60_000);
    }
    msg(T('08:30')); // the next message (a charge, a door) after the car stood still
    const trips = run(statuses, 60);
    assert.equal(trips.length, 2, JSON.stringify(trips.map((t) => [t.startAt, t.endAt, t.distanceKm])));
    assert.equal(trips[0]?.endAt, iso(T('07:20')));
    assert.equal(trips[0]?.distanceKm, 14);
    assert.equal(trips[1]?.endAt, iso(T('07:35')));
    for (const t of trips) assert.ok((t.energyUsedKwh ?? 0) >= 0);
  });

  it('CarData REST: a poll whose mileage last changed long before the read ends the trip there', () => {
    const s = (read: string, changed: string, km: number): Sample => ({ at: T(changed), fetchedAt: T(read), feed: 'continuous', mileageKm: km, socPercent: 50 });
    const trips = deriveTrips([s('07:00', '06:00', 100), s('07:30', '07:29', 110), s('08:00', '07:41', 118)], { vin: 'V' });
    assert.equal(trips.length, 1);
    assert.equal(trips[0]?.endAt, iso(T('07:41')));
    assert.equal(trips[0]?.distanceKm, 18);
  });

  it('meets the targets of the accuracy bench (a scripted day against the ground truth)', async function () {
    // Five feeds through the real clients and the simulator; one simulated day (10 trips, 4 events, a night's outlier)
    // keeps it to about 30 s (the bench runs 3).
    this.timeout(300_000);
    const r = (await accuracy(1)) as { trips: Record<string, Record<string, number>>; presence: Record<string, Record<string, number> | number> };
    for (const feed of ['renault5', 'renault15', 'cardataStream']) assert.ok((r.trips[feed]?.matchedRatio ?? 0) >= 0.95, `${feed} ${JSON.stringify(r.trips[feed])}`);
    for (const feed of ['renault30', 'cardataRest']) assert.ok((r.trips[feed]?.matchedRatio ?? 0) >= 0.8, `${feed} ${JSON.stringify(r.trips[feed])}`);
    for (const [feed, f] of Object.entries(r.trips)) assert.equal(f.negativeEnergy, 0, feed);
    for (const feed of ['renault5', 'cardataStream']) assert.ok((r.trips[feed]?.energyMaePercent ?? 100) <= 15, `${feed} ${JSON.stringify(r.trips[feed])}`);
    for (const feed of ['renault5', 'renault15', 'renault30', 'cardataStream', 'cardataRest']) {
      const p = r.presence[feed] as Record<string, number>;
      assert.equal(p.falseEvents, 0, feed);
      if (['renault5', 'renault15', 'cardataStream'].includes(feed)) assert.equal(p.missedEvents, 0, feed);
    }
    assert.ok((r.presence.boundaryFalseLeavesPerDay as number) <= 0.5);
  });
});
