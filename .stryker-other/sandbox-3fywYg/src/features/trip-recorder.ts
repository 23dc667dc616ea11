// @ts-nocheck
import { z } from 'zod';
import { CarError, systemClock, toCarError, VehicleStatusSchema, type ChargeSession, type Clock, type TimerHandle, type Trip, type Vehicle, type VehicleStatus } from '../core';
import type { StreamEventInfo } from '../brands/provider';
import type { AccountSession } from './session';
import { JsonFile, StoredHistorySchema, TripHistory, type StoredHistory } from './trip-store';
import { isTimeZone, localDayOf, localTimeZone, parseBound, PERIODS, preferNative, readNativeCharges, sampleFromStatus, summarize, usableCapacityKwh, within, type Bound } from './trips';
import type { Say } from './texts';
import { vehicleInfo, type VehicleInfo } from './vehicle-info';

/**
 * What car-trips does, without Node-RED: keeps one vehicle's history in its file (loaded at
 * start, saved a moment after each change and on close), adds statuses from messages or from
 * the account's reads, puts the cloud's own record in place of a derived charge, and answers
 * requests for summaries and lists.
 */

export const TRIP_ACTIONS = ['summary', 'trips', 'charges'] as const;

export const TripRequestSchema = z.object({
  action: z.enum(TRIP_ACTIONS),
  period: z.enum(PERIODS).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  timeZone: z.string().optional(),
  /** charges: 'native' asks the cloud's own records (costs a call, at most hourly). */
  source: z.enum(['stored', 'native']).optional(),
}).strict(); // a misspelt key ("perod") is refused, not read as "no period" (issue 15)
export type TripRequest = z.infer<typeof TripRequestSchema>;

/** The texts the recorder says, in the node's language (car-trips.errors.<key>). */
export const TRIP_TEXTS = ['capacity', 'timezone', 'other-vin', 'no-history', 'bad-payload', 'native-needs-account', 'damaged', 'load', 'save'] as const;
export type TripText = (typeof TRIP_TEXTS)[number];

const DAY = 86_400_000;
/**
 * The history file is written at most this long after a change (and on close). A CarData stream telling a change
 * every minute rewrote a file of up to a megabyte every minute, a gigabyte a day on a Raspberry Pi's SD card (the soak,
 * issue 15); a crash loses at most these minutes of samples.
 */
const SAVE_DELAY_MS = 5 * 60_000;
/** How far back native charging sessions are asked for by default. */
const NATIVE_WINDOW_MS = 30 * DAY;
/** How far a local day reaches beyond its UTC day: UTC+14 (Kiribati) and UTC-12. */
const ZONE_SPAN_MS = 14 * 3_600_000;

/** A zod issue in words that name the field and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'msg.payload is invalid';
  const field = `msg.payload.${issue.path.join('.')}`;
  if (issue.path[0] === 'action') return `${field} must be one of: ${TRIP_ACTIONS.join(', ')}`;
  if (issue.path[0] === 'period') return `${field} must be one of: ${PERIODS.join(', ')}`;
  if (issue.path[0] === 'source') return `${field} must be stored or native`;
  return `${field}: ${issue.message}`;
}

/** What a car-trips message asks: a summary or list, or a VehicleStatus to add. BAD_INPUT naming the field otherwise. */
export type TripInput = { kind: 'request'; request: TripRequest } | { kind: 'status'; status: VehicleStatus };

