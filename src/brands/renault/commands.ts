import { COMMANDS, CarError, type CommandInput, type CommandName, type Vehicle } from '../../core';
import type { CallOptions, CommandProgress, CommandTicket, ProviderContext } from '../provider';
import { kamereon } from './api';
import type { RenaultAuthState } from './auth';
import { endpointMark, isAvailable } from './capabilities';
import { ActionEchoSchema, EvSettingsSchema } from './commands-schemas';
import { confirmationOf, lookAt, nextIntervalMs, type Confirmation } from './commands-track';

type RenaultSession = RenaultAuthState & { jwt: string };

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

function jsonApi(type: string, attributes?: Record<string, unknown>): unknown {
  return { data: attributes ? { type, attributes } : { type } };
}

/** Path and body of an action (paths below /commerce/v1). */
function request(action: Action, input: CommandInput, kca: string, kcm: string): { path: string; body: unknown; label: string } {
  const at = input.startAt ? { startDateTime: renaultTime(input.startAt) } : {};
  switch (action.kind) {
    case 'hvac-start':
      return { path: `${kca}/actions/hvac-start`, label: 'hvac-start', body: jsonApi('HvacStart', { action: 'start', targetTemperature: input.temperatureC ?? 21, ...at }) };
    case 'hvac-stop':
      return { path: `${kca}/actions/hvac-start`, label: `hvac-start ${action.action}`, body: jsonApi('HvacStart', { action: action.action }) };
    case 'kca-charge':
      return { path: `${kca}/actions/charging-start`, label: `charging-start ${action.action}`, body: jsonApi('ChargingStart', { action: action.action }) };
    case 'kcm-charge-start':
      return { path: `${kcm}/charge/start`, label: 'kcm charge/start', body: jsonApi('ChargingStart', { action: 'start', ...at }) };
    case 'kcm-pause-resume':
      return { path: `${kcm}/charge/pause-resume`, label: `kcm charge/pause-resume ${action.action}`, body: jsonApi('ChargePauseResume', { action: action.action }) };
    case 'horn-lights':
      return { path: `${kca}/actions/horn-lights`, label: `horn-lights ${action.target}`, body: jsonApi('HornLights', { action: 'start', target: action.target }) };
    case 'refresh-location':
      return { path: `${kca}/actions/refresh-location`, label: 'refresh-location', body: jsonApi('RefreshLocation') };
    case 'refresh-battery-status':
      return { path: `${kca}/actions/refresh-battery-status`, label: 'refresh-battery-status', body: jsonApi('RefreshBatteryStatus') };
    case 'kcm-ev-settings':
      return { path: `${kcm}/ev/settings`, label: 'kcm ev/settings', body: undefined }; // body built from the current settings
  }
}

/** Which actions take a start time. */
function takesStartAt(action: Action): boolean {
  return action.kind === 'hvac-start' || action.kind === 'kcm-charge-start';
}

/** Renault commands: which a model takes (spec §6.3) and how they are sent and confirmed. */
export const renaultCommands = {
  commandsFor(vehicle: Vehicle): CommandName[] {
    return COMMANDS.filter((c) => typeof actionFor(vehicle, c) !== 'string');
  },

  /** Sends once (kamereon() never retries a POST). Refuses without any call what the model does not take. */
  async send(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, input: CommandInput, opts: CallOptions): Promise<CommandTicket> {
    const action = actionFor(vehicle, input.command);
    if (typeof action === 'string') throw new CarError('NOT_SUPPORTED', `${input.command} is not available: ${action}`, { transient: false });
    if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
    if (input.startAt !== undefined) {
      if (!takesStartAt(action)) {
        throw new CarError('BAD_INPUT', `startAt is not possible for ${input.command} on the ${carName(vehicle)}: only climate_start and the KCM charge start take a start time`);
      }
      if (Date.parse(input.startAt) <= ctx.clock.now()) throw new CarError('BAD_INPUT', `startAt must be in the future (got ${input.startAt})`);
    }
    const vin = encodeURIComponent(vehicle.vin);
    const root = `/accounts/${encodeURIComponent(vehicle.accountId)}/kamereon`;
    const req = request(action, input, `${root}/kca/car-adapter/v1/cars/${vin}`, `${root}/kcm/v1/vehicles/${vin}`);
    let body = req.body;
    if (action.kind === 'kcm-ev-settings') {
      // Charge now on KCM-settings cars = every program off, posted back whole (spec §6.2).
      const current = EvSettingsSchema.safeParse(await kamereon(ctx, auth, { method: 'GET', path: req.path, kind: opts.kind }));
      if (!current.success) throw new CarError('UPSTREAM', 'Renault ev/settings: unexpected answer; nothing was sent');
      body = { ...current.data, programs: current.data.programs.map((p) => ({ ...p, programActivationStatus: false })) };
    }
    const echo = await kamereon(ctx, auth, { method: 'POST', path: req.path, body, kind: opts.kind });
    const acceptedAt = ctx.clock.now();
    const parsed = ActionEchoSchema.safeParse(echo);
    // The JSON:API echo's id is the notification id (spec §3, §4.7); ev/settings answers without one.
    const actionId = parsed.success ? parsed.data.data.id : undefined;
    const confirm: Confirmation | undefined = confirmationOf(input.command, action.kind, vehicle, input.startAt !== undefined);
    return {
      command: input.command,
      ...(actionId ? { actionId } : {}),
      acceptedAt,
      track: { endpoint: req.label, ...(confirm ? { confirm } : {}), ...(input.startAt ? { startAt: input.startAt } : {}) },
    };
  },

  /** One look, one call at most: the notification feed or a re-read of the state the command changes. */
  track(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, ticket: CommandTicket, opts: CallOptions): Promise<CommandProgress> {
    return lookAt(ctx, auth, vehicle, ticket, opts);
  },

  trackIntervalMs(ticket: CommandTicket): number {
    return nextIntervalMs(ticket);
  },
};
