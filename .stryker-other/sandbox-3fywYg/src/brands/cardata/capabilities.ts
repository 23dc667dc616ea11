// @ts-nocheck
import type { Brand, StatusPart, Vehicle } from '../../core';
import type { VehicleCapabilities } from '../provider';
import type { RawBasicData } from './schemas';

/**
 * What a CarData car can report. CarData is read-only (no commands, no charging settings to
 * write); which keys arrive depends on the car and on the data points the user selected in
 * the portal, so the parts are those its drivetrain can have.
 */
export function capabilitiesOf(vehicle: Vehicle): VehicleCapabilities {
  const electric = vehicle.drivetrain === 'electric';
  const plugin = vehicle.drivetrain === 'plugin_hybrid';
  const combustion = vehicle.drivetrain === 'combustion' || vehicle.drivetrain === 'hybrid';
  const parts: StatusPart[] = ['lock', 'doors', 'windows', 'tires', 'climate', 'position', 'mileage', 'messages'];
  if (!combustion) parts.unshift('battery', 'charging');
  if (!electric) parts.splice(parts.indexOf('lock'), 0, 'fuel');
  return {
    parts,
    commands: [],
    chargingRead: false,
    chargingWrite: false,
    nativeChargeSessions: electric || plugin || vehicle.drivetrain === 'unknown',
    nativeTrips: false,
  };
}

/** World manufacturer identifiers of BMW Group VINs (the first three characters). */
const WMI_BRAND: Record<string, Brand> = {
  WBA: 'bmw',
  WBS: 'bmw',
  WBY: 'bmw',
  WBX: 'bmw',
  '5UX': 'bmw',
  '5YM': 'bmw',
  WMW: 'mini',
  WMZ: 'mini',
  WMX: 'mini',
};

export function brandOf(vin: string, basic?: RawBasicData): Brand | undefined {
  const b = basic?.brand?.toUpperCase() ?? '';
  if (b.includes('MINI')) return 'mini';
  if (b.includes('BMW')) return 'bmw';
  if (b.includes('TOYOTA')) return 'toyota';
  return WMI_BRAND[vin.slice(0, 3).toUpperCase()];
}

function drivetrainWord(word: string | undefined): Vehicle['drivetrain'] | undefined {
  const s = (word ?? '').toUpperCase();
  if (/PHEV|PLUGIN|PLUG_IN|PLUG-IN/.test(s)) return 'plugin_hybrid';
  if (/\bBEV\b|ELECTRIC|\bEV\b/.test(s)) return 'electric';
  if (/MHEV|MILD|HYBRID/.test(s)) return 'hybrid';
  if (/ICE|COMBUSTION|CONV|PETROL|DIESEL|GASOLINE/.test(s)) return 'combustion';
  return undefined;
}

/**
 * basicData's drivetrain words (BEV, PHEV, ELECTRIC, CONV...) in the core's terms: driveTrain
 * first, propulsionType only without it, because propulsionType can be wrong (an X2 M35i,
 * driveTrain CONV, said propulsionType BE: kvanbiesen#408).
 */
export function drivetrainOf(basic?: RawBasicData): Vehicle['drivetrain'] {
  return drivetrainWord(basic?.driveTrain) ?? drivetrainWord(basic?.propulsionType) ?? 'unknown';
}
