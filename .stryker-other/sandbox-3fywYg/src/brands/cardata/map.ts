// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { CHARGING_STATES, LOCK_STATES, OPENING_STATES, PLUG_STATES, SEVERITIES, readTime, toIsoUtc, type CloudTime, type StatusFragment, type StatusPart, type VehicleMessage } from '../../core';
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
  inspectionDue: 'vehicle.status.serviceTime.inspectionDateLegal'
} as const;

// ---- value readers: undefined = "not a value the model understands" ----------------------

const NOT_A_VALUE: ReadonlySet<string> = new Set(stryMutAct_9fa48("0") ? [] : (stryCov_9fa48("0"), [stryMutAct_9fa48("1") ? "Stryker was here!" : (stryCov_9fa48("1"), ''), stryMutAct_9fa48("2") ? "" : (stryCov_9fa48("2"), 'INVALID'), stryMutAct_9fa48("3") ? "" : (stryCov_9fa48("3"), '-NA-'), stryMutAct_9fa48("4") ? "" : (stryCov_9fa48("4"), 'NA'), stryMutAct_9fa48("5") ? "" : (stryCov_9fa48("5"), 'N/A'), stryMutAct_9fa48("6") ? "" : (stryCov_9fa48("6"), 'NONE'), stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), 'NULL'), stryMutAct_9fa48("8") ? "" : (stryCov_9fa48("8"), 'SIGNAL_INVALID')]));

