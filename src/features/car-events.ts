/**
 * Change events from a car's statuses: a small state machine fed with every status the account
 * reads or the stream pushes (observe) and with the clock (tick, for "left open for N minutes"
 * and "no news for N hours"). One event per change: the state remembers what was already told,
 * so the same status read twice, or read by five nodes, tells nothing new.
 */
import { z } from 'zod';
import { CAR_EVENT_NAMES, CarEventNameSchema, type CarEvent, type CarEventName } from '../core/events';
import { CarError, VehicleStatusSchema, type VehicleStatus } from '../core';
import { distanceM } from './presence';

export interface EventOptions {
  enabled: ReadonlySet<CarEventName>;
  leftOpenMinutes: number;
  batteryLowPercent: number;
  movedMetres: number;
  staleHours: number;
  /** Tell, at the first status, the states that already are (plugged, locked...). */
  emitInitial: boolean;
}

export const EVENT_DEFAULTS = { leftOpenMinutes: 10, batteryLowPercent: 20, movedMetres: 500, staleHours: 24 } as const;
/** The state of charge must rise this far above the threshold before "battery low" can fire again. */
const LOW_HYSTERESIS_PERCENT = 2;
/** Driving this far re-anchors the parked position: the car moved itself. */
const DRIVEN_KM = 0.5;

const iso = z.iso.datetime({ offset: true });
const Point = z.object({ latitude: z.number(), longitude: z.number() });

export const EventStateSchema = z.object({
  seen: z.boolean(),
  plug: z.enum(['plugged', 'unplugged']).optional(),
  lock: z.enum(['locked', 'unlocked']).optional(),
  charge: z
    .object({ startedAt: iso, socFrom: z.number().optional(), energyFrom: z.number().optional(), targetTold: z.boolean() })
    .optional(),
  lowArmed: z.boolean(),
  mileageKm: z.number().optional(),
  anchor: Point.extend({ mileageKm: z.number().optional() }).optional(),
  /** A first fix away from the anchor, waiting for a second one to confirm (GPS outliers are single). */
  moveCandidate: Point.optional(),
  doorsOpen: z.array(z.string()),
  windowsOpen: z.array(z.string()),
  openSince: iso.optional(),
  openTold: z.boolean(),
  lastUpdateAt: iso.optional(),
  staleTold: z.boolean(),
});
export type EventState = z.infer<typeof EventStateSchema>;

export const emptyEventState = (): EventState => ({ seen: false, lowArmed: true, doorsOpen: [], windowsOpen: [], openTold: false, staleTold: false });

export interface EventStep {
  state: EventState;
  events: CarEvent[];
}

const OPEN = new Set(['open', 'ajar']);
const openNames = (part: Record<string, unknown> | undefined, prefix: string): string[] | undefined =>
  part
    ? Object.entries(part)
        .filter(([k, v]) => k !== 'anyOpen' && typeof v === 'string' && OPEN.has(v))
        .map(([k]) => `${prefix}.${k}`)
    : undefined;

const lockOf = (s: VehicleStatus): 'locked' | 'unlocked' | undefined => {
  const st = s.lock?.state;
  return st === 'locked' || st === 'secured' ? 'locked' : st === 'unlocked' || st === 'partially_locked' ? 'unlocked' : undefined;
};
const plugOf = (s: VehicleStatus): 'plugged' | 'unplugged' | undefined => {
  const p = s.charging?.plug;
  return p === 'plugged' || p === 'unplugged' ? p : undefined;
};
/** Charging known to be on (true), known to be off (false), or not told (undefined). */
const chargingOf = (s: VehicleStatus): boolean | undefined => {
  const st = s.charging?.state;
  if (!st || st === 'unknown' || st === 'unavailable') return undefined;
  return st === 'charging';
};

