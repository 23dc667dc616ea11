import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { K, MAPPED_KEYS, CONTAINER_KEYS, REST_ONLY_KEYS, REST_ONLY_PARTS, mapTelematic, opening, plug } from '../../src/brands/cardata/map';
import { STREAM_PARTS } from '../../src/brands/cardata/connection';
import { ChargingSessionSchema } from '../../src/brands/cardata/schemas';
import { REST_ONLY } from '../../src/sim/cardata/world';

const NOW = Date.parse('2026-11-20T08:00:00Z');

/** Runs a table of raw value -> expected mapped value, naming the failing row. */
function table<T>(rows: readonly (readonly [unknown, T])[], read: (v: unknown) => unknown): void {
  for (const [raw, want] of rows) assert.deepEqual(read(raw), want, `raw ${JSON.stringify(raw)}`);
}

describe('CarData tables: the "no value" words, units, yes/no spellings and the key lists', () => {
  it('reads an empty or blank text and the words -NA-, NONE and NULL (any case) as no value, and keeps the key raw', () => {
    const rows: [unknown, string | undefined][] = [
      ['', undefined],
      ['   ', undefined],
      ['-NA-', undefined],
      ['-na-', undefined],
      ['NONE', undefined],
      ['None', undefined],
      ['NULL', undefined],
      [' null ', undefined],
      // Longer texts than the longest "no value" word are values.
      ['NO_PREFERENCE_SET', 'no_preference_set'],
      ['Eco', 'eco'],
    ];
    for (const [raw, want] of rows) {
      const { status, unmapped } = mapTelematic({ [K.hvStatus]: { value: 'CHARGING' }, [K.preference]: { value: raw } }, NOW);
      assert.equal(status.charging?.mode, want, `mode of ${JSON.stringify(raw)}`);
      assert.equal(K.preference in unmapped, want === undefined, `${JSON.stringify(raw)} kept raw`);
    }
  });

  it('converts distances only for the unit words mi, mile and miles, not for units that merely start or end with them', () => {
    table(
      [
        [['1000', 'mi'], 1609.3],
        [['1000', 'Mile'], 1609.3],
        [['1000', 'MILES'], 1609.3],
        [['1000', 'km'], 1000],
        [['1000', 'kWh/100mi'], 1000],
        [['1000', 'mi/kWh'], 1000],
        [['1000', 'miles/h'], 1000],
      ],
      (v) => {
        const [value, unit] = v as [string, string];
        return mapTelematic({ [K.mileage]: { value, unit } }, NOW).status.mileageKm;
      },
    );
  });

  it('converts fuel only for the unit words gal, gallon and gallons, not for units that merely start or end with them', () => {
    table(
      [
        [['10', 'gal'], 37.9],
        [['10', 'GALLON'], 37.9],
        [['10', 'gallons'], 37.9],
        [['10', 'mi/gal'], 10],
        [['10', 'gal/100mi'], 10],
        [['10', 'gallons/h'], 10],
      ],
      (v) => {
        const [value, unit] = v as [string, string];
        return mapTelematic({ [K.fuelLiters]: { value, unit } }, NOW).status.fuel?.quantityLiters;
      },
    );
  });

  it('reads YES and ON as open and plugged, NO and OFF as closed and unplugged, in any case', () => {
    table(
      [
        ['YES', 'open'],
        ['yes', 'open'],
        ['ON', 'open'],
        ['On', 'open'],
        ['NO', 'closed'],
        ['no', 'closed'],
        ['OFF', 'closed'],
        ['off', 'closed'],
      ],
      (v) => opening({ value: v }),
    );
    table(
      [
        ['Yes', 'plugged'],
        ['ON', 'plugged'],
        ['No', 'unplugged'],
        ['off', 'unplugged'],
      ],
      (v) => plug({ value: v }),
    );
    // As whole parts too: a door reported with YES stands open.
    const doors = mapTelematic({ [K.doorFrontLeft]: { value: 'YES' }, [K.hood]: { value: 'OFF' } }, NOW).status.doors;
    assert.deepEqual(doors, { frontLeft: 'open', hood: 'closed', anyOpen: true });
  });

  it('names the status part each mapped key feeds, the total range apart', () => {
    assert.equal(MAPPED_KEYS[K.socHeader], 'battery');
    assert.equal(MAPPED_KEYS[K.lastRange], 'range');
    assert.equal(MAPPED_KEYS[K.totalRangeCharging], 'range');
    assert.equal(MAPPED_KEYS[K.fuelRange], 'fuel');
    assert.equal(MAPPED_KEYS[K.plugCombined], 'charging');
    assert.equal(MAPPED_KEYS[K.doorStatus], 'lock');
    assert.equal(MAPPED_KEYS[K.sunroof], 'windows');
    assert.equal(MAPPED_KEYS[K.tireTargetRearRight], 'tires');
    assert.equal(MAPPED_KEYS[K.targetTemperature], 'climate');
    assert.equal(MAPPED_KEYS[K.fixStatus], 'position');
    assert.equal(MAPPED_KEYS[K.mileage], 'mileage');
    assert.equal(MAPPED_KEYS[K.inspectionDue], 'messages');
    assert.deepEqual(Object.keys(MAPPED_KEYS).sort(), Object.values(K).slice().sort(), 'every key of K is mapped, and no other');
  });

  it('says the stream carries every part but the messages, which only REST brings', () => {
    assert.deepEqual(REST_ONLY_PARTS, ['messages']);
    assert.deepEqual(STREAM_PARTS, ['battery', 'fuel', 'charging', 'lock', 'doors', 'windows', 'tires', 'climate', 'position', 'mileage']);
  });

  it("lists as REST-only exactly the keys the simulator's stream never carries (the catalogue's non-streamable ones)", () => {
    assert.equal(REST_ONLY_KEYS.length, 4);
    assert.deepEqual(new Set(REST_ONLY_KEYS), REST_ONLY);
    for (const k of REST_ONLY_KEYS) assert.ok(k in MAPPED_KEYS, `${k} is a mapped key`);
  });

  it('asks the container for every mapped key once, in alphabetical order (its name hashes them: the table order must not matter)', () => {
    assert.equal(CONTAINER_KEYS.length, Object.keys(MAPPED_KEYS).length);
    assert.deepEqual(new Set(CONTAINER_KEYS), new Set(Object.keys(MAPPED_KEYS)));
    for (let i = 1; i < CONTAINER_KEYS.length; i++) {
      const [a, b] = [CONTAINER_KEYS[i - 1] as string, CONTAINER_KEYS[i] as string];
      assert.ok(a < b, `${a} before ${b}`);
    }
  });
});

