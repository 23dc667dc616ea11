/**
 * How the Renault schemas (src/brands/renault/schemas.ts) read a field of each kind, both ways: zod's schema and its
 * hand-written twin (the reader the status reads use, issue 17). Each table row is one value as a body may carry it.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { BatteryStatusSchema, ContractsSchema, FAIL, GigyaBaseSchema, PersonSchema, fields, readerOf } from '../../src/brands/renault/schemas';

/** One field of each kind, as the body schemas declare them. */
const Probe = fields({ str: ['s'], num: ['n'], bool: ['b'] });
const readProbe = readerOf(Probe) ?? assert.fail('fields() of plain kinds has a reader');

function viaZod(schema: z.ZodTypeAny, body: unknown): unknown {
  const p = schema.safeParse(body);
  return p.success ? p.data : FAIL;
}

/** The value both ways read for `key`, checked equal. */
function bothWays(key: 's' | 'n' | 'b', value: unknown): unknown {
  const zod = viaZod(Probe, { [key]: value });
  const fast = readProbe({ [key]: value });
  assert.ok(zod !== FAIL && fast !== FAIL && typeof zod === 'object' && typeof fast === 'object' && zod && fast);
  const a = (zod as Record<string, unknown>)[key];
  const b = (fast as Record<string, unknown>)[key];
  assert.deepStrictEqual(b, a, `${key}: ${String(value)}: the reader as zod`);
  return a;
}

describe('Renault lenient fields: what each value of a field becomes (schemas.ts)', () => {
  it('a boolean: true/false in any case and with blanks around, 1 or 0; anything else is absent', () => {
    const CASES: [unknown, boolean | undefined][] = [
      [true, true],
      [false, false],
      ['true', true],
      ['FALSE', false],
      [' True ', true],
      ['\tfalse\n', false],
      ['xtrue', undefined],
      ['truex', undefined],
      ['falsey', undefined],
      ['true false', undefined],
      ['yes', undefined],
      ['1', undefined],
      [1, true],
      [0, false],
      [2, undefined],
      [-1, undefined],
      [null, undefined],
      [{}, undefined],
    ];
    for (const [value, expected] of CASES) assert.equal(bothWays('b', value), expected, JSON.stringify(value));
  });

  it('a string: a finite number becomes its text; NaN, Infinity and anything else is absent', () => {
    const CASES: [unknown, string | undefined][] = [
      ['abc', 'abc'],
      ['', ''],
      [10, '10'],
      [-2.5, '-2.5'],
      [Number.NaN, undefined],
      [Number.POSITIVE_INFINITY, undefined],
      [Number.NEGATIVE_INFINITY, undefined],
      [null, undefined],
      [true, undefined],
      [[1], undefined],
    ];
    for (const [value, expected] of CASES) assert.equal(bothWays('s', value), expected, String(value));
  });

  it('a number: a numeric text becomes its number; blanks, words and anything not finite is absent', () => {
    const CASES: [unknown, number | undefined][] = [
      [12.5, 12.5],
      ['12.5', 12.5],
      [' 7 ', 7],
      ['', undefined],
      ['  ', undefined],
      ['x', undefined],
      ['1e400', undefined],
      [Number.NaN, undefined],
      [Number.POSITIVE_INFINITY, undefined],
      [null, undefined],
      [false, undefined],
    ];
    for (const [value, expected] of CASES) assert.equal(bothWays('n', value), expected, String(value));
  });

  it('the reader answers as zod for any value of any kind, numbers that are not finite too', () => {
    const leaf = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.double(), fc.constantFrom(' TRUE ', 'False', 'xtrue', 'truex', ' 7 ', '1e400', 0, 1, Number.NaN, Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('s', 'n', 'b', 'other'), leaf, { maxKeys: 4 }), (body) => {
        assert.deepStrictEqual(readProbe(body), viaZod(Probe, body));
      }),
      { numRuns: 1_000 },
    );
  });

  it("Gigya's errorCode: a whole number, or its digits as text; absent is 0; anything else fails the body", () => {
    const CASES: [unknown, number | typeof FAIL][] = [
      [403042, 403042],
      ['403042', 403042],
      [' -1 ', -1],
      [undefined, 0],
      [null, 0],
      ['12.0', FAIL],
      ['1e3', FAIL],
      ['+5', FAIL],
      ['0x10', FAIL],
      ['12abc', FAIL],
      ['abc', FAIL],
      ['', FAIL],
      [1.5, FAIL],
      [true, FAIL],
    ];
    for (const [value, expected] of CASES) {
      const parsed = viaZod(GigyaBaseSchema, value === undefined ? {} : { errorCode: value });
      assert.deepStrictEqual(parsed === FAIL ? FAIL : (parsed as { errorCode: unknown }).errorCode, expected, JSON.stringify(value));
    }
  });

  it('an id: a non-empty string, or a finite number as its text; an item without one is dropped', () => {
    const accounts = [{ accountId: 'acc-1' }, { accountId: 7 }, { accountId: Number.NaN }, { accountId: Number.POSITIVE_INFINITY }, { accountId: '' }, { accountId: null }, {}];
    const parsed = PersonSchema.parse({ personId: 'p', accounts });
    assert.deepEqual(
      parsed.accounts.map((a) => a.accountId),
      ['acc-1', '7'],
    );
  });

  it('a list body: an array, or one wrapped in a known key; null, nothing or another value is no list (and no crash)', () => {
    const contract = { contractId: 'c1', status: 'Active' };
    assert.deepEqual(ContractsSchema.parse([contract]), [contract]);
    assert.deepEqual(ContractsSchema.parse({ contractList: [contract] }), [contract]);
    assert.deepEqual(ContractsSchema.parse({ data: [contract] }), [contract]);
    for (const body of [null, undefined, 'contracts', 5, {}, { contractList: 'x' }, { other: [contract] }]) {
      assert.equal(ContractsSchema.safeParse(body).success, false, JSON.stringify(body));
    }
  });

  it('a "__proto__" key of a JSON body is left out by the reader as by zod, and sets no prototype', () => {
    const body = JSON.parse('{"__proto__":{"polluted":1},"extra":2,"data":{"type":"Car","id":"v1","attributes":{"batteryLevel":"50"}}}') as unknown;
    const reader = readerOf(BatteryStatusSchema) ?? assert.fail('battery-status has a reader');
    const read = reader(body);
    assert.deepStrictEqual(read, viaZod(BatteryStatusSchema, body));
    assert.ok(read !== FAIL && typeof read === 'object' && read !== null);
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(Object.keys(read), ['extra', 'data']);
    assert.equal((read as { data: { attributes: { batteryLevel: unknown } } }).data.attributes.batteryLevel, 50);
  });
});
