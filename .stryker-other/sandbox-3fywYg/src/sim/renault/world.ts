/**
 * The simulated world behind the Renault cloud: cars that charge, drive, park and precondition.
 *
 * Nothing ticks. Each car keeps its own world time `w` (ms since the simulator started, scaled
 * by timeScale) and is advanced lazily to "now" whenever someone looks at it. Advancing walks
 * from event to event (report grid points, autopilot leg ends, action due times, charge target
 * reached, schedule slot boundaries) and integrates the linear bits between them, so the state
 * is a function of the clock, not of how often it was read.
 *
 * What the cloud returns are the *reports* a car last sent (snapshots), not the live state:
 * battery/hvac report every 5 world minutes while active and hourly while idle; location and
 * cockpit are committed together at ignition-off (spec §5 notes).
 */
// @ts-nocheck

import type { Clock } from '../../core/clock';
import { hashString, noise, seededRandom } from '../rng';
import type { DriveScript } from '../script';
import {
  DEFAULT_OFFPEAK,
  type CarSpec,
  type LatLon,
  type Leg,
  type ModelProfile,
  ROUTES,
} from './data';

const MIN = 60_000;
const HOUR = 60 * MIN;
const EPS = 1e-6;
export const REPORT_ACTIVE_W = 5 * MIN;
export const REPORT_IDLE_W = 60 * MIN;
export const HVAC_RUN_W = 15 * MIN;
const HVAC_DRAIN_KW = 1.5;
const CHARGE_EFFICIENCY = 0.9;

export const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Day = (typeof DAYS)[number];

export interface ChargeSlot {
  id: number;
  activated: boolean;
  days: Partial<Record<Day, { startMin: number; durationMin: number }>>;
}

export interface HvacSlot {
  id: number;
  activated: boolean;
  days: Partial<Record<Day, { readyAtMin: number }>>;
}

export interface EvProgram {
  programActivationStatus: boolean;
  programType: 'CHARGE' | 'PRECONDITIONING' | 'CHARGE_AND_PRECONDITIONING';
  programDepartureTime: string; // HH:MM
  days: Record<Day, boolean>;
}

export interface EvSettings {
  updatedAt: number;
  delegatedActivated: boolean;
  chargeModeRq: 'ALWAYS' | 'SCHEDULED';
  chargeTimeStart: string;
  chargeDuration: number;
  preconditioningTemperature: number;
  heatedStrgWheel: boolean;
  heatedRightSeat: boolean;
  heatedLeftSeat: boolean;
  programs: EvProgram[];
}

export interface BatteryReport {
  at: number;
  soc: number;
  plugged: boolean;
  chargingStatus: number;
  /** Clock minutes to target while charging. */
  remainingMin?: number;
  powerKw: number;
  batteryTempC: number;
}

export interface PositionReport {
  at: number;
  lat: number;
  lon: number;
  odometerKm: number;
  fuelL?: number;
}

export interface HvacReport {
  at: number;
  on: boolean;
  outsideTempC: number;
  insideTempC: number;
  nextStartAt?: number;
}

export interface ChargeRecord {
  startAt: number;
  endAt: number;
  startSoc: number;
  endSoc: number;
  energyKwh: number;
  powerKw: number;
  status: 'ok' | 'error';
}

export interface KmrNotification {
  notificationId: string;
  at: number;
  vin: string;
  commandType: string;
  status: 'SUCCESS' | 'CREATED';
}

/** A drive the car made, from ignition-on to ignition-off (clock times). */
export interface DoneTrip {
  startAt: number;
  endAt: number;
  startKm: number;
  endKm: number;
}

export interface PendingAction {
  readonly id: string;
  readonly vin: string;
  readonly commandType: string;
  readonly dueAt: number;
  /** Applies the effect; returns false when the car silently ignores it. */
  readonly apply: (car: SimCar) => boolean;
}

interface WorldLink {
  readonly scale: number;
  readonly seed: number;
  clockAt(w: number): number;
  worldOf(clockMs: number): number;
  notify(n: KmrNotification): void;
  log(line: string): void;
}

