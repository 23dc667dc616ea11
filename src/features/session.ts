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
  redactingLogger,
  silentLogger,
  systemClock,
  toCarError,
  type CallKind,
  type Clock,
  type Logger,
  type StatusPart,
  type StoredAccount,
  type Vehicle,
  type VehicleStatus,
} from '../core';
import type { AccountConfig, Connection, EndpointRead, OptionalFacet, Provider, ProviderContext } from '../brands';
import { SignIn, type SessionState } from './sign-in';
import { StatusCache, type ReadOptions, type StatusWithMissing } from './status-cache';
import { AccountFile } from './account-file';
import { StreamLink } from './session-stream';

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
  /** How long one HTTP attempt may take (default: HttpClient's); the fault suite shortens it. */
  httpTimeoutMs?: number;
  log?: Logger;
  /** Re-mint the access token this long before it expires. */
  refreshMarginMs?: number;
  /** Overrides of the provider's default budget. */
  budget?: { limit?: number; windowMs?: number; reserve?: number };
  /** How long the vehicle list is trusted. */
  vehicleListTtlMs?: number;
}

export type { ReadOptions, StatusWithMissing } from './status-cache';

/**
 * One cloud account, shared by every node that uses it: joins the sign-in (tokens), the call
 * budget, the status cache, the brand's Connection (its facets) and its stream. Emits 'state'
 * (SessionState), 'status' (vin, VehicleStatus, raw bodies) and 'stream' (stream events).
 */
export class AccountSession extends EventEmitter {
  readonly key: string;
  readonly provider: Provider<unknown>;
  /** The cloud's name as users know it (for messages). */
  readonly cloud: string;
  readonly config: AccountConfig;
  readonly budget: CallBudget;
  readonly clock: Clock;
  /** The brand's side of the account: what it can do, as facets. */
  readonly connection: Connection;
  /** The pollers reading through this account, so each can take its share of the budget. */
  readonly pollers = new Set<object>();
  private readonly file: AccountFile;
  private readonly http: HttpClient;
  private readonly ownsHttp: boolean;
  private readonly log: Logger;
  private readonly vehicleListTtlMs: number;
  private readonly flights = new SingleFlight<unknown>();
  private readonly signIn: SignIn;
  private readonly cache: StatusCache;
  /** State the features keep per account (a command queue, shared reads), freed with it. */
  private readonly slots = new Map<symbol, unknown>();
  private readonly stream: StreamLink;
  private vehicleList?: { at: number; vehicles: Vehicle[] };
  private loaded?: Promise<void>;
  private closed = false;
  private current: SessionState = { phase: 'idle' };

  constructor(options: SessionOptions) {
    super();
    // Every node of the account listens (status dots, pushed data): no listener cap.
    this.setMaxListeners(0);
    this.key = options.key;
    this.provider = options.provider;
    this.cloud = options.provider.name;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.ownsHttp = !options.http;
    this.log = redactingLogger(options.log ?? silentLogger);
    this.http = options.http ?? new HttpClient({ clock: this.clock, ...(options.httpTimeoutMs !== undefined ? { timeoutMs: options.httpTimeoutMs } : {}), log: (l) => this.log.debug(l) });
    this.vehicleListTtlMs = options.vehicleListTtlMs ?? 24 * 3_600_000;
    this.budget = new CallBudget({ ...this.provider.budget, ...options.budget, code: this.provider.budget.code, clock: this.clock });
    this.budget.onChange = () => this.file.saveSoon();
    this.signIn = new SignIn({
      provider: this.provider,
      context: () => this.context(),
      clock: this.clock,
      log: this.log,
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
      save: () => this.file.save(),
      setState: (s) => this.setState(s),
      fail: (err) => this.fail(err),
    });
    this.connection = this.provider.connect({ ...this.context(), withAuth: (fn) => this.call(fn), getAuth: (rejected) => this.getAuth(rejected) });
    this.cache = new StatusCache({
      provider: this.provider.id,
      connection: this.connection,
      budget: this.budget,
      clock: this.clock,
      onStatus: (vin, status, raw) => this.emit('status', vin, status, raw),
      streamParts: () => this.stream.parts,
      onChange: () => this.file.saveSoon(),
    });
    this.stream = new StreamLink(this.clock, this.connection.stream, () => this.cache, (event) => this.emit('stream', event));
    this.file = new AccountFile({ ...options, legacyKeys: options.legacyKeys ?? [], clock: this.clock, log: this.log, snapshot: () => this.snapshot() });
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
    this.loaded ??= this.file.load().then((saved) => {
      if (!saved) return; // nothing kept, or for another user, password or server: start clean
      this.budget.restore(saved.budget);
      this.cache.restore(saved.extra?.status);
      const vehicles = z.array(VehicleSchema).safeParse(saved.extra?.vehicles);
      if (vehicles.success && typeof saved.extra?.vehiclesAt === 'number') this.vehicleList = { at: saved.extra.vehiclesAt, vehicles: vehicles.data };
      this.signIn.restore(saved);
    });
    return this.loaded;
  }

