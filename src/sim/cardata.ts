/**
 * The simulated BMW CarData cloud (spec bmw.md part B), mounted under `/cardata`:
 *   /cardata/gcdm/oauth/device/code, /cardata/gcdm/oauth/token   sign-in (device code + PKCE)
 *   /cardata/device                                              the page where a code is confirmed
 *   /cardata/api/customers/...                                   REST, 50 calls a day per account
 * plus an MQTT broker on 127.0.0.1 (aedes) streaming what changes in a demo BMW i4 and a demo
 * MINI Countryman plug-in hybrid. Start with `await sim.start()` (startSimulator does it).
 */
import type { TimerHandle } from '../core/clock';
import { faultHits, textResponse, type SimContext, type SimProvider, type SimRequest, type SimResponse } from './http';
import { JwtSigner } from './renault/jwt';
import { AEDES_MISSING, CardataBroker } from './cardata/broker';
import { CardataOAuth, DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_GCID } from './cardata/oauth';
import { CardataRest } from './cardata/rest';
import { CARDATA_FAULT_PLACE, emptyStats, type CardataFault, type CardataFaultPlace, type CardataFaultKind, type CardataQuotaOptions, type CardataSimOptions, type CardataSimStats } from './cardata/types';
import { DEMO_CARDATA_CARS, REST_ONLY, SimCardataCar, WorldClock, type KeyValue, type SimKey } from './cardata/world';

export { DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_GCID } from './cardata/oauth';
export { DEMO_CARDATA_CARS } from './cardata/world';
export type { CardataFault, CardataFaultKind, CardataFaultPlace, CardataQuotaOptions, CardataSimOptions, CardataSimStats, CardataClientOptions } from './cardata/types';

export const DEFAULT_CARDATA_SIM_OPTIONS: Readonly<CardataSimOptions> = {
  clients: { [DEMO_CARDATA_CLIENT_ID]: { api: true, streaming: true } },
  autoApproveMs: 10_000,
  deviceCodeTtlS: 300,
  pollIntervalS: 5,
  verificationUriComplete: false,
  tokenLifetimeS: 3600,
  refreshLifetimeS: 14 * 86_400,
  quota: { limit: 50, windowMs: 86_400_000 },
  brokerPort: 0,
  mqttLingerMs: 10_000,
  streamIntervalMs: 10_000,
  streamKeys: 'all',
  historyPageSize: 10,
  seed: 7,
};

interface ArmedFault {
  path?: RegExp | string;
  kind: CardataFaultKind;
  remaining: number;
}

/** A handle on one simulated car for tests and demos. */
export interface CardataCarControl {
  readonly vin: string;
  /** Current value of a key (after the world and overrides), as the stream would send it. */
  value(key: string): KeyValue | undefined;
  /** Pins a key to a value (undefined: back to the world's); published with the next tick. */
  set(key: string, value: KeyValue | undefined, unit?: string): void;
  /** Publishes now: the given keys (values as the stream sends them), or every streamable key. */
  publish(data?: Record<string, KeyValue>): Promise<void>;
  /** The phase of the car's cycle (charging, charged, driving, arrived, parked). */
  readonly phase: string;
}

export class CardataSim implements SimProvider {
  readonly prefix = '/cardata';
  readonly title = 'BMW / MINI CarData (device code sign-in, REST, MQTT stream)';
  /** Root of the OAuth endpoints: the client's servers.auth. */
  readonly authUrl: string;
  /** REST root: the client's servers.api. */
  readonly apiUrl: string;
  /** The page where a user code is confirmed. */
  readonly deviceUrl: string;

  private readonly options: CardataSimOptions;
  private _stats: CardataSimStats = emptyStats();
  private faults: ArmedFault[] = [];
  private readonly world: WorldClock;
  private readonly cars = new Map<string, SimCardataCar>();
  private readonly oauth: CardataOAuth;
  private readonly rest: CardataRest;
  private broker?: CardataBroker;
  private tick?: TimerHandle;
  private lastPublished = new Map<string, number>();
  private closed = false;
  /** Why there is no broker, when there is none. */
  brokerProblem: string | undefined;

