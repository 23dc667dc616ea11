/** Points for presence tests: home, and a point some metres from it. */
// @ts-nocheck

export const HOME = { latitude: 48.8566, longitude: 2.3522 };
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** A point `metres` from (lat, lon) towards `bearingDeg`. */
export function offset(from: { latitude: number; longitude: number }, metres: number, bearingDeg: number): { latitude: number; longitude: number } {
  const b = (bearingDeg * Math.PI) / 180;
  return {
    latitude: from.latitude + (metres * Math.cos(b)) / M_PER_DEG,
    longitude: from.longitude + (metres * Math.sin(b)) / (M_PER_DEG * Math.cos((from.latitude * Math.PI) / 180)),
  };
}
