/**
 * The simulated CarData world: a BMW i4 that charges at home and goes for a drive every six
 * hours, and a MINI Countryman plug-in hybrid that drives a loop every two hours and charges
 * in between. Every value is a function of world time, so a run is the same every time; the
 * keys are the catalogue's (specs/bmw.md B2, fixtures/cardata/telematic-catalogue.json).
 */
import type { Clock } from '../../core/clock';
import { noise } from '../rng';
import type { DriveScript } from '../script';

export interface LatLon {
  lat: number;
  lon: number;
}

export interface CardataDemoCar {
  vin: string;
  brand: 'BMW' | 'MINI';
  modelName: string;
  modelKey: string;
  series: string;
  /** The development code, e.g. G26. */
  seriesDevt: string;
  /** basicData's body style, in words (kvanbiesen#408: "Sports Activity Coupe"). */
  bodyType: string;
  propulsionType: 'BEV' | 'PHEV';
  colourCodeRaw: string;
  color: string;
  constructionDate: string;
  /** Usable battery, kWh. */
  batteryKwh: number;
  /** A Neue Klasse car: it reports no batteryManagement.header (its state of charge only as stateOfCharge.displayed). */
  neueKlasse?: boolean;
  chargeKw: number;
  /** Fuel tank, litres (hybrids). */
  tankL?: number;
  home: LatLon;
  /** Loop radius while driving, degrees of latitude. */
  loopDeg: number;
  /** Cycle length (world ms) and its phases. */
  periodMs: number;
  mileageKm: number;
  kmPerCycle: number;
}

const H = 3_600_000;
const MIN = 60_000;

export const DEMO_CARDATA_CARS: readonly CardataDemoCar[] = [
  {
    vin: 'WBY31AW0X0FCD0001',
    brand: 'BMW',
    modelName: 'i4 eDrive40',
    modelKey: '31AW',
    series: '4',
    seriesDevt: 'G26',
    bodyType: 'Gran Coupe',
    propulsionType: 'BEV',
    colourCodeRaw: 'C4P',
    color: '#2b4f7e',
    constructionDate: '2023-04-12',
    batteryKwh: 81,
    chargeKw: 11,
    home: { lat: 48.1771, lon: 11.5562 },
    loopDeg: 0.06,
    periodMs: 6 * H,
    mileageKm: 12_345,
    kmPerCycle: 70,
  },
  {
    vin: 'WMZ21GA0X07CD0002',
    brand: 'MINI',
    modelName: 'Countryman SE ALL4',
    modelKey: '21GA',
    series: 'Countryman',
    seriesDevt: 'U25',
    bodyType: 'Sports Activity Vehicle',
    propulsionType: 'PHEV',
    colourCodeRaw: 'C5E',
    color: '#c0392b',
    constructionDate: '2022-09-30',
    batteryKwh: 10,
    chargeKw: 3.7,
    tankL: 45,
    home: { lat: 48.162, lon: 11.586 },
    loopDeg: 0.04,
    periodMs: 2 * H,
    mileageKm: 31_870,
    kmPerCycle: 25,
  },
];

/** Keys the stream never carries (catalogue: streaming_capable false). */
export const REST_ONLY = new Set([
  'vehicle.body.chargingPort.combinedStatus',
  'vehicle.cabin.door.lock.status',
  'vehicle.status.checkControlMessages',
  'vehicle.status.conditionBasedServices',
]);

export type KeyValue = string | number | boolean | Record<string, unknown>[];
export interface SimKey {
  value: KeyValue;
  unit?: string;
}

type Phase = 'charging' | 'charged' | 'driving' | 'arrived' | 'parked';

interface Moment {
  phase: Phase;
  soc: number;
  odometer: number;
  pos: LatLon;
  heading: number;
  /** Minutes left to the charge target while charging. */
  minutesLeft?: number;
  fuelL?: number;
  /** ms since the phase began. */
  inPhase: number;
  /** Plugged in (default: whenever not driving, the demo cars' habit). */
  plugged?: boolean;
}

