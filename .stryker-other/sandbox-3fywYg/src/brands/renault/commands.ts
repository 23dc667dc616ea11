// @ts-nocheck
import { COMMANDS, CarError, type CommandInput, type CommandName, type Vehicle } from '../../core';
import type { CallOptions, CommandTicket, ProviderContext } from '../provider';
import { callEndpoint, type KamereonAuth } from './api';
import { endpointMark, isAvailable } from './capabilities';
import { confirmationOf } from './commands-track';
import { actionBody, idsOf, type ActionName } from './endpoints';
import { ActionEchoSchema, EvSettingsSchema } from './schemas';

/** One way of carrying out a command on Renault's cloud (spec §6.1, §6.2). */
type Action =
  | { kind: 'hvac-start' }
  | { kind: 'hvac-stop'; action: 'cancel' | 'stop' }
  | { kind: 'kca-charge'; action: 'start' | 'stop' }
  | { kind: 'kcm-charge-start' }
  | { kind: 'kcm-pause-resume'; action: 'pause' | 'resume' }
  | { kind: 'kcm-ev-settings' }
  | { kind: 'horn-lights'; target: 'horn' | 'lights' }
  | { kind: 'refresh-location' }
  | { kind: 'refresh-battery-status' };

/** Commands Renault never offers to third-party clients, and why (spec §6.1 "others seen"). */
const NEVER: Partial<Record<CommandName, string>> = {
  lock: 'Renault lets only its own app lock or unlock a car: the lock-unlock action answers "not authorized" to other clients',
  unlock: 'Renault lets only its own app lock or unlock a car: the lock-unlock action answers "not authorized" to other clients',
  finder: 'Renault has no vehicle finder; use refresh to ask the car for its position',
  send_poi: "Renault's send-navigation action is not open to other clients than its own app",
};

const CHARGEABLE = new Set(['electric', 'plugin_hybrid', 'unknown']);

function carName(v: Vehicle): string {
  return v.model ?? v.modelCode ?? 'car';
}

/** The action for a command on this vehicle, from the model table (spec §6.3), or why there is none. */
function actionFor(v: Vehicle, command: CommandName): Action | string {
  const never = NEVER[command];
  if (never) return never;
  const code = v.modelCode;
  const mark = (endpoint: string) => endpointMark(code, endpoint);
  const model = carName(v);
  const chargeable = CHARGEABLE.has(v.drivetrain);
  const tableSaysNo = (what: string) => `the ${model} (${code ?? 'unknown model'}) takes no ${what}: Renault's model table marks it not available`;
  switch (command) {
    case 'climate_start':
    case 'climate_stop': {
      const start = mark('actions/hvac-start');
      if (start === 'no') return tableSaysNo('remote climate');
      // Undocumented models: only electrified cars have had remote climate so far.
      if (start === '.' && !chargeable) return `the ${model} takes no remote climate (only electric and plug-in Renaults do)`;
      if (command === 'climate_start') return { kind: 'hvac-start' };
      const stop = mark('actions/hvac-stop');
      if (stop === 'no') return tableSaysNo('remote climate stop');
      return { kind: 'hvac-stop', action: stop === 'stop' ? 'stop' : 'cancel' };
    }
    case 'charge_start': {
      if (!chargeable) return `the ${model} cannot be charged`;
      switch (mark('actions/charge-start')) {
        case 'no':
          return tableSaysNo('remote charge start');
        case 'kcm':
          return { kind: 'kcm-charge-start' };
        case 'kcm-s':
          return { kind: 'kcm-ev-settings' };
        case 'kcm-pr':
          return { kind: 'kcm-pause-resume', action: 'resume' };
        default:
          return { kind: 'kca-charge', action: 'start' };
      }
    }
    case 'charge_stop': {
      if (!chargeable) return `the ${model} cannot be charged`;
      const m = mark('actions/charge-stop');
      if (m === 'no') return tableSaysNo('remote charge stop');
      return m === 'kcm-pr' ? { kind: 'kcm-pause-resume', action: 'pause' } : { kind: 'kca-charge', action: 'stop' };
    }
    case 'flash':
      return mark('actions/lights-start') === 'no' ? tableSaysNo('remote light flash') : { kind: 'horn-lights', target: 'lights' };
    case 'horn':
      return mark('actions/horn-start') === 'no' ? tableSaysNo('remote horn') : { kind: 'horn-lights', target: 'horn' };
    case 'refresh':
      if (isAvailable(code, 'location') && mark('actions/refresh-location') !== 'no') return { kind: 'refresh-location' };
      // Cars without GPS (Zoe phase 1): ask for a fresh battery report instead (spec §6.1, UNCERTAIN per model).
      if (chargeable && isAvailable(code, 'battery-status')) return { kind: 'refresh-battery-status' };
      return `the ${model} has neither a position nor a battery status to refresh`;
    default:
      return `Renault has no ${command as string} command`;
  }
}

