// @ts-nocheck
import { ChargeSessionSchema, toIsoUtc, type ChargeSession } from '../../core';
import { percent } from './map';
import type { RawChargeHistory, RawCharges } from './schemas';

/** How chargeDuration / totalChargesDuration count: the spec and the fixtures disagree per model. */
export type DurationUnit = 'minutes' | 'seconds';

/** One day or month of Renault's charge-history: counts, not sessions. */
export interface ChargeCount {
  /** YYYY-MM-DD (type day) or YYYY-MM (type month), as Renault groups them. */
  period: string;
  count: number;
  durationMin?: number;
  errors?: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * The unit the model is documented with (spec §5 notes: minutes on Zoe phase 1 X101VE,
 * seconds on the others). Only a fallback: mapCharges learns the unit from the answer.
 */
export function documentedUnit(modelCode: string | undefined): DurationUnit {
  return modelCode === 'X101VE' ? 'minutes' : 'seconds';
}

/**
 * The unit an answer uses, judged from entries that carry both dates: a duration close to
 * the interval in minutes says minutes, close to it in seconds says seconds. The fixtures
 * show why: a Megane and a ZE40 report minutes, a ZE50 seconds, although renault-api only
 * marks the ZE40 as "minutes".
 */
export function inferUnit(raw: RawCharges): DurationUnit | undefined {
  let minutes = 0;
  let seconds = 0;
  for (const c of raw.data.attributes?.charges ?? []) {
    if (c.chargeDuration === undefined || c.chargeDuration <= 0) continue;
    const start = toIsoUtc(c.chargeStartDate);
    const end = toIsoUtc(c.chargeEndDate);
    if (!start || !end) continue;
    const intervalMin = (Date.parse(end) - Date.parse(start)) / 60_000;
    if (intervalMin < 2) continue; // too short to tell 1:1 from 60:1 apart
    const ratio = c.chargeDuration / intervalMin;
    if (Math.abs(ratio - 1) <= 0.25) minutes++;
    else if (Math.abs(ratio - 60) <= 15) seconds++;
  }
  if (minutes === 0 && seconds === 0) return undefined;
  return minutes >= seconds ? 'minutes' : 'seconds';
}

function toMinutes(value: number, unit: DurationUnit): number {
  return unit === 'seconds' ? value / 60 : value;
}

/** charges -> ChargeSession (source native). Entries without a usable start date are skipped. */
export function mapCharges(raw: RawCharges, vin: string, unit: DurationUnit): ChargeSession[] {
  const out: ChargeSession[] = [];
  for (const c of raw.data.attributes?.charges ?? []) {
    const startAt = toIsoUtc(c.chargeStartDate);
    if (!startAt) continue;
    const start = Date.parse(startAt);
    let endAt = toIsoUtc(c.chargeEndDate);
    let durationMin: number | undefined;
    if (endAt && Date.parse(endAt) >= start) {
      // The dates are the truth; chargeDuration's unit is the uncertain part.
      durationMin = round1((Date.parse(endAt) - start) / 60_000);
    } else if (c.chargeDuration !== undefined && c.chargeDuration >= 0) {
      durationMin = round1(toMinutes(c.chargeDuration, unit));
      endAt = new Date(start + durationMin * 60_000).toISOString();
    } else {
      endAt = undefined;
    }
    const energyKwh = c.chargeEnergyRecovered !== undefined && c.chargeEnergyRecovered >= 0 ? round1(c.chargeEnergyRecovered) : undefined;
    const status = c.chargeEndStatus?.toLowerCase();
    const session: ChargeSession = {
      vin,
      source: 'native',
      startAt,
      ...(endAt ? { endAt } : {}),
      ...(durationMin !== undefined ? { durationMin } : {}),
      ...(energyKwh !== undefined ? { energyKwh } : {}),
      ...(percent(c.chargeStartBatteryLevel) !== undefined ? { socFromPercent: percent(c.chargeStartBatteryLevel) } : {}),
      ...(percent(c.chargeEndBatteryLevel) !== undefined ? { socToPercent: percent(c.chargeEndBatteryLevel) } : {}),
      ...(energyKwh !== undefined && durationMin !== undefined && durationMin >= 1 ? { averagePowerKw: round1(energyKwh / (durationMin / 60)) } : {}),
      status: status === 'ok' ? 'ok' : status === 'error' ? 'error' : 'unknown',
    };
    // The core schema is the contract of what nodes emit: an entry that cannot meet it is dropped.
    const checked = ChargeSessionSchema.safeParse(session);
    if (checked.success) out.push(checked.data);
  }
  return out.sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
}

/** charge-history -> counts per day or month. */
export function mapChargeHistory(raw: RawChargeHistory, type: 'day' | 'month', unit: DurationUnit): ChargeCount[] {
  const out: ChargeCount[] = [];
  for (const s of raw.data.attributes?.chargeSummaries ?? []) {
    const key = (type === 'day' ? s.day : s.month) ?? s.day ?? s.month;
    const m = key ? /^(\d{4})-?(\d{2})(?:-?(\d{2}))?$/.exec(key) : null;
    if (!m || s.totalChargesNumber === undefined || s.totalChargesNumber < 0) continue;
    out.push({
      period: m[3] ? `${m[1]}-${m[2]}-${m[3]}` : `${m[1]}-${m[2]}`,
      count: s.totalChargesNumber,
      ...(s.totalChargesDuration !== undefined && s.totalChargesDuration >= 0 ? { durationMin: round1(toMinutes(s.totalChargesDuration, unit)) } : {}),
      ...(s.totalChargesErrors !== undefined && s.totalChargesErrors >= 0 ? { errors: s.totalChargesErrors } : {}),
    });
  }
  return out.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/** YYYYMMDD (UTC) of a time: the date format Renault's history endpoints take. */
export function ymd(t: number): string {
  return new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
}
