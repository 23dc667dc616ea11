import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ManualClock, type CallKind, type ChargeSession, type Vehicle } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { areaRequestFrom } from '../../src/features/map';
import { emptyEventState, EventStateSchema } from '../../src/features/car-events';
import { tripInputFrom, TripRecorder, type TripText } from '../../src/features/trip-recorder';
import { nodeFile } from '../../src/features/trip-store';
import { deriveTrips, SampleSchema, type Sample } from '../../src/features/trips';
import { badInputMessage, removeDir, tempDir } from '../helpers';

/** Issue 19: the bounds and constants the place features' schemas hold, each seen from outside. */

const say = (key: TripText): string => `car-trips.errors.${key}`;

describe('the place features\' schemas: bounds and constants (values)', () => {
  it('takes msg.area points as a whole number from 8 to 360 and refuses 7 and 361', () => {
    const cases: [number, number][] = [[8, 8], [9, 9], [64, 64], [359, 359], [360, 360]];
    for (const [points, want] of cases) assert.deepEqual(areaRequestFrom({ points }), { roadFactor: 0.8, points: want }, `points ${points}`);
    for (const points of [7, 361]) {
      assert.equal(badInputMessage(() => areaRequestFrom({ points })), 'msg.area must be true or {roadFactor: number above 0 up to 1, points: whole number from 8 to 360}', `points ${points}`);
    }
  });

  it('takes a car-trips request for the stored charges as well as the native ones', () => {
    for (const source of ['stored', 'native'] as const) {
      assert.deepEqual(tripInputFrom({ action: 'charges', source }, say), { kind: 'request', request: { action: 'charges', source } });
    }
    assert.equal(badInputMessage(() => tripInputFrom({ action: 'charges', source: '' }, say)), 'msg.payload.source must be stored or native');
  });

  it('keeps a charge start written with a UTC offset in the stored event state, as well as one in Z', () => {
    for (const startedAt of ['2026-03-02T07:00:00+01:00', '2026-03-02T06:00:00-05:30', '2026-03-02T06:00:00.000Z']) {
      const state = { ...emptyEventState(), charge: { startedAt, targetTold: false } };
      const r = EventStateSchema.safeParse(state);
      assert.ok(r.success, `${startedAt}: ${r.error?.message ?? ''}`);
      assert.equal(r.data.charge?.startedAt, startedAt);
    }
    assert.equal(EventStateSchema.safeParse({ ...emptyEventState(), charge: { startedAt: '2026-03-02 07:00', targetTold: false } }).success, false);
  });

  it('takes a sample of the ignition feed as well as one of the continuous feed', () => {
    for (const feed of ['ignition', 'continuous'] as const) {
      assert.deepEqual(SampleSchema.parse({ at: 1_000, feed, mileageKm: 12 }), { at: 1_000, feed, mileageKm: 12 });
    }
    assert.equal(SampleSchema.safeParse({ at: 1_000, feed: '' }).success, false);
  });

  it('takes a sample\'s energy and fuel from 0 up and refuses a negative amount', () => {
    const taken: [number, number][] = [[0, 0], [41.7, 12.5], [52, 0.4]];
    for (const [energyKwh, fuelLiters] of taken) {
      assert.deepEqual(SampleSchema.parse({ at: 1, energyKwh, fuelLiters }), { at: 1, energyKwh, fuelLiters }, `${energyKwh} kWh, ${fuelLiters} l`);
    }
    for (const field of ['energyKwh', 'fuelLiters']) {
      const r = SampleSchema.safeParse({ at: 1, [field]: -0.1 });
      assert.deepEqual(r.error?.issues.map((i) => [i.path.join('.'), i.message]), [[field, 'Too small: expected number to be >=0']], field);
    }
  });

  it('takes a sample\'s latitude from -90 to 90 and longitude from -180 to 180, and refuses beyond', () => {
    const taken: [number, number][] = [[48.8, 2.3], [-33.9, 151.2], [90, 180], [-90, -180], [0, 0], [45, -73.6]];
    for (const [latitude, longitude] of taken) {
      assert.deepEqual(SampleSchema.parse({ at: 1, latitude, longitude }), { at: 1, latitude, longitude }, `${latitude}, ${longitude}`);
    }
    const refused: [string, number, string][] = [
      ['latitude', 91, 'Too big: expected number to be <=90'],
      ['latitude', -91, 'Too small: expected number to be >=-90'],
      ['longitude', 181, 'Too big: expected number to be <=180'],
      ['longitude', -181, 'Too small: expected number to be >=-180'],
    ];
    for (const [field, value, message] of refused) {
      const r = SampleSchema.safeParse({ at: 1, [field]: value });
      assert.deepEqual(r.error?.issues.map((i) => [i.path.join('.'), i.message]), [[field, message]], `${field} ${value}`);
    }
  });
});

