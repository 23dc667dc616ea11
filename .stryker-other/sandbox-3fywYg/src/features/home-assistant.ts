/**
 * Home Assistant MQTT discovery for one car: the retained config per entity, the state and
 * location documents they read, and the command topics of the buttons. Pure: the node publishes.
 *
 * Follows HA's MQTT discovery documentation (home-assistant.io, integrations/mqtt) and what
 * zigbee2mqtt does (lib/extension/homeassistant.ts): per-component topics
 * `<prefix>/<component>/nrcc_<VIN>/<key>/config`, unique_id from the VIN (never a user name), the
 * full device block in every config, `default_entity_id` rather than the deprecated `object_id`,
 * one JSON state topic per car read through value templates, numbers as JSON numbers, lock
 * inverted (HA's lock binary_sensor is on when UNLOCKED). No lock entity: unlocking is never
 * offered to HA (car-command's rule: only when a node allows it), and no brand we support locks
 * remotely anyway.
 */
// @ts-nocheck

import { z } from 'zod';
import { CarError, type CommandName, type StatusPart, type VehicleStatus } from '../core';

export interface HaVehicle {
  vin: string;
  brand?: string;
  model?: string;
  name?: string;
}

export interface HaOptions {
  /** HA's discovery prefix (HA's default: homeassistant). */
  prefix: string;
  /** Where the states and command topics live: <base>/<VIN>/... */
  base: string;
  origin: { name: string; sw_version: string; support_url?: string };
}

export interface HaMessage {
  topic: string;
  /** An object (published as JSON), a string, or '' to delete a retained message. */
  payload: Record<string, unknown> | string;
  retain: boolean;
  qos: 0 | 1;
}

/** Commands HA may press: what acts on the car without unlocking it. */
export const HA_COMMANDS = ['climate_start', 'climate_stop', 'charge_start', 'charge_stop', 'horn', 'flash'] as const satisfies readonly CommandName[];
export type HaCommand = (typeof HA_COMMANDS)[number];
const HA_COMMAND_NAMES: Record<HaCommand, string> = {
  climate_start: 'Start climate',
  climate_stop: 'Stop climate',
  charge_start: 'Start charging',
  charge_stop: 'Stop charging',
  horn: 'Horn',
  flash: 'Flash lights',
};

