// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { READS } from '../../src/brands/renault/endpoints';
import { FAIL, readerOf } from '../../src/brands/renault/schemas';
import { listRenault, readRenaultJson } from './fixtures';

/** What zod makes of a body, in the readers' terms: the parsed value or FAIL. */
function viaZod(schema: z.ZodTypeAny, body: unknown): unknown {
  const p = schema.safeParse(body);
  return p.success ? p.data : FAIL;
}

/** The keys a schema's object (and its nested objects) names, to aim random bodies at them. */
function keysOf(schema: z.ZodTypeAny, out = new Set<string>()): Set<string> {
  const def = (schema as { def?: { shape?: Record<string, z.ZodTypeAny>; innerType?: z.ZodTypeAny; in?: z.ZodTypeAny; out?: z.ZodTypeAny } }).def;
  for (const [k, v] of Object.entries(def?.shape ?? {})) {
    out.add(k);
    keysOf(v, out);
  }
  for (const inner of [def?.innerType, def?.in, def?.out]) if (inner) keysOf(inner, out);
  return out;
}

/** Values that hit every branch of the lenient fields: numbers as text, booleans as text or 0/1, nulls, blanks. */
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom('12.5', ' 7 ', '', '  ', 'TRUE', 'false', 'x', 0, 1, -1, Number.MAX_VALUE, '1e400', '2024-05-01T10:00:00Z', null),
);

function bodies(keys: string[]): fc.Arbitrary<unknown> {
  const names = fc.constantFrom(...keys, 'unknownField');
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.dictionary(names, tie('tree'), { maxKeys: 8 }), fc.array(tie('tree'), { maxLength: 3 })),
  }));
  return fc.oneof(tree, fc.record({ data: fc.record({ type: leaf, id: leaf, attributes: tree }, { requiredKeys: [] }) }));
}

describe('Renault status reads without zod (issue 17): the hand-written readers answer as the schemas do', () => {
  const fast = Object.entries(READS).filter(([, r]) => readerOf(r.schema));

  it('the status and charge reads have a reader', () => {
    assert.deepEqual(
      fast.map(([n]) => n).filter((n) => ['battery-status', 'cockpit', 'location', 'hvac-status', 'charges'].includes(n)).sort(),
      ['battery-status', 'charges', 'cockpit', 'hvac-status', 'location'],
    );
  });

  for (const [name, read] of fast) {
    it(`${name}: the same result as zod for any body`, () => {
      const reader = readerOf(read.schema);
      assert.ok(reader);
      fc.assert(
        fc.property(bodies([...keysOf(read.schema)]), (body) => {
          assert.deepStrictEqual(reader(body), viaZod(read.schema, body));
        }),
        { numRuns: 2_000 },
      );
    });
  }

  it('the same result as zod for every recorded answer', async () => {
    let checked = 0;
    for (const file of await listRenault('kamereon/vehicle_data', /\.json$/)) {
      const body = await readRenaultJson('kamereon', 'vehicle_data', file);
      for (const [, read] of fast) {
        assert.deepStrictEqual(readerOf(read.schema)?.(body), viaZod(read.schema, body), file);
        checked++;
      }
    }
    assert.ok(checked > 20);
  });
});
