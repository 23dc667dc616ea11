import {
  CHARGING_STATES,
  LOCK_STATES,
  OPENING_STATES,
  PLUG_STATES,
  SEVERITIES,
  readTime,
  toIsoUtc,
  type CloudTime,
  type StatusFragment,
  type StatusPart,
  type VehicleMessage,
} from '../../core';
import type { TelematicValue } from './schemas';

/**
 * CarData telematic keys -> the core VehicleStatus. Keys come one by one (the stream sends
 * what changed) or all at once (REST telematicData); a TelematicState keeps the newest value
 * of every key per car and builds whole status parts from them, so that a message carrying
 * only the latitude still yields a position with the longitude seen before. Keys the model
 * does not cover (and values it cannot read) go to the raw map, never lost.
 */

type ChargingState = (typeof CHARGING_STATES)[number];
type PlugState = (typeof PLUG_STATES)[number];
type Opening = (typeof OPENING_STATES)[number];
type LockState = (typeof LOCK_STATES)[number];
type Severity = (typeof SEVERITIES)[number];

/** The keys the plugin maps (catalogue technical identifiers). */
export const K = {
  socDisplayed: 'vehicle.powertrain.electric.battery.stateOfCharge.displayed',
  socHeader: 'vehicle.drivetrain.batteryManagement.header',
  socTarget: 'vehicle.powertrain.electric.battery.stateOfCharge.target',
  energy: 'vehicle.drivetrain.batteryManagement.maxEnergy',
  electricRange: 'vehicle.drivetrain.electricEngine.kombiRemainingElectricRange',
  electricRangeCharging: 'vehicle.drivetrain.electricEngine.remainingElectricRange',
  lastRange: 'vehicle.drivetrain.lastRemainingRange',
  totalRangeCharging: 'vehicle.drivetrain.totalRemainingRange',
  fuelLevel: 'vehicle.drivetrain.fuelSystem.level',
  fuelLiters: 'vehicle.drivetrain.fuelSystem.remainingFuel',
  fuelRange: 'vehicle.cabin.infotainment.navigation.remainingRange',
  hvStatus: 'vehicle.drivetrain.electricEngine.charging.hvStatus',
  chargingStatus: 'vehicle.drivetrain.electricEngine.charging.status',
  plugCombined: 'vehicle.body.chargingPort.combinedStatus',
  plugAny: 'vehicle.powertrain.tractionBattery.charging.port.anyPosition.isPlugged',
  plugStatus: 'vehicle.body.chargingPort.status',
  plugConnector: 'vehicle.drivetrain.electricEngine.charging.connectorStatus',
  plugClearText: 'vehicle.body.chargingPort.statusClearText',
  power: 'vehicle.powertrain.electric.battery.charging.power',
  timeRemaining: 'vehicle.drivetrain.electricEngine.charging.timeRemaining',
  timeToFull: 'vehicle.drivetrain.electricEngine.charging.timeToFullyCharged',
  preference: 'vehicle.drivetrain.electricEngine.charging.profile.preference',
  lockStatus: 'vehicle.cabin.door.lock.status',
  doorStatus: 'vehicle.cabin.door.status',
  doorFrontLeft: 'vehicle.cabin.door.row1.driver.isOpen',
  doorFrontRight: 'vehicle.cabin.door.row1.passenger.isOpen',
  doorRearLeft: 'vehicle.cabin.door.row2.driver.isOpen',
  doorRearRight: 'vehicle.cabin.door.row2.passenger.isOpen',
  trunk: 'vehicle.body.trunk.isOpen',
  trunkDoor: 'vehicle.body.trunk.door.isOpen',
  hood: 'vehicle.body.hood.isOpen',
  windowFrontLeft: 'vehicle.cabin.window.row1.driver.status',
  windowFrontRight: 'vehicle.cabin.window.row1.passenger.status',
  windowRearLeft: 'vehicle.cabin.window.row2.driver.status',
  windowRearRight: 'vehicle.cabin.window.row2.passenger.status',
  rearWindow: 'vehicle.body.trunk.window.isOpen',
  sunroof: 'vehicle.cabin.sunroof.overallStatus',
  sunroofStatus: 'vehicle.cabin.sunroof.status',
  tireFrontLeft: 'vehicle.chassis.axle.row1.wheel.left.tire.pressure',
  tireFrontRight: 'vehicle.chassis.axle.row1.wheel.right.tire.pressure',
  tireRearLeft: 'vehicle.chassis.axle.row2.wheel.left.tire.pressure',
  tireRearRight: 'vehicle.chassis.axle.row2.wheel.right.tire.pressure',
  tireTargetFrontLeft: 'vehicle.chassis.axle.row1.wheel.left.tire.pressureTarget',
  tireTargetFrontRight: 'vehicle.chassis.axle.row1.wheel.right.tire.pressureTarget',
  tireTargetRearLeft: 'vehicle.chassis.axle.row2.wheel.left.tire.pressureTarget',
  tireTargetRearRight: 'vehicle.chassis.axle.row2.wheel.right.tire.pressureTarget',
  climateActivity: 'vehicle.vehicle.preConditioning.activity',
  comfortState: 'vehicle.cabin.hvac.preconditioning.status.comfortState',
  targetTemperature: 'vehicle.cabin.hvac.preconditioning.configuration.defaultSettings.targetTemperature',
  latitude: 'vehicle.cabin.infotainment.navigation.currentLocation.latitude',
  longitude: 'vehicle.cabin.infotainment.navigation.currentLocation.longitude',
  heading: 'vehicle.cabin.infotainment.navigation.currentLocation.heading',
  fixStatus: 'vehicle.cabin.infotainment.navigation.currentLocation.fixStatus',
  mileage: 'vehicle.vehicle.travelledDistance',
  checkControl: 'vehicle.status.checkControlMessages',
  services: 'vehicle.status.conditionBasedServices',
  inspectionDue: 'vehicle.status.serviceTime.inspectionDateLegal',
} as const;