/** The longest of NOT_A_VALUE: a longer text is a value without looking it up. */
const NOT_A_VALUE_MAX = stryMutAct_9fa48("9") ? Math.min(...[...NOT_A_VALUE].map(s => s.length)) : (stryCov_9fa48("9"), Math.max(...(stryMutAct_9fa48("10") ? [] : (stryCov_9fa48("10"), [...NOT_A_VALUE])).map(stryMutAct_9fa48("11") ? () => undefined : (stryCov_9fa48("11"), s => s.length))));
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
const MILES = stryMutAct_9fa48("13") ? /^(mi|mile|miles)/i : stryMutAct_9fa48("12") ? /(mi|mile|miles)$/i : (stryCov_9fa48("12", "13"), /^(mi|mile|miles)$/i);
const GALLONS = stryMutAct_9fa48("15") ? /^(gal|gallon|gallons)/i : stryMutAct_9fa48("14") ? /(gal|gallon|gallons)$/i : (stryCov_9fa48("14", "15"), /^(gal|gallon|gallons)$/i);
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
const anyNumber = stryMutAct_9fa48("16") ? () => undefined : (stryCov_9fa48("16"), (() => {
  const anyNumber = (kv: TelematicValue): number | undefined => number(kv.value);
  return anyNumber;
})());
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
  const kw = unit === 'kw' || unit === 'kilowatt' || unit === '' && !Number.isInteger(n);
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
const TRUE: ReadonlySet<string> = new Set(stryMutAct_9fa48("17") ? [] : (stryCov_9fa48("17"), [stryMutAct_9fa48("18") ? "" : (stryCov_9fa48("18"), 'TRUE'), stryMutAct_9fa48("19") ? "" : (stryCov_9fa48("19"), 'ASN_ISTRUE'), stryMutAct_9fa48("20") ? "" : (stryCov_9fa48("20"), 'YES'), stryMutAct_9fa48("21") ? "" : (stryCov_9fa48("21"), '1'), stryMutAct_9fa48("22") ? "" : (stryCov_9fa48("22"), 'ON')]));
const FALSE: ReadonlySet<string> = new Set(stryMutAct_9fa48("23") ? [] : (stryCov_9fa48("23"), [stryMutAct_9fa48("24") ? "" : (stryCov_9fa48("24"), 'FALSE'), stryMutAct_9fa48("25") ? "" : (stryCov_9fa48("25"), 'ASN_ISFALSE'), stryMutAct_9fa48("26") ? "" : (stryCov_9fa48("26"), 'NO'), stryMutAct_9fa48("27") ? "" : (stryCov_9fa48("27"), '0'), stryMutAct_9fa48("28") ? "" : (stryCov_9fa48("28"), 'OFF')]));

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
const HV_STATUS: Record<string, ChargingState> = stryMutAct_9fa48("29") ? {} : (stryCov_9fa48("29"), {
  CHARGING: stryMutAct_9fa48("30") ? "" : (stryCov_9fa48("30"), 'charging'),
  NOT_CHARGING: stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), 'not_charging'),
  WAITING_FOR_CHARGING: stryMutAct_9fa48("32") ? "" : (stryCov_9fa48("32"), 'waiting_for_schedule'),
  FINISHED_FULLY_CHARGED: stryMutAct_9fa48("33") ? "" : (stryCov_9fa48("33"), 'fully_charged'),
  FINISHED_NOT_FULL: stryMutAct_9fa48("34") ? "" : (stryCov_9fa48("34"), 'ended'),
  ERROR: stryMutAct_9fa48("35") ? "" : (stryCov_9fa48("35"), 'error'),
  // charging.status, in the catalogue's description (its value list is another key's).
  CHARGINGACTIVE: stryMutAct_9fa48("36") ? "" : (stryCov_9fa48("36"), 'charging'),
  NOCHARGING: stryMutAct_9fa48("37") ? "" : (stryCov_9fa48("37"), 'not_charging'),
  INITIALIZATION: stryMutAct_9fa48("38") ? "" : (stryCov_9fa48("38"), 'waiting_for_current'),
  CHARGINGPAUSED: stryMutAct_9fa48("39") ? "" : (stryCov_9fa48("39"), 'not_charging'),
  CHARGINGENDED: stryMutAct_9fa48("40") ? "" : (stryCov_9fa48("40"), 'ended'),
  CHARGINGERROR: stryMutAct_9fa48("41") ? "" : (stryCov_9fa48("41"), 'error'),
  FULLY_CHARGED: stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), 'fully_charged'),
  TARGET_REACHED: stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), 'ended')
});
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
const CLIMATE: Record<string, ClimateState> = stryMutAct_9fa48("44") ? {} : (stryCov_9fa48("44"), {
  STANDBY: stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'off'),
  INACTIVE: stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), 'off'),
  NOT_ACTIVE: stryMutAct_9fa48("47") ? "" : (stryCov_9fa48("47"), 'off'),
  HEATING: stryMutAct_9fa48("48") ? "" : (stryCov_9fa48("48"), 'heating'),
  COOLING: stryMutAct_9fa48("49") ? "" : (stryCov_9fa48("49"), 'cooling'),
  VENTILATION: stryMutAct_9fa48("50") ? "" : (stryCov_9fa48("50"), 'ventilation'),
  COMFORT_HEATING: stryMutAct_9fa48("51") ? "" : (stryCov_9fa48("51"), 'heating'),
  COMFORT_COOLING: stryMutAct_9fa48("52") ? "" : (stryCov_9fa48("52"), 'cooling'),
  COMFORT_VENTILATION: stryMutAct_9fa48("53") ? "" : (stryCov_9fa48("53"), 'ventilation'),
  DEFROST: stryMutAct_9fa48("54") ? "" : (stryCov_9fa48("54"), 'heating'),
  COMFORT_UNDEFINED: stryMutAct_9fa48("55") ? "" : (stryCov_9fa48("55"), 'unknown')
});
const climateState = (kv: TelematicValue): ClimateState | undefined => {
  const s = text(kv.value)?.toUpperCase();
  return s === undefined ? undefined : CLIMATE[s];
};
const lowerWord = stryMutAct_9fa48("56") ? () => undefined : (stryCov_9fa48("56"), (() => {
  const lowerWord = (kv: TelematicValue): string | undefined => stryMutAct_9fa48("58") ? text(kv.value).toLowerCase() : stryMutAct_9fa48("57") ? text(kv.value)?.toUpperCase() : (stryCov_9fa48("57", "58"), text(kv.value)?.toLowerCase());
  return lowerWord;
})());
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
const SEVERITY: Record<string, Severity> = stryMutAct_9fa48("59") ? {} : (stryCov_9fa48("59"), {
  OK: stryMutAct_9fa48("60") ? "" : (stryCov_9fa48("60"), 'info'),
  INFO: stryMutAct_9fa48("61") ? "" : (stryCov_9fa48("61"), 'info'),
  LOW: stryMutAct_9fa48("62") ? "" : (stryCov_9fa48("62"), 'low'),
  YELLOW: stryMutAct_9fa48("63") ? "" : (stryCov_9fa48("63"), 'medium'),
  MEDIUM: stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), 'medium'),
  HIGH: stryMutAct_9fa48("65") ? "" : (stryCov_9fa48("65"), 'high'),
  RED: stryMutAct_9fa48("66") ? "" : (stryCov_9fa48("66"), 'high'),
  CRITICAL: stryMutAct_9fa48("67") ? "" : (stryCov_9fa48("67"), 'critical')
});
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
  if (stryMutAct_9fa48("68")) {
    {}
  } else {
    stryCov_9fa48("68");
    return (kv: TelematicValue): VehicleMessage[] | undefined => {
      if (stryMutAct_9fa48("69")) {
        {}
      } else {
        stryCov_9fa48("69");
        const list = listOf(kv.value);
        if (stryMutAct_9fa48("72") ? false : stryMutAct_9fa48("71") ? true : stryMutAct_9fa48("70") ? list : (stryCov_9fa48("70", "71", "72"), !list)) return undefined;
        const out: VehicleMessage[] = stryMutAct_9fa48("73") ? ["Stryker was here"] : (stryCov_9fa48("73"), []);
        for (const item of list) {
          if (stryMutAct_9fa48("74")) {
            {}
          } else {
            stryCov_9fa48("74");
            if (stryMutAct_9fa48("77") ? (!item || typeof item !== 'object') && Array.isArray(item) : stryMutAct_9fa48("76") ? false : stryMutAct_9fa48("75") ? true : (stryCov_9fa48("75", "76", "77"), (stryMutAct_9fa48("79") ? !item && typeof item !== 'object' : stryMutAct_9fa48("78") ? false : (stryCov_9fa48("78", "79"), (stryMutAct_9fa48("80") ? item : (stryCov_9fa48("80"), !item)) || (stryMutAct_9fa48("82") ? typeof item === 'object' : stryMutAct_9fa48("81") ? false : (stryCov_9fa48("81", "82"), typeof item !== (stryMutAct_9fa48("83") ? "" : (stryCov_9fa48("83"), 'object')))))) || Array.isArray(item))) continue;
            const o = item as Record<string, unknown>;
            const severity = SEVERITY[stryMutAct_9fa48("84") ? (field(o, 'severity', 'criticality') ?? '').toLowerCase() : (stryCov_9fa48("84"), (stryMutAct_9fa48("85") ? field(o, 'severity', 'criticality') && '' : (stryCov_9fa48("85"), field(o, stryMutAct_9fa48("86") ? "" : (stryCov_9fa48("86"), 'severity'), stryMutAct_9fa48("87") ? "" : (stryCov_9fa48("87"), 'criticality')) ?? (stryMutAct_9fa48("88") ? "Stryker was here!" : (stryCov_9fa48("88"), '')))).toUpperCase())];
            const dueAt = legacyDate(field(o, stryMutAct_9fa48("89") ? "" : (stryCov_9fa48("89"), 'dateTime'), stryMutAct_9fa48("90") ? "" : (stryCov_9fa48("90"), 'dueDate'), stryMutAct_9fa48("91") ? "" : (stryCov_9fa48("91"), 'date')));
            const dueKm = number(stryMutAct_9fa48("92") ? (o.mileage ?? o.remainingMileage) && o.distance : (stryCov_9fa48("92"), (stryMutAct_9fa48("93") ? o.mileage && o.remainingMileage : (stryCov_9fa48("93"), o.mileage ?? o.remainingMileage)) ?? o.distance));
            const m: VehicleMessage = stryMutAct_9fa48("94") ? {} : (stryCov_9fa48("94"), {
              kind
            });
            const code = field(o, stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), 'type'), stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), 'code'), stryMutAct_9fa48("97") ? "" : (stryCov_9fa48("97"), 'id'), stryMutAct_9fa48("98") ? "" : (stryCov_9fa48("98"), 'ccmId'), stryMutAct_9fa48("99") ? "" : (stryCov_9fa48("99"), 'name'));
            const title = field(o, stryMutAct_9fa48("100") ? "" : (stryCov_9fa48("100"), 'title'), stryMutAct_9fa48("101") ? "" : (stryCov_9fa48("101"), 'name'), stryMutAct_9fa48("102") ? "" : (stryCov_9fa48("102"), 'text'));
            const description = field(o, stryMutAct_9fa48("103") ? "" : (stryCov_9fa48("103"), 'description'), stryMutAct_9fa48("104") ? "" : (stryCov_9fa48("104"), 'longDescription'), stryMutAct_9fa48("105") ? "" : (stryCov_9fa48("105"), 'text'));
            const status = field(o, stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 'status'), stryMutAct_9fa48("107") ? "" : (stryCov_9fa48("107"), 'state'));
            if (stryMutAct_9fa48("110") ? code === undefined : stryMutAct_9fa48("109") ? false : stryMutAct_9fa48("108") ? true : (stryCov_9fa48("108", "109", "110"), code !== undefined)) m.code = code;
            if (stryMutAct_9fa48("113") ? severity === undefined : stryMutAct_9fa48("112") ? false : stryMutAct_9fa48("111") ? true : (stryCov_9fa48("111", "112", "113"), severity !== undefined)) m.severity = severity;
            if (stryMutAct_9fa48("116") ? title === undefined : stryMutAct_9fa48("115") ? false : stryMutAct_9fa48("114") ? true : (stryCov_9fa48("114", "115", "116"), title !== undefined)) m.title = title;
            if (stryMutAct_9fa48("119") ? description === undefined : stryMutAct_9fa48("118") ? false : stryMutAct_9fa48("117") ? true : (stryCov_9fa48("117", "118", "119"), description !== undefined)) m.description = description;
            if (stryMutAct_9fa48("122") ? dueAt === undefined : stryMutAct_9fa48("121") ? false : stryMutAct_9fa48("120") ? true : (stryCov_9fa48("120", "121", "122"), dueAt !== undefined)) m.dueAt = dueAt;
            if (stryMutAct_9fa48("125") ? dueKm !== undefined || dueKm >= 0 : stryMutAct_9fa48("124") ? false : stryMutAct_9fa48("123") ? true : (stryCov_9fa48("123", "124", "125"), (stryMutAct_9fa48("127") ? dueKm === undefined : stryMutAct_9fa48("126") ? true : (stryCov_9fa48("126", "127"), dueKm !== undefined)) && (stryMutAct_9fa48("130") ? dueKm < 0 : stryMutAct_9fa48("129") ? dueKm > 0 : stryMutAct_9fa48("128") ? true : (stryCov_9fa48("128", "129", "130"), dueKm >= 0)))) m.dueKm = dueKm;
            if (stryMutAct_9fa48("133") ? status === undefined : stryMutAct_9fa48("132") ? false : stryMutAct_9fa48("131") ? true : (stryCov_9fa48("131", "132", "133"), status !== undefined)) m.status = stryMutAct_9fa48("134") ? status.toUpperCase() : (stryCov_9fa48("134"), status.toLowerCase());
            out.push(m);
          }
        }
        return out;
      }
    };
  }
}
const inspection = stryMutAct_9fa48("135") ? () => undefined : (stryCov_9fa48("135"), (() => {
  const inspection = (kv: TelematicValue): string | undefined => legacyDate(kv.value);
  return inspection;
})());

