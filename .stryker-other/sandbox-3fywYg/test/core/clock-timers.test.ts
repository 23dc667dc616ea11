// @ts-nocheck
// Mutation testing (issue 19): the clocks every wait in the plugin goes through.
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ManualClock, systemClock } from '../../src/core/clock';

describe('core/clock', () => {
  it('starts a manual clock at 2026-01-15 08:00 UTC by default, or at the time given as number or ISO text', () => {
    assert.equal(new ManualClock().now(), Date.UTC(2026, 0, 15, 8, 0, 0));
    assert.equal(new ManualClock(1_000).now(), 1_000);
    assert.equal(new ManualClock('2026-03-01T00:00:00Z').now(), Date.UTC(2026, 2, 1));
  });

  it('fires manual timers in time order, each at its own time, and only those due', async () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['c', clock.now()]), 300);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 100);
    clock.setTimeout(() => fired.push(['b', clock.now()]), 200);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 1_000);
    clock.setTimeout(() => fired.push(['negative', clock.now()]), -50);
    assert.equal(clock.pending, 5);
    await clock.advance(300);
    assert.deepEqual(fired, [['negative', 0], ['a', 100], ['b', 200], ['c', 300]]);
    assert.equal(clock.now(), 300);
    assert.equal(clock.pending, 1);
  });

  it('fires a timer that a firing timer sets, when it falls due within the same advance', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 50);
    }, 100);
    await clock.advance(200);
    assert.deepEqual(fired, [100, 150]);
    assert.equal(clock.now(), 200);
  });

  it('fires timers due at the same time in the order they were set', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    for (const name of ['first', 'second', 'third']) clock.setTimeout(() => fired.push(name), 100);
    await clock.advance(100);
    assert.deepEqual(fired, ['first', 'second', 'third']);
  });

  it('lets I/O callbacks a timer starts run (and set their timers) before the next timer fires', async () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => {
      fired.push(['first', clock.now()]);
      setImmediate(() => clock.setTimeout(() => fired.push(['nested', clock.now()]), 10));
    }, 100);
    clock.setTimeout(() => fired.push(['second', clock.now()]), 200);
    await clock.advance(300);
    assert.deepEqual(fired, [['first', 100], ['nested', 110], ['second', 200]]);
  });

  it('clears a manual timer, and ignores clearing none', async () => {
    const clock = new ManualClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(undefined);
    assert.equal(clock.pending, 1);
    clock.clearTimeout(handle);
    assert.equal(clock.pending, 0);
    await clock.advance(100);
    assert.equal(fired, false);
  });

  it('sleeps on the manual clock until exactly its time', async () => {
    const clock = new ManualClock(0);
    let woke: number | undefined;
    void clock.sleep(500).then(() => (woke = clock.now()));
    await clock.advance(499);
    assert.equal(woke, undefined);
    await clock.advance(1);
    assert.equal(woke, 500);
    assert.equal(clock.pending, 0);
  });

  it('rejects a sleep with the abort reason, before or during it, and clears its timer', async () => {
    const clock = new ManualClock(0);
    const already = new AbortController();
    already.abort(new Error('stopped before'));
    await assert.rejects(clock.sleep(100, already.signal), /^Error: stopped before$/);
    assert.equal(clock.pending, 0);

    const during = new AbortController();
    const p = clock.sleep(100, during.signal);
    assert.equal(clock.pending, 1);
    during.abort(new Error('node closed'));
    await assert.rejects(p, /^Error: node closed$/);
    assert.equal(clock.pending, 0);

    const plain = new AbortController();
    const q = clock.sleep(100, plain.signal);
    plain.abort('not an error');
    await assert.rejects(q, /^Error: aborted$/);
    const before = new AbortController();
    before.abort('not an error');
    await assert.rejects(clock.sleep(100, before.signal), /^Error: aborted$/);
  });

  it('the system clock reads Date.now, runs a timer, and a cleared one never', async () => {
    const before = Date.now();
    const now = systemClock.now();
    assert.ok(now >= before && now <= Date.now());
    let cleared = false;
    const handle = systemClock.setTimeout(() => (cleared = true), 0);
    systemClock.clearTimeout(handle);
    systemClock.clearTimeout(undefined);
    // A longer-than-2^31 ms wait is clamped rather than fired at once (Node would fire it after 1 ms).
    let far = false;
    const farHandle = systemClock.setTimeout(() => (far = true), 3 * 2 ** 31);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, -5));
    await systemClock.sleep(1);
    const aborted = new AbortController();
    const s = systemClock.sleep(60_000, aborted.signal);
    aborted.abort(new Error('closed'));
    await assert.rejects(s, /closed/);
    assert.equal(cleared, false);
    assert.equal(far, false);
    systemClock.clearTimeout(farHandle);
  });

  it('tells when the earliest waiting timer falls due, whatever the order they were set in', () => {
    const clock = new ManualClock(0);
    assert.equal(clock.nextAt, undefined);
    const noop = (): void => undefined;
    clock.setTimeout(noop, 300);
    const earliest = clock.setTimeout(noop, 100);
    clock.setTimeout(noop, 200);
    assert.equal(clock.nextAt, 100);
    clock.clearTimeout(earliest);
    assert.equal(clock.nextAt, 200);
  });

  it('leaves no listener on the signal once a sleep ends, run out or aborted (one signal outlives many sleeps)', async () => {
    // An HTTP client's close signal is passed to each of its retry pauses.
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const listeners = (): number => getEventListeners(controller.signal, 'abort').length;
    for (let i = 0; i < 3; i++) {
      const sleep = clock.sleep(10, controller.signal);
      assert.equal(listeners(), 1);
      await clock.advance(10);
      await sleep;
    }
    assert.equal(listeners(), 0);
    const sleep = clock.sleep(10, controller.signal);
    controller.abort(new Error('closed'));
    await assert.rejects(sleep, /^Error: closed$/);
    assert.equal(listeners(), 0);
  });
});