/** Feeds one status; returns the new state and the events it tells. */
export function observe(prev: EventState, s: VehicleStatus, o: EventOptions, nowMs: number): EventStep {
  const st: EventState = { ...prev, doorsOpen: [...prev.doorsOpen], windowsOpen: [...prev.windowsOpen] };
  const out: CarEvent[] = [];
  const at = s.updatedAt ?? s.fetchedAt;
  const initial = !prev.seen;
  const tell = (e: CarEvent): void => {
    if (!o.enabled.has(e.name)) return;
    out.push(initial ? { ...e, initial: true } : e);
  };
  const quietAtStart = initial && !o.emitInitial;
  const vin = s.vin;
  const soc = s.battery?.socPercent;

  const plug = plugOf(s);
  if (plug && plug !== prev.plug && !quietAtStart) tell({ name: plug, vin, at });
  if (plug) st.plug = plug;

  const lock = lockOf(s);
  if (lock && lock !== prev.lock && !quietAtStart) tell({ name: lock, vin, at: s.lock?.updatedAt ?? at });
  if (lock) st.lock = lock;

  const charging = chargingOf(s);
  const target = s.charging?.targetSocPercent;
  const energy = s.battery?.availableEnergyKwh;
  if (charging === true && !prev.charge) {
    st.charge = { startedAt: at, targetTold: false, ...(soc !== undefined ? { socFrom: soc } : {}), ...(energy !== undefined ? { energyFrom: energy } : {}) };
    if (!quietAtStart) tell({ name: 'charging_started', vin, at, ...(soc !== undefined ? { socPercent: soc } : {}) });
  }
  const reached = soc !== undefined && target !== undefined && soc >= target;
  if (st.charge && !st.charge.targetTold && reached && (charging === true || s.charging?.state === 'fully_charged' || s.charging?.state === 'ended')) {
    st.charge = { ...st.charge, targetTold: true };
    if (!quietAtStart) tell({ name: 'target_reached', vin, at, socPercent: soc, targetSocPercent: target });
  }
  if (charging === false && prev.charge) {
    const c = prev.charge;
    const figures = {
      startedAt: c.startedAt,
      durationMin: Math.max(0, Math.round((Date.parse(at) - Date.parse(c.startedAt)) / 60_000)),
      ...(c.socFrom !== undefined ? { socFromPercent: c.socFrom } : {}),
      ...(soc !== undefined ? { socToPercent: soc } : {}),
      ...(c.energyFrom !== undefined && energy !== undefined && energy >= c.energyFrom ? { energyKwh: Math.round((energy - c.energyFrom) * 100) / 100 } : {}),
    };
    const state = s.charging?.state ?? 'unknown';
    const done = state === 'fully_charged' || state === 'ended' || reached;
    tell(done ? { name: 'charging_finished', vin, at, ...figures } : { name: 'charging_interrupted', vin, at, ...figures, chargingState: state });
    delete st.charge;
  }

  if (soc !== undefined) {
    if (soc < o.batteryLowPercent && prev.lowArmed) {
      if (!quietAtStart) tell({ name: 'battery_low', vin, at, socPercent: soc, thresholdPercent: o.batteryLowPercent });
      st.lowArmed = false;
    } else if (soc >= o.batteryLowPercent + LOW_HYSTERESIS_PERCENT) st.lowArmed = true;
  }

  const mileage = s.mileageKm;
  const drove = mileage !== undefined && prev.mileageKm !== undefined && mileage >= prev.mileageKm + DRIVEN_KM;
  if (mileage !== undefined) st.mileageKm = mileage;

  // Openings: left open while parked. Driving restarts the count; closing everything ends it.
  const doors = openNames(s.doors as Record<string, unknown> | undefined, 'doors');
  const windows = openNames(s.windows as Record<string, unknown> | undefined, 'windows');
  if (doors) st.doorsOpen = doors;
  if (windows) st.windowsOpen = windows;
  const openNow = [...st.doorsOpen, ...st.windowsOpen];
  if (!openNow.length) {
    delete st.openSince;
    st.openTold = false;
  } else if (!st.openSince || drove) {
    st.openSince = at;
    st.openTold = false;
  }

  // Position while parked: judged only with the mileage of the same reading (a Renault position
  // arrives at ignition-off, before or after the mileage; a drive must not look like a tow).
  const pos = s.position;
  if (pos) {
    const here = { latitude: pos.latitude, longitude: pos.longitude };
    const a = st.anchor;
    if (!a || drove || (mileage !== undefined && a.mileageKm !== undefined && mileage >= a.mileageKm + DRIVEN_KM)) {
      st.anchor = { ...here, ...(mileage !== undefined ? { mileageKm: mileage } : {}) };
      delete st.moveCandidate;
    } else if (mileage !== undefined) {
      const d = distanceM(a.latitude, a.longitude, here.latitude, here.longitude);
      if (d <= o.movedMetres) delete st.moveCandidate;
      else if (!st.moveCandidate) st.moveCandidate = here;
      else {
        tell({ name: 'moved_while_parked', vin, at, distanceM: Math.round(d), from: { latitude: a.latitude, longitude: a.longitude }, to: here });
        st.anchor = { ...here, mileageKm: mileage };
        delete st.moveCandidate;
      }
    }
  }

  if (s.updatedAt && (!prev.lastUpdateAt || Date.parse(s.updatedAt) > Date.parse(prev.lastUpdateAt))) {
    st.lastUpdateAt = s.updatedAt;
    // A newer report that is itself already old is no news: "stale" is not told again for it.
    if (nowMs - Date.parse(s.updatedAt) < o.staleHours * 3_600_000) st.staleTold = false;
  }
  st.seen = true;
  const timed = tick(st, o, vin, nowMs);
  // What the clock tells at the first status (an opening already left open long enough, data already stale) is a state
  // that already was at start: marked initial, and kept quiet (but counted as told) unless those are asked for.
  const timedEvents = quietAtStart ? [] : timed.events.map((e) => (initial ? { ...e, initial: true } : e));
  return { state: timed.state, events: [...out, ...timedEvents] };
}

