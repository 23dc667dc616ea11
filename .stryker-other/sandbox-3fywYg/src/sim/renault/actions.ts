/**
 * Simulated Kamereon actions (spec §6): validation, the immediate echo, and the effect applied
 * to the car after the action delay. `plan` never touches the car; the returned `apply` does.
 */
// @ts-nocheck

import { randomUUID } from 'node:crypto';
import { isRecord, type SimHttpResponse } from '../http';
import { isNoop, type ActionKey } from './data';
import { errors } from './wire';
import { DAYS, fmtHhMm, parseHhMm, type ChargeSlot, type Day, type EvProgram, type HvacSlot, type SimCar } from './world';

export interface ActionPlan {
  readonly id: string;
  readonly commandType: string;
  /** Response body sent at once. */
  readonly echo: unknown;
  readonly apply: (car: SimCar) => boolean;
}

export type PlanResult = { ok: true; plan: ActionPlan } | { ok: false; error: SimHttpResponse };

interface PlanInput {
  readonly key: ActionKey;
  readonly car: SimCar;
  readonly body: unknown;
  readonly now: number;
  readonly inProgress: (commandType: string) => boolean;
  readonly log: (line: string) => void;
}

/** Expected JSON:API `data.type` and the command name used in notifications. */
const DEFS: Readonly<Record<ActionKey, { type?: string; commandType: string }>> = {
  'actions/hvac-start': { type: 'HvacStart', commandType: 'HVAC_START' },
  'actions/charging-start': { type: 'ChargingStart', commandType: 'CHARGE_START' },
  'actions/charge-mode': { type: 'ChargeMode', commandType: 'CHARGE_MODE' },
  'actions/charge-schedule': { type: 'ChargeSchedule', commandType: 'CHARGE_SCHEDULE' },
  'actions/hvac-schedule': { type: 'HvacSchedule', commandType: 'HVAC_SCHEDULE' },
  'actions/horn-lights': { type: 'HornLights', commandType: 'HORN_LIGHTS' },
  'actions/refresh-location': { type: 'RefreshLocation', commandType: 'REFRESH_LOCATION' },
  'actions/refresh-battery-status': { type: 'RefreshBatteryStatus', commandType: 'REFRESH_BATTERY_STATUS' },
  'kcm/charge/pause-resume': { type: 'ChargePauseResume', commandType: 'CHARGE_PAUSE_RESUME' },
  'kcm/charge/start': { type: 'ChargingStart', commandType: 'CHARGE_START' },
  'kcm/charge/schedule': { type: 'ChargeSchedule', commandType: 'CHARGE_SCHEDULE' },
  'kcm/ev/settings': { commandType: 'EV_SETTINGS' },
  'kcm/ev/soc-levels': { commandType: 'SOC_SYNCH' },
};

const fail = (error: SimHttpResponse): PlanResult => ({ ok: false, error });
const ptr = (s: string): string => `/data/attributes/${s}`;

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): v is T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v);
}

function parseFuture(v: unknown, now: number, pointer: string): number | SimHttpResponse | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    return errors.invalidInput(pointer, 'must be a date-time in ISO-8601 format');
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) return errors.invalidInput(pointer, 'must be a date-time in ISO-8601 format');
  if (t <= now) return errors.invalidInput(pointer, 'must be a future date');
  return t;
}

function parseChargeSchedules(v: unknown, base: string): ChargeSlot[] | SimHttpResponse {
  if (!Array.isArray(v)) return errors.invalidInput(base, 'must be an array');
  const out: ChargeSlot[] = [];
  for (const [i, s] of v.entries()) {
    const p = `${base}/${i}`;
    if (!isRecord(s)) return errors.invalidInput(p, 'must be an object');
    if (Object.keys(s).length === 0) continue; // `schedules: [{}]` resets (myRenaultLC)
    if (typeof s.id !== 'number' || !Number.isInteger(s.id) || s.id < 1 || s.id > 5) return errors.invalidInput(`${p}/id`, 'must be 1..5');
    if (typeof s.activated !== 'boolean') return errors.invalidInput(`${p}/activated`, 'must be a boolean');
    const days: ChargeSlot['days'] = {};
    for (const d of DAYS) {
      const e = s[d];
      if (e === undefined || e === null) continue;
      if (!isRecord(e)) return errors.invalidInput(`${p}/${d}`, 'must be an object or null');
      const start = typeof e.startTime === 'string' && /^T\d{2}:\d{2}Z$/.test(e.startTime) ? parseHhMm(e.startTime) : undefined;
      if (start === undefined) return errors.invalidInput(`${p}/${d}/startTime`, 'must match THH:MMZ');
      if (typeof e.duration !== 'number' || !Number.isInteger(e.duration) || e.duration < 15 || e.duration > 1440) {
        return errors.invalidInput(`${p}/${d}/duration`, 'must be an integer between 15 and 1440');
      }
      days[d] = { startMin: start, durationMin: e.duration };
    }
    out.push({ id: s.id, activated: s.activated, days });
  }
  return out;
}

