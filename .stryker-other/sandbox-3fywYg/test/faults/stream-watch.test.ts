// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { streamProblem, StreamWatch } from '../../faults/stream-watch';

describe('npm run soak: CarData stream-up hours (issue 15 point 8)', () => {
  it('counts the clock time the stream was connected, an open period up to now', async () => {
    const clock = new ManualClock(0);
    const watch = new StreamWatch(() => clock.now());
    watch.seen({ state: 'connecting' });
    await clock.advance(60_000);
    watch.seen({ state: 'connected' });
    await clock.advance(30 * 60_000);
    // A renewal's reconnect: down for 10 s, then up again.
    watch.seen({ state: 'connecting' });
    await clock.advance(10_000);
    watch.seen({ state: 'connected' });
    await clock.advance(60_000 * 28 + 50_000);
    assert.equal(watch.takeUpMs(), 30 * 60_000 + 28 * 60_000 + 50_000);
    // The next hour starts from what is left: the stream is still up.
    await clock.advance(60 * 60_000);
    assert.equal(watch.takeUpMs(), 60 * 60_000);
    watch.seen({ state: 'disconnected', retryAt: clock.now() + 10_000 });
    await clock.advance(60 * 60_000);
    assert.equal(watch.takeUpMs(), 0);
  });

  it('tells an attempt in flight from a scheduled one', () => {
    const clock = new ManualClock(0);
    const watch = new StreamWatch(() => clock.now());
    assert.equal(watch.attempting, false);
    watch.seen({ state: 'connecting' });
    assert.equal(watch.attempting, true);
    watch.seen({ state: 'connecting', retryAt: 5_000 });
    assert.equal(watch.attempting, false);
    watch.seen({ state: 'refused', retryAt: 30_000 });
    assert.equal(watch.attempting, false);
  });

  it('fails a day whose stream was up less than 90 % of the hours without a CarData fault', () => {
    assert.equal(streamProblem(1, 21, 21), undefined);
    assert.equal(streamProblem(1, 19, 21), undefined);
    assert.equal(streamProblem(2, 18, 21), 'day 2: the CarData stream was up 18 of 21 hours without a CarData fault (at least 19 expected)');
    assert.match(streamProblem(3, 4, 22) ?? '', /up 4 of 22 hours/);
  });
});

describe('ManualClock.nextAt', () => {
  it('names the earliest waiting timer, none when none waits', async () => {
    const clock = new ManualClock(1_000);
    assert.equal(clock.nextAt, undefined);
    const late = clock.setTimeout(() => undefined, 500);
    clock.setTimeout(() => undefined, 200);
    assert.equal(clock.nextAt, 1_200);
    await clock.advance(200);
    assert.equal(clock.nextAt, 1_500);
    clock.clearTimeout(late);
    assert.equal(clock.nextAt, undefined);
  });
});
