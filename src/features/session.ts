import { EventEmitter } from 'node:events';
import { z } from 'zod';
import {
  CallBudget,
  CarError,
  HttpClient,
  SingleFlight,
  TokenRejectedError,
  TokenStore,
  VehicleSchema,
  accountSeed,
  redactingLogger,
  silentLogger,
  systemClock,
  toCarError,
  type CallKind,
  type Clock,
  type Logger,
  type StatusFragment,
  type StatusPart,
  type StoredAccount,
  type TimerHandle,
  type Vehicle,
  type VehicleStatus,
} from '../core';
import type { AccountConfig, Connection, EndpointRead, OptionalFacet, Provider, ProviderContext } from '../brands';
import { SignIn, type SessionState } from './sign-in';
import { StatusCache } from './status-cache';

export type { SessionPhase, SessionState } from './sign-in';

export interface SessionOptions {
  /** Names the account's file in the store (one per cloud account). */
  key: string;
  /** Older names of that file (the config node's id, before accounts were shared): read once, then moved. */
  legacyKeys?: string[];
  provider: Provider<unknown>;
  config: AccountConfig;
  store: TokenStore;
  clock?: Clock;
  http?: HttpClient;
  log?: Logger;
  /** Re-mint the access token this long before it expires. */
  refreshMarginMs?: number;
  /** Overrides of the provider's default budget. */
  budget?: { limit?: number; windowMs?: number; reserve?: number };
  /** How long the vehicle list is trusted. */
  vehicleListTtlMs?: number;
}

export interface ReadOptions {
  kind?: CallKind;
  /** Parts younger than this are served from the shared cache. */
  maxAgeMs?: number;
}

export type StatusWithMissing = VehicleStatus & { missing?: { part: StatusPart; code: string; message: string }[] };

const SAVE_DELAY_MS = 2_000;

/**
 * One cloud account, shared by every node that uses it: joins the sign-in (tokens), the call
 * budget, the status cache, the brand's Connection (its facets) and its stream. Emits 'state'
 * (SessionState), 'status' (vin, VehicleStatus, raw bodies) and 'stream' (stream events).
 */
export class AccountSession extends EventEmitter {
  readonly key: string;
  readonly provider: Provider<unknown>;
  readonly config: AccountConfig;
  readonly budget: CallBudget;
  readonly clock: Clock;
  /** The brand's side of the account: what it can do, as facets. */
  readonly connection: Connection;
  /** The pollers reading through this account, so each can take its share of the budget. */
  readonly pollers = new Set<object>();
  private readonly store: TokenStore;
  private readonly legacyKeys: string[];
  private readonly http: HttpClient;
  private readonly ownsHttp: boolean;
  private readonly log: Logger;
  private readonly seed: string;
  private readonly vehicleListTtlMs: number;
  private readonly flights = new SingleFlight<unknown>();
  private readonly signIn: SignIn;
  private readonly cache: StatusCache;
  /** State the features keep per account (a command queue, shared reads), freed with it. */
  private readonly slots = new Map<symbol, unknown>();
  private stream?: { close(): Promise<void> };
  private vehicleList?: { at: number; vehicles: Vehicle[] };
  private loaded?: Promise<void>;
  private saveTimer?: TimerHandle;
  private closed = false;
  private current: SessionState = { phase: 'idle' };