function parseHvacSchedules(v: unknown, base: string): HvacSlot[] | SimHttpResponse {
  if (!Array.isArray(v)) return errors.invalidInput(base, 'must be an array');
  const out: HvacSlot[] = [];
  for (const [i, s] of v.entries()) {
    const p = `${base}/${i}`;
    if (!isRecord(s)) return errors.invalidInput(p, 'must be an object');
    if (typeof s.id !== 'number' || !Number.isInteger(s.id) || s.id < 1 || s.id > 5) return errors.invalidInput(`${p}/id`, 'must be 1..5');
    if (typeof s.activated !== 'boolean') return errors.invalidInput(`${p}/activated`, 'must be a boolean');
    const days: HvacSlot['days'] = {};
    for (const d of DAYS) {
      const e = s[d];
      if (e === undefined || e === null) continue;
      const t = isRecord(e) && typeof e.readyAtTime === 'string' && /^T\d{2}:\d{2}Z$/.test(e.readyAtTime) ? parseHhMm(e.readyAtTime) : undefined;
      if (t === undefined) return errors.invalidInput(`${p}/${d}/readyAtTime`, 'must match THH:MMZ');
      days[d] = { readyAtMin: t };
    }
    out.push({ id: s.id, activated: s.activated, days });
  }
  return out;
}

const DAY_FIELD: Readonly<Record<Day, string>> = {
  monday: 'programActivationMonday',
  tuesday: 'programActivationTuesday',
  wednesday: 'programActivationWednesday',
  thursday: 'programActivationThursday',
  friday: 'programActivationFriday',
  saturday: 'programActivationSaturday',
  sunday: 'programActivationSunday',
};

function parsePrograms(v: unknown): EvProgram[] | SimHttpResponse {
  if (!Array.isArray(v)) return errors.invalidInput('/programs', 'must be an array');
  const out: EvProgram[] = [];
  for (const [i, p] of v.entries()) {
    if (!isRecord(p)) return errors.invalidInput(`/programs/${i}`, 'must be an object');
    const type = p.programType ?? 'CHARGE_AND_PRECONDITIONING';
    if (!oneOf(type, ['CHARGE', 'PRECONDITIONING', 'CHARGE_AND_PRECONDITIONING'])) {
      return errors.invalidInput(`/programs/${i}/programType`, 'must be CHARGE, PRECONDITIONING or CHARGE_AND_PRECONDITIONING');
    }
    const dep = typeof p.programDepartureTime === 'string' ? parseHhMm(p.programDepartureTime) : undefined;
    if (dep === undefined) return errors.invalidInput(`/programs/${i}/programDepartureTime`, 'must match HH:MM');
    const days = {} as Record<Day, boolean>;
    for (const d of DAYS) days[d] = p[DAY_FIELD[d]] === true;
    out.push({ programActivationStatus: p.programActivationStatus === true, programType: type, programDepartureTime: fmtHhMm(dep), days });
  }
  return out;
}

/** Applies KCM ev/settings to the car's charge mode and slots (charge window = 8 h before departure). */
function applyEvSettings(car: SimCar): void {
  const s = car.evSettings;
  const active = s.programs.filter((p) => p.programActivationStatus && p.programType !== 'PRECONDITIONING');
  if (s.chargeModeRq === 'SCHEDULED' && active.length > 0) {
    car.chargeMode = 'scheduled';
    car.chargeSlots = active.map((p, i) => {
      const dep = parseHhMm(p.programDepartureTime) ?? 0;
      const days: ChargeSlot['days'] = {};
      for (const d of DAYS) if (p.days[d]) days[d] = { startMin: (dep - 480 + 1440) % 1440, durationMin: 480 };
      return { id: i + 1, activated: true, days };
    });
  } else {
    car.chargeMode = 'always';
  }
  car.forceCharge = false;
}