// ---- the table ----------------------------------------------------------------------------

type Part = StatusPart | 'range';
interface KeySpec {
  part: Part;
  read: (kv: TelematicValue) => unknown;
}
const SPECS: Record<string, KeySpec> = stryMutAct_9fa48("136") ? {} : (stryCov_9fa48("136"), {
  [K.socDisplayed]: stryMutAct_9fa48("137") ? {} : (stryCov_9fa48("137"), {
    part: stryMutAct_9fa48("138") ? "" : (stryCov_9fa48("138"), 'battery'),
    read: percent
  }),
  [K.socHeader]: stryMutAct_9fa48("139") ? {} : (stryCov_9fa48("139"), {
    part: stryMutAct_9fa48("140") ? "" : (stryCov_9fa48("140"), 'battery'),
    read: percent
  }),
  [K.energy]: stryMutAct_9fa48("141") ? {} : (stryCov_9fa48("141"), {
    part: stryMutAct_9fa48("142") ? "" : (stryCov_9fa48("142"), 'battery'),
    read: nonNegative
  }),
  [K.electricRange]: stryMutAct_9fa48("143") ? {} : (stryCov_9fa48("143"), {
    part: stryMutAct_9fa48("144") ? "" : (stryCov_9fa48("144"), 'battery'),
    read: km
  }),
  [K.electricRangeCharging]: stryMutAct_9fa48("145") ? {} : (stryCov_9fa48("145"), {
    part: stryMutAct_9fa48("146") ? "" : (stryCov_9fa48("146"), 'battery'),
    read: km
  }),
  [K.lastRange]: stryMutAct_9fa48("147") ? {} : (stryCov_9fa48("147"), {
    part: stryMutAct_9fa48("148") ? "" : (stryCov_9fa48("148"), 'range'),
    read: range
  }),
  [K.totalRangeCharging]: stryMutAct_9fa48("149") ? {} : (stryCov_9fa48("149"), {
    part: stryMutAct_9fa48("150") ? "" : (stryCov_9fa48("150"), 'range'),
    read: range
  }),
  [K.fuelLevel]: stryMutAct_9fa48("151") ? {} : (stryCov_9fa48("151"), {
    part: stryMutAct_9fa48("152") ? "" : (stryCov_9fa48("152"), 'fuel'),
    read: percent
  }),
  [K.fuelLiters]: stryMutAct_9fa48("153") ? {} : (stryCov_9fa48("153"), {
    part: stryMutAct_9fa48("154") ? "" : (stryCov_9fa48("154"), 'fuel'),
    read: liters
  }),
  [K.fuelRange]: stryMutAct_9fa48("155") ? {} : (stryCov_9fa48("155"), {
    part: stryMutAct_9fa48("156") ? "" : (stryCov_9fa48("156"), 'fuel'),
    read: km
  }),
  [K.hvStatus]: stryMutAct_9fa48("157") ? {} : (stryCov_9fa48("157"), {
    part: stryMutAct_9fa48("158") ? "" : (stryCov_9fa48("158"), 'charging'),
    read: chargingState
  }),
  [K.chargingStatus]: stryMutAct_9fa48("159") ? {} : (stryCov_9fa48("159"), {
    part: stryMutAct_9fa48("160") ? "" : (stryCov_9fa48("160"), 'charging'),
    read: chargingState
  }),
  [K.plugCombined]: stryMutAct_9fa48("161") ? {} : (stryCov_9fa48("161"), {
    part: stryMutAct_9fa48("162") ? "" : (stryCov_9fa48("162"), 'charging'),
    read: plug
  }),
  [K.plugAny]: stryMutAct_9fa48("163") ? {} : (stryCov_9fa48("163"), {
    part: stryMutAct_9fa48("164") ? "" : (stryCov_9fa48("164"), 'charging'),
    read: plug
  }),
  [K.plugStatus]: stryMutAct_9fa48("165") ? {} : (stryCov_9fa48("165"), {
    part: stryMutAct_9fa48("166") ? "" : (stryCov_9fa48("166"), 'charging'),
    read: plug
  }),
  [K.plugConnector]: stryMutAct_9fa48("167") ? {} : (stryCov_9fa48("167"), {
    part: stryMutAct_9fa48("168") ? "" : (stryCov_9fa48("168"), 'charging'),
    read: plug
  }),
  [K.plugClearText]: stryMutAct_9fa48("169") ? {} : (stryCov_9fa48("169"), {
    part: stryMutAct_9fa48("170") ? "" : (stryCov_9fa48("170"), 'charging'),
    read: plug
  }),
  [K.power]: stryMutAct_9fa48("171") ? {} : (stryCov_9fa48("171"), {
    part: stryMutAct_9fa48("172") ? "" : (stryCov_9fa48("172"), 'charging'),
    read: powerKw
  }),
  [K.timeRemaining]: stryMutAct_9fa48("173") ? {} : (stryCov_9fa48("173"), {
    part: stryMutAct_9fa48("174") ? "" : (stryCov_9fa48("174"), 'charging'),
    read: minutes
  }),
  [K.timeToFull]: stryMutAct_9fa48("175") ? {} : (stryCov_9fa48("175"), {
    part: stryMutAct_9fa48("176") ? "" : (stryCov_9fa48("176"), 'charging'),
    read: minutes
  }),
  [K.socTarget]: stryMutAct_9fa48("177") ? {} : (stryCov_9fa48("177"), {
    part: stryMutAct_9fa48("178") ? "" : (stryCov_9fa48("178"), 'charging'),
    read: percent
  }),
  [K.preference]: stryMutAct_9fa48("179") ? {} : (stryCov_9fa48("179"), {
    part: stryMutAct_9fa48("180") ? "" : (stryCov_9fa48("180"), 'charging'),
    read: lowerWord
  }),
  [K.lockStatus]: stryMutAct_9fa48("181") ? {} : (stryCov_9fa48("181"), {
    part: stryMutAct_9fa48("182") ? "" : (stryCov_9fa48("182"), 'lock'),
    read: lockState
  }),
  [K.doorStatus]: stryMutAct_9fa48("183") ? {} : (stryCov_9fa48("183"), {
    part: stryMutAct_9fa48("184") ? "" : (stryCov_9fa48("184"), 'lock'),
    read: lockState
  }),
  [K.doorFrontLeft]: stryMutAct_9fa48("185") ? {} : (stryCov_9fa48("185"), {
    part: stryMutAct_9fa48("186") ? "" : (stryCov_9fa48("186"), 'doors'),
    read: opening
  }),
  [K.doorFrontRight]: stryMutAct_9fa48("187") ? {} : (stryCov_9fa48("187"), {
    part: stryMutAct_9fa48("188") ? "" : (stryCov_9fa48("188"), 'doors'),
    read: opening
  }),
  [K.doorRearLeft]: stryMutAct_9fa48("189") ? {} : (stryCov_9fa48("189"), {
    part: stryMutAct_9fa48("190") ? "" : (stryCov_9fa48("190"), 'doors'),
    read: opening
  }),
  [K.doorRearRight]: stryMutAct_9fa48("191") ? {} : (stryCov_9fa48("191"), {
    part: stryMutAct_9fa48("192") ? "" : (stryCov_9fa48("192"), 'doors'),
    read: opening
  }),
  [K.trunk]: stryMutAct_9fa48("193") ? {} : (stryCov_9fa48("193"), {
    part: stryMutAct_9fa48("194") ? "" : (stryCov_9fa48("194"), 'doors'),
    read: opening
  }),
  [K.trunkDoor]: stryMutAct_9fa48("195") ? {} : (stryCov_9fa48("195"), {
    part: stryMutAct_9fa48("196") ? "" : (stryCov_9fa48("196"), 'doors'),
    read: opening
  }),
  [K.hood]: stryMutAct_9fa48("197") ? {} : (stryCov_9fa48("197"), {
    part: stryMutAct_9fa48("198") ? "" : (stryCov_9fa48("198"), 'doors'),
    read: opening
  }),
  [K.windowFrontLeft]: stryMutAct_9fa48("199") ? {} : (stryCov_9fa48("199"), {
    part: stryMutAct_9fa48("200") ? "" : (stryCov_9fa48("200"), 'windows'),
    read: opening
  }),
  [K.windowFrontRight]: stryMutAct_9fa48("201") ? {} : (stryCov_9fa48("201"), {
    part: stryMutAct_9fa48("202") ? "" : (stryCov_9fa48("202"), 'windows'),
    read: opening
  }),
  [K.windowRearLeft]: stryMutAct_9fa48("203") ? {} : (stryCov_9fa48("203"), {
    part: stryMutAct_9fa48("204") ? "" : (stryCov_9fa48("204"), 'windows'),
    read: opening
  }),
  [K.windowRearRight]: stryMutAct_9fa48("205") ? {} : (stryCov_9fa48("205"), {
    part: stryMutAct_9fa48("206") ? "" : (stryCov_9fa48("206"), 'windows'),
    read: opening
  }),
  [K.rearWindow]: stryMutAct_9fa48("207") ? {} : (stryCov_9fa48("207"), {
    part: stryMutAct_9fa48("208") ? "" : (stryCov_9fa48("208"), 'windows'),
    read: opening
  }),
  [K.sunroof]: stryMutAct_9fa48("209") ? {} : (stryCov_9fa48("209"), {
    part: stryMutAct_9fa48("210") ? "" : (stryCov_9fa48("210"), 'windows'),
    read: opening
  }),
  [K.sunroofStatus]: stryMutAct_9fa48("211") ? {} : (stryCov_9fa48("211"), {
    part: stryMutAct_9fa48("212") ? "" : (stryCov_9fa48("212"), 'windows'),
    read: opening
  }),
  [K.tireFrontLeft]: stryMutAct_9fa48("213") ? {} : (stryCov_9fa48("213"), {
    part: stryMutAct_9fa48("214") ? "" : (stryCov_9fa48("214"), 'tires'),
    read: kpa
  }),
  [K.tireFrontRight]: stryMutAct_9fa48("215") ? {} : (stryCov_9fa48("215"), {
    part: stryMutAct_9fa48("216") ? "" : (stryCov_9fa48("216"), 'tires'),
    read: kpa
  }),
  [K.tireRearLeft]: stryMutAct_9fa48("217") ? {} : (stryCov_9fa48("217"), {
    part: stryMutAct_9fa48("218") ? "" : (stryCov_9fa48("218"), 'tires'),
    read: kpa
  }),
  [K.tireRearRight]: stryMutAct_9fa48("219") ? {} : (stryCov_9fa48("219"), {
    part: stryMutAct_9fa48("220") ? "" : (stryCov_9fa48("220"), 'tires'),
    read: kpa
  }),
  [K.tireTargetFrontLeft]: stryMutAct_9fa48("221") ? {} : (stryCov_9fa48("221"), {
    part: stryMutAct_9fa48("222") ? "" : (stryCov_9fa48("222"), 'tires'),
    read: kpa
  }),
  [K.tireTargetFrontRight]: stryMutAct_9fa48("223") ? {} : (stryCov_9fa48("223"), {
    part: stryMutAct_9fa48("224") ? "" : (stryCov_9fa48("224"), 'tires'),
    read: kpa
  }),
  [K.tireTargetRearLeft]: stryMutAct_9fa48("225") ? {} : (stryCov_9fa48("225"), {
    part: stryMutAct_9fa48("226") ? "" : (stryCov_9fa48("226"), 'tires'),
    read: kpa
  }),
  [K.tireTargetRearRight]: stryMutAct_9fa48("227") ? {} : (stryCov_9fa48("227"), {
    part: stryMutAct_9fa48("228") ? "" : (stryCov_9fa48("228"), 'tires'),
    read: kpa
  }),
  [K.climateActivity]: stryMutAct_9fa48("229") ? {} : (stryCov_9fa48("229"), {
    part: stryMutAct_9fa48("230") ? "" : (stryCov_9fa48("230"), 'climate'),
    read: climateState
  }),
  [K.comfortState]: stryMutAct_9fa48("231") ? {} : (stryCov_9fa48("231"), {
    part: stryMutAct_9fa48("232") ? "" : (stryCov_9fa48("232"), 'climate'),
    read: climateState
  }),
  [K.targetTemperature]: stryMutAct_9fa48("233") ? {} : (stryCov_9fa48("233"), {
    part: stryMutAct_9fa48("234") ? "" : (stryCov_9fa48("234"), 'climate'),
    read: anyNumber
  }),
  [K.latitude]: stryMutAct_9fa48("235") ? {} : (stryCov_9fa48("235"), {
    part: stryMutAct_9fa48("236") ? "" : (stryCov_9fa48("236"), 'position'),
    read: latitude
  }),
  [K.longitude]: stryMutAct_9fa48("237") ? {} : (stryCov_9fa48("237"), {
    part: stryMutAct_9fa48("238") ? "" : (stryCov_9fa48("238"), 'position'),
    read: longitude
  }),
  [K.heading]: stryMutAct_9fa48("239") ? {} : (stryCov_9fa48("239"), {
    part: stryMutAct_9fa48("240") ? "" : (stryCov_9fa48("240"), 'position'),
    read: heading
  }),
  [K.fixStatus]: stryMutAct_9fa48("241") ? {} : (stryCov_9fa48("241"), {
    part: stryMutAct_9fa48("242") ? "" : (stryCov_9fa48("242"), 'position'),
    read: fixStatus
  }),
  [K.mileage]: stryMutAct_9fa48("243") ? {} : (stryCov_9fa48("243"), {
    part: stryMutAct_9fa48("244") ? "" : (stryCov_9fa48("244"), 'mileage'),
    read: km
  }),
  [K.checkControl]: stryMutAct_9fa48("245") ? {} : (stryCov_9fa48("245"), {
    part: stryMutAct_9fa48("246") ? "" : (stryCov_9fa48("246"), 'messages'),
    read: messagesOf(stryMutAct_9fa48("247") ? "" : (stryCov_9fa48("247"), 'check_control'))
  }),
  [K.services]: stryMutAct_9fa48("248") ? {} : (stryCov_9fa48("248"), {
    part: stryMutAct_9fa48("249") ? "" : (stryCov_9fa48("249"), 'messages'),
    read: messagesOf(stryMutAct_9fa48("250") ? "" : (stryCov_9fa48("250"), 'service'))
  }),
  [K.inspectionDue]: stryMutAct_9fa48("251") ? {} : (stryCov_9fa48("251"), {
    part: stryMutAct_9fa48("252") ? "" : (stryCov_9fa48("252"), 'messages'),
    read: inspection
  })
});

