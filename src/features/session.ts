import { EventEmitter } from 'node:events';
import {
  CallBudget,
  CarError,
  HttpClient,
  SingleFlight,
  TokenRejectedError,
  TokenStore,
  VehicleSchema,
  VehicleStatusSchema,
  accountSeed,
  mergeStatus,
  redactingLogger,
  registerSecret,
  silentLogger,
  systemClock,
  toCarError,
  type CallKind,
  type Clock,
  type ErrorCode,
  type Logger,
  type StatusFragment,
  type StatusPart,
  type StoredAccount,
  type TimerHandle,
  type Vehicle,
  type VehicleStatus,
} from '../core';
import { ChallengeError, type AccountConfig, type EndpointRead, type Connection, type OptionalFacet, type PendingChallenge, type Provider, type ProviderContext, type StatusPatch } from '../brands';
import { z } from 'zod';

export type SessionPhase = 'idle' | 'signing_in' | 'ready' | 'tfa_required' | 'blocked' | 'rate_limited' | 'error';

export interface SessionState {
  phase: SessionPhase;
  /** Words for the status dot and the editor; never a secret. */
  message?: string;
  code?: ErrorCode;
  /** When a pause ends (rate limit, login back-off), epoch ms. */
  until?: number;
  /** A sign-in step waits for the user (phase tfa_required): what kind, and where the code went. */
  challenge?: { kind: PendingChallenge['kind']; hint?: string; expiresAt?: number };
}

export interface SessionOptions {
  /** Stable id of the account (the config node's id): names the token file. */
  key: string;
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

/** The fields of VehicleStatus that each part owns. */
const PART_FIELDS: Record<StatusPart, (keyof StatusFragment)[]> = {
  battery: ['battery'],
  fuel: ['fuel'],
  charging: ['charging'],
  lock: ['lock'],
  doors: ['doors'],
  windows: ['windows'],
  tires: ['tires'],
  climate: ['climate'],
  position: ['position', 'positionUnknown'],
  mileage: ['mileageKm'],
  messages: ['messages'],
};

/** What the store keeps of a challenge in progress (its state is the provider's). */
const PendingSchema = z.object({
  kind: z.enum(['code', 'captcha', 'device_code']),
  prompt: z.string(),
  hint: z.string().optional(),
  expiresAt: z.number().optional(),
  state: z.record(z.string(), z.unknown()),
});

/** A sign-in code or captcha answer: short, printable, no spaces. */
const ANSWER = /^[A-Za-z0-9._~-]{4,64}$/;

interface CachedPart {
  at: number;
  fragment: StatusFragment;
}

const LOGIN_BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000, 1_800_000];
const SAVE_DELAY_MS = 2_000;
/**
 * The flow state of a challenge is secret (device codes, verifiers, tokens), except what the
 * user must be shown: a value that appears in the prompt or the hint (a user code, a link).
 */
function registerChallengeSecrets(challenge: PendingChallenge): void {
  const shown = `${challenge.prompt} ${challenge.hint ?? ''}`;
  for (const v of Object.values(challenge.state)) if (typeof v === 'string' && !shown.includes(v)) registerSecret(v);
}

/** How often a device-code sign-in asks whether the user confirmed. */
const DEVICE_POLL_MS = 5_000;

/**
 * One account, shared by every node that uses it: signs in once, keeps the tokens in the
 * store, refreshes them before they expire (one refresh in flight, whatever the number of
 * callers), stops after a definitive auth failure, and reads through one cache and one call
 * budget so that several nodes cost one cloud read.
 */
export class AccountSession extends EventEmitter {
  readonly key: string;
  readonly provider: Provider<unknown>;
  /** The brand's side of the account: what it can do, as facets. */
  readonly connection: Connection;
  readonly config: AccountConfig;
  readonly budget: CallBudget;
  readonly clock: Clock;
  private readonly store: TokenStore;
  private readonly http: HttpClient;
  private readonly ownsHttp: boolean;
  private readonly log: Logger;
  private readonly seed: string;
  private readonly refreshMarginMs: number;
  private readonly vehicleListTtlMs: number;
  private readonly flights = new SingleFlight<unknown>();
  private auth: unknown;
  private blocked?: CarError;
  /** A second sign-in step waiting for the user (code sent, captcha shown). */
  private pending?: PendingChallenge;
  /** Polls a device-code sign-in until the user confirms it in the brand's portal. */
  private deviceTimer?: TimerHandle;
  /** The provider's push stream (CarData's MQTT), started when the account is first read. */
  private stream?: { close(): Promise<void> };
  private loginFailures = 0;
  private nextLoginAt = 0;
  private lastLoginError?: CarError;
  private vehicleList?: { at: number; vehicles: Vehicle[] };
  private readonly parts = new Map<string, Map<StatusPart, CachedPart>>();
  private readonly ranges = new Map<string, number>();
  /** Parts a vehicle answered NOT_SUPPORTED for: not asked again until redeploy (saves quota). */
  private readonly unsupported = new Map<string, Set<StatusPart>>();
  private loaded?: Promise<void>;
  /** The pollers reading through this account, so each can take its share of the budget. */
  readonly pollers = new Set<object>();
  private saveTimer?: TimerHandle;
  private closed = false;
  private current: SessionState = { phase: 'idle' };

