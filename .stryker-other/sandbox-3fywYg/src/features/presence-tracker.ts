// @ts-nocheck
import { CarError, systemClock, toCarError, type Clock, type TimerHandle, type Vehicle, type VehicleStatus } from '../core';
import type { PresenceEvent, PresenceUpdate } from '../core/presence';
import { emptyState, nextDueAt, positionFromMessage, PresenceStateSchema, resolveOptions, step, zonesFromDefs, type HomeLocation, type PresenceInput, type PresenceState, type ResolvedPresenceOptions } from './presence';
import type { AccountSession } from './session';
import { JsonFile } from './trip-store';
import type { Say } from './texts';
import { vehicleInfo, type VehicleInfo } from './vehicle-info';

/**
 * What car-presence does, without Node-RED: keeps the presence state in its file, applies
 * positions from messages or from the account's reads of the vehicle, and confirms a change
 * with a timer when its dwell time runs out without a new position.
 */

/** The texts the tracker says, in the node's language (car-presence.errors.<key>). */
export const PRESENCE_TEXTS = ['number', 'other-vin', 'damaged', 'load', 'save'] as const;
export type PresenceText = (typeof PRESENCE_TEXTS)[number];

/** The node's settings as the editor saves them. */
export interface PresenceSettings {
  zones?: unknown;
  /** Seconds. */
  enterDwell?: string | number;
  leaveDwell?: string | number;
  /** Minutes. */
  maxAge?: string | number;
}

/** The node's settings, checked; BAD_INPUT names the field (or the zone and its field). */
/** `noiseM`: the GPS noise of the account's brand (Provider.positionNoiseM), when the node follows an account. */
export function presenceOptionsFrom(def: PresenceSettings, home: HomeLocation | undefined, say: Say<PresenceText>, noiseM?: number): ResolvedPresenceOptions {
  const seconds = (v: string | number | undefined, fallback: number, field: string): number => {
    if (v === undefined || String(v).trim() === '') return fallback * 1000;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new CarError('BAD_INPUT', say('number', { field, value: String(v) }));
    return n * 1000;
  };
  return resolveOptions({
    zones: zonesFromDefs(def.zones, home),
    enterDwellMs: seconds(def.enterDwell, 0, 'enterDwell'),
    leaveDwellMs: seconds(def.leaveDwell, 120, 'leaveDwell'),
    maxAgeMs: seconds(def.maxAge, 30, 'maxAge') * 60,
    ...(noiseM !== undefined ? { noiseM } : {}),
  });
}

/** One step's outcome: the state now, the zone events, and the vehicle when one is known. */
export interface Tracked {
  update: PresenceUpdate;
  events: PresenceEvent[];
  vin?: string;
}

export interface PresenceTrackerOptions {
  /** The state file (trip-store's nodeFile). */
  file: string;
  options: ResolvedPresenceOptions;
  /** The account whose reads of `vin` are followed (none: positions come in messages only). */
  session?: AccountSession;
  vin?: string;
  say: Say<PresenceText>;
  log: { warn(message: string): void };
  /** Default: the session's clock, else the system's. */
  clock?: Clock;
  /** A step taken without a message: the account read the vehicle, or a dwell time ran out. */
  onTracked?: (tracked: Tracked) => void;
  /** The account's read could not be applied; `first` is false while the same error repeats. */
  onError?: (err: CarError, first: boolean) => void;
}

export class PresenceTracker {
  /** Resolves once the file is read (never rejects: an unreadable file is reported and replaced). */
  readonly ready: Promise<void>;
  private readonly file: JsonFile<PresenceState>;
  private readonly clock: Clock;
  private readonly session?: AccountSession;
  private state: PresenceState = emptyState();
  private vehicle?: Vehicle;
  private knownVin?: string;
  private timer?: TimerHandle;
  private closed = false;
  /** The message of the last failed read since the last applied one, so that a repeat says first=false. */
  private lastError: string | undefined;
  private readonly onStatus = (vin: string, status: VehicleStatus): void => this.follow(vin, status);

