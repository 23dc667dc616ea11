// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { StatusFragment } from '../../src/core';
import { mapEndpoint, type ReadEndpointName } from '../../src/brands/renault/endpoints';
import { combineRange } from '../../src/brands/renault/map';
import { parseRenault } from '../../src/brands/renault/parse';

/**
 * The exact values the Kamereon reads map to, one table per read, each row a single field of
 * the answer: units, limits, modes, plug and charge states. The fixtures (conformance.test.ts)
 * show what real answers look like; these rows reach the values no fixture holds.
 */

type Attributes = Record<string, unknown>;

/** A KCA answer `{data: {type, id, attributes}}` around some attributes. */
const kca = (attributes: Attributes): unknown => ({ data: { type: 'Car', id: 'VF1TESTMAP0000001', attributes } });

function mapped(read: ReadEndpointName, attributes: Attributes, modelCode?: string): StatusFragment {
  return mapEndpoint(read, kca(attributes), modelCode ? { modelCode } : {}).mapped as StatusFragment;
}

/** Each row: what the car sent, and the fragment it must become (deepEqual: nothing more). */
function table(read: ReadEndpointName, rows: [Attributes, StatusFragment, string?][]): void {
  for (const [attributes, expected, modelCode] of rows) {
    assert.deepEqual(mapped(read, attributes, modelCode), expected, `${read} ${JSON.stringify(attributes)}${modelCode ? ` on ${modelCode}` : ''}`);
  }
}