/** Every key the model maps, with the status part it feeds ('range' = the total rangeKm). */
export const MAPPED_KEYS: Readonly<Record<string, Part>> = Object.fromEntries(Object.entries(SPECS).map(stryMutAct_9fa48("253") ? () => undefined : (stryCov_9fa48("253"), ([k, s]) => stryMutAct_9fa48("254") ? [] : (stryCov_9fa48("254"), [k, s.part]))));

/** The keys the plugin's container asks for: what it maps. */
export const CONTAINER_KEYS: readonly string[] = stryMutAct_9fa48("255") ? Object.keys(SPECS) : (stryCov_9fa48("255"), Object.keys(SPECS).sort());

/** Keys the stream does not carry (catalogue streaming_capable: false): only REST reads bring them. */
/** The keys of each door and window (several: the freshest wins). */
const DOOR_KEYS = {
  frontLeft: [K.doorFrontLeft],
  frontRight: [K.doorFrontRight],
  rearLeft: [K.doorRearLeft],
  rearRight: [K.doorRearRight],
  trunk: [K.trunk, K.trunkDoor],
  hood: [K.hood]
} as const;
const WINDOW_KEYS = {
  frontLeft: [K.windowFrontLeft],
  frontRight: [K.windowFrontRight],
  rearLeft: [K.windowRearLeft],
  rearRight: [K.windowRearRight],
  rear: [K.rearWindow],
  sunroof: [K.sunroof, K.sunroofStatus]
} as const;
export const REST_ONLY_KEYS: readonly string[] = stryMutAct_9fa48("256") ? [] : (stryCov_9fa48("256"), [K.plugCombined, K.lockStatus, K.checkControl, K.services]);

