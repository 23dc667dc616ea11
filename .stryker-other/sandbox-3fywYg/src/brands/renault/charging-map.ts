/**
 * Renault charging bodies <-> the core charging model: the one mapper of each body, used by
 * the named reads (car-request, the status cache) and by car-charging alike. KCA times are
 * UTC "THH:MMZ"; the ZE40 calendar uses "HHMM"; KCM programs use "HH:MM" (spec §5, §6).
 *
 * A window the core cannot hold (a duration under 15 minutes, say) leaves out that day, not
 * the whole schedule: the real ZE40 answer renault-api recorded as charge-schedule.mixed.json
 * has a 10-minute Friday beside six good days, and those six are the car's schedule.
 */
// @ts-nocheck

import { WEEKDAYS, toIsoUtc, type ChargeSchedule, type ChargingSettings, type DepartureTimer, type Weekday } from '../../core';
import { dropUndefined, percent } from './map';
import type { RawCalendar, RawChargeMode, RawChargeSchedule, RawChargeSlot, RawChargingSettings, RawEvProgram, RawEvSettings, RawHvacSettings, RawHvacSlot, RawSocLevels } from './schemas';

/** What settings endpoints say, in the shape of the core's ChargingSettings (without the VIN). */
export type SettingsFragment = Partial<Omit<ChargingSettings, 'vin'>>;
type ChargeWindow = NonNullable<ChargeSchedule['days'][Weekday]>;

