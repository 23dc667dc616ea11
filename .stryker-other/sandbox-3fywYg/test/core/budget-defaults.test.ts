// @ts-nocheck
// Mutation testing (issue 19) found these budget behaviours unchecked: the window as the refusal
// names it, the default caps of the pauses, the clamps of jitter and random, and the strike memory.
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { CarError } from '../../src/core/errors';
import { CallBudget } from '../../src/core/budget';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function refusalMessage(b: CallBudget): string {
  try {
    b.take();
  } catch (e) {
    assert.ok(e instanceof CarError);
    return e.message;
  }
  assert.fail('the take was not refused');
}

describe('core/budget: defaults and edges', () => {
  it('names the window in the refusal as "hour", "N h", "24 h", "N days" or "N min"', () => {
    const cases: Array<[number, string]> = [
      [HOUR, '1 per hour'],
      [3 * HOUR, '1 per 3 h'],
      [DAY, '1 per 24 h'],
      [2 * DAY, '1 per 2 days'],
      [30 * MIN, '1 per 30 min'],
      [90_000, '1 per 2 min'],
    ];
    for (const [windowMs, text] of cases) {
      const b = new CallBudget({ limit: 1, windowMs, clock: new ManualClock() });
      b.take();
      const message = refusalMessage(b);
      assert.ok(message.includes(`(${text})`), `${windowMs} ms: ${message}`);
      assert.match(message, /is spent; the next call fits at /);
    }
  });

  it('caps a pause without a named time at 4 hours by default', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const until = b.penalize();
      waits.push(until - clock.now());
      await clock.advance(until - clock.now());
    }
    assert.deepEqual(waits, [15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 4 * HOUR]);
  });

  it('caps a named time at 24 hours by default', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    assert.equal(b.penalize(clock.now() + 3 * DAY), clock.now() + DAY);
  });

  it('does not pause for a named time already past, and never shortens a running pause', () => {
    const clock = new ManualClock();
    const now = clock.now();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    assert.equal(b.penalize(now - 5_000), now);
    assert.equal(b.pausedUntilMs(), undefined);
    assert.equal(b.canTake(), true);
    assert.equal(b.penalize(now + 10 * MIN), now + 10 * MIN);
    assert.equal(b.penalize(now + MIN), now + 10 * MIN, 'an earlier time keeps the later pause');
  });

  it('takes a named time that is not a number (NaN, Infinity) as no time: the base pause', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    assert.equal(b.penalize(Number.NaN), clock.now() + 15 * MIN);
    assert.equal(b.penalize(Number.POSITIVE_INFINITY), clock.now() + 30 * MIN, 'a second strike');
  });

  it('leaves a pause that ended this very millisecond out of the snapshot', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    const until = b.penalize(clock.now() + 10 * MIN);
    assert.equal(b.snapshot().pausedUntil, until);
    await clock.advance(10 * MIN);
    assert.equal('pausedUntil' in b.snapshot(), false);
  });

  it('treats a negative jitter as none and clamps the random to [0, 1]', () => {
    const clock = new ManualClock();
    const now = clock.now();
    const negative = new CallBudget({ limit: 1, windowMs: HOUR, clock, jitter: -0.5, random: () => 0.9 });
    assert.equal(negative.penalize(now + 10_000), now + 10_000);
    const high = new CallBudget({ limit: 1, windowMs: HOUR, clock, jitter: 0.1, random: () => 5 });
    assert.equal(high.penalize(now + 10_000), now + 11_000);
    const low = new CallBudget({ limit: 1, windowMs: HOUR, clock, jitter: 0.1, random: () => -3 });
    assert.equal(low.penalize(now + 10_000), now + 10_000);
  });

  it('keeps escalating a strike that comes exactly maxPauseMs after the last, and forgets it 1 ms later', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0, basePauseMs: MIN, maxPauseMs: HOUR });
    b.penalize();
    await clock.advance(HOUR);
    assert.equal(b.penalize() - clock.now(), 2 * MIN, 'exactly maxPauseMs later: still a repeat');
    await clock.advance(HOUR + 1);
    assert.equal(b.penalize() - clock.now(), MIN, 'later than that: a fresh start');
  });

  it('snapshots the strikes and the time of the last one, and a restored budget escalates from them', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const a = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    a.penalize();
    await clock.advance(15 * MIN);
    a.penalize();
    const snap = a.snapshot();
    assert.equal(snap.strikes, 2);
    assert.equal(snap.lastStrikeAt, t0 + 15 * MIN);
    assert.equal(snap.pausedUntil, t0 + 45 * MIN);
    await clock.advance(30 * MIN);

    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    b.restore(snap);
    assert.equal(b.penalize() - clock.now(), HOUR, 'the third strike in a row: 15 min × 4');
    const c = new CallBudget({ limit: 10, windowMs: HOUR, clock, jitter: 0 });
    c.restore({ calls: [], strikes: 2 });
    // Without lastStrikeAt the last strike is taken as long ago: the pause starts over.
    assert.equal(c.penalize() - clock.now(), 15 * MIN);
  });

  it('sorts restored calls, so the oldest leaves the window first', async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const b = new CallBudget({ limit: 2, windowMs: HOUR, clock });
    b.restore({ calls: [now - 10 * MIN, now - 50 * MIN], strikes: 0 });
    assert.equal(b.nextSlotAt(), now + 10 * MIN);
    await clock.advance(10 * MIN);
    assert.equal(b.used(), 1);
    assert.equal(b.remaining(), 1);
  });

  it('says when the next call fits after a pause that ends before the window frees a slot', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const b = new CallBudget({ limit: 1, windowMs: HOUR, clock, jitter: 0 });
    b.take();
    b.penalize(t0 + 10 * MIN);
    assert.equal(b.nextSlotAt(), t0 + HOUR);
    await clock.advance(10 * MIN);
    assert.match(refusalMessage(b), /call budget \(1 per hour\) is spent/);
  });

  it('reports the remaining calls as never below zero and counts what was used', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 3, windowMs: HOUR, reserve: 1, clock });
    b.take('explicit', 3);
    assert.equal(b.remaining('background'), 0);
    assert.equal(b.remaining('explicit'), 0);
    assert.equal(b.used(), 3);
  });
});
