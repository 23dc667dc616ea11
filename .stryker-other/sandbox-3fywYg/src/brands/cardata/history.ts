// @ts-nocheck
import { ChargeSessionSchema, toIsoUtc, type ChargeSession } from '../../core';
import type { RawChargingSession } from './schemas';

/** Epoch seconds, epoch ms or an ISO string (clients have seen all three) as epoch ms. */
export function epochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^\d+$/.test(v.trim())) return epochMs(Number(v));
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** One CarData charging session in the core's terms; undefined when it has no start. */
export function mapChargingSession(vin: string, raw: RawChargingSession): ChargeSession | undefined {
  const start = epochMs(raw.startTime);
  if (start === undefined) return undefined;
  const end = epochMs(raw.endTime);
  const durationMin =
    raw.totalChargingDurationSec !== undefined && raw.totalChargingDurationSec >= 0
      ? Math.round(raw.totalChargingDurationSec / 6) / 10
      : end !== undefined && end >= start
        ? Math.round((end - start) / 6_000) / 10
        : undefined;
  const energy = raw.energyConsumedFromPowerGridKwh;
  const hours = durationMin !== undefined && durationMin > 0 ? durationMin / 60 : undefined;
  const loc = raw.chargingLocation;
  const lat = loc?.mapMatchedLatitude;
  const lon = loc?.mapMatchedLongitude;
  const pct = (n: number | undefined): number | undefined => (n !== undefined && n >= 0 && n <= 100 ? n : undefined);
  const session: ChargeSession = {
    vin,
    source: 'native',
    startAt: toIsoUtc(start) ?? new Date(start).toISOString(),
  };
  const endAt = end !== undefined ? toIsoUtc(end) : undefined;
  if (endAt) session.endAt = endAt;
  if (durationMin !== undefined) session.durationMin = durationMin;
  if (energy !== undefined && energy >= 0) session.energyKwh = energy;
  const from = pct(raw.displayedStartSoc);
  const to = pct(raw.displayedSoc);
  if (from !== undefined) session.socFromPercent = from;
  if (to !== undefined) session.socToPercent = to;
  if (energy !== undefined && energy > 0 && hours) session.averagePowerKw = Math.round((energy / hours) * 10) / 10;
  session.status = raw.businessErrors && raw.businessErrors.length > 0 ? 'error' : 'ok';
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
    session.position = { latitude: lat, longitude: lon, ...(loc?.formattedAddress ? { address: loc.formattedAddress } : {}) };
  }
  // mileageUnits is "MileageUnits.KM" / "MileageUnits.MI" in the swagger; "KM", "km", "MI" are read too.
  if (raw.mileage !== undefined && raw.mileage >= 0) {
    const miles = /(^|\.)(MI|MILES?)$/i.test((raw.mileageUnits ?? '').trim());
    session.mileageKm = miles ? Math.round(raw.mileage * 1.609344 * 10) / 10 : raw.mileage;
  }
  // A session with a matched public charge point was at a public charger (there is no flag for it).
  const point = raw.publicChargingPoint?.potentialChargingPointMatches[0];
  if (raw.publicChargingPoint) {
    const address = point ? [point.streetAddress, [point.postalCode, point.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : '';
    session.publicChargePoint = { ...(point?.providerName ? { provider: point.providerName } : {}), ...(address ? { address } : {}) };
  }
  const checked = ChargeSessionSchema.safeParse(session);
  return checked.success ? checked.data : undefined;
}
