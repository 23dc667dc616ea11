/**
 * Home Assistant discovery, value by value, without a broker: the state and location documents a
 * status makes, every config a car gets (ids, names, units, templates, which entities exist), the
 * removals, the command topics a press may come on, and the broker CONNECTED_CAR_HA_BROKER names.
 * The node's test against Mosquitto (test/nodes/car-homeassistant.test.ts) checks the same
 * configs against what HA requires; these pin the values.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { CommandName, VehicleStatus } from '../../src/core';
import {
  commandFromTopic,
  discoveryConfigs,
  HA_BROKER_ENV,
  haBrokerOverride,
  locationDocument,
  removals,
  stateDocument,
  topics,
  type HaMessage,
  type HaOptions,
  type HaVehicle,
} from '../../src/features/home-assistant';

const VIN = 'VF1AG000862Z50001';
const ID = `nrcc_${VIN}`;
const UPDATED = '2026-12-04T21:05:00.000Z';
const o: HaOptions = { prefix: 'homeassistant', base: 'nrcc', origin: { name: 'node-red-contrib-connected-car', sw_version: '0.1.0' } };
const car: HaVehicle = { vin: VIN, brand: 'renault', model: 'ZOE', name: 'My ZOE' };

const status = (parts: Partial<VehicleStatus> = {}): VehicleStatus => ({ vin: VIN, provider: 'renault', fetchedAt: '2026-12-04T21:06:00.000Z', ...parts });

/** A car that reports every part HA gets an entity for. */
const everything = status({
  updatedAt: UPDATED,
  mileageKm: 12_345,
  rangeKm: 530,
  battery: { socPercent: 64, rangeKm: 212 },
  fuel: { levelPercent: 41 },
  charging: { state: 'charging', plug: 'plugged', powerKw: 7.4, remainingMinutes: 95 },
  climate: { state: 'off', outsideTemperatureC: -3.5 },
  lock: { state: 'locked' },
  doors: { frontLeft: 'open', frontRight: 'closed', rearLeft: 'ajar', rearRight: 'unknown', trunk: 'closed', hood: 'open', anyOpen: true },
  windows: { rear: 'closed', sunroof: 'ajar', frontLeft: 'closed', anyOpen: true },
  position: { latitude: 48.8566, longitude: 2.3522 },
});

const byTopic = (messages: HaMessage[], topic: string): Record<string, unknown> => {
  const m = messages.find((x) => x.topic === topic);
  assert.ok(m, `${topic} in ${messages.map((x) => x.topic).join(', ')}`);
  assert.equal(typeof m.payload, 'object');
  return m.payload as Record<string, unknown>;
};
const configTopic = (component: string, key: string, id = ID): string => `homeassistant/${component}/${id}/${key}/config`;

const refusal = (message: string) => (e: Error & { code?: string }) => {
  assert.equal(e.code, 'BAD_INPUT');
  assert.equal(e.message, message);
  return true;
};

