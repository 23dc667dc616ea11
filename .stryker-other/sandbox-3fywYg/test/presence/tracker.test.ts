// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CarError, ManualClock } from '../../src/core';
import { PresenceTracker, presenceOptionsFrom, type PresenceText, type PresenceTrackerOptions, type Tracked } from '../../src/features/presence-tracker';
import { nodeFile } from '../../src/features/trip-store';
import { removeDir, tempDir } from '../helpers';

const HOME = { lat: 48.8566, lon: 2.3522 };
const FAR = { lat: 48.8646, lon: 2.3522 }; // ~890 m north
const zones = [{ name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100' }];
const say = (key: PresenceText, values?: Record<string, string | number>): string => `car-presence.errors.${key}${values ? ` ${JSON.stringify(values)}` : ''}`;

describe('PresenceTracker: the state car-presence keeps', () => {
  let dir: string;
  let clock: ManualClock;
  let tracked: Tracked[];
  const trackers: PresenceTracker[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-tracker-');
    clock = new ManualClock('2026-05-01T12:00:00Z');
    tracked = [];
  });
  afterEach(async () => {
    for (const t of trackers.splice(0)) await t.close(false);
    await removeDir(dir);
  });

  function tracker(options: Partial<PresenceTrackerOptions> = {}): PresenceTracker {
    const t = new PresenceTracker({
      file: nodeFile(dir, 'presence', 'p1'),
      options: presenceOptionsFrom({ zones, leaveDwell: '120' }, undefined, say),
      say,
      clock,
      log: { warn: () => undefined },
      onTracked: (x) => tracked.push(x),
      ...options,
    });
    trackers.push(t);
    return t;
  }
  const at = (p: { lat: number; lon: number }): { payload: Record<string, unknown> } => ({ payload: { ...p, timestamp: clock.now() } });

  it('confirms a leave two positions showed when its dwell time runs out, on its own clock; never on a timer alone', async () => {
    const t = tracker();
    assert.equal((await t.input(at(HOME))).update.state, 'home');
    await clock.advance(60_000); // 890 m in a minute: a drive, not a jump
    const leaving = await t.input(at(FAR));
    assert.deepEqual([leaving.update.state, leaving.events], ['home', []], 'one position out is not a leave');
    assert.equal(clock.pending, 0, 'no timer for an unconfirmed change');
    await clock.advance(9_000);
    const second = await t.input(at({ lat: FAR.lat, lon: FAR.lon + 0.0001 }));
    assert.deepEqual([second.update.state, second.events], ['home', []], 'the confirmed leave waits for its dwell time');
    await clock.advance(110_000);
    assert.equal(tracked.length, 0);
    await clock.advance(1_010);
    assert.equal(tracked.length, 1);
    assert.equal(tracked[0]?.update.state, 'away');
    assert.deepEqual(tracked[0]?.events.map((e) => [e.event, e.zone]), [['leave', 'home']]);
    assert.equal(clock.pending, 0, 'nothing more is due');
  });

  it('waits out the enter dwell time before an enter, and the leave dwell time is not used for it', async () => {
    const t = tracker({ options: presenceOptionsFrom({ zones, enterDwell: '45', leaveDwell: '300' }, undefined, say) });
    assert.equal((await t.input(at(FAR))).update.state, 'away');
    await clock.advance(60_000);
    assert.deepEqual([(await t.input(at(HOME))).update.state, tracked.length], ['away', 0], 'one position in is not an enter');
    await clock.advance(10_000);
    const second = await t.input(at({ lat: HOME.lat, lon: HOME.lon + 0.0001 }));
    assert.deepEqual([second.update.state, second.events], ['away', []], 'the confirmed enter waits for its dwell time');
    // The dwell runs from the first position inside: 45 s after it, 35 s after the second.
    await clock.advance(34_000);
    assert.equal(tracked.length, 0, 'not before 45 s');
    await clock.advance(1_010);
    assert.equal(tracked.length, 1);
    assert.equal(tracked[0]?.update.state, 'home');
    assert.deepEqual(tracked[0]?.events.map((e) => [e.event, e.zone, e.at]), [['enter', 'home', new Date(Date.parse('2026-05-01T12:01:00Z')).toISOString()]]);
  });

  it('stops its timer on close and keeps the state for the next start', async () => {
    const t = tracker();
    await t.input(at(HOME));
    await clock.advance(60_000);
    await t.input(at(FAR));
    await clock.advance(1_000);
    await t.input(at({ lat: FAR.lat, lon: FAR.lon + 0.0001 }));
    assert.equal(clock.pending, 1);
    await t.close(false);
    assert.equal(clock.pending, 0);
    await clock.advance(600_000);
    assert.equal(tracked.length, 0, 'no step after close');

    const again = tracker();
    await again.ready;
    assert.equal(again.restored, 'home');
  });

  it('follows the vehicle a VehicleStatus names, and refuses another with BAD_INPUT', async () => {
    const t = tracker();
    const status = (vin: string): { payload: Record<string, unknown> } => ({
      payload: { vin, provider: 'renault', fetchedAt: new Date(clock.now()).toISOString(), position: { latitude: HOME.lat, longitude: HOME.lon, updatedAt: new Date(clock.now()).toISOString() } },
    });
    assert.equal((await t.input(status('VF1A'))).vin, 'VF1A');
    assert.deepEqual(t.vehicleInfo(), { vin: 'VF1A' });
    await assert.rejects(t.input(status('VF1B')), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /other-vin.*"vin":"VF1B","mine":"VF1A"/.test(e.message));
  });

  it('a deleted node takes its file with it', async () => {
    const t = tracker();
    await t.input(at(HOME));
    await t.close(false);
    assert.ok(existsSync(nodeFile(dir, 'presence', 'p1')));
    const again = tracker();
    await again.close(true);
    assert.equal(existsSync(nodeFile(dir, 'presence', 'p1')), false);
  });

  it('reads the dwell times and the age limit, naming a bad one', () => {
    const o = presenceOptionsFrom({ zones, enterDwell: '5', leaveDwell: '', maxAge: '10' }, undefined, say);
    assert.deepEqual([o.enterDwellMs, o.leaveDwellMs, o.maxAgeMs], [5_000, 120_000, 600_000]);
    assert.throws(() => presenceOptionsFrom({ zones, leaveDwell: '-1' }, undefined, say), { code: 'BAD_INPUT', message: 'car-presence.errors.number {"field":"leaveDwell","value":"-1"}' });
    assert.throws(() => presenceOptionsFrom({ zones: [] }, undefined, say), { code: 'BAD_INPUT', message: /at least one zone/ });
  });
});
