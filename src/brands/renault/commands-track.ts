import { z } from 'zod';
import { CarError, type CommandName, type Vehicle } from '../../core';
import type { CallOptions, CommandProgress, CommandTicket, ProviderContext } from '../provider';
import { kamereon } from './api';
import type { RenaultAuthState } from './auth';
import { isAvailable } from './capabilities';
import { BatteryReadSchema, HvacReadSchema, LocationReadSchema, NotificationsSchema } from './commands-schemas';

type RenaultSession = RenaultAuthState & { jwt: string };

/** The state a re-read must show for a command to count as carried out. */
export const CONFIRMATIONS = ['hvac-on', 'hvac-scheduled', 'hvac-off', 'charging', 'not-charging', 'position-reported', 'battery-reported'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];
const TrackDataSchema = z.object({ confirm: z.enum(CONFIRMATIONS).optional(), startAt: z.string().optional() }).loose();

const READ_OF: Record<Confirmation, { name: 'hvac-status' | 'battery-status' | 'location'; path: string }> = {
  'hvac-on': { name: 'hvac-status', path: 'kca/car-adapter/v1/cars/{vin}/hvac-status' },
  'hvac-scheduled': { name: 'hvac-status', path: 'kca/car-adapter/v1/cars/{vin}/hvac-status' },
  'hvac-off': { name: 'hvac-status', path: 'kca/car-adapter/v1/cars/{vin}/hvac-status' },
  charging: { name: 'battery-status', path: 'kca/car-adapter/v2/cars/{vin}/battery-status' },
  'not-charging': { name: 'battery-status', path: 'kca/car-adapter/v2/cars/{vin}/battery-status' },
  'battery-reported': { name: 'battery-status', path: 'kca/car-adapter/v2/cars/{vin}/battery-status' },
  'position-reported': { name: 'location', path: 'kca/car-adapter/v1/cars/{vin}/location' },
};

/** Which re-read confirms a command on this vehicle; undefined = only the notification feed can. */
export function confirmationOf(command: CommandName, actionKind: string, vehicle: Vehicle, hasStartAt: boolean): Confirmation | undefined {
  const code = vehicle.modelCode;
  let confirm: Confirmation;
  switch (command) {
    case 'climate_start':
      confirm = hasStartAt ? 'hvac-scheduled' : 'hvac-on';
      break;
    case 'climate_stop':
      confirm = 'hvac-off';
      break;
    case 'charge_start':
      // A delayed start shows nothing in battery-status until it begins.
      if (hasStartAt) return undefined;
      confirm = 'charging';
      break;
    case 'charge_stop':
      confirm = 'not-charging';
      break;
    case 'refresh':
      confirm = actionKind === 'refresh-location' ? 'position-reported' : 'battery-reported';
      break;
    default:
      return undefined; // horn, lights: nothing to re-read
  }
  // The Zoe phase 1 reports hvacStatus "off" even while it preconditions (spec §5 notes).
  if (confirm.startsWith('hvac') && code === 'X101VE') return undefined;
  return isAvailable(code, READ_OF[confirm].name) ? confirm : undefined;
}

/** What the tracking of one ticket has learnt so far (kept beside the ticket, not in it). */
interface TrackState {
  looks: number;
  calls: number;
  delivered: boolean;
  noFeed: boolean;
  noRead: boolean;
}
const states = new WeakMap<CommandTicket, TrackState>();
function stateOf(ticket: CommandTicket): TrackState {
  let s = states.get(ticket);
  if (!s) states.set(ticket, (s = { looks: 0, calls: 0, delivered: false, noFeed: false, noRead: false }));
  return s;
}

/** Seconds between looks: the first after ~15 s (an action reaches the car in 10-30 s), then slower. */
const INTERVALS_MS = [15_000, 15_000, 20_000, 30_000, 30_000, 60_000];
/** Each look costs one call of the account's ~60 per hour: a command never costs more than this. */
export const MAX_TRACK_CALLS = 12;
/** Car times often have whole seconds: a report within the second of the acceptance still counts. */
const SKEW_MS = 1_000;

export function nextIntervalMs(ticket: CommandTicket): number {
  const looks = states.get(ticket)?.looks ?? 0;
  return INTERVALS_MS[Math.min(looks, INTERVALS_MS.length - 1)] ?? 60_000;
}

const EXECUTED = new Set(['SUCCESS', 'SUCCEEDED', 'EXECUTED', 'DONE', 'OK', 'COMPLETED']);
const FAILED = new Set(['FAILED', 'FAILURE', 'ERROR', 'REJECTED', 'KO', 'CANCELLED', 'CANCELED', 'TIMEOUT', 'EXPIRED']);

export async function lookAt(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, ticket: CommandTicket, opts: CallOptions): Promise<CommandProgress> {
  const st = stateOf(ticket);
  st.looks++;
  if (st.calls >= MAX_TRACK_CALLS) return { step: 'pending', detail: `stopped looking after ${MAX_TRACK_CALLS} calls, to keep the account's call budget` };
  const data = TrackDataSchema.safeParse(ticket.track ?? {});
  const confirm = data.success ? data.data.confirm : undefined;
  const canFeed = ticket.actionId !== undefined && !st.noFeed;
  const canRead = confirm !== undefined && !st.noRead;
  // One call per look: the feed first, then alternate with the re-read until the feed says
  // delivered; after that only the re-read can tell more.
  const feedTurn = canFeed && (!canRead || (!st.delivered && st.looks % 2 === 1));
  if (feedTurn && ticket.actionId) {
    try {
      return await feed(ctx, auth, vehicle, ticket.actionId, st, opts);
    } catch (e) {
      if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
      st.noFeed = true;
      return { step: 'pending', detail: 'the notification feed is not available for this account' };
    }
  }
  if (canRead && confirm) {
    try {
      return await reread(ctx, auth, vehicle, ticket, confirm, data.success ? data.data.startAt : undefined, st, opts);
    } catch (e) {
      if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
      st.noRead = true;
      return { step: 'pending', detail: `${READ_OF[confirm].name} is not available to confirm the command` };
    }
  }
  return { step: 'pending', detail: 'Renault offers nothing more to confirm this command with' };
}