describe('Home Assistant: the state and location documents', () => {
  it('puts every reported value under its field, as the number the car sent, the battery range before the total one', () => {
    assert.deepEqual(stateDocument(everything), {
      soc: 64,
      range_km: 212,
      fuel_percent: 41,
      mileage_km: 12_345,
      charging_power_kw: 7.4,
      charge_remaining_min: 95,
      outside_temperature_c: -3.5,
      updated_at: UPDATED,
      plugged: true,
      charging: true,
      locked: true,
      door_front_left: true,
      door_front_right: false,
      door_rear_left: true,
      door_trunk: false,
      door_hood: true,
      window_rear: false,
      window_sunroof: true,
      window_front_left: false,
    });
    // A car without a battery part (a combustion car) has the total range only.
    assert.deepEqual(stateDocument(status({ rangeKm: 530 })), { range_km: 530 });
  });

  it('has no field at all for what the car did not report (not even an empty one)', () => {
    const doc = stateDocument(status());
    assert.deepEqual(doc, {});
    assert.deepEqual(Object.keys(stateDocument(status({ battery: { socPercent: 80 } }))), ['soc']);
  });

  it('reads plug, charge and lock states as booleans and leaves out the states that say nothing', () => {
    const cases: [Partial<VehicleStatus>, Record<string, boolean>][] = [
      [{ charging: { state: 'unknown', plug: 'plugged' } }, { plugged: true }],
      [{ charging: { state: 'unknown', plug: 'unplugged' } }, { plugged: false }],
      [{ charging: { state: 'unknown', plug: 'error' } }, {}],
      [{ charging: { state: 'unknown', plug: 'unknown' } }, {}],
      [{ charging: { state: 'charging', plug: 'unknown' } }, { charging: true }],
      [{ charging: { state: 'not_charging', plug: 'unknown' } }, { charging: false }],
      [{ charging: { state: 'fully_charged', plug: 'unknown' } }, { charging: false }],
      [{ charging: { state: 'waiting_for_schedule', plug: 'unknown' } }, { charging: false }],
      [{ charging: { state: 'unavailable', plug: 'unknown' } }, {}],
      [{ lock: { state: 'locked' } }, { locked: true }],
      [{ lock: { state: 'secured' } }, { locked: true }],
      [{ lock: { state: 'unlocked' } }, { locked: false }],
      [{ lock: { state: 'partially_locked' } }, { locked: false }],
      [{ lock: { state: 'unknown' } }, {}],
    ];
    for (const [parts, want] of cases) assert.deepEqual(stateDocument(status(parts)), want, JSON.stringify(parts));
  });

  it('has one field per door and window the car reports, in snake case, true when open or ajar; not anyOpen, not an unknown one', () => {
    assert.deepEqual(stateDocument(status({ doors: { rearRight: 'ajar', hood: 'closed', anyOpen: true } })), { door_rear_right: true, door_hood: false });
    assert.deepEqual(stateDocument(status({ windows: { frontRight: 'open', rearLeft: 'unknown', anyOpen: false } })), { window_front_right: true });
    // A part spread from a fragment may name a door without a value: no field for it either.
    assert.deepEqual(stateDocument(status({ doors: { frontLeft: undefined, trunk: 'open' } })), { door_trunk: true });
  });

  it('gives the tracker numeric coordinates, gps as their source and the car\'s time when it has one', () => {
    assert.deepEqual(locationDocument(everything), { latitude: 48.8566, longitude: 2.3522, source_type: 'gps', last_update: UPDATED });
    assert.deepEqual(locationDocument(status({ position: { latitude: -33.9, longitude: 151.2 } })), { latitude: -33.9, longitude: 151.2, source_type: 'gps' });
    assert.equal(locationDocument(status({ updatedAt: UPDATED })), undefined);
  });
});