// ---- value readers: undefined = "not a value the model understands" ----------------------

const NOT_A_VALUE: ReadonlySet<string> = new Set(['', 'INVALID', '-NA-', 'NA', 'N/A', 'NONE', 'NULL', 'SIGNAL_INVALID']);

/** The longest of NOT_A_VALUE: a longer text is a value without looking it up. */
const NOT_A_VALUE_MAX = Math.max(...[...NOT_A_VALUE].map((s) => s.length));

function text(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t.length <= NOT_A_VALUE_MAX && NOT_A_VALUE.has(t.toUpperCase()) ? undefined : t;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function number(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const s = text(v);
  if (s === undefined || s === '') return undefined;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

const MILES = /^(mi|mile|miles)$/i;
const GALLONS = /^(gal|gallon|gallons)$/i;

const percent = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && n >= 0 && n <= 100 ? n : undefined;
};
/** Distances in km; CarData names the unit when the car is set to miles. */
const km = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  if (n === undefined || n < 0) return undefined;
  return kv.unit && MILES.test(kv.unit) ? Math.round(n * 1.609344 * 10) / 10 : n;
};
/** A range: 0 is what a BEV sends for the fuel range, so it means "none" here. */
const range = (kv: TelematicValue): number | undefined => {
  const n = km(kv);
  return n !== undefined && n > 0 ? n : undefined;
};
const nonNegative = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && n >= 0 ? n : undefined;
};
/** Minutes; 65535 (and 65500+) is the "no estimate" filler of 16-bit fields. */
const minutes = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && n >= 0 && n < 65_500 ? n : undefined;
};
const liters = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  if (n === undefined || n < 0) return undefined;
  return kv.unit && GALLONS.test(kv.unit) ? Math.round(n * 3.785411 * 10) / 10 : n;
};
const kpa = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && n > 0 && n < 1_000 ? n : undefined;
};
const anyNumber = (kv: TelematicValue): number | undefined => number(kv.value);
/**
 * Charging power in kW, by the unit the value comes with: "W" (the catalogue's unit: "in Watt";
 * BavarianData) is divided by 1000, "kW" taken as is (kvanbiesen soc_wiring.py reads both).
 * Without a unit the catalogue's W is assumed, unless the value has decimals, which an int32
 * of watts never has (7.4 is kW).
 */
