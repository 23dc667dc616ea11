import { toIsoUtc, type StatusFragment, type Vehicle, type Brand } from '../../core';
import { CHARGING_STATES, PLUG_STATES } from '../../core/model';
import type { RawBatteryStatus, RawCockpit, RawHvacStatus, RawLocation, RawVehicles } from './schemas';
import { reportsPowerInWatts } from './capabilities';

type ChargingState = (typeof CHARGING_STATES)[number];
type PlugState = (typeof PLUG_STATES)[number];

/** plugStatus (spec §5.1). */
export function mapPlug(value: number | undefined): PlugState | undefined {
  if (value === undefined) return undefined;
  if (value === 0) return 'unplugged';
  if (value === 1) return 'plugged';
  if (value === -1) return 'error';
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
const percent = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 && v <= 100 ? v : undefined);
const nonNegative = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 ? v : undefined);

export function mapBatteryStatus(raw: RawBatteryStatus, modelCode?: string): StatusFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  const updatedAt = toIsoUtc(a.timestamp);
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
  if (Object.values(battery).some((v) => v !== undefined)) out.battery = dropUndefined(battery);
  const state = mapChargingStatus(a.chargingStatus, modelCode);
  const plug = mapPlug(a.plugStatus);
  if (state !== undefined || plug !== undefined) {
    let powerKw = a.chargingInstantaneousPower;
    if (powerKw !== undefined && reportsPowerInWatts(modelCode)) powerKw = powerKw / 1000;
    const charging = state === 'charging';
    const remaining = charging ? nonNegative(a.chargingRemainingTime) : undefined;
    const from = updatedAt ? Date.parse(updatedAt) : undefined;
    out.charging = dropUndefined({
      state: state ?? 'unknown',
      plug: plug ?? 'unknown',
      powerKw: charging ? nonNegative(powerKw) : undefined,
      remainingMinutes: remaining,
      endsAt: remaining !== undefined && from !== undefined ? new Date(from + remaining * 60_000).toISOString() : undefined,
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
  return raw.vehicleLinks.map((link) => {
    const d = link.vehicleDetails;
    const energy = (d?.engineEnergyType ?? d?.energy?.code ?? '').toUpperCase();
    const brand = BRAND_OF[(link.brand ?? d?.brand?.label ?? '').toUpperCase()];
    const model = d?.model?.label;
    return dropUndefined({
      vin: link.vin,
      brand,
      model,
      modelCode: d?.model?.code,
      name: [model, d?.registrationNumber].filter(Boolean).join(' ') || link.vin,
      registration: d?.registrationNumber,
      accountId,
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
  });
}

export function dropUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