async function feed(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, actionId: string, st: TrackState, opts: CallOptions): Promise<CommandProgress> {
  st.calls++;
  const body = await kamereon(ctx, auth, {
    method: 'GET',
    path: `/persons/${encodeURIComponent(auth.personId)}/notifications/kmr`,
    query: { notificationId: actionId },
    kind: opts.kind,
  });
  const parsed = NotificationsSchema.safeParse(body);
  const mine = parsed.success ? parsed.data.find((n) => n.notificationId === actionId && (n.vin === undefined || n.vin === vehicle.vin)) : undefined;
  if (!mine) return { step: 'pending', source: 'notification', detail: 'no notification yet' };
  const status = (mine.commandResponse?.status ?? '').toUpperCase();
  const detail = `notification ${status || 'without a status'}${mine.commandType ? ` (${mine.commandType})` : ''}`;
  if (EXECUTED.has(status)) return { step: 'executed', source: 'notification', detail };
  if (FAILED.has(status)) return { step: 'failed', source: 'notification', detail, code: 'UPSTREAM' };
  // CREATED and whatever else: the cloud has handed it to the car; nothing says it took effect.
  st.delivered = true;
  return { step: 'delivered', source: 'notification', detail };
}

async function reread(
  ctx: ProviderContext,
  auth: RenaultSession,
  vehicle: Vehicle,
  ticket: CommandTicket,
  confirm: Confirmation,
  startAt: string | undefined,
  st: TrackState,
  opts: CallOptions,
): Promise<CommandProgress> {
  if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
  const read = READ_OF[confirm];
  const source = `${read.name} re-read`;
  st.calls++;
  const body = await kamereon(ctx, auth, {
    method: 'GET',
    path: `/accounts/${encodeURIComponent(vehicle.accountId)}/kamereon/${read.path.replace('{vin}', encodeURIComponent(vehicle.vin))}`,
    kind: opts.kind,
  });
  const fresh = (time: string | undefined): boolean | undefined => {
    const t = time ? Date.parse(time) : NaN;
    return Number.isNaN(t) ? undefined : t >= ticket.acceptedAt - SKEW_MS;
  };
  const noTime = (): CommandProgress => {
    // Without the car's own time an old report cannot be told from a new one.
    st.noRead = true;
    return { step: 'pending', source, detail: `${read.name} carries no time, so it cannot confirm the command` };
  };
  const old = (time: string): CommandProgress => ({ step: 'pending', source, detail: `the car's last report (${time}) is older than the command` });

  if (read.name === 'hvac-status') {
    const a = HvacReadSchema.safeParse(body).data?.data.attributes;
    const time = a?.lastUpdateTime;
    const isFresh = fresh(time);
    if (isFresh === undefined) return noTime();
    if (!isFresh) return old(time ?? '');
    const hvac = a?.hvacStatus?.toLowerCase();
    if (confirm === 'hvac-on' && hvac === 'on') return { step: 'executed', source, detail: 'climate on' };
    if (confirm === 'hvac-off' && hvac === 'off') return { step: 'executed', source, detail: 'climate off' };
    if (confirm === 'hvac-scheduled' && startAt && a?.nextHvacStartDate) {
      const diff = Math.abs(Date.parse(a.nextHvacStartDate) - Date.parse(startAt));
      if (diff <= 90_000) return { step: 'executed', source, detail: `climate starts at ${a.nextHvacStartDate}` };
    }
    return { step: 'pending', source, detail: `climate ${hvac ?? 'unknown'}` };
  }
  if (read.name === 'battery-status') {
    const a = BatteryReadSchema.safeParse(body).data?.data.attributes;
    const time = a?.timestamp;
    const isFresh = fresh(time);
    if (isFresh === undefined) return noTime();
    if (!isFresh) return old(time ?? '');
    const charging = a?.chargingStatus !== undefined && Math.round(a.chargingStatus * 10) === 10;
    if (confirm === 'battery-reported') return { step: 'executed', source, detail: `battery reported at ${time ?? ''}` };
    if (confirm === 'charging' && charging) return { step: 'executed', source, detail: 'charging' };
    if (confirm === 'charging' && a?.plugStatus === 0) return { step: 'failed', source, detail: 'the car reports that it is not plugged in', code: 'UPSTREAM' };
    if (confirm === 'not-charging' && !charging) return { step: 'executed', source, detail: 'not charging' };
    return { step: 'pending', source, detail: charging ? 'still charging' : 'not charging yet' };
  }
  const a = LocationReadSchema.safeParse(body).data?.data.attributes;
  const time = a?.lastUpdateTime;
  const isFresh = fresh(time);
  if (isFresh === undefined) return noTime();
  if (!isFresh) return old(time ?? '');
  const lat = a?.gpsLatitude;
  const lon = a?.gpsLongitude;
  // 91/181: the car answered without a GPS fix, as parked cars do after a refresh (spec §5 notes).
  const fix = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return { step: 'executed', source, detail: fix ? `position reported at ${time ?? ''}` : `the car answered at ${time ?? ''} without a GPS fix` };
}
