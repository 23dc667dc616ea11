// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { REFUSAL_BACKOFF_MS, RefusalMemory, refusalOf } from '../../src/brands/renault/refusals';

const notFound = (): CarError => new CarError('NOT_SUPPORTED', 'Renault GET alerts: no data', { upstreamCode: 'err.func.wired.notFound', status: 404, transient: true });
const forbidden = (): CarError => new CarError('NOT_SUPPORTED', 'Renault GET alerts: not available', { upstreamCode: 'err.func.wired.forbidden', status: 403, transient: false });
const H = 3_600_000;

describe('Renault refusal memory: notFound with back-off, "never" for good', () => {
  it('sorts refusals: notFound and 404 for a while, forbidden and 501 for good, privacy and access denied after successes not at all', () => {
    assert.equal(refusalOf(notFound(), false), 'temporary');
    assert.equal(refusalOf(new CarError('NOT_SUPPORTED', 'x', { status: 404 }), false), 'temporary');
    assert.equal(refusalOf(forbidden(), false), 'permanent');
    assert.equal(refusalOf(new CarError('NOT_SUPPORTED', 'x', { upstreamCode: 'err.tech.501' }), false), 'permanent');
    assert.equal(refusalOf(new CarError('NOT_SUPPORTED', 'x', { upstreamCode: 'err.func.privacy.on' }), false), undefined);
    assert.equal(refusalOf(new CarError('NOT_SUPPORTED', 'x', { upstreamCode: 'err.func.403' }), true), undefined);
    assert.equal(refusalOf(new CarError('UPSTREAM', 'x', { status: 404 }), false), undefined);
  });

  it('waits 1 h, 3 h, 6 h, 12 h, then a day between asks, and starts over once the car answered', () => {
    assert.deepEqual(REFUSAL_BACKOFF_MS, [1 * H, 3 * H, 6 * H, 12 * H, 24 * H]);
    const m = new RefusalMemory();
    let now = Date.parse('2026-11-20T08:00:00Z');
    for (const wait of [1, 3, 6, 12, 24, 24]) {
      const noted = m.note('vin|alerts', notFound(), 'temporary', now);
      assert.equal(noted.retryAt, now + wait * H);
      assert.equal(noted.transient, true);
      assert.equal(m.check('vin|alerts', now + wait * H - 1)?.retryAt, now + wait * H, 'held until the end of the wait');
      now += wait * H;
      assert.equal(m.check('vin|alerts', now), undefined, 'then asked again');
    }
    m.worked('vin|alerts');
    assert.equal(m.note('vin|alerts', notFound(), 'temporary', now).retryAt, now + H, 'a success starts the back-off over');
    m.note('vin|pressure', forbidden(), 'permanent', now);
    assert.equal(m.check('vin|pressure', now + 365 * 24 * H)?.upstreamCode, 'err.func.wired.forbidden');
  });
});