export const powerKw = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  if (n === undefined || n < 0) return undefined;
  const unit = (kv.unit ?? '').trim().toLowerCase();
  const kw = unit === 'kw' || unit === 'kilowatt' || (unit === '' && !Number.isInteger(n));
  return kw ? Math.round(n * 10) / 10 : Math.round(n / 100) / 10;
};
const latitude = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && Math.abs(n) <= 90 ? n : undefined;
};
const longitude = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && Math.abs(n) <= 180 ? n : undefined;
};
const heading = (kv: TelematicValue): number | undefined => {
  const n = number(kv.value);
  return n !== undefined && n >= 0 && n <= 360 ? n : undefined;
};

const TRUE: ReadonlySet<string> = new Set(['TRUE', 'ASN_ISTRUE', 'YES', '1', 'ON']);
const FALSE: ReadonlySet<string> = new Set(['FALSE', 'ASN_ISFALSE', 'NO', '0', 'OFF']);

/** Doors, lids, windows: booleans, "true"/"false", OPEN/CLOSED/INTERMEDIATE (the catalogue has all three). */
export const opening = (kv: TelematicValue): Opening | undefined => {
  const s = text(kv.value)?.toUpperCase();
  if (s === undefined) return undefined;
  if (TRUE.has(s) || s === 'OPEN') return 'open';
  if (FALSE.has(s) || s === 'CLOSED' || s === 'CLOSEDSECURED') return 'closed';
  if (s === 'INTERMEDIATE' || s === 'OPEN_TILT' || s === 'INTERMEDIATE_TILT' || s === 'TILT') return 'ajar';
  if (s === 'UNKNOWN' || s === 'ASN_ISUNKNOWN') return 'unknown';
  return undefined;
};

export const plug = (kv: TelematicValue): PlugState | undefined => {
  const s = text(kv.value)?.toUpperCase();
  if (s === undefined) return undefined;
  if (s === 'CONNECTED' || TRUE.has(s) || s === 'PLUGGED') return 'plugged';
  if (s === 'DISCONNECTED' || FALSE.has(s) || s === 'UNPLUGGED') return 'unplugged';
  if (s === 'ERROR') return 'error';
  return undefined;
};

const HV_STATUS: Record<string, ChargingState> = {
  CHARGING: 'charging',
  NOT_CHARGING: 'not_charging',
  WAITING_FOR_CHARGING: 'waiting_for_schedule',
  FINISHED_FULLY_CHARGED: 'fully_charged',
  FINISHED_NOT_FULL: 'ended',
  ERROR: 'error',
  // charging.status, in the catalogue's description (its value list is another key's).
  CHARGINGACTIVE: 'charging',
  NOCHARGING: 'not_charging',
  INITIALIZATION: 'waiting_for_current',
  CHARGINGPAUSED: 'not_charging',
  CHARGINGENDED: 'ended',
  CHARGINGERROR: 'error',
  FULLY_CHARGED: 'fully_charged',
  TARGET_REACHED: 'ended',
};
export const chargingState = (kv: TelematicValue): ChargingState | undefined => {
  const s = text(kv.value)?.toUpperCase().replace(/[\s-]/g, '_');
  return s === undefined ? undefined : HV_STATUS[s];
};

/** door.lock.status (REST) and door.status (stream, "ASN_locked" and friends). */
export const lockState = (kv: TelematicValue): LockState | undefined => {
  const s = text(kv.value)?.toLowerCase();
  if (s === undefined) return undefined;
  // door.status may carry several fields ("newDoorStatus: ASN_locked ..."): prefer the new one.
  const m = /newdoorstatus\W*(?:asn_)?([a-z-]+)/.exec(s);
  const v = (m?.[1] ?? s).replace(/^asn_/, '');
  if (v.includes('secured')) return 'secured';
  if (v.includes('selective')) return 'partially_locked';
  if (v.includes('unlocked')) return 'unlocked';
  if (v.includes('locked')) return 'locked';
  if (v.includes('unknown')) return 'unknown';
  return undefined;
};

