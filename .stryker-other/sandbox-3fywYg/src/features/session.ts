// @ts-nocheck
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import {
  AnswerLostError,
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
import type { AccountConfig, AnswerMemory, Connection, EndpointRead, OptionalFacet, Provider, ProviderContext } from '../brands';
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
  /** Overrides of the provider's default budget (random: the pause jitter's numbers, for tests and the bench). */
  budget?: { limit?: number; windowMs?: number; reserve?: number; random?: () => number };
  /** How long the vehicle list is trusted. */
  vehicleListTtlMs?: number;
  /** How long one status read may take, all parts together, on the session's clock (default 30 s of real time: status-cache.ts). */
  statusDeadlineMs?: number;
  /** The runtime's memory (provider.ts, ProviderContext.runtimeMemory), shared by the registry's sessions; default: the session's own. */
  runtimeMemory?: AnswerMemory;
}

export type { ReadOptions, StatusWithMissing } from './status-cache';

/** A node that reads in the background through an account, and so spends the account's budget. */
export interface BudgetSharer {
  /**
   * Background calls per hour it spends at the interval the user set; undefined while the cost of
   * a read is not known yet (before the vehicle list is loaded): it then takes no share, and no
   * plan says "quota" on a guess.
   */
  wantedPerHour(): number | undefined;
}

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
  /** Every node that polls through this account (status, charging): the budget is planned between them. */
  readonly pollers = new Set<BudgetSharer>();
  private readonly file: AccountFile;
  private readonly http: HttpClient;
  private readonly ownsHttp: boolean;
  /** The account's log (redacted): what nodes are gone to hear still gets said here. */
  readonly log: Logger;
  private readonly vehicleListTtlMs: number;
  private readonly flights = new SingleFlight<unknown>();
  /** What earlier answers said that a later one needs (provider.ts, AnswerMemory): the account's own. */
  private readonly memory: AnswerMemory = new Map();
  private readonly runtimeMemory: AnswerMemory;
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
    this.runtimeMemory = options.runtimeMemory ?? new Map();
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
    this.connection = this.provider.connect({ ...this.context(), withAuth: (fn) => this.call(fn), getAuth: (rejected) => this.getAuth(rejected), changed: () => this.file.saveSoon() });
    this.cache = new StatusCache({
      provider: this.provider.id,
      connection: this.connection,
      budget: this.budget,
      clock: this.clock,
      onStatus: (vin, status, raw) => this.emit('status', vin, status, raw),
      streamParts: () => this.stream.parts,
      onChange: () => this.file.saveSoon(),
      ...(options.statusDeadlineMs !== undefined ? { deadlineMs: options.statusDeadlineMs } : {}),
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
    return { config: this.config, http: this.http, clock: this.clock, budget: this.budget, log: this.log, memory: this.memory, runtimeMemory: this.runtimeMemory };
  }

  /** Loads what the store kept (tokens, budget, a block, the vehicles). Idempotent; no network. */
  load(): Promise<void> {
    this.loaded ??= this.file.load().then((saved) => {
      if (!saved) return; // nothing kept, or for another user, password or server: start clean
      this.budget.restore(saved.budget);
      this.cache.restore(saved.extra?.status);
      if (saved.extra?.connection !== undefined) this.connection.restore?.(saved.extra.connection);
      const vehicles = z.array(VehicleSchema).safeParse(saved.extra?.vehicles);
      if (vehicles.success && typeof saved.extra?.vehiclesAt === 'number') this.vehicleList = { at: saved.extra.vehiclesAt, vehicles: vehicles.data };
      this.signIn.restore(saved);
    });
    return this.loaded;
  }

  private snapshot(): Omit<StoredAccount, 'seed'> {
    const { pending, ...signIn } = this.signIn.snapshot(this.clock.now());
    const list = this.vehicleList;
    const status = this.cache.snapshot();
    const connection = this.connection.snapshot?.();
    const extra = {
      ...(list ? { vehicles: list.vehicles, vehiclesAt: list.at } : {}),
      ...(pending ? { pending } : {}),
      ...(Object.keys(status.parts).length ? { status } : {}),
      ...(connection !== undefined ? { connection } : {}),
    };
    return { version: 1, ...signIn, budget: this.budget.snapshot(), ...(Object.keys(extra).length ? { extra } : {}) };
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

  /**
   * A valid token for a facet call: a sign-in's lost answer is not the call's own (an
   * AnswerLostError here would make a command that never went out "unknown").
   */
  private async authFor(rejected?: unknown): Promise<unknown> {
    try {
      return await this.getAuth(rejected);
    } catch (e) {
      if (e instanceof AnswerLostError) throw new CarError(e.code, e.message, { ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}) });
      throw e;
    }
  }

  /** Runs fn with a valid token; after a rejected token, re-mints it and tries once more. */
  private async call<T>(fn: (auth: unknown) => Promise<T>): Promise<T> {
    const auth = await this.authFor();
    try {
      const out = await fn(auth);
      if (this.current.phase !== 'ready') this.setState({ phase: 'ready' });
      return out;
    } catch (e) {
      if (!(e instanceof TokenRejectedError)) throw this.fail(toCarError(e));
      this.log.debug('access token rejected; minting a new one');
      const fresh = await this.authFor(auth);
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

  /** Per-account state of a feature (made on first use, freed with the account: a `close()` it has is called then). */
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

  /** A vehicle from the list kept, without a call; undefined before the list is loaded. */
  knownVehicle(vin: string): Vehicle | undefined {
    return this.vehicleList?.vehicles.find((v) => v.vin === vin);
  }

  /** Calls one status read of these parts costs; undefined until the vehicle list is known (no guess). */
  statusCost(vin: string, parts: StatusPart[]): number | undefined {
    const vehicle = this.knownVehicle(vin);
    return vehicle ? this.connection.status.cost(vehicle, parts) : undefined;
  }

  /**
   * True when the account's push stream (CarData's MQTT) is up and has been since `fromMs`:
   * whatever the car said since then came through it (a charge derived from it needs no REST read).
   */
  streamCoveredSince(fromMs: number): boolean {
    return this.stream.coveredSince(fromMs);
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
    for (const slot of this.slots.values()) {
      const close = (slot as { close?: unknown } | null)?.close;
      if (typeof close === 'function') (close as () => void).call(slot);
    }
    this.slots.clear();
    await this.connection.close();
    if (this.ownsHttp) await this.http.close();
  }
}
