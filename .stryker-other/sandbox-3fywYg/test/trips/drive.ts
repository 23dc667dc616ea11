/** A drive from home to the office and a charge there, as car-status reports it: for the trip tests. */
// @ts-nocheck

import type { VehicleStatus } from '../../src/core';

export const OFFICE = { lat: 48.8921, lon: 2.2376 };

/** A VehicleStatus as car-status sends it, minutes after 2026-03-02 06:00 UTC. */
export function status(minute: number, o: { km: number; lat: number; lon: number; fixAt?: number; soc: number; charging?: 'charging' | 'not_charging'; vin?: string }): VehicleStatus {
  const at = (m: number): string => new Date(Date.parse('2026-03-02T06:00:00Z') + m * 60_000).toISOString();
  return {
    vin: o.vin ?? 'VTEST',
    provider: 'renault',
    fetchedAt: at(minute),
    updatedAt: at(minute),
    mileageKm: o.km,
    battery: { socPercent: o.soc, updatedAt: at(minute) },
    charging: { state: o.charging ?? 'not_charging', plug: o.charging === 'charging' ? 'plugged' : 'unplugged', updatedAt: at(minute) },
    position: { latitude: o.lat, longitude: o.lon, updatedAt: at(o.fixAt ?? -60) },
  };
}
export const HOME_AT = { km: 1000, lat: 48.8566, lon: 2.3522 };
export const DRIVE = [
  status(0, { ...HOME_AT, soc: 80 }),
  status(10, { ...HOME_AT, soc: 80 }),
  status(20, { ...HOME_AT, soc: 78 }), // on the road, the fix not committed yet
] as const;
export const ARRIVE = [
  status(40, { km: 1020, ...OFFICE, fixAt: 38, soc: 76 }),
  status(50, { km: 1020, ...OFFICE, fixAt: 38, soc: 76, charging: 'charging' }),
  status(110, { km: 1020, ...OFFICE, fixAt: 38, soc: 90, charging: 'charging' }),
  status(120, { km: 1020, ...OFFICE, fixAt: 38, soc: 92 }),
] as const;