type ClimateState = 'on' | 'off' | 'heating' | 'cooling' | 'ventilation' | 'unknown';
const CLIMATE: Record<string, ClimateState> = {
  STANDBY: 'off',
  INACTIVE: 'off',
  NOT_ACTIVE: 'off',
  HEATING: 'heating',
  COOLING: 'cooling',
  VENTILATION: 'ventilation',
  COMFORT_HEATING: 'heating',
  COMFORT_COOLING: 'cooling',
  COMFORT_VENTILATION: 'ventilation',
  DEFROST: 'heating',
  COMFORT_UNDEFINED: 'unknown',
};
const climateState = (kv: TelematicValue): ClimateState | undefined => {
  const s = text(kv.value)?.toUpperCase();
  return s === undefined ? undefined : CLIMATE[s];
};

const lowerWord = (kv: TelematicValue): string | undefined => text(kv.value)?.toLowerCase();
const fixStatus = (kv: TelematicValue): string | undefined => {
  const s = text(kv.value)?.toUpperCase();
  return s === 'NO_FIX' || s === 'GPS_FIX_2D' || s === 'GPS_FIX_3D' ? s : undefined;
};

/** "dd.mm.yyyy hh:mm UTC", "mm/dd/yyyy hh:mm UTC" (US), or ISO. */
export function legacyDate(v: unknown): string | undefined {
  const s = text(v);
  if (!s) return undefined;
  const eu = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  const us = /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (eu || us) {
    const m = (eu ?? us) as RegExpExecArray;
    const [d, mo] = eu ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
    const t = Date.UTC(Number(m[3]), mo - 1, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
    return toIsoUtc(t);
  }
  return toIsoUtc(s);
}

const SEVERITY: Record<string, Severity> = {
  OK: 'info',
  INFO: 'info',
  LOW: 'low',
  YELLOW: 'medium',
  MEDIUM: 'medium',
  HIGH: 'high',
  RED: 'high',
  CRITICAL: 'critical',
};

function listOf(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      return listOf(JSON.parse(v));
    } catch {
      return undefined;
    }
  }
  if (v && typeof v === 'object') {
    for (const k of ['messages', 'checkControlMessages', 'conditionBasedServices', 'services', 'items', 'data']) {
      const inner = (v as Record<string, unknown>)[k];
      if (Array.isArray(inner)) return inner;
    }
  }
  return undefined;
}

function field(o: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

function messagesOf(kind: 'check_control' | 'service') {
  return (kv: TelematicValue): VehicleMessage[] | undefined => {
    const list = listOf(kv.value);
    if (!list) return undefined;
    const out: VehicleMessage[] = [];
    for (const item of list) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
      const o = item as Record<string, unknown>;
      const severity = SEVERITY[(field(o, 'severity', 'criticality') ?? '').toUpperCase()];
      const dueAt = legacyDate(field(o, 'dateTime', 'dueDate', 'date'));
      const dueKm = number(o.mileage ?? o.remainingMileage ?? o.distance);
      const m: VehicleMessage = { kind };
      const code = field(o, 'type', 'code', 'id', 'ccmId', 'name');
      const title = field(o, 'title', 'name', 'text');
      const description = field(o, 'description', 'longDescription', 'text');
      const status = field(o, 'status', 'state');
      if (code !== undefined) m.code = code;
      if (severity !== undefined) m.severity = severity;
      if (title !== undefined) m.title = title;
      if (description !== undefined) m.description = description;
      if (dueAt !== undefined) m.dueAt = dueAt;
      if (dueKm !== undefined && dueKm >= 0) m.dueKm = dueKm;
      if (status !== undefined) m.status = status.toLowerCase();
      out.push(m);
    }
    return out;
  };
}
const inspection = (kv: TelematicValue): string | undefined => legacyDate(kv.value);

// ---- the table ----------------------------------------------------------------------------

type Part = StatusPart | 'range';
interface KeySpec {
  part: Part;
  read: (kv: TelematicValue) => unknown;
}

