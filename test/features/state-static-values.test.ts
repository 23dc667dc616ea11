/**
 * The module-level tables of the features-state group, value by value: the names, keys, units and
 * classes of Home Assistant's entities, the topic levels HA's settings accept, which fields of a
 * status each cached part owns, and which optional field send_poi takes from msg.payload.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CallBudget, CarError, ManualClock, type StatusFragment, type StatusPart } from '../../src/core';
import { commandInputFrom } from '../../src/features/commands';
import { discoveryConfigs, HA_COMMANDS, HaSettingsSchema, type HaMessage, type HaOptions, type HaVehicle } from '../../src/features/home-assistant';
import { StatusCache } from '../../src/features/status-cache';

const VIN = 'VF1AG000862Z50001';
const ID = `nrcc_${VIN}`;
const o: HaOptions = { prefix: 'homeassistant', base: 'nrcc', origin: { name: 'node-red-contrib-connected-car', sw_version: '0.1.0' } };
const car: HaVehicle = { vin: VIN, brand: 'renault', model: 'ZOE', name: 'My ZOE' };

/** Every config payload, without the availability, device and origin blocks every entity shares. */
function bodies(messages: HaMessage[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const m of messages) {
    assert.equal(typeof m.payload, 'object', m.topic);
    const { availability: _a, device: _d, origin: _o, ...body } = m.payload as Record<string, unknown>;
    out[m.topic] = body;
  }
  return out;
}

