/**
 * Which Renault endpoint serves which part of the charging settings for a model, from the
 * spec's §6.3 marks. "ok"/"kcm"/"kcm-s" are sure; "." (undocumented) is tried, and a refusal
 * remembered; "no" is never called.
 */
// @ts-nocheck

import type { Vehicle } from '../../core';
import { endpointMark } from './capabilities';
import type { ActionName, ReadEndpointName } from './endpoints';

/** The reads and actions of the charging settings (endpoints.ts names). */
export type ChargingEndpoint = Extract<ReadEndpointName, 'charge-mode' | 'charging-settings' | 'charge-schedule' | 'hvac-settings' | 'ev/settings' | 'ev/soc-levels'> | ChargingAction;
type ChargingAction = Extract<ActionName, 'actions/charge-mode' | 'actions/charge-schedule' | 'actions/hvac-schedule' | 'actions/kcm-charge-schedule' | 'actions/ev-settings' | 'actions/soc-levels'>;

export interface Source<E extends ChargingEndpoint = ChargingEndpoint> {
  endpoint: E;
  /** False where the spec has "." for the model: a refusal is not an error of the read. */
  sure: boolean;
}

export interface ChargingPlan {
  schedules?: Source<'charging-settings' | 'charge-schedule'>;
  mode?: Source<'charge-mode' | 'charging-settings' | 'ev/settings'>;
  levels?: Source<'ev/soc-levels'>;
  timers?: Source<'hvac-settings' | 'ev/settings'>;
  writeMode?: Source<'actions/charge-mode' | 'actions/ev-settings'>;
  writeSchedules?: Source<'actions/charge-schedule' | 'actions/kcm-charge-schedule'>;
  writeTimers?: Source<'actions/hvac-schedule' | 'actions/ev-settings'>;
  writeLevels?: Source<'actions/soc-levels'>;
  /** Charge schedules the model keeps: the ZE40 one, the others five (spec §6.1). */
  maxSchedules: number;
  /** The model sets charging by departure programs (KCM ev/settings), not by windows. */
  programs: boolean;
}

const ZE40 = 'X101VE';

function canCharge(vehicle: Vehicle): boolean {
  return vehicle.drivetrain === 'electric' || vehicle.drivetrain === 'plugin_hybrid' || vehicle.drivetrain === 'unknown';
}

export function chargingPlan(vehicle: Vehicle): ChargingPlan {
  const maxSchedules = vehicle.modelCode === ZE40 ? 1 : 5;
  if (!canCharge(vehicle)) return { maxSchedules, programs: false };
  const mark = (endpoint: string) => endpointMark(vehicle.modelCode, endpoint);
  const plan: ChargingPlan = { maxSchedules, programs: false };

  const schedule = mark('charge-schedule');
  const settings = mark('charging-settings');
  const mode = mark('charge-mode');
  const levels = mark('soc-levels');
  const hvac = mark('hvac-settings');

  if (schedule === 'kcm-s') {
    // R5, R4, A290, Master, Scenic, Rafale: mode and programs live in KCM ev/settings.
    plan.programs = true;
    plan.mode = { endpoint: 'ev/settings', sure: true };
    plan.timers = { endpoint: 'ev/settings', sure: true };
    plan.writeMode = { endpoint: 'actions/ev-settings', sure: true };
    plan.writeTimers = { endpoint: 'actions/ev-settings', sure: true };
  } else {
    if (schedule === 'ok') plan.schedules = { endpoint: 'charge-schedule', sure: true };
    else if (settings !== 'no') plan.schedules = { endpoint: 'charging-settings', sure: settings === 'ok' };
    else if (schedule === '.') plan.schedules = { endpoint: 'charge-schedule', sure: false };

    if (mode === 'ok') plan.mode = { endpoint: 'charge-mode', sure: true };
    else if (plan.schedules?.endpoint === 'charging-settings') plan.mode = { endpoint: 'charging-settings', sure: plan.schedules.sure };
    else if (mode === '.') plan.mode = { endpoint: 'charge-mode', sure: false };

    if (hvac !== 'no') plan.timers = { endpoint: 'hvac-settings', sure: hvac === 'ok' };

    const setMode = mark('actions/charge-set-mode');
    if (setMode !== 'no') plan.writeMode = { endpoint: 'actions/charge-mode', sure: setMode === 'ok' };

    const setSchedule = mark('actions/charge-set-schedule');
    // Without a way to read the other schedules, writing one would clear them (unless there is only one).
    if (setSchedule !== 'no' && (plan.schedules || maxSchedules === 1)) {
      plan.writeSchedules = setSchedule === 'kcm' ? { endpoint: 'actions/kcm-charge-schedule', sure: true } : { endpoint: 'actions/charge-schedule', sure: setSchedule === 'ok' };
    }

    const setHvac = mark('actions/hvac-set-schedule');
    if (setHvac !== 'no' && plan.timers) plan.writeTimers = { endpoint: 'actions/hvac-schedule', sure: setHvac === 'ok' };
  }
  if (levels !== 'no') {
    plan.levels = { endpoint: 'ev/soc-levels', sure: levels === 'ok' };
    plan.writeLevels = { endpoint: 'actions/soc-levels', sure: levels === 'ok' };
  }
  return plan;
}

export function canReadCharging(vehicle: Vehicle): boolean {
  const p = chargingPlan(vehicle);
  return !!(p.schedules || p.mode || p.levels || p.timers);
}

export function canWriteCharging(vehicle: Vehicle): boolean {
  const p = chargingPlan(vehicle);
  return !!(p.writeMode || p.writeSchedules || p.writeTimers || p.writeLevels);
}

/**
 * Calls one read of the charging settings costs: each distinct read endpoint of the plan once
 * (ev/settings serves mode and programs together). An undocumented endpoint the car refused is
 * not called again, so this is the most a read costs.
 */
export function chargingReadCost(vehicle: Vehicle): number {
  const p = chargingPlan(vehicle);
  return new Set([p.mode, p.schedules, p.timers, p.levels].filter((s) => s !== undefined).map((s) => s.endpoint)).size;
}
