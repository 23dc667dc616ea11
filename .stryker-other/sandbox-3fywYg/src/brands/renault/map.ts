// @ts-nocheck
import { readTime, toIsoUtc, type Brand, type StatusFragment, type Vehicle, type VehicleMessage } from '../../core';
import { CHARGING_STATES, OPENING_STATES, PLUG_STATES } from '../../core/model';
import type {
  RawAlert,
  RawBatteryStatus,
  RawCarAdapter,
  RawCockpit,
  RawContract,
  RawHvacStatus,
  RawLocation,
  RawLockStatus,
  RawPressure,
  RawResState,
  RawVehicleDetails,
  RawVehicles,
} from './schemas';
import { reportsPowerInWatts } from './capabilities';

type ChargingState = (typeof CHARGING_STATES)[number];
type PlugState = (typeof PLUG_STATES)[number];

/** Charging states that need a cable in the socket. */
const CABLED: readonly ChargingState[] = ['charging', 'waiting_for_current', 'waiting_for_schedule', 'ended'];

/**
 * plugStatus (spec §5.1). 3 is not in renault-api's enum: a Twingo ZE sends it plugged in and
 * waiting for its wallbox (renault-api #1304, #1561), a Spring sent it unplugged (#1262); so 3
 * is "plugged" when the charging state needs a cable, "unknown" otherwise (Home Assistant's
 * way: decide with the charge state).
 */
export function mapPlug(value: number | undefined, state?: ChargingState): PlugState | undefined {
  if (value === undefined) return undefined;
  if (value === 0) return 'unplugged';
  if (value === 1) return 'plugged';
  if (value === -1) return 'error';
  if (value === 3 && state !== undefined && CABLED.includes(state)) return 'plugged';
  return 'unknown';
}

/** chargingStatus (spec §5.1); unknown values become 'unknown', never a crash. */
export function mapChargingStatus(value: number | undefined, modelCode?: string): ChargingState | undefined {
  if (value === undefined) return undefined;
  const v = Math.round(value * 10) / 10;
  switch (v) {
    case 0:
      return 'not_charging';
    case 0.1:
      return 'waiting_for_schedule';
    case 0.2:
      return 'ended';
    case 0.3:
      return 'waiting_for_current';
    case 0.4:
      return 'flap_open';
    case 1:
      return 'charging';
    case -1:
      // ZE40 and older say -1 when simply not charging.
      return modelCode === 'X101VE' ? 'not_charging' : 'error';
    case -1.1:
      return 'unavailable';
    case -1.3:
      return 'waiting_for_current';
    case -1.4:
    case -1.5:
      return 'discharging';
    case -1.6:
      return 'charging';
    default:
      return 'unknown';
  }
}

const positive = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);
export const percent = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 && v <= 100 ? v : undefined);
const nonNegative = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 ? v : undefined);

export function mapBatteryStatus(raw: RawBatteryStatus, modelCode?: string): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  // Read once: its ISO form for the parts, its ms for the end of the charge.
  const time = readTime(a.timestamp);
  const updatedAt = time?.iso;
  const out: StatusFragment = {};
  const battery = {
    socPercent: percent(a.batteryLevel),
    rangeKm: nonNegative(a.batteryAutonomy),
    temperatureC: a.batteryTemperature,
    // batteryCapacity is always 0 and batteryAvailableEnergy often 0 with a non-empty
    // battery: zero means "not reported" here.
    availableEnergyKwh: positive(a.batteryAvailableEnergy),
    updatedAt,
  };
  const known = dropUndefined(battery);
  if (Object.keys(known).length > 0) out.battery = known;
  const state = mapChargingStatus(a.chargingStatus, modelCode);
  const plug = mapPlug(a.plugStatus, state);
  if (state !== undefined || plug !== undefined) {
    let powerKw = a.chargingInstantaneousPower;
    if (powerKw !== undefined && reportsPowerInWatts(modelCode)) powerKw = powerKw / 1000;
    const charging = state === 'charging';
    // Kept while the car waits for current: the charge still needs that long once it flows.
    const remaining = charging || state === 'waiting_for_current' ? nonNegative(a.chargingRemainingTime) : undefined;
    const from = time?.ms;
    out.charging = dropUndefined({
      state: state ?? 'unknown',
      plug: plug ?? 'unknown',
      powerKw: charging ? nonNegative(powerKw) : undefined,
      remainingMinutes: remaining,
      // An end time only while the current flows: a waiting car cannot say when it will start.
      endsAt: charging && remaining !== undefined && from !== undefined ? new Date(from + remaining * 60_000).toISOString() : undefined,
      updatedAt,
    });
  }
  if (out.battery?.rangeKm !== undefined) out.rangeKm = out.battery.rangeKm;
  return out;
}