/** Renault's startDateTime: UTC with seconds, no fraction (spec §6.1). */
function renaultTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The endpoint, the attributes of its JSON:API body, and the label (for the ticket) of an action. */
function request(action: Action, input: CommandInput): { endpoint: ActionName; label: string; attributes?: Record<string, unknown> } {
  const at = input.startAt ? { startDateTime: renaultTime(input.startAt) } : {};
  switch (action.kind) {
    case 'hvac-start':
      return { endpoint: 'actions/hvac-start', label: 'hvac-start', attributes: { action: 'start', targetTemperature: input.temperatureC ?? 21, ...at } };
    case 'hvac-stop':
      return { endpoint: 'actions/hvac-start', label: `hvac-start ${action.action}`, attributes: { action: action.action } };
    case 'kca-charge':
      return { endpoint: 'actions/charging-start', label: `charging-start ${action.action}`, attributes: { action: action.action } };
    case 'kcm-charge-start':
      return { endpoint: 'actions/kcm-charge-start', label: 'kcm charge/start', attributes: { action: 'start', ...at } };
    case 'kcm-pause-resume':
      return { endpoint: 'actions/kcm-pause-resume', label: `kcm charge/pause-resume ${action.action}`, attributes: { action: action.action } };
    case 'horn-lights':
      return { endpoint: 'actions/horn-lights', label: `horn-lights ${action.target}`, attributes: { action: 'start', target: action.target } };
    case 'refresh-location':
      return { endpoint: 'actions/refresh-location', label: 'refresh-location' };
    case 'refresh-battery-status':
      return { endpoint: 'actions/refresh-battery-status', label: 'refresh-battery-status' };
    case 'kcm-ev-settings':
      return { endpoint: 'actions/ev-settings', label: 'kcm ev/settings' }; // the current settings, posted back
  }
}

/** Which actions take a start time. */
function takesStartAt(action: Action): boolean {
  return action.kind === 'hvac-start' || action.kind === 'kcm-charge-start';
}

/** Charge now on KCM-settings cars = every program off, the settings posted back whole (spec §6.2). */
async function allProgramsOff(ctx: ProviderContext, auth: KamereonAuth, vehicle: Vehicle, opts: CallOptions): Promise<unknown> {
  const current = await callEndpoint(ctx, auth, 'ev/settings', idsOf(vehicle), { kind: opts.kind });
  if (!EvSettingsSchema.safeParse(current).success) throw new CarError('UPSTREAM', 'Renault ev/settings: unexpected answer; nothing was sent');
  const whole = current as Record<string, unknown>;
  const programs: unknown[] = Array.isArray(whole.programs) ? whole.programs : [];
  return { ...whole, programs: programs.map((p) => (typeof p === 'object' && p !== null ? { ...p, programActivationStatus: false } : p)) };
}

/** The commands a model takes (spec §6.3). */
export function commandsFor(vehicle: Vehicle): CommandName[] {
  return COMMANDS.filter((c) => typeof actionFor(vehicle, c) !== 'string');
}

/**
 * A ticket for a command whose answer was lost: no action id (so no notification to look
 * for), only the re-read of the state it changes, from the moment it was sent. Undefined when
 * no re-read can tell (horn, lights, a delayed charge start).
 */
export function lostTicket(vehicle: Vehicle, input: CommandInput, sentAt: number): CommandTicket | undefined {
  const action = actionFor(vehicle, input.command);
  if (typeof action === 'string') return undefined;
  const confirm = confirmationOf(input.command, action.kind, vehicle, input.startAt !== undefined);
  if (!confirm) return undefined;
  return { command: input.command, acceptedAt: sentAt, track: { endpoint: request(action, input).label, confirm, ...(input.startAt ? { startAt: input.startAt } : {}) } };
}

/**
 * Sends a command once (kamereon() never retries a POST). Refuses without any call what the
 * model does not take.
 */
export async function sendCommand(ctx: ProviderContext, auth: KamereonAuth, vehicle: Vehicle, input: CommandInput, opts: CallOptions): Promise<CommandTicket> {
  const action = actionFor(vehicle, input.command);
  if (typeof action === 'string') throw new CarError('NOT_SUPPORTED', `${input.command} is not available: ${action}`, { transient: false });
  if (input.startAt !== undefined) {
    if (!takesStartAt(action)) {
      throw new CarError('BAD_INPUT', `startAt is not possible for ${input.command} on the ${carName(vehicle)}: only climate_start and the KCM charge start take a start time`);
    }
    if (Date.parse(input.startAt) <= ctx.clock.now()) throw new CarError('BAD_INPUT', `startAt must be in the future (got ${input.startAt})`);
  }
  const req = request(action, input);
  const body = action.kind === 'kcm-ev-settings' ? await allProgramsOff(ctx, auth, vehicle, opts) : actionBody(req.endpoint, req.attributes);
  const echo = await callEndpoint(ctx, auth, req.endpoint, idsOf(vehicle), { body, kind: opts.kind });
  const acceptedAt = ctx.clock.now();
  // The JSON:API echo's id is the notification id (spec §3, §4.7); ev/settings answers without one.
  const actionId = ActionEchoSchema.safeParse(echo).data?.data?.id;
  const confirm = confirmationOf(input.command, action.kind, vehicle, input.startAt !== undefined);
  return {
    command: input.command,
    ...(actionId ? { actionId } : {}),
    acceptedAt,
    track: { endpoint: req.label, ...(confirm ? { confirm } : {}), ...(input.startAt ? { startAt: input.startAt } : {}) },
  };
}