const SPECS: Record<string, KeySpec> = {
  [K.socDisplayed]: { part: 'battery', read: percent },
  [K.socHeader]: { part: 'battery', read: percent },
  [K.energy]: { part: 'battery', read: nonNegative },
  [K.electricRange]: { part: 'battery', read: km },
  [K.electricRangeCharging]: { part: 'battery', read: km },
  [K.lastRange]: { part: 'range', read: range },
  [K.totalRangeCharging]: { part: 'range', read: range },
  [K.fuelLevel]: { part: 'fuel', read: percent },
  [K.fuelLiters]: { part: 'fuel', read: liters },
  [K.fuelRange]: { part: 'fuel', read: km },
  [K.hvStatus]: { part: 'charging', read: chargingState },
  [K.chargingStatus]: { part: 'charging', read: chargingState },
  [K.plugCombined]: { part: 'charging', read: plug },
  [K.plugAny]: { part: 'charging', read: plug },
  [K.plugStatus]: { part: 'charging', read: plug },
  [K.plugConnector]: { part: 'charging', read: plug },
  [K.plugClearText]: { part: 'charging', read: plug },
  [K.power]: { part: 'charging', read: powerKw },
  [K.timeRemaining]: { part: 'charging', read: minutes },
  [K.timeToFull]: { part: 'charging', read: minutes },
  [K.socTarget]: { part: 'charging', read: percent },
  [K.preference]: { part: 'charging', read: lowerWord },
  [K.lockStatus]: { part: 'lock', read: lockState },
  [K.doorStatus]: { part: 'lock', read: lockState },
  [K.doorFrontLeft]: { part: 'doors', read: opening },
  [K.doorFrontRight]: { part: 'doors', read: opening },
  [K.doorRearLeft]: { part: 'doors', read: opening },
  [K.doorRearRight]: { part: 'doors', read: opening },
  [K.trunk]: { part: 'doors', read: opening },
  [K.trunkDoor]: { part: 'doors', read: opening },
  [K.hood]: { part: 'doors', read: opening },
  [K.windowFrontLeft]: { part: 'windows', read: opening },
  [K.windowFrontRight]: { part: 'windows', read: opening },
  [K.windowRearLeft]: { part: 'windows', read: opening },
  [K.windowRearRight]: { part: 'windows', read: opening },
  [K.rearWindow]: { part: 'windows', read: opening },
  [K.sunroof]: { part: 'windows', read: opening },
  [K.sunroofStatus]: { part: 'windows', read: opening },
  [K.tireFrontLeft]: { part: 'tires', read: kpa },
  [K.tireFrontRight]: { part: 'tires', read: kpa },
  [K.tireRearLeft]: { part: 'tires', read: kpa },
  [K.tireRearRight]: { part: 'tires', read: kpa },
  [K.tireTargetFrontLeft]: { part: 'tires', read: kpa },
  [K.tireTargetFrontRight]: { part: 'tires', read: kpa },
  [K.tireTargetRearLeft]: { part: 'tires', read: kpa },
  [K.tireTargetRearRight]: { part: 'tires', read: kpa },
  [K.climateActivity]: { part: 'climate', read: climateState },
  [K.comfortState]: { part: 'climate', read: climateState },
  [K.targetTemperature]: { part: 'climate', read: anyNumber },
  [K.latitude]: { part: 'position', read: latitude },
  [K.longitude]: { part: 'position', read: longitude },
  [K.heading]: { part: 'position', read: heading },
  [K.fixStatus]: { part: 'position', read: fixStatus },
  [K.mileage]: { part: 'mileage', read: km },
  [K.checkControl]: { part: 'messages', read: messagesOf('check_control') },
  [K.services]: { part: 'messages', read: messagesOf('service') },
  [K.inspectionDue]: { part: 'messages', read: inspection },
};

/** Every key the model maps, with the status part it feeds ('range' = the total rangeKm). */
export const MAPPED_KEYS: Readonly<Record<string, Part>> = Object.fromEntries(Object.entries(SPECS).map(([k, s]) => [k, s.part]));

/** The keys the plugin's container asks for: what it maps. */
export const CONTAINER_KEYS: readonly string[] = Object.keys(SPECS).sort();

/** Keys the stream does not carry (catalogue streaming_capable: false): only REST reads bring them. */
/** The keys of each door and window (several: the freshest wins). */
const DOOR_KEYS = {
  frontLeft: [K.doorFrontLeft],
  frontRight: [K.doorFrontRight],
  rearLeft: [K.doorRearLeft],
  rearRight: [K.doorRearRight],
  trunk: [K.trunk, K.trunkDoor],
  hood: [K.hood],
} as const;
const WINDOW_KEYS = {
  frontLeft: [K.windowFrontLeft],
  frontRight: [K.windowFrontRight],
  rearLeft: [K.windowRearLeft],
  rearRight: [K.windowRearRight],
  rear: [K.rearWindow],
  sunroof: [K.sunroof, K.sunroofStatus],
} as const;