describe('Home Assistant: the discovery configs of one car', () => {
  const device = { identifiers: [ID], name: 'My ZOE', manufacturer: 'Renault', model: 'ZOE', serial_number: VIN };
  const common = { availability: [{ topic: `nrcc/${VIN}/availability` }], device, origin: o.origin };
  const commands: CommandName[] = ['climate_start', 'horn', 'charge_start', 'unlock', 'lock', 'refresh'];
  // Made inside each test, not when the suite is declared: the mutation run then knows which tests run this code.
  const all = (): HaMessage[] => discoveryConfigs(o, car, stateDocument(everything), true, commands);

  it('publishes the entities in a fixed order: sensors, binary sensors, openings by key, tracker, the buttons the car accepts but unlock, last command', () => {
    const keys = all().map((m) => {
      const parts = m.topic.split('/');
      assert.equal(parts.length, 5, m.topic);
      assert.deepEqual([parts[0], parts[2], parts[4]], ['homeassistant', ID, 'config'], m.topic);
      return `${parts[1]}/${parts[3]}`;
    });
    assert.deepEqual(keys, [
      'sensor/soc',
      'sensor/range',
      'sensor/fuel_level',
      'sensor/mileage',
      'sensor/charging_power',
      'sensor/charge_remaining',
      'sensor/outside_temperature',
      'sensor/last_update',
      'binary_sensor/plugged',
      'binary_sensor/charging',
      'binary_sensor/lock',
      'binary_sensor/door_front_left',
      'binary_sensor/door_front_right',
      'binary_sensor/door_hood',
      'binary_sensor/door_rear_left',
      'binary_sensor/door_trunk',
      'binary_sensor/window_front_left',
      'binary_sensor/window_rear',
      'binary_sensor/window_sunroof',
      'device_tracker/location',
      'button/climate_start',
      'button/charge_start',
      'button/horn',
      'sensor/last_command',
    ]);
    for (const m of all()) assert.deepEqual([m.retain, m.qos], [true, 1], m.topic);
  });

  it('gives every sensor its field\'s template, unit and classes, with the device (brand capitalised, model, VIN) and availability', () => {
    assert.deepEqual(byTopic(all(), configTopic('sensor', 'soc')), {
      unique_id: `${ID}_soc`,
      default_entity_id: 'sensor.my_zoe_soc',
      name: 'State of charge',
      state_topic: `nrcc/${VIN}/state`,
      value_template: '{{ value_json.soc }}',
      device_class: 'battery',
      unit_of_measurement: '%',
      state_class: 'measurement',
      ...common,
    });
    assert.deepEqual(byTopic(all(), configTopic('sensor', 'last_update')), {
      unique_id: `${ID}_last_update`,
      default_entity_id: 'sensor.my_zoe_last_update',
      name: 'Last update',
      state_topic: `nrcc/${VIN}/state`,
      value_template: '{{ value_json.updated_at }}',
      device_class: 'timestamp',
      entity_category: 'diagnostic',
      ...common,
    });
    const templates: [string, string, string | undefined][] = [
      ['range', 'range_km', 'km'],
      ['fuel_level', 'fuel_percent', '%'],
      ['mileage', 'mileage_km', 'km'],
      ['charging_power', 'charging_power_kw', 'kW'],
      ['charge_remaining', 'charge_remaining_min', 'min'],
      ['outside_temperature', 'outside_temperature_c', '°C'],
    ];
    for (const [key, field, unit] of templates) {
      const c = byTopic(all(), configTopic('sensor', key));
      assert.deepEqual([c.value_template, c.unit_of_measurement], [`{{ value_json.${field} }}`, unit], key);
    }
  });

  it('gives the binary sensors ON/OFF templates, the lock\'s inverted (HA\'s lock is on when unlocked)', () => {
    const binary = (key: string, name: string, deviceClass: string, template: string): Record<string, unknown> => ({
      unique_id: `${ID}_${key}`,
      default_entity_id: `binary_sensor.my_zoe_${key}`,
      name,
      device_class: deviceClass,
      state_topic: `nrcc/${VIN}/state`,
      value_template: template,
      payload_on: 'ON',
      payload_off: 'OFF',
      ...common,
    });
    assert.deepEqual(byTopic(all(), configTopic('binary_sensor', 'plugged')), binary('plugged', 'Plugged in', 'plug', "{{ 'ON' if value_json.plugged else 'OFF' }}"));
    assert.deepEqual(byTopic(all(), configTopic('binary_sensor', 'lock')), binary('lock', 'Lock', 'lock', "{{ 'OFF' if value_json.locked else 'ON' }}"));
    assert.deepEqual(
      byTopic(all(), configTopic('binary_sensor', 'door_front_left')),
      binary('door_front_left', 'Door front left', 'door', "{{ 'ON' if value_json.door_front_left else 'OFF' }}"),
    );
    assert.deepEqual(
      byTopic(all(), configTopic('binary_sensor', 'window_sunroof')),
      binary('window_sunroof', 'Window sunroof', 'window', "{{ 'ON' if value_json.window_sunroof else 'OFF' }}"),
    );
    const names = all().filter((m) => /\/(door|window)_/.test(m.topic)).map((m) => (m.payload as Record<string, unknown>).name);
    assert.deepEqual(names, ['Door front left', 'Door front right', 'Door hood', 'Door rear left', 'Door trunk', 'Window front left', 'Window rear', 'Window sunroof']);
  });

  it('names an opening the names table lacks after its key, its words split at _', () => {
    const c = discoveryConfigs(o, car, { door_tail_gate: true, window_rear_quarter_left: false }, false, []);
    assert.deepEqual(
      c.map((m) => [m.topic, (m.payload as Record<string, unknown>).name, (m.payload as Record<string, unknown>).device_class]),
      [
        [configTopic('binary_sensor', 'door_tail_gate'), 'Door tail gate', 'door'],
        [configTopic('binary_sensor', 'window_rear_quarter_left'), 'Window rear quarter left', 'window'],
      ],
    );
  });

  it('gives the tracker gps and the location topic, the buttons their command topic, and the last command its result', () => {
    assert.deepEqual(byTopic(all(), configTopic('device_tracker', 'location')), {
      unique_id: `${ID}_location`,
      default_entity_id: 'device_tracker.my_zoe_location',
      name: null,
      source_type: 'gps',
      json_attributes_topic: `nrcc/${VIN}/location`,
      ...common,
    });
    assert.deepEqual(byTopic(all(), configTopic('button', 'horn')), {
      unique_id: `${ID}_horn`,
      default_entity_id: 'button.my_zoe_horn',
      name: 'Horn',
      command_topic: `nrcc/${VIN}/command/horn`,
      payload_press: 'PRESS',
      ...common,
    });
    assert.equal(topics(o, VIN).command('climate_stop'), `nrcc/${VIN}/command/climate_stop`);
    assert.deepEqual(byTopic(all(), configTopic('sensor', 'last_command')), {
      unique_id: `${ID}_last_command`,
      default_entity_id: 'sensor.my_zoe_last_command',
      name: 'Last command',
      state_topic: `nrcc/${VIN}/command/result`,
      value_template: '{{ value_json.command }}: {{ value_json.outcome }}',
      entity_category: 'diagnostic',
      ...common,
    });
  });

  it('creates nothing the car does not report: no other sensor, no tracker without a position, no last command without a button', () => {
    const soc = discoveryConfigs(o, car, { soc: 64 }, false, []);
    assert.deepEqual(
      soc.map((m) => m.topic),
      [configTopic('sensor', 'soc')],
    );
    assert.deepEqual(discoveryConfigs(o, car, {}, false, []), []);
    assert.deepEqual(discoveryConfigs(o, car, {}, false, ['unlock', 'lock', 'refresh']), []);
    assert.deepEqual(
      discoveryConfigs(o, car, {}, true, ['flash']).map((m) => m.topic),
      [configTopic('device_tracker', 'location'), configTopic('button', 'flash'), configTopic('sensor', 'last_command')],
    );
  });

  it('leaves out brand and model the car list does not give, and capitalises the brand alone', () => {
    const bare = discoveryConfigs(o, { vin: VIN }, { soc: 1 }, false, [])[0];
    assert.deepEqual((bare?.payload as Record<string, unknown>).device, { identifiers: [ID], name: VIN, serial_number: VIN });
    const mini = discoveryConfigs(o, { vin: VIN, brand: 'mini', model: 'Cooper SE' }, { soc: 1 }, false, [])[0];
    assert.deepEqual((mini?.payload as Record<string, unknown>).device, { identifiers: [ID], name: 'Cooper SE', manufacturer: 'Mini', model: 'Cooper SE', serial_number: VIN });
  });

  it('takes ids from the VIN (other characters as _) and entity ids from the name, model or VIN in lower case, single _, none at the ends', () => {
    const first = (v: HaVehicle): Record<string, unknown> => {
      const m = discoveryConfigs(o, v, { soc: 1 }, false, [])[0];
      assert.ok(m);
      return { topic: m.topic, ...(m.payload as Record<string, unknown>) };
    };
    const odd = first({ vin: 'VF1 AG.000/1-x_y', name: 'Zoé' });
    assert.deepEqual([odd.topic, odd.unique_id], ['homeassistant/sensor/nrcc_VF1_AG_000_1-x_y/soc/config', 'nrcc_VF1_AG_000_1-x_y_soc']);
    const names: [HaVehicle, string][] = [
      [{ vin: VIN, name: 'My ZOE' }, 'my_zoe'],
      [{ vin: VIN, name: 'Zoé  50 (home)' }, 'zo_50_home'],
      [{ vin: VIN, name: ' -Mégane- ' }, 'm_gane'],
      [{ vin: VIN, name: '!!!' }, 'car'],
      [{ vin: VIN, model: 'Megane E-Tech' }, 'megane_e_tech'],
      [{ vin: VIN }, 'vf1ag000862z50001'],
    ];
    for (const [v, slug] of names) assert.equal(first(v).default_entity_id, `sensor.${slug}_soc`, JSON.stringify(v));
  });

  it('deletes a car with empty retained messages on its configs, state, location, availability and command result', () => {
    const config = configTopic('sensor', 'soc');
    assert.deepEqual(removals([config], o, VIN), [
      { topic: config, payload: '', retain: true, qos: 1 },
      { topic: `nrcc/${VIN}/state`, payload: '', retain: true, qos: 1 },
      { topic: `nrcc/${VIN}/location`, payload: '', retain: true, qos: 1 },
      { topic: `nrcc/${VIN}/availability`, payload: '', retain: true, qos: 1 },
      { topic: `nrcc/${VIN}/command/result`, payload: '', retain: true, qos: 1 },
    ]);
  });
});