/** Parts that only REST can fill (the stream has no key for them). */
export const REST_ONLY_PARTS: readonly StatusPart[] = stryMutAct_9fa48("257") ? [] : (stryCov_9fa48("257"), [stryMutAct_9fa48("258") ? "" : (stryCov_9fa48("258"), 'messages')]);

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
const PART_ORDER: StatusPart[] = stryMutAct_9fa48("259") ? [] : (stryCov_9fa48("259"), [stryMutAct_9fa48("260") ? "" : (stryCov_9fa48("260"), 'battery'), stryMutAct_9fa48("261") ? "" : (stryCov_9fa48("261"), 'fuel'), stryMutAct_9fa48("262") ? "" : (stryCov_9fa48("262"), 'charging'), stryMutAct_9fa48("263") ? "" : (stryCov_9fa48("263"), 'lock'), stryMutAct_9fa48("264") ? "" : (stryCov_9fa48("264"), 'doors'), stryMutAct_9fa48("265") ? "" : (stryCov_9fa48("265"), 'windows'), stryMutAct_9fa48("266") ? "" : (stryCov_9fa48("266"), 'tires'), stryMutAct_9fa48("267") ? "" : (stryCov_9fa48("267"), 'climate'), stryMutAct_9fa48("268") ? "" : (stryCov_9fa48("268"), 'position'), stryMutAct_9fa48("269") ? "" : (stryCov_9fa48("269"), 'mileage'), stryMutAct_9fa48("270") ? "" : (stryCov_9fa48("270"), 'messages')]);