export const REST_ONLY_KEYS: readonly string[] = [K.plugCombined, K.lockStatus, K.checkControl, K.services];

/** Parts that only REST can fill (the stream has no key for them). */
export const REST_ONLY_PARTS: readonly StatusPart[] = ['messages'];

/** A key's value as the model reads it, with when it was true. */
interface Known<T = unknown> {
  value: T;
  /** Epoch ms of the value (its own timestamp, else when it arrived). */
  at: number;
  /** Its own timestamp, ISO UTC. */
  timestamp?: string;
}

interface Entry {
  value: unknown;
  unit?: string;
  timestamp?: string;
  at: number;
  /** What the key's reader made of the value, read once when it came; absent when the model cannot read it. */
  known?: Known;
}

export interface Applied {
  /** The status parts the keys touched, each whole (built from every key known for the car). */
  fragment: StatusFragment;
  /** Keys the model does not cover or could not read, as they came. */
  unmapped: Record<string, TelematicValue>;
  /** Parts touched. */
  parts: StatusPart[];
}

const PART_ORDER: StatusPart[] = ['battery', 'fuel', 'charging', 'lock', 'doors', 'windows', 'tires', 'climate', 'position', 'mileage', 'messages'];

/** The newest known value of every key of one car. */
export class TelematicState {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Merges keys and builds the parts they touched (a stream message: what changed). */
  apply(data: Record<string, TelematicValue>, receivedAt: number): Applied {
    const { unmapped, parts } = this.merge(data, receivedAt);
    const fragment = this.fragment(PART_ORDER.filter((p) => parts.has(p)));
    return { fragment, unmapped, parts: PART_ORDER.filter((p) => parts.has(p) && partPresent(fragment, p)) };
  }

  /**
   * Merges keys (a REST body or a stream message); older values than known ones are ignored.
   * Says which keys it could not read and which parts the keys touched; builds nothing (a REST
   * read builds every part once, after).
   */
  merge(data: Record<string, TelematicValue>, receivedAt: number): { unmapped: Record<string, TelematicValue>; parts: Set<StatusPart> } {
    const touched = new Set<Part>();
    const unmapped: Record<string, TelematicValue> = {};
    // Each timestamp parsed once, each value read once (issue 17: mapping at most 3x JSON.parse).
    // The keys of one message mostly share one timestamp: the last one read is kept.
    let lastText: string | undefined;
    let lastTime: CloudTime | undefined;
    for (const key of Object.keys(data)) {
      const kv = data[key] as TelematicValue;
      if (kv.value === undefined || kv.value === null) continue; // REST lists keys without data as null
      const text = kv.timestamp ?? undefined;
      if (text !== lastText || text === undefined) {
        lastText = text;
        lastTime = readTime(text);
      }
      const time = lastTime;
      const at = time ? time.ms : receivedAt;
      const spec = SPECS[key];
      const read = spec?.read(kv);
      if (read === undefined) unmapped[key] = kv;
      const prev = this.entries.get(key);
      if (prev && prev.at > at) continue;
      const entry: Entry = { value: kv.value, at };
      if (kv.unit) entry.unit = kv.unit;
      if (time) entry.timestamp = time.iso;
      if (read !== undefined) entry.known = time ? { value: read, at, timestamp: time.iso } : { value: read, at };
      this.entries.set(key, entry);
      if (spec) touched.add(spec.part);
    }
    const parts = new Set<StatusPart>();
    for (const p of touched) {
      if (p === 'range') {
        parts.add('battery');
        parts.add('fuel');
      } else parts.add(p);
    }
    return { unmapped, parts };
  }

  /** Every key known, as the cloud sent it. */
  snapshot(): Record<string, TelematicValue> {
    const out: Record<string, TelematicValue> = {};
    for (const [k, e] of this.entries) out[k] = { value: e.value, ...(e.unit ? { unit: e.unit } : {}), ...(e.timestamp ? { timestamp: e.timestamp } : {}) };
    return out;
  }

  private get<T>(key: string): Known<T> | undefined {
    return this.entries.get(key)?.known as Known<T> | undefined;
  }