describe('Home Assistant: presses and the broker override', () => {
  const topicRule = 'topic must be nrcc/<VIN>/command/<climate_start|climate_stop|charge_start|charge_stop|horn|flash>';

  it('takes a PRESS on a command topic under the base as that car\'s command', () => {
    assert.deepEqual(commandFromTopic(o, `nrcc/${VIN}/command/horn`, 'PRESS'), { vin: VIN, command: 'horn' });
    assert.deepEqual(commandFromTopic({ ...o, base: 'home/cars' }, `home/cars/${VIN}/command/charge_stop`, 'PRESS'), { vin: VIN, command: 'charge_stop' });
  });

  it('refuses any other topic as BAD_INPUT, naming the topics it takes and the one it got (at most 100 characters)', () => {
    for (const topic of [
      `nrcc/${VIN}/command/unlock`,
      `nrcc/extra/${VIN}/command/horn`,
      `nrcc/${VIN}/command/horn/again`,
      `nrcc/${VIN}/command/horn2`,
      `other/${VIN}/command/horn`,
      `nrcc/${VIN}/command/`,
    ]) {
      assert.throws(() => commandFromTopic(o, topic, 'PRESS'), refusal(`${topicRule} (got "${topic}")`), topic);
    }
    const long = `nrcc/${'V'.repeat(150)}/command/horn/x`;
    assert.throws(() => commandFromTopic(o, long, 'PRESS'), refusal(`${topicRule} (got "${long.slice(0, 100)}")`));
  });

  it('refuses a payload other than PRESS, naming it (at most 20 characters)', () => {
    const topic = `nrcc/${VIN}/command/flash`;
    for (const payload of ['press', '', 'ON']) {
      assert.throws(() => commandFromTopic(o, topic, payload), refusal(`payload must be PRESS (got "${payload}")`), payload);
    }
    assert.throws(() => commandFromTopic(o, topic, 'PRESS PRESS PRESS PRESS PRESS'), refusal('payload must be PRESS (got "PRESS PRESS PRESS PR")'));
  });

  it('points the broker at 127.0.0.1 or localhost on mqtt://, port 1883 unless named; unset or blank is no override', () => {
    assert.equal(haBrokerOverride({}), undefined);
    assert.equal(haBrokerOverride({ [HA_BROKER_ENV]: '' }), undefined);
    assert.equal(haBrokerOverride({ [HA_BROKER_ENV]: '  \t ' }), undefined);
    assert.deepEqual(haBrokerOverride({ [HA_BROKER_ENV]: 'mqtt://127.0.0.1:21883' }), { host: '127.0.0.1', port: 21883, url: 'mqtt://127.0.0.1:21883' });
    assert.deepEqual(haBrokerOverride({ [HA_BROKER_ENV]: ' mqtt://localhost ' }), { host: 'localhost', port: 1883, url: 'mqtt://localhost:1883' });
  });

  it('refuses a broker elsewhere, another protocol or no URL as BAD_INPUT, naming the variable and what it got', () => {
    for (const raw of ['mqtt://homeassistant.local:1883', 'http://127.0.0.1:1883', 'mqtts://localhost:8883', 'not a url', '127.0.0.1:1883']) {
      assert.throws(
        () => haBrokerOverride({ [HA_BROKER_ENV]: ` ${raw} ` }),
        refusal(`CONNECTED_CAR_HA_BROKER must name a broker on this machine, like mqtt://127.0.0.1:1883 (got "${raw}")`),
        raw,
      );
    }
  });

  it('shows a refused broker without the user and password written in it', () => {
    for (const [raw, shown] of [
      ['mqtt://ha:hunter2pw@homeassistant.local:1883', 'mqtt://…@homeassistant.local:1883'],
      ['mqtts://ha:hunter2pw@127.0.0.1:8883', 'mqtts://…@127.0.0.1:8883'],
      ['ha:hunter2pw@homeassistant.local', '…@homeassistant.local'],
      ['mqtt://ha:hunter2/pw@homeassistant.local', 'mqtt://…@homeassistant.local'],
      ['mqtt://ha:hunter2@pw@homeassistant.local', 'mqtt://…@homeassistant.local'],
      ['broker ha:hunter2pw@homeassistant.local or mqtt://ha:hunter2pw@127.0.0.2', 'broker …@homeassistant.local or mqtt://…@127.0.0.2'],
    ] as const) {
      assert.throws(() => haBrokerOverride({ [HA_BROKER_ENV]: raw }), refusal(`CONNECTED_CAR_HA_BROKER must name a broker on this machine, like mqtt://127.0.0.1:1883 (got "${shown}")`), raw);
    }
  });
});