describe('CarData charging history schema: the charging blocks', () => {
  it("reads each block's average grid power as a number (a numeric text too), an unreadable one as absent, and keeps the block's times as they came", () => {
    const session = ChargingSessionSchema.parse({
      startTime: 1_795_156_800,
      chargingBlocks: [
        { startTime: 1_795_156_800, endTime: 1_795_160_400, averagePowerGridKw: 11.2 },
        { startTime: '1795160400', endTime: '1795165200', averagePowerGridKw: '7.4' },
        { startTime: 1_795_165_200, endTime: 1_795_166_000, averagePowerGridKw: 'n/a', phases: 3 },
      ],
    });
    assert.deepEqual(session.chargingBlocks, [
      { startTime: 1_795_156_800, endTime: 1_795_160_400, averagePowerGridKw: 11.2 },
      { startTime: '1795160400', endTime: '1795165200', averagePowerGridKw: 7.4 },
      { startTime: 1_795_165_200, endTime: 1_795_166_000, averagePowerGridKw: undefined, phases: 3 },
    ]);
    assert.equal(session.chargingBlocks?.[1]?.averagePowerGridKw, 7.4);
  });

  it('keeps the blocks when one has no start or end time (one missing key dropped the whole list)', () => {
    const session = ChargingSessionSchema.parse({
      chargingBlocks: [{ startTime: 1_795_156_800, averagePowerGridKw: 11 }, { endTime: 1_795_165_200, averagePowerGridKw: 7.4 }],
    });
    assert.deepEqual(session.chargingBlocks, [
      { startTime: 1_795_156_800, averagePowerGridKw: 11 },
      { endTime: 1_795_165_200, averagePowerGridKw: 7.4 },
    ]);
  });
});