interface SensorSpec {
  key: string;
  name: string;
  part: StatusPart;
  field: string;
  device_class?: string;
  unit_of_measurement?: string;
  state_class?: 'measurement' | 'total_increasing';
  entity_category?: 'diagnostic';
}
/** Device classes, units and state classes as HA's sensor/const.py allows them together. */
const SENSORS: SensorSpec[] = [
  { key: 'soc', name: 'State of charge', part: 'battery', field: 'soc', device_class: 'battery', unit_of_measurement: '%', state_class: 'measurement' },
  { key: 'range', name: 'Range', part: 'battery', field: 'range_km', device_class: 'distance', unit_of_measurement: 'km', state_class: 'measurement' },
  { key: 'fuel_level', name: 'Fuel level', part: 'fuel', field: 'fuel_percent', unit_of_measurement: '%', state_class: 'measurement' },
  { key: 'mileage', name: 'Mileage', part: 'mileage', field: 'mileage_km', device_class: 'distance', unit_of_measurement: 'km', state_class: 'total_increasing' },
  { key: 'charging_power', name: 'Charging power', part: 'charging', field: 'charging_power_kw', device_class: 'power', unit_of_measurement: 'kW', state_class: 'measurement' },
  { key: 'charge_remaining', name: 'Time to full', part: 'charging', field: 'charge_remaining_min', device_class: 'duration', unit_of_measurement: 'min', state_class: 'measurement' },
  { key: 'outside_temperature', name: 'Outside temperature', part: 'climate', field: 'outside_temperature_c', device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement' },
  { key: 'last_update', name: 'Last update', part: 'battery', field: 'updated_at', device_class: 'timestamp', entity_category: 'diagnostic' },
];
interface BinarySpec {
  key: string;
  name: string | null;
  part: StatusPart;
  field: string;
  device_class: string;
  /** HA's lock class is on when unlocked: the template inverts our `locked`. */
  inverted?: boolean;
}
const BINARY: BinarySpec[] = [
  { key: 'plugged', name: 'Plugged in', part: 'charging', field: 'plugged', device_class: 'plug' },
  { key: 'charging', name: 'Charging', part: 'charging', field: 'charging', device_class: 'battery_charging' },
  { key: 'lock', name: 'Lock', part: 'lock', field: 'locked', device_class: 'lock', inverted: true },
];
const OPENING_NAMES: Record<string, string> = {
  frontLeft: 'front left',
  frontRight: 'front right',
  rearLeft: 'rear left',
  rearRight: 'rear right',
  trunk: 'trunk',
  hood: 'hood',
  rear: 'rear',
  sunroof: 'sunroof',
};

/** HA's object ids allow [a-zA-Z0-9_-]; a VIN is letters and digits already. */
const idOf = (vin: string): string => `nrcc_${vin.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'car';

export const topics = (o: HaOptions, vin: string) => ({
  state: `${o.base}/${vin}/state`,
  location: `${o.base}/${vin}/location`,
  availability: `${o.base}/${vin}/availability`,
  command: (c: HaCommand) => `${o.base}/${vin}/command/${c}`,
  commandResult: `${o.base}/${vin}/command/result`,
});

/** The state document every sensor reads (≤ 255 characters a value; JSON numbers, not strings). */
export function stateDocument(s: VehicleStatus): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  const put = (k: string, v: unknown): void => {
    if (v !== undefined) d[k] = v;
  };
  put('soc', s.battery?.socPercent);
  put('range_km', s.battery?.rangeKm ?? s.rangeKm);
  put('fuel_percent', s.fuel?.levelPercent);
  put('mileage_km', s.mileageKm);
  put('charging_power_kw', s.charging?.powerKw);
  put('charge_remaining_min', s.charging?.remainingMinutes);
  put('outside_temperature_c', s.climate?.outsideTemperatureC);
  put('updated_at', s.updatedAt);
  const plug = s.charging?.plug;
  if (plug === 'plugged' || plug === 'unplugged') d.plugged = plug === 'plugged';
  const cs = s.charging?.state;
  if (cs && cs !== 'unknown' && cs !== 'unavailable') d.charging = cs === 'charging';
  const lock = s.lock?.state;
  if (lock && lock !== 'unknown') d.locked = lock === 'locked' || lock === 'secured';
  for (const [group, part] of [['door', s.doors], ['window', s.windows]] as const) {
    for (const [k, v] of Object.entries(part ?? {})) {
      if (k === 'anyOpen' || typeof v !== 'string' || v === 'unknown') continue;
      d[`${group}_${slug(k.replace(/([A-Z])/g, '_$1'))}`] = v !== 'closed';
    }
  }
  return d;
}

/** The device_tracker's attributes: numeric latitude and longitude (HA resets the location on anything else). */
export function locationDocument(s: VehicleStatus): Record<string, unknown> | undefined {
  if (!s.position) return undefined;
  return { latitude: s.position.latitude, longitude: s.position.longitude, source_type: 'gps', ...(s.updatedAt ? { last_update: s.updatedAt } : {}) };
}

/**
 * Every retained config of one car. `known` is the state document (which fields the car
 * reports) and `commands` the commands the car accepts; entities for fields the car never
 * reports are not created.
 */
export function discoveryConfigs(o: HaOptions, v: HaVehicle, known: Record<string, unknown>, hasPosition: boolean, commands: readonly CommandName[]): HaMessage[] {
  const id = idOf(v.vin);
  const t = topics(o, v.vin);
  const carName = v.name ?? v.model ?? v.vin;
  const device = {
    identifiers: [id],
    name: carName,
    ...(v.brand ? { manufacturer: v.brand.charAt(0).toUpperCase() + v.brand.slice(1) } : {}),
    ...(v.model ? { model: v.model } : {}),
    serial_number: v.vin,
  };
  const common = { availability: [{ topic: t.availability }], device, origin: o.origin };
  const entity = (component: string, key: string, body: Record<string, unknown>): HaMessage => ({
    topic: `${o.prefix}/${component}/${id}/${key}/config`,
    payload: { unique_id: `${id}_${key}`, default_entity_id: `${component}.${slug(carName)}_${key}`, ...body, ...common },
    retain: true,
    qos: 1,
  });
  const out: HaMessage[] = [];
  for (const s of SENSORS) {
    if (known[s.field] === undefined) continue;
    const { key, name, field, part: _part, ...classes } = s;
    out.push(entity('sensor', key, { name, state_topic: t.state, value_template: `{{ value_json.${field} }}`, ...classes }));
  }
  for (const b of BINARY) {
    if (known[b.field] === undefined) continue;
    const template = b.inverted ? `{{ 'OFF' if value_json.${b.field} else 'ON' }}` : `{{ 'ON' if value_json.${b.field} else 'OFF' }}`;
    out.push(entity('binary_sensor', b.key, { name: b.name, device_class: b.device_class, state_topic: t.state, value_template: template, payload_on: 'ON', payload_off: 'OFF' }));
  }
  for (const field of Object.keys(known).sort()) {
    const m = /^(door|window)_(.+)$/.exec(field);
    if (!m) continue;
    const [, group = '', which = ''] = m;
    const human = OPENING_NAMES[which.replace(/_([a-z])/g, (_x, c: string) => c.toUpperCase())] ?? which.replace(/_/g, ' ');
    out.push(
      entity('binary_sensor', field, {
        name: `${group === 'door' ? 'Door' : 'Window'} ${human}`,
        device_class: group,
        state_topic: t.state,
        value_template: `{{ 'ON' if value_json.${field} else 'OFF' }}`,
        payload_on: 'ON',
        payload_off: 'OFF',
      }),
    );
  }
  if (hasPosition) out.push(entity('device_tracker', 'location', { name: null, source_type: 'gps', json_attributes_topic: t.location }));
  for (const c of HA_COMMANDS) {
    if (!commands.includes(c)) continue;
    out.push(entity('button', c, { name: HA_COMMAND_NAMES[c], command_topic: t.command(c), payload_press: 'PRESS' }));
  }
  if (out.some((m) => m.topic.includes('/button/'))) {
    out.push(entity('sensor', 'last_command', { name: 'Last command', state_topic: t.commandResult, value_template: '{{ value_json.command }}: {{ value_json.outcome }}', entity_category: 'diagnostic' }));
  }
  return out;
}

/** Empty retained payloads: HA deletes the entity (and the device with its last entity). */
export function removals(configTopics: readonly string[], o: HaOptions, vin: string): HaMessage[] {
  const t = topics(o, vin);
  return [...configTopics, t.state, t.location, t.availability, t.commandResult].map((topic) => ({ topic, payload: '', retain: true, qos: 1 }));
}

/** A press on a command topic: which car and which command; anything else is BAD_INPUT. */
export function commandFromTopic(o: HaOptions, topic: string, payload: string): { vin: string; command: HaCommand } {
  const prefix = `${o.base}/`;
  const m = topic.startsWith(prefix) ? /^([^/]+)\/command\/([a-z_]+)$/.exec(topic.slice(prefix.length)) : null;
  const command = m?.[2];
  if (!m || !command || !(HA_COMMANDS as readonly string[]).includes(command)) {
    throw new CarError('BAD_INPUT', `topic must be ${o.base}/<VIN>/command/<${HA_COMMANDS.join('|')}> (got "${topic.slice(0, 100)}")`);
  }
  if (payload !== 'PRESS') throw new CarError('BAD_INPUT', `payload must be PRESS (got "${payload.slice(0, 20)}")`);
  return { vin: m[1] ?? '', command: command as HaCommand };
}

const TOPIC_PART = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
export const HaSettingsSchema = z.object({
  prefix: z.string().regex(TOPIC_PART, 'letters, digits, _ and - in levels separated by /, no + or #'),
  base: z.string().regex(TOPIC_PART, 'letters, digits, _ and - in levels separated by /, no + or #'),
});

/**
 * The environment variable that points every car-homeassistant node's broker at a broker on this
 * machine, whatever its mqtt-broker node says (`connected-car demo` sets it to its own broker; an
 * imported example keeps homeassistant.local), as CONNECTED_CAR_SIMULATOR points the accounts.
 */
export const HA_BROKER_ENV = 'CONNECTED_CAR_HA_BROKER';

/**
 * A broker URL as an error may show it: whatever stands before an @ (user:password, even with a / or @ in the
 * password, as people write it unencoded) becomes "…", the scheme kept.
 */
function withoutCredentials(raw: string): string {
  return raw.replace(/([a-z][a-z0-9+.-]*:\/\/)?\S*@/gi, '$1…@');
}

/** The broker HA_BROKER_ENV names, or undefined when it is not set; BAD_INPUT for anything but mqtt://127.0.0.1 or localhost. */
export function haBrokerOverride(env: Record<string, string | undefined> = process.env): { host: string; port: number; url: string } | undefined {
  const raw = env[HA_BROKER_ENV]?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'mqtt:' || !['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new CarError('BAD_INPUT', `${HA_BROKER_ENV} must name a broker on this machine, like mqtt://127.0.0.1:1883 (got "${withoutCredentials(raw)}")`);
  }
  const port = Number(url.port || 1883);
  return { host: url.hostname, port, url: `mqtt://${url.hostname}:${port}` };
}

/** The node's file: the config topics it published per VIN, to delete what a car no longer has after a restart. */
export const HaPublishedSchema = z.object({ version: z.literal(1), configs: z.record(z.string(), z.array(z.string())) });
