/**
 * The simulated Renault / Dacia cloud: Gigya accounts under `/renault/gigya`, the Kamereon
 * API under `/renault/kamereon`, demo pictures under `/renault/assets`. One instance per
 * simulator; see index.ts for how it is mounted. API facts: specs/renault.md.
 */
import { textResponse, type SimContext, type SimProvider, type SimRequest, type SimResponse } from './http';
import {
  DEMO_ACCOUNTS,
  DEMO_CARS,
  DEMO_PERSON,
  DEMO_RENAULT_PASSWORD,
  DEMO_RENAULT_USER,
  MODEL_PROFILES,
  type DemoAccount,
  type EndpointKey,
  type LatLon,
  type Support,
} from './renault/data';
import { DEFAULT_LOCKOUT, GigyaService, TRUST_MS, type GigyaFault } from './renault/gigya';
import { PUBLIC_GIGYA_KEYS, PUBLIC_KAMEREON_KEY } from './renault/keys';
import { DEFAULT_QUOTA, Faults, Quota } from './renault/guards';
import { JwtSigner } from './renault/jwt';
import { KamereonService } from './renault/kamereon';
import type { PersonInfo } from './renault/reads';
import { emptyStats, type RenaultFault, type RenaultQuotaOptions, type RenaultSimOptions, type RenaultSimStats } from './renault/types';
import { RenaultWorld, type DoneTrip, type SimCar } from './renault/world';

export { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER, DEMO_PERSON, DEMO_ACCOUNTS, DEMO_CARS } from './renault/data';
export type { EndpointKey, Support } from './renault/data';
export type { DoneTrip } from './renault/world';
export type { GigyaLockout, RenaultFault, RenaultFaultKind, RenaultQuotaOptions, RenaultSimOptions, RenaultSimStats } from './renault/types';
export type { GigyaFault, GigyaFaultKind } from './renault/gigya';
export { PUBLIC_GIGYA_KEYS, PUBLIC_KAMEREON_KEY } from './renault/keys';

/** Public keys of spec §1.2, used as the defaults the simulator expects (it accepts every public key of renault-api too). */
export const DEFAULT_GIGYA_API_KEY = PUBLIC_GIGYA_KEYS.eu;
export const DEFAULT_KAMEREON_API_KEY = PUBLIC_KAMEREON_KEY;

export const DEFAULT_RENAULT_SIM_OPTIONS: Readonly<RenaultSimOptions> = {
  gigyaApiKey: DEFAULT_GIGYA_API_KEY,
  kamereonApiKey: DEFAULT_KAMEREON_API_KEY,
  actionDelayMs: 15_000,
  jwtMaxLifetimeSec: 86_400,
  quota: DEFAULT_QUOTA,
  tfa: false,
  gigyaLockout: DEFAULT_LOCKOUT,
  seed: 42,
  capabilityOverrides: {},
};

/** A handle on one simulated car: reads sync the world to the clock; writes act as if the car reported. */
export interface RenaultCarControl {
  readonly vin: string;
  readonly modelCode: string;
  readonly accountId: string;
  /** State of charge in percent (fractional). */
  soc: number;
  /** Taking current now. Setting true plugs in and forces a charge; false pauses it. */
  charging: boolean;
  plugged: boolean;
  /** The charger gives no current: a plugged car that wants to charge waits (chargingStatus 0.3). */
  noCurrent: boolean;
  /** Target SOC at which charging stops. */
  socTarget: number;
  chargeMode: 'always' | 'scheduled';
  locked: boolean;
  /** Live position (while driving it moves); setting it parks the car there and commits a fix. */
  position: LatLon;
  hvacOn: boolean;
  privacy: boolean;
  /** The built-in driving loop (R5 only). */
  autopilot: boolean;
  /** Leaves now for the loop's next drive, taking `worldMinutes` for it this once; false without a loop or while driving. */
  driveNow(worldMinutes: number): boolean;
  mileageKm: number;
  fuelLitres: number | undefined;
  readonly driving: boolean;
  /** Last committed location/cockpit report (what the API returns). */
  readonly reportedPosition: { lat: number; lon: number; at: number; odometerKm: number };
  /** Last battery report (what the API returns). */
  readonly reportedBattery: { soc: number; at: number; chargingStatus: number; plugged: boolean; powerKw: number };
  /** What the charger gives while the car charges (the reports jitter by ±0.15 kW around it). */
  chargePowerKw: number;
  /** Completed charge sessions the API can list. */
  readonly chargeCount: number;
}

