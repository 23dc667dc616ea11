/**
 * One row of the Renault body-schema field tests (schema-fields-a and -b): a body with every declared field in the
 * form only its reader converts, and the whole value expected. zod must read it so, and so must the schema's
 * hand-written reader where it has one (the fast path of src/brands/renault/schemas.ts).
 */
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { readerOf } from '../../src/brands/renault/schemas';

export interface SchemaRow {
  name: string;
  schema: z.ZodTypeAny;
  body: unknown;
  expected: unknown;
  /** Whether the schema has a hand-written reader (then it must read the body as zod does). */
  reader: boolean;
}

/** zod's answer, and the reader's where the schema has one, both against `expected`; the reader is there exactly when the row says. */
export function assertSchemaRow({ name, schema, body, expected, reader }: SchemaRow): void {
  const parsed = schema.safeParse(body);
  assert.ok(parsed.success, `${name}: zod accepts the body (${parsed.error?.message ?? ''})`);
  assert.deepStrictEqual(parsed.data, expected, `${name}: zod`);
  const read = readerOf(schema);
  assert.equal(read !== undefined, reader, `${name}: ${reader ? 'has' : 'has no'} hand-written reader`);
  if (read) assert.deepStrictEqual(read(body), expected, `${name}: the reader`);
}
