// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { K } from '../../src/brands/cardata/map';
import { readStreamMessage, readTelematicData, StreamMessageSchema, TelematicDataSchema } from '../../src/brands/cardata/schemas';
import { PROJECT_ROOT } from '../helpers';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'cardata');

/** What zod makes of a body: the parsed value, or undefined where it fails (the readers' terms). */
function viaZod(schema: z.ZodTypeAny, body: unknown): unknown {
  const p = schema.safeParse(body);
  return p.success ? p.data : undefined;
}

/** Leaves that hit every branch: strings, null, numbers, booleans, ISO times, and the odd key. */
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom('72', '', 'CHARGING', 'W', 'km', '2026-11-20T07:41:12.000Z', '2026-11-20T07:41:12Z', null, 0, 7400, true, false),
);
/** One telematic value: mostly well formed, sometimes not (wrong types, missing or extra keys, not an object). */
const value = fc.oneof(
  fc.record({ value: leaf, unit: leaf, timestamp: leaf, extra: leaf }, { requiredKeys: [] }),
  fc.dictionary(fc.constantFrom('value', 'unit', 'timestamp', '__proto__', 'constructor', 'other'), leaf, { maxKeys: 4 }),
  leaf,
);
const telematicKeys = fc.constantFrom(...Object.values(K), 'vehicle.unknown.key', '__proto__', '0', 'constructor');
const map = fc.oneof({ weight: 5, arbitrary: fc.dictionary(telematicKeys, value, { maxKeys: 12 }) }, { weight: 1, arbitrary: leaf });

const telematicBodies = fc.oneof(
  { weight: 5, arbitrary: fc.record({ telematicData: map, other: leaf, __proto__: leaf }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: leaf },
);
const streamBodies = fc.oneof(
  { weight: 5, arbitrary: fc.record({ vin: leaf, entityId: leaf, topic: leaf, timestamp: leaf, data: map, other: leaf }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: leaf },
);

describe('CarData telematic reads without zod (issue 17): the hand-written readers answer as the schemas do', () => {
  it('telematicData: the same result as zod for any body', () => {
    fc.assert(
      fc.property(telematicBodies, (body) => {
        assert.deepStrictEqual(readTelematicData(body), viaZod(TelematicDataSchema, body));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a stream message: the same result as zod for any body', () => {
    fc.assert(
      fc.property(streamBodies, (body) => {
        assert.deepStrictEqual(readStreamMessage(body), viaZod(StreamMessageSchema, body));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a body from JSON.parse with "__proto__" keys at every level: the same result as zod', () => {
    const text = '{"__proto__":{"x":1},"telematicData":{"__proto__":{"value":1},"k":{"__proto__":{"y":2},"value":"1","unit":5},"n":null},"data":{"k":{"value":2}}}';
    const body: unknown = JSON.parse(text);
    assert.deepStrictEqual(readTelematicData(body), viaZod(TelematicDataSchema, body));
    assert.deepStrictEqual(readStreamMessage(body), viaZod(StreamMessageSchema, body));
    assert.equal(readTelematicData({ telematicData: [] }), undefined, 'an array is not a record');
  });

  it('the same result as zod for the recorded answers', () => {
    const telematic: unknown = JSON.parse(readFileSync(path.join(FIXTURES, 'telematic-data.json'), 'utf8'));
    const stream: unknown = JSON.parse(readFileSync(path.join(FIXTURES, 'stream-message.json'), 'utf8'));
    const read = readTelematicData(telematic);
    assert.ok(read && Object.keys(read.telematicData).length > 5);
    assert.deepStrictEqual(read, viaZod(TelematicDataSchema, telematic));
    assert.deepStrictEqual(readStreamMessage(stream), viaZod(StreamMessageSchema, stream));
  });
});
