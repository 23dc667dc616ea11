// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { addTally, exitCode, MIN_SCENARIOS, newTally, summary, type Tally } from '../../faults/tally';

/** A tally of a whole run with nothing wrong. */
function clean(scenarios = MIN_SCENARIOS): Tally {
  return { ...newTally(), scenarios };
}

describe('npm run faults: summary line and exit code (issue 15)', () => {
  it('prints the summary line as the issue names it', () => {
    assert.equal(summary({ ...clean(603), crashes: 1, unhandled: 2, leaks: 3, lost: 4 }), 'faults: 603 scenarios, 1 crashes, 2 unhandled, 3 secrets shown, 4 lost');
  });

  it('exits 0 when nothing went wrong, and 1 when any of crashes, unhandled, secrets shown, lost (or another failed check) is not 0', () => {
    assert.equal(exitCode(clean(), true), 0);
    for (const key of ['crashes', 'unhandled', 'leaks', 'lost', 'failed'] as const) {
      assert.equal(exitCode({ ...clean(), [key]: 1 }, true), 1, key);
      assert.equal(exitCode({ ...clean(3), [key]: 1 }, false), 1, `${key} in a partial run (--only)`);
    }
    // Served from the cache without meeting the fault: said, not a failure.
    assert.equal(exitCode({ ...clean(), unmet: 5 }, true), 0);
  });

  it('fails a whole run that counted fewer than 300 scenarios; a partial run (--only) may count fewer', () => {
    assert.equal(MIN_SCENARIOS, 300);
    assert.equal(exitCode(clean(MIN_SCENARIOS - 1), true), 1);
    assert.equal(exitCode(clean(12), false), 0);
  });

  it('adds the workers\' tallies into one', () => {
    const whole = newTally();
    addTally(whole, { ...clean(12), lost: 1, lines: ['  lost      a'] });
    addTally(whole, { ...clean(30), crashes: 2, unmet: 1, lines: ['  crash     b'] });
    assert.deepEqual(whole, { scenarios: 42, crashes: 2, unhandled: 0, leaks: 0, lost: 1, failed: 0, unmet: 1, lines: ['  lost      a', '  crash     b'] });
    assert.equal(exitCode(whole, false), 1);
  });
});