/** "T22:30Z", "22:30", "2230", "830" → "22:30"; anything else → undefined. */
export function hhmm(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^T?(\d{1,2}):?(\d{2})(?::\d{2})?Z?$/.exec(v.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

export const kcaTime = (time: string): string => `T${time}Z`;

export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Every spelling Renault uses for a charge mode (spec §5: charge-mode, charging-settings, ev/settings). */
export function mapChargeModeValue(v: string | undefined): ChargingSettings['mode'] | undefined {
  switch ((v ?? '').toLowerCase()) {
    case 'always':
    case 'always_charging':
      return 'always';
    case 'scheduled':
    case 'schedule_mode':
      return 'scheduled';
    case 'delayed':
      return 'delayed';
    default:
      return undefined;
  }
}

function window(start: string | undefined, duration: number | undefined): ChargeWindow | undefined {
  if (start === undefined || duration === undefined || !Number.isInteger(duration) || duration < 15 || duration > 1440) return undefined;
  return { start, durationMin: duration };
}

/** A schedule id the car can be written back with: a whole number from 1. */
const slotId = (id: number | undefined): id is number => id !== undefined && Number.isInteger(id) && id >= 1;

export function mapChargeMode(raw: RawChargeMode): SettingsFragment {
  const mode = mapChargeModeValue(raw.data.attributes?.chargeMode);
  return mode ? { mode } : {};
}

/** charging-settings slots → core schedules (slots without an id left out). */
function slotsToCore(slots: readonly RawChargeSlot[]): ChargeSchedule[] {
  const out: ChargeSchedule[] = [];
  for (const s of slots) {
    if (!slotId(s.id)) continue;
    const days: ChargeSchedule['days'] = {};
    for (const d of WEEKDAYS) {
      const e = s[d];
      const w = e ? window(hhmm(e.startTime), e.duration) : undefined;
      if (w) days[d] = w;
    }
    out.push({ id: s.id, enabled: s.activated === true, days });
  }
  return out;
}

/** charging-settings (spec §5): mode and up to 5 weekly schedules, times in UTC. */
export function mapChargingSettings(raw: RawChargingSettings): SettingsFragment {
  const a = raw.data.attributes;
  if (!a) return {};
  return dropUndefined({ mode: mapChargeModeValue(a.mode), timeZone: 'UTC', schedules: slotsToCore(a.schedules), updatedAt: toIsoUtc(a.dateTime) });
}

/** ZE40 calendar: the n-th window of each day belongs to schedule n. */
function calendarToCore(calendar: RawCalendar): ChargeSchedule[] {
  const count = Math.max(0, ...WEEKDAYS.map((d) => calendar[d].length));
  const out: ChargeSchedule[] = [];
  for (let i = 0; i < count; i++) {
    const days: ChargeSchedule['days'] = {};
    let enabled = false;
    for (const d of WEEKDAYS) {
      const e = calendar[d][i];
      if (!e) continue;
      const w = window(hhmm(e.startTime), e.duration);
      if (w) days[d] = w;
      if (e.activationState === true) enabled = true;
    }
    out.push({ id: i + 1, enabled, days });
  }
  return out;
}

/** charge-schedule (spec §5, ZE40 calendar): one schedule per slot position, "HHMM" times. */
export function mapChargeSchedule(raw: RawChargeSchedule): SettingsFragment {
  const cal = raw.data.attributes?.calendar;
  return cal ? { timeZone: 'UTC', schedules: calendarToCore(cal) } : {};
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? '00:00';
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** hvac-settings slots → climate departure timers (empty slots left out); a day's own time goes to dayTimes. */
function hvacToTimers(slots: readonly RawHvacSlot[]): DepartureTimer[] {
  const out: DepartureTimer[] = [];
  for (const s of slots) {
    if (!slotId(s.id)) continue;
    const times: Partial<Record<Weekday, string>> = {};
    for (const d of WEEKDAYS) {
      const t = hhmm(s[d]?.readyAtTime);
      if (t) times[d] = t;
    }
    const days = WEEKDAYS.filter((d) => times[d] !== undefined);
    if (days.length === 0) continue;
    const time = mostCommon(days.map((d) => times[d] ?? ''));
    const dayTimes: Partial<Record<Weekday, string>> = {};
    for (const d of days) if (times[d] !== time) dayTimes[d] = times[d] ?? time;
    out.push({ id: s.id, enabled: s.activated === true, time, days, ...(Object.keys(dayTimes).length ? { dayTimes } : {}), action: 'climate' });
  }
  return out;
}

/** hvac-settings (spec §5): the climate's ready-at schedules as departure timers, times in UTC; `mode` is the climate's. */
export function mapHvacSettings(raw: RawHvacSettings): Omit<SettingsFragment, 'mode'> & { mode?: string } {
  const a = raw.data.attributes;
  return dropUndefined({ mode: a?.mode, timeZone: 'UTC', departureTimers: hvacToTimers(a?.schedules ?? []), updatedAt: toIsoUtc(a?.dateTime) });
}

export function mapSocLevels(raw: RawSocLevels): SettingsFragment {
  return dropUndefined({ targetSocPercent: percent(raw.socTarget), minSocPercent: percent(raw.socMin), updatedAt: toIsoUtc(raw.lastEnergyUpdateTimestamp) });
}

const PROGRAM_DAY: Readonly<Record<Weekday, keyof RawEvProgram>> = {
  monday: 'programActivationMonday',
  tuesday: 'programActivationTuesday',
  wednesday: 'programActivationWednesday',
  thursday: 'programActivationThursday',
  friday: 'programActivationFriday',
  saturday: 'programActivationSaturday',
  sunday: 'programActivationSunday',
};

const PROGRAM_TYPE: Readonly<Record<string, NonNullable<DepartureTimer['action']>>> = { CHARGE: 'charge', PRECONDITIONING: 'climate', CHARGE_AND_PRECONDITIONING: 'charge_and_climate' };
const TYPE_OF_ACTION: Readonly<Record<NonNullable<DepartureTimer['action']>, string>> = {
  charge: 'CHARGE',
  climate: 'PRECONDITIONING',
  charge_and_climate: 'CHARGE_AND_PRECONDITIONING',
};

/** KCM ev/settings (spec §5): the charge mode and the departure programs; a timer's id is its program's position. */
export function mapEvSettings(raw: RawEvSettings): SettingsFragment {
  const timers: DepartureTimer[] = [];
  raw.programs.forEach((p, i) => {
    const time = hhmm(p.programDepartureTime);
    if (!time) return;
    const action = PROGRAM_TYPE[(p.programType ?? '').toUpperCase()];
    timers.push({ id: i + 1, enabled: p.programActivationStatus === true, time, days: WEEKDAYS.filter((d) => p[PROGRAM_DAY[d]] === true), ...(action ? { action } : {}) });
  });
  return dropUndefined({ mode: mapChargeModeValue(raw.chargeModeRq), departureTimers: timers, updatedAt: toIsoUtc(raw.lastSettingsUpdateTimestamp) });
}

// ---- Back to Renault's bodies (writes) ------------------------------------------------------

/** A weekly slot as the v2 actions take it: id, activated and all seven day keys, null where there is nothing. */
export type SlotBody<Day> = { id: number; activated: boolean } & Record<Weekday, Day | null>;
export type ChargeSlotBody = SlotBody<{ startTime: string; duration: number }>;
export type HvacSlotBody = SlotBody<{ readyAtTime: string }>;

function slotBody<Day>(id: number, activated: boolean, day: (d: Weekday) => Day | null): SlotBody<Day> {
  return { id, activated, ...(Object.fromEntries(WEEKDAYS.map((d) => [d, day(d)])) as Record<Weekday, Day | null>) };
}

/** Core schedule → the v2 charge-schedule slot. */
export function scheduleToKca(s: ChargeSchedule): ChargeSlotBody {
  return slotBody(s.id, s.enabled, (d) => {
    const w = s.days[d];
    return w ? { startTime: kcaTime(w.start), duration: w.durationMin } : null;
  });
}

/**
 * The car's own slots, to be posted back unchanged beside a changed one; undefined when one
 * cannot be (no id, a window without its time): then nothing is sent rather than a guess.
 */
export function chargeSlotsToPost(slots: readonly RawChargeSlot[]): ChargeSlotBody[] | undefined {
  const out: ChargeSlotBody[] = [];
  for (const s of slots) {
    if (!slotId(s.id)) return undefined;
    if (WEEKDAYS.some((d) => s[d] && (s[d].startTime === undefined || s[d].duration === undefined))) return undefined;
    out.push(
      slotBody(s.id, s.activated === true, (d) => {
        const e = s[d];
        return e?.startTime !== undefined && e.duration !== undefined ? { startTime: e.startTime, duration: e.duration } : null;
      }),
    );
  }
  return out;
}

/** The ZE40 calendar as charging-settings style slots, for posting back. */
export function calendarToKca(calendar: RawCalendar): ChargeSlotBody[] {
  return calendarToCore(calendar).map(scheduleToKca);
}

/** Core timer → a v2 hvac-schedule slot. */
export function timerToHvac(t: DepartureTimer): HvacSlotBody {
  return slotBody(t.id, t.enabled, (d) => (t.days.includes(d) ? { readyAtTime: kcaTime(t.dayTimes?.[d] ?? t.time) } : null));
}

/** The car's climate slots, to be posted back unchanged; undefined when one cannot be. */
export function hvacSlotsToPost(slots: readonly RawHvacSlot[]): HvacSlotBody[] | undefined {
  const out: HvacSlotBody[] = [];
  for (const s of slots) {
    if (!slotId(s.id)) return undefined;
    if (WEEKDAYS.some((d) => s[d] && s[d].readyAtTime === undefined)) return undefined;
    out.push(
      slotBody(s.id, s.activated === true, (d) => {
        const t = s[d]?.readyAtTime;
        return t !== undefined ? { readyAtTime: t } : null;
      }),
    );
  }
  return out;
}

/** Core timer → a KCM program, keeping what the car had in it and we do not model. */
export function timerToProgram(t: DepartureTimer, existing: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...existing,
    programActivationStatus: t.enabled,
    programType: t.action ? TYPE_OF_ACTION[t.action] : (existing?.programType ?? 'CHARGE_AND_PRECONDITIONING'),
    programDepartureTime: t.time,
  };
  for (const d of WEEKDAYS) out[PROGRAM_DAY[d]] = t.days.includes(d);
  return out;
}

/** The newest of the cars' own timestamps, as ISO; undefined when none parses. */
export function newest(times: readonly (string | undefined)[]): string | undefined {
  let best: number | undefined;
  for (const t of times) {
    const ms = t ? Date.parse(t) : NaN;
    if (!Number.isNaN(ms) && (best === undefined || ms > best)) best = ms;
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}