describe('Renault mapping: the values of each read', () => {
  it('maps every chargingStatus of spec §5.1 to its state, -1 by model, an unknown one to unknown', () => {
    const cases: [number, string, string?][] = [
      [0, 'not_charging'],
      [0.1, 'waiting_for_schedule'],
      [0.2, 'ended'],
      [0.3, 'waiting_for_current'],
      // Sent as a float's noise (0.30000000000000004): read at one decimal.
      [0.1 + 0.2, 'waiting_for_current'],
      [0.4, 'flap_open'],
      [1, 'charging'],
      [-1, 'error'],
      [-1, 'error', 'X102VE'],
      // The ZE40 says -1 when simply not charging.
      [-1, 'not_charging', 'X101VE'],
      [-1.1, 'unavailable'],
      [-1.3, 'waiting_for_current'],
      [-1.4, 'discharging'],
      [-1.5, 'discharging'],
      [-1.6, 'charging'],
      [2, 'unknown'],
      [-2, 'unknown'],
    ];
    for (const [chargingStatus, state, modelCode] of cases) {
      const charging = mapped('battery-status', { chargingStatus }, modelCode).charging;
      assert.equal(charging?.state, state, `chargingStatus ${chargingStatus}${modelCode ? ` on ${modelCode}` : ''}`);
    }
  });

  it('maps plugStatus with the charge state (3 is plugged only when the state needs a cable), and no charging part when neither is sent', () => {
    table('battery-status', [
      [{ plugStatus: 0 }, { charging: { state: 'unknown', plug: 'unplugged' } }],
      [{ plugStatus: 1 }, { charging: { state: 'unknown', plug: 'plugged' } }],
      [{ plugStatus: -1 }, { charging: { state: 'unknown', plug: 'error' } }],
      [{ plugStatus: 3, chargingStatus: 0.3 }, { charging: { state: 'waiting_for_current', plug: 'plugged' } }],
      [{ plugStatus: 3, chargingStatus: 0.2 }, { charging: { state: 'ended', plug: 'plugged' } }],
      [{ plugStatus: 3, chargingStatus: 0 }, { charging: { state: 'not_charging', plug: 'unknown' } }],
      [{ plugStatus: 3 }, { charging: { state: 'unknown', plug: 'unknown' } }],
      // Only 3 is decided by the state: another unknown value stays unknown even while charging.
      [{ plugStatus: 2, chargingStatus: 1 }, { charging: { state: 'charging', plug: 'unknown' } }],
      [{ chargingStatus: 1 }, { charging: { state: 'charging', plug: 'unknown' } }],
      [{ chargingStatus: 7 }, { charging: { state: 'unknown', plug: 'unknown' } }],
      [{ batteryLevel: 50 }, { battery: { socPercent: 50 } }],
      [{}, {}],
    ]);
  });

  it('keeps a state of charge of 0-100 % and a range of 0 km or more, drops what lies outside', () => {
    table('battery-status', [
      [{ batteryLevel: 0, batteryAutonomy: 0 }, { battery: { socPercent: 0, rangeKm: 0 }, rangeKm: 0 }],
      [{ batteryLevel: 100, batteryAutonomy: 412 }, { battery: { socPercent: 100, rangeKm: 412 }, rangeKm: 412 }],
      [{ batteryLevel: 101, batteryAutonomy: -1 }, {}],
      [{ batteryLevel: -1 }, {}],
    ]);
  });

  it('reads mileage from 0 km on and fuel only when sent', () => {
    table('cockpit', [
      [{ totalMileage: 0 }, { mileageKm: 0 }],
      [{ totalMileage: 12604.5 }, { mileageKm: 12604.5 }],
      [{ totalMileage: -1 }, {}],
      [{}, {}],
      [{ fuelQuantity: 0, fuelAutonomy: 0 }, { fuel: { quantityLiters: 0, rangeKm: 0 } }],
      [{ fuelQuantity: -1, fuelAutonomy: 640 }, { fuel: { rangeKm: 640 } }],
    ]);
  });

  it('takes a position up to ±90° / ±180°, and anything past either (91/181 "no fix") as no position', () => {
    table('location', [
      [{ gpsLatitude: 90, gpsLongitude: 180 }, { position: { latitude: 90, longitude: 180 }, positionUnknown: false }],
      [{ gpsLatitude: -90, gpsLongitude: -180 }, { position: { latitude: -90, longitude: -180 }, positionUnknown: false }],
      [{ gpsLatitude: 91, gpsLongitude: 4.8 }, { positionUnknown: true }],
      [{ gpsLatitude: -91, gpsLongitude: 4.8 }, { positionUnknown: true }],
      [{ gpsLatitude: 45.7, gpsLongitude: 181 }, { positionUnknown: true }],
      [{ gpsLatitude: 45.7, gpsLongitude: -181 }, { positionUnknown: true }],
      [{ gpsLatitude: 45.7 }, { positionUnknown: true }],
    ]);
  });

  it('reads the climate as on, off or unknown, in any case', () => {
    table('hvac-status', [
      [{ hvacStatus: 'ON' }, { climate: { state: 'on' } }],
      [{ hvacStatus: 'Off' }, { climate: { state: 'off' } }],
      [{ hvacStatus: 'pending' }, { climate: { state: 'unknown' } }],
      [{}, { climate: { state: 'unknown' } }],
      [{ hvacStatus: 'off', socThreshold: 0 }, { climate: { state: 'off', socThresholdPercent: 0 } }],
      [{ hvacStatus: 'off', socThreshold: 101 }, { climate: { state: 'off' } }],
    ]);
  });

  it('reads the lock as locked, unlocked or unknown, and doors only when the car sends some', () => {
    table('lock-status', [
      [{ lockStatus: 'LOCKED' }, { lock: { state: 'locked' } }],
      [{ lockStatus: 'Unlocked' }, { lock: { state: 'unlocked' } }],
      // Never "unlocked" for a word we do not know.
      [{ lockStatus: 'jammed' }, { lock: { state: 'unknown' } }],
      [{}, {}],
      [{ doorStatusRearLeft: 'AJAR' }, { doors: { rearLeft: 'ajar', anyOpen: true } }],
      [{ hatchStatus: 'open', doorStatusRearRight: 'closed' }, { doors: { rearRight: 'closed', trunk: 'open', anyOpen: true } }],
      [{ doorStatusDriver: 'closed', doorStatusPassenger: 'half' }, { doors: { frontLeft: 'closed', frontRight: 'unknown', anyOpen: false } }],
    ]);
  });

  it('reads tyre pressures of up to 10 000 mbar in kPa, and only warning 0 as ok', () => {
    table('pressure', [
      [{ flPressure: 10_000, flStatus: 0 }, { tires: { frontLeft: { pressureKpa: 1000, warning: 'ok' } } }],
      [{ frPressure: 10_001 }, {}],
      [{ rlPressure: 0 }, {}],
      [{ rrPressure: 2405.4, rrStatus: 1 }, { tires: { rearRight: { pressureKpa: 240.5, warning: 'unknown' } } }],
      [{ flStatus: 2 }, { tires: { frontLeft: { warning: 'unknown' } } }],
    ]);
  });

  it('maps criticity to a severity (higher is worse) and an alert without closure to its status', () => {
    const alert = (a: Attributes) => (mapEndpoint('alerts', [{ alertCode: 'x', ...a }]).mapped as StatusFragment).messages?.[0];
    const severities: [number | undefined, string | undefined][] = [
      [-1, 'info'],
      [0, 'info'],
      [1, 'low'],
      [2, 'medium'],
      [3, 'high'],
      [4, 'critical'],
      [undefined, undefined],
    ];
    for (const [criticity, severity] of severities) assert.equal(alert({ criticity })?.severity, severity, `criticity ${criticity}`);
    assert.deepEqual(alert({ status: 0 }), { kind: 'alert', code: 'x', status: 'open' });
    assert.deepEqual(alert({ status: 2 }), { kind: 'alert', code: 'x', status: '2' });
    assert.deepEqual(alert({}), { kind: 'alert', code: 'x' });
    assert.deepEqual(alert({ status: 0, closureReason: 'archived' }), { kind: 'alert', code: 'x', status: 'archived' });
  });

  it('reads the privacy mode in any case and the GDC gateway as power in W', () => {
    const adapter = (a: Attributes) => mapEndpoint('car-adapter', kca(a)).mapped;
    assert.deepEqual(adapter({ privacyMode: 'ON' }), { privacyMode: true });
    assert.deepEqual(adapter({ privacyMode: 'on' }), { privacyMode: true });
    assert.deepEqual(adapter({ privacyMode: 'off' }), { privacyMode: false });
    assert.deepEqual(adapter({ carGateway: 'gdc' }), { gateway: 'gdc', powerInWatts: true });
    assert.deepEqual(adapter({ carGateway: 'AVN' }), { gateway: 'AVN', powerInWatts: false });
    assert.deepEqual(adapter({}), {});
  });

  it('counts a contract active while its status says ACTIVE and its end has not passed', () => {
    const now = Date.parse('2026-11-20T00:00:00Z');
    const active = (c: Attributes, at = now) => (mapEndpoint('contracts', [{ code: 'C', ...c }], { now: at }).mapped as { active: boolean }[])[0]?.active;
    assert.equal(active({ status: 'active' }), true, 'no end date: active for as long as it says so');
    assert.equal(active({ status: 'ENDED' }), false);
    assert.equal(active({ status: 'REJECTED', endDate: '2030-01-01' }), false);
    assert.equal(active({}), false);
    // A date alone is the last day, included (test/fixtures/renault/kamereon/vehicle_contract: 2023-10-01 to 2027-09-30).
    const nextDay = Date.parse('2026-11-21T00:00:00Z');
    assert.equal(active({ status: 'ACTIVE', endDate: '2026-11-20' }), true, 'active on its last day');
    assert.equal(active({ status: 'ACTIVE', endDate: '2026-11-20' }, nextDay - 1), true, 'up to the end of that day');
    assert.equal(active({ status: 'ACTIVE', endDate: '2026-11-20' }, nextDay), false, 'ended when the day is over');
    assert.equal(active({ status: 'ACTIVE', endDate: ' 2026-11-20 ' }, nextDay - 1), true, 'the same date with blanks around it');
    assert.equal(active({ status: 'ACTIVE', endDate: '2026-11-20T12:00:00Z' }, Date.parse('2026-11-20T12:00:00Z') - 1), true, 'an end with a time: up to that instant');
    assert.equal(active({ status: 'ACTIVE', endDate: '2026-11-20T12:00:00Z' }, Date.parse('2026-11-20T12:00:00Z')), false, 'and not at it');
    assert.equal(active({ status: 'ACTIVE', endDate: 'soon' }), true, 'an end that is no date ends nothing');
  });

  it('maps a vehicle without an energy code as of unknown drivetrain, and details without a VIN to an empty one', () => {
    const details = (d: Attributes) => parseRenault('details', JSON.stringify(d));
    assert.deepEqual(details({}), { vin: '', name: '', drivetrain: 'unknown' });
    assert.deepEqual(details({ vin: 'VF1TESTMAP0000001', brand: { label: 'dacia' }, model: { label: 'SPRING', code: 'XBG1VE' }, energy: { code: 'elec' } }), {
      vin: 'VF1TESTMAP0000001',
      brand: 'dacia',
      model: 'SPRING',
      modelCode: 'XBG1VE',
      name: 'SPRING',
      drivetrain: 'electric',
    });
    const list = parseRenault('vehicles', JSON.stringify({ accountId: 'A', vehicleLinks: [{ vin: 'VF1TESTMAP0000002', brand: 'RENAULT', vehicleDetails: { registrationNumber: 'AB-123-CD' } }] }));
    assert.deepEqual(list, [{ vin: 'VF1TESTMAP0000002', brand: 'renault', name: 'AB-123-CD', registration: 'AB-123-CD', accountId: 'A', drivetrain: 'unknown' }]);
  });

  it('adds electric and fuel range where either is known', () => {
    const cases: [StatusFragment, number | undefined][] = [
      [{}, undefined],
      [{ battery: { socPercent: 50 } }, undefined],
      [{ battery: { rangeKm: 0 } }, 0],
      [{ battery: { rangeKm: 120 } }, 120],
      [{ fuel: { rangeKm: 500 } }, 500],
      [{ battery: { rangeKm: 50 }, fuel: { rangeKm: 600 } }, 650],
    ];
    for (const [fragment, range] of cases) assert.equal(combineRange(fragment), range, JSON.stringify(fragment));
  });
});
