// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { StatusFragment } from '../../src/core';
import { K, chargingState, legacyDate, lockState, mapTelematic, opening, plug, powerKw } from '../../src/brands/cardata/map';
import type { TelematicValue } from '../../src/brands/cardata/schemas';

const NOW = Date.parse('2026-11-20T08:00:00Z');

/** The status one set of keys maps to, on its own. */
function status(data: Record<string, TelematicValue>): StatusFragment {
  return mapTelematic(data, NOW).status;
}
/** The status of one key, with its unit when given. */
function one(key: string, value: unknown, unit?: string): StatusFragment {
  return status({ [key]: unit === undefined ? { value } : { value, unit } });
}
/** Runs a table of raw value -> expected mapped value, naming the failing row. */
function table<T>(rows: readonly (readonly [unknown, T])[], read: (v: unknown) => unknown): void {
  for (const [raw, want] of rows) assert.deepEqual(read(raw), want, `raw ${JSON.stringify(raw)}`);
}

describe('CarData value readers: the exact values the raw texts and numbers map to', () => {
  it('trims texts and reads the "no value" words (any case, up to SIGNAL_INVALID) as no value, numbers and booleans as text', () => {
    const mode = (v: unknown): string | undefined => status({ [K.hvStatus]: { value: 'CHARGING' }, [K.preference]: { value: v } }).charging?.mode;
    table(
      [
        ['  Eco  ', 'eco'],
        ['IMMEDIATE_CHARGING', 'immediate_charging'],
        ['SIGNAL_INVALID', undefined],
        ['signal_invalid', undefined],
        ['NA', undefined],
        ['n/a', undefined],
        [' Invalid ', undefined],
        [5, '5'],
        [true, 'true'],
        [{ mode: 'eco' }, undefined],
      ],
      mode,
    );
    // "1" and "0" are catalogue spellings of true and false, also as JSON numbers.
    assert.equal(opening({ value: 1 }), 'open');
    assert.equal(opening({ value: 0 }), 'closed');
  });

  it('reads percentages from 0 to 100, with a decimal comma, and nothing outside', () => {
    table(
      [
        ['55,5', 55.5],
        [' 42 ', 42],
        [0, 0],
        [100, 100],
        [-1, undefined],
        [100.5, undefined],
      ],
      (v) => one(K.socDisplayed, v).battery?.socPercent,
    );
  });

  it('reads distances from 0 km, a total range only above 0, energy from 0 kWh', () => {
    table(
      [
        [0, 0],
        [23817, 23817],
        [-1, undefined],
      ],
      (v) => one(K.mileage, v).mileageKm,
    );
    table(
      [
        [0, undefined],
        [1, 1],
        [-3, undefined],
      ],
      (v) => one(K.lastRange, v).rangeKm,
    );
    table(
      [
        [0, 0],
        [42.5, 42.5],
        [-1, undefined],
      ],
      (v) => one(K.energy, v).battery?.availableEnergyKwh,
    );
  });

  it('reads charging minutes from 0 to 65499 (65500 and up: no estimate)', () => {
    const minutes = (v: unknown): number | undefined => status({ [K.hvStatus]: { value: 'CHARGING' }, [K.timeRemaining]: { value: v, unit: 'min' } }).charging?.remainingMinutes;
    table(
      [
        [0, 0],
        [90, 90],
        [65_499, 65_499],
        [65_500, undefined],
        [65_535, undefined],
        [-1, undefined],
      ],
      minutes,
    );
  });

  it('reads fuel in litres from 0, gallons converted, any other unit taken as litres', () => {
    table(
      [
        [[0], 0],
        [[40], 40],
        [[-1], undefined],
        [[10, 'gal'], 37.9],
        [[10, 'Gallons'], 37.9],
        [[10, 'l'], 10],
      ],
      (v) => {
        const [value, unit] = v as [unknown, string | undefined];
        return one(K.fuelLiters, value, unit).fuel?.quantityLiters;
      },
    );
  });

  it('reads tyre pressures above 0 and below 1000 kPa', () => {
    table(
      [
        [0, undefined],
        [1, 1],
        [250, 250],
        [999, 999],
        [1000, undefined],
        [-250, undefined],
      ],
      (v) => one(K.tireFrontLeft, v, 'kPa').tires?.frontLeft?.pressureKpa,
    );
  });

  it('reads the charging power: 0 W is 0 kW, the unit trimmed and spelled out, watts with decimals still watts', () => {
    assert.equal(powerKw({ value: 0, unit: 'W' }), 0);
    assert.equal(powerKw({ value: 11, unit: ' kW ' }), 11);
    assert.equal(powerKw({ value: 11, unit: 'kilowatt' }), 11);
    assert.equal(powerKw({ value: 7400.5, unit: 'W' }), 7.4);
  });

  it('reads a position with latitudes up to ±90, longitudes up to ±180 and headings from 0 to 360', () => {
    const pos = (lat: number, lon: number, heading?: number) => {
      const p = status({
        [K.latitude]: { value: lat },
        [K.longitude]: { value: lon },
        ...(heading === undefined ? {} : { [K.heading]: { value: heading } }),
      }).position;
      return p && { latitude: p.latitude, longitude: p.longitude, headingDeg: p.headingDeg };
    };
    assert.deepEqual(pos(90, -180, 0), { latitude: 90, longitude: -180, headingDeg: 0 });
    assert.deepEqual(pos(-90, 180, 360), { latitude: -90, longitude: 180, headingDeg: 360 });
    assert.deepEqual(pos(48.1, 11.5, 90), { latitude: 48.1, longitude: 11.5, headingDeg: 90 });
    assert.deepEqual(pos(48.1, 11.5, 360.5), { latitude: 48.1, longitude: 11.5, headingDeg: undefined });
    assert.deepEqual(pos(48.1, 11.5, -1), { latitude: 48.1, longitude: 11.5, headingDeg: undefined });
    assert.equal(pos(90.5, 11.5), undefined);
    assert.equal(pos(-90.5, 11.5), undefined);
    assert.equal(pos(48.1, 180.5), undefined);
    assert.equal(pos(48.1, -180.5), undefined);
  });

  it('reads every opening, plug and charging spelling of the catalogue, and nothing else', () => {
    table(
      [
        ['CLOSEDSECURED', 'closed'],
        ['INTERMEDIATE_TILT', 'ajar'],
        ['tilt', 'ajar'],
        ['UNKNOWN', 'unknown'],
        ['ASN_isUnknown', 'unknown'],
        ['HALFWAY', undefined],
      ],
      (v) => opening({ value: v }),
    );
    table(
      [
        ['PLUGGED', 'plugged'],
        ['UNPLUGGED', 'unplugged'],
        ['Disconnected', 'unplugged'],
        ['ERROR', 'error'],
        ['SOMETIMES', undefined],
      ],
      (v) => plug({ value: v }),
    );
    table(
      [
        ['FULLY CHARGED', 'fully_charged'],
        ['waiting-for-charging', 'waiting_for_schedule'],
      ],
      (v) => chargingState({ value: v }),
    );
  });

  it('reads lock states, the new door status first, an ASN_ prefix only at the start', () => {
    table(
      [
        ['UNLOCKED', 'unlocked'],
        ['ASN_LOCKED', 'locked'],
        ['oldDoorStatus: unlocked newDoorStatus: locked', 'locked'],
        ['oldDoorStatus: ASN_locked newDoorStatus: ASN_unlocked', 'unlocked'],
        ['UNKNOWN', 'unknown'],
        ['ASN_unknown', 'unknown'],
        // An ASN_ inside the text is not a prefix: removing it would make "locked" of this.
        ['LOCKASN_ED', undefined],
        ['DOORS', undefined],
      ],
      (v) => lockState({ value: v }),
    );
  });

  it('reads climate states and the GPS fix in any case; an unknown fix stays raw', () => {
    table(
      [
        ['heating', 'heating'],
        ['Comfort_Cooling', 'cooling'],
      ],
      (v) => one(K.climateActivity, v).climate?.state,
    );
    for (const v of ['NO_FIX', 'GPS_FIX_2D', 'GPS_FIX_3D', 'gps_fix_3d']) assert.equal(K.fixStatus in mapTelematic({ [K.fixStatus]: { value: v } }, NOW).unmapped, false, v);
    for (const v of ['FIX', 'GPS_FIX_4D']) assert.equal(K.fixStatus in mapTelematic({ [K.fixStatus]: { value: v } }, NOW).unmapped, true, v);
    assert.equal(one(K.fixStatus, 'no_fix').positionUnknown, true);
    assert.equal(one(K.fixStatus, 'GPS_FIX_3D').positionUnknown, undefined);
  });

  it('reads legacy dates with hours, minutes and seconds, only at the start of the text', () => {
    // The trailing " h" keeps Date.parse (the ISO fallback) from reading these texts: only the patterns can.
    table(
      [
        ['01.03.2028 10:30:45 h', '2028-03-01T10:30:45.000Z'],
        ['01.03.2028  10:30 h', '2028-03-01T10:30:00.000Z'],
        ['01.03.2028 10:30 h', '2028-03-01T10:30:00.000Z'],
        ['01.03.2028 h', '2028-03-01T00:00:00.000Z'],
        ['x01.03.2028 h', undefined],
        ['03/01/2028 10:30:45 h', '2028-03-01T10:30:45.000Z'],
        ['03/01/2028  10:30 h', '2028-03-01T10:30:00.000Z'],
        ['03/01/2028 h', '2028-03-01T00:00:00.000Z'],
        ['x03/01/2028 h', undefined],
      ],
      legacyDate,
    );
  });

  it('reads message lists as arrays, JSON text (leading blanks too) or objects holding the list under a known name', () => {
    const codes = (v: unknown): string[] | undefined => one(K.checkControl, v).messages?.map((m) => m.code ?? '?');
    table(
      [
        [' [{"type":"ENGINE_OIL"}]', ['ENGINE_OIL']],
        [{ messages: [{ type: 'A' }] }, ['A']],
        [{ checkControlMessages: [{ type: 'B' }] }, ['B']],
        [{ conditionBasedServices: [{ type: 'C' }] }, ['C']],
        [{ services: [{ type: 'D' }] }, ['D']],
        [{ items: [{ type: 'E' }] }, ['E']],
        [{ data: [{ type: 'F' }] }, ['F']],
        [{ other: [{ type: 'G' }] }, undefined],
        // JSON text inside JSON text is no list.
        [JSON.stringify('[{"type":"H"}]'), undefined],
      ],
      codes,
    );
  });
});
