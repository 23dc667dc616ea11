import { z } from 'zod';
import { CarError, VehicleStatusSchema } from '../core';
import { getProvider } from '../brands';
import type { PresenceEvent, PresenceUpdate, PresenceZone } from '../core/presence';

/**
 * Home presence by distance (specs/presence.md §8): haversine distance, a dead band between
 * entering (d <= radius) and leaving (d > radius + margin), a dwell time before a change is
 * believed, stale or missing fixes that hold the last state. Pure: every function takes the
 * state and the time and returns the next state, so tests drive it with explicit timestamps.
 */

/** Mean Earth radius (IUGG): haversine's error is ~0.3 %, far below GPS noise (presence.md §5). */
const EARTH_RADIUS_M = 6_371_008.8;

export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** HA's default zone radius. */
export const DEFAULT_RADIUS_M = 100;
/**
 * The noise assumed of a position that names no source (a phone or tracker without an accuracy):
 * the upper end of GPS noise, 5-50 m (specs/presence.md §5). A car's comes from its brand.
 */
export const UNKNOWN_SOURCE_NOISE_M = 50;
/** Dead band: at least the GPS noise, else 20 % of the radius, unless set. */
export function defaultMargin(radiusM: number, noiseM: number = UNKNOWN_SOURCE_NOISE_M): number {
  return Math.max(noiseM, Math.round(0.2 * radiusM));
}
/** A fix this soon after one taken while driving is where the drive ended (a stream sends one a minute). */
const JUST_DROVE_MS = 5 * 60_000;
/** Faster than this between two fixes (beyond their noise) is a jump no car makes. */
const MAX_SPEED_MS = 70;

export const ZoneConfigSchema = z.object({
  name: z.string().trim().min(1, 'a zone needs a name'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  radiusM: z.number().positive().max(1_000_000),
  marginM: z.number().min(0).max(100_000).optional(),
  /** Watched for enter/leave, but never the state (HA's passive zones: "near home"). */
  passive: z.boolean().optional(),
});
export type ZoneConfig = z.infer<typeof ZoneConfigSchema>;

export interface PresenceOptions {
  zones: ZoneConfig[];
  /** A move into a zone must hold this long (default 0: cars do not jitter when parked). */
  enterDwellMs?: number;
  /** A move out must hold this long (default 120 s). */
  leaveDwellMs?: number;
  /** A fix (of a phone or tracker; a car's parked fix never ages) older than this never changes anything (default 30 min). */
  maxAgeMs?: number;
  /** The GPS noise of the source (the brand's, for a car's account): the least dead band, and the slack of the outlier test (default UNKNOWN_SOURCE_NOISE_M). */
  noiseM?: number;
}

export interface ResolvedPresenceOptions {
  /** marginSet: the user gave the margin (a fix's noise never widens it). */
  zones: (ZoneConfig & { marginM: number; marginSet: boolean; passive: boolean; sig: string })[];
  enterDwellMs: number;
  leaveDwellMs: number;
  maxAgeMs: number;
  noiseM: number;
}

/** Checks the options; throws BAD_INPUT naming the zone and field. */
export function resolveOptions(o: PresenceOptions): ResolvedPresenceOptions {
  if (o.zones.length === 0) throw new CarError('BAD_INPUT', 'zones: at least one zone is needed');
  const names = new Set<string>();
  const zones = o.zones.map((z0, i) => {
    const p = ZoneConfigSchema.safeParse(z0);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new CarError('BAD_INPUT', `zone ${i + 1}${z0.name ? ` (${z0.name})` : ''}: ${issue?.path.join('.') || 'zone'} ${issue?.message ?? 'is invalid'}`);
    }
    const z = p.data;
    if (names.has(z.name)) throw new CarError('BAD_INPUT', `zone names must be unique ("${z.name}" twice)`);
    names.add(z.name);
    const marginM = z.marginM ?? defaultMargin(z.radiusM, o.noiseM ?? UNKNOWN_SOURCE_NOISE_M);
    return { ...z, marginM, marginSet: z.marginM !== undefined, passive: z.passive ?? false, sig: `${z.latitude},${z.longitude},${z.radiusM},${marginM}` };
  });
  const ms = (v: number | undefined, def: number, field: string): number => {
    if (v === undefined) return def;
    if (!Number.isFinite(v) || v < 0) throw new CarError('BAD_INPUT', `${field} must be a number of seconds, 0 or more`);
    return v;
  };
  return {
    zones,
    enterDwellMs: ms(o.enterDwellMs, 0, 'enterDwell'),
    leaveDwellMs: ms(o.leaveDwellMs, 120_000, 'leaveDwell'),
    maxAgeMs: ms(o.maxAgeMs, 30 * 60_000, 'maxAge') || 30 * 60_000,
    noiseM: ms(o.noiseM, UNKNOWN_SOURCE_NOISE_M, 'noise'),
  };
}