  private snapshot(): StoredAccount {
    const { pending, ...signIn } = this.signIn.snapshot(this.clock.now());
    const list = this.vehicleList;
    const status = this.cache.snapshot();
    const extra = { ...(list ? { vehicles: list.vehicles, vehiclesAt: list.at } : {}), ...(pending ? { pending } : {}), ...(Object.keys(status.parts).length ? { status } : {}) };
    return { version: 1, seed: this.file.seed, ...signIn, budget: this.budget.snapshot(), ...(Object.keys(extra).length ? { extra } : {}) };
  }

  /** A valid access token: signs in or refreshes when needed (sign-in.ts). */
  async getAuth(rejected?: unknown): Promise<unknown> {
    await this.load();
    return this.signIn.getAuth(rejected);
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
    throw new CarError('NOT_SUPPORTED', `${this.cloud} cannot ${what}${why ? `: ${why}` : ''}`, { transient: false });
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
      await this.file.save();
      return vehicles;
    }) as Promise<Vehicle[]>;
  }

  /** A vehicle of the account: from the list kept, whatever its age (read again only for a VIN it lacks). */
  async vehicle(vin: string): Promise<Vehicle> {
    await this.load();
    const found = (this.vehicleList?.vehicles ?? (await this.vehicles())).find((v) => v.vin === vin);
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

  /** The last status of a vehicle from the shared cache (no call). */
  cachedStatus(vin: string, only?: StatusPart[]): VehicleStatus | undefined {
    return this.cache.cached(vin, only);
  }

  /** The status of a vehicle: young parts from the shared cache, the others read (status-cache.ts). */
  async readStatus(vin: string, parts: StatusPart[], options: ReadOptions = {}): Promise<StatusWithMissing> {
    const vehicle = await this.vehicle(vin);
    if (this.signIn.signedIn) this.stream.start();
    return this.cache.read(vehicle, parts, options);
  }

  /** Reads one named endpoint of a vehicle (raw body and mapped model), for car-request; explicit by default. */
  async readEndpoint(vin: string, endpoint: string, params: Record<string, string> = {}, options: { kind?: CallKind } = {}): Promise<EndpointRead> {
    return this.cache.readEndpoint(await this.vehicle(vin), endpoint, params, options.kind ?? 'explicit');
  }

  /** Writes the account's file now (kept open for a redeploy: a stop of Node-RED may follow). */
  save(): Promise<void> {
    return this.file.save();
  }

  /** Deletes what the store kept for this account (the account was removed). */
  forget(): Promise<void> {
    return this.file.remove();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.signIn.close();
    await this.stream.close();
    await this.file.close();
    this.closed = true;
    this.removeAllListeners();
    this.slots.clear();
    await this.connection.close();
    if (this.ownsHttp) await this.http.close();
  }
}