  /** The first readable value in the keys' order: the order of preference the clients use for one meaning. */
  private first<T>(...keys: string[]): Known<T> | undefined {
    for (const k of keys) {
      const v = this.get<T>(k);
      if (v) return v;
    }
    return undefined;
  }

  /** The freshest readable value among keys saying the same thing (ties: the first listed). */
  private pick<T>(...keys: string[]): Known<T> | undefined {
    let best: Known<T> | undefined;
    for (const k of keys) {
      const v = this.get<T>(k);
      if (v && (!best || v.at > best.at)) best = v;
    }
    return best;
  }

  /** The openings the car reported (keys by field), with whether any stands open; undefined when it reported none. */
  private openings<F extends string>(keysByField: Readonly<Record<F, readonly string[]>>): (Partial<Record<F, Opening>> & { anyOpen: boolean }) | undefined {
    let reported: Record<string, Opening | boolean> | undefined;
    let anyOpen = false;
    for (const field in keysByField) {
      const v = this.pick<Opening>(...keysByField[field])?.value;
      if (v === undefined) continue;
      reported ??= {};
      reported[field] = v;
      if (v === 'open' || v === 'ajar') anyOpen = true;
    }
    if (!reported) return undefined;
    reported.anyOpen = anyOpen;
    return reported as Partial<Record<F, Opening>> & { anyOpen: boolean };
  }