function carControl(world: RenaultWorld, car: SimCar): RenaultCarControl {
  const live = (): SimCar => {
    world.sync();
    return car;
  };
  const changed = (): void => car.report();
  return {
    vin: car.spec.vin,
    modelCode: car.modelCode,
    accountId: car.spec.accountId,
    get soc() {
      return live().soc;
    },
    set soc(v: number) {
      live().soc = Math.min(100, Math.max(0, v));
      changed();
    },
    get charging() {
      return live().isCharging();
    },
    set charging(v: boolean) {
      const c = live();
      if (v) {
        c.plugged = true;
        c.paused = false;
        c.forceCharge = true;
      } else {
        c.paused = true;
        c.forceCharge = false;
      }
      c.advanceTo(c.w); // settle the charge start/end bookkeeping
      changed();
    },
    get plugged() {
      return live().plugged;
    },
    set plugged(v: boolean) {
      const c = live();
      c.plugged = v && !!c.profile.ev && !c.driving;
      if (!v) c.forceCharge = false;
      c.advanceTo(c.w);
      changed();
    },
    get noCurrent() {
      return live().noCurrent;
    },
    set noCurrent(v: boolean) {
      const c = live();
      c.noCurrent = v;
      c.advanceTo(c.w);
      changed();
    },
    get socTarget() {
      return live().socTarget;
    },
    set socTarget(v: number) {
      live().socTarget = v;
      car.advanceTo(car.w);
      changed();
    },
    get chargeMode() {
      return live().chargeMode;
    },
    set chargeMode(v: 'always' | 'scheduled') {
      live().chargeMode = v;
      car.advanceTo(car.w);
      changed();
    },
    get locked() {
      return live().locked;
    },
    set locked(v: boolean) {
      const c = live();
      c.locked = v;
      c.lockAt = c.clockNow();
    },
    get position() {
      const c = live();
      return { lat: c.pos.lat, lon: c.pos.lon };
    },
    set position(p: LatLon) {
      const c = live();
      c.setAutopilot(false);
      c.pos = { lat: p.lat, lon: p.lon };
      c.commitPosition();
    },
    get hvacOn() {
      return live().hvacOn;
    },
    set hvacOn(v: boolean) {
      const c = live();
      if (v) c.startHvac();
      else c.stopHvac();
      changed();
    },
    get privacy() {
      return live().privacy;
    },
    set privacy(v: boolean) {
      live().privacy = v;
    },
    get autopilot() {
      return live().autopilot;
    },
    set autopilot(v: boolean) {
      live().setAutopilot(v);
    },
    driveNow(worldMinutes: number) {
      const c = live();
      const left = c.driveNow(worldMinutes);
      c.advanceTo(c.w);
      return left;
    },
    get mileageKm() {
      return live().odometerKm;
    },
    set mileageKm(v: number) {
      const c = live();
      c.odometerKm = v;
      if (!c.driving) c.commitPosition(c.position);
    },
    get fuelLitres() {
      return live().fuelL;
    },
    set fuelLitres(v: number | undefined) {
      const c = live();
      if (c.profile.fuel && v !== undefined) c.fuelL = v;
      if (!c.driving) c.commitPosition(c.position);
    },
    get driving() {
      return live().driving;
    },
    get reportedPosition() {
      const r = live().position;
      return { lat: r.lat, lon: r.lon, at: r.at, odometerKm: r.odometerKm };
    },
    get reportedBattery() {
      const b = live().battery;
      return { soc: b.soc, at: b.at, chargingStatus: b.chargingStatus, plugged: b.plugged, powerKw: b.powerKw };
    },
    get chargePowerKw() {
      return live().chargePowerKw;
    },
    set chargePowerKw(v: number) {
      live().chargePowerKw = v;
      changed();
    },
    get chargeCount() {
      return live().charges.length;
    },
  };
}

