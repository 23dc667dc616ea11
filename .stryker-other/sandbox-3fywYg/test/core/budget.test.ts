// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { CarError } from '../../src/core/errors';
import { CallBudget, type BudgetSnapshot, type CallKind } from '../../src/core/budget';
import { seededRandom } from '../../src/sim/rng';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function refused(code: string, retryAt?: number): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof CarError, 'a CarError');
    assert.equal(e.code, code);
    if (retryAt !== undefined) assert.equal(e.retryAt, retryAt);
    assert.equal(e.transient, true);
    return true;
  };
}

describe('core/budget', () => {
  it('allows `limit` calls in a rolling window; the next is refused until the oldest leaves it', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const b = new CallBudget({ limit: 3, windowMs: HOUR, clock });
    b.take();
    await clock.advance(10 * MIN);
    b.take();
    await clock.advance(10 * MIN);
    b.take();
    assert.equal(b.used(), 3);
    assert.equal(b.remaining(), 0);
    await clock.advance(10 * MIN);
    assert.equal(b.canTake(), false);
    assert.throws(() => b.take(), refused('RATE_LIMITED', t0 + HOUR));
    assert.throws(() => b.take('explicit'), refused('RATE_LIMITED', t0 + HOUR));
    assert.equal(b.nextSlotAt(), t0 + HOUR);
    assert.equal(b.used(), 3, 'a refused take spends nothing');

    await clock.advance(t0 + HOUR - 1 - clock.now());
    assert.throws(() => b.take(), refused('RATE_LIMITED', t0 + HOUR));
    await clock.advance(1);
    b.take(); // the first call left the window
    assert.equal(b.used(), 3);
    // Now the second call (t0 + 10 min) is the oldest.
    assert.throws(() => b.take(), refused('RATE_LIMITED', t0 + 10 * MIN + HOUR));
  });

  it('names the window and the time in the message, and uses QUOTA_EXCEEDED when configured', () => {
    const clock = new ManualClock('2026-01-15T08:00:00Z');
    const b = new CallBudget({ limit: 2, windowMs: DAY, clock, code: 'QUOTA_EXCEEDED' });
    b.take();
    b.take();
    assert.throws(
      () => b.take(),
      (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.equal(e.code, 'QUOTA_EXCEEDED');
        assert.equal(e.retryAt, Date.parse('2026-01-16T08:00:00Z'));
        assert.match(e.message, /2 per 24 h/);
        assert.match(e.message, /2026-01-16T08:00:00\.000Z/);
        return true;
      },
    );
  });

  it('takes a multi-call cost whole or not at all', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 5, windowMs: HOUR, clock });
    b.take('background', 3);
    assert.equal(b.canTake('background', 3), false);
    assert.throws(() => b.take('background', 3), refused('RATE_LIMITED', clock.now() + HOUR));
    assert.equal(b.used(), 3);
    b.take('background', 2);
    assert.equal(b.used(), 5);
    // A cost above the limit never fits and has no retryAt.
    assert.throws(
      () => b.take('explicit', 6),
      (e: unknown) => e instanceof CarError && e.code === 'RATE_LIMITED' && e.retryAt === undefined && /never/.test(e.message),
    );
  });

  it('keeps the last `reserve` calls for explicit requests', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 5, windowMs: HOUR, reserve: 2, clock });
    assert.equal(b.remaining('background'), 3);
    assert.equal(b.remaining('explicit'), 5);
    b.take('background');
    b.take('background');
    b.take('background');
    assert.equal(b.remaining('background'), 0);
    assert.equal(b.remaining('explicit'), 2);
    assert.equal(b.canTake('background'), false);
    assert.throws(() => b.take('background'), refused('RATE_LIMITED', clock.now() + HOUR));
    b.take('explicit');
    b.take('explicit');
    assert.equal(b.remaining('explicit'), 0);
    assert.throws(() => b.take('explicit'), refused('RATE_LIMITED', clock.now() + HOUR));
    assert.equal(b.used(), 5);
  });

  it('lets background calls use nothing once explicit calls ate into the shared window', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 4, windowMs: HOUR, reserve: 2, clock });
    b.take('explicit');
    b.take('explicit');
    // Two calls used, the reserve is two: background has nothing left.
    assert.equal(b.remaining('background'), 0);
    assert.throws(() => b.take('background'), refused('RATE_LIMITED'));
    b.take('explicit');
  });

  it('clamps a reserve larger than the limit', () => {
    const b = new CallBudget({ limit: 2, windowMs: HOUR, reserve: 5, clock: new ManualClock() });
    assert.equal(b.reserve, 2);
    assert.equal(b.remaining('background'), 0);
    assert.equal(b.remaining('explicit'), 2);
  });

  it('penalize pauses 15 minutes, then doubles while "too many" repeats', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 100, windowMs: HOUR, clock, jitter: 0 });
    const t1 = clock.now();
    assert.equal(b.penalize(), t1 + 15 * MIN);
    assert.equal(b.pausedUntilMs(), t1 + 15 * MIN);
    assert.throws(
      () => b.take('explicit'),
      (e: unknown) => e instanceof CarError && e.code === 'RATE_LIMITED' && e.retryAt === t1 + 15 * MIN && /slow down/.test(e.message),
    );
    await clock.advance(15 * MIN - 1);
    assert.equal(b.canTake('explicit'), false);
    await clock.advance(1);
    assert.equal(b.pausedUntilMs(), undefined);
    b.take();

    const t2 = clock.now();
    assert.equal(b.penalize(), t2 + 30 * MIN);
    await clock.advance(30 * MIN);
    const t3 = clock.now();
    assert.equal(b.penalize(), t3 + 60 * MIN);
    await clock.advance(60 * MIN);
    const t4 = clock.now();
    assert.equal(b.penalize(), t4 + 120 * MIN);
  });

  it('penalize never pauses longer than maxPauseMs, honours a later retryAt, and forgets old strikes', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 100, windowMs: HOUR, clock, basePauseMs: 15 * MIN, maxPauseMs: HOUR, jitter: 0 });
    for (let i = 0; i < 6; i++) {
      const until = b.penalize();
      assert.ok(until - clock.now() <= HOUR);
      await clock.advance(until - clock.now());
    }
    assert.equal(b.penalize() - clock.now(), HOUR);

    // The cloud names a time later than our own pause: that time wins.
    const far = clock.now() + 3 * HOUR;
    assert.equal(b.penalize(far), far);
    assert.throws(() => b.take('explicit'), refused('RATE_LIMITED', far));

    // Long after the last strike, the next pause starts over at the base.
    await clock.advance(far - clock.now() + 2 * HOUR);
    assert.equal(b.penalize() - clock.now(), 15 * MIN);
  });

  it('penalize honours a time the cloud names as given (5 s is 5 s), caps it, and does not escalate the next pause', async () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, maxNamedPauseMs: DAY, jitter: 0 });
    const t0 = clock.now();
    assert.equal(b.penalize(t0 + 5_000), t0 + 5_000);
    assert.equal(b.canTake('explicit'), false);
    await clock.advance(5_000);
    assert.equal(b.canTake('explicit'), true, 'calls resume when the cloud said');
    const t1 = clock.now();
    assert.equal(b.penalize(t1 + 10 * MIN), t1 + 10 * MIN);
    await clock.advance(10 * MIN);
    const t2 = clock.now();
    assert.equal(b.penalize(t2 + 3 * DAY), t2 + DAY, 'a time further than the cap is taken as the cap');
    await clock.advance(DAY);
    // Named pauses are no strikes: a pause without a time still starts at the base.
    assert.equal(b.penalize() - clock.now(), 15 * MIN);
  });

  it('makes every pause longer by a random 0-10 %, never shorter than given (a seeded random)', () => {
    const clock = new ManualClock();
    const random = seededRandom(13);
    const b = new CallBudget({ limit: 10, windowMs: HOUR, clock, random, maxNamedPauseMs: HOUR });
    const extras = new Set<number>();
    for (const given of [5_000, 600_000, 2 * HOUR]) {
      for (let i = 0; i < 20; i++) {
        const c = new CallBudget({ limit: 10, windowMs: HOUR, clock, random, maxNamedPauseMs: HOUR });
        const wait = c.penalize(clock.now() + given) - clock.now();
        const named = Math.min(given, HOUR);
        assert.ok(wait >= named && wait <= named * 1.1, `${wait} ms for ${given} ms given`);
        extras.add(wait - named);
      }
    }
    assert.ok(extras.size > 10, 'the extra differs from pause to pause');
    // A pause without a time: the base pause, 0-10 % more.
    const own = b.penalize() - clock.now();
    assert.ok(own >= 15 * MIN && own <= 16.5 * MIN, `${own} ms`);
    // The extremes of the random: exactly the pause, and 10 % more.
    assert.equal(new CallBudget({ limit: 1, windowMs: HOUR, clock, random: () => 0 }).penalize(clock.now() + 5_000) - clock.now(), 5_000);
    assert.equal(new CallBudget({ limit: 1, windowMs: HOUR, clock, random: () => 0.999999 }).penalize(clock.now() + 5_000) - clock.now(), 5_500);
  });

  it('calls onChange on take and penalize, not on a refused take', () => {
    const clock = new ManualClock();
    const b = new CallBudget({ limit: 1, windowMs: HOUR, clock });
    let changes = 0;
    b.onChange = () => changes++;
    b.take();
    assert.throws(() => b.take());
    b.penalize();
    assert.equal(changes, 2);
  });

  it('snapshot and restore carry the calls and the pause (through JSON, as the token store keeps them)', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const a = new CallBudget({ limit: 3, windowMs: HOUR, clock });
    a.take();
    await clock.advance(5 * MIN);
    a.take();
    const pausedUntil = a.penalize();
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as BudgetSnapshot;
    assert.deepEqual(snap.calls, [t0, t0 + 5 * MIN]);
    assert.equal(snap.pausedUntil, pausedUntil);
    assert.equal(snap.strikes, 1);

    const b = new CallBudget({ limit: 3, windowMs: HOUR, clock });
    b.restore(snap);
    assert.equal(b.used(), 2);
    assert.equal(b.pausedUntilMs(), pausedUntil);
    assert.throws(() => b.take('explicit'), refused('RATE_LIMITED', pausedUntil));

    await clock.advance(pausedUntil - clock.now());
    b.take();
    assert.throws(() => b.take(), refused('RATE_LIMITED', t0 + HOUR));
  });

  it('restore drops calls that left the window and ignores an expired pause and bad values', async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const b = new CallBudget({ limit: 3, windowMs: HOUR, clock });
    b.restore({ calls: [now - 2 * HOUR, now - 10 * MIN, Number.NaN, now - 30 * MIN], pausedUntil: now - 1, strikes: 0 });
    assert.equal(b.used(), 2);
    assert.equal(b.pausedUntilMs(), undefined);
    const snap = b.snapshot();
    assert.deepEqual(snap.calls, [now - 30 * MIN, now - 10 * MIN]);
    assert.equal(snap.pausedUntil, undefined);
    b.restore(undefined); // nothing stored: unchanged
    assert.equal(b.used(), 2);
  });

  it('never allows more than `limit` calls in any window over a simulated day of 3,000 attempts', async () => {
    const limit = 40;
    const reserve = 8;
    const windowMs = HOUR;
    const clock = new ManualClock();
    const start = clock.now();
    const b = new CallBudget({ limit, windowMs, reserve, clock });
    const rand = seededRandom(0xc0ffee);
    const times = Array.from({ length: 3_000 }, () => start + Math.floor(rand() * DAY)).sort((x, y) => x - y);

    const granted: number[] = [];
    let refusals = 0;
    for (const at of times) {
      await clock.advance(at - clock.now());
      const kind: CallKind = rand() < 0.2 ? 'explicit' : 'background';
      const cost = rand() < 0.1 ? 2 : 1;
      const cap = kind === 'explicit' ? limit : limit - reserve;
      const inWindow = granted.filter((t) => t > at - windowMs).length;
      try {
        b.take(kind, cost);
        for (let i = 0; i < cost; i++) granted.push(at);
        assert.ok(inWindow + cost <= cap, `granted over the ${kind} cap at ${at - start} ms`);
      } catch (e) {
        assert.ok(e instanceof CarError && e.code === 'RATE_LIMITED');
        refusals++;
        // Refused only when it really did not fit, and told a time in the future.
        assert.ok(inWindow + cost > cap, `refused a call that fitted at ${at - start} ms`);
        assert.ok(e.retryAt !== undefined && e.retryAt > at);
      }
    }

    // Every window ending at a granted call holds at most `limit` calls.
    let lo = 0;
    for (let hi = 0; hi < granted.length; hi++) {
      const end = granted[hi] ?? 0;
      while ((granted[lo] ?? 0) <= end - windowMs) lo++;
      assert.ok(hi - lo + 1 <= limit, `${hi - lo + 1} calls in the window ending ${end - start} ms`);
    }
    // The budget was actually exercised, both ways.
    assert.ok(refusals > 1000, `refusals: ${refusals}`);
    assert.ok(granted.length > 20 * (limit - reserve), `granted: ${granted.length}`);
  });
});
