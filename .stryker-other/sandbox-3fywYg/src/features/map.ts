/**
 * The car on a map: a marker in the form node-red-contrib-web-worldmap takes as msg.payload
 * ({name, lat, lon, icon}), and the area the car can reach (and come back from) as GeoJSON, which
 * every map node takes: the range map of BMW's app, drawn as circles.
 */
// @ts-nocheck

import { z } from 'zod';
import { CarError, type VehicleStatus } from '../core';
import type { VehicleInfo } from './vehicle-info';

const EARTH_RADIUS_M = 6_371_008.8;

export interface MapMarker {
  /** Unique on a worldmap (a repeat moves the marker): the car's name and the end of its VIN. */
  name: string;
  lat: number;
  lon: number;
  icon: 'car';
  layer: string;
  [extra: string]: unknown;
}

export function mapMarker(vehicle: VehicleInfo, s: VehicleStatus): MapMarker | undefined {
  if (!s.position) return undefined;
  const label = vehicle.name ?? vehicle.model ?? 'car';
  const soc = s.battery?.socPercent;
  const range = s.battery?.rangeKm ?? s.rangeKm;
  return {
    name: `${label} ${vehicle.vin.slice(-6)}`,
    lat: s.position.latitude,
    lon: s.position.longitude,
    icon: 'car',
    layer: 'cars',
    ...(s.position.headingDeg !== undefined ? { hdg: s.position.headingDeg } : {}),
    ...(soc !== undefined ? { soc: `${soc} %` } : {}),
    ...(range !== undefined ? { range: `${range} km` } : {}),
    ...(s.updatedAt ? { updated: s.updatedAt } : {}),
  };
}

/**
 * How far in a straight line the range takes the car: roads are longer than the crow flies.
 * 0.8 is the usual detour factor for European road networks (road distance ≈ 1.2-1.3 × straight line).
 */
export const DEFAULT_ROAD_FACTOR = 0.8;

export const AreaRequestSchema = z.union([
  z.literal(true),
  z.object({ roadFactor: z.number().gt(0).max(1).optional(), points: z.number().int().min(8).max(360).optional() }).strict(),
]);

/** msg.area of car-status's input: true, or {roadFactor, points}; BAD_INPUT naming the field otherwise. */
export function areaRequestFrom(v: unknown): { roadFactor: number; points: number } | undefined {
  if (v === undefined || v === false) return undefined;
  const r = AreaRequestSchema.safeParse(v);
  if (!r.success) {
    throw new CarError('BAD_INPUT', 'msg.area must be true or {roadFactor: number above 0 up to 1, points: whole number from 8 to 360}');
  }
  return { roadFactor: r.data === true ? DEFAULT_ROAD_FACTOR : (r.data.roadFactor ?? DEFAULT_ROAD_FACTOR), points: r.data === true ? 64 : (r.data.points ?? 64) };
}

/** A circle on the sphere as a closed GeoJSON ring ([lon, lat] pairs, counter-clockwise). */
function ring(lat: number, lon: number, radiusM: number, points: number): [number, number][] {
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  const δ = radiusM / EARTH_RADIUS_M;
  const out: [number, number][] = [];
  for (let i = 0; i <= points; i++) {
    const θ = (2 * Math.PI * (i % points)) / points;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
    out.push([Math.round(((((λ2 * 180) / Math.PI + 540) % 360) - 180) * 1e6) / 1e6, Math.round(((φ2 * 180) / Math.PI) * 1e6) / 1e6]);
  }
  return out.reverse();
}

export interface ReachableArea {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { kind: 'range' | 'return'; radiusKm: number; rangeKm: number; roadFactor: number };
    geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  }[];
}

/**
 * The reachable area (range × road factor around the car) and the area from which the car can
 * also come back (half of it), or undefined without a position or a range.
 */
export function reachableArea(s: VehicleStatus, o: { roadFactor: number; points: number } = { roadFactor: DEFAULT_ROAD_FACTOR, points: 64 }): ReachableArea | undefined {
  const range = s.battery?.rangeKm ?? s.rangeKm;
  if (!s.position || range === undefined) return undefined;
  const { latitude, longitude } = s.position;
  const feature = (kind: 'range' | 'return', radiusKm: number) => ({
    type: 'Feature' as const,
    properties: { kind, radiusKm: Math.round(radiusKm * 10) / 10, rangeKm: range, roadFactor: o.roadFactor },
    geometry: { type: 'Polygon' as const, coordinates: [ring(latitude, longitude, radiusKm * 1000, o.points)] },
  });
  const reach = range * o.roadFactor;
  return { type: 'FeatureCollection', features: [feature('range', reach), feature('return', reach / 2)] };
}