const r1 = (n: number): number => Math.round(n * 10) / 10;
const r5 = (n: number): number => Math.round(n * 1e5) / 1e5;

function circle(car: CardataDemoCar, f: number): { pos: LatLon; heading: number } {
  const a = f * 2 * Math.PI;
  const lat = car.home.lat + car.loopDeg * Math.sin(a);
  const lon = car.home.lon + (car.loopDeg / Math.cos((car.home.lat * Math.PI) / 180)) * (1 - Math.cos(a));
  const heading = (((Math.atan2(Math.sin(a), Math.cos(a)) * 180) / Math.PI + 360) % 360);
  return { pos: { lat, lon }, heading: Math.round(heading) };
}

/** Where the car is in its cycle at world time w (ms since the world began). */
export function momentOf(car: CardataDemoCar, w: number): Moment {
  const cycles = Math.floor(w / car.periodMs);
  const t = w - cycles * car.periodMs;
  const baseKm = car.mileageKm + cycles * car.kmPerCycle;
  const home = { pos: car.home, heading: 90 };
  if (car.propulsionType === 'BEV') {
    // 0 .. tc: charging 40 -> 80 %; .. 4 h: charged; 4 .. 5 h: driving 80 -> 40 %; 5 .. 6 h: back home.
    const tc = ((0.4 * car.batteryKwh) / car.chargeKw) * H;
    if (t < tc) {
      const soc = 40 + (40 * t) / tc;
      return { phase: 'charging', soc, odometer: baseKm, ...home, minutesLeft: Math.ceil((tc - t) / MIN), inPhase: t };
    }
    if (t < 4 * H) return { phase: 'charged', soc: 80, odometer: baseKm, ...home, inPhase: t - tc };
    if (t < 5 * H) {
      const f = (t - 4 * H) / H;
      return { phase: 'driving', soc: 80 - 40 * f, odometer: baseKm + car.kmPerCycle * f, ...circle(car, f), inPhase: t - 4 * H };
    }
    const phase: Phase = t < 5 * H + 3 * MIN ? 'arrived' : 'parked';
    return { phase, soc: 40, odometer: baseKm + car.kmPerCycle, ...home, inPhase: t - 5 * H };
  }
  // Hybrid: 0 .. 30 min driving 75 -> 20 %, then charging 20 -> 75 % at home.
  const tank = car.tankL ?? 40;
  const fuelAt = (km: number): number => tank - ((km - car.mileageKm) * 0.012) % (tank - 8);
  const drive = 30 * MIN;
  if (t < drive) {
    const f = t / drive;
    const odometer = baseKm + car.kmPerCycle * f;
    return { phase: 'driving', soc: 75 - 55 * f, odometer, fuelL: fuelAt(odometer), ...circle(car, f), inPhase: t };
  }
  const tc = ((0.55 * car.batteryKwh) / car.chargeKw) * H;
  const odometer = baseKm + car.kmPerCycle;
  const since = t - drive;
  if (since < tc) {
    return { phase: 'charging', soc: 20 + (55 * since) / tc, odometer, fuelL: fuelAt(odometer), ...home, minutesLeft: Math.ceil((tc - since) / MIN), inPhase: since };
  }
  return { phase: 'charged', soc: 75, odometer, fuelL: fuelAt(odometer), ...home, inPhase: since - tc };
}

/** A scripted car at clock time t: the GPS fix it reports, its odometer and battery as the script says. */
export function scriptedMoment(car: CardataDemoCar, script: DriveScript, t: number): Moment {
  const s = script.stateAt(t);
  const soc = Math.min(100, (s.kwh / script.plan.capacityKwh) * 100);
  const since = s.tripStartAt ?? s.parkedSince;
  const phase: Phase = s.driving ? 'driving' : s.charging ? 'charging' : t - s.parkedSince < 3 * MIN ? 'arrived' : s.plugged ? 'charged' : 'parked';
  const tank = car.tankL;
  return { phase, soc, odometer: s.km, pos: script.fixAt(t), heading: 0, inPhase: t - since, plugged: s.plugged, ...(tank ? { fuelL: tank / 2 } : {}) };
}

