// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CarError, ManualClock } from '../../src/core';
import { PresenceTracker, presenceOptionsFrom, type PresenceText, type PresenceTrackerOptions, type Tracked } from '../../src/features/presence-tracker';
import { nodeFile } from '../../src/features/trip-store';
import type { AccountSession } from '../../src/features/session';
import { eventually, removeDir, tempDir } from '../helpers';
import { R5, renaultWorldEach, reported, ZE50 } from '../renault-session';

/** Values of the presence tracker: its settings, its file, and the account it follows (mutation testing, issue 19). */
const HOME = { lat: 48.8566, lon: 2.3522 };
const zones = [{ name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100' }];
const say = (key: PresenceText, values?: Record<string, string | number>): string => `car-presence.errors.${key}${values ? ` ${JSON.stringify(values)}` : ''}`;

describe('presenceOptionsFrom: the dwell times and the age limit as the editor saves them', () => {
  it('takes a blank field (spaces, a tab) as the default, in milliseconds', () => {
    const table: [Parameters<typeof presenceOptionsFrom>[0], [number, number, number]][] = [
      [{ zones, enterDwell: '  ', leaveDwell: ' ', maxAge: '\t' }, [0, 120_000, 1_800_000]],
      [{ zones, enterDwell: ' 7 ', leaveDwell: '\t', maxAge: ' 2 ' }, [7_000, 120_000, 120_000]],
      [{ zones, enterDwell: 0, leaveDwell: 30, maxAge: 1 }, [0, 30_000, 60_000]],
    ];
    for (const [def, want] of table) {
      const o = presenceOptionsFrom(def, undefined, say);
      assert.deepEqual([o.enterDwellMs, o.leaveDwellMs, o.maxAgeMs], want, JSON.stringify(def));
    }
  });

  it('names the field and the value of a bad number', () => {
    const table: [Parameters<typeof presenceOptionsFrom>[0], string][] = [
      [{ zones, enterDwell: 'soon' }, 'car-presence.errors.number {"field":"enterDwell","value":"soon"}'],
      [{ zones, leaveDwell: '-1' }, 'car-presence.errors.number {"field":"leaveDwell","value":"-1"}'],
      [{ zones, maxAge: '-5' }, 'car-presence.errors.number {"field":"maxAge","value":"-5"}'],
      [{ zones, maxAge: 'Infinity' }, 'car-presence.errors.number {"field":"maxAge","value":"Infinity"}'],
    ];
    for (const [def, message] of table) assert.throws(() => presenceOptionsFrom(def, undefined, say), { code: 'BAD_INPUT', message });
  });
});

describe('PresenceTracker: its file', () => {
  let dir: string;
  let clock: ManualClock;
  let warns: string[];
  const trackers: PresenceTracker[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-tracker-values-');
    clock = new ManualClock('2026-05-01T12:00:00Z');
    warns = [];
  });
  afterEach(async () => {
    for (const t of trackers.splice(0)) await t.close(false);
    await removeDir(dir);
  });

  function tracker(options: Partial<PresenceTrackerOptions> = {}): PresenceTracker {
    const t = new PresenceTracker({
      file: nodeFile(dir, 'presence', 'p1'),
      options: presenceOptionsFrom({ zones }, undefined, say),
      say,
      clock,
      log: { warn: (m) => warns.push(m) },
      ...options,
    });
    trackers.push(t);
    return t;
  }
  const at = (p: { lat: number; lon: number }): { payload: Record<string, unknown> } => ({ payload: { ...p, timestamp: clock.now() } });
  async function writeState(text: string): Promise<string> {
    const file = nodeFile(dir, 'presence', 'p1');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return file;
  }

  it('starts without a word when there is no file yet', async () => {
    const t = tracker();
    await t.ready;
    assert.deepEqual([warns, t.restored], [[], undefined]);
  });

  it('says which file was damaged, and starts from nothing', async () => {
    const file = await writeState('{"version":1,"zones":');
    const t = tracker();
    await t.ready;
    assert.deepEqual(warns, [`car-presence.errors.damaged ${JSON.stringify({ file })}`]);
    assert.equal(t.restored, undefined);
  });

  it('says why a file that cannot be read was not, and starts from nothing', async () => {
    const file = nodeFile(dir, 'presence', 'p1');
    await fs.mkdir(file, { recursive: true }); // a folder where the file should be
    const t = tracker();
    await t.ready;
    assert.deepEqual(warns, [`car-presence.errors.load ${JSON.stringify({ reason: 'EISDIR: illegal operation on a directory, read' })}`]);
    assert.equal(t.restored, undefined);
  });

  it('restores a zone or "away" from before a restart, never "unknown" or nothing', async () => {
    const table: [string | undefined, string | undefined][] = [
      ['home', 'home'],
      ['away', 'away'],
      ['unknown', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [lastState, want] of table) {
      await writeState(JSON.stringify({ version: 1, zones: {}, ...(lastState !== undefined ? { lastState } : {}) }));
      const t = tracker();
      await t.ready;
      assert.equal(t.restored, want, String(lastState));
      await t.close(true);
    }
    assert.deepEqual(warns, []);
  });

  it('writes the state when a position changes it, before any close', async () => {
    const t = tracker();
    const r = await t.input(at(HOME));
    assert.equal(r.update.state, 'home');
    const file = nodeFile(dir, 'presence', 'p1');
    await eventually(() => existsSync(file), 'the state file');
    const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { lastState?: string; lastFix?: { latitude: number; longitude: number } };
    assert.deepEqual([saved.lastState, saved.lastFix?.latitude, saved.lastFix?.longitude], ['home', HOME.lat, HOME.lon]);
  });

  it('says why a state could not be written, once per change: the same position again writes nothing', async () => {
    const blocker = path.join(dir, 'blocker');
    await fs.writeFile(blocker, 'a file where a folder should be');
    const file = path.join(blocker, 'presence-p1.json');
    const t = tracker({ file });
    const first = at(HOME);
    await t.input(first);
    const load = `car-presence.errors.load ${JSON.stringify({ reason: `ENOTDIR: not a directory, open '${file}'` })}`;
    const save = `car-presence.errors.save ${JSON.stringify({ reason: `EEXIST: file already exists, mkdir '${blocker}'` })}`;
    await eventually(() => warns.length === 2, 'the failed save');
    assert.deepEqual(warns, [load, save]);
    const again = await t.input(first); // the same fix, read again: no change
    assert.equal(again.update.state, 'home');
    // close(true) waits for every write asked for before it: a save of the unchanged state would be warned by then.
    await t.close(true);
    assert.deepEqual(warns, [load, save]);
  });

  it('a second close does nothing: a node closed, then deleted, keeps the file the first close wrote', async () => {
    const t = tracker();
    await t.input(at(HOME));
    await t.close(false);
    await t.close(true);
    assert.equal(existsSync(nodeFile(dir, 'presence', 'p1')), true);
  });
});

describe('PresenceTracker following an account', function () {
  const world = renaultWorldEach({ start: '2026-11-20T08:00:00Z' });
  let dir: string;
  let tracked: Tracked[];
  let errors: [string, boolean][];
  const trackers: PresenceTracker[] = [];

  beforeEach(async () => {
    dir = await tempDir('cc-tracker-account-');
    tracked = [];
    errors = [];
  });
  afterEach(async () => {
    for (const t of trackers.splice(0)) await t.close(false);
    await removeDir(dir);
  });

  function follow(session: AccountSession, options: Partial<PresenceTrackerOptions> = {}): PresenceTracker {
    const [lat, lon] = reported(world.sim, ZE50).position;
    const t = new PresenceTracker({
      file: nodeFile(dir, 'presence', 'p1'),
      options: presenceOptionsFrom({ zones: [{ name: 'home', source: 'manual', latitude: String(lat), longitude: String(lon), radius: '100' }] }, undefined, say, session.provider.positionNoiseM),
      session,
      vin: ZE50,
      say,
      log: { warn: () => undefined },
      onTracked: (x) => tracked.push(x),
      onError: (err, first) => errors.push([err.message, first]),
      ...options,
    });
    trackers.push(t);
    return t;
  }

  it('gives msg.vehicle the account\'s names for the car once the file is read', async () => {
    const t = follow(world.session());
    await t.ready;
    assert.deepEqual(t.vehicleInfo(), { vin: ZE50, brand: 'renault', model: 'ZOE', name: 'ZOE FZ-501-EV' });
  });

  it('asks for the vehicle again with the next read when the list could not be had at the start', async () => {
    const session = world.session();
    world.sim.renault.injectFault({ kind: 'not-supported', path: 'persons' });
    const t = follow(session);
    await t.ready;
    assert.equal(world.sim.renault.pendingFaults, 0, 'the list was asked for, and failed');
    assert.deepEqual(t.vehicleInfo(), { vin: ZE50 });
    await session.readStatus(ZE50, ['position']);
    await eventually(() => tracked.length === 1, 'the tracked read');
    assert.deepEqual(t.vehicleInfo(), { vin: ZE50, brand: 'renault', model: 'ZOE', name: 'ZOE FZ-501-EV' });
  });

  it('applies the reads of its own vehicle only', async () => {
    const session = world.session();
    const t = follow(session);
    await t.ready;
    await session.readStatus(R5, ['position']);
    await session.readStatus(ZE50, ['position']);
    await eventually(() => tracked.length >= 1, 'the tracked read');
    assert.deepEqual(tracked.map((x) => [x.vin, x.update.state, x.update.present]), [[ZE50, 'home', true]]);
  });

  it('a read that arrives as the node closes is not applied, and the closed node no longer listens', async () => {
    const session = world.session();
    const t = follow(session);
    await t.ready;
    assert.equal(session.listenerCount('status'), 1);
    let closing: Promise<void> | undefined;
    session.on('status', () => {
      closing ??= t.close(false);
    });
    await session.readStatus(ZE50, ['position']);
    await closing;
    assert.deepEqual(tracked, []);
    assert.equal(session.listenerCount('status'), 1, 'only the test\'s own listener is left');
  });

  it('reports a read it could not apply, first=false while the same error repeats, first again after a success', async () => {
    const session = world.session();
    const fail = ['send failed', 'send failed', '', 'send failed', 'queue full'];
    let n = 0;
    follow(session, {
      onTracked: (x) => {
        const f = fail[n++];
        if (f) throw new CarError('UPSTREAM', f);
        tracked.push(x);
      },
    });
    for (let i = 0; i < fail.length; i++) {
      await session.readStatus(ZE50, ['position'], { maxAgeMs: 0 });
      await eventually(() => n === i + 1, `read ${i + 1}`);
    }
    assert.deepEqual(errors, [
      ['send failed', true],
      ['send failed', false],
      ['send failed', true],
      ['queue full', true],
    ]);
    assert.equal(tracked.length, 1);
  });
});