export function tripInputFrom(payload: unknown, say: Say<TripText>): TripInput {
  if (typeof payload === 'object' && payload !== null && 'action' in payload) {
    const parsed = TripRequestSchema.safeParse(payload);
    if (!parsed.success) throw new CarError('BAD_INPUT', describeIssue(parsed.error.issues[0]));
    return { kind: 'request', request: parsed.data };
  }
  if (typeof payload === 'object' && payload !== null && 'vin' in payload) {
    const parsed = VehicleStatusSchema.safeParse(payload);
    const issue = parsed.error?.issues[0];
    if (!parsed.success) throw new CarError('BAD_INPUT', `msg.payload is not a valid VehicleStatus: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    return { kind: 'status', status: parsed.data };
  }
  throw new CarError('BAD_INPUT', say('bad-payload'));
}

/** The node's settings: battery capacity (empty = the model's) and time zone of summaries (empty = Node-RED's). */
export function tripSettingsFrom(def: { capacityKwh?: string | number; timeZone?: string }, say: Say<TripText>): { capacityKwh?: number; timeZone: string } {
  let capacityKwh: number | undefined;
  const capText = String(def.capacityKwh ?? '').trim();
  if (capText !== '') {
    capacityKwh = Number(capText);
    if (!Number.isFinite(capacityKwh) || capacityKwh <= 0 || capacityKwh > 300) throw new CarError('BAD_INPUT', say('capacity', { value: capText }));
  }
  const timeZone = (def.timeZone ?? '').trim() || localTimeZone();
  if (!isTimeZone(timeZone)) throw new CarError('BAD_INPUT', say('timezone', { value: timeZone }));
  return { ...(capacityKwh !== undefined ? { capacityKwh } : {}), timeZone };
}

/** Trips and charges a status finished. */
export interface Recorded {
  trips: Trip[];
  charges: ChargeSession[];
}

export interface TripAnswer {
  vin: string;
  payload: unknown;
}

export interface TripRecorderOptions {
  /** The history file (trip-store's nodeFile). */
  file: string;
  /** The account whose reads of `vin` are followed (none: statuses come in messages only). */
  session?: AccountSession;
  vin?: string;
  capacityKwh?: number;
  timeZone: string;
  say: Say<TripText>;
  log: { warn(message: string): void; debug(message: string): void };
  /** Default: the session's clock, else the system's. */
  clock?: Clock;
  /** How long after a change the file is written (default 5 min): a burst of statuses is one write. */
  saveDelayMs?: number;
  /** What the account's reads of the vehicle finished. */
  onRecorded?: (recorded: Recorded) => void;
  /** The account's reads could not be added; `first` is false while the same error repeats. */
  onError?: (err: CarError, first: boolean) => void;
}

export class TripRecorder {
  /** Resolves once the file is read (never rejects: an unreadable file is reported and replaced). */
  readonly ready: Promise<void>;
  private readonly file: JsonFile<StoredHistory>;
  private readonly clock: Clock;
  private readonly session?: AccountSession;
  private readonly vin?: string;
  private history: TripHistory;
  private vehicle?: Vehicle;
  private saveTimer?: TimerHandle;
  private quietTimer?: TimerHandle;
  private closed = false;
  /** The message of the last failed add since the last recorded one, so that a repeat says first=false. */
  private lastError: string | undefined;
  private readonly onStatus = (vin: string, status: VehicleStatus): void => this.follow(vin, status);
  private readonly onStream = (event: StreamEventInfo): void => {
    this.history.streamState(event.state === 'connected', this.clock.now());
    this.armQuiet();
  };

  constructor(private readonly options: TripRecorderOptions) {
    this.file = new JsonFile<StoredHistory>(options.file, StoredHistorySchema);
    this.session = options.session;
    this.vin = options.vin;
    this.clock = options.clock ?? options.session?.clock ?? systemClock;
    this.history = this.newHistory();
    this.ready = this.load();
    if (this.session && this.vin) {
      this.session.on('status', this.onStatus);
      this.session.on('stream', this.onStream);
    }
  }

  private newHistory(stored?: StoredHistory): TripHistory {
    const { vin, capacityKwh } = this.options;
    return new TripHistory({ ...(vin ? { vin } : {}), ...(capacityKwh !== undefined ? { capacityKwh } : {}) }, stored);
  }

  private async load(): Promise<void> {
    const { say, log } = this.options;
    try {
      const loaded = await this.file.load();
      if (loaded.damaged) log.warn(say('damaged', { file: this.file.file }));
      this.history = this.newHistory(loaded.data);
    } catch (e) {
      log.warn(say('load', { reason: toCarError(e).message }));
    }
    await this.ensureVehicle();
  }

  /**
   * The account's record of the vehicle (model, capabilities); retried until the list is there.
   * `needed`: a request that cannot be answered without it waits for the list, and fails with
   * the account's own error (signing in, an outage), never a NOT_SUPPORTED it is not.
   */
  private async ensureVehicle(needed = false): Promise<void> {
    if (this.vehicle || !this.session || !this.vin) return;
    try {
      this.vehicle = await this.session.vehicle(this.vin);
      // The model's usable capacity, when the user set none and the car reports no energy.
      if (this.options.capacityKwh === undefined) this.history.capacityKwh = usableCapacityKwh(this.vehicle.modelCode);
    } catch (e) {
      // The vehicle list comes later (sign-in pending); the history works without it.
      if (needed) throw e;
    }
  }

  /** How much the history holds. */
  get counts(): { samples: number; trips: number; charges: number } {
    return { samples: this.history.sampleCount, trips: this.history.trips.length, charges: this.history.charges.length };
  }

  /** msg.vehicle for vin: the account's record when it is this node's vehicle. */
  vehicleInfo(vin: string): VehicleInfo {
    return vehicleInfo(vin, this.vehicle);
  }

  /** Adds a status of the node's vehicle (the first one names it when no vehicle is set); BAD_INPUT for another. */
  async add(status: VehicleStatus): Promise<Recorded> {
    await this.ready;
    await this.ensureVehicle();
    const none: Recorded = { trips: [], charges: [] };
    if (this.closed) return none;
    const history = this.history;
    if (history.vin && status.vin !== history.vin) throw new CarError('BAD_INPUT', this.options.say('other-vin', { vin: status.vin, mine: history.vin }));
    history.vin ??= status.vin;
    const sample = sampleFromStatus(status);
    if (!sample) return none;
    const added = history.add(sample);
    this.saveSoon();
    this.armQuiet();
    const charges: ChargeSession[] = [];
    for (const c of added.charges) charges.push(await this.withNative(c));
    return { trips: added.trips, charges };
  }

  /** A stream goes quiet at ignition-off: once it stayed quiet for the stop threshold, an open trip ends without a new sample. */
  private armQuiet(): void {
    this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    const due = this.history.quietCheckAt;
    if (due === undefined || this.closed) return;
    this.quietTimer = this.clock.setTimeout(() => {
      this.quietTimer = undefined;
      if (this.closed) return;
      const added = this.history.touch(this.clock.now());
      if (!added.trips.length && !added.charges.length) return;
      this.saveSoon();
      this.options.onRecorded?.({ trips: added.trips, charges: added.charges });
    }, Math.max(0, due - this.clock.now()));
  }

  private follow(vin: string, status: VehicleStatus): void {
    if (vin !== this.vin) return;
    this.add(status).then(
      (recorded) => {
        this.lastError = undefined;
        this.options.onRecorded?.(recorded);
      },
      (e: unknown) => {
        const err = toCarError(e);
        this.options.onError?.(err, err.message !== this.lastError);
        this.lastError = err.message;
      },
    );
  }

  /**
   * The cloud's own record of a charge that just ended, if it has one by now. While the car's
   * stream was up for the whole charge, the charge derived from it (start, end, levels, energy
   * where the stream carries it) is the record and costs no call; otherwise (REST polling, or a
   * stream that was down during the charge) one read of the history since the charge began:
   * the connection reads on from the last session it knows (cached across restarts).
   */
  private async withNative(c: ChargeSession): Promise<ChargeSession> {
    const { session, vehicle } = this;
    if (!session || !vehicle || !session.connection.capabilities(vehicle).nativeChargeSessions) return c;
    if (session.streamCoveredSince(Date.parse(c.startAt))) return c;
    const now = this.clock.now();
    // From a day before the charge, not 30 days: CarData pages its history, and the connection reads
    // on from the last session it knows at the next charge end.
    const from = new Date(Date.parse(c.startAt) - DAY).toISOString();
    const to = new Date(Math.max(now, Date.parse(c.endAt ?? c.startAt))).toISOString();
    try {
      const better = preferNative(c, await readNativeCharges(session, vehicle, from, to, 'background'));
      if (better !== c) this.history.replaceCharge(c, better);
      return better;
    } catch (e) {
      this.options.log.debug(`native charging sessions not used: ${toCarError(e).message}`);
      return c;
    }
  }

  /** A summary, or the trips or charges between two bounds. */
  async answer(req: TripRequest): Promise<TripAnswer> {
    await this.ready;
    const { say } = this.options;
    const vin = this.history.vin ?? this.vin;
    if (!vin) throw new CarError('BAD_INPUT', say('no-history'));
    const timeZone = req.timeZone ?? this.options.timeZone;
    if (!isTimeZone(timeZone)) throw new CarError('BAD_INPUT', `msg.payload.timeZone must be an IANA time zone such as Europe/Paris (got ${JSON.stringify(timeZone)})`);
    if (req.action === 'summary') {
      const bounds = { ...(req.from !== undefined ? { from: req.from } : {}), ...(req.to !== undefined ? { to: req.to } : {}) };
      return { vin, payload: summarize(this.history.trips, this.history.charges, { vin, period: req.period ?? 'day', timeZone, ...bounds }) };
    }
    // A day is a whole day in the time zone, as in the summary (help). The lists cut it at UTC midnight until
    // 2026-12-05: in Paris a trip at 00:30 on the 15th was left out of "from 2026-01-15".
    const from = req.from !== undefined ? parseBound(req.from, 'from') : undefined;
    const to = req.to !== undefined ? parseBound(req.to, 'to') : undefined;
    const dayOf = localDayOf(timeZone);
    const inBounds = (item: { startAt: string }): boolean => within(Date.parse(item.startAt), dayOf, from, to);
    if (req.action === 'charges' && req.source === 'native') {
      // At start the vehicle list may not be loaded yet: wait for it (issue 15).
      await this.ensureVehicle(true);
      const { session, vehicle } = this;
      if (!session || !vehicle) throw new CarError('NOT_SUPPORTED', say('native-needs-account'));
      // The cloud is asked in UTC: a local day lies within 14 hours of its UTC day (UTC-12 to UTC+14).
      const edge = (b: Bound | undefined, field: 'from' | 'to', fallback: number): number =>
        b === undefined ? fallback : 'instant' in b ? b.instant : field === 'from' ? Date.parse(b.day) - ZONE_SPAN_MS : Date.parse(b.day) + DAY - 1 + ZONE_SPAN_MS;
      const now = this.clock.now();
      const f = new Date(edge(from, 'from', now - NATIVE_WINDOW_MS)).toISOString();
      const t = new Date(edge(to, 'to', now)).toISOString();
      return { vin, payload: (await readNativeCharges(session, vehicle, f, t, 'explicit')).filter(inBounds) };
    }
    return { vin, payload: req.action === 'trips' ? this.history.trips.filter(inBounds) : this.history.charges.filter(inBounds) };
  }

  private saveSoon(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = this.clock.setTimeout(() => void this.save(), this.options.saveDelayMs ?? SAVE_DELAY_MS);
  }

  private async save(): Promise<void> {
    this.clock.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.file.save(this.history.snapshot()).catch((e: unknown) => this.options.log.warn(this.options.say('save', { reason: toCarError(e).message })));
  }

  /** Stops following the account and writes the history; a deleted node (`removed`) takes its file with it. */
  async close(removed: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session?.off('status', this.onStatus);
    this.session?.off('stream', this.onStream);
    this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    this.clock.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.ready;
    if (removed) await this.file.remove().catch(() => undefined);
    else await this.save();
  }
}