  constructor(
    private readonly ctx: SimContext,
    opts: Partial<CardataSimOptions> = {},
  ) {
    this.options = { ...DEFAULT_CARDATA_SIM_OPTIONS, ...opts, clients: { ...DEFAULT_CARDATA_SIM_OPTIONS.clients, ...opts.clients } };
    this.authUrl = `${ctx.baseUrl}${this.prefix}/gcdm`;
    this.apiUrl = `${ctx.baseUrl}${this.prefix}/api`;
    this.deviceUrl = `${ctx.baseUrl}${this.prefix}/device`;
    this.world = new WorldClock(ctx.clock, ctx.timeScale);
    for (const demo of DEMO_CARDATA_CARS) {
      const spec = this.options.neueKlasse?.includes(demo.vin) ? { ...demo, neueKlasse: true } : demo;
      this.cars.set(spec.vin, new SimCardataCar(spec, this.world, this.options.seed, this.options.scripts?.[spec.vin]));
    }
    const stats = (): CardataSimStats => this._stats;
    const fault = (place: CardataFaultPlace, path: string): CardataFaultKind | undefined => this.takeFault(place, path);
    this.oauth = new CardataOAuth({ clock: ctx.clock, jwt: new JwtSigner(), stats, options: () => this.options, fault, log: ctx.log, deviceUrl: this.deviceUrl });
    this.rest = new CardataRest({
      clock: ctx.clock,
      world: this.world,
      oauth: this.oauth,
      cars: () => this.cars,
      stats,
      quota: () => this.options.quota,
      fault,
      historyPageSize: () => this.options.historyPageSize,
      secondary: () => this.options.secondary ?? [],
    });
    const now = ctx.clock.now();
    for (const car of this.cars.values()) {
      car.sync(now);
      this.lastPublished.set(car.spec.vin, now);
    }
  }

