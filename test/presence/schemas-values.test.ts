/**
 * The schemas car-presence reads a zone and its stored state with (issue 19, static mutants): a zone's name is
 * trimmed and must not be blank; a fix's accuracy, odometer, noise and odometer step are kept when zero or more and
 * refused when negative.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { PresenceStateSchema, ZoneConfigSchema } from '../../src/features/presence';

const zone = { latitude: 48.8, longitude: 2.3, radiusM: 100 };
const fix = { latitude: 48.8, longitude: 2.3, at: Date.parse('2026-03-02T06:00:00Z') };

describe('car-presence schemas: zones and the stored state (values)', () => {
  it("trims a zone's name and refuses a blank one, saying that a zone needs a name", () => {
    assert.equal(ZoneConfigSchema.parse({ ...zone, name: '  home ' }).name, 'home');
    for (const name of ['', '   ']) {
      const got = ZoneConfigSchema.safeParse({ ...zone, name });
      assert.equal(got.success, false, JSON.stringify(name));
      assert.deepEqual(
        got.error?.issues.map((i) => [i.path.join('.'), i.message]),
        [['name', 'a zone needs a name']],
      );
    }
  });

  it("keeps a stored fix's accuracy, odometer, noise and odometer step when zero or more, and refuses a negative one", () => {
    const kept = { ...fix, accuracyM: 12.5, mileageKm: 10_234.6, noiseM: 30, mileageStepKm: 1 };
    const state = PresenceStateSchema.parse({ version: 1, zones: {}, lastFix: kept, suspect: { ...kept, accuracyM: 0, mileageKm: 0, noiseM: 0, mileageStepKm: 0 } });
    assert.deepEqual(state.lastFix, kept);
    assert.deepEqual(state.suspect, { ...kept, accuracyM: 0, mileageKm: 0, noiseM: 0, mileageStepKm: 0 });
    for (const field of ['accuracyM', 'mileageKm', 'noiseM', 'mileageStepKm']) {
      const got = PresenceStateSchema.safeParse({ version: 1, zones: {}, lastFix: { ...fix, [field]: -1 } });
      assert.deepEqual(got.error?.issues.map((i) => i.path.join('.')), [`lastFix.${field}`], field);
    }
  });
});