/** An account whose cloud has charging sessions of its own, and says when they were asked for. */
class NativeAccount extends EventEmitter {
  readonly car: Vehicle = { vin: 'VTEST', brand: 'renault', model: 'ZOE', modelCode: 'X102VE', drivetrain: 'electric' };
  readonly asked: { from: string; to: string; kind: CallKind }[] = [];
  readonly connection = { capabilities: (): { nativeChargeSessions: boolean } => ({ nativeChargeSessions: true }) };

  vehicle(): Promise<Vehicle> {
    return Promise.resolve(this.car);
  }

  streamCoveredSince(): boolean {
    return false;
  }

  facet(): { chargeSessions: (vehicle: Vehicle, from: string, to: string, opts: { kind: CallKind }) => Promise<ChargeSession[]> } {
    return {
      chargeSessions: (_vehicle, from, to, opts) => {
        this.asked.push({ from, to, kind: opts.kind });
        return Promise.resolve([]);
      },
    };
  }

  get session(): AccountSession {
    return this as unknown as AccountSession;
  }
}

describe("car-trips asking the cloud's own charging sessions (values)", () => {
  let dir: string;
  let recorder: TripRecorder | undefined;

  beforeEach(async () => {
    dir = await tempDir('cc-place-static-');
  });
  afterEach(async () => {
    await recorder?.close(true);
    recorder = undefined;
    await removeDir(dir);
  });

  it('asks the last 30 days up to now when the request names no bounds', async () => {
    const account = new NativeAccount();
    recorder = new TripRecorder({
      file: nodeFile(dir, 'history', 'trips1'),
      session: account.session,
      vin: 'VTEST',
      timeZone: 'UTC',
      say,
      clock: new ManualClock('2026-03-31T09:30:00Z'),
      log: { warn: () => undefined, debug: () => undefined },
      onRecorded: () => undefined,
      onError: () => undefined,
    });
    await recorder.ready;
    const answer = await recorder.answer({ action: 'charges', source: 'native' });
    assert.deepEqual(answer.payload, []);
    assert.deepEqual(account.asked, [{ from: '2026-03-01T09:30:00.000Z', to: '2026-03-31T09:30:00.000Z', kind: 'explicit' }]);
  });
});

describe('a continuous feed\'s trip end (values)', () => {
  const T = (hm: string): number => Date.parse(`2026-03-02T${hm}:00Z`);
  /** A CarData REST poll: read at `read`, its newest value of `changed`, its position fixed at `fixed`. */
  const poll = (read: string, changed: string, km: number, fixed: string): Sample => ({
    at: T(changed), fetchedAt: T(read), feed: 'continuous', mileageKm: km, socPercent: 50, latitude: 48.8, longitude: 2.3, positionAt: T(fixed),
  });

  it('ends the trip at the older of the sample\'s time and its position\'s time', () => {
    // A charge that starts on arrival moves the sample's time on (07:50) while the position stays at its fix (07:41);
    // a fix taken after the odometer's last change (07:45) does not move the end past that change (07:41).
    const cases: [string, string, string][] = [['07:50', '07:41', '2026-03-02T07:41:00.000Z'], ['07:41', '07:45', '2026-03-02T07:41:00.000Z']];
    for (const [changed, fixed, endAt] of cases) {
      const trips = deriveTrips([poll('07:00', '06:00', 100, '06:00'), poll('07:30', '07:29', 110, '07:29'), poll('08:00', changed, 118, fixed)], { vin: 'V' });
      assert.deepEqual(trips.map((t) => [t.endAt, t.distanceKm]), [[endAt, 18]], `changed ${changed}, fixed ${fixed}`);
    }
  });
});