/** Every key the car reports at world time w (values as the stream sends them). */
export function keysOf(car: CardataDemoCar, w: number, seed: number, at: (w: number) => Moment = (x) => momentOf(car, x)): Record<string, SimKey> {
  const m = at(w);
  const bev = car.propulsionType === 'BEV';
  const charging = m.phase === 'charging';
  const plugged = m.plugged ?? m.phase !== 'driving';
  const moving = m.phase === 'driving';
  const locked = m.phase !== 'driving' && m.phase !== 'arrived';
  const wiggle = (key: string, span: number): number => (noise(seed, `${car.vin}:${key}:${Math.floor(w / (5 * MIN))}`) - 0.5) * span;
  const eRange = bev ? Math.round(m.soc * 4.6) : Math.round(m.soc * 0.6);
  const k: Record<string, SimKey> = {
    'vehicle.powertrain.electric.battery.stateOfCharge.displayed': { value: Math.round(m.soc), unit: '%' },
    ...(car.neueKlasse ? {} : { 'vehicle.drivetrain.batteryManagement.header': { value: r1(m.soc), unit: '%' } }),
    'vehicle.drivetrain.batteryManagement.maxEnergy': { value: r1((m.soc / 100) * car.batteryKwh), unit: 'kWh' },
    'vehicle.drivetrain.electricEngine.kombiRemainingElectricRange': { value: eRange, unit: 'km' },
    'vehicle.powertrain.electric.battery.stateOfCharge.target': { value: bev ? 80 : 75, unit: '%' },
    'vehicle.drivetrain.electricEngine.charging.hvStatus': { value: charging ? 'CHARGING' : m.phase === 'charged' ? 'FINISHED_NOT_FULL' : 'NOT_CHARGING' },
    'vehicle.drivetrain.electricEngine.charging.status': { value: charging ? 'CHARGINGACTIVE' : m.phase === 'charged' ? 'CHARGINGENDED' : 'NOCHARGING' },
    'vehicle.body.chargingPort.status': { value: plugged ? 'CONNECTED' : 'DISCONNECTED' },
    'vehicle.body.chargingPort.combinedStatus': { value: plugged ? 'CONNECTED' : 'DISCONNECTED' },
    'vehicle.powertrain.electric.battery.charging.power': { value: charging ? Math.round(car.chargeKw * 1000 + wiggle('power', 300)) : 0, unit: 'W' },
    'vehicle.drivetrain.electricEngine.charging.timeRemaining': { value: m.minutesLeft ?? 0, unit: 'min' },
    'vehicle.drivetrain.electricEngine.charging.profile.preference': { value: bev ? 'SMART_CHARGING' : 'NO_PRESELECTION' },
    'vehicle.vehicle.travelledDistance': { value: Math.floor(m.odometer), unit: 'km' },
    'vehicle.cabin.infotainment.navigation.currentLocation.latitude': { value: r5(m.pos.lat), unit: 'degrees' },
    'vehicle.cabin.infotainment.navigation.currentLocation.longitude': { value: r5(m.pos.lon), unit: 'degrees' },
    'vehicle.cabin.infotainment.navigation.currentLocation.heading': { value: m.heading, unit: 'degrees' },
    'vehicle.cabin.infotainment.navigation.currentLocation.altitude': { value: 519 },
    'vehicle.cabin.infotainment.navigation.currentLocation.fixStatus': { value: 'GPS_FIX_3D' },
    'vehicle.cabin.door.row1.driver.isOpen': { value: m.phase === 'arrived' },
    'vehicle.cabin.door.row1.passenger.isOpen': { value: false },
    'vehicle.cabin.door.row2.driver.isOpen': { value: false },
    'vehicle.cabin.door.row2.passenger.isOpen': { value: false },
    'vehicle.body.trunk.isOpen': { value: 'CLOSED' },
    'vehicle.body.hood.isOpen': { value: 'CLOSED' },
    'vehicle.cabin.window.row1.driver.status': { value: 'CLOSED' },
    'vehicle.cabin.window.row1.passenger.status': { value: 'CLOSED' },
    'vehicle.cabin.window.row2.driver.status': { value: 'CLOSED' },
    'vehicle.cabin.window.row2.passenger.status': { value: 'CLOSED' },
    'vehicle.cabin.sunroof.overallStatus': { value: bev ? 'CLOSED' : 'OPEN_TILT' },
    'vehicle.cabin.door.status': { value: locked ? (bev ? 'ASN_secured' : 'ASN_locked') : 'ASN_unlocked' },
    'vehicle.cabin.door.lock.status': { value: locked ? (bev ? 'SECURED' : 'LOCKED') : 'UNLOCKED' },
    'vehicle.body.trunk.isLocked': { value: locked },
    'vehicle.isMoving': { value: moving },
    'vehicle.vehicle.avgSpeed': { value: moving ? Math.round(car.kmPerCycle / (bev ? 1 : 0.5)) : 0, unit: 'km/h' },
    'vehicle.vehicle.preConditioning.activity': { value: m.phase === 'charged' && m.inPhase > 0 && bev && at(w + 10 * MIN).phase === 'driving' ? 'heating' : 'standby' },
    'vehicle.cabin.hvac.preconditioning.configuration.defaultSettings.targetTemperature': { value: 21, unit: 'celsius' },
    'vehicle.electricalSystem.battery.voltage': { value: r1(12.6 + wiggle('12v', 0.3)), unit: 'V' },
    'vehicle.vehicle.deepSleepModeActive': { value: false },
    'vehicle.status.checkControlMessages': {
      value: bev ? [] : [{ type: 'TIRE_PRESSURE', severity: 'MEDIUM', description: 'Tyre pressure low, front left: check and correct the pressure.' }],
    },
    'vehicle.status.conditionBasedServices': {
      value: [
        { type: 'BRAKE_FLUID', status: 'OK', dateTime: '2027-03-01T00:00:00.000Z' },
        { type: 'VEHICLE_CHECK', status: 'OK', dateTime: '2027-09-01T00:00:00.000Z', mileage: bev ? 30_000 : 45_000 },
        ...(bev ? [] : [{ type: 'OIL', status: 'PENDING', dateTime: '2026-12-01T00:00:00.000Z', mileage: 34_000 }]),
      ],
    },
    'vehicle.status.serviceTime.inspectionDateLegal': { value: bev ? '01.03.2028 00:00 UTC' : '01.10.2026 00:00 UTC' },
    'vehicle.status.serviceDistance.next': { value: bev ? 17_000 : 2_100, unit: 'km' },
  };
  const tires: [string, number, number][] = [
    ['row1.wheel.left', bev ? 250 : 215, bev ? 250 : 240],
    ['row1.wheel.right', bev ? 250 : 240, bev ? 250 : 240],
    ['row2.wheel.left', bev ? 260 : 230, bev ? 260 : 230],
    ['row2.wheel.right', bev ? 260 : 230, bev ? 260 : 230],
  ];
  for (const [wheel, p, target] of tires) {
    k[`vehicle.chassis.axle.${wheel}.tire.pressure`] = { value: p, unit: 'kPa' };
    k[`vehicle.chassis.axle.${wheel}.tire.pressureTarget`] = { value: target, unit: 'kPa' };
    k[`vehicle.chassis.axle.${wheel}.tire.temperature`] = { value: Math.round((moving ? 28 : 18) + wiggle(wheel, 2)), unit: 'Celsius' };
  }
  if (!bev && m.fuelL !== undefined) {
    const tank = car.tankL ?? 40;
    const fuelRange = Math.round(m.fuelL * 16);
    k['vehicle.drivetrain.fuelSystem.remainingFuel'] = { value: r1(m.fuelL), unit: 'l' };
    k['vehicle.drivetrain.fuelSystem.level'] = { value: Math.round((m.fuelL / tank) * 100), unit: '%' };
    k['vehicle.cabin.infotainment.navigation.remainingRange'] = { value: fuelRange, unit: 'km' };
    k['vehicle.drivetrain.lastRemainingRange'] = { value: fuelRange + eRange, unit: 'km' };
  }
  return k;
}