export function mapCockpit(raw: RawCockpit): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const out: StatusFragment = {};
  if (a.totalMileage !== undefined && a.totalMileage >= 0) out.mileageKm = a.totalMileage;
  const fuel = dropUndefined({ quantityLiters: nonNegative(a.fuelQuantity), rangeKm: nonNegative(a.fuelAutonomy) });
  if (Object.keys(fuel).length) out.fuel = fuel;
  return out;
}

export function mapLocation(raw: RawLocation): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const lat = a.gpsLatitude;
  const lon = a.gpsLongitude;
  // 91/181 is Renault's "no fix" sentinel (spec §5, notes).
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return { positionUnknown: true };
  return {
    position: dropUndefined({ latitude: lat, longitude: lon, headingDeg: a.gpsDirection, updatedAt: toIsoUtc(a.lastUpdateTime) }),
    positionUnknown: false,
  };
}

export function mapHvacStatus(raw: RawHvacStatus): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const s = a.hvacStatus?.toLowerCase();
  return {
    climate: dropUndefined({
      state: s === 'on' ? ('on' as const) : s === 'off' ? ('off' as const) : ('unknown' as const),
      outsideTemperatureC: a.externalTemperature,
      insideTemperatureC: a.internalTemperature,
      socThresholdPercent: percent(a.socThreshold),
      nextStartAt: toIsoUtc(a.nextHvacStartDate),
      updatedAt: toIsoUtc(a.lastUpdateTime),
    }),
  };
}

/** Total range: electric plus fuel where both are known. */
export function combineRange(f: StatusFragment): number | undefined {
  const e = f.battery?.rangeKm;
  const fuel = f.fuel?.rangeKm;
  if (e === undefined && fuel === undefined) return undefined;
  return (e ?? 0) + (fuel ?? 0);
}

const BRAND_OF: Record<string, Brand> = { RENAULT: 'renault', DACIA: 'dacia', ALPINE: 'alpine' };

export function mapVehicles(raw: RawVehicles, accountId: string): Vehicle[] {
  return raw.vehicleLinks.map((link) => mapVehicle(link.vin, link.brand, link.vehicleDetails, accountId));
}

/** The details endpoint (spec §4.3): the vehicleDetails object alone. */
export function mapVehicleDetails(d: RawVehicleDetails, accountId?: string): Vehicle {
  return mapVehicle(d.vin ?? '', undefined, d, accountId);
}

function mapVehicle(vin: string, linkBrand: string | undefined, d: RawVehicleDetails | undefined, accountId: string | undefined): Vehicle {
  const energy = (d?.engineEnergyType ?? d?.energy?.code ?? '').toUpperCase();
  const brand = BRAND_OF[(linkBrand ?? d?.brand?.label ?? '').toUpperCase()];
  const model = d?.model?.label;
  return dropUndefined({
    vin,
    brand,
    model,
    modelCode: d?.model?.code,
    name: [model, d?.registrationNumber].filter(Boolean).join(' ') || vin,
    registration: d?.registrationNumber,
    accountId: accountId || undefined,
    drivetrain:
      energy === 'ELEC' || energy === 'ELECX'
        ? ('electric' as const)
        : energy === 'PHEV'
          ? ('plugin_hybrid' as const)
          : energy === 'HEV'
            ? ('hybrid' as const)
            : energy
              ? ('combustion' as const)
              : ('unknown' as const),
  }) as Vehicle;
}

export function dropUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  // for-in, not Object.entries: this runs for every part of every read (issue 17: mapping at most 3x JSON.parse).
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}

// ---- Locks, doors, tires, alerts ----------------------------------------------------------

type Opening = (typeof OPENING_STATES)[number];

function opening(v: string | undefined): Opening | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  return (OPENING_STATES as readonly string[]).includes(s) ? (s as Opening) : 'unknown';
}

/**
 * lock-status (spec §5): the lock and the doors. Renault names the doors by driver and
 * passenger: on a right-hand-drive car (UK, Ireland) the driver's door is the front right.
 */
export function mapLockStatus(raw: RawLockStatus, options: { rightHandDrive?: boolean } = {}): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const out: StatusFragment = {};
  const updatedAt = toIsoUtc(a.lastUpdateTime);
  if (a.lockStatus !== undefined) {
    const l = a.lockStatus.toLowerCase();
    out.lock = dropUndefined({ state: l === 'locked' ? ('locked' as const) : l === 'unlocked' ? ('unlocked' as const) : ('unknown' as const), updatedAt });
  }
  const driver = opening(a.doorStatusDriver);
  const passenger = opening(a.doorStatusPassenger);
  const doors = dropUndefined({
    frontLeft: options.rightHandDrive ? passenger : driver,
    frontRight: options.rightHandDrive ? driver : passenger,
    rearLeft: opening(a.doorStatusRearLeft),
    rearRight: opening(a.doorStatusRearRight),
    trunk: opening(a.hatchStatus),
  });
  const known = Object.values(doors);
  if (known.length) out.doors = { ...doors, anyOpen: known.some((d) => d === 'open' || d === 'ajar') };
  return out;
}

