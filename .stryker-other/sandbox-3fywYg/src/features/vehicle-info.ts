// @ts-nocheck
import type { Vehicle } from '../core';

/** What the nodes put in msg.vehicle: the VIN, and the account's names for the car when known. */
export interface VehicleInfo {
  vin: string;
  brand?: string;
  model?: string;
  name?: string;
}

/** msg.vehicle for vin: the account's record when it is this car's, else only the VIN. */
export function vehicleInfo(vin: string, vehicle?: Vehicle): VehicleInfo {
  if (!vehicle || vehicle.vin !== vin) return { vin };
  return { vin, ...(vehicle.brand ? { brand: vehicle.brand } : {}), ...(vehicle.model ? { model: vehicle.model } : {}), ...(vehicle.name ? { name: vehicle.name } : {}) };
}