  constructor(private readonly o: PresenceTrackerOptions) {
    this.file = new JsonFile<PresenceState>(o.file, PresenceStateSchema);
    this.session = o.session;
    this.knownVin = o.vin;
    this.clock = o.clock ?? o.session?.clock ?? systemClock;
    this.ready = this.load();
    if (this.session && o.vin) this.session.on('status', this.onStatus);
  }

  private async load(): Promise<void> {
    try {
      const loaded = await this.file.load();
      if (loaded.damaged) this.o.log.warn(this.o.say('damaged', { file: this.file.file }));
      if (loaded.data) this.state = loaded.data;
    } catch (e) {
      this.o.log.warn(this.o.say('load', { reason: toCarError(e).message }));
    }
    await this.ensureVehicle();
  }

  /** The account's record of the vehicle, for msg.vehicle; retried until the list is there. */
  private async ensureVehicle(): Promise<void> {
    if (!this.vehicle && this.session && this.o.vin) this.vehicle = await this.session.vehicle(this.o.vin).catch(() => undefined);
  }

  /** The vehicle followed: the node's, else the first one a VehicleStatus named. */
  get vin(): string | undefined {
    return this.knownVin;
  }

  /** The state kept from before a restart ('home', 'away'...), until the first position. */
  get restored(): string | undefined {
    const last = this.state.lastState;
    return last && last !== 'unknown' ? last : undefined;
  }

  /** msg.vehicle, once a vehicle is known. */
  vehicleInfo(): VehicleInfo | undefined {
    return this.knownVin ? vehicleInfo(this.knownVin, this.vehicle) : undefined;
  }

  /** Applies a message's position (BAD_INPUT when it has none, or names another vehicle). */
  async input(msg: { payload?: unknown; [k: string]: unknown }): Promise<Tracked> {
    await this.ready;
    const p = positionFromMessage(msg, this.clock.now());
    if (p.vin) {
      if (this.knownVin && p.vin !== this.knownVin) throw new CarError('BAD_INPUT', this.o.say('other-vin', { vin: p.vin, mine: this.knownVin }));
      this.knownVin = p.vin;
    }
    return this.apply(p.input);
  }

  private follow(vin: string, status: VehicleStatus): void {
    if (vin !== this.o.vin) return;
    this.ready
      .then(() => this.ensureVehicle())
      .then(() => {
        if (this.closed) return;
        this.o.onTracked?.(this.apply(positionFromMessage({ payload: status }, this.clock.now()).input));
        this.lastError = undefined;
      })
      .catch((e: unknown) => {
        const err = toCarError(e);
        this.o.onError?.(err, err.message !== this.lastError);
        this.lastError = err.message;
      });
  }

  private apply(input: PresenceInput): Tracked {
    const before = JSON.stringify(this.state);
    const r = step(this.state, input, this.clock.now(), this.o.options);
    this.state = r.state;
    if (JSON.stringify(this.state) !== before) {
      void this.file.save(this.state).catch((e: unknown) => this.o.log.warn(this.o.say('save', { reason: toCarError(e).message })));
    }
    this.arm();
    return { update: r.update, events: r.events, ...(this.knownVin ? { vin: this.knownVin } : {}) };
  }

  /** A timer for the next dwell time running out, so that a change is confirmed without a new position. */
  private arm(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const due = nextDueAt(this.state, this.o.options);
    if (due === undefined || this.closed) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        if (!this.closed) this.o.onTracked?.(this.apply({ kind: 'tick' }));
      },
      Math.max(0, due - this.clock.now()) + 5,
    );
  }

  /** Stops the timer and following the account, and writes the state; a deleted node (`removed`) takes its file with it. */
  async close(removed: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.session?.off('status', this.onStatus);
    await this.ready;
    if (removed) await this.file.remove().catch(() => undefined);
    else await this.file.save(this.state).catch(() => undefined);
  }
}