export const FixSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** Epoch ms of the fix. */
  at: z.number(),
  accuracyM: z.number().min(0).optional(),
  /** The car's odometer with the fix: a change is a movement signal, none with a jump marks an outlier. */
  mileageKm: z.number().min(0).optional(),
  /**
   * The car's own last position (a VehicleStatus): it stays where it was parked, so its age
   * says when it arrived, not that it is out of date.
   */
  car: z.boolean().optional(),
  /** The GPS noise of the fix's source (a car's brand), when known: it overrides the options' noiseM. */
  noiseM: z.number().min(0).optional(),
  /** The step of mileageKm (a brand's odometer): the car may move this far while it shows no change. */
  mileageStepKm: z.number().min(0).optional(),
});
export type Fix = z.infer<typeof FixSchema>;

const ZoneMemorySchema = z.object({
  sig: z.string(),
  inside: z.boolean(),
  since: z.number(),
  pending: z
    .object({
      inside: z.boolean(),
      since: z.number(),
      /** Distinct fixes on the new side in a row; a change needs two, or one with a movement signal. */
      fixes: z.number().optional(),
      moved: z.boolean().optional(),
    })
    .optional(),
});

/** What car-presence keeps across restarts (a file under the user directory). */
export const PresenceStateSchema = z.object({
  version: z.literal(1),
  zones: z.record(z.string(), ZoneMemorySchema),
  lastFix: FixSchema.optional(),
  /** Since when the overall state (active zone or away) has had its value. */
  stateSince: z.number().optional(),
  lastState: z.string().optional(),
  /** A fix set aside as an outlier: a second one next to it is believed (the car really is there). */
  suspect: FixSchema.optional(),
  /** The time of the last fix whose odometer had moved on (the car was driving). */
  movedAt: z.number().optional(),
});
export type PresenceState = z.infer<typeof PresenceStateSchema>;

export function emptyState(): PresenceState {
  return { version: 1, zones: {} };
}

export type PresenceInput =
  | { kind: 'fix'; fix: Fix }
  | { kind: 'nofix'; reason: 'no_fix' }
  /** Time passed: a pending change whose dwell time ran out is confirmed. */
  | { kind: 'tick' };