/** The car's charging sessions: one per cycle, ending at the cycle's charge target. */
export function chargeSessionOf(car: CardataDemoCar, cycle: number): { startW: number; endW: number; kwh: number; from: number; to: number } {
  const start = cycle * car.periodMs + (car.propulsionType === 'BEV' ? 0 : 30 * MIN);
  const share = car.propulsionType === 'BEV' ? 0.4 : 0.55;
  const hours = (share * car.batteryKwh) / car.chargeKw;
  return {
    startW: start,
    endW: start + hours * H,
    kwh: r1(share * car.batteryKwh * 1.08),
    from: car.propulsionType === 'BEV' ? 40 : 20,
    to: car.propulsionType === 'BEV' ? 80 : 75,
  };
}

/** World time runs timeScale times faster than the clock, from the moment the simulator started. */
export class WorldClock {
  readonly startedAt: number;
  constructor(
    private readonly clock: Clock,
    readonly timeScale: number,
  ) {
    this.startedAt = clock.now();
  }
  /** World ms since the world began. */
  world(now = this.clock.now()): number {
    return (now - this.startedAt) * this.timeScale;
  }
  /** Clock time of a world time. */
  clockOf(w: number): number {
    return this.startedAt + w / this.timeScale;
  }
}

/** One car as the simulator serves it: every key with the clock time it last changed. */
export class SimCardataCar {
  private readonly values = new Map<string, { key: SimKey; at: number; json: string }>();
  readonly overrides = new Map<string, SimKey>();

