/**
 * car-request's input, value by value (issue 19): the method and path a message or the node
 * gives, the query, and the first check of a path against the provider's prefixes, each
 * refusal with its exact words; and msg.vehicle, which names the car only from its own record.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { Vehicle } from '../../src/core';
import { RAW_PREFIXES } from '../../src/brands/renault/endpoints';
import { buildRawRequest, checkRawPath, placeholders, type RawDefaults, type RawMessage } from '../../src/features/raw-request';
import { vehicleInfo } from '../../src/features/vehicle-info';
import { assertRefused } from '../helpers';

const RENAULT_ALLOWED =
  'allowed: paths under /commerce/v1/accounts/{accountId}/kamereon/, /commerce/v1/accounts/{accountId}/vehicles, /commerce/v1/persons/{personId}';
const PATH_EXAMPLE = 'a path such as /commerce/v1/persons/{personId}';

describe('car-request input, value by value', () => {
  it('takes a method in any case and with blanks around it as GET', () => {
    const cases: [RawDefaults, RawMessage][] = [
      [{ path: '/a' }, { method: ' get ' }],
      [{ path: '/a' }, { method: '\tGet\n' }],
      [{ method: ' GET ', path: '/a' }, {}],
      [{ method: '', path: '/a' }, {}],
    ];
    for (const [defaults, msg] of cases) {
      assert.deepEqual(buildRawRequest(defaults, msg), { method: 'GET', path: '/a' }, JSON.stringify([defaults, msg]));
    }
  });

  it('refuses any other method, with the words pointing to car-command and car-charging', () => {
    const reads = 'car-request only reads (GET); to act on the car use car-command, to change the charging settings car-charging';
    const cases: [RawDefaults, RawMessage, string][] = [
      [{ path: '/a' }, { method: ' post ' }, '" post "'],
      [{ method: 'DELETE', path: '/a' }, {}, '"DELETE"'],
      [{ method: 'GET', path: '/a' }, { method: 'GETS' }, '"GETS"'],
    ];
    for (const [defaults, msg, got] of cases) {
      assertRefused(() => buildRawRequest(defaults, msg), `method: ${reads} (got ${got})`, got);
    }
  });

  it('refuses a query that is null or no object, and a "__proto__" key, naming the query', () => {
    assertRefused(() => buildRawRequest({ path: '/a' }, { query: null }), 'query: Invalid input: expected record, received null (got null)', 'null');
    assertRefused(() => buildRawRequest({ path: '/a' }, { query: 'n=5' }), 'query: Invalid input: expected record, received string (got "n=5")', 'a text');
    assertRefused(
      () => buildRawRequest({ path: '/a' }, { query: JSON.parse('{"n":"5","__proto__":{"x":"1"}}') as unknown }),
      'query: "__proto__" is not a query parameter name',
      '__proto__',
    );
  });

  it('sends a query as texts, and an empty one not at all', () => {
    assert.deepEqual(buildRawRequest({ path: '/a' }, { query: { n: 5, on: false, s: 'x' } }), { method: 'GET', path: '/a', query: { n: '5', on: 'false', s: 'x' } });
    assert.deepEqual(buildRawRequest({ path: '/a' }, { query: {} }), { method: 'GET', path: '/a' });
  });

  it('refuses a request with no path at all, as one with an empty path, saying what a path looks like', () => {
    assertRefused(() => buildRawRequest({}, {}), `path: ${PATH_EXAMPLE} (got "")`, 'no path anywhere');
    assertRefused(() => buildRawRequest({ method: 'GET' }, { method: 'GET' }), `path: ${PATH_EXAMPLE} (got "")`, 'a method but no path');
    assertRefused(() => buildRawRequest({ path: '/a' }, { path: '  ' }), `path: ${PATH_EXAMPLE} (got "  ")`, 'blanks');
    assert.deepEqual(buildRawRequest({ path: '/node' }, { path: ' /msg ' }), { method: 'GET', path: '/msg' }, "the message's path, trimmed");
  });

  it('lists the placeholders the prefixes use, each once, and none for prefixes without any', () => {
    assert.deepEqual(placeholders([]), []);
    assert.deepEqual(placeholders(['/customers/vehicles/mappings', '/customers/containers']), []);
    assert.deepEqual(placeholders(['/customers/vehicles/{vin}/', '/customers/vehicles/mappings', '/x/{vin}/{containerId}']), ['{vin}', '{containerId}']);
    assert.deepEqual(placeholders(RAW_PREFIXES), ['{accountId}', '{personId}']);
  });
});

describe('the first check of a raw path against the prefixes', () => {
  it('refuses a URL or a host-relative path, naming every allowed prefix', () => {
    for (const path of ['https://api.example/commerce/v1/persons/{personId}', 'HTTP://x', 'git+ssh:x', '//evil.example/commerce/v1/persons/{personId}']) {
      assertRefused(() => checkRawPath(path, RAW_PREFIXES), `path: give a path, not a URL (${RENAULT_ALLOWED})`, path);
    }
  });

  it('takes a colon or a double slash later in the path as part of the path', () => {
    checkRawPath('/commerce/v1/persons/{personId}/a:b', RAW_PREFIXES);
    checkRawPath('/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit//', RAW_PREFIXES);
  });

  it('refuses a path that does not start with "/", naming every allowed prefix', () => {
    for (const path of ['commerce/v1/persons/{personId}', 'persons', '1/x']) {
      assertRefused(() => checkRawPath(path, RAW_PREFIXES), `path must start with "/" (${RENAULT_ALLOWED})`, path);
    }
  });

  it('refuses an unknown placeholder, listing the known ones: the three of every provider and those of the prefixes', () => {
    assertRefused(
      () => checkRawPath('/commerce/v1/persons/{who}', RAW_PREFIXES),
      'path: unknown placeholder {who}; known: {accountId}, {vin}, {personId}',
      'Renault',
    );
    assertRefused(
      () => checkRawPath('/x/{containerId}/{}', ['/x/{containerId}']),
      'path: unknown placeholder {}; known: {accountId}, {vin}, {personId}, {containerId}',
      'a prefix with its own placeholder',
    );
  });

  it('refuses "." and ".." segments and encoded slashes and dots', () => {
    const message = 'path: "." and ".." segments and encoded slashes are not allowed';
    for (const path of ['/commerce/v1/persons/{personId}/./x', '/commerce/v1/persons/{personId}/.', '/commerce/v1/persons/{personId}/../x', '/commerce/v1/persons/{personId}/a%2Fb', '/commerce/v1/persons/{personId}/%5C', '/commerce/v1/persons/{personId}/%2E%2E']) {
      assertRefused(() => checkRawPath(path, RAW_PREFIXES), message, path);
    }
    checkRawPath('/commerce/v1/persons/{personId}/a.b/..c/.d', RAW_PREFIXES);
  });

  it('lets a literal id stand for a whole placeholder segment, never an empty one', () => {
    const prefixes = ['/customers/vehicles/{vin}/', '/customers/vehicles/mappings'];
    const allowed = 'allowed: paths under /customers/vehicles/{vin}/, /customers/vehicles/mappings';
    checkRawPath('/customers/vehicles/WBA00000000000001/basicData', prefixes);
    checkRawPath('/customers/vehicles/{vin}/basicData', prefixes);
    checkRawPath('/customers/vehicles/mappings', prefixes);
    for (const path of ['/customers/vehicles//basicData', '/customers/vehicles/WBA00000000000001', '/customers/vehicles', '/customers']) {
      assertRefused(() => checkRawPath(path, prefixes), `path is outside the provider's API (${allowed})`, path);
    }
  });

  it('reads a placeholder in a prefix only as a whole segment: text around it must be there literally', () => {
    for (const prefix of ['/x/{vin}.json', '/x/v{vin}']) {
      assertRefused(() => checkRawPath('/x/ABC', [prefix]), `path is outside the provider's API (allowed: paths under ${prefix})`, prefix);
      checkRawPath(prefix, [prefix]);
    }
  });
});

describe('msg.vehicle', () => {
  const car: Vehicle = { vin: 'VF1AG000862Z50001', brand: 'renault', model: 'ZOE', name: 'Zoé', drivetrain: 'electric' };

  it("names the car by its account's record: brand, model and name, each when known", () => {
    assert.deepEqual(vehicleInfo(car.vin, car), { vin: car.vin, brand: 'renault', model: 'ZOE', name: 'Zoé' });
    assert.deepEqual(vehicleInfo(car.vin, { vin: car.vin, model: 'ZOE', drivetrain: 'electric' }), { vin: car.vin, model: 'ZOE' });
    assert.deepEqual(vehicleInfo(car.vin, { vin: car.vin, name: 'Zoé', drivetrain: 'electric' }), { vin: car.vin, name: 'Zoé' });
    assert.deepEqual(vehicleInfo(car.vin, { vin: car.vin, brand: 'mini', model: '', name: '', drivetrain: 'electric' }), { vin: car.vin, brand: 'mini' });
  });

  it("gives only the VIN without a record or with another car's", () => {
    assert.deepEqual(vehicleInfo(car.vin), { vin: car.vin });
    assert.deepEqual(vehicleInfo('VF1AG000862Z50002', car), { vin: 'VF1AG000862Z50002' });
  });
});