describe('the static tables of the features-state group', () => {
  describe("Home Assistant's buttons", () => {
    const NAMES: [string, string][] = [
      ['climate_start', 'Start climate'],
      ['climate_stop', 'Stop climate'],
      ['charge_start', 'Start charging'],
      ['charge_stop', 'Stop charging'],
      ['horn', 'Horn'],
      ['flash', 'Flash lights'],
    ];
    const configs = bodies(discoveryConfigs(o, car, {}, false, [...HA_COMMANDS]));
    for (const [command, name] of NAMES) {
      it(`names the ${command} button "${name}"`, () => {
        assert.deepEqual(configs[`homeassistant/button/${ID}/${command}/config`], {
          unique_id: `${ID}_${command}`,
          default_entity_id: `button.my_zoe_${command}`,
          name,
          command_topic: `nrcc/${VIN}/command/${command}`,
          payload_press: 'PRESS',
        });
      });
    }
  });

  describe("Home Assistant's sensors", () => {
    const SENSORS: { key: string; field: string; name: string; classes: Record<string, string> }[] = [
      { key: 'soc', field: 'soc', name: 'State of charge', classes: { device_class: 'battery', unit_of_measurement: '%', state_class: 'measurement' } },
      { key: 'range', field: 'range_km', name: 'Range', classes: { device_class: 'distance', unit_of_measurement: 'km', state_class: 'measurement' } },
      { key: 'fuel_level', field: 'fuel_percent', name: 'Fuel level', classes: { unit_of_measurement: '%', state_class: 'measurement' } },
      { key: 'mileage', field: 'mileage_km', name: 'Mileage', classes: { device_class: 'distance', unit_of_measurement: 'km', state_class: 'total_increasing' } },
      { key: 'charging_power', field: 'charging_power_kw', name: 'Charging power', classes: { device_class: 'power', unit_of_measurement: 'kW', state_class: 'measurement' } },
      { key: 'charge_remaining', field: 'charge_remaining_min', name: 'Time to full', classes: { device_class: 'duration', unit_of_measurement: 'min', state_class: 'measurement' } },
      { key: 'outside_temperature', field: 'outside_temperature_c', name: 'Outside temperature', classes: { device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement' } },
      { key: 'last_update', field: 'updated_at', name: 'Last update', classes: { device_class: 'timestamp', entity_category: 'diagnostic' } },
    ];
    for (const s of SENSORS) {
      it(`gives ${s.field} the sensor ${s.key} with its unit and classes, and only that config`, () => {
        const messages = discoveryConfigs(o, car, { [s.field]: 1 }, false, []);
        assert.deepEqual(bodies(messages), {
          [`homeassistant/sensor/${ID}/${s.key}/config`]: {
            unique_id: `${ID}_${s.key}`,
            default_entity_id: `sensor.my_zoe_${s.key}`,
            name: s.name,
            state_topic: `nrcc/${VIN}/state`,
            value_template: `{{ value_json.${s.field} }}`,
            ...s.classes,
          },
        });
      });
    }
  });

  describe("Home Assistant's binary sensors", () => {
    const BINARY: { key: string; name: string; device_class: string; template: string }[] = [
      { key: 'plugged', name: 'Plugged in', device_class: 'plug', template: "{{ 'ON' if value_json.plugged else 'OFF' }}" },
      { key: 'charging', name: 'Charging', device_class: 'battery_charging', template: "{{ 'ON' if value_json.charging else 'OFF' }}" },
      { key: 'lock', name: 'Lock', device_class: 'lock', template: "{{ 'OFF' if value_json.locked else 'ON' }}" },
    ];
    for (const b of BINARY) {
      it(`gives ${b.key} the binary sensor of class ${b.device_class}`, () => {
        const field = b.key === 'lock' ? 'locked' : b.key;
        assert.deepEqual(bodies(discoveryConfigs(o, car, { [field]: true }, false, [])), {
          [`homeassistant/binary_sensor/${ID}/${b.key}/config`]: {
            unique_id: `${ID}_${b.key}`,
            default_entity_id: `binary_sensor.my_zoe_${b.key}`,
            name: b.name,
            device_class: b.device_class,
            state_topic: `nrcc/${VIN}/state`,
            value_template: b.template,
            payload_on: 'ON',
            payload_off: 'OFF',
          },
        });
      });
    }

    const OPENINGS: [string, string][] = [
      ['door_front_left', 'Door front left'],
      ['door_front_right', 'Door front right'],
      ['door_rear_left', 'Door rear left'],
      ['door_rear_right', 'Door rear right'],
      ['door_trunk', 'Door trunk'],
      ['door_hood', 'Door hood'],
      ['window_rear', 'Window rear'],
      ['window_sunroof', 'Window sunroof'],
      ['window_front_left', 'Window front left'],
    ];
    for (const [field, name] of OPENINGS) {
      it(`names the opening ${field} "${name}"`, () => {
        const body = bodies(discoveryConfigs(o, car, { [field]: false }, false, []))[`homeassistant/binary_sensor/${ID}/${field}/config`];
        assert.equal(body?.name, name);
        assert.equal(body.device_class, field.split('_')[0]);
      });
    }
  });

  describe("Home Assistant's topic settings", () => {
    const MESSAGE = 'letters, digits, _ and - in levels separated by /, no + or #';
    for (const topic of ['homeassistant', 'a/b/c', 'my-base_1', 'A9/z_-']) {
      it(`accepts "${topic}" as prefix and base`, () => {
        assert.deepEqual(HaSettingsSchema.safeParse({ prefix: topic, base: topic }), { success: true, data: { prefix: topic, base: topic } });
      });
    }
    for (const topic of ['a+/b', '#', 'a/', '/a', 'a//b', 'bad topic', '', 'ok/bad topic', 'bad topic/ok', 'é']) {
      it(`refuses "${topic}" as prefix and as base, saying what a level may hold`, () => {
        const r = HaSettingsSchema.safeParse({ prefix: topic, base: topic });
        assert.equal(r.success, false);
        assert.deepEqual(
          r.error?.issues.map((i) => [i.path.join('.'), i.message]),
          [
            ['prefix', MESSAGE],
            ['base', MESSAGE],
          ],
        );
      });
    }
  });

  describe('which fields each cached part owns', () => {
    const OWNED: [StatusPart, StatusFragment][] = [
      ['battery', { battery: { socPercent: 80 } }],
      ['fuel', { fuel: { levelPercent: 40 } }],
      ['charging', { charging: { state: 'charging', plug: 'plugged' } }],
      ['lock', { lock: { state: 'locked' } }],
      ['doors', { doors: { frontLeft: 'open' } }],
      ['windows', { windows: { sunroof: 'closed' } }],
      ['tires', { tires: {} }],
      ['climate', { climate: { state: 'off' } }],
      ['position', { position: { latitude: 48.85, longitude: 2.35 } }],
      ['position', { positionUnknown: true }],
      ['mileage', { mileageKm: 12_345 }],
      ['messages', { messages: [] }],
    ];
    const cache = () => {
      const clock = new ManualClock();
      return new StatusCache({
        provider: 'renault',
        clock,
        onStatus: () => undefined,
        budget: new CallBudget({ limit: 100, windowMs: 3_600_000, clock, jitter: 0 }),
        connection: {
          status: { cost: () => 1, read: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no reads here')) },
          raw: { paths: [], endpoints: [], request: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no raw requests here')), readEndpoint: () => Promise.reject(new CarError('NOT_SUPPORTED', 'no endpoints here')) },
        },
      });
    };
    for (const [part, fragment] of OWNED) {
      it(`keeps a pushed ${Object.keys(fragment).join()} as the part ${part}`, () => {
        const c = cache();
        c.pushed(VIN, fragment);
        const parts = c.snapshot().parts[VIN] ?? {};
        assert.deepEqual(Object.keys(parts), [part]);
        assert.deepEqual(parts[part]?.fragment, fragment);
      });
    }
  });

  describe('the optional fields send_poi takes', () => {
    const poi = { latitude: 48.85, longitude: 2.35, name: 'Home' };
    it('takes the poi of a message naming send_poi', () => {
      assert.deepEqual(commandInputFrom({ command: 'send_poi', poi }), { command: 'send_poi', poi });
    });
    it('takes the poi of a message without a command when the node sends send_poi', () => {
      assert.deepEqual(commandInputFrom({ poi, soc: 80 }, { command: 'send_poi' }), { command: 'send_poi', poi });
    });
    it('names send_poi as the command a misplaced poi is for', () => {
      assert.throws(
        () => commandInputFrom({ command: 'horn', poi }),
        (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && e.message === 'poi does not apply to horn; it is for: send_poi',
      );
    });
  });
});