  constructor(options: SessionOptions) {
    super();
    // Every node of the account listens (status dots, pushed data): no listener cap.
    this.setMaxListeners(0);
    this.key = options.key;
    this.legacyKeys = options.legacyKeys ?? [];
    this.provider = options.provider;
    this.config = options.config;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.ownsHttp = !options.http;
    this.log = redactingLogger(options.log ?? silentLogger);
    this.http = options.http ?? new HttpClient({ clock: this.clock, log: (l) => this.log.debug(l) });
    this.vehicleListTtlMs = options.vehicleListTtlMs ?? 24 * 3_600_000;
    const b = this.provider.budget;
    this.budget = new CallBudget({
      limit: options.budget?.limit ?? b.limit,
      windowMs: options.budget?.windowMs ?? b.windowMs,
      reserve: options.budget?.reserve ?? b.reserve,
      code: b.code,
      clock: this.clock,
    });
    this.budget.onChange = () => this.scheduleSave();
    this.cache = new StatusCache(this.provider.id);
    this.signIn = new SignIn({
      provider: this.provider,
      context: () => this.context(),
      clock: this.clock,
      log: this.log,
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
      save: () => this.save(),
      setState: (s) => this.setState(s),
      fail: (err) => this.fail(err),
    });
    this.connection = this.provider.connect({ ...this.context(), withAuth: (fn) => this.call(fn), getAuth: (rejected) => this.getAuth(rejected) });
    const c = this.config;
    // A pasted token is part of the identity too (only then, so that existing files keep their seed).
    const token = c.authMode === 'token' ? ['token', c.accessToken, c.accountId] : [];
    this.seed = accountSeed([c.provider, c.brand, c.locale, c.username, c.password, ...Object.values(c.servers), ...Object.values(c.keys), ...token]);
  }

  get state(): SessionState {
    return this.current;
  }

  private setState(next: SessionState): void {
    next = this.signIn.stateOf(next);
    const same = next.phase === this.current.phase && next.message === this.current.message && next.until === this.current.until;
    this.current = next;
    if (!same) this.emit('state', next);
  }

  private context(): ProviderContext {
    return { config: this.config, http: this.http, clock: this.clock, budget: this.budget, log: this.log };
  }

  /** Loads what the store kept (tokens, budget, a block, the vehicles). Idempotent; no network. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      let saved = await this.store.load(this.key).catch(() => undefined);
      for (const legacy of this.legacyKeys) {
        if (saved) break;
        saved = await this.store.load(legacy).catch(() => undefined);
        if (saved?.seed === this.seed) await this.store.save(this.key, saved).then(() => this.store.remove(legacy)).catch(() => undefined);
      }
      if (!saved || saved.seed !== this.seed) return; // another user, password or server: start clean
      this.budget.restore(saved.budget);
      const vehicles = z.array(VehicleSchema).safeParse(saved.extra?.vehicles);
      if (vehicles.success && typeof saved.extra?.vehiclesAt === 'number') this.vehicleList = { at: saved.extra.vehiclesAt, vehicles: vehicles.data };
      this.signIn.restore(saved);
    })();
    return this.loaded;
  }

  private snapshot(): StoredAccount {
    const { pending, ...signIn } = this.signIn.snapshot(this.clock.now());
    const list = this.vehicleList;
    const extra = { ...(list ? { vehicles: list.vehicles, vehiclesAt: list.at } : {}), ...(pending ? { pending } : {}) };
    return { version: 1, seed: this.seed, ...signIn, budget: this.budget.snapshot(), ...(Object.keys(extra).length ? { extra } : {}) };
  }

  private async save(): Promise<void> {
    // A read still in flight at close must not write the file back after forget().
    if (this.closed) return;
    this.clock.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.store.save(this.key, this.snapshot()).catch((e: unknown) => this.log.warn(`could not save the account state: ${toCarError(e).message}`));
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = this.clock.setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** A valid access token: signs in or refreshes when needed (sign-in.ts). */
  async getAuth(rejected?: unknown): Promise<unknown> {
    await this.load();
    return this.signIn.getAuth(rejected);
  }

  /** True when tokens were restored or obtained: nodes may start polling. */
  get signedIn(): boolean {
    return this.signIn.signedIn;
  }

  /** True while a sign-in waits for the user's code (submitCode answers it). */
  get awaitingCode(): boolean {
    return this.signIn.awaitingCode;
  }

  /** Answers the pending second step with what the user typed; the answer is a secret. */
  async submitCode(answer: string): Promise<SessionState> {
    await this.load();
    await this.signIn.submitCode(answer);
    return this.current;
  }