  constructor(options: SessionOptions) {
    super();
    // Every node of the account listens (status dots, pushed data): no listener cap.
    this.setMaxListeners(0);
    this.key = options.key;
    this.provider = options.provider;
    this.config = options.config;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.ownsHttp = !options.http;
    this.log = redactingLogger(options.log ?? silentLogger);
    this.http = options.http ?? new HttpClient({ clock: this.clock, log: (l) => this.log.debug(l) });
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
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
    const c = this.config;
    // A pasted token is part of the identity too (only then, so that existing files keep their seed).
    const token = c.authMode === 'token' ? ['token', c.accessToken, c.accountId] : [];
    this.connection = this.provider.connect({ ...this.context(), withAuth: (fn) => this.call(fn), getAuth: (rejected) => this.getAuth(rejected) });
    this.seed = accountSeed([c.provider, c.brand, c.locale, c.username, c.password, ...Object.values(c.servers), ...Object.values(c.keys), ...token]);
  }

  get state(): SessionState {
    return this.current;
  }

  private setState(next: SessionState): void {
    if (next.phase === 'tfa_required' && this.pending && !next.challenge) {
      const p = this.pending;
      next = { ...next, challenge: { kind: p.kind, ...(p.hint ? { hint: p.hint } : {}), ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}) } };
    }
    const same = next.phase === this.current.phase && next.message === this.current.message && next.until === this.current.until;
    this.current = next;
    if (!same) this.emit('state', next);
  }

  private context(): ProviderContext {
    return { config: this.config, http: this.http, clock: this.clock, budget: this.budget, log: this.log };
  }

  /** Loads what the store kept (tokens, budget, a block). Idempotent; no network. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const saved = await this.store.load(this.key).catch(() => undefined);
      if (!saved || saved.seed !== this.seed) return; // another user, password or server: start clean
      this.budget.restore(saved.budget);
      const auth = this.provider.auth.stateSchema.safeParse(saved.auth);
      if (auth.success) this.auth = auth.data;
      const pending = PendingSchema.safeParse(saved.extra?.pending);
      if (pending.success && saved.blocked) {
        this.pending = pending.data;
        registerChallengeSecrets(pending.data);
        this.scheduleDevicePoll();
      }
      if (saved.blocked) {
        const code = saved.blocked.code === 'TFA_REQUIRED' || saved.blocked.code === 'CAPTCHA_REQUIRED' ? saved.blocked.code : 'AUTH_FAILED';
        this.blocked = new CarError(code, saved.blocked.message, { transient: false });
        this.setState({ phase: code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code, message: this.blocked.message });
      }
      const vehicles = z.array(VehicleSchema).safeParse(saved.extra?.vehicles);
      if (vehicles.success && typeof saved.extra?.vehiclesAt === 'number') this.vehicleList = { at: saved.extra.vehiclesAt, vehicles: vehicles.data };
      if (this.auth && !this.blocked) this.setState({ phase: 'ready' });
    })();
    return this.loaded;
  }

  /** True when tokens were restored or obtained: nodes may start polling. */
  get signedIn(): boolean {
    return this.auth !== undefined && !this.blocked;
  }

  private snapshot(): StoredAccount {
    return {
      version: 1,
      seed: this.seed,
      ...(this.auth !== undefined ? { auth: this.auth } : {}),
      budget: this.budget.snapshot(),
      ...(this.blocked ? { blocked: { code: this.blocked.code, message: this.blocked.message, at: this.clock.now() } } : {}),
      ...(this.vehicleList || this.pending
        ? {
            extra: {
              ...(this.vehicleList ? { vehicles: this.vehicleList.vehicles, vehiclesAt: this.vehicleList.at } : {}),
              ...(this.pending ? { pending: this.pending } : {}),
            },
          }
        : {}),
    };
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

  /**
   * A valid access token. Signs in or refreshes when needed, one at a time; `rejected` is
   * the state a call found refused (401): it is replaced unless someone already did.
   */
  async getAuth(rejected?: unknown): Promise<unknown> {
    await this.load();
    if (this.closed) throw new CarError('NETWORK', 'the account was closed (redeploy)');
    if (this.blocked) throw this.blocked;
    if (this.isFresh(this.auth) && (rejected === undefined || this.auth !== rejected)) return this.auth;
    return this.flights.run('auth', async () => {
      if (this.isFresh(this.auth) && (rejected === undefined || this.auth !== rejected)) return this.auth;
      const ctx = this.context();
      const auth = this.provider.auth;
      if (this.auth !== undefined && auth.canRefresh(this.auth)) {
        try {
          this.setState({ phase: 'signing_in', message: 'refreshing token' });
          this.auth = await auth.refresh(ctx, this.auth);
          await this.save();
          this.setState({ phase: 'ready' });
          return this.auth;
        } catch (e) {
          const err = toCarError(e);
          if (err.code !== 'AUTH_FAILED') throw this.fail(err);
          this.log.info(`token refresh refused (${err.message}); signing in again`);
        }
      }
      return this.signIn();
    });
  }

  private isFresh(auth: unknown): boolean {
    if (auth === undefined) return false;
    const exp = this.provider.auth.accessExpiresAt(auth);
    return exp !== undefined && exp - this.refreshMarginMs > this.clock.now();
  }

  private async signIn(): Promise<unknown> {
    const now = this.clock.now();
    if (now < this.nextLoginAt && this.lastLoginError) {
      // Never hammer a login: wait out the back-off and say until when.
      throw new CarError(this.lastLoginError.code, `${this.lastLoginError.message} (next sign-in attempt after ${new Date(this.nextLoginAt).toISOString()})`, {
        retryAt: this.nextLoginAt,
      });
    }
    this.setState({ phase: 'signing_in', message: 'signing in' });
    try {
      this.auth = await this.provider.auth.login(this.context(), this.auth);
      this.loginFailures = 0;
      this.nextLoginAt = 0;
      this.lastLoginError = undefined;
      await this.save();
      this.log.info('signed in');
      this.setState({ phase: 'ready' });
      return this.auth;
    } catch (e) {
      let err = toCarError(e);
      if (err instanceof ChallengeError) {
        err = await this.startChallenge(err);
        this.scheduleDevicePoll();
      }
      if (err.code === 'AUTH_FAILED' || err.code === 'TFA_REQUIRED' || err.code === 'CAPTCHA_REQUIRED') {
        this.auth = undefined;
        this.blocked = err;
        await this.save();
        if (this.pending) this.log.warn(`sign-in waits for the user: ${err.message}`);
        else this.log.error(`sign-in stopped: ${err.message}`);
        this.setState({ phase: err.code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code: err.code, message: err.message });
        throw err;
      }
      this.lastLoginError = err;
      this.nextLoginAt = now + (LOGIN_BACKOFF_MS[Math.min(this.loginFailures, LOGIN_BACKOFF_MS.length - 1)] ?? 1_800_000);
      this.loginFailures++;
      throw this.fail(err);
    }
  }

  /**
   * The cloud asked for a second step: start it (e.g. send the e-mail code) and keep it for
   * submitCode. Returns the error that blocks sign-in meanwhile, in words naming where the
   * code went. Done once per sign-in attempt: no new e-mail until the user asks again.
   */
  private async startChallenge(err: ChallengeError): Promise<CarError> {
    const start = this.provider.auth.startSecondFactor;
    this.pending = undefined;
    if (!start) return new CarError(err.code, `${err.message} The plugin cannot answer it here: sign in once in the brand's app, then press "Sign in again".`, { transient: false });
    try {
      this.pending = await start.call(this.provider.auth, this.context(), err.challenge);
      registerChallengeSecrets(this.pending);
      return new CarError(err.code, this.pending.prompt, { transient: false, ...(err.upstreamCode ? { upstreamCode: err.upstreamCode } : {}) });
    } catch (e) {
      const failed = toCarError(e);
      return failed.code === 'TFA_REQUIRED' || failed.code === 'CAPTCHA_REQUIRED' || failed.code === 'AUTH_FAILED'
        ? failed
        : new CarError(err.code, `${err.message} Sending the code failed (${failed.message}); press "Sign in again" to retry.`, { transient: false });
    }
  }

  /**
   * A device-code sign-in (CarData) needs no typed code: the user confirms in the brand's
   * portal and the session asks every few seconds whether that happened.
   */
  private scheduleDevicePoll(): void {
    if (this.closed || this.pending?.kind !== 'device_code' || this.deviceTimer) return;
    this.deviceTimer = this.clock.setTimeout(() => {
      this.deviceTimer = undefined;
      void this.pollDeviceCode();
    }, DEVICE_POLL_MS);
  }

  private async pollDeviceCode(): Promise<void> {
    const pending = this.pending;
    const complete = this.provider.auth.completeSecondFactor;
    if (!pending || pending.kind !== 'device_code' || !complete || this.closed) return;
    if (pending.expiresAt !== undefined && this.clock.now() > pending.expiresAt) {
      this.pending = undefined;
      this.blocked = new CarError('TFA_REQUIRED', 'The sign-in code expired before it was confirmed; press "Sign in again" for a new one.', { transient: false });
      await this.save();
      this.setState({ phase: 'tfa_required', code: 'TFA_REQUIRED', message: this.blocked.message });
      return;
    }
    try {
      const auth = await this.flights.run('auth', () => complete.call(this.provider.auth, this.context(), pending, ''));
      if (this.closed) return;
      this.auth = auth;
      this.pending = undefined;
      this.blocked = undefined;
      this.loginFailures = 0;
      this.nextLoginAt = 0;
      this.lastLoginError = undefined;
      await this.save();
      this.log.info('signed in: the code was confirmed');
      this.setState({ phase: 'ready' });
    } catch (e) {
      const err = toCarError(e);
      // Not confirmed yet (BAD_INPUT), or a passing outage: ask again.
      if (err.code === 'BAD_INPUT' || err.transient) {
        this.scheduleDevicePoll();
        return;
      }
      this.pending = undefined;
      this.blocked = err;
      await this.save();
      this.log.error(`sign-in stopped: ${err.message}`);
      this.setState({ phase: err.code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code: err.code, message: err.message });
    }
  }

  /** Starts the provider's push stream once, if it has one; what it brings goes into the cache. */
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
    const now = this.clock.now();
    let cache = this.parts.get(vin);
    if (!cache) this.parts.set(vin, (cache = new Map()));
    for (const [part, fields] of Object.entries(PART_FIELDS) as [StatusPart, (keyof StatusFragment)[]][]) {
      const picked: StatusFragment = {};
      for (const field of fields) if (fragment[field] !== undefined) (picked as Record<string, unknown>)[field] = fragment[field];
      if (Object.keys(picked).length) cache.set(part, { at: now, fragment: picked });
    }
    if (fragment.rangeKm !== undefined) this.ranges.set(vin, fragment.rangeKm);
    this.emit('status', vin, this.assemble(vin, [...cache.keys()]), {});
  }

  /** True while a sign-in waits for the user's code (submitCode answers it). */
  get awaitingCode(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Answers the pending second step with what the user typed (the e-mail code). On success
   * the tokens are kept and nodes carry on; a refused code keeps the challenge (BAD_INPUT,
   * try again); anything else ends it and the user asks for a new one with "Sign in again".
   * The answer is a secret: never logged, never in a message.
   */
  async submitCode(answer: string): Promise<SessionState> {
    await this.load();
    const code = typeof answer === 'string' ? answer.trim() : '';
    registerSecret(code);
    const pending = this.pending;
    const complete = this.provider.auth.completeSecondFactor;
    if (!pending || !complete) throw new CarError('BAD_INPUT', 'code: no sign-in code is awaited for this account now; press "Sign in again" to start a sign-in');
    if (!ANSWER.test(code)) throw new CarError('BAD_INPUT', 'code: type the code from the e-mail (4 to 64 letters or digits, no spaces)');
    return this.flights.run('auth', async () => {
      this.setState({ phase: 'signing_in', message: 'checking the code' });
      try {
        this.auth = await complete.call(this.provider.auth, this.context(), pending, code);
      } catch (e) {
        const err = toCarError(e);
        if (err.code === 'BAD_INPUT') {
          // Wrong code: the challenge stands, the user may type it again.
          this.setState({ phase: 'tfa_required', code: 'TFA_REQUIRED', message: `${err.message}. ${pending.prompt}` });
          throw err;
        }
        this.pending = undefined;
        const blocked = err.code === 'TFA_REQUIRED' || err.code === 'CAPTCHA_REQUIRED' || err.code === 'AUTH_FAILED';
        if (blocked) {
          this.blocked = err;
          await this.save();
          this.log.error(`sign-in stopped: ${err.message}`);
          this.setState({ phase: err.code === 'AUTH_FAILED' ? 'blocked' : 'tfa_required', code: err.code, message: err.message });
        } else {
          // A network error or an outage: the code may still be good, keep the challenge.
          this.pending = pending;
          this.setState({ phase: 'tfa_required', code: 'TFA_REQUIRED', message: `${err.message}. ${pending.prompt}` });
        }
        throw err;
      }
      this.pending = undefined;
      this.blocked = undefined;
      this.loginFailures = 0;
      this.nextLoginAt = 0;
      this.lastLoginError = undefined;
      await this.save();
      this.log.info('signed in with the code');
      this.setState({ phase: 'ready' });
      return this.current;
    }) as Promise<SessionState>;
  }

  private fail(err: CarError): CarError {
    // A car that lacks an endpoint, or a wrong input, says nothing about the account.
    if (err.code === 'NOT_SUPPORTED' || err.code === 'BAD_INPUT') return err;
    if (err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') {
      this.setState({ phase: 'rate_limited', code: err.code, message: err.message, ...(err.retryAt !== undefined ? { until: err.retryAt } : {}) });
    } else if (!this.blocked) {
      this.setState({ phase: 'error', code: err.code, message: err.message, ...(err.retryAt !== undefined ? { until: err.retryAt } : {}) });
    }
    return err;
  }

  /** Clears a block (the user asked to try again, e.g. after fixing the password elsewhere). */
  async unblock(): Promise<void> {
    await this.load();
    this.blocked = undefined;
    this.pending = undefined;
    this.loginFailures = 0;
    this.nextLoginAt = 0;
    await this.save();
    this.setState({ phase: 'idle' });
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
    const parts = this.parts.get(vin);
    if (!parts || parts.size === 0) return undefined;
    return this.assemble(vin, only ?? [...parts.keys()]);
  }

  private assemble(vin: string, parts: StatusPart[]): VehicleStatus {
    const cache = this.parts.get(vin);
    const fragments: StatusFragment[] = [];
    let newest = 0;
    for (const p of parts) {
      const c = cache?.get(p);
      if (!c) continue;
      fragments.push(c.fragment);
      newest = Math.max(newest, c.at);
    }
    const range = this.ranges.get(vin);
    if (range !== undefined) fragments.push({ rangeKm: range });
    return mergeStatus({ vin, provider: this.provider.id, fetchedAt: new Date(newest || this.clock.now()).toISOString() }, fragments);
  }

  /**
   * The status of a vehicle. Parts read within maxAgeMs come from the shared cache; one read
   * per vehicle at a time; the budget is checked for the whole read before it starts.
   */
  async readStatus(vin: string, parts: StatusPart[], options: ReadOptions = {}): Promise<VehicleStatus & { missing?: { part: StatusPart; code: string; message: string }[] }> {
    const kind = options.kind ?? 'background';
    const maxAge = options.maxAgeMs ?? 0;
    const vehicle = await this.vehicle(vin);
    this.startStream();
    let since = Infinity;
    for (let round = 0; round < 3; round++) {
      const stale = this.staleParts(vin, parts, maxAge, since);
      if (stale.length === 0) return this.assemble(vin, parts);
      if (this.flights.has(`status:${vin}`)) {
        // Join the read in flight and take what it brings, whatever maxAgeMs says.
        since = this.clock.now();
        await this.flights.run(`status:${vin}`, () => Promise.resolve()).catch(() => undefined);
        continue;
      }
      const missing = await (this.flights.run(`status:${vin}`, () => this.fetchParts(vehicle, stale, kind)) as Promise<{ part: StatusPart; code: string; message: string }[]>);
      const status = this.assemble(vin, parts);
      return missing.length ? { ...status, missing } : status;
    }
    return this.assemble(vin, parts);
  }

  /** Parts not read within maxAge (and not since `since`, when joining a read). */
  private staleParts(vin: string, parts: StatusPart[], maxAge: number, since: number): StatusPart[] {
    const cache = this.parts.get(vin);
    const now = this.clock.now();
    const unsupported = this.unsupported.get(vin);
    return parts.filter((p) => {
      if (unsupported?.has(p)) return false;
      const c = cache?.get(p);
      return !c || (now - c.at >= maxAge && c.at < since);
    });
  }

  private async fetchParts(vehicle: Vehicle, parts: StatusPart[], kind: CallKind) {
    const cost = this.connection.status.cost(vehicle, parts);
    if (cost > 0 && !this.budget.canTake(kind, cost)) this.budget.take(kind, cost); // throws, naming when it fits
    const read = await this.connection.status.read(vehicle, parts, { kind });
    const now = this.clock.now();
    let cache = this.parts.get(vehicle.vin);
    if (!cache) this.parts.set(vehicle.vin, (cache = new Map()));
    const failed = new Set(read.missing.map((m) => m.part));
    for (const m of read.missing) {
      if (m.code !== 'NOT_SUPPORTED' || m.permanent === false) continue;
      // Access denied after successes is transient (Home Assistant's rule): ask again later.
      if (m.permanent === 'if-never-worked' && cache.has(m.part)) continue;
      let set = this.unsupported.get(vehicle.vin);
      if (!set) this.unsupported.set(vehicle.vin, (set = new Set()));
      set.add(m.part);
    }
    for (const part of parts) {
      if (failed.has(part)) continue;
      const fragment: StatusFragment = {};
      for (const field of PART_FIELDS[part]) {
        const value = read.status[field];
        if (value !== undefined) (fragment as Record<string, unknown>)[field] = value;
      }
      cache.set(part, { at: now, fragment });
    }
    if (read.status.rangeKm !== undefined) this.ranges.set(vehicle.vin, read.status.rangeKm);
    this.emit('status', vehicle.vin, this.assemble(vehicle.vin, [...cache.keys()]), read.raw);
    return read.missing;
  }

  /**
   * Reads one named endpoint of a vehicle (raw body and mapped model), for the car-request
   * node and the endpoint explorer. Explicit by default (may use the budget's reserve); what
   * it says about the status (a lock, a charge mode) updates the shared status cache.
   */
  async readEndpoint(vin: string, endpoint: string, params: Record<string, string> = {}, options: { kind?: CallKind } = {}): Promise<EndpointRead> {
    const vehicle = await this.vehicle(vin);
    const key = `endpoint:${vin}:${endpoint}:${JSON.stringify(Object.entries(params).sort())}`;
    return this.flights.run(key, async () => {
      const out = await this.connection.raw.readEndpoint(vehicle, endpoint, params, { kind: options.kind ?? 'explicit' });
      if (out.status) this.patchStatus(vin, out.status, out.readAt);
      return out;
    }) as Promise<EndpointRead>;
  }

  /**
   * Merges what an endpoint read said into the cached status: a whole part (lock, tires)
   * replaces the cached one; some fields of a part (charging.mode) go into the cached part
   * when there is one, and are dropped otherwise (a part is never cached half-known).
   */
  private patchStatus(vin: string, patch: StatusPatch, at: number): void {
    let cache = this.parts.get(vin);
    if (!cache) this.parts.set(vin, (cache = new Map()));
    for (const [part, fields] of Object.entries(PART_FIELDS) as [StatusPart, (keyof StatusFragment)[]][]) {
      const touched = fields.filter((f) => patch[f] !== undefined);
      if (touched.length === 0) continue;
      const cached = cache.get(part);
      const merged: Record<string, unknown> = { ...(cached?.fragment ?? {}) };
      for (const f of touched) {
        const prev = merged[f];
        const value = patch[f];
        merged[f] = prev && typeof prev === 'object' && !Array.isArray(prev) && value && typeof value === 'object' && !Array.isArray(value) ? { ...prev, ...value } : value;
      }
      const schema = VehicleStatusSchema.pick(Object.fromEntries(fields.map((f) => [f, true])) as Partial<Record<keyof StatusFragment, true>>);
      const checked = schema.safeParse(merged);
      if (!checked.success) continue;
      // A whole part read now is fresh; a few fields merged into an older part leave its age.
      const standalone = schema.safeParse(Object.fromEntries(touched.map((f) => [f, patch[f]]))).success;
      cache.set(part, { at: standalone || !cached ? at : cached.at, fragment: checked.data as StatusFragment });
    }
  }

  /** Deletes what the store kept for this account (the account was removed). */
  async forget(): Promise<void> {
    await this.store.remove(this.key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.clock.clearTimeout(this.deviceTimer);
    this.deviceTimer = undefined;
    await this.stream?.close().catch(() => undefined);
    this.stream = undefined;
    await this.save();
    this.closed = true;
    this.removeAllListeners();
    await this.connection.close();
    if (this.ownsHttp) await this.http.close();
  }
}
