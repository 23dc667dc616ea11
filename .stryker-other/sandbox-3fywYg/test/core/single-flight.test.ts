// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { SingleFlight } from '../../src/core/single-flight';
import { deferred } from '../helpers';

describe('core/single-flight', () => {
  it('runs the function once for 100 concurrent callers of one key and gives all its result', async () => {
    const sf = new SingleFlight<{ n: number }>();
    const gate = deferred<void>();
    let runs = 0;
    const fn = async (): Promise<{ n: number }> => {
      runs++;
      await gate.promise;
      return { n: runs };
    };
    const callers = Array.from({ length: 100 }, () => sf.run('auth', fn));
    assert.equal(sf.has('auth'), true);
    gate.resolve();
    const results = await Promise.all(callers);
    assert.equal(runs, 1);
    assert.equal(results.length, 100);
    const first = results[0];
    assert.ok(first);
    assert.deepEqual(first, { n: 1 });
    for (const r of results) assert.equal(r, first); // the very same object
    assert.equal(sf.has('auth'), false);
  });

  it('runs different keys independently', async () => {
    const sf = new SingleFlight<string>();
    const runs: string[] = [];
    const gate = deferred<void>();
    const mk = (k: string) => async (): Promise<string> => {
      runs.push(k);
      await gate.promise;
      return `result-${k}`;
    };
    const p = [sf.run('a', mk('a')), sf.run('b', mk('b')), sf.run('a', mk('a2')), sf.run('b', mk('b2'))];
    gate.resolve();
    assert.deepEqual(await Promise.all(p), ['result-a', 'result-b', 'result-a', 'result-b']);
    assert.deepEqual(runs, ['a', 'b']);
  });

  it('gives a rejection to every waiting caller, and the next call runs again', async () => {
    const sf = new SingleFlight<string>();
    const gate = deferred<void>();
    let runs = 0;
    const failing = async (): Promise<string> => {
      runs++;
      await gate.promise;
      throw new Error(`boom ${runs}`);
    };
    const callers = Array.from({ length: 100 }, () => sf.run('auth', failing));
    gate.resolve();
    const settled = await Promise.allSettled(callers);
    assert.equal(runs, 1);
    for (const s of settled) {
      assert.equal(s.status, 'rejected');
      if (s.status === 'rejected') {
        assert.ok(s.reason instanceof Error);
        assert.equal(s.reason.message, 'boom 1');
      }
    }
    assert.equal(sf.has('auth'), false);

    const again = await sf.run('auth', async () => {
      runs++;
      return 'ok';
    });
    assert.equal(again, 'ok');
    assert.equal(runs, 2);
  });

  it('treats a function that throws synchronously like a rejection and does not stay stuck', async () => {
    const sf = new SingleFlight<string>();
    const throwsNow = (): Promise<string> => {
      throw new Error('sync');
    };
    await assert.rejects(sf.run('k', throwsNow), /sync/);
    assert.equal(sf.has('k'), false);
    assert.equal(await sf.run('k', () => Promise.resolve('later')), 'later');
  });

  it('starts a new run for a caller that arrives after the previous run settled', async () => {
    const sf = new SingleFlight<number>();
    let runs = 0;
    const fn = async (): Promise<number> => ++runs;
    assert.equal(await sf.run('k', fn), 1);
    assert.equal(await sf.run('k', fn), 2);
    assert.equal(runs, 2);
  });
});