// ------------------------------------------------------------------------------------------
// Geometry
// ------------------------------------------------------------------------------------------

export function distanceKm(a: LatLon, b: LatLon): number {
  const R = 6371;
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(s)));
}

function bearing(a: LatLon, b: LatLon): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * toRad) * Math.cos(b.lat * toRad);
  const x =
    Math.cos(a.lat * toRad) * Math.sin(b.lat * toRad) -
    Math.sin(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.cos((b.lon - a.lon) * toRad);
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

class Polyline {
  readonly cumKm: number[] = [0];
  constructor(readonly points: readonly LatLon[]) {
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      const prev = this.cumKm[i - 1] ?? 0;
      this.cumKm.push(a && b ? prev + distanceKm(a, b) : prev);
    }
  }
  get lengthKm(): number {
    return this.cumKm[this.cumKm.length - 1] ?? 0;
  }
  at(fraction: number): { pos: LatLon; heading: number } {
    const f = Math.min(1, Math.max(0, fraction));
    const d = f * this.lengthKm;
    for (let i = 1; i < this.points.length; i++) {
      const a = this.points[i - 1];
      const b = this.points[i];
      const c0 = this.cumKm[i - 1] ?? 0;
      const c1 = this.cumKm[i] ?? 0;
      if (!a || !b) continue;
      if (d <= c1 || i === this.points.length - 1) {
        const t = c1 > c0 ? (d - c0) / (c1 - c0) : 1;
        return { pos: { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t }, heading: bearing(a, b) };
      }
    }
    const last = this.points[this.points.length - 1] ?? { lat: 0, lon: 0 };
    return { pos: last, heading: 0 };
  }
}

// ------------------------------------------------------------------------------------------
// Time-of-week helpers (slots are UTC, like the API's "THH:MMZ")
// ------------------------------------------------------------------------------------------