export interface PresenceResult {
  state: PresenceState;
  update: PresenceUpdate;
  events: PresenceEvent[];
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * One step (options from resolveOptions). A fresh fix moves each zone's state through the
 * dead band and the dwell time; a stale, older or missing fix, or one whose accuracy circle
 * is wider than the zone and its dead band, holds it.
 */
export function step(prev: PresenceState, input: PresenceInput, now: number, o: ResolvedPresenceOptions): PresenceResult {
  const state: PresenceState = structuredClone(prev);
  // Zones whose centre, radius or margin changed start over (decided silently by the next fix).
  for (const name of Object.keys(state.zones)) {
    const z = o.zones.find((c) => c.name === name);
    if (!z || z.sig !== state.zones[name]?.sig) delete state.zones[name];
  }
  const events: { zone: (typeof o.zones)[number]; event: 'enter' | 'leave'; at: number; previousSince: number }[] = [];
  let reason: PresenceUpdate['reason'];
  let initial = false;
  let fix = state.lastFix;

  // A change needs a confirming fix (two in a row, or one with a movement signal), never a
  // timer alone; the timer only waits out the dwell time of a confirmed one.
  const confirm = (z: (typeof o.zones)[number], t: number): void => {
    const m = state.zones[z.name];
    if (!m?.pending) return;
    const p = m.pending;
    if (!p.moved && (p.fixes ?? 1) < 2) return;
    const dwell = p.inside ? o.enterDwellMs : o.leaveDwellMs;
    if (!p.moved && t - p.since < dwell) return;
    events.push({ zone: z, event: m.pending.inside ? 'enter' : 'leave', at: m.pending.since, previousSince: m.since });
    state.zones[z.name] = { sig: z.sig, inside: m.pending.inside, since: m.pending.since };
  };

  if (input.kind === 'fix') {
    const f = input.fix;
    const last = state.lastFix;
    const tooOld = !f.car && now - f.at > o.maxAgeMs;
    if (tooOld && last) {
      reason = 'stale';
      if (f.at > last.at) fix = f; // distances from the newest fix, even a stale one
    } else if (last && f.at < last.at) {
      reason = 'out_of_order';
    } else if (last && f.at === last.at && f.latitude === last.latitude && f.longitude === last.longitude) {
      // The same fix again (a status re-read): it does not count twice, but time has passed.
      for (const z of o.zones) confirm(z, now);
    } else if (last && isOutlier(last, f, f.noiseM ?? o.noiseM) && !(state.suspect && f.at > state.suspect.at && !isOutlier(state.suspect, f, f.noiseM ?? o.noiseM))) {
      reason = 'outlier';
      state.suspect = f;
      // The jump may be the last fix's: one that started a change and then met a fix back on the known side. That fix
      // still calls the change off (it needs fixes that agree), or the next far fix would confirm it. The property test
      // "a single outlier among fixes every minute never makes a leave" found it, with an outlier just under 70 m/s.
      for (const z of o.zones) {
        const m = state.zones[z.name];
        if (m?.pending && !tooVague(z, f) && sideOf(z, m, f, o) === m.inside) delete m.pending;
      }
    } else {
      delete state.suspect;
      fix = f;
      state.lastFix = f;
      // Driven kilometres with the fix, or the fix right after one taken while driving (a
      // whole-km odometer may not tick on the last stretch): the car moved, one fix is enough.
      const drove = last?.mileageKm !== undefined && f.mileageKm !== undefined && f.mileageKm - last.mileageKm >= 0.2;
      const movedSignal = drove || (last !== undefined && state.movedAt === last.at && f.at - last.at <= JUST_DROVE_MS);
      if (drove) state.movedAt = f.at;
      // A deploy with nothing known starts from the last known position, even an old one.
      if (tooOld) reason = 'stale';
      let vague = false;
      for (const z of o.zones) {
        const d = distanceM(z.latitude, z.longitude, f.latitude, f.longitude);
        const m = state.zones[z.name];
        if (tooVague(z, f)) {
          vague = true;
          continue;
        }
        if (!m) {
          state.zones[z.name] = { sig: z.sig, inside: d <= z.radiusM, since: f.at };
          initial = true;
          continue;
        }
        const target = sideOf(z, m, f, o);
        if (target === m.inside) {
          delete m.pending; // back on the known side (or in the band): the change is off
          continue;
        }
        if (!m.pending || m.pending.inside !== target) m.pending = { inside: target, since: f.at, fixes: 1, ...(movedSignal ? { moved: true } : {}) };
        else {
          m.pending.fixes = (m.pending.fixes ?? 1) + 1;
          if (movedSignal) m.pending.moved = true;
        }
        if (!tooOld) confirm(z, Math.max(now, f.at));
      }
      if (vague) reason = 'inaccurate';
    }
  } else if (input.kind === 'nofix') {
    reason = 'no_fix';
  } else {
    for (const z of o.zones) confirm(z, now);
  }

  // The active zone, like Home Assistant: non-passive zones the position is in, closest wins,
  // the smaller zone on a tie.
  const dist = (z: (typeof o.zones)[number]): number | undefined => (fix ? distanceM(z.latitude, z.longitude, fix.latitude, fix.longitude) : undefined);
  let active: (typeof o.zones)[number] | undefined;
  let known = false;
  for (const z of o.zones) {
    const m = state.zones[z.name];
    if (m) known = true;
    if (!m?.inside || z.passive) continue;
    const d = dist(z) ?? Infinity;
    const best = active ? (dist(active) ?? Infinity) : Infinity;
    if (!active || d < best || (d === best && z.radiusM < active.radiusM)) active = z;
  }
  const overall = active ? active.name : known ? 'away' : 'unknown';
  if (state.lastState !== overall) {
    const change = events.find((e) => (active ? e.zone.name === active.name && e.event === 'enter' : e.event === 'leave'));
    state.stateSince = change ? change.at : (fix?.at ?? now);
    state.lastState = overall;
  }
  const first = o.zones[0];
  const d0 = first ? dist(first) : undefined;
  const update: PresenceUpdate = {
    state: overall,
    present: active !== undefined,
    ...(active ? { zone: active.name } : {}),
    ...(d0 !== undefined ? { distanceM: Math.round(d0) } : {}),
    zones: o.zones.map((z): PresenceZone => {
      const m = state.zones[z.name];
      const d = dist(z);
      return {
        name: z.name,
        ...(m ? { inside: m.inside, since: iso(m.since) } : {}),
        ...(d !== undefined ? { distanceM: Math.round(d) } : {}),
        radiusM: z.radiusM,
        marginM: z.marginM,
        passive: z.passive,
        ...(m?.pending ? { pending: { inside: m.pending.inside, since: iso(m.pending.since), confirmed: m.pending.moved === true || (m.pending.fixes ?? 1) >= 2 } } : {}),
      };
    }),
    stale: reason !== undefined && reason !== 'inaccurate',
    ...(reason ? { reason } : {}),
    ...(fix
      ? { position: { latitude: fix.latitude, longitude: fix.longitude, ...(fix.accuracyM !== undefined ? { accuracyM: fix.accuracyM } : {}), updatedAt: iso(fix.at) } }
      : {}),
    ...(state.stateSince !== undefined && overall !== 'unknown' ? { since: iso(state.stateSince) } : {}),
    ...(initial ? { initial: true } : {}),
    evaluatedAt: iso(now),
  };
  return {
    state,
    update,
    events: events.map((e) => {
      const d = dist(e.zone);
      return {
        event: e.event,
        zone: e.zone.name,
        passive: e.zone.passive,
        state: update.state,
        present: update.present,
        ...(d !== undefined ? { distanceM: Math.round(d) } : {}),
        at: iso(e.at),
        confirmedAt: iso(Math.max(now, e.at)),
        previousSince: iso(e.previousSince),
      };
    }),
  };
}

/** An accuracy circle wider than the zone and its dead band cannot tell the sides apart. */
function tooVague(z: ResolvedPresenceOptions['zones'][number], f: Fix): boolean {
  return f.accuracyM !== undefined && f.accuracyM > z.marginM + z.radiusM;
}

/**
 * The side of a zone a fix puts the car on: inside within the radius, outside beyond its dead band (the zone's margin,
 * at least the noise of the fix's source unless the user set it, at least the fix's accuracy), else the known side.
 */
function sideOf(z: ResolvedPresenceOptions['zones'][number], memory: { inside: boolean }, f: Fix, o: ResolvedPresenceOptions): boolean {
  const d = distanceM(z.latitude, z.longitude, f.latitude, f.longitude);
  const band = Math.max(z.marginSet ? z.marginM : defaultMargin(z.radiusM, f.noiseM ?? o.noiseM), f.accuracyM ?? 0);
  return d <= z.radiusM ? true : d > z.radiusM + band ? false : memory.inside;
}

/**
 * A jump no car makes: beyond the noise of both fixes, farther than the odometer allows (an
 * unchanged one allows nothing: the fix wobbled or was wrong), or, without an odometer, faster
 * than a car drives.
 */
export function isOutlier(last: Fix, f: Fix, noiseM: number): boolean {
  const d = distanceM(last.latitude, last.longitude, f.latitude, f.longitude);
  const slack = 2 * noiseM + (last.accuracyM ?? 0) + (f.accuracyM ?? 0);
  if (d <= slack) return false;
  if (last.mileageKm !== undefined && f.mileageKm !== undefined) {
    const drivenKm = f.mileageKm - last.mileageKm;
    // Up to one step of the odometer may hide in an unchanged reading (a whole-km one: 999 m).
    const stepKm = f.mileageStepKm ?? 1;
    if (drivenKm <= 0) return d > stepKm * 1000 + slack;
    return d > (drivenKm + stepKm) * 1000 + slack;
  }
  const seconds = Math.max(1, (f.at - last.at) / 1000);
  return (d - slack) / seconds > MAX_SPEED_MS;
}

/** When the next confirmed change's dwell time runs out (for a timer), or undefined. */
export function nextDueAt(state: PresenceState, o: ResolvedPresenceOptions): number | undefined {
  let due: number | undefined;
  for (const z of o.zones) {
    const p = state.zones[z.name]?.pending;
    if (!p || state.zones[z.name]?.sig !== z.sig) continue;
    if (p.moved || (p.fixes ?? 1) < 2) continue; // nothing to wait for, or a second fix to wait for
    const t = p.since + (p.inside ? o.enterDwellMs : o.leaveDwellMs);
    if (due === undefined || t < due) due = t;
  }
  return due;
}

// ------------------------------------------------------------------------------ message input

/** What a brand says of its positions and odometer; undefined for a provider the plugin does not know. */
function brandOf(provider: string): { positionNoiseM: number; odometerStepKm: number } | undefined {
  try {
    return getProvider(provider);
  } catch {
    return undefined;
  }
}

/**
 * The step of one odometer reading: a brand's finest, unless the reading is a whole number. Renault's
 * cockpit answers two decimals for a Zoe (49114.27) but whole km for a Renault 5 or an Austral
 * (recorded answers cockpit.renault_5.json: 559, cockpit.austral_XHN1SU.json: 2698): a whole reading
 * may hide up to 1 km, or a 9.3 km drive reads as 9 km and is set aside as a jump no car makes.
 */
export function odometerStep(brandStepKm: number, mileageKm: number | undefined): number {
  return mileageKm !== undefined && Number.isInteger(mileageKm) ? Math.max(brandStepKm, 1) : brandStepKm;
}

export interface PositionFromMessage {
  input: { kind: 'fix'; fix: Fix } | { kind: 'nofix'; reason: 'no_fix' };
  /** The vehicle, when the message was a VehicleStatus. */
  vin?: string;
}

const num = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

function timeOf(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v; // OwnTracks tst is in seconds
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new CarError('BAD_INPUT', `${field} must be an ISO-8601 time or epoch seconds/milliseconds (got ${JSON.stringify(v)})`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The coordinates of an object with latitude/longitude or lat/lon (lng) fields; undefined when it has none. */
function coordinates(o: Record<string, unknown>, where: string, now: number): Fix | undefined {
  const lat = o.latitude ?? o.lat;
  const lon = o.longitude ?? o.lon ?? o.lng;
  if (lat === undefined && lon === undefined) return undefined;
  // Half a position is a mistake in the flow (a wrong property name, most often): say which half is missing.
  if (lon === undefined) throw new CarError('BAD_INPUT', `${where} has a latitude but no longitude: give longitude, lon or lng`);
  if (lat === undefined) throw new CarError('BAD_INPUT', `${where} has a longitude but no latitude: give latitude or lat`);
  const latName = `${where}.${o.latitude !== undefined ? 'latitude' : 'lat'}`;
  const lonName = `${where}.${o.longitude !== undefined ? 'longitude' : o.lon !== undefined ? 'lon' : 'lng'}`;
  const la = z.number().min(-90).max(90).safeParse(num(lat));
  if (!la.success) throw new CarError('BAD_INPUT', `${latName} must be a number from -90 to 90 (got ${JSON.stringify(lat)})`);
  const lo = z.number().min(-180).max(180).safeParse(num(lon));
  if (!lo.success) throw new CarError('BAD_INPUT', `${lonName} must be a number from -180 to 180 (got ${JSON.stringify(lon)})`);
  if (la.data === 0 && lo.data === 0) throw new CarError('BAD_INPUT', `${where}: 0,0 is not a position (a device without a fix sends it)`);
  const accRaw = o.accuracyM ?? o.accuracy ?? o.acc;
  let accuracyM: number | undefined;
  if (accRaw !== undefined && accRaw !== null) {
    const a = z.number().min(0).safeParse(num(accRaw));
    if (!a.success) throw new CarError('BAD_INPUT', `${where}.accuracy must be a number of metres, 0 or more (got ${JSON.stringify(accRaw)})`);
    accuracyM = a.data;
  }
  const at = timeOf(o.updatedAt ?? o.timestamp ?? o.tst ?? o.at ?? o.time, `${where}.timestamp`) ?? now;
  return { latitude: la.data, longitude: lo.data, at, ...(accuracyM !== undefined ? { accuracyM } : {}) };
}

/**
 * The position a message carries: a VehicleStatus (car-status' output), or
 * msg.payload.{latitude, longitude} / {lat, lon} (a phone, OwnTracks), or msg.location.
 * Throws BAD_INPUT naming the field when there is none or it is wrong.
 */
export function positionFromMessage(msg: { payload?: unknown; location?: unknown; [k: string]: unknown }, now: number): PositionFromMessage {
  const p = msg.payload;
  if (isObject(p) && typeof p.vin === 'string' && 'fetchedAt' in p) {
    const parsed = VehicleStatusSchema.safeParse(p);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CarError('BAD_INPUT', `msg.payload is not a valid VehicleStatus: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    }
    const s = parsed.data;
    if (!s.position || s.positionUnknown) return { input: { kind: 'nofix', reason: 'no_fix' }, vin: s.vin };
    const at = Date.parse(s.position.updatedAt ?? s.updatedAt ?? s.fetchedAt);
    const brand = brandOf(s.provider);
    const fix: Fix = {
      latitude: s.position.latitude,
      longitude: s.position.longitude,
      at,
      car: true,
      ...(s.mileageKm !== undefined ? { mileageKm: s.mileageKm } : {}),
      ...(brand ? { noiseM: brand.positionNoiseM, mileageStepKm: odometerStep(brand.odometerStepKm, s.mileageKm) } : {}),
    };
    return { input: { kind: 'fix', fix }, vin: s.vin };
  }
  if (isObject(p)) {
    const f = coordinates(p, 'msg.payload', now);
    if (f) return { input: { kind: 'fix', fix: f } };
  }
  if (isObject(msg.location)) {
    const f = coordinates(msg.location, 'msg.location', now);
    if (f) return { input: { kind: 'fix', fix: f } };
  }
  const f = coordinates(msg, 'msg', now);
  if (f) return { input: { kind: 'fix', fix: f } };
  throw new CarError(
    'BAD_INPUT',
    'the message carries no position: send a VehicleStatus (car-status output), msg.payload.latitude and msg.payload.longitude (or lat/lon), or msg.location.lat/lon',
  );
}

// ------------------------------------------------------------------------------ Node-RED's home

/**
 * Node-RED itself has no location setting; car-presence reads one of its own:
 * `carPresenceHome: {latitude, longitude}` in settings.js (the node-settings prefix Node-RED
 * requires for a node type's settings), else the environment variable
 * CAR_PRESENCE_HOME="48.8566,2.3522".
 */
export const HomeSettingSchema = z.object({
  latitude: z.coerce.number().min(-90).max(90),
  longitude: z.coerce.number().min(-180).max(180),
});

export interface HomeLocation {
  latitude: number;
  longitude: number;
  source: 'settings' | 'env';
}

export function homeFromSettings(setting: unknown, env: string | undefined): HomeLocation | undefined {
  if (setting !== undefined && setting !== null) {
    const s = HomeSettingSchema.safeParse(setting);
    if (s.success && !(s.data.latitude === 0 && s.data.longitude === 0)) return { ...s.data, source: 'settings' };
  }
  const m = env ? /^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(env) : null;
  if (m) {
    const s = HomeSettingSchema.safeParse({ latitude: m[1], longitude: m[2] });
    if (s.success && !(s.data.latitude === 0 && s.data.longitude === 0)) return { ...s.data, source: 'env' };
  }
  return undefined;
}

/** A zone as the editor saves it: strings (or ${ENV} already replaced by Node-RED), a source for the centre. */
export interface ZoneDef {
  name?: unknown;
  source?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  radius?: unknown;
  margin?: unknown;
  passive?: unknown;
}

/** Editor zones -> ZoneConfig; BAD_INPUT names the zone and the field. */
export function zonesFromDefs(defs: unknown, home: HomeLocation | undefined): ZoneConfig[] {
  let list: unknown = defs;
  if (typeof defs === 'string') {
    try {
      list = defs.trim() ? JSON.parse(defs) : [];
    } catch {
      throw new CarError('BAD_INPUT', 'zones must be a JSON list of zones');
    }
  }
  if (!Array.isArray(list) || list.length === 0) throw new CarError('BAD_INPUT', 'zones: at least one zone is needed');
  return list.map((raw: unknown, i) => {
    const d = (isObject(raw) ? raw : {}) as ZoneDef;
    const name = typeof d.name === 'string' && d.name.trim() ? d.name.trim() : `zone ${i + 1}`;
    const where = `zone "${name}"`;
    const number = (v: unknown, field: string, fallback?: number): number => {
      if ((v === undefined || v === null || v === '') && fallback !== undefined) return fallback;
      const n = num(v);
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new CarError('BAD_INPUT', `${where}: ${field} must be a number (got ${JSON.stringify(v)})`);
      return n;
    };
    let latitude: number;
    let longitude: number;
    if (d.source === 'nodered') {
      if (!home) {
        throw new CarError('BAD_INPUT', `${where}: Node-RED has no home location; set carPresenceHome: {latitude, longitude} in settings.js or CAR_PRESENCE_HOME="lat,lon", or enter coordinates`);
      }
      latitude = home.latitude;
      longitude = home.longitude;
    } else {
      latitude = number(d.latitude, 'latitude');
      longitude = number(d.longitude, 'longitude');
      if (latitude === 0 && longitude === 0) throw new CarError('BAD_INPUT', `${where}: latitude and longitude are both 0; enter the zone's centre`);
    }
    const radiusM = number(d.radius, 'radius', DEFAULT_RADIUS_M);
    const margin = d.margin === undefined || d.margin === null || d.margin === '' ? undefined : number(d.margin, 'margin');
    const zone = { name, latitude, longitude, radiusM, ...(margin !== undefined ? { marginM: margin } : {}), passive: d.passive === true || d.passive === 'true' };
    const p = ZoneConfigSchema.safeParse(zone);
    if (!p.success) {
      const issue = p.error.issues[0];
      const field = String(issue?.path[0] ?? 'zone').replace(/M$/, '');
      throw new CarError('BAD_INPUT', `${where}: ${field} ${issue?.message ?? 'is invalid'}`);
    }
    return p.data;
  });
}
