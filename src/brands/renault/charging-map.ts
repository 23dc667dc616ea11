/**
 * Renault charging bodies <-> the core charging model. KCA times are UTC "THH:MMZ"; the ZE40
 * calendar uses "HHMM"; KCM programs use "HH:MM" (spec §5, §6).
 */
import { CHARGE_MODES, WEEKDAYS, type ChargeSchedule, type DepartureTimer, type Weekday } from '../../core';
import type { RawCalendar, RawChargeSchedule, RawEvProgram, RawHvacSchedule } from './charging-schemas';

type ChargeMode = (typeof CHARGE_MODES)[number];
type ChargeWindow = NonNullable<ChargeSchedule['days'][Weekday]>;

/** "THH:MMZ", "HH:MM" or "HHMM" -> "HH:MM"; undefined for anything else. */
export function parseTime(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = /^T?([01]\d|2[0-3]):?([0-5]\d)Z?$/.exec(raw.trim());
  return m ? `${m[1]}:${m[2]}` : undefined;
}

export const kcaTime = (hhmm: string): string => `T${hhmm}Z`;

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Every spelling Renault uses for a charge mode (spec §5: charge-mode, charging-settings, ev/settings). */
export function mapChargeMode(raw: string | undefined): ChargeMode | undefined {
  switch ((raw ?? '').toLowerCase()) {
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

function window(start: string | undefined, duration: number): ChargeWindow | undefined {
  if (start === undefined || !Number.isInteger(duration) || duration < 15 || duration > 1440) return undefined;
  return { start, durationMin: duration };
}

/** charging-settings schedules -> core schedules (windows the core cannot hold are left out). */
export function kcaSchedulesToCore(raw: readonly RawChargeSchedule[]): ChargeSchedule[] {
  const out: ChargeSchedule[] = [];
  for (const s of raw) {
    if (!Number.isInteger(s.id) || s.id < 1) continue;
    const days: ChargeSchedule['days'] = {};
    for (const d of WEEKDAYS) {
      const e = s[d];
      const w = e ? window(parseTime(e.startTime), e.duration) : undefined;
      if (w) days[d] = w;
    }
    out.push({ id: s.id, enabled: s.activated === true, days });
  }
  return out;
}

/** ZE40 calendar: the n-th window of each day belongs to schedule n. */
export function calendarToCore(calendar: RawCalendar): ChargeSchedule[] {
  const count = Math.max(0, ...WEEKDAYS.map((d) => calendar[d]?.length ?? 0));
  const out: ChargeSchedule[] = [];
  for (let i = 0; i < count; i++) {
    const days: ChargeSchedule['days'] = {};
    let enabled = false;
    for (const d of WEEKDAYS) {
      const e = calendar[d]?.[i];
      if (!e) continue;
      const w = window(parseTime(e.startTime), e.duration);
      if (w) days[d] = w;
      if (e.activationState === true) enabled = true;
    }
    out.push({ id: i + 1, enabled, days });
  }
  return out;
}

/** charging-settings style slots as the ZE40 calendar describes them, for posting back. */
export function calendarToKca(calendar: RawCalendar): RawChargeSchedule[] {
  return calendarToCore(calendar).map(scheduleToKca);
}

/** Core schedule -> the v2 action body: all seven day keys, null where there is no window. */
export function scheduleToKca(s: ChargeSchedule): RawChargeSchedule {
  const out: RawChargeSchedule = { id: s.id, activated: s.enabled };
  for (const d of WEEKDAYS) {
    const w = s.days[d];
    out[d] = w ? { startTime: kcaTime(w.start), duration: w.durationMin } : null;
  }
  return out;
}

/** A schedule read from the car, normalised to the seven keys the action wants. */
export function completeKcaSchedule(s: RawChargeSchedule): RawChargeSchedule {
  const out: RawChargeSchedule = { id: s.id, activated: s.activated === true };
  for (const d of WEEKDAYS) {
    const e = s[d];
    out[d] = e ? { startTime: e.startTime, duration: e.duration } : null;
  }
  return out;
}

/** hvac-settings schedules -> climate departure timers (empty slots left out). */
export function hvacToTimers(raw: readonly RawHvacSchedule[]): DepartureTimer[] {
  const out: DepartureTimer[] = [];
  for (const s of raw) {
    if (!Number.isInteger(s.id) || s.id < 1) continue;
    const times: Partial<Record<Weekday, string>> = {};
    for (const d of WEEKDAYS) {
      const t = parseTime(s[d]?.readyAtTime);
      if (t) times[d] = t;
    }
    const days = WEEKDAYS.filter((d) => times[d] !== undefined);
    if (days.length === 0) continue;
    const time = mostCommon(days.map((d) => times[d] ?? ''));
    const dayTimes: Partial<Record<Weekday, string>> = {};
    for (const d of days) if (times[d] !== time) dayTimes[d] = times[d] ?? time;
    out.push({
      id: s.id,
      enabled: s.activated === true,
      time,
      days,
      ...(Object.keys(dayTimes).length ? { dayTimes } : {}),
      action: 'climate',
    });
  }
  return out;
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? '00:00';
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

/** Core timer -> a v2 hvac-schedule slot: all seven day keys, null where it does not run. */
export function timerToHvac(t: DepartureTimer): RawHvacSchedule {
  const out: RawHvacSchedule = { id: t.id, activated: t.enabled };
  for (const d of WEEKDAYS) {
    out[d] = t.days.includes(d) ? { readyAtTime: kcaTime(t.dayTimes?.[d] ?? t.time) } : null;
  }
  return out;
}

export function completeHvacSchedule(s: RawHvacSchedule): RawHvacSchedule {
  const out: RawHvacSchedule = { id: s.id, activated: s.activated === true };
  for (const d of WEEKDAYS) {
    const e = s[d];
    out[d] = e ? { readyAtTime: e.readyAtTime } : null;
  }
  return out;
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

const PROGRAM_TYPE = { CHARGE: 'charge', PRECONDITIONING: 'climate', CHARGE_AND_PRECONDITIONING: 'charge_and_climate' } as const;
type ProgramType = keyof typeof PROGRAM_TYPE;
const TYPE_OF_ACTION: Readonly<Record<NonNullable<DepartureTimer['action']>, ProgramType>> = {
  charge: 'CHARGE',
  climate: 'PRECONDITIONING',
  charge_and_climate: 'CHARGE_AND_PRECONDITIONING',
};

/** KCM ev/settings programs -> departure timers; the id is the program's position (1-based). */
export function programsToTimers(programs: readonly RawEvProgram[]): DepartureTimer[] {
  const out: DepartureTimer[] = [];
  programs.forEach((p, i) => {
    const time = parseTime(p.programDepartureTime);
    if (!time) return;
    const action = p.programType && p.programType in PROGRAM_TYPE ? PROGRAM_TYPE[p.programType as ProgramType] : undefined;
    out.push({
      id: i + 1,
      enabled: p.programActivationStatus === true,
      time,
      days: WEEKDAYS.filter((d) => p[PROGRAM_DAY[d]] === true),
      ...(action ? { action } : {}),
    });
  });
  return out;
}

/** Core timer -> a KCM program, keeping what the car had in it and we do not model. */
export function timerToProgram(t: DepartureTimer, existing: RawEvProgram | undefined): RawEvProgram {
  const out: RawEvProgram = {
    ...existing,
    programActivationStatus: t.enabled,
    programType: t.action ? TYPE_OF_ACTION[t.action] : (existing?.programType ?? 'CHARGE_AND_PRECONDITIONING'),
    programDepartureTime: t.time,
  };
  for (const d of WEEKDAYS) (out as Record<string, unknown>)[PROGRAM_DAY[d]] = t.days.includes(d);
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
