/**
 * Renault's own rules for a charging change, checked before anything is sent: what the model
 * can take at all (NOT_SUPPORTED) and the values it accepts (BAD_INPUT, naming the field and
 * the allowed values). Limits from renault-api (soc-levels) and user reports (15-minute steps).
 */
// @ts-nocheck

import { CarError, WEEKDAYS, type ChargingChange, type Vehicle } from '../../core';
import { minutesOf } from './charging-map';
import type { ChargingPlan } from './charging-plan';

/** renault-api const.py / helpers.py validate_battery_soc_input (spec §6.2). */
export const SOC_LIMITS = {
  minSocPercent: { min: 15, max: 45, step: 5 },
  targetSocPercent: { min: 55, max: 100, step: 5 },
} as const;

const STEP_MIN = 15;
const HVAC_IDS = 5;

function bad(message: string): CarError {
  return new CarError('BAD_INPUT', message, { transient: false });
}

function unsupported(vehicle: Vehicle, what: string, hint = ''): CarError {
  return new CarError('NOT_SUPPORTED', `${vehicle.model ?? 'this car'} (${vehicle.modelCode ?? 'unknown model'}): ${what} cannot be set through Renault's cloud${hint}`, {
    transient: false,
  });
}

function checkStep(field: string, hhmm: string): void {
  if (minutesOf(hhmm) % STEP_MIN !== 0) {
    throw bad(`${field}: Renault takes times in 15-minute steps (HH:00, HH:15, HH:30 or HH:45); got "${hhmm}"`);
  }
}

function checkIds(field: string, ids: number[], max: number): void {
  const seen = new Set<number>();
  ids.forEach((id, i) => {
    if (id > max) throw bad(`${field}[${i}].id: this car has ${max === 1 ? 'one slot, id 1' : `ids 1 to ${max}`}; got ${id}`);
    if (seen.has(id)) throw bad(`${field}[${i}].id: id ${id} is given twice`);
    seen.add(id);
  });
}

/**
 * Throws NOT_SUPPORTED or BAD_INPUT for a change this car cannot take. The change has
 * already passed ChargingChangeSchema (types, ranges of the core model).
 */
export function checkChange(vehicle: Vehicle, plan: ChargingPlan, change: ChargingChange): void {
  const fields = (Object.keys(change) as (keyof ChargingChange)[]).filter((k) => change[k] !== undefined);
  if (fields.length === 0) throw bad('nothing to change: give one or more of mode, targetSocPercent, minSocPercent, schedules, departureTimers');

  // What the model cannot do at all comes first: no point correcting a value it would refuse anyway.
  if (change.mode !== undefined && !plan.writeMode) throw unsupported(vehicle, 'the charge mode');
  if (change.schedules !== undefined && !plan.writeSchedules) {
    throw unsupported(vehicle, 'charge schedules', plan.programs ? '; this car charges by departure programs: set departureTimers (time = when the car should be ready) instead' : '');
  }
  if (change.departureTimers !== undefined && !plan.writeTimers) throw unsupported(vehicle, 'departure (climate) timers');
  if ((change.targetSocPercent !== undefined || change.minSocPercent !== undefined) && !plan.writeLevels) {
    throw unsupported(vehicle, 'charge levels (targetSocPercent, minSocPercent)');
  }

  if (change.mode === 'delayed') throw bad('mode: Renault accepts "always" or "scheduled" (got "delayed")');

  for (const key of ['minSocPercent', 'targetSocPercent'] as const) {
    const v = change[key];
    if (v === undefined) continue;
    const { min, max, step } = SOC_LIMITS[key];
    if (v < min || v > max || v % step !== 0) throw bad(`${key}: Renault accepts ${min} to ${max} in steps of ${step} (got ${v})`);
  }

  if (change.schedules) {
    if (change.schedules.length > plan.maxSchedules) {
      throw bad(`schedules: this car keeps ${plan.maxSchedules === 1 ? 'one schedule' : `at most ${plan.maxSchedules} schedules`}; got ${change.schedules.length}`);
    }
    checkIds('schedules', change.schedules.map((s) => s.id), plan.maxSchedules);
    change.schedules.forEach((s, i) => {
      for (const d of WEEKDAYS) {
        const w = s.days[d];
        if (!w) continue;
        checkStep(`schedules[${i}].days.${d}.start`, w.start);
        if (w.durationMin % STEP_MIN !== 0) {
          throw bad(`schedules[${i}].days.${d}.durationMin: Renault takes durations in 15-minute steps from 15 to 1440; got ${w.durationMin}`);
        }
      }
    });
  }

  if (change.departureTimers) {
    const timers = change.departureTimers;
    if (plan.programs) {
      checkIds('departureTimers', timers.map((t) => t.id), 5);
      timers.forEach((t, i) => {
        if (t.dayTimes && Object.keys(t.dayTimes).length > 0) throw bad(`departureTimers[${i}].dayTimes: this car keeps one time per program; leave dayTimes out`);
      });
    } else {
      checkIds('departureTimers', timers.map((t) => t.id), HVAC_IDS);
      timers.forEach((t, i) => {
        if (t.action !== undefined && t.action !== 'climate') {
          throw bad(`departureTimers[${i}].action: this car's timers only start the climate; allowed: "climate" (got "${t.action}")`);
        }
        checkStep(`departureTimers[${i}].time`, t.time);
        for (const [d, hhmm] of Object.entries(t.dayTimes ?? {})) checkStep(`departureTimers[${i}].dayTimes.${d}`, hhmm);
      });
    }
  }
}