function dayIndexUtc(ms: number): number {
  return (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
}

function utcMidnight(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Absolute [start, end) windows of active slots overlapping [from - 1 day, from + 8 days). */
function slotWindows(slots: readonly ChargeSlot[], from: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const base = utcMidnight(from);
  for (let d = -1; d <= 8; d++) {
    const dayStart = base + d * 24 * HOUR;
    const day = DAYS[dayIndexUtc(dayStart)];
    if (!day) continue;
    for (const s of slots) {
      const e = s.activated ? s.days[day] : undefined;
      if (!e || e.durationMin <= 0) continue;
      const start = dayStart + e.startMin * MIN;
      out.push([start, start + e.durationMin * MIN]);
    }
  }
  return out;
}

export function parseHhMm(s: string): number | undefined {
  const m = /^T?(\d{1,2}):?(\d{2})Z?$/.exec(s);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mm = Number(m[2]);
  if (h > 23 || mm > 59) return undefined;
  return h * 60 + mm;
}

export function fmtHhMm(min: number, sep = ':'): string {
  const m = ((Math.round(min) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}${sep}${String(m % 60).padStart(2, '0')}`;
}

// ------------------------------------------------------------------------------------------
// One car
// ------------------------------------------------------------------------------------------

interface ActiveLeg {
  index: number;
  leg: Leg;
  startW: number;
  endW: number;
  path?: Polyline;
}

export class SimCar {
  /** World time this car's state is valid for. */
  w = 0;
  // live state
  soc: number;
  fuelL: number | undefined;
  odometerKm: number;
  pos: LatLon;
  heading = 0;
  plugged: boolean;
  paused = false;
  /** The charger gives no current (a wallbox held by a solar controller, a power cut): the car waits (0.3). */
  noCurrent = false;
  /** "Charge now" requested (charging-start): overrides a schedule until the charge ends or unplug. */
  forceCharge = false;
  chargeMode: 'always' | 'scheduled';
  socTarget: number;
  socMin: number;
  chargePowerKw: number;
  hvacOn = false;
  hvacUntilW: number | undefined;
  hvacStartAt: number | undefined;
  targetTempC = 21;
  insideTempC: number;
  outsideTempC: number;
  locked = true;
  driving = false;
  autopilot: boolean;
  privacy = false;
  chargeSlots: ChargeSlot[];
  hvacSlots: HvacSlot[];
  hvacSettingsAt: number;
  evSettings: EvSettings;
  socLevelsAt: number;
  chargeSettingsAt: number;
  pressureMbar: [number, number, number, number];
  // reports
  battery: BatteryReport;
  position: PositionReport;
  hvac: HvacReport;
  lockAt: number;
  // bookkeeping
  readonly charges: ChargeRecord[] = [];
  readonly pending: PendingAction[] = [];
  /** Every drive since the simulator started (the ground truth of trips). */
  readonly tripsDone: DoneTrip[] = [];
  private session: { startAt: number; startSoc: number; powerKw: number } | undefined;
  private wasCharging: boolean;
  private leg: ActiveLeg | undefined;
  private reportSeq = 0;

  constructor(
    readonly spec: CarSpec,
    readonly profile: ModelProfile,
    private readonly link: WorldLink,
    t0: number,
    /** Drives this instead of the demo behaviour: the car's state is the script's. */
    readonly script?: DriveScript,
  ) {
    const i = spec.initial;
    this.soc = profile.ev ? (i.soc ?? 50) : 0;
    this.fuelL = profile.fuel ? (i.fuelL ?? profile.fuel.tankL / 2) : undefined;
    this.odometerKm = i.odometerKm;
    this.pos = i.place;
    this.plugged = !!profile.ev && !!i.plugged;
    this.chargeMode = i.chargeMode ?? 'always';
    this.socTarget = i.socTarget ?? 100;
    this.socMin = i.socMin ?? 20;
    this.chargePowerKw = i.chargePowerKw ?? 7;
    this.outsideTempC = i.outsideTempC;
    this.insideTempC = i.outsideTempC + 2;
    this.autopilot = !!spec.scenario && !script;
    const lastReport = t0 - i.lastReportMinAgo * MIN;
    const parkedAt = t0 - i.parkedMinAgo * MIN;
    this.lockAt = parkedAt;
    this.chargeSettingsAt = t0 - 9 * 24 * HOUR;
    this.hvacSettingsAt = t0 - 12 * 24 * HOUR;
    this.socLevelsAt = t0 - 5 * 24 * HOUR;
    const p = (k: string): number => Math.round(noise(link.seed, `${spec.vin}:${k}`) * 120);
    this.pressureMbar = [2420 + p('fl'), 2420 + p('fr'), 2380 + p('rl'), 2380 + p('rr')];

    this.chargeSlots = [
      {
        id: 1,
        activated: this.chargeMode === 'scheduled' || profile.code === 'X102VE',
        days: Object.fromEntries(DAYS.map((d) => [d, { startMin: DEFAULT_OFFPEAK.startMin, durationMin: DEFAULT_OFFPEAK.durationMin }])),
      },
    ];
    this.hvacSlots = [1, 2, 3, 4, 5].map((id) =>
      id === 2
        ? { id, activated: true, days: { monday: { readyAtMin: 405 }, tuesday: { readyAtMin: 405 }, thursday: { readyAtMin: 405 } } }
        : { id, activated: false, days: {} },
    );
    this.evSettings = {
      updatedAt: t0 - 3 * 24 * HOUR,
      delegatedActivated: false,
      chargeModeRq: this.chargeMode === 'scheduled' ? 'SCHEDULED' : 'ALWAYS',
      chargeTimeStart: fmtHhMm(DEFAULT_OFFPEAK.startMin),
      chargeDuration: DEFAULT_OFFPEAK.durationMin,
      preconditioningTemperature: 21,
      heatedStrgWheel: false,
      heatedRightSeat: false,
      heatedLeftSeat: false,
      programs: [
        {
          programActivationStatus: false,
          programType: 'CHARGE_AND_PRECONDITIONING',
          programDepartureTime: '07:30',
          days: { monday: true, tuesday: true, wednesday: true, thursday: true, friday: true, saturday: false, sunday: false },
        },
      ],
    };

    this.position = { at: parkedAt, lat: this.pos.lat, lon: this.pos.lon, odometerKm: this.odometerKm, fuelL: this.fuelL };
    this.wasCharging = this.isCharging();
    if (this.wasCharging) this.session = { startAt: t0 - i.parkedMinAgo * MIN + 2 * MIN, startSoc: Math.max(5, this.soc - 8), powerKw: this.chargePowerKw };
    this.battery = this.batteryNow(lastReport);
    this.hvac = this.hvacNow(lastReport);
    this.seedHistory(t0);

    if (script) {
      this.applyScript(t0);
      this.battery = this.batteryNow(t0);
      this.commitPosition(script.fixAt(t0));
      this.position.at = script.stateAt(t0).parkedSince;
    }
    const sc = script ? undefined : spec.scenario;
    if (sc) {
      const leg = sc.legs[sc.startLeg];
      if (leg) {
        const endW = sc.startLegRemainingMin * MIN;
        this.enterLeg(sc.startLeg, endW - leg.minutes * MIN, false);
      }
    }
  }

  get modelCode(): string {
    return this.profile.code;
  }

  /** Clock time of this car's current world time. */
  clockNow(): number {
    return this.link.clockAt(this.w);
  }

  // ---------------------------------------------------------------------------- derived

  private inSlot(clockMs: number): boolean {
    return slotWindows(this.chargeSlots, clockMs).some(([s, e]) => clockMs >= s && clockMs < e);
  }

  private nextSlotBoundary(clockMs: number): number | undefined {
    let best: number | undefined;
    for (const [s, e] of slotWindows(this.chargeSlots, clockMs)) {
      for (const t of [s, e]) if (t > clockMs && (best === undefined || t < best)) best = t;
    }
    return best;
  }

  /** Charging allowed by mode/schedule right now (ignoring plug and SOC). */
  private modeAllows(): boolean {
    return this.chargeMode === 'always' || this.forceCharge || this.inSlot(this.link.clockAt(this.w));
  }

  isCharging(): boolean {
    if (this.script) return this.script.stateAt(this.link.clockAt(this.w)).charging;
    return this.wantsCharge() && !this.noCurrent;
  }

  /** Would charge now, current or not. */
  private wantsCharge(): boolean {
    return !!this.profile.ev && this.plugged && !this.paused && !this.driving && this.soc < this.socTarget - EPS && this.modeAllows();
  }

  /** Waiting for the charger to give current (chargingStatus 0.3). */
  waitingForCurrent(): boolean {
    return this.wantsCharge() && this.noCurrent;
  }

  private speedKmh(): number {
    const l = this.leg;
    if (!this.driving || !l?.path) return 0;
    const hours = (l.endW - l.startW) / HOUR;
    return hours > 0 ? l.path.lengthKm / hours : 0;
  }

  /** Net battery power in kW (positive = charging). */
  private netKw(charging: boolean): number {
    const ev = this.profile.ev;
    if (!ev) return 0;
    let kw = 0;
    if (charging) kw += this.chargePowerKw * CHARGE_EFFICIENCY;
    if (this.driving) kw -= (this.speedKmh() * ev.kwhPer100km) / 100;
    if (this.hvacOn && !charging) kw -= HVAC_DRAIN_KW;
    return kw;
  }

  /** SOC change per world ms. */
  private socRate(charging: boolean): number {
    const ev = this.profile.ev;
    return ev ? ((this.netKw(charging) / ev.batteryKwh) * 100) / HOUR : 0;
  }

  chargingStatus(): number {
    if (!this.profile.ev) return -1.1;
    if (!this.plugged) return this.profile.dialect === 'ze40' ? -1.0 : 0.0;
    if (this.isCharging()) return 1.0;
    if (this.waitingForCurrent()) return 0.3;
    if (this.soc >= this.socTarget - EPS) return 0.2;
    if (this.paused) return 0.0;
    if (!this.modeAllows()) return 0.1;
    return 0.0;
  }

  // ---------------------------------------------------------------------------- reports

  private batteryNow(at: number): BatteryReport {
    const charging = this.isCharging();
    const rate = this.socRate(charging); // %/world ms
    let remainingMin: number | undefined;
    // While it waits for current the car still says how long the charge will take once it flows.
    const estimate = charging ? rate : this.waitingForCurrent() ? this.socRate(true) : 0;
    if ((charging || this.waitingForCurrent()) && estimate > 0) {
      const worldMs = (this.socTarget - this.soc) / estimate;
      remainingMin = Math.max(1, Math.ceil(worldMs / this.link.scale / MIN));
    }
    const jitter = noise(this.link.seed, `${this.spec.vin}:p:${this.reportSeq}`) * 0.3 - 0.15;
    return {
      at,
      soc: this.soc,
      plugged: this.plugged,
      chargingStatus: this.chargingStatus(),
      remainingMin,
      powerKw: charging ? Math.max(0, this.chargePowerKw + jitter) : 0,
      batteryTempC: Math.round(this.outsideTempC + 6 + (charging ? 6 : 0) + (this.driving ? 4 : 0)),
    };
  }

  private hvacNow(at: number): HvacReport {
    return {
      at,
      on: this.hvacOn,
      outsideTempC: this.outsideTempC,
      insideTempC: Math.round(this.insideTempC * 2) / 2,
      nextStartAt: this.hvacStartAt,
    };
  }

  /** The car sends its battery and hvac state now (world time w). */
  report(): void {
    this.reportSeq++;
    const at = this.link.clockAt(this.w);
    this.battery = this.batteryNow(at);
    this.hvac = this.hvacNow(at);
  }

  /** Location and cockpit committed together (ignition-off, refresh). */
  commitPosition(fix: LatLon = this.pos): void {
    this.position = {
      at: this.link.clockAt(this.w),
      lat: fix.lat,
      lon: fix.lon,
      odometerKm: this.odometerKm,
      fuelL: this.fuelL,
    };
  }

  // ---------------------------------------------------------------------------- autopilot

  /** Enters a leg of the loop; `minutes` shortens (or lengthens) it this once. */
  private enterLeg(index: number, startW: number, fromEvent: boolean, minutes?: number): void {
    const legs = this.spec.scenario?.legs ?? [];
    const leg = legs[index];
    if (!leg) return;
    const endW = startW + (minutes ?? leg.minutes) * MIN;
    if (leg.kind === 'drive') {
      const route = ROUTES[leg.route] ?? [this.pos];
      const first = route[0];
      const pts = first && distanceKm(first, this.pos) > 0.05 ? [this.pos, ...route] : [...route];
      this.leg = { index, leg, startW, endW, path: new Polyline(pts) };
      if (fromEvent || !this.driving) this.ignitionOn();
      if (!fromEvent) {
        const at = this.leg.path?.at((this.w - startW) / (endW - startW));
        if (at) this.pos = at.pos;
      }
    } else {
      this.leg = { index, leg, startW, endW };
      if (this.driving) this.ignitionOff();
      if (fromEvent && leg.plugIfBelow !== undefined && this.profile.ev && this.soc < leg.plugIfBelow) {
        this.plugged = true;
        this.paused = false;
        this.forceCharge = false;
        this.link.log(`[renault] ${this.spec.vin} plugged in at ${leg.placeName} (SOC ${Math.round(this.soc)}%)`);
      }
    }
  }

  private ignitionOn(): void {
    this.tripsDone.push({ startAt: this.link.clockAt(this.w), endAt: Number.NaN, startKm: this.odometerKm, endKm: Number.NaN });
    if (this.plugged) this.plugged = false;
    this.paused = false;
    this.forceCharge = false;
    this.driving = true;
    this.locked = false;
    this.lockAt = this.link.clockAt(this.w);
    this.hvacOn = false;
    this.hvacUntilW = undefined;
  }

  private ignitionOff(fix: LatLon = this.pos): void {
    const trip = this.tripsDone[this.tripsDone.length - 1];
    if (trip && Number.isNaN(trip.endAt)) Object.assign(trip, { endAt: this.link.clockAt(this.w), endKm: this.odometerKm });
    this.driving = false;
    this.locked = true;
    this.lockAt = this.link.clockAt(this.w);
    this.commitPosition(fix);
    this.report();
  }

  private nextLeg(): void {
    const l = this.leg;
    const legs = this.spec.scenario?.legs;
    if (!l || !legs || legs.length === 0) return;
    if (l.leg.kind === 'drive') {
      const end = l.path?.at(1);
      if (end) this.pos = end.pos;
    }
    this.enterLeg((l.index + 1) % legs.length, l.endW, true);
  }

  /**
   * Leaves now for the loop's next drive, taking `minutes` (world) for it this once: a demo's
   * script, which cannot wait hours for the car to leave. False without a loop or while driving.
   */
  driveNow(minutes: number): boolean {
    const legs = this.spec.scenario?.legs ?? [];
    if (!this.autopilot || this.driving || !(minutes > 0)) return false;
    const from = this.leg?.index ?? -1;
    for (let k = 1; k <= legs.length; k++) {
      const index = (from + k) % legs.length;
      if (legs[index]?.kind !== 'drive') continue;
      this.enterLeg(index, this.w, true, minutes);
      return true;
    }
    return false;
  }

  setAutopilot(on: boolean): void {
    if (!this.spec.scenario || on === this.autopilot) return;
    this.autopilot = on;
    if (!on) {
      if (this.driving) this.ignitionOff();
      this.leg = undefined;
    } else {
      this.enterLeg(0, this.w, true);
    }
  }

  // ---------------------------------------------------------------------------- simulation

  private integrate(w0: number, w1: number, charging: boolean): void {
    const dt = w1 - w0;
    if (dt <= 0) return;
    const ev = this.profile.ev;
    if (ev) this.soc = Math.min(100, Math.max(0, this.soc + this.socRate(charging) * dt));
    if (this.driving && this.leg?.path) {
      const km = (this.speedKmh() * dt) / HOUR;
      this.odometerKm += km;
      const fuel = this.profile.fuel;
      if (fuel && this.fuelL !== undefined) this.fuelL = Math.max(0, this.fuelL - (km * fuel.litresPer100km) / 100);
      const at = this.leg.path.at((w1 - this.leg.startW) / (this.leg.endW - this.leg.startW));
      this.pos = at.pos;
      this.heading = at.heading;
    }
    const target = this.hvacOn ? this.targetTempC : this.driving ? 20 : this.outsideTempC;
    const tau = this.hvacOn || this.driving ? 5 * MIN : 60 * MIN;
    this.insideTempC = target + (this.insideTempC - target) * Math.exp(-dt / tau);
  }

  private reportPeriod(charging: boolean): number {
    return charging || this.driving || this.hvacOn ? REPORT_ACTIVE_W : REPORT_IDLE_W;
  }

  /**
   * A scripted car at clock time t: energy, odometer and place from the script; ignition on and
   * off, plug and charge as the script says, with the reports the car sends for them (a
   * location fix at ignition-off, and when the night's outlier comes and goes).
   */
  private applyScript(t: number): void {
    const script = this.script;
    if (!script) return;
    const s = script.stateAt(t);
    const ev = this.profile.ev;
    this.soc = ev ? Math.min(100, (s.kwh / script.plan.capacityKwh) * 100) : 0;
    this.odometerKm = s.km;
    this.pos = s.pos;
    if (s.driving && !this.driving) this.ignitionOn();
    if (!s.driving && this.driving) this.ignitionOff(script.fixAt(t));
    this.plugged = s.plugged;
    const charging = s.charging;
    if (charging !== this.wasCharging) {
      this.wasCharging = charging;
      if (charging) this.session = { startAt: t, startSoc: this.soc, powerKw: this.chargePowerKw };
      else this.endSession(t);
      this.report();
    }
    // The outlier comes and goes between ignitions: a fix of its own each time.
    if (!s.driving) {
      const fix = script.fixAt(t);
      if (fix.lat !== this.position.lat || fix.lon !== this.position.lon) this.commitPosition(fix);
    }
  }

  private advanceScripted(target: number): void {
    const script = this.script;
    if (!script) return;
    while (this.w < target) {
      const w = this.w;
      const period = this.reportPeriod(this.isCharging());
      const reportW = (Math.floor(w / period) + 1) * period;
      const change = script.changesIn(this.link.clockAt(w), this.link.clockAt(target))[0];
      const next = Math.min(target, reportW, change === undefined ? Infinity : this.link.worldOf(change));
      this.w = next;
      this.applyScript(this.link.clockAt(next));
      if (next >= reportW - EPS) this.report();
    }
  }

  /** Moves this car's world time forward to `target`, event by event. */
  advanceTo(target: number): void {
    if (this.script) {
      this.advanceScripted(target);
      return;
    }
    this.handleEvents(undefined);
    let guard = 0;
    while (this.w < target) {
      if (++guard > 5_000_000) throw new Error(`world stuck for ${this.spec.vin}`);
      const w = this.w;
      const charging = this.isCharging();
      let next = target;
      const consider = (t: number | undefined): void => {
        if (t !== undefined && t > w && t < next) next = t;
      };
      const period = this.reportPeriod(charging);
      const reportW = (Math.floor(w / period) + 1) * period;
      consider(reportW);
      if (this.autopilot) consider(this.leg?.endW);
      const p = this.pending[0];
      if (p) consider(this.link.worldOf(p.dueAt));
      consider(this.hvacUntilW);
      if (this.hvacStartAt !== undefined) consider(this.link.worldOf(this.hvacStartAt));
      const rate = this.socRate(charging);
      if (rate > 0) consider(w + (this.socTarget - this.soc) / rate);
      else if (rate < 0 && this.soc > 0) consider(w + this.soc / -rate);
      if (this.profile.ev && this.plugged && this.chargeMode === 'scheduled' && !this.forceCharge) {
        const b = this.nextSlotBoundary(this.link.clockAt(w));
        if (b !== undefined) consider(this.link.worldOf(b));
      }
      this.integrate(w, next, charging);
      this.w = next;
      this.handleEvents(reportW);
    }
  }

  private handleEvents(reportW: number | undefined): void {
    const w = this.w;
    // 1. actions falling due
    for (let p = this.pending[0]; p && this.link.worldOf(p.dueAt) <= w + EPS; p = this.pending[0]) {
      this.pending.shift();
      const effective = p.apply(this);
      this.link.notify({ notificationId: p.id, at: this.link.clockAt(w), vin: this.spec.vin, commandType: p.commandType, status: effective ? 'SUCCESS' : 'CREATED' });
      this.link.log(`[renault] ${this.spec.vin} ${p.commandType} ${effective ? 'applied' : 'accepted, no effect'}`);
      if (effective) this.report();
    }
    // 2. deferred hvac start / hvac end
    if (this.hvacStartAt !== undefined && this.link.worldOf(this.hvacStartAt) <= w + EPS) {
      this.hvacStartAt = undefined;
      this.startHvac();
    }
    if (this.hvacOn && this.hvacUntilW !== undefined && this.hvacUntilW <= w + EPS) {
      this.hvacOn = false;
      this.hvacUntilW = undefined;
      this.report();
    }
    // 3. autopilot
    let legGuard = 0;
    while (this.autopilot && this.leg && this.leg.endW <= w + EPS && legGuard++ < 100) this.nextLeg();
    // 4. charge start / end
    const charging = this.isCharging();
    if (charging !== this.wasCharging) {
      const at = this.link.clockAt(w);
      if (charging) {
        this.session = { startAt: at, startSoc: this.soc, powerKw: this.chargePowerKw };
      } else {
        if (this.soc >= this.socTarget - 1e-3) {
          this.soc = Math.max(this.soc, this.socTarget);
          this.forceCharge = false;
        }
        this.endSession(at);
      }
      this.wasCharging = charging;
      this.report();
    }
    if (this.soc <= 0 && this.driving) this.soc = 0;
    // 5. periodic report
    if (reportW !== undefined && w >= reportW - EPS) this.report();
  }

  private endSession(at: number): void {
    const s = this.session;
    this.session = undefined;
    const ev = this.profile.ev;
    if (!s || !ev) return;
    const gained = this.soc - s.startSoc;
    if (at - s.startAt < MIN / 10 && gained < 0.5) return;
    this.charges.push({
      startAt: s.startAt,
      endAt: at,
      startSoc: Math.round(s.startSoc),
      endSoc: Math.round(this.soc),
      energyKwh: Math.round(((gained * ev.batteryKwh) / 100) * 10) / 10,
      powerKw: s.powerKw,
      status: 'ok',
    });
  }

  startHvac(): void {
    this.hvacOn = true;
    this.hvacUntilW = this.w + HVAC_RUN_W;
  }

  stopHvac(): void {
    this.hvacOn = false;
    this.hvacUntilW = undefined;
    this.hvacStartAt = undefined;
  }

  // ---------------------------------------------------------------------------- history

  /** A month of plausible past charges, deterministic per VIN. */
  private seedHistory(t0: number): void {
    const ev = this.profile.ev;
    if (!ev) return;
    const rnd = seededRandom(hashString(`${this.link.seed}:${this.spec.vin}:history`));
    const midnight = utcMidnight(t0);
    for (let d = 30; d >= 1; d--) {
      if (rnd() < 0.45) continue;
      const startAt = midnight - d * 24 * HOUR + (20 * 60 + Math.floor(rnd() * 180)) * MIN;
      const startSoc = 15 + Math.floor(rnd() * 40);
      const endSoc = Math.min(100, startSoc + 20 + Math.floor(rnd() * 45));
      const kwh = ((endSoc - startSoc) * ev.batteryKwh) / 100;
      const hours = kwh / (this.chargePowerKw * CHARGE_EFFICIENCY);
      this.charges.push({
        startAt,
        endAt: startAt + Math.round(hours * HOUR),
        startSoc,
        endSoc,
        energyKwh: Math.round(kwh * 10) / 10,
        powerKw: this.chargePowerKw,
        status: rnd() < 0.05 ? 'error' : 'ok',
      });
    }
  }
}

// ------------------------------------------------------------------------------------------
// The world
// ------------------------------------------------------------------------------------------

export class RenaultWorld {
  readonly t0: number;
  readonly cars = new Map<string, SimCar>();
  readonly notifications: KmrNotification[] = [];

  constructor(
    private readonly clock: Clock,
    readonly scale: number,
    readonly seed: number,
    specs: readonly CarSpec[],
    profiles: Readonly<Record<string, ModelProfile>>,
    private readonly log: (line: string) => void,
    scripts: Readonly<Record<string, DriveScript>> = {},
  ) {
    this.t0 = clock.now();
    const link: WorldLink = {
      scale,
      seed,
      clockAt: (w) => this.t0 + w / this.scale,
      worldOf: (c) => (c - this.t0) * this.scale,
      notify: (n) => {
        this.notifications.push(n);
        if (this.notifications.length > 500) this.notifications.splice(0, this.notifications.length - 500);
      },
      log: (line) => this.log(line),
    };
    for (const spec of specs) {
      const profile = profiles[spec.modelCode];
      if (!profile) throw new Error(`no model profile for ${spec.modelCode}`);
      this.cars.set(spec.vin, new SimCar(spec, profile, link, this.t0, scripts[spec.vin]));
    }
  }

  /** Current world time (ms since start, scaled). */
  wNow(): number {
    return (this.clock.now() - this.t0) * this.scale;
  }

  /** Brings every car up to the clock. Call before reading or changing anything. */
  sync(): void {
    const w = this.wNow();
    for (const car of this.cars.values()) car.advanceTo(w);
  }

  car(vin: string): SimCar | undefined {
    return this.cars.get(vin);
  }

  schedule(action: PendingAction): void {
    const car = this.cars.get(action.vin);
    if (!car) return;
    car.pending.push(action);
    car.pending.sort((a, b) => a.dueAt - b.dueAt);
    // an action due now (delay 0) applies at once
    car.advanceTo(Math.max(car.w, this.wNow()));
  }

  hasPending(vin: string, commandType: string): boolean {
    return !!this.cars.get(vin)?.pending.some((p) => p.commandType === commandType);
  }
}
