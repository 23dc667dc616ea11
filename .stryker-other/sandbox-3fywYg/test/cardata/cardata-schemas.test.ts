// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ChargingSessionSchema, ContainersSchema, DeviceCodeSchema, MappingsSchema, readStreamMessage, readTelematicData, TokenSchema } from '../../src/brands/cardata/schemas';

const VIN = 'WBY31AW0X0FCD0001';
const VIN2 = 'WMZ21GA0X07CD0002';
const mapping = { vin: VIN, mappedSince: '2024-01-01T00:00:00Z', mappingType: 'PRIMARY' };
const mapping2 = { vin: VIN2, mappedSince: '2025-03-01T00:00:00Z', mappingType: 'SECONDARY' };

describe('CarData schemas: numbers, mapping lists, containers', () => {
  it('reads a number or a numeric text as a number, and anything else (empty or blank text, null, a boolean) as absent', () => {
    const table: [unknown, number | undefined][] = [
      [3600, 3600],
      ['3600', 3600],
      [' 3600 ', 3600],
      ['12.5', 12.5],
      ['', undefined],
      ['   ', undefined],
      [null, undefined],
      [true, undefined],
      [false, undefined],
      [[], undefined],
      ['soon', undefined],
      ['Infinity', undefined],
    ];
    for (const [given, expected] of table) {
      const token = TokenSchema.parse({ access_token: 'at-1', token_type: 'Bearer', expires_in: given });
      assert.equal(token.expires_in, expected, `expires_in ${JSON.stringify(given)}`);
      const code = DeviceCodeSchema.parse({ device_code: 'dc', user_code: 'UC-1', verification_uri: 'https://example.test/device', interval: given });
      assert.equal(code.interval, expected, `interval ${JSON.stringify(given)}`);
      const session = ChargingSessionSchema.parse({ startTime: 1_795_156_800, displayedSoc: given, mileageUnits: 'MileageUnits.MI' });
      assert.equal(session.displayedSoc, expected, `displayedSoc ${JSON.stringify(given)}`);
    }
  });

  it('reads the mappings from a list, a single mapping, or a {mappings|vehicles|data} wrapper; anything else fails', () => {
    const table: [string, unknown, string[] | 'fails'][] = [
      ['a list', [mapping, mapping2], [VIN, VIN2]],
      ['a single mapping', mapping, [VIN]],
      ['a mappings wrapper', { mappings: [mapping, mapping2] }, [VIN, VIN2]],
      ['a vehicles wrapper', { vehicles: [mapping2] }, [VIN2]],
      ['a data wrapper', { data: [mapping] }, [VIN]],
      ['a wrapper with a vin that is not text', { vin: 7, data: [mapping2] }, [VIN2]],
      ['an unknown wrapper', { cars: [mapping] }, 'fails'],
      ['a wrapper whose list is not a list', { mappings: mapping }, 'fails'],
      ['null', null, 'fails'],
      ['a text', VIN, 'fails'],
    ];
    for (const [what, body, expected] of table) {
      const p = MappingsSchema.safeParse(body);
      if (expected === 'fails') assert.equal(p.success, false, what);
      else {
        assert.ok(p.success, what);
        assert.deepEqual(p.data.map((m) => m.vin), expected, what);
      }
    }
    assert.deepEqual(MappingsSchema.parse({ data: [mapping, { vin: '' }, 'x'] }), [mapping], 'an item that is not a mapping is left out');
  });

  it('takes a list as the list, even one that carries a "vin" property of its own', () => {
    const list = Object.assign([mapping2], { vin: VIN });
    assert.deepEqual(MappingsSchema.parse(list).map((m) => m.vin), [VIN2]);
  });

  it('reads the containers from a bare list as from a {containers} wrapper', () => {
    const containers = [{ containerId: 'c-1', name: 'connected-car', purpose: 'node-red', technicalDescriptors: ['vehicle.vehicle.travelledDistance'] }, { name: 'no id' }];
    assert.deepEqual(ContainersSchema.parse(containers), [containers[0]]);
    assert.deepEqual(ContainersSchema.parse({ containers }), [containers[0]]);
    assert.deepEqual(ContainersSchema.parse({}), []);
  });
});

describe('CarData telematic readers: a usual body is taken as it is, not copied', () => {
  const values: [string, Record<string, unknown>][] = [
    ['unit and timestamp as text', { value: '70', unit: '%', timestamp: '2026-11-20T07:55:03.000Z' }],
    ['unit and timestamp null', { value: null, unit: null, timestamp: null }],
    ['no unit and no timestamp', { value: true }],
    ['a unit text and a null timestamp', { value: '301', unit: 'km', timestamp: null }],
    ['a null unit and a timestamp text', { value: 'CHARGING', unit: null, timestamp: '2026-11-20T07:41:12.000Z' }],
  ];

  it('keeps each usual value object itself, and the whole record when every value is usual', () => {
    for (const [what, value] of values) {
      const telematicData = { 'vehicle.drivetrain.electricEngine.charging.hvStatus': value };
      const read = readTelematicData({ telematicData });
      assert.ok(read, what);
      assert.equal(read.telematicData, telematicData, `${what}: the record itself`);
      assert.equal(read.telematicData['vehicle.drivetrain.electricEngine.charging.hvStatus'], value, `${what}: the value itself`);
      const data = { 'vehicle.cabin.door.row1.driver.isOpen': value };
      const message = readStreamMessage({ vin: VIN, topic: `gcid/${VIN}`, data });
      assert.ok(message, what);
      assert.equal(message.data, data, `${what}: the stream record itself`);
    }
  });

  it('copies a value whose unit or timestamp is not text, and the record around it, dropping the odd field', () => {
    const usual = { value: '70', unit: '%', timestamp: '2026-11-20T07:55:03.000Z' };
    const odd = { value: '12500', unit: 5, timestamp: '2026-11-20T07:50:00Z' };
    const telematicData = { a: usual, b: odd };
    const read = readTelematicData({ telematicData });
    assert.ok(read);
    assert.notEqual(read.telematicData, telematicData);
    assert.equal(read.telematicData.a, usual);
    assert.deepEqual(read.telematicData.b, { value: '12500', unit: undefined, timestamp: '2026-11-20T07:50:00Z' });
    assert.deepEqual(odd, { value: '12500', unit: 5, timestamp: '2026-11-20T07:50:00Z' }, 'the body is not changed');
  });

  it('copies a value or record that JSON.parse would not make (another prototype)', () => {
    const value: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { value: '1', unit: 'km' });
    const read = readTelematicData({ telematicData: { k: value } });
    assert.ok(read);
    assert.notEqual(read.telematicData.k, value);
    assert.deepEqual({ ...read.telematicData.k }, { value: '1', unit: 'km' });
  });
});