function carSvg(color: string, label: string): string {
  const safe = label.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160">
<rect width="320" height="160" fill="#f4f5f7"/>
<path d="M40 110 L60 70 Q70 55 95 52 L200 50 Q230 50 250 70 L280 90 Q295 95 295 110 Z" fill="${color}" stroke="#333" stroke-width="3"/>
<path d="M100 58 L190 56 Q215 57 232 72 L110 74 Z" fill="#cde3f5" stroke="#333" stroke-width="2"/>
<circle cx="95" cy="112" r="20" fill="#222"/><circle cx="240" cy="112" r="20" fill="#222"/>
<circle cx="95" cy="112" r="8" fill="#aaa"/><circle cx="240" cy="112" r="8" fill="#aaa"/>
<text x="160" y="150" font-family="sans-serif" font-size="14" text-anchor="middle" fill="#333">${safe}</text>
</svg>`;
}

export class RenaultSim implements SimProvider {
  readonly prefix = '/renault';
  readonly title = 'Renault / Dacia (Gigya + Kamereon)';
  /** Base URL of the simulated Gigya accounts API (the client calls `${gigyaUrl}/accounts.login`). */
  readonly gigyaUrl: string;
  /** Base URL of the simulated Kamereon API (the client calls `${kamereonUrl}/commerce/v1/...`). */
  readonly kamereonUrl: string;
  /** The last TFA verification code "emailed" by accounts.tfa.email.sendVerificationCode. */
  lastTfaCode: string | undefined;

  private readonly options: RenaultSimOptions;
  private _stats: RenaultSimStats = emptyStats();
  private readonly world: RenaultWorld;
  private readonly gigya: GigyaService;
  private readonly kamereon: KamereonService;
  private readonly quota: Quota;
  private readonly faults = new Faults();
  private readonly accounts = new Map<string, DemoAccount & { personId: string }>();
  private readonly person: PersonInfo;

  constructor(
    private readonly ctx: SimContext,
    opts: Partial<RenaultSimOptions> = {},
  ) {
    this.options = { ...DEFAULT_RENAULT_SIM_OPTIONS, ...opts };
    if (this.options.quota) this.options.quota = { ...DEFAULT_QUOTA, ...this.options.quota };
    this.gigyaUrl = `${ctx.baseUrl}${this.prefix}/gigya`;
    this.kamereonUrl = `${ctx.baseUrl}${this.prefix}/kamereon`;
    const clock = ctx.clock;
    const jwt = new JwtSigner();
    this.quota = new Quota(clock, this.options.quota);
    this.world = new RenaultWorld(clock, ctx.timeScale, this.options.seed, DEMO_CARS, MODEL_PROFILES, ctx.log, this.options.scripts);
    const createdAt = Date.UTC(2019, 3, 29, 20, 39, 36);
    this.person = {
      personId: DEMO_PERSON.personId,
      uid: DEMO_PERSON.uid,
      email: DEMO_RENAULT_USER,
      firstName: DEMO_PERSON.firstName,
      lastName: DEMO_PERSON.lastName,
      country: DEMO_PERSON.country,
      locale: DEMO_PERSON.locale,
      phone: DEMO_PERSON.phone,
      createdAt,
    };
    for (const a of DEMO_ACCOUNTS) this.accounts.set(a.accountId, { ...a, personId: DEMO_PERSON.personId });

    this.gigya = new GigyaService({
      clock,
      jwt,
      stats: () => this._stats,
      log: ctx.log,
      apiKeys: () => [this.options.gigyaApiKey, ...Object.values(PUBLIC_GIGYA_KEYS)],
      jwtMaxLifetimeSec: () => this.options.jwtMaxLifetimeSec,
      lockout: () => this.options.gigyaLockout,
      onTfaCode: (code) => {
        this.lastTfaCode = code;
      },
    });
    this.gigya.addUser({
      email: DEMO_RENAULT_USER,
      password: DEMO_RENAULT_PASSWORD,
      uid: DEMO_PERSON.uid,
      personId: DEMO_PERSON.personId,
      gigyaDataCenter: DEMO_PERSON.gigyaDataCenter,
      firstName: DEMO_PERSON.firstName,
      lastName: DEMO_PERSON.lastName,
      tfa: this.options.tfa,
      trusted: new Map(),
      trustedOnce: new Set(),
      tfaEmail: true,
      verified: true,
      createdAt,
      failures: [],
      lockedUntil: 0,
    });
    this.kamereon = new KamereonService({
      clock,
      world: this.world,
      gigya: this.gigya,
      jwt,
      quota: this.quota,
      faults: this.faults,
      stats: () => this._stats,
      options: () => this.options,
      accounts: () => this.accounts,
      person: (id) => (id === this.person.personId ? this.person : undefined),
      baseUrl: ctx.baseUrl,
      log: ctx.log,
    });
  }

  // ------------------------------------------------------------------------- SimProvider

  handle(req: SimRequest): SimResponse {
    const p = req.path;
    if (p.startsWith('/gigya/')) return this.gigya.handle(p.slice('/gigya/'.length), req);
    if (p === '/kamereon' || p.startsWith('/kamereon/')) return this.kamereon.handle(req, p.slice('/kamereon'.length) || '/');
    const asset = /^\/assets\/([A-Za-z0-9-]+)\.svg$/.exec(p);
    if (asset && req.method === 'GET') {
      const car = this.world.car(asset[1] ?? '');
      return textResponse(200, carSvg(car?.spec.color ?? '#999', car ? `${car.profile.label} ${car.spec.registrationNumber}` : ''), 'image/svg+xml');
    }
    return textResponse(404, 'Not found');
  }

  describe(): string[] {
    this.world.sync();
    const lines = [
      `Gigya:    ${this.gigyaUrl}    (ApiKey ${this.options.gigyaApiKey})`,
      `Kamereon: ${this.kamereonUrl}    (apikey ${this.options.kamereonApiKey})`,
      `User:     ${DEMO_RENAULT_USER} / ${DEMO_RENAULT_PASSWORD}    personId ${DEMO_PERSON.personId}`,
    ];
    for (const a of this.accounts.values()) {
      lines.push(`Account ${a.accountType.padEnd(9)} ${a.accountId}`);
      for (const car of this.world.cars.values()) {
        if (car.spec.accountId !== a.accountId) continue;
        const soc = car.profile.ev ? `SOC ${car.soc.toFixed(1)}%` : `fuel ${(car.fuelL ?? 0).toFixed(1)} L`;
        const state = car.driving ? 'driving' : car.isCharging() ? 'charging' : car.plugged ? 'plugged' : 'parked';
        lines.push(
          `  ${car.spec.vin}  ${car.modelCode} ${car.profile.brand} ${car.profile.label.padEnd(10)} ${car.spec.registrationNumber}  ${soc}  ${state}  ` +
            `${car.pos.lat.toFixed(4)},${car.pos.lon.toFixed(4)}  ${Math.round(car.odometerKm)} km  - ${car.spec.nickname}`,
        );
      }
    }
    return lines;
  }

  // ------------------------------------------------------------------------- test controls

  get stats(): RenaultSimStats {
    return this._stats;
  }

  resetStats(): void {
    this._stats = emptyStats();
  }

  injectFault(fault: RenaultFault): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
    this.gigya.clearFaults();
  }

  /** Armed fault hits not yet used. */
  get pendingFaults(): number {
    return this.faults.pending;
  }

  setPassword(email: string, password: string): void {
    const u = this.gigya.users.get(email.toLowerCase());
    if (!u) throw new Error(`unknown simulated user ${email}`);
    u.password = password;
  }

  /** Invalidates every login_token (getJWT then answers 403005). JWTs already minted stay valid until exp. */
  revokeLoginTokens(): void {
    this.gigya.revokeLoginTokens();
  }

  private user(email: string) {
    const u = this.gigya.users.get(email.toLowerCase());
    if (!u) throw new Error(`unknown simulated user ${email}`);
    return u;
  }

  /** Turns the two-factor requirement on (re-armed: every device needs a code again) or off. */
  setTfa(email: string, on: boolean): void {
    const u = this.user(email);
    u.tfa = on;
    u.trusted.clear();
    u.trustedOnce.clear();
  }

  /** Whether the account has an e-mail address for two-factor codes (getEmails lists none without). */
  setTfaEmail(email: string, on: boolean): void {
    this.user(email).tfaEmail = on;
  }

  /** The devices (gmid) two-factor sign-in trusts now, with when the trust ends. */
  trustedDevices(email: string): { gmid: string; until: number }[] {
    const now = this.ctx.clock.now();
    return [...this.user(email).trusted].filter(([, until]) => until > now).map(([gmid, until]) => ({ gmid, until }));
  }

  /** How long finalizeTFA trusts a device (30 days). */
  get trustMs(): number {
    return TRUST_MS;
  }

  /** Locks the account (login answers 403120) for ms, as too many wrong passwords would; 0 lifts it. */
  lockAccount(email: string, ms: number): void {
    const u = this.user(email);
    u.lockedUntil = ms > 0 ? this.ctx.clock.now() + ms : 0;
    u.failures = [];
  }

  /** Makes the next Gigya calls (of a method, or any) fail: a rate limit, a server error, an HTML 500. */
  injectGigyaFault(fault: GigyaFault): void {
    this.gigya.injectFault(fault);
  }

  /** Makes getJWT answer 403013 "Unverified user" (or lifts it). */
  setVerified(email: string, verified: boolean): void {
    const u = this.gigya.users.get(email.toLowerCase());
    if (!u) throw new Error(`unknown simulated user ${email}`);
    u.verified = verified;
  }

  /**
   * How the server answers an endpoint for a model from now on (as capabilityOverrides does at
   * the start); undefined returns to the built-in table. E.g. 'notFound' while a car sleeps.
   */
  setSupport(modelCode: string, key: EndpointKey, support: Support | undefined): void {
    const current = { ...(this.options.capabilityOverrides[modelCode] ?? {}) };
    if (support === undefined) delete current[key];
    else current[key] = support;
    this.options.capabilityOverrides = { ...this.options.capabilityOverrides, [modelCode]: current };
  }

  /** Changes the quota (merged with the current one) or disables it with false; counters restart. */
  setQuota(q: Partial<RenaultQuotaOptions> | false): void {
    const base = this.options.quota || DEFAULT_QUOTA;
    this.options.quota = q === false ? false : { ...base, ...q };
    this.quota.options = this.options.quota;
    this.quota.reset();
  }

  /** Calls counted in the current quota window of an account, and its lockout end if locked. */
  quotaStatus(accountId: string): { calls: number; lockedUntil?: number } {
    return this.quota.status(`account:${accountId}`);
  }

  setActionDelay(ms: number): void {
    this.options.actionDelayMs = ms;
  }

  get vins(): string[] {
    return [...this.world.cars.keys()];
  }

  car(vin: string): RenaultCarControl {
    const c = this.world.car(vin);
    if (!c) throw new Error(`unknown simulated VIN ${vin}`);
    return carControl(this.world, c);
  }

  /** The drives a car made since the simulator started (ignition-on to ignition-off, odometer): the ground truth of trips. */
  tripsDone(vin: string): DoneTrip[] {
    const c = this.world.car(vin);
    if (!c) throw new Error(`unknown simulated VIN ${vin}`);
    this.world.sync();
    return c.tripsDone.filter((t) => !Number.isNaN(t.endAt)).map((t) => ({ ...t }));
  }

  get accountIds(): { myRenault: string; myDacia: string; sfdc: string } {
    const byType = (t: string): string => [...this.accounts.values()].find((a) => a.accountType === t)?.accountId ?? '';
    return { myRenault: byType('MYRENAULT'), myDacia: byType('MYDACIA'), sfdc: byType('SFDC') };
  }

  get personId(): string {
    return this.person.personId;
  }
}
