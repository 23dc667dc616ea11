// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { K, TelematicState } from '../../src/brands/cardata/map';
import type { TelematicValue } from '../../src/brands/cardata/schemas';

const NOW = Date.parse('2026-11-20T08:00:00Z');
const t = (min: number): string => new Date(NOW + min * 60_000).toISOString();

/** The messages one check-control value maps to, on a fresh state. */
function messages(value: unknown): unknown {
  const s = new TelematicState();
  s.apply({ [K.checkControl]: { value } }, NOW);
  return s.fragment(['messages']).messages;
}

function state(data: Record<string, TelematicValue>): TelematicState {
  const s = new TelematicState();
  s.apply(data, NOW);
  return s;
}

describe('CarData TelematicState: messages, freshness and whole parts', () => {
  it('reads each field of a check-control or service message under every name it comes by', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      // Texts are trimmed; a blank text is no text and the next name is tried.
      [{ type: '   ', code: '  OIL  ', title: ' Oil ', description: '  low ', status: ' ACTIVE ' }, { code: 'OIL', title: 'Oil', description: 'low', status: 'active' }],
      // Numbers are texts too; NaN is none.
      [{ type: Number.NaN, code: 42 }, { code: '42' }],
      [{ type: true, id: 'ID1' }, { code: 'ID1' }],
      [{ ccmId: 955 }, { code: '955' }],
      [{ name: 'TIRE' }, { code: 'TIRE', title: 'TIRE' }],
      [{ text: 'Check tyres' }, { title: 'Check tyres', description: 'Check tyres' }],
      [{ longDescription: 'Long one' }, { description: 'Long one' }],
      [{ state: 'OPEN' }, { status: 'open' }],
      [{ criticality: 'RED' }, { severity: 'high' }],
      [{ severity: 'whatever' }, {}],
      [{ dateTime: '01.03.2028 10:30 UTC' }, { dueAt: '2028-03-01T10:30:00.000Z' }],
      [{ dueDate: '2028-04-02T00:00:00Z' }, { dueAt: '2028-04-02T00:00:00.000Z' }],
      [{ date: '05/06/2028' }, { dueAt: '2028-05-06T00:00:00.000Z' }],
      [{ mileage: 1200 }, { dueKm: 1200 }],
      [{ remainingMileage: '800' }, { dueKm: 800 }],
      [{ distance: 0 }, { dueKm: 0 }],
      [{ distance: -300 }, {}],
    ];
    for (const [raw, want] of cases) assert.deepEqual(messages([raw]), [{ kind: 'check_control', ...want }], JSON.stringify(raw));
    // Service messages are of kind 'service'.
    const s = state({ [K.services]: { value: [{ type: 'BRAKE_FLUID' }] } });
    assert.deepEqual(s.fragment(['messages']).messages, [{ kind: 'service', code: 'BRAKE_FLUID' }]);
  });

  it('skips list items that are no objects: null, texts, numbers, lists', () => {
    assert.deepEqual(messages([null, 'OIL', 7, ['x'], { code: 'A' }]), [{ kind: 'check_control', code: 'A' }]);
  });

  it('adds the legal inspection date as one VEHICLE_TUV service message, unless a message has that code', () => {
    const legal = { value: '01.03.2028 00:00 UTC' };
    const tuv = { kind: 'service', code: 'VEHICLE_TUV', title: 'Statutory inspection', dueAt: '2028-03-01T00:00:00.000Z' };
    assert.equal(state({ [K.mileage]: { value: 10 } }).fragment().messages, undefined, 'no message key: no messages');
    assert.ok(!('messages' in state({ [K.mileage]: { value: 10 } }).fragment()));
    assert.deepEqual(state({ [K.inspectionDue]: legal }).fragment().messages, [tuv]);
    assert.deepEqual(state({ [K.inspectionDue]: legal, [K.services]: { value: [] } }).fragment().messages, [tuv]);
    assert.deepEqual(state({ [K.inspectionDue]: legal, [K.services]: { value: [{ type: 'OIL' }] } }).fragment().messages, [{ kind: 'service', code: 'OIL' }, tuv]);
    assert.deepEqual(state({ [K.inspectionDue]: legal, [K.services]: { value: [{ type: 'VEHICLE_TUV', dueDate: '2028-02-01T00:00:00Z' }, { type: 'OIL' }] } }).fragment().messages, [
      { kind: 'service', code: 'VEHICLE_TUV', dueAt: '2028-02-01T00:00:00.000Z' },
      { kind: 'service', code: 'OIL' },
    ]);
    assert.deepEqual(state({ [K.services]: { value: [] } }).fragment().messages, []);
  });

  it('ignores keys without a value, lets a value of the same time replace the known one, keeps units in the snapshot', () => {
    const s = new TelematicState();
    const a = s.apply({ [K.mileage]: { value: undefined }, [K.fuelLevel]: { value: null } }, NOW);
    assert.deepEqual(a.unmapped, {});
    assert.equal(s.size, 0);
    s.apply({ [K.mileage]: { value: 100, unit: 'km', timestamp: t(1) } }, NOW);
    s.apply({ [K.mileage]: { value: 200, unit: 'km', timestamp: t(1) } }, NOW);
    assert.equal(s.fragment(['mileage']).mileageKm, 200);
    s.apply({ [K.mileage]: { value: 300, unit: 'km', timestamp: t(0) } }, NOW);
    assert.equal(s.fragment(['mileage']).mileageKm, 200, 'older: ignored');
    assert.deepEqual(s.snapshot(), { [K.mileage]: { value: 200, unit: 'km', timestamp: t(1) } });
    // An unreadable value is kept raw, but never stands in for a readable key of the same meaning.
    const soc = state({ [K.socHeader]: { value: 'INVALID' }, [K.socDisplayed]: { value: 55 } });
    assert.equal(soc.fragment(['battery']).battery?.socPercent, 55);
  });

  it('reports as touched only the parts the message let it build', () => {
    const parts = (data: Record<string, TelematicValue>): unknown => new TelematicState().apply(data, NOW).parts;
    const cases: [Record<string, TelematicValue>, string[]][] = [
      [{ [K.mileage]: { value: 'INVALID' } }, []],
      [{ [K.mileage]: { value: 12 } }, ['mileage']],
      [{ [K.fuelLevel]: { value: 'INVALID' } }, []],
      [{ [K.fuelLevel]: { value: 40 } }, ['fuel']],
      [{ [K.latitude]: { value: 48.1 } }, []],
      [{ [K.latitude]: { value: 48.1 }, [K.longitude]: { value: 11.5 } }, ['position']],
      [{ [K.fixStatus]: { value: 'NO_FIX' } }, ['position']],
      [{ [K.fixStatus]: { value: 'GPS_FIX_3D' } }, []],
    ];
    for (const [data, want] of cases) assert.deepEqual(parts(data), want, JSON.stringify(data));
  });

  it('takes the freshest of keys saying the same thing (ties: the first listed) and says when any opening stands open', () => {
    const doors = (data: Record<string, TelematicValue>): unknown => state(data).fragment(['doors']).doors;
    assert.deepEqual(doors({ [K.trunk]: { value: 'CLOSED', timestamp: t(1) }, [K.trunkDoor]: { value: 'OPEN', timestamp: t(2) } }), { trunk: 'open', anyOpen: true });
    assert.deepEqual(doors({ [K.trunk]: { value: 'OPEN', timestamp: t(2) }, [K.trunkDoor]: { value: 'CLOSED', timestamp: t(1) } }), { trunk: 'open', anyOpen: true });
    assert.deepEqual(doors({ [K.trunk]: { value: 'CLOSED', timestamp: t(1) }, [K.trunkDoor]: { value: 'OPEN', timestamp: t(1) } }), { trunk: 'closed', anyOpen: false });
    assert.deepEqual(doors({ [K.hood]: { value: 'INTERMEDIATE' } }), { hood: 'ajar', anyOpen: true });
    assert.deepEqual(doors({ [K.hood]: { value: 'UNKNOWN' } }), { hood: 'unknown', anyOpen: false });
    assert.ok(!('doors' in state({ [K.mileage]: { value: 1 } }).fragment()));
    const w = state({ [K.sunroof]: { value: 'TILT' }, [K.windowFrontLeft]: { value: 'CLOSED' } }).fragment();
    assert.deepEqual(w.windows, { frontLeft: 'closed', sunroof: 'ajar', anyOpen: true });
    assert.ok(!('windows' in state({ [K.mileage]: { value: 1 } }).fragment()));
    assert.ok(!('windows' in state({ [K.sunroof]: { value: 'TILT' } }).fragment(['doors'])));
  });

  it('dates a part by its newest value, its own timestamp else when it arrived', () => {
    const charging = (data: Record<string, TelematicValue>): unknown => state(data).fragment(['charging']).charging;
    assert.deepEqual(charging({ [K.hvStatus]: { value: 'NOT_CHARGING', timestamp: t(1) }, [K.plugStatus]: { value: 'CONNECTED', timestamp: t(3) } }), {
      state: 'not_charging',
      plug: 'plugged',
      updatedAt: t(3),
    });
    assert.deepEqual(charging({ [K.hvStatus]: { value: 'NOT_CHARGING', timestamp: t(3) }, [K.plugStatus]: { value: 'CONNECTED', timestamp: t(1) } }), {
      state: 'not_charging',
      plug: 'plugged',
      updatedAt: t(3),
    });
    assert.deepEqual(state({ [K.lockStatus]: { value: 'LOCKED' } }).fragment(['lock']).lock, { state: 'locked', updatedAt: t(0) });
  });

  it('builds charging from the state or the plug alone', () => {
    const charging = (data: Record<string, TelematicValue>): unknown => state(data).fragment(['charging']).charging;
    const cases: [Record<string, TelematicValue>, unknown][] = [
      [{ [K.plugStatus]: { value: 'DISCONNECTED', timestamp: t(1) } }, { state: 'not_charging', plug: 'unplugged', updatedAt: t(1) }],
      [{ [K.plugStatus]: { value: 'CONNECTED', timestamp: t(1) } }, { state: 'unknown', plug: 'plugged', updatedAt: t(1) }],
      [{ [K.hvStatus]: { value: 'NOT_CHARGING', timestamp: t(1) }, [K.power]: { value: 7400, unit: 'W', timestamp: t(2) } }, { state: 'not_charging', plug: 'unknown', updatedAt: t(1) }],
      [{ [K.hvStatus]: { value: 'CHARGING', timestamp: t(1) } }, { state: 'charging', plug: 'plugged', updatedAt: t(1) }],
      [{ [K.power]: { value: 7400, unit: 'W' } }, undefined],
    ];
    for (const [data, want] of cases) assert.deepEqual(charging(data), want, JSON.stringify(data));
  });

  it('builds battery, fuel and the total range only from what the car sent, and only the parts asked for', () => {
    const fuelOnly = state({ [K.fuelLevel]: { value: 40 }, [K.fuelRange]: { value: 300 } });
    assert.deepEqual(fuelOnly.fragment(), { fuel: { levelPercent: 40, rangeKm: 300 }, rangeKm: 300 });
    assert.deepEqual(fuelOnly.fragment(['battery']), { rangeKm: 300 });
    assert.deepEqual(fuelOnly.fragment(['fuel']), { fuel: { levelPercent: 40, rangeKm: 300 }, rangeKm: 300 });
    const bev = state({ [K.socHeader]: { value: 80, timestamp: t(1) }, [K.electricRange]: { value: 250 } });
    assert.deepEqual(bev.fragment(), { battery: { socPercent: 80, rangeKm: 250, updatedAt: t(1) }, rangeKm: 250 });
    assert.deepEqual(bev.fragment(['fuel']), { rangeKm: 250 });
    assert.deepEqual(state({ [K.energy]: { value: 80.5 } }).fragment(['battery']), { battery: { availableEnergyKwh: 80.5 } });
    assert.deepEqual(state({ [K.mileage]: { value: 5 } }).fragment(['battery', 'fuel']), {});
    assert.deepEqual(state({ [K.fuelLiters]: { value: 20 } }).fragment(['battery', 'fuel']), { fuel: { quantityLiters: 20 } });
  });

  it('builds tires, climate and position whole, and only when asked', () => {
    const s = state({
      [K.tireFrontLeft]: { value: 230 },
      [K.tireTargetFrontLeft]: { value: 250 },
      [K.tireRearRight]: { value: 240 },
      [K.climateActivity]: { value: 'HEATING', timestamp: t(2) },
      [K.targetTemperature]: { value: 21 },
      [K.latitude]: { value: 48.1, timestamp: t(1) },
      [K.longitude]: { value: 11.5, timestamp: t(1) },
      [K.heading]: { value: 90 },
    });
    assert.deepEqual(s.fragment(['tires', 'climate', 'position']), {
      tires: { frontLeft: { pressureKpa: 230, targetPressureKpa: 250 }, rearRight: { pressureKpa: 240 } },
      climate: { state: 'heating', targetTemperatureC: 21, updatedAt: t(2) },
      position: { latitude: 48.1, longitude: 11.5, headingDeg: 90, updatedAt: t(1) },
      positionUnknown: false,
    });
    assert.deepEqual(s.fragment(['mileage']), {});
    assert.deepEqual(state({ [K.tireFrontLeft]: { value: 'INVALID' } }).fragment(['tires']), {});
    assert.deepEqual(state({ [K.fixStatus]: { value: 'NO_FIX' } }).fragment(), { positionUnknown: true });
    assert.deepEqual(state({ [K.fixStatus]: { value: 'GPS_FIX_3D' } }).fragment(), {});
    assert.deepEqual(state({ [K.fixStatus]: { value: 'NO_FIX' } }).fragment(['mileage']), {});
  });
});
