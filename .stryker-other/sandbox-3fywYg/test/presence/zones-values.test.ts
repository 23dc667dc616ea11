/**
 * car-presence's set-up and input, value by value (issue 19): the zones the editor saves,
 * Node-RED's home from settings.js or CAR_PRESENCE_HOME, and the refusals of a message whose
 * position is wrong, each with its exact words.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { homeFromSettings, positionFromMessage, zonesFromDefs, type HomeLocation, type ZoneConfig } from '../../src/features/presence';
import { assertRefused } from '../helpers';

const T0 = Date.parse('2026-05-01T12:00:00Z');

describe('car-presence: refusals of a message position, in their words', () => {
  it('names the field path and the reason when msg.payload is a VehicleStatus that does not parse', () => {
    const status = { vin: 'VF1', provider: 'renault', fetchedAt: '2026-05-01T12:00:00Z' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...status, position: { latitude: '48.8566', longitude: 2.3522 } }, 'position.latitude Invalid input: expected number, received string'],
      [{ ...status, mileageKm: -3 }, 'mileageKm Too small: expected number to be >=0'],
    ];
    for (const [payload, why] of cases) {
      assertRefused(() => positionFromMessage({ payload }, T0), `msg.payload is not a valid VehicleStatus: ${why}`, why);
    }
  });

  it('names msg.location.* or msg.* when the position there is wrong', () => {
    assertRefused(() => positionFromMessage({ location: { lat: 95, lon: 2 } }, T0), 'msg.location.lat must be a number from -90 to 90 (got 95)', 'msg.location');
    assertRefused(() => positionFromMessage({ payload: 'x', location: { latitude: 48, longitude: 'east' } }, T0), 'msg.location.longitude must be a number from -180 to 180 (got "east")', 'msg.location.longitude');
    assertRefused(() => positionFromMessage({ lat: 48, lon: 200 }, T0), 'msg.lon must be a number from -180 to 180 (got 200)', 'msg.lon');
    assertRefused(() => positionFromMessage({ latitude: -91, longitude: 2 }, T0), 'msg.latitude must be a number from -90 to 90 (got -91)', 'msg.latitude');
  });
});

describe("car-presence: Node-RED's home, value by value", () => {
  it('takes settings.js first, with a centre on the equator or on the Greenwich meridian, but not 0,0', () => {
    const cases: [unknown, string | undefined, HomeLocation | undefined][] = [
      [{ latitude: 0, longitude: 9.45 }, '48.8566,2.3522', { latitude: 0, longitude: 9.45, source: 'settings' }],
      [{ latitude: 51.4779, longitude: 0 }, '48.8566,2.3522', { latitude: 51.4779, longitude: 0, source: 'settings' }],
      [{ latitude: '-33.8688', longitude: '151.2093' }, undefined, { latitude: -33.8688, longitude: 151.2093, source: 'settings' }],
      [{ latitude: 0, longitude: 0 }, '48.8566,2.3522', { latitude: 48.8566, longitude: 2.3522, source: 'env' }],
      [{ latitude: 0, longitude: 0 }, undefined, undefined],
      [null, '48.8566,2.3522', { latitude: 48.8566, longitude: 2.3522, source: 'env' }],
    ];
    for (const [setting, env, want] of cases) {
      assert.deepEqual(homeFromSettings(setting, env), want, JSON.stringify([setting, env]));
    }
  });

  it('reads CAR_PRESENCE_HOME as two numbers split by a comma, a semicolon or blanks, and nothing else', () => {
    const cases: [string, { latitude: number; longitude: number } | undefined][] = [
      ['48.8566,2.3522', { latitude: 48.8566, longitude: 2.3522 }],
      ['48.1372,11.5755', { latitude: 48.1372, longitude: 11.5755 }],
      ['  48.1372 ; 11.5755  ', { latitude: 48.1372, longitude: 11.5755 }],
      ['48.8566 , 2.3522', { latitude: 48.8566, longitude: 2.3522 }],
      ['48.8566 2.3522', { latitude: 48.8566, longitude: 2.3522 }],
      ['48,11.5755', { latitude: 48, longitude: 11.5755 }],
      ['48.1372,11', { latitude: 48.1372, longitude: 11 }],
      ['-33.8688,151.2093', { latitude: -33.8688, longitude: 151.2093 }],
      ['0,9.45', { latitude: 0, longitude: 9.45 }],
      ['51.4779,0', { latitude: 51.4779, longitude: 0 }],
      ['0,0', undefined],
      ['1,2,3', undefined],
      ['48.8566,2.3522,35', undefined],
      ['home 48.8566,2.3522', undefined],
      ['48.8566x,2.3522', undefined],
      ['95,2', undefined],
      ['', undefined],
    ];
    for (const [env, want] of cases) {
      assert.deepEqual(homeFromSettings(undefined, env), want ? { ...want, source: 'env' } : undefined, JSON.stringify(env));
    }
  });
});

describe('car-presence: zones from the editor, value by value', () => {
  it('refuses an empty or unreadable zone list with its words', () => {
    const cases: [unknown, string][] = [
      ['', 'zones: at least one zone is needed'],
      ['   ', 'zones: at least one zone is needed'],
      ['[]', 'zones: at least one zone is needed'],
      [[], 'zones: at least one zone is needed'],
      [{ name: 'home' }, 'zones: at least one zone is needed'],
      ['not json', 'zones must be a JSON list of zones'],
      ['[{"name":"home"', 'zones must be a JSON list of zones'],
    ];
    for (const [defs, message] of cases) {
      assertRefused(() => zonesFromDefs(defs, undefined), message, JSON.stringify(defs));
    }
  });

  it('names a zone by its trimmed name, else by its place in the list', () => {
    const at = { latitude: 48.8566, longitude: 2.3522 };
    const zones = zonesFromDefs([{ ...at, name: ' home ' }, { ...at }, { ...at, name: '   ' }], undefined);
    assert.deepEqual(
      zones.map((z) => z.name),
      ['home', 'zone 2', 'zone 3'],
    );
    assertRefused(() => zonesFromDefs([{ latitude: 'north', longitude: 2 }], undefined), 'zone "zone 1": latitude must be a number (got "north")', 'unnamed');
    assertRefused(() => zonesFromDefs([{ ...at, name: 'home' }, 'junk'], undefined), 'zone "zone 2": latitude must be a number (got undefined)', 'not an object');
    assertRefused(() => zonesFromDefs([{ ...at, name: ' home ', radius: 'wide' }], undefined), 'zone "home": radius must be a number (got "wide")', 'a name with blanks');
  });

  it('reads radius, margin and passive, with the defaults for empty and null fields', () => {
    const at = { name: 'home', latitude: '48.8566', longitude: '2.3522' };
    const cases: [Record<string, unknown>, ZoneConfig][] = [
      [{ ...at, radius: null, margin: null, passive: 'true' }, { name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 100, passive: true }],
      [{ ...at, radius: '', margin: '', passive: 'false' }, { name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 100, passive: false }],
      [{ ...at, radius: '250', margin: '0', passive: '' }, { name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 250, marginM: 0, passive: false }],
      [{ ...at, radius: 80, margin: 30 }, { name: 'home', latitude: 48.8566, longitude: 2.3522, radiusM: 80, marginM: 30, passive: false }],
    ];
    for (const [def, want] of cases) {
      assert.deepEqual(zonesFromDefs([def], undefined), [want], JSON.stringify(def));
    }
  });

  it('takes a centre on the equator or on the Greenwich meridian, refuses 0,0', () => {
    assert.deepEqual(zonesFromDefs([{ name: 'gabon', latitude: '0', longitude: '9.45' }], undefined), [
      { name: 'gabon', latitude: 0, longitude: 9.45, radiusM: 100, passive: false },
    ]);
    assert.deepEqual(zonesFromDefs([{ name: 'greenwich', latitude: 51.4779, longitude: 0 }], undefined), [
      { name: 'greenwich', latitude: 51.4779, longitude: 0, radiusM: 100, passive: false },
    ]);
    assertRefused(
      () => zonesFromDefs([{ name: 'null island', latitude: '0', longitude: 0 }], undefined),
      'zone "null island": latitude and longitude are both 0; enter the zone\'s centre',
      '0,0',
    );
  });

  it('refuses a wrong field naming the zone, the field and the reason', () => {
    const at = { name: 'home', latitude: 48.8566, longitude: 2.3522 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...at, longitude: 'east' }, 'zone "home": longitude must be a number (got "east")'],
      [{ ...at, longitude: 200 }, 'zone "home": longitude Too big: expected number to be <=180'],
      [{ ...at, radius: 'wide' }, 'zone "home": radius must be a number (got "wide")'],
      [{ ...at, radius: '-5' }, 'zone "home": radius Too small: expected number to be >0'],
      [{ ...at, radius: 2_000_000 }, 'zone "home": radius Too big: expected number to be <=1000000'],
      [{ ...at, margin: 'x' }, 'zone "home": margin must be a number (got "x")'],
      [{ ...at, margin: -5 }, 'zone "home": margin Too small: expected number to be >=0'],
    ];
    for (const [def, message] of cases) {
      assertRefused(() => zonesFromDefs([def], undefined), message, JSON.stringify(def));
    }
  });
});