  /** Starts the MQTT broker (unless brokerPort is false) and the stream's clock. */
  async start(): Promise<void> {
    if (this.options.brokerPort !== false && !this.broker) {
      try {
        this.broker = await CardataBroker.start(
          {
            clock: this.ctx.clock,
            oauth: this.oauth,
            stats: () => this._stats,
            streamingSelected: () => this.options.streamKeys === 'all' || this.options.streamKeys.length > 0,
            log: this.ctx.log,
            onClients: (n) => (n > 0 ? this.scheduleTick(false) : this.stopTick()),
            lingerMs: () => this.options.mqttLingerMs,
          },
          this.options.brokerPort,
        );
        if (!this.broker) this.brokerProblem = AEDES_MISSING;
        else if (this.options.brokerPort !== 0 && this.broker.port !== this.options.brokerPort) {
          this.ctx.log(`[cardata] MQTT port ${this.options.brokerPort} is taken: the broker listens on ${this.broker.url}`);
        }
      } catch (e) {
        this.brokerProblem = `The CarData simulator's MQTT broker did not start: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (this.brokerProblem) this.ctx.log(`[cardata] ${this.brokerProblem}`);
    }
  }

  private stopTick(): void {
    this.ctx.clock.clearTimeout(this.tick);
    this.tick = undefined;
  }

  /** The stream's clock: runs only while a client is connected (no timers otherwise). */
  private scheduleTick(restart = true): void {
    if (this.closed || (!restart && this.tick)) return;
    this.ctx.clock.clearTimeout(this.tick);
    this.tick = undefined;
    if (this.brokerClients === 0) return;
    this.tick = this.ctx.clock.setTimeout(() => {
      this.tick = undefined;
      void this.publishChanges().finally(() => this.scheduleTick());
    }, this.options.streamIntervalMs);
  }

  private streamable(key: string): boolean {
    if (REST_ONLY.has(key)) return false;
    const sel = this.options.streamKeys;
    return sel === 'all' || sel.includes(key);
  }

  /** Publishes, per car, the streamable keys that changed since the last publication. */
  async publishChanges(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const car of this.cars.values()) {
      car.sync(now);
      const since = this.lastPublished.get(car.spec.vin) ?? 0;
      const data: Record<string, SimKey & { timestamp: string }> = {};
      for (const key of car.keys()) {
        const v = car.get(key);
        if (v && v.at > since && this.streamable(key)) data[key] = { ...v.key, timestamp: new Date(v.at).toISOString() };
      }
      this.lastPublished.set(car.spec.vin, now);
      if (Object.keys(data).length > 0) await this.send(car, data);
    }
  }

  private async send(car: SimCardataCar, data: Record<string, { value: KeyValue; unit?: string; timestamp: string }>): Promise<void> {
    if (!this.broker) return;
    const topic = `${DEMO_CARDATA_GCID}/${car.spec.vin}`;
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) body[k] = { timestamp: v.timestamp, value: v.value, ...(v.unit ? { unit: v.unit } : {}) };
    this._stats.published++;
    await this.broker.publish(topic, { vin: car.spec.vin, entityId: `${car.spec.vin}-${this._stats.published}`, topic, timestamp: new Date(this.ctx.clock.now()).toISOString(), data: body });
  }

  // ------------------------------------------------------------------------- SimProvider

  handle(req: SimRequest): SimResponse {
    const p = req.path;
    if (p === '/gcdm/oauth/device/code' && req.method === 'POST') return this.oauth.deviceCode(req);
    if (p === '/gcdm/oauth/token' && req.method === 'POST') return this.oauth.token(req);
    if (p === '/device' && (req.method === 'GET' || req.method === 'POST')) return this.oauth.page(req);
    if (p.startsWith('/api/')) return this.rest.handle(req, p.slice('/api'.length));
    return textResponse(404, 'Not found');
  }

  describe(): string[] {
    const now = this.ctx.clock.now();
    const q = this.options.quota;
    const lines = [
      `OAuth:   ${this.authUrl}    (client id ${DEMO_CARDATA_CLIENT_ID})`,
      `Confirm: ${this.deviceUrl}    (${this.options.autoApproveMs === false ? 'codes wait for this page' : `codes are confirmed by themselves after ${Math.round(this.options.autoApproveMs / 1000)} s`})`,
      `REST:    ${this.apiUrl}    (${q ? `${this.rest.quotaStatus(DEMO_CARDATA_GCID).calls}/${q.limit} calls used` : 'no quota'})`,
      `MQTT:    ${this.broker ? `${this.broker.url}    (username ${DEMO_CARDATA_GCID}, password = id_token, topic ${DEMO_CARDATA_GCID}/+; one connection per account)` : (this.brokerProblem ?? 'off')}`,
    ];
    for (const car of this.cars.values()) {
      car.sync(now);
      const soc = car.get('vehicle.powertrain.electric.battery.stateOfCharge.displayed')?.key.value;
      const km = car.get('vehicle.vehicle.travelledDistance')?.key.value;
      lines.push(`  ${car.spec.vin}  ${car.spec.brand} ${car.spec.modelName.padEnd(20)} ${car.spec.propulsionType.padEnd(5)} SOC ${String(soc)}%  ${car.moment(now).phase.padEnd(8)} ${String(km)} km`);
    }
    return lines;
  }

  close(): void {
    this.closed = true;
    this.ctx.clock.clearTimeout(this.tick);
    this.broker?.close();
    this.broker = undefined;
  }

  // ------------------------------------------------------------------------- test controls

  get stats(): CardataSimStats {
    return this._stats;
  }

  resetStats(): void {
    this._stats = emptyStats();
  }

  /** mqtt://127.0.0.1:PORT, or undefined when the broker is off (no aedes, brokerPort false). */
  get brokerUrl(): string | undefined {
    return this.broker?.url;
  }

  get brokerClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  injectFault(fault: CardataFault): void {
    this.faults.push({ ...(fault.path !== undefined ? { path: fault.path } : {}), kind: fault.kind, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  get pendingFaults(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }

  private takeFault(place: CardataFaultPlace, path: string): CardataFaultKind | undefined {
    const f = this.faults.find((a) => a.remaining > 0 && CARDATA_FAULT_PLACE[a.kind] === place && faultHits(a.path, path));
    if (!f) return undefined;
    f.remaining--;
    this.faults = this.faults.filter((a) => a.remaining > 0);
    return f.kind;
  }

  /** Confirms a user code as the user would on BMW's page. False when unknown, used or expired. */
  approve(userCode: string): boolean {
    return this.oauth.decide(userCode, true);
  }

  /** Refuses a user code (the token endpoint then answers access_denied). */
  deny(userCode: string): boolean {
    return this.oauth.decide(userCode, false);
  }

  /** The user code of the last device code request. */
  get lastUserCode(): string | undefined {
    return this.oauth.lastUserCode;
  }

  /** Kills every refresh token (the next refresh answers 400 invalid_request, as BMW does). */
  revokeRefreshTokens(): void {
    this.oauth.revokeRefreshTokens();
  }

  /** Adds or changes a client id and its subscriptions. */
  setClient(clientId: string, subscriptions: { api: boolean; streaming: boolean }): void {
    this.options.clients[clientId] = subscriptions;
  }

  setAutoApprove(ms: number | false): void {
    this.options.autoApproveMs = ms;
  }

  /** Whether device code answers carry verification_uri_complete (BMW's 2025 answer) or not (2026, the default). */
  setVerificationUriComplete(on: boolean): void {
    this.options.verificationUriComplete = on;
  }

  /** Publishes a message body as given on <gcid>/<vin> (a test's own shape of a BMW message). */
  async publishRaw(vin: string, body: unknown, gcid = DEMO_CARDATA_GCID): Promise<void> {
    if (!this.broker) return;
    this._stats.published++;
    await this.broker.publish(`${gcid}/${vin}`, body);
  }

  setTokenLifetime(seconds: number): void {
    this.options.tokenLifetimeS = seconds;
  }

  /** Changes the quota (merged) or disables it with false; the counters restart. */
  setQuota(q: Partial<CardataQuotaOptions> | false): void {
    const base = this.options.quota || DEFAULT_CARDATA_SIM_OPTIONS.quota || { limit: 50, windowMs: 86_400_000 };
    this.options.quota = q === false ? false : { ...base, ...q };
    this.rest.resetQuota();
  }

  /** REST calls counted in the account's current window. */
  quotaStatus(gcid = DEMO_CARDATA_GCID): { calls: number } {
    return this.rest.quotaStatus(gcid);
  }

  /** Number of containers the account has. */
  containerCount(gcid = DEMO_CARDATA_GCID): number {
    return this.rest.activeContainers(gcid).length;
  }

  /** BMW drops the account's containers (they vanish from the list; telematicData with their ids answers 403 CU-105). */
  dropContainers(gcid = DEMO_CARDATA_GCID): void {
    for (const id of [...this.rest.containersOf(gcid).keys()]) this.rest.dropContainer(gcid, id);
  }

  /** Data points selected for streaming ([] = none: subscriptions are refused with 128). */
  setStreamKeys(keys: 'all' | string[]): void {
    this.options.streamKeys = keys;
  }

  /** Closes every stream connection; the broker keeps running (clients must reconnect). */
  dropConnections(): void {
    this.broker?.dropAll();
  }

  /**
   * Makes the broker refuse (5, not authorized) the id_tokens issued until now, though still valid, until a newer one
   * connects: BMW's refusal that a fresh token cleared (kvanbiesen#443).
   */
  refuseStreamUntilFreshToken(): void {
    if (this.broker) this.broker.refuseTokensUpTo = this.ctx.clock.now();
  }

  /** Makes the broker refuse every connection (code 3, server unavailable) or accept them again. */
  setBrokerAvailable(available: boolean): void {
    if (this.broker) this.broker.available = available;
  }

  /**
   * The drives a scripted car has finished by now (its script's trips, with the odometer), the
   * ground truth of trips; none for a car on its demo cycle.
   */
  tripsDone(vin: string): { startAt: number; endAt: number; startKm: number; endKm: number }[] {
    const c = this.cars.get(vin);
    if (!c) throw new Error(`unknown simulated VIN ${vin}`);
    const now = this.ctx.clock.now();
    return (c.script?.trips ?? []).filter((t) => t.endAt <= now).map((t) => ({ startAt: t.startAt, endAt: t.endAt, startKm: t.startKm, endKm: t.startKm + t.distanceKm }));
  }

  get vins(): string[] {
    return [...this.cars.keys()];
  }

  car(vin: string): CardataCarControl {
    const c = this.cars.get(vin);
    if (!c) throw new Error(`unknown simulated VIN ${vin}`);
    const clock = this.ctx.clock;
    return {
      vin,
      value: (key) => {
        c.sync(clock.now());
        return c.get(key)?.key.value;
      },
      set: (key, value, unit) => {
        if (value === undefined) c.overrides.delete(key);
        else c.overrides.set(key, { value, ...(unit ? { unit } : {}) });
        c.sync(clock.now());
      },
      publish: async (data) => {
        const now = clock.now();
        c.sync(now);
        const ts = new Date(now).toISOString();
        const out: Record<string, { value: KeyValue; unit?: string; timestamp: string }> = {};
        if (data) for (const [k, v] of Object.entries(data)) out[k] = { value: v, timestamp: ts };
        else {
          for (const k of c.keys()) {
            const v = c.get(k);
            if (v && this.streamable(k)) out[k] = { ...v.key, timestamp: new Date(v.at).toISOString() };
          }
        }
        await this.send(c, out);
      },
      get phase() {
        return c.moment(clock.now()).phase;
      },
    };
  }
}
