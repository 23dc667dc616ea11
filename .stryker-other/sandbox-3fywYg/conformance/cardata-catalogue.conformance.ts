/**
 * Conformance against BMW's key catalogue in ../shared/fixtures (ioBroker.bmw's telematic.json, MIT,
 * not copied into the project): every key the catalogue lists is mapped or kept raw. Run by
 * `npm run conformance` (and by CI, which has ../shared beside the project); `npm test` needs
 * nothing beside the project.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema, type StatusFragment } from '../src/core';
import { MAPPED_KEYS, REST_ONLY_KEYS } from '../src/brands/cardata';
import { TelematicState } from '../src/brands/cardata/map';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../test/helpers';

/** The recorded material of the project's `shared` checkout beside this one (FIXTURES_DIR names another place). */
const SHARED_FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');

async function readJsonFixture(...parts: string[]): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(SHARED_FIXTURES, ...parts), 'utf8')) as unknown;
}

interface CatalogueEntry {
  technical_identifier: string;
  data_type: string;
  typical_value_range: string[] | string;
  unit: string | null;
  streaming_capable: boolean;
}

const NOW = Date.parse('2026-11-20T08:00:00Z');
/**
 * Mapped keys whose catalogue value list is not what the key carries: charging.status lists
 * selection modes, while its description (and the cars) give NOCHARGING, CHARGINGACTIVE...
 * Such values are kept raw.
 */
const NOT_READABLE = new Set(['vehicle.drivetrain.electricEngine.charging.status']);
const NUMERIC = new Set(['float', 'double', 'uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32']);

/** A value of the kind the catalogue says the key carries. */
function sample(e: CatalogueEntry): unknown {
  const r = e.typical_value_range;
  const text = Array.isArray(r) ? (r.find((x) => !/INVALID|UNKNOWN|-NA-/i.test(x)) ?? r[0] ?? '') : r;
  if (NUMERIC.has(e.data_type) || (!Array.isArray(r) && /percent|%|km|kPa|°|degrees/.test(e.unit ?? ''))) {
    // "0-1000 kPa": a dash between digits is a range, not a minus sign.
    const nums = (text.replace(/(\d)\s*[-–]\s*(\d)/g, '$1 to $2').match(/-?\d+(?:[.,]\d+)?/g) ?? []).map((n) => Number(n.replace(',', '.')));
    if (nums.length > 0) {
      const [a = 1, b = a] = nums;
      return Math.round(((a + b) / 2) * 10) / 10 || 1;
    }
  }
  if (e.data_type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (/dd\.mm\.yyyy/.test(text)) return '01.03.2028 10:00 UTC';
  return text === 'None' ? 'sample' : text;
}

function valid(fragment: StatusFragment): void {
  const p = VehicleStatusSchema.safeParse({ vin: 'WBATEST', provider: 'cardata', fetchedAt: new Date(NOW).toISOString(), ...fragment });
  assert.ok(p.success, p.success ? '' : JSON.stringify(p.error.issues));
}

describe('CarData key catalogue (../shared) -> VehicleStatus', () => {
  it('maps or keeps raw every key type of the catalogue, and the result is a valid status', async () => {
    const catalogue = (await readJsonFixture('cardata', 'telematic-catalogue.json')) as CatalogueEntry[];
    const streamable = catalogue.filter((e) => e.streaming_capable);
    assert.ok(streamable.length > 200);
    const all: Record<string, { value: unknown; unit?: string; timestamp: string }> = {};
    let mapped = 0;
    for (const e of streamable) {
      const kv = { value: sample(e), ...(e.unit ? { unit: e.unit } : {}), timestamp: new Date(NOW - 60_000).toISOString() };
      all[e.technical_identifier] = kv;
      const one = new TelematicState();
      const applied = one.apply({ [e.technical_identifier]: kv }, NOW);
      const key = e.technical_identifier;
      const raw = key in applied.unmapped;
      const known = key in MAPPED_KEYS;
      // Each key is either read by the model, or kept raw; never silently dropped.
      assert.ok(known || raw, `${key} (${JSON.stringify(kv.value)}) is neither mapped nor raw`);
      if (!NOT_READABLE.has(key)) assert.ok(!(known && raw), `${key} (${JSON.stringify(kv.value)}) is mapped but its value was not read`);
      else assert.ok(raw, `${key}: the catalogue's sample lands raw`);
      assert.ok(one.snapshot()[key] !== undefined, `${key} is kept`);
      valid(applied.fragment);
      if (known) mapped++;
    }
    assert.ok(mapped >= 45, `most status keys are mapped (${mapped})`);
    // Every catalogue type at once: one valid status with every part.
    const state = new TelematicState();
    const applied = state.apply(all, NOW);
    valid(applied.fragment);
    const f = state.fragment();
    for (const part of ['battery', 'fuel', 'charging', 'lock', 'doors', 'windows', 'tires', 'climate', 'position', 'mileageKm', 'messages'] as const) {
      assert.ok(f[part] !== undefined, `${part} is filled from the catalogue's keys`);
    }
    // And the REST-only keys the container asks for are the catalogue's non-streamable ones.
    for (const k of REST_ONLY_KEYS) assert.equal(catalogue.find((e) => e.technical_identifier === k)?.streaming_capable, false, k);
    for (const k of Object.keys(MAPPED_KEYS)) assert.ok(catalogue.some((e) => e.technical_identifier === k), `${k} is a catalogue key`);
  });

});