/** What the clock alone can tell: openings left open long enough, data gone stale. */
export function tick(prev: EventState, o: EventOptions, vin: string, nowMs: number): EventStep {
  const st = { ...prev };
  const out: CarEvent[] = [];
  if (st.openSince && !st.openTold) {
    const minutes = (nowMs - Date.parse(st.openSince)) / 60_000;
    if (minutes >= o.leftOpenMinutes) {
      st.openTold = true;
      if (o.enabled.has('left_open')) {
        out.push({ name: 'left_open', vin, at: new Date(nowMs).toISOString(), openings: [...st.doorsOpen, ...st.windowsOpen], openSince: st.openSince, minutes: Math.round(minutes) });
      }
    }
  }
  if (st.lastUpdateAt && !st.staleTold) {
    const hours = (nowMs - Date.parse(st.lastUpdateAt)) / 3_600_000;
    if (hours >= o.staleHours) {
      st.staleTold = true;
      if (o.enabled.has('data_stale')) out.push({ name: 'data_stale', vin, at: new Date(nowMs).toISOString(), lastUpdateAt: st.lastUpdateAt, hours: Math.round(hours * 10) / 10 });
    }
  }
  return { state: st, events: out };
}

/** When tick can next tell something, or undefined when nothing waits on the clock. */
export function nextTickAt(st: EventState, o: EventOptions): number | undefined {
  const due: number[] = [];
  if (st.openSince && !st.openTold) due.push(Date.parse(st.openSince) + o.leftOpenMinutes * 60_000);
  if (st.lastUpdateAt && !st.staleTold) due.push(Date.parse(st.lastUpdateAt) + o.staleHours * 3_600_000);
  return due.length ? Math.min(...due) : undefined;
}

/** The node's settings, checked as the dialog checks them (nodes/car-events.html); errors name the field. */
export const EventSettingsSchema = z.object({
  events: z.array(CarEventNameSchema).min(1),
  leftOpenMinutes: z.coerce.number().min(1).max(24 * 60),
  batteryLowPercent: z.coerce.number().min(1).max(99),
  movedMetres: z.coerce.number().min(100).max(100_000),
  staleHours: z.coerce.number().min(1).max(24 * 30),
  emitInitial: z.boolean(),
});

/** A zod failure as BAD_INPUT naming the field and what it allows. */
function badInput(e: z.ZodError, what: string): CarError {
  const first = e.issues[0];
  const field = first?.path.length ? first.path.join('.') : what;
  return new CarError('BAD_INPUT', `${field}: ${first?.message ?? 'invalid'}`);
}

export function eventOptionsFrom(def: Record<string, unknown>): EventOptions {
  const blank = (v: unknown): boolean => v === undefined || v === null || v === '';
  const result = EventSettingsSchema.safeParse({
    events: Array.isArray(def.events) ? def.events : [...CAR_EVENT_NAMES],
    leftOpenMinutes: blank(def.leftOpenMinutes) ? EVENT_DEFAULTS.leftOpenMinutes : def.leftOpenMinutes,
    batteryLowPercent: blank(def.batteryLowPercent) ? EVENT_DEFAULTS.batteryLowPercent : def.batteryLowPercent,
    movedMetres: blank(def.movedMetres) ? EVENT_DEFAULTS.movedMetres : def.movedMetres,
    staleHours: blank(def.staleHours) ? EVENT_DEFAULTS.staleHours : def.staleHours,
    emitInitial: def.emitInitial === true,
  });
  if (!result.success) throw badInput(result.error, 'settings');
  return { ...result.data, enabled: new Set(result.data.events) };
}

/** msg.payload of car-events: a status as car-status sends it (its own payload). */
export function statusInputFrom(payload: unknown): VehicleStatus {
  const result = VehicleStatusSchema.safeParse(payload);
  if (!result.success) throw badInput(result.error, 'payload');
  return result.data;
}

/** What car-events keeps across restarts and redeploys: the state per VIN. */
export const StoredEventsSchema = z.object({ version: z.literal(1), vins: z.record(z.string(), EventStateSchema) });
export type StoredEvents = z.infer<typeof StoredEventsSchema>;
