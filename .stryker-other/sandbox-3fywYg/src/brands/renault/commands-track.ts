// @ts-nocheck
import { z } from 'zod';
import { CarError, type CommandName, type Vehicle } from '../../core';
import type { CallOptions, CommandProgress, CommandTicket, ProviderContext } from '../provider';
import { callEndpoint } from './api';
import type { RenaultSession } from './auth';
import { isAvailable } from './capabilities';
import { idsOf } from './endpoints';
import { BatteryStatusSchema, HvacStatusSchema, LocationSchema, NotificationsSchema } from './schemas';

/** The state a re-read must show for a command to count as carried out. */
export const CONFIRMATIONS = ['hvac-on', 'hvac-scheduled', 'hvac-off', 'charging', 'not-charging', 'position-reported', 'battery-reported'] as const;
export type Confirmation = (typeof CONFIRMATIONS)[number];
const TrackDataSchema = z.object({ confirm: z.enum(CONFIRMATIONS).optional(), startAt: z.string().optional() }).loose();

/** The read that shows each confirmation. */
const READ_OF: Record<Confirmation, 'hvac-status' | 'battery-status' | 'location'> = {
  'hvac-on': 'hvac-status',
  'hvac-scheduled': 'hvac-status',
  'hvac-off': 'hvac-status',
  charging: 'battery-status',
  'not-charging': 'battery-status',
  'battery-reported': 'battery-status',
  'position-reported': 'location',
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
  return isAvailable(code, READ_OF[confirm]) ? confirm : undefined;
}

/** What the tracking of one ticket has learnt so far (kept beside the ticket, not in it). */
interface TrackState {
  looks: number;
  calls: number;
  delivered: boolean;
  noFeed: boolean;
  noRead: boolean;
}

/** Seconds between looks: the first after ~15 s (an action reaches the car in 10-30 s), then slower. */
const INTERVALS_MS = [15_000, 15_000, 20_000, 30_000, 30_000, 60_000];
/** Each look costs one call of the account's ~60 per hour: a command never costs more than this. */
export const MAX_TRACK_CALLS = 12;
/** Car times often have whole seconds: a report within the second of the acceptance still counts. */
const SKEW_MS = 1_000;

const EXECUTED = new Set(['SUCCESS', 'SUCCEEDED', 'EXECUTED', 'DONE', 'OK', 'COMPLETED']);
const FAILED = new Set(['FAILED', 'FAILURE', 'ERROR', 'REJECTED', 'KO', 'CANCELLED', 'CANCELED', 'TIMEOUT', 'EXPIRED']);

/** How the commands of one account are going: what each ticket's tracking has learnt. Owned by the account's connection. */
export class CommandTracker {
  private states = new WeakMap<CommandTicket, TrackState>();

  constructor(private readonly ctx: ProviderContext) {}

  private stateOf(ticket: CommandTicket): TrackState {
    let s = this.states.get(ticket);
    if (!s) this.states.set(ticket, (s = { looks: 0, calls: 0, delivered: false, noFeed: false, noRead: false }));
    return s;
  }

  intervalMs(ticket: CommandTicket): number {
    const looks = this.states.get(ticket)?.looks ?? 0;
    return INTERVALS_MS[Math.min(looks, INTERVALS_MS.length - 1)] ?? 60_000;
  }

  /** One look, one call at most: the notification feed or a re-read of the state the command changes. */
  async look(auth: RenaultSession, vehicle: Vehicle, ticket: CommandTicket, opts: CallOptions): Promise<CommandProgress> {
    const st = this.stateOf(ticket);
    st.looks++;
    if (st.calls >= MAX_TRACK_CALLS) return { step: 'pending', detail: `stopped looking after ${MAX_TRACK_CALLS} calls, to keep the account's call budget` };
    const data = TrackDataSchema.safeParse(ticket.track ?? {});
    const confirm = data.success ? data.data.confirm : undefined;
    // A pasted token may not name its person: then there is no feed to look at.
    const canFeed = ticket.actionId !== undefined && !st.noFeed && auth.personId !== '';
    const canRead = confirm !== undefined && !st.noRead;
    // One call per look: the feed first, then alternate with the re-read until the feed says
    // delivered; after that only the re-read can tell more.
    const feedTurn = canFeed && (!canRead || (!st.delivered && st.looks % 2 === 1));
    if (feedTurn && ticket.actionId) {
      try {
        return await this.feed(auth, vehicle, ticket.actionId, st, opts);
      } catch (e) {
        if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
        st.noFeed = true;
        return { step: 'pending', detail: 'the notification feed is not available for this account' };
      }
    }
    if (canRead && confirm) {
      try {
        return await this.reread(auth, vehicle, ticket, confirm, data.success ? data.data.startAt : undefined, st, opts);
      } catch (e) {
        if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
        st.noRead = true;
        return { step: 'pending', detail: `${READ_OF[confirm]} is not available to confirm the command` };
      }
    }
    return { step: 'pending', detail: 'Renault offers nothing more to confirm this command with' };
  }