/** Validates an action request and plans its effect. */
export function planAction(input: PlanInput): PlanResult {
  const { key, car, body, now } = input;
  const def = DEFS[key];
  const id = randomUUID();
  const model = car.modelCode;

  // ---- plain JSON (KCM ev/*)
  if (key === 'kcm/ev/settings' || key === 'kcm/ev/soc-levels') {
    if (!isRecord(body)) return fail(errors.invalidBody('expected a JSON object'));
    if (key === 'kcm/ev/soc-levels') {
      const { socMin, socTarget } = body;
      if (typeof socMin !== 'number' || socMin < 0 || socMin > 100) return fail(errors.invalidInput('/socMin', 'must be a number 0..100'));
      if (typeof socTarget !== 'number' || socTarget < 0 || socTarget > 100 || socTarget <= socMin) {
        return fail(errors.invalidInput('/socTarget', 'must be a number 0..100 above socMin'));
      }
      return {
        ok: true,
        plan: {
          id,
          commandType: def.commandType,
          echo: { commandId: id, type: 'SOC_SYNCH', status: 'CREATED' },
          apply: (c) => {
            c.socMin = socMin;
            c.socTarget = socTarget;
            c.socLevelsAt = c.clockNow();
            return true;
          },
        },
      };
    }
    const mode = body.chargeModeRq;
    if (mode !== undefined && !oneOf(mode, ['ALWAYS', 'SCHEDULED'])) return fail(errors.invalidInput('/chargeModeRq', 'must be ALWAYS or SCHEDULED'));
    let programs: EvProgram[] | undefined;
    if (body.programs !== undefined) {
      const parsed = parsePrograms(body.programs);
      if (!Array.isArray(parsed)) return fail(parsed);
      programs = parsed;
    }
    const temp = body.preconditioningTemperature;
    return {
      ok: true,
      plan: {
        id,
        commandType: def.commandType,
        echo: { chargeModeRq: mode ?? car.evSettings.chargeModeRq, programs: body.programs ?? [] },
        apply: (c) => {
          const s = c.evSettings;
          if (mode === 'ALWAYS' || mode === 'SCHEDULED') s.chargeModeRq = mode;
          if (programs) s.programs = programs;
          if (typeof temp === 'number') s.preconditioningTemperature = temp;
          if (typeof body.chargeTimeStart === 'string' && parseHhMm(body.chargeTimeStart) !== undefined) s.chargeTimeStart = body.chargeTimeStart;
          if (typeof body.chargeDuration === 'number') s.chargeDuration = body.chargeDuration;
          for (const [f, k] of [
            ['preconditioningHeatedStrgWheel', 'heatedStrgWheel'],
            ['preconditioningHeatedRightSeat', 'heatedRightSeat'],
            ['preconditioningHeatedLeftSeat', 'heatedLeftSeat'],
          ] as const) {
            const v = body[f];
            if (typeof v === 'boolean') s[k] = v;
          }
          s.updatedAt = c.clockNow();
          applyEvSettings(c);
          return true;
        },
      },
    };
  }

  // ---- JSON:API
  if (!isRecord(body) || !isRecord(body.data)) return fail(errors.invalidBody('expected {"data":{"type":...}}'));
  const data = body.data;
  if (data.type !== def.type) return fail(errors.invalidBody(`data.type must be ${def.type ?? ''}`));
  const attrs = isRecord(data.attributes) ? data.attributes : {};
  const action = attrs.action;
  const noop = (a: string | undefined): boolean => isNoop(model, key, a);
  const echoData: Record<string, unknown> = { type: def.type, id };
  if (data.attributes !== undefined) echoData.attributes = data.attributes;
  const planned = (apply: (c: SimCar) => boolean): PlanResult => ({
    ok: true,
    plan: { id, commandType: def.commandType, echo: { data: echoData }, apply },
  });

  switch (key) {
    case 'actions/hvac-start': {
      if (!oneOf(action, ['start', 'cancel', 'stop'])) return fail(errors.invalidInput(ptr('action'), 'must be one of start, cancel, stop'));
      if (action !== 'start') {
        const silent = noop(action);
        return planned((c) => {
          if (silent) return false;
          c.stopHvac();
          return true;
        });
      }
      const t = attrs.targetTemperature;
      const temp = typeof t === 'number' ? t : typeof t === 'string' && t.trim() !== '' ? Number(t) : 21;
      if (!Number.isFinite(temp) || temp < 0 || temp > 40) return fail(errors.invalidInput(ptr('targetTemperature'), 'must be a number 0..40'));
      const at = parseFuture(attrs.startDateTime, now, ptr('startDateTime'));
      if (at !== undefined && typeof at !== 'number') return fail(at);
      return planned((c) => {
        c.targetTempC = temp;
        if (at !== undefined) c.hvacStartAt = at;
        else c.startHvac();
        return true;
      });
    }
    case 'actions/charging-start':
    case 'kcm/charge/start': {
      const allowed = key === 'kcm/charge/start' ? ['start'] : ['start', 'stop'];
      if (!oneOf(action, allowed)) return fail(errors.invalidInput(ptr('action'), `must be one of ${allowed.join(', ')}`));
      if (key === 'kcm/charge/start') {
        const at = parseFuture(attrs.startDateTime, now, ptr('startDateTime'));
        if (at !== undefined && typeof at !== 'number') return fail(at);
      }
      const silent = noop(action);
      if (action === 'stop') {
        return planned((c) => {
          if (silent || !c.plugged) return false;
          c.paused = true;
          c.forceCharge = false;
          return true;
        });
      }
      return planned((c) => {
        if (silent || !c.plugged) return false;
        c.paused = false;
        c.forceCharge = true;
        return true;
      });
    }
    case 'kcm/charge/pause-resume': {
      if (!oneOf(action, ['pause', 'resume'])) return fail(errors.invalidInput(ptr('action'), 'must be one of pause, resume'));
      return planned((c) => {
        if (!c.plugged) return false;
        c.paused = action === 'pause';
        return true;
      });
    }
    case 'actions/charge-mode': {
      const allowed = car.profile.dialect === 'ze40' ? ['always_charging', 'schedule_mode'] : ['always_charging', 'schedule_mode', 'always', 'scheduled'];
      if (!oneOf(action, allowed)) return fail(errors.invalidInput(ptr('action'), `must be one of ${allowed.join(', ')}`));
      if (input.inProgress(def.commandType)) return fail(errors.inProgress());
      const mode = action === 'always_charging' || action === 'always' ? 'always' : 'scheduled';
      return planned((c) => {
        c.chargeMode = mode;
        c.forceCharge = false;
        c.chargeSettingsAt = c.clockNow();
        return true;
      });
    }
    case 'actions/charge-schedule':
    case 'kcm/charge/schedule': {
      const slots = parseChargeSchedules(attrs.schedules, ptr('schedules'));
      if (!Array.isArray(slots)) return fail(slots);
      return planned((c) => {
        c.chargeSlots = slots;
        c.chargeSettingsAt = c.clockNow();
        return true;
      });
    }
    case 'actions/hvac-schedule': {
      const slots = parseHvacSchedules(attrs.schedules, ptr('schedules'));
      if (!Array.isArray(slots)) return fail(slots);
      return planned((c) => {
        c.hvacSlots = slots;
        c.hvacSettingsAt = c.clockNow();
        return true;
      });
    }
    case 'actions/horn-lights': {
      if (!oneOf(action, ['start', 'stop', 'double_start'])) return fail(errors.invalidInput(ptr('action'), 'must be one of start, stop, double_start'));
      const target = attrs.target;
      if (!oneOf(target, ['horn', 'lights', 'horn_lights'])) return fail(errors.invalidInput(ptr('target'), 'must be one of horn, lights, horn_lights'));
      return planned((c) => {
        input.log(`[renault] ${c.spec.vin} ${target} ${action} (beep beep)`);
        return true;
      });
    }
    case 'actions/refresh-location':
      return planned((c) => {
        // A parked car answers with the "no fix" sentinel until its next trip (spec §5 notes).
        if (c.driving) c.commitPosition(c.pos);
        else c.commitPosition({ lat: 91, lon: 181 });
        return true;
      });
    case 'actions/refresh-battery-status':
      return planned((c) => {
        c.report(); // the car sends its battery (and hvac) state now
        return true;
      });
    default:
      return fail(errors.routeNotFound());
  }
}
