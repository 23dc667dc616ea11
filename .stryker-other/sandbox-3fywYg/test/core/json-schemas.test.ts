// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { payloadJsonSchemas } from '../../src/core/json-schemas';
import { PROJECT_ROOT } from '../helpers';

describe('core/json-schemas: the documented message formats', () => {
  it('are generated from the zod schemas and the committed files are current (npm run schemas)', async () => {
    const schemas = payloadJsonSchemas();
    assert.ok(Object.keys(schemas).length >= 11);
    for (const [name, schema] of Object.entries(schemas)) {
      const file = path.join(PROJECT_ROOT, 'docs', 'schemas', `${name}.schema.json`);
      const committed = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
      assert.deepEqual(committed, JSON.parse(JSON.stringify(schema)), `${name}.schema.json is out of date: run npm run schemas`);
    }
  });

  it('write a part JSON Schema cannot state (a Date, a transform) as any value instead of failing, and a defaulted field as required', () => {
    const extra = z.object({ at: z.date(), count: z.string().transform((s) => s.length), tries: z.number().default(3) });
    assert.deepEqual(payloadJsonSchemas({ extra })['extra'], {
      $id: 'extra.schema.json',
      title: 'extra',
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { at: {}, count: {}, tries: { type: 'number', default: 3 } },
      // What the node emits (the output side): a default is always filled in.
      required: ['at', 'count', 'tries'],
      additionalProperties: false,
    });
  });

  it('describe the VehicleStatus fields with their units in the names', () => {
    const status = payloadJsonSchemas()['vehicle-status'] as { properties: Record<string, unknown>; required: string[] };
    for (const field of ['mileageKm', 'rangeKm', 'battery', 'charging', 'position']) assert.ok(field in status.properties, field);
    assert.deepEqual(status.required.sort(), ['fetchedAt', 'provider', 'vin']);
  });
});
