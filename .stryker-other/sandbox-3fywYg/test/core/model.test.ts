// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VehicleStatusSchema, mergeStatus, readTime, toIsoUtc, type StatusFragment } from '../../src/core/model';

const BASE = { vin: 'VF1AG000000000001', provider: 'renault' as const, fetchedAt: '2026-01-15T08:00:00.000Z' };

/** What the reading gave before its fast path: Date.parse and toISOString. */
function slow(v: string): { iso: string; ms: number } | undefined {
  const t = Date.parse(v);
  return Number.isFinite(t) && t >= Date.UTC(1990, 0, 1) ? { iso: new Date(t).toISOString(), ms: t } : undefined;
}

/** What fn returns, failing the test if it calls Date.parse. */
function withoutDateParse<T>(fn: () => T): T {
  const parse = Date.parse;
  let calls = 0;
  Date.parse = (s: string): number => {
    calls++;
    return parse(s);
  };
  try {
    const result = fn();
    assert.equal(calls, 0, 'Date.parse was called');
    return result;
  } finally {
    Date.parse = parse;
  }
}

describe('core/model', () => {
  describe('mergeStatus', () => {
    it('merges the fields of a part from several fragments; later fragments win per field', () => {
      const fragments: StatusFragment[] = [
        { battery: { socPercent: 80, rangeKm: 250, updatedAt: '2026-01-15T07:00:00.000Z' } },
        { battery: { socPercent: 81, temperatureC: 12 } },
        { mileageKm: 12_345 },
        { doors: { frontLeft: 'closed', trunk: 'open', anyOpen: true } },
        { doors: { frontLeft: 'open' } },
      ];
      const out = mergeStatus(BASE, fragments);
      assert.deepEqual(out.battery, { socPercent: 81, rangeKm: 250, temperatureC: 12, updatedAt: '2026-01-15T07:00:00.000Z' });
      assert.deepEqual(out.doors, { frontLeft: 'open', trunk: 'open', anyOpen: true });
      assert.equal(out.mileageKm, 12_345);
      assert.equal(out.vin, BASE.vin);
      assert.equal(out.provider, 'renault');
      assert.equal(out.fetchedAt, BASE.fetchedAt);
      assert.equal(VehicleStatusSchema.safeParse(out).success, true);
    });

    it('does not change the fragments it merges', () => {
      const first: StatusFragment = { battery: { socPercent: 50 } };
      mergeStatus(BASE, [first, { battery: { socPercent: 60 } }]);
      assert.deepEqual(first, { battery: { socPercent: 50 } });
    });

    it('replaces arrays and scalars whole and skips undefined values', () => {
      const out = mergeStatus(BASE, [
        { messages: [{ kind: 'service', title: 'oil' }, { kind: 'alert', title: 'tyre' }], rangeKm: 300 },
        { messages: [{ kind: 'check_control', title: 'washer fluid' }], rangeKm: undefined },
      ]);
      assert.deepEqual(out.messages, [{ kind: 'check_control', title: 'washer fluid' }]);
      assert.equal(out.rangeKm, 300);
    });

    it('sets updatedAt to the newest part time, whatever the offsets', () => {
      const out = mergeStatus(BASE, [
        { battery: { socPercent: 70, updatedAt: '2026-01-15T07:00:00.000Z' } },
        // 07:30 at +01:00 is 06:30 UTC: older than the battery despite the bigger clock figure.
        { charging: { state: 'charging', plug: 'plugged', updatedAt: '2026-01-15T07:30:00+01:00' } },
        { lock: { state: 'locked', updatedAt: '2026-01-15T07:10:00Z' } },
        { position: { latitude: 48.8, longitude: 2.3, updatedAt: '2026-01-15T06:59:00Z' } },
      ]);
      assert.equal(out.updatedAt, '2026-01-15T07:10:00.000Z');
    });

    it('takes a newer updatedAt given in a fragment into account, and the climate time', () => {
      const out = mergeStatus(BASE, [
        { battery: { updatedAt: '2026-01-15T07:00:00Z' } },
        { climate: { state: 'off', updatedAt: '2026-01-15T07:45:00Z' } },
      ]);
      assert.equal(out.updatedAt, '2026-01-15T07:45:00.000Z');
    });

    it('leaves updatedAt out when no part carries a time', () => {
      const out = mergeStatus(BASE, [{ battery: { socPercent: 10 } }, { mileageKm: 1 }]);
      assert.equal(out.updatedAt, undefined);
      assert.equal('updatedAt' in out, false);
    });

    it('with no fragments is just the base', () => {
      assert.deepEqual(mergeStatus(BASE, []), BASE);
    });
  });

  describe('toIsoUtc', () => {
    it('normalises any offset to UTC with milliseconds', () => {
      assert.equal(toIsoUtc('2026-01-15T09:00:00+01:00'), '2026-01-15T08:00:00.000Z');
      assert.equal(toIsoUtc('2026-01-15T03:30:00-04:30'), '2026-01-15T08:00:00.000Z');
      assert.equal(toIsoUtc('2026-01-15T08:00:00Z'), '2026-01-15T08:00:00.000Z');
      assert.equal(toIsoUtc('2026-01-15T08:00:00.123Z'), '2026-01-15T08:00:00.123Z');
    });

    it('reads the UTC form to the same time and text as Date.parse gives, fields out of range too', () => {
      const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
      const text = fc
        .tuple(fc.integer({ min: 1980, max: 2100 }), two(13), two(32), two(24), two(60), two(60), fc.constantFrom('', '.5', '.12', '.123'))
        .map(([y, mo, d, h, mi, s, frac]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}Z`);
      fc.assert(fc.property(text, (v) => assert.deepEqual(readTime(v), slow(v))), { numRuns: 3000 });
      // A day past the month's end rolls over, as in Date.parse.
      assert.deepEqual(readTime('2024-02-30T00:00:00Z'), { iso: '2024-03-01T00:00:00.000Z', ms: Date.UTC(2024, 2, 1) });
    });

    it('takes the UTC form (each field at its limits, 0 to 3 fraction digits) without a call to Date.parse', () => {
      // The fast path is why readTime exists (a status read carries dozens of times); a slip that sends the form
      // back to Date.parse gives the same values, so the calls are counted. Years 0100-1989 end on the fast path too.
      const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
      const text = fc
        .tuple(
          fc.integer({ min: 100, max: 9999 }).map((n) => String(n).padStart(4, '0')),
          two(1, 12),
          two(1, 28),
          two(0, 23),
          two(0, 59),
          two(0, 59),
          fc.constantFrom('', '.0', '.9', '.00', '.99', '.05', '.000', '.999', '.050', '.5', '.12', '.123'),
        )
        .map(([y, mo, d, h, mi, s, frac]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}Z`);
      const limits = [
        '0100-01-01T00:00:00Z',
        '1989-12-31T23:59:59.999Z',
        '1990-01-01T00:00:00Z',
        '2026-12-31T23:59:59Z',
        '2026-01-31T00:00:00.0Z',
        '2026-01-01T00:00:00.00Z',
        '2026-01-01T00:00:00.000Z',
        '2029-09-19T19:39:49.9Z',
        '2029-09-29T19:39:49.99Z',
        '2029-09-19T19:39:49.999Z',
        '2028-02-29T12:00:00.1Z',
        '2026-02-30T12:00:00.12Z',
      ];
      for (const v of limits) {
        const expected = slow(v);
        assert.deepEqual(withoutDateParse(() => readTime(v)), expected, v);
      }
      fc.assert(fc.property(text, (v) => assert.deepEqual(withoutDateParse(() => readTime(v)), slow(v))), { numRuns: 2000 });
    });

    it('reads a text a character off the UTC form as Date.parse does (not at all, mostly), never as the form', () => {
      const cases: [string, string | undefined][] = [
        ['2026-01-15T08:00:00.Z', undefined],
        // Date.parse keeps the first three fraction digits.
        ['2026-01-15T08:00:00.1234Z', '2026-01-15T08:00:00.123Z'],
        ['2026x01-15T08:00:00Z', undefined],
        ['2026-01x15T08:00:00Z', undefined],
        ['2026-01-15x08:00:00Z', undefined],
        ['2026-01-15T08x00:00Z', undefined],
        ['2026-01-15T08:00x00Z', undefined],
        ['2026-01-15T08:00:00x', undefined],
        ['2026-01-15T08:00:00x123Z', undefined],
        // A character just below '0' or just past '9' where a digit belongs, in a place where it would read in range.
        ['20/6-01-15T08:00:00Z', undefined],
        ['20:6-01-15T08:00:00Z', undefined],
        ['2026-1/-15T08:00:00Z', undefined],
        ['2026-0x-15T08:00:00Z', undefined],
        ['2026-01-1:T08:00:00Z', undefined],
        ['2026-01-15Tx8:00:00Z', undefined],
        ['2026-01-15T08:x0:00Z', undefined],
        ['2026-01-15T08:00:x0Z', undefined],
        ['2026-01-15T08:00:00.x2Z', undefined],
        ['2026-01-15T08:00:00.1/Z', undefined],
        // Forms Date.parse reads that the fast path leaves to it.
        ['2026-01-15 08:00:00Z', '2026-01-15T08:00:00.000Z'],
        ['2026-01-15T08:00:00z', '2026-01-15T08:00:00.000Z'],
      ];
      for (const [v, iso] of cases) assert.equal(toIsoUtc(v), iso, v);

      // Any one character replaced, dropped or added: the same as Date.parse gives.
      const valid = fc
        .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', '.5', '.12', '.123'))
        .map(([y, mo, d, h, mi, frac]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:19${frac}Z`);
      const char = fc.constantFrom('/', ':', '0', '1', '9', '-', 'T', '.', 'Z', 'x', ' ', '+');
      const edited = fc
        .tuple(valid, fc.nat(), char, fc.constantFrom('replace', 'drop', 'add'))
        .map(([v, at, c, edit]) => {
          const i = at % v.length;
          return edit === 'replace' ? v.slice(0, i) + c + v.slice(i + 1) : edit === 'drop' ? v.slice(0, i) + v.slice(i + 1) : v.slice(0, i) + c + v.slice(i);
        });
      fc.assert(fc.property(edited, (v) => assert.deepEqual(readTime(v), slow(v))), { numRuns: 3000 });
    });

    it('keeps 1990-01-01T00:00:00Z, the first time it accepts, and turns away the millisecond before', () => {
      const first = Date.UTC(1990, 0, 1);
      assert.deepEqual(readTime('1990-01-01T00:00:00Z'), { iso: '1990-01-01T00:00:00.000Z', ms: first });
      assert.deepEqual(readTime('1990-01-01T01:00:00+01:00'), { iso: '1990-01-01T00:00:00.000Z', ms: first });
      assert.deepEqual(readTime(first), { iso: '1990-01-01T00:00:00.000Z', ms: first });
      assert.equal(readTime('1989-12-31T23:59:59.999Z'), undefined);
      assert.equal(readTime('1990-01-01T00:59:59.999+01:00'), undefined);
      assert.equal(readTime(first - 1), undefined);
    });

    it('accepts epoch milliseconds', () => {
      assert.equal(toIsoUtc(Date.UTC(2026, 0, 15, 8)), '2026-01-15T08:00:00.000Z');
    });

    it('rejects 0001-01-01 ("never") and other unusable values', () => {
      assert.equal(toIsoUtc('0001-01-01T00:00:00Z'), undefined);
      assert.equal(toIsoUtc('0001-01-01T00:00:00+00:00'), undefined);
      // Not 1990-1999, as Date.UTC alone would read these years.
      assert.equal(toIsoUtc('0090-01-01T00:00:00Z'), undefined);
      assert.equal(toIsoUtc('0099-12-31T23:59:59.999Z'), undefined);
      assert.equal(toIsoUtc('1970-01-01T00:00:00Z'), undefined);
      assert.equal(toIsoUtc(0), undefined);
      assert.equal(toIsoUtc(-1), undefined);
      assert.equal(toIsoUtc('not a date'), undefined);
      assert.equal(toIsoUtc(''), undefined);
      assert.equal(toIsoUtc(Number.NaN), undefined);
      assert.equal(toIsoUtc(null), undefined);
      assert.equal(toIsoUtc(undefined), undefined);
      assert.equal(toIsoUtc({}), undefined);
    });
  });

  describe('VehicleStatusSchema', () => {
    it('accepts a plausible status', () => {
      const ok = VehicleStatusSchema.safeParse({
        ...BASE,
        updatedAt: '2026-01-15T07:00:00+01:00',
        battery: { socPercent: 100, rangeKm: 0 },
        charging: { state: 'fully_charged', plug: 'plugged' },
      });
      assert.equal(ok.success, true);
    });

    it('rejects socPercent 150', () => {
      const r = VehicleStatusSchema.safeParse({ ...BASE, battery: { socPercent: 150 } });
      assert.equal(r.success, false);
      if (!r.success) assert.deepEqual(r.error.issues[0]?.path, ['battery', 'socPercent']);
    });

    it('rejects a negative range, an unknown provider, a non-ISO time and an empty VIN', () => {
      assert.equal(VehicleStatusSchema.safeParse({ ...BASE, battery: { rangeKm: -1 } }).success, false);
      assert.equal(VehicleStatusSchema.safeParse({ ...BASE, provider: 'tesla' }).success, false);
      assert.equal(VehicleStatusSchema.safeParse({ ...BASE, fetchedAt: '15/01/2026 08:00' }).success, false);
      assert.equal(VehicleStatusSchema.safeParse({ ...BASE, vin: '' }).success, false);
      assert.equal(VehicleStatusSchema.safeParse({ ...BASE, charging: { state: 'charging', plug: 'maybe' } }).success, false);
    });
  });
});