  /** The status parts asked for (all by default), built from every key known. */
  fragment(parts: readonly StatusPart[] = PART_ORDER): StatusFragment {
    const out: StatusFragment = {};
    const want = new Set(parts);
    /** When the newest of these values was true, ISO UTC (their own timestamp, already in that form, when they have one). */
    const iso = (...known: (Known | undefined)[]): string | undefined => {
      let newest: Known | undefined;
      for (const k of known) if (k && (!newest || k.at > newest.at)) newest = k;
      return newest ? (newest.timestamp ?? toIsoUtc(newest.at)) : undefined;
    };

    // SoC: batteryManagement.header, else stateOfCharge.displayed (Neue Klasse cars lack the header)
    // [evcc vehicle/bmw/cardata provider.go Soc(); kvanbiesen README]. Electric range:
    // kombiRemainingElectricRange, else remainingElectricRange [evcc Range(); kvanbiesen].
    const soc = this.first<number>(K.socHeader, K.socDisplayed);
    const eRange = this.first<number>(K.electricRange, K.electricRangeCharging);
    const energy = this.get<number>(K.energy);
    const battery = clean({ socPercent: soc?.value, rangeKm: eRange?.value, availableEnergyKwh: energy?.value, updatedAt: iso(soc ?? eRange) });
    if (want.has('battery') && soc !== undefined) out.battery = battery;
    else if (want.has('battery') && Object.keys(battery).length > 0) out.battery = battery;

    const fuelLevel = this.get<number>(K.fuelLevel);
    const fuelLiters = this.get<number>(K.fuelLiters);
    const fuelRange = this.get<number>(K.fuelRange);
    const fuel = clean({ levelPercent: fuelLevel?.value, quantityLiters: fuelLiters?.value, rangeKm: fuelRange?.value });
    if (want.has('fuel') && Object.keys(fuel).length > 0) out.fuel = fuel;

    if (want.has('battery') || want.has('fuel')) {
      // The total: lastRemainingRange (electric + fuel, the catalogue), else totalRemainingRange, else the sum.
      const total = this.first<number>(K.lastRange, K.totalRangeCharging)?.value;
      const sum = eRange !== undefined || fuelRange !== undefined ? (eRange?.value ?? 0) + (fuelRange?.value ?? 0) : undefined;
      const r = total ?? sum;
      if (r !== undefined) out.rangeKm = r;
    }

    if (want.has('charging')) {
      const state = this.pick<ChargingState>(K.hvStatus, K.chargingStatus);
      const p = this.pick<PlugState>(K.plugCombined, K.plugAny, K.plugStatus, K.plugConnector, K.plugClearText);
      if (state !== undefined || p !== undefined) {
        const s: ChargingState = state?.value ?? (p?.value === 'unplugged' ? 'not_charging' : 'unknown');
        const charging = s === 'charging';
        const power = this.get<number>(K.power);
        const remaining = charging ? this.pick<number>(K.timeRemaining, K.timeToFull) : undefined;
        const target = this.get<number>(K.socTarget);
        const mode = this.get<string>(K.preference);
        out.charging = clean({
          state: s,
          plug: p?.value ?? (charging ? 'plugged' : 'unknown'),
          powerKw: charging && power ? power.value : undefined,
          remainingMinutes: remaining?.value,
          endsAt: remaining ? toIsoUtc(remaining.at + remaining.value * 60_000) : undefined,
          targetSocPercent: target?.value,
          mode: mode?.value,
          updatedAt: iso(state, p, charging ? power : undefined),
        }) as NonNullable<StatusFragment['charging']>;
      }
    }

    if (want.has('lock')) {
      const lock = this.pick<LockState>(K.lockStatus, K.doorStatus);
      if (lock) out.lock = clean({ state: lock.value, updatedAt: iso(lock) }) as NonNullable<StatusFragment['lock']>;
    }

    if (want.has('doors')) {
      const doors = this.openings(DOOR_KEYS);
      if (doors) out.doors = doors;
    }

    if (want.has('windows')) {
      const windows = this.openings(WINDOW_KEYS);
      if (windows) out.windows = windows;
    }

    if (want.has('tires')) {
      const tire = (p: string, t: string) => {
        const o = clean({ pressureKpa: this.get<number>(p)?.value, targetPressureKpa: this.get<number>(t)?.value });
        return Object.keys(o).length ? o : undefined;
      };
      const tires = clean({
        frontLeft: tire(K.tireFrontLeft, K.tireTargetFrontLeft),
        frontRight: tire(K.tireFrontRight, K.tireTargetFrontRight),
        rearLeft: tire(K.tireRearLeft, K.tireTargetRearLeft),
        rearRight: tire(K.tireRearRight, K.tireTargetRearRight),
      });
      if (Object.keys(tires).length > 0) out.tires = tires;
    }

    if (want.has('climate')) {
      const c = this.pick<ClimateState>(K.climateActivity, K.comfortState);
      if (c) out.climate = clean({ state: c.value, targetTemperatureC: this.get<number>(K.targetTemperature)?.value, updatedAt: iso(c) }) as NonNullable<StatusFragment['climate']>;
    }

    if (want.has('position')) {
      const lat = this.get<number>(K.latitude);
      const lon = this.get<number>(K.longitude);
      if (lat && lon) {
        out.position = clean({ latitude: lat.value, longitude: lon.value, headingDeg: this.get<number>(K.heading)?.value, updatedAt: iso(lat, lon) }) as NonNullable<
          StatusFragment['position']
        >;
        out.positionUnknown = false;
      } else if (this.get<string>(K.fixStatus)?.value === 'NO_FIX') out.positionUnknown = true;
    }

    if (want.has('mileage')) {
      const m = this.get<number>(K.mileage);
      if (m) out.mileageKm = m.value;
    }

    if (want.has('messages')) {
      const ccm = this.get<VehicleMessage[]>(K.checkControl);
      const cbs = this.get<VehicleMessage[]>(K.services);
      const legal = this.get<string>(K.inspectionDue);
      if (ccm || cbs || legal) {
        const list = [...(ccm?.value ?? []), ...(cbs?.value ?? [])];
        if (legal && !list.some((m) => m.code === 'VEHICLE_TUV')) list.push({ kind: 'service', code: 'VEHICLE_TUV', title: 'Statutory inspection', dueAt: legal.value });
        out.messages = list;
      }
    }
    return out;
  }
}

function partPresent(f: StatusFragment, p: StatusPart): boolean {
  switch (p) {
    case 'mileage':
      return f.mileageKm !== undefined;
    case 'position':
      return f.position !== undefined || f.positionUnknown !== undefined;
    default:
      return f[p] !== undefined;
  }
}

function clean<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Maps one set of keys on its own (no earlier values): what `connected-car parse` shows. */
export function mapTelematic(data: Record<string, TelematicValue>, receivedAt: number): { status: StatusFragment; unmapped: Record<string, TelematicValue> } {
  const state = new TelematicState();
  const { unmapped } = state.merge(data, receivedAt);
  return { status: state.fragment(), unmapped };
}