/** The newest known value of every key of one car. */
export class TelematicState {
  private readonly entries = new Map<string, Entry>();
  get size(): number {
    return this.entries.size;
  }

  /** Merges keys and builds the parts they touched (a stream message: what changed). */
  apply(data: Record<string, TelematicValue>, receivedAt: number): Applied {
    const {
      unmapped,
      parts
    } = this.merge(data, receivedAt);
    const fragment = this.fragment(PART_ORDER.filter(p => parts.has(p)));
    return {
      fragment,
      unmapped,
      parts: PART_ORDER.filter(p => parts.has(p) && partPresent(fragment, p))
    };
  }

  /**
   * Merges keys (a REST body or a stream message); older values than known ones are ignored.
   * Says which keys it could not read and which parts the keys touched; builds nothing (a REST
   * read builds every part once, after).
   */
  merge(data: Record<string, TelematicValue>, receivedAt: number): {
    unmapped: Record<string, TelematicValue>;
    parts: Set<StatusPart>;
  } {
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
      const entry: Entry = {
        value: kv.value,
        at
      };
      if (kv.unit) entry.unit = kv.unit;
      if (time) entry.timestamp = time.iso;
      if (read !== undefined) entry.known = time ? {
        value: read,
        at,
        timestamp: time.iso
      } : {
        value: read,
        at
      };
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
    return {
      unmapped,
      parts
    };
  }

