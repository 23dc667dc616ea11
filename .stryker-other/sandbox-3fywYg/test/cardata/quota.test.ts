/**
 * Issue 13 on CarData: no REST read of what the connected stream carries, the charging history
 * read incrementally and cached, one container however many first reads run at once.
 */
// @ts-nocheck

import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { silentLogger, type ChargeSession, type StatusPart, type VehicleStatus } from '../../src/core';
import { TripRecorder } from '../../src/features/trip-recorder';
import { STREAM_PARTS } from '../../src/brands/cardata/connection';
import { REST_ONLY_PARTS } from '../../src/brands/cardata/map';
import type { AccountSession } from '../../src/features/session';
import { STREAM_GAP_MS } from '../../src/features/session-stream';
import { removeDir, tempDir } from '../helpers';
import { BMW_VIN, session as cardataSession, signInSession, watchStream, world, type StreamWatch, type World } from './helpers';

const PARTS: StatusPart[] = ['battery', 'charging', 'position', 'mileage'];
const HOUR = 3_600_000;
const STREAM_INTERVAL_MS = 5 * 60_000;

describe('CarData quota: stream-fresh parts, incremental history, one container', () => {
  let w: World;
  let dir: string;
  let s: AccountSession;

  beforeEach(async () => {
    // The simulator publishes what changed every five minutes: the tests step the clock by that, each step waiting for what it set off.
    w = await world({ streamIntervalMs: STREAM_INTERVAL_MS });
    dir = await tempDir();
    s = cardataSession(w, dir);
  });

  afterEach(async () => {
    await s.close();
    await w.close();
    await removeDir(dir);
  });

  const telematic = (): number => w.sim.cardata.stats.byEndpoint.telematicData ?? 0;

  let stream: StreamWatch;

  async function streaming(): Promise<void> {
    await signInSession(w, s);
    stream = watchStream(w, s);
    await s.readStatus(BMW_VIN, PARTS, { maxAgeMs: 10 * 60_000 });
    await stream.settled();
  }

  it('says which parts the stream carries: all but those only REST brings', () => {
    for (const p of REST_ONLY_PARTS) assert.ok(!STREAM_PARTS.includes(p));
    for (const p of PARTS) assert.ok(STREAM_PARTS.includes(p));
  });

  it('reads nothing by REST while the stream is connected, however old the parts of a parked car get; an explicit read still asks', async () => {
    await streaming();
    const first = telematic();
    assert.equal(first, 1, 'the first fill after sign-in is one REST read');
    for (let at = 0; at < 6 * HOUR; at += STREAM_INTERVAL_MS) {
      await stream.step(STREAM_INTERVAL_MS);
      await s.readStatus(BMW_VIN, PARTS, { maxAgeMs: 10 * 60_000 });
    }
    assert.equal(telematic(), first, 'no REST read in six hours of streaming');
    // A part the stream never sends is read by REST.
    await s.readStatus(BMW_VIN, ['messages'], { maxAgeMs: 10 * 60_000 });
    assert.equal(telematic(), first + 1);
    // The user asked: the cloud is asked.
    await s.readStatus(BMW_VIN, PARTS, { kind: 'explicit', maxAgeMs: 30_000 });
    assert.equal(telematic(), first + 2);
  });

  it('after a restart, reads a part kept in the file once by REST when it is older than maxAge (the car may have moved), then lives on the stream', async () => {
    await streaming();
    await s.close();
    await w.clock.advance(HOUR);
    s = cardataSession(w, dir);
    stream = watchStream(w, s);
    await s.load();
    assert.ok(s.cachedStatus(BMW_VIN)?.battery, 'the last status is back from the file');
    const before = telematic();
    await s.readStatus(BMW_VIN, PARTS, { maxAgeMs: 10 * 60_000 });
    assert.equal(telematic(), before + 1, 'an hour old: read once');
    await stream.settled();
    for (let at = 0; at < HOUR; at += STREAM_INTERVAL_MS) {
      await stream.step(STREAM_INTERVAL_MS);
      await s.readStatus(BMW_VIN, PARTS, { maxAgeMs: 10 * 60_000 });
    }
    assert.equal(telematic(), before + 1, 'then nothing while streaming');
  });

  it('reads by REST again once the stream has been down longer than a reconnect', async () => {
    await streaming();
    const before = telematic();
    w.sim.cardata.setBrokerAvailable(false);
    w.sim.cardata.dropConnections();
    await w.clock.advance(STREAM_GAP_MS + 60_000);
    await s.readStatus(BMW_VIN, PARTS, { maxAgeMs: 10 * 60_000 });
    assert.equal(telematic(), before + 1, 'the stream is down: maxAge decides again');
  });

  it('reads the charging history from the last session known to now, once per new period, from its cache otherwise', async () => {
    await signInSession(w, s);
    const vehicle = await s.vehicle(BMW_VIN);
    const history = s.connection.history;
    assert.ok(history);
    const calls = (): number => w.sim.cardata.stats.byEndpoint.chargingHistory ?? 0;
    await w.clock.advance(2 * 24 * HOUR);
    const ask = (): Promise<{ startAt: string }[]> => history.chargeSessions(vehicle, new Date(w.clock.now() - 30 * 24 * HOUR).toISOString(), new Date(w.clock.now()).toISOString(), { kind: 'background' });
    const first = await ask();
    assert.ok(first.length > 0);
    const afterFirst = calls();
    assert.deepEqual(await ask(), first, 'the same period again: from the cache');
    assert.equal(calls(), afterFirst, 'no call');
    await w.clock.advance(6 * HOUR);
    const later = await ask();
    assert.ok(Date.parse(later.at(-1)?.startAt ?? '') > Date.parse(first.at(-1)?.startAt ?? ''), 'the new session is there');
    assert.ok(Date.parse(later[0]?.startAt ?? '') >= w.clock.now() - 30 * 24 * HOUR, 'and none older than asked');
    assert.equal(calls(), afterFirst + 1, 'one call, from the last session known');
  });

  const historyCalls = (): number => w.sim.cardata.stats.byEndpoint.chargingHistory ?? 0;
  const recorder = (charges: ChargeSession[]): TripRecorder =>
    new TripRecorder({
      file: path.join(dir, 'trips.json'),
      session: s,
      vin: BMW_VIN,
      timeZone: 'UTC',
      say: (key) => key,
      log: silentLogger,
      saveDelayMs: 60_000,
      onRecorded: (r) => charges.push(...r.charges),
    });

  it('takes a charge from the stream while it was up for the whole charge: no charging history read', async () => {
    await streaming();
    const charges: ChargeSession[] = [];
    const r = recorder(charges);
    await r.ready;
    const before = historyCalls();
    // 13 hours: the i4 charges at home every six hours.
    for (let at = 0; at < 13 * HOUR; at += STREAM_INTERVAL_MS) await stream.step(STREAM_INTERVAL_MS);
    await r.close(true);
    assert.ok(charges.length >= 1, `a charge was recorded from the stream (${charges.length})`);
    for (const c of charges) {
      assert.equal(c.source, 'derived');
      assert.ok(c.endAt && c.socFromPercent !== undefined && c.socToPercent !== undefined && c.socToPercent > c.socFromPercent, JSON.stringify(c));
    }
    assert.equal(historyCalls(), before, 'no chargingHistory call while the stream carried the charge');
  });

  /** A status of the BMW as a REST read brings it, `minutes` before now. */
  const rest = (minutesAgo: number, soc: number, charging: boolean): VehicleStatus => {
    const at = new Date(w.clock.now() - minutesAgo * 60_000).toISOString();
    return {
      vin: BMW_VIN,
      provider: 'cardata',
      fetchedAt: at,
      updatedAt: at,
      mileageKm: 12_000,
      battery: { socPercent: soc, updatedAt: at },
      charging: { state: charging ? 'charging' : 'not_charging', plug: 'plugged', updatedAt: at },
      position: { latitude: 48.1, longitude: 11.5, updatedAt: at },
    };
  };

  it('reads the history once per charge end while there is no stream, on from the last session known, kept across a restart', async () => {
    // Signed in, but no status read: the stream never started (as when it is down).
    await signInSession(w, s);
    await w.clock.advance(2 * 24 * HOUR);
    const charges: ChargeSession[] = [];
    const r = recorder(charges);
    await r.ready;
    const before = historyCalls();
    const charge = async (startedMinutesAgo: number): Promise<void> => {
      for (const [ago, soc, on] of [[startedMinutesAgo + 30, 40, false], [startedMinutesAgo, 41, true], [startedMinutesAgo - 60, 60, true], [startedMinutesAgo - 120, 80, false]] as const) charges.push(...(await r.add(rest(ago, soc, on))).charges);
    };
    await charge(300);
    assert.equal(charges.length, 1);
    assert.equal(historyCalls(), before + 1, 'one read at the charge end');
    await w.clock.advance(6 * HOUR);
    await charge(300);
    assert.equal(charges.length, 2);
    assert.equal(historyCalls(), before + 2, 'one more, from the last session known');
    await r.close(true);

    // After a restart the history read so far is back from the account file: the same period costs no call.
    const vehicle = await s.vehicle(BMW_VIN);
    await s.close();
    s = cardataSession(w, dir);
    await s.load();
    const from = new Date(w.clock.now() - 20 * HOUR).toISOString();
    const kept = await s.facet('history', 'list charging sessions').chargeSessions(vehicle, from, new Date(w.clock.now() - HOUR).toISOString(), { kind: 'background' });
    assert.ok(kept.length > 0, 'sessions from the file');
    assert.equal(historyCalls(), before + 2, 'no call after the restart');
  });

  it('creates one container however many first reads run at once', async () => {
    await signInSession(w, s);
    await Promise.all([s.readStatus(BMW_VIN, PARTS, { kind: 'explicit' }), s.readStatus(BMW_VIN, ['messages'], { kind: 'explicit' }), s.readEndpoint(BMW_VIN, 'telematicData')]);
    assert.equal(w.sim.cardata.stats.byEndpoint.createContainer ?? 0, 1);
    assert.equal(w.sim.cardata.containerCount(), 1);
  });
});