  private syncedAt: number | undefined;

  constructor(
    readonly spec: CardataDemoCar,
    private readonly world: WorldClock,
    private readonly seed: number,
    /** Drives this instead of the demo cycle. */
    readonly script?: DriveScript,
  ) {}

  /** Brings every key to the clock's now; returns the keys that changed. */
  sync(now: number): string[] {
    // A scripted car's values change at the script's moments (an arrival, a minute of a drive):
    // each keeps the time it really changed, however rarely the car is looked at.
    const from = this.syncedAt;
    this.syncedAt = now;
    if (!this.script || from === undefined || now <= from) return this.syncAt(now);
    const changed = new Set<string>();
    for (const t of [...this.script.changesIn(from, now, 60_000), now]) for (const k of this.syncAt(t)) changed.add(k);
    return [...changed];
  }

  private syncAt(now: number): string[] {
    const script = this.script;
    const moment = script ? (w: number): Moment => scriptedMoment(this.spec, script, this.world.clockOf(w)) : undefined;
    const keys = { ...keysOf(this.spec, this.world.world(now), this.seed, moment) };
    for (const [k, v] of this.overrides) keys[k] = v;
    const changed: string[] = [];
    for (const [k, v] of Object.entries(keys)) {
      const json = JSON.stringify(v);
      const prev = this.values.get(k);
      if (prev?.json === json) continue;
      this.values.set(k, { key: v, at: now, json });
      changed.push(k);
    }
    return changed;
  }

  get(key: string): { key: SimKey; at: number } | undefined {
    return this.values.get(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  moment(now: number): Moment {
    return this.script ? scriptedMoment(this.spec, this.script, now) : momentOf(this.spec, this.world.world(now));
  }
}