  /** Clears a block (the user asked to try again, e.g. after fixing the password elsewhere). */
  async unblock(): Promise<void> {
    await this.load();
    await this.signIn.unblock();
  }

  private fail(err: CarError): CarError {
    // A car that lacks an endpoint, or a wrong input, says nothing about the account.
    if (err.code === 'NOT_SUPPORTED' || err.code === 'BAD_INPUT') return err;
    const until = err.retryAt !== undefined ? { until: err.retryAt } : {};
    if (err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') this.setState({ phase: 'rate_limited', code: err.code, message: err.message, ...until });
    else if (!this.signIn.isBlocked) this.setState({ phase: 'error', code: err.code, message: err.message, ...until });
    return err;
  }

  /** Runs fn with a valid token; after a rejected token, re-mints it and tries once more. */
  private async call<T>(fn: (auth: unknown) => Promise<T>): Promise<T> {
    const auth = await this.getAuth();
    try {
      const out = await fn(auth);
      if (this.current.phase !== 'ready') this.setState({ phase: 'ready' });
      return out;
    } catch (e) {
      if (!(e instanceof TokenRejectedError)) throw this.fail(toCarError(e));
      this.log.debug('access token rejected; minting a new one');
      const fresh = await this.getAuth(auth);
      try {
        return await fn(fresh);
      } catch (e2) {
        if (e2 instanceof TokenRejectedError) throw this.fail(new CarError('AUTH_FAILED', 'The cloud rejected a freshly minted token; check the application keys under Advanced'));
        throw this.fail(toCarError(e2));
      }
    }
  }

  /** A facet of the connection; NOT_SUPPORTED naming the cloud and why when it has none. */
  facet<F extends OptionalFacet>(name: F, what: string): NonNullable<Connection[F]> {
    const facet = this.connection[name];
    if (facet) return facet as NonNullable<Connection[F]>;
    const why = this.connection.missing?.[name];
    throw new CarError('NOT_SUPPORTED', `${this.provider.name} cannot ${what}${why ? `: ${why}` : ''}`, { transient: false });
  }

  /** Per-account state of a feature (made on first use, freed with the account). */
  local<T>(slot: symbol, make: () => T): T {
    if (!this.slots.has(slot)) this.slots.set(slot, make());
    return this.slots.get(slot) as T;
  }

  /** The account's vehicles; cached (and stored) for a day unless forced. */
  async vehicles(options: { force?: boolean; kind?: CallKind } = {}): Promise<Vehicle[]> {
    await this.load();
    const list = this.vehicleList;
    if (!options.force && list && this.clock.now() - list.at < this.vehicleListTtlMs) return list.vehicles;
    return this.flights.run('vehicles', async () => {
      const all = await this.connection.listVehicles({ kind: options.kind ?? 'explicit' });
      const brand = this.config.brand;
      const vehicles = brand ? all.filter((v) => v.brand === undefined || v.brand === brand) : all;
      this.vehicleList = { at: this.clock.now(), vehicles };
      await this.save();
      return vehicles;
    }) as Promise<Vehicle[]>;
  }

  async vehicle(vin: string): Promise<Vehicle> {
    const found = (await this.vehicles()).find((v) => v.vin === vin);
    if (found) return found;
    const again = (await this.vehicles({ force: true })).find((v) => v.vin === vin);
    if (!again) throw new CarError('BAD_INPUT', `vehicle ${vin} is not in this account`);
    return again;
  }

  /** Calls one status read of these parts costs (estimate before the vehicle list is known: one per part). */
  statusCostEstimate(vin: string, parts: StatusPart[]): number {
    const vehicle = this.vehicleList?.vehicles.find((v) => v.vin === vin);
    return vehicle ? this.connection.status.cost(vehicle, parts) : parts.length;
  }

  /** The last status assembled for a vehicle, from the cache (no call). */
  cachedStatus(vin: string, only?: StatusPart[]): VehicleStatus | undefined {
    const known = this.cache.known(vin);
    return known.length ? this.cache.assemble(vin, only ?? known, this.clock.now()) : undefined;
  }

  /**
   * The status of a vehicle. Parts read within maxAgeMs come from the shared cache; one read
   * per vehicle at a time; the budget is checked for the whole read before it starts.
   */
  async readStatus(vin: string, parts: StatusPart[], options: ReadOptions = {}): Promise<StatusWithMissing> {
    const kind = options.kind ?? 'background';
    const vehicle = await this.vehicle(vin);
    this.startStream();
    let since = Infinity;
    for (let round = 0; round < 3; round++) {
      const stale = this.cache.stale(vin, parts, options.maxAgeMs ?? 0, this.clock.now(), since);
      if (stale.length === 0) break;
      const flight = `status:${vin}`;
      if (this.flights.has(flight)) {
        // Join the read in flight and take what it brings, whatever maxAgeMs says.
        since = this.clock.now();
        await this.flights.run(flight, () => Promise.resolve()).catch(() => undefined);
        continue;
      }
      const missing = (await this.flights.run(flight, () => this.fetchParts(vehicle, stale, kind))) as StatusWithMissing['missing'];
      const status = this.cache.assemble(vin, parts, this.clock.now());
      return missing?.length ? { ...status, missing } : status;
    }
    return this.cache.assemble(vin, parts, this.clock.now());
  }

  private async fetchParts(vehicle: Vehicle, parts: StatusPart[], kind: CallKind): Promise<StatusWithMissing['missing']> {
    const cost = this.connection.status.cost(vehicle, parts);
    if (cost > 0 && !this.budget.canTake(kind, cost)) this.budget.take(kind, cost); // throws, naming when it fits
    const read = await this.connection.status.read(vehicle, parts, { kind });
    this.cache.storeRead(vehicle.vin, parts, read, this.clock.now());
    this.emitStatus(vehicle.vin, read.raw);
    return read.missing;
  }

  /** Tells every node of the account what it now knows of a vehicle. */
  private emitStatus(vin: string, raw: Record<string, unknown>): void {
    this.emit('status', vin, this.cache.assemble(vin, this.cache.known(vin), this.clock.now()), raw);
  }

  /**
   * Reads one named endpoint of a vehicle (raw body and mapped model), for car-request.
   * Explicit by default (may use the budget's reserve); what it says about the status (a
   * lock, a charge mode) updates the shared status cache.
   */
  async readEndpoint(vin: string, endpoint: string, params: Record<string, string> = {}, options: { kind?: CallKind } = {}): Promise<EndpointRead> {
    const vehicle = await this.vehicle(vin);
    const key = `endpoint:${vin}:${endpoint}:${JSON.stringify(Object.entries(params).sort())}`;
    return this.flights.run(key, async () => {
      const out = await this.connection.raw.readEndpoint(vehicle, endpoint, params, { kind: options.kind ?? 'explicit' });
      if (out.status) this.cache.patch(vin, out.status, out.readAt);
      return out;
    }) as Promise<EndpointRead>;
  }

  /** Starts the brand's push stream once, if it has one; what it brings goes into the cache. */
  private startStream(): void {
    const stream = this.connection.stream;
    if (this.stream || this.closed || !stream || !this.signedIn) return;
    this.stream = stream.open(
      (vin, fragment) => this.applyPushed(vin, fragment),
      (event) => this.emit('stream', event),
    );
  }

  /** A pushed fragment replaces the parts it touches, as a read would; costs no call. */
  private applyPushed(vin: string, fragment: StatusFragment): void {
    if (this.closed) return;
    this.cache.storePushed(vin, fragment, this.clock.now());
    this.emitStatus(vin, {});
  }

  /** Deletes what the store kept for this account (the account was removed). */
  async forget(): Promise<void> {
    await this.store.remove(this.key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.signIn.close();
    await this.stream?.close().catch(() => undefined);
    this.stream = undefined;
    await this.save();
    this.closed = true;
    this.removeAllListeners();
    this.slots.clear();
    await this.connection.close();
    if (this.ownsHttp) await this.http.close();
  }
}