/** Plausible tyre pressures only: mbar from the car, kPa in the model (1 mbar = 0.1 kPa). */
function kpa(mbar: number | undefined): number | undefined {
  if (mbar === undefined || mbar <= 0 || mbar > 10_000) return undefined;
  return Math.round(mbar) / 10;
}

function tireWarning(status: number | undefined): 'ok' | 'unknown' | undefined {
  // Only 0 is known (all fixtures show 0 with normal pressures); other values are kept in raw.
  if (status === undefined) return undefined;
  return status === 0 ? 'ok' : 'unknown';
}

/** pressure (spec §5): four tyres, mbar → kPa. */
export function mapPressure(raw: RawPressure): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const tire = (p: number | undefined, st: number | undefined) => {
    const t = dropUndefined({ pressureKpa: kpa(p), warning: tireWarning(st) });
    return Object.keys(t).length ? t : undefined;
  };
  const tires = dropUndefined({
    frontLeft: tire(a.flPressure, a.flStatus),
    frontRight: tire(a.frPressure, a.frStatus),
    rearLeft: tire(a.rlPressure, a.rlStatus),
    rearRight: tire(a.rrPressure, a.rrStatus),
  });
  return Object.keys(tires).length ? { tires } : {};
}

function severity(criticity: number | undefined): VehicleMessage['severity'] {
  // Higher is worse. The recorded alerts answer has only 3, named "Major alert" (criticityName): that is 'high'.
  // 1 and 2 are not recorded; read as the two steps below it (low, medium), 0 as no alert level (info).
  if (criticity === undefined) return undefined;
  if (criticity <= 0) return 'info';
  if (criticity === 1) return 'low';
  if (criticity === 2) return 'medium';
  if (criticity === 3) return 'high';
  return 'critical';
}

/** alerts (spec §4.6): the car's alerts as messages; archived ones say so in `status`. */
export function mapAlerts(list: RawAlert[]): StatusFragment {
  return {
    messages: list.map((a) =>
      dropUndefined({
        kind: 'alert' as const,
        code: a.alertCode,
        severity: severity(a.criticity),
        title: a.alertCodeTitle ?? a.shortDescription,
        description: a.alertCodeDescription ?? a.longDescription ?? a.shortDescription,
        dueAt: toIsoUtc(a.nextDate),
        dueKm: a.nextMileage,
        status: a.closureReason ?? (a.status === 0 ? 'open' : a.status !== undefined ? String(a.status) : undefined),
      }),
    ),
  };
}

// ---- Other reads --------------------------------------------------------------------------

/** res-state (spec §5): the remote engine start state, as Renault words it. */
export function mapResState(raw: RawResState): { code?: string; details?: string } {
  const a = raw.data.attributes;
  return a ? dropUndefined({ code: a.code, details: a.details }) : {};
}

/** The gateway root (spec §4.4): what the car's gateway says about the car. */
export function mapCarAdapter(raw: RawCarAdapter) {
  const a = raw.data.attributes;
  if (!a) return {};
  return dropUndefined({
    vin: a.vin,
    brand: a.brand,
    modelCode: a.modelCodeDetail,
    modelName: a.modelName,
    energy: a.energy,
    gateway: a.carGateway,
    canGeneration: a.canGeneration,
    tcuCode: a.tcuCode,
    privacyMode: a.privacyMode === undefined ? undefined : a.privacyMode.toLowerCase() === 'on',
    // GDC gateways (Zoe phase 1) report charging power in W (spec §4.4).
    powerInWatts: a.carGateway === undefined ? undefined : a.carGateway.toUpperCase() === 'GDC',
  });
}

/** contracts (spec §4.5): warranties and connected services, with whether each is active. */
export function mapContracts(list: RawContract[], now: number) {
  return list.map((c) => {
    // A date alone names the contract's last day: the recorded contracts run from 2023-10-01 to 2027-09-30 and from
    // 2019-06-01 to 2022-05-31, whole years with the end day included. It ends when that day (UTC) is over.
    const endText = c.endDate?.trim();
    const end = endText ? Date.parse(endText) + (/^\d{4}-\d{2}-\d{2}$/.test(endText) ? 86_400_000 : 0) : NaN;
    const status = c.status?.toUpperCase();
    return dropUndefined({
      type: c.type,
      code: c.code,
      description: c.description,
      status: c.status,
      startDate: c.startDate,
      endDate: c.endDate,
      durationMonths: c.durationMonths,
      active: status === 'ACTIVE' && !(Number.isFinite(end) && end <= now),
    });
  });
}