  private async feed(auth: RenaultSession, vehicle: Vehicle, actionId: string, st: TrackState, opts: CallOptions): Promise<CommandProgress> {
    st.calls++;
    const body = await callEndpoint(this.ctx, auth, 'notifications', { personId: auth.personId }, { query: { notificationId: actionId }, kind: opts.kind });
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

  private async reread(
    auth: RenaultSession,
    vehicle: Vehicle,
    ticket: CommandTicket,
    confirm: Confirmation,
    startAt: string | undefined,
    st: TrackState,
    opts: CallOptions,
  ): Promise<CommandProgress> {
    const read = READ_OF[confirm];
    const source = `${read} re-read`;
    st.calls++;
    const body = await callEndpoint(this.ctx, auth, read, idsOf(vehicle), { kind: opts.kind });
    /** Why a report cannot confirm the command: it has no time, or it is older than the command. */
    const unfit = (time: string | undefined): CommandProgress | undefined => {
      const t = time ? Date.parse(time) : NaN;
      if (Number.isNaN(t)) {
        // Without the car's own time an old report cannot be told from a new one.
        st.noRead = true;
        return { step: 'pending', source, detail: `${read} carries no time, so it cannot confirm the command` };
      }
      return t < ticket.acceptedAt - SKEW_MS ? { step: 'pending', source, detail: `the car's last report (${time ?? ''}) is older than the command` } : undefined;
    };

    if (read === 'hvac-status') {
      const a = HvacStatusSchema.safeParse(body).data?.data.attributes;
      const stale = unfit(a?.lastUpdateTime);
      if (stale) return stale;
      const hvac = a?.hvacStatus?.toLowerCase();
      if (confirm === 'hvac-on' && hvac === 'on') return { step: 'executed', source, detail: 'climate on' };
      if (confirm === 'hvac-off' && hvac === 'off') return { step: 'executed', source, detail: 'climate off' };
      if (confirm === 'hvac-scheduled' && startAt && a?.nextHvacStartDate) {
        const diff = Math.abs(Date.parse(a.nextHvacStartDate) - Date.parse(startAt));
        if (diff <= 90_000) return { step: 'executed', source, detail: `climate starts at ${a.nextHvacStartDate}` };
      }
      return { step: 'pending', source, detail: `climate ${hvac ?? 'unknown'}` };
    }
    if (read === 'battery-status') {
      const a = BatteryStatusSchema.safeParse(body).data?.data.attributes;
      const stale = unfit(a?.timestamp);
      if (stale) return stale;
      const charging = a?.chargingStatus !== undefined && Math.round(a.chargingStatus * 10) === 10;
      if (confirm === 'battery-reported') return { step: 'executed', source, detail: `battery reported at ${a?.timestamp ?? ''}` };
      if (confirm === 'charging' && charging) return { step: 'executed', source, detail: 'charging' };
      if (confirm === 'charging' && a?.plugStatus === 0) return { step: 'failed', source, detail: 'the car reports that it is not plugged in', code: 'UPSTREAM' };
      if (confirm === 'not-charging' && !charging) return { step: 'executed', source, detail: 'not charging' };
      return { step: 'pending', source, detail: charging ? 'still charging' : 'not charging yet' };
    }
    const a = LocationSchema.safeParse(body).data?.data.attributes;
    const stale = unfit(a?.lastUpdateTime);
    if (stale) return stale;
    const lat = a?.gpsLatitude;
    const lon = a?.gpsLongitude;
    // 91/181: the car answered without a GPS fix, as parked cars do after a refresh (spec §5 notes).
    const fix = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    const time = a?.lastUpdateTime ?? '';
    return { step: 'executed', source, detail: fix ? `position reported at ${time}` : `the car answered at ${time} without a GPS fix` };
  }

  /** Forgets every ticket's tracking (the account closed). */
  clear(): void {
    this.states = new WeakMap();
  }
}