  /** Every key known, as the cloud sent it. */
  snapshot(): Record<string, TelematicValue> {
    const out: Record<string, TelematicValue> = {};
    for (const [k, e] of this.entries) out[k] = {
      value: e.value,
      ...(e.unit ? {
        unit: e.unit
      } : {}),
      ...(e.timestamp ? {
        timestamp: e.timestamp
      } : {})
    };
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
  private openings<F extends string>(keysByField: Readonly<Record<F, readonly string[]>>): (Partial<Record<F, Opening>> & {
    anyOpen: boolean;
  }) | undefined {
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
    return reported as Partial<Record<F, Opening>> & {
      anyOpen: boolean;
    };
  }

  /** The status parts asked for (all by default), built from every key known. */
  fragment(parts: readonly StatusPart[] = PART_ORDER): StatusFragment {
    const out: StatusFragment = {};
    const want = new Set(parts);
    /** When the newest of these values was true, ISO UTC (their own timestamp, already in that form, when they have one). */
    const iso = (...known: (Known | undefined)[]): string | undefined => {
      let newest: Known | undefined;
      for (const k of known) if (k && (!newest || k.at > newest.at)) newest = k;
      return newest ? newest.timestamp ?? toIsoUtc(newest.at) : undefined;
    };

    // SoC: batteryManagement.header, else stateOfCharge.displayed (Neue Klasse cars lack the header)
    // [evcc vehicle/bmw/cardata provider.go Soc(); kvanbiesen README]. Electric range:
    // kombiRemainingElectricRange, else remainingElectricRange [evcc Range(); kvanbiesen].
    const soc = this.first<number>(K.socHeader, K.socDisplayed);
    const eRange = this.first<number>(K.electricRange, K.electricRangeCharging);
    const energy = this.get<number>(K.energy);
    const battery = clean({
      socPercent: soc?.value,
      rangeKm: eRange?.value,
      availableEnergyKwh: energy?.value,
      updatedAt: iso(soc ?? eRange)
    });
    if (want.has('battery') && soc !== undefined) out.battery = battery;else if (want.has('battery') && Object.keys(battery).length > 0) out.battery = battery;
    const fuelLevel = this.get<number>(K.fuelLevel);
    const fuelLiters = this.get<number>(K.fuelLiters);
    const fuelRange = this.get<number>(K.fuelRange);
    const fuel = clean({
      levelPercent: fuelLevel?.value,
      quantityLiters: fuelLiters?.value,
      rangeKm: fuelRange?.value
    });
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
          updatedAt: iso(state, p, charging ? power : undefined)
        }) as NonNullable<StatusFragment['charging']>;
      }
    }
    if (want.has('lock')) {
      const lock = this.pick<LockState>(K.lockStatus, K.doorStatus);
      if (lock) out.lock = clean({
        state: lock.value,
        updatedAt: iso(lock)
      }) as NonNullable<StatusFragment['lock']>;
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
        const o = clean({
          pressureKpa: this.get<number>(p)?.value,
          targetPressureKpa: this.get<number>(t)?.value
        });
        return Object.keys(o).length ? o : undefined;
      };
      const tires = clean({
        frontLeft: tire(K.tireFrontLeft, K.tireTargetFrontLeft),
        frontRight: tire(K.tireFrontRight, K.tireTargetFrontRight),
        rearLeft: tire(K.tireRearLeft, K.tireTargetRearLeft),
        rearRight: tire(K.tireRearRight, K.tireTargetRearRight)
      });
      if (Object.keys(tires).length > 0) out.tires = tires;
    }
    if (want.has('climate')) {
      const c = this.pick<ClimateState>(K.climateActivity, K.comfortState);
      if (c) out.climate = clean({
        state: c.value,
        targetTemperatureC: this.get<number>(K.targetTemperature)?.value,
        updatedAt: iso(c)
      }) as NonNullable<StatusFragment['climate']>;
    }
    if (want.has('position')) {
      const lat = this.get<number>(K.latitude);
      const lon = this.get<number>(K.longitude);
      if (lat && lon) {
        out.position = clean({
          latitude: lat.value,
          longitude: lon.value,
          headingDeg: this.get<number>(K.heading)?.value,
          updatedAt: iso(lat, lon)
        }) as NonNullable<StatusFragment['position']>;
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
        if (legal && !list.some(m => m.code === 'VEHICLE_TUV')) list.push({
          kind: 'service',
          code: 'VEHICLE_TUV',
          title: 'Statutory inspection',
          dueAt: legal.value
        });
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
export function mapTelematic(data: Record<string, TelematicValue>, receivedAt: number): {
  status: StatusFragment;
  unmapped: Record<string, TelematicValue>;
} {
  const state = new TelematicState();
  const {
    unmapped
  } = state.merge(data, receivedAt);
  return {
    status: state.fragment(),
    unmapped
  };
}