// @ts-nocheck
import type { z } from 'zod';
import { CarError } from '../core';
import type {
  Brand,
  CallBudget,
  CallKind,
  ChargeSession,
  ChargingChange,
  ChargingSettings,
  Clock,
  CommandInput,
  CommandName,
  ErrorCode,
  HttpClient,
  HttpMethod,
  Logger,
  ProviderId,
  StatusFragment,
  StatusPart,
  Vehicle,
} from '../core';

/** What the user configured for an account, after defaults were applied. */
export interface AccountConfig {
  provider: ProviderId;
  /** Only the vehicles of this brand (an account can hold several); undefined = all. */
  brand?: Brand;
  /** Locale (renault: fr_FR) or region (bmw: row/na). */
  locale: string;
  username?: string;
  password?: string;
  /**
   * How the account signs in: 'password' (default: the provider logs in with username and
   * password) or 'token' (the user pasted an access token, used until it expires; never a password).
   */
  authMode?: 'password' | 'token';
  /** The pasted access token (authMode 'token'). A secret. */
  accessToken?: string;
  /** The cloud's account id when the user gives it (renault: the Kamereon accountId of a pasted token). */
  accountId?: string;
  /** Base URLs by role (renault: gigya, kamereon). */
  servers: Record<string, string>;
  /** Application keys by role (renault: gigyaApiKey, kamereonApiKey). Public, not user secrets. */
  keys: Record<string, string>;
}

/** What a provider gets to do its work; the session owns all of it. */
export interface ProviderContext {
  config: AccountConfig;
  http: HttpClient;
  clock: Clock;
  budget: CallBudget;
  log: Logger;
  /** What the account's earlier answers said that a later one needs; the session keeps one per account. */
  memory: AnswerMemory;
  /**
   * What this runtime's connections did that another session of the same account needs: the CarData stream's
   * end, which BMW still counts after a redeploy with new settings has made a new session. One per AccountRegistry.
   */
  runtimeMemory: AnswerMemory;
}

/**
 * Earlier events a later answer is read in the light of (CarData: a refresh whose answer was lost), keyed by the
 * brand (a hash of a token, never the token). Kept in memory only: a restart forgets it, as the events are minutes old.
 */
export type AnswerMemory = Map<string, { at: number; what: string }>;

export interface CallOptions {
  /** background (polling) or explicit (the user asked): explicit may use the budget's reserve. */
  kind: CallKind;
  /** Ends the call's requests early (the deadline of a status read); they reject with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A sign-in that waits for the user: a code sent by e-mail (Renault two-factor), a captcha
 * (MyBMW), a device code to confirm on a web page (CarData). JSON-safe: the session keeps it
 * in the token store so that a restart does not send a new code.
 */
export interface PendingChallenge {
  kind: 'code' | 'captcha' | 'device_code';
  /** Words for the user (where the code went, what to do); never a secret. */
  prompt: string;
  /** What the user may be shown: a masked e-mail address, a verification URL. Never a secret. */
  hint?: string;
  /** The code the user types on the brand's page (a device code's user code): shown, so no secret. */
  userCode?: string;
  /** When the challenge lapses (epoch ms), when the cloud says. */
  expiresAt?: number;
  /** How often the session asks whether a device code was confirmed (ms; the server's interval). */
  pollMs?: number;
  /** The provider's flow state (tokens of the flow): secret, never shown. */
  state: Record<string, unknown>;
}

/**
 * Thrown by ProviderAuth.login when the cloud asks for a second step (code, captcha, device
 * code). The session hands `challenge` to startSecondFactor and waits for the user.
 * `needsUserAction`: starting the step costs the user something (Renault sends an e-mail), so
 * the session starts it only when the user asked for a sign-in ("Sign in again", a new
 * configuration), never from a background call; until then the account says a code is needed.
 */
export class ChallengeError extends CarError {
  readonly challenge: PendingChallenge;
  readonly needsUserAction: boolean;
  constructor(
    code: Extract<ErrorCode, 'TFA_REQUIRED' | 'CAPTCHA_REQUIRED'>,
    message: string,
    challenge: PendingChallenge,
    upstreamCode?: string,
    options: { needsUserAction?: boolean } = {},
  ) {
    super(code, message, { transient: false, ...(upstreamCode !== undefined ? { upstreamCode } : {}) });
    this.name = 'ChallengeError';
    this.challenge = challenge;
    this.needsUserAction = options.needsUserAction ?? false;
  }
}

/**
 * The token lifecycle of one provider, as pure protocol steps. The session decides when to
 * call them, keeps one in flight at a time and stores the state.
 */
export interface ProviderAuth<S> {
  /** Validates what the token store hands back (a file may be old or damaged). */
  readonly stateSchema: z.ZodType<S>;
  /** Full sign-in with the configured credentials. Throws AUTH_FAILED (definitive) or TFA_REQUIRED. */
  login(ctx: ProviderContext, previous: S | undefined): Promise<S>;
  /** A new access token from the long-lived one. Throws AUTH_FAILED when that is dead too. */
  refresh(ctx: ProviderContext, state: S): Promise<S>;
  /**
   * What of a state outlives a sign-in that failed for good (the session drops the rest):
   * e.g. the device ids a cloud trusts, never a token. Absent or undefined: nothing.
   */
  retain?(state: S): S | undefined;
  /** True when refresh() can work (a long-lived token is there). */
  canRefresh(state: S): boolean;
  /** When the access token expires (epoch ms); undefined when there is none. */
  accessExpiresAt(state: S): number | undefined;
  /**
   * Starts the second step a login asked for (login threw ChallengeError): e.g. sends the
   * e-mail code. Returns the challenge as the user must answer it (prompt names where the
   * code went). Absent: the provider cannot do it in the plugin, and the sign-in stops.
   */
  startSecondFactor?(ctx: ProviderContext, pending: PendingChallenge): Promise<PendingChallenge>;
  /**
   * Completes it with what the user typed (a code, a captcha token; empty for a device code
   * that is confirmed elsewhere) and signs in. Throws BAD_INPUT when the answer was refused
   * but the challenge still stands (the user may try again); any other error ends it.
   */
  completeSecondFactor?(ctx: ProviderContext, pending: PendingChallenge, answer: string): Promise<S>;
}

export interface VehicleCapabilities {
  /** Status parts this vehicle can report. */
  parts: StatusPart[];
  /** Commands this vehicle accepts. */
  commands: CommandName[];
  /** The charging schedule can be read / written. */
  chargingRead: boolean;
  chargingWrite: boolean;
  /** The cloud keeps charging sessions / trips of its own. */
  nativeChargeSessions: boolean;
  nativeTrips: boolean;
}

/** What the provider hands back when a command was accepted by the cloud. */
export interface CommandTicket {
  command: CommandName;
  /** The cloud's id of the action, when it gives one. */
  actionId?: string;
  /** Epoch ms when the cloud accepted it. */
  acceptedAt: number;
  /** Provider data the tracking needs (JSON-safe). */
  track?: Record<string, unknown>;
}

/** One look at how a command is going. 'pending' = nothing new yet. */
export interface CommandProgress {
  step: 'pending' | 'delivered' | 'executed' | 'failed';
  /** What told us (a notification, an event status, a re-read of the state). */
  source?: string;
  detail?: string;
  code?: ErrorCode;
}

export interface RawRequest {
  method: HttpMethod;
  /** Path below the provider's API root, e.g. /commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface RawResponse {
  status: number;
  body: unknown;
}

export interface StatusRead {
  status: StatusFragment;
  /** Raw bodies by endpoint name, for whoever asks. */
  raw: Record<string, unknown>;
  /**
   * Parts the provider could not read, with why (NOT_SUPPORTED and friends). `permanent:
   * false` marks a NOT_SUPPORTED that may pass (privacy mode on); 'if-never-worked' one that
   * is permanent unless the part was read before (an access denied that follows successes is
   * transient, Home Assistant's rule). The session gives up on permanent parts until redeploy.
   */
  missing: { part: StatusPart; code: string; message: string; permanent?: boolean | 'if-never-worked' }[];
}

/**
 * A change to a vehicle's status that one endpoint read brings, merged into what the session
 * knows: whole parts (lock, tires...) or some fields of one (charging.mode from a settings read).
 */
export type StatusPatch = {
  [K in keyof StatusFragment]?: NonNullable<StatusFragment[K]> extends unknown[]
    ? StatusFragment[K]
    : NonNullable<StatusFragment[K]> extends object
      ? Partial<NonNullable<StatusFragment[K]>>
      : StatusFragment[K];
};

/** One named endpoint read: the raw body and what the plugin makes of it. */
export interface EndpointRead {
  /** The endpoint asked for. */
  endpoint: string;
  /** The endpoint actually called, when the model takes another one (e.g. ev/settings for charge-schedule). */
  calledEndpoint: string;
  /** The raw body as the cloud sent it. */
  raw: unknown;
  /** The mapped model (a status fragment, charging settings, a list...). */
  mapped: unknown;
  /** What it changes in the vehicle's status, where it has a place there. */
  status?: StatusPatch;
  /** Epoch ms when it was read; older than now when it came from the provider's cache (history reads). */
  readAt: number;
}

/** What a Connection gets from the account that opens it: the context and a valid token. */
export interface ConnectionContext<S> extends ProviderContext {
  /**
   * Runs fn with a valid auth state. When the cloud rejects the token (TokenRejectedError) it
   * mints a new one and runs fn once more; failures update the account's state.
   */
  withAuth<T>(fn: (auth: S) => Promise<T>): Promise<T>;
  /** A valid auth state, for a stream's (re)connect; `rejected` is the one the cloud refused. */
  getAuth(rejected?: S): Promise<S>;
  /** What the connection keeps across restarts (its snapshot) changed: the account file saves it soon. */
  changed?(): void;
}

/** Reads the parts of a vehicle's status. */
export interface StatusFacet {
  /** How many budgeted calls a read of these parts costs. */
  cost(vehicle: Vehicle, parts: StatusPart[]): number;
  read(vehicle: Vehicle, parts: StatusPart[], opts: CallOptions): Promise<StatusRead>;
}

/** Remote commands and their tracking. */
export interface CommandsFacet {
  /**
   * Sends a command once (never retried: it may have reached the car). Throws NOT_SUPPORTED
   * without calling when the vehicle cannot do it.
   */
  send(vehicle: Vehicle, input: CommandInput, opts: CallOptions): Promise<CommandTicket>;
  /** One look at a command's progress (Renault: notifications and a re-read). */
  track(vehicle: Vehicle, ticket: CommandTicket, opts: CallOptions): Promise<CommandProgress>;
  /** How often track may be called for this command, in ms. */
  intervalMs(ticket: CommandTicket): number;
  /**
   * A ticket to follow a command whose answer was lost (it may have run), by what the car's
   * state shows; undefined when the brand has nothing to follow it with.
   */
  lostTicket?(vehicle: Vehicle, input: CommandInput, sentAt: number): CommandTicket | undefined;
}

/** The charging settings (schedule, mode, target). */
export interface ChargingFacet {
  /** How many budgeted calls a read of the settings costs (the budget's plan counts a charging poller by it). */
  cost(vehicle: Vehicle): number;
  read(vehicle: Vehicle, opts: CallOptions): Promise<ChargingSettings>;
  /** Writes a change; returns the cloud's action ids. Throws NOT_SUPPORTED / BAD_INPUT without calling when it cannot. */
  write(vehicle: Vehicle, change: ChargingChange, opts: CallOptions): Promise<{ actionIds: string[] }>;
}

/** What the cloud keeps of the past. */
export interface HistoryFacet {
  /** Native charging sessions between two times (ISO); NOT_SUPPORTED for a car without them. */
  chargeSessions(vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<ChargeSession[]>;
}

/** Raw requests and named endpoint reads, for car-request. */
export interface RawFacet {
  /** Path prefixes (with {accountId}, {vin}, {personId} placeholders) a raw request may use. */
  readonly paths: readonly string[];
  /** A raw call with the managed token; BAD_INPUT for a path outside paths. */
  request(vehicle: Vehicle | undefined, req: RawRequest, opts: CallOptions): Promise<RawResponse>;
  /** Named read endpoints readEndpoint knows (the names of the provider's spec). */
  readonly endpoints: readonly string[];
  /**
   * Reads one named endpoint (raw body and mapped model). NOT_SUPPORTED without calling when
   * the vehicle's model does not have it; BAD_INPUT for an unknown name or bad params.
   */
  readEndpoint(vehicle: Vehicle, endpoint: string, params: Record<string, string>, opts: CallOptions): Promise<EndpointRead>;
}

export interface StreamEventInfo {
  state: 'connecting' | 'connected' | 'disconnected' | 'refused';
  error?: CarError;
  retryAt?: number;
}

/** A push channel (CarData's MQTT stream; costs no budget). */
export interface StreamFacet {
  /**
   * Opens the stream (reconnecting with backoff) until close(). onUpdate gets whole status
   * parts touched by a message and the keys the model does not map.
   */
  open(
    onUpdate: (vin: string, fragment: StatusFragment, rawKeys: Record<string, unknown>) => void,
    onEvent?: (event: StreamEventInfo) => void,
  ): { close(): Promise<void> };
  /** The status parts the stream carries: while it is connected, they need no REST read. */
  readonly parts?: readonly StatusPart[];
}

export type OptionalFacet = 'commands' | 'charging' | 'history' | 'stream';

/** How an account of the brand signs in: e-mail and password, a pasted token, a device code confirmed on the brand's page. */
export type SignInMode = 'password' | 'token' | 'device_code';

/** A path a raw request may use, with the name the editor lists it by. */
export interface RawPathExample {
  name: string;
  path: string;
}

/**
 * What a brand offers, written once: the runtime reads it (car-command refuses a command the
 * brand cannot send, the Connection names why a facet is missing) and the editor gets it from
 * GET /connected-car/brands (each dialog offers only this). A vehicle may offer less
 * (Connection.capabilities).
 */
export interface BrandOffer {
  /** The car brands the cloud serves. */
  readonly brands: readonly Brand[];
  readonly signIn: readonly SignInMode[];
  /** Commands some car of the brand accepts; empty: the cloud sends none. */
  readonly commands: readonly CommandName[];
  /** Status parts some car of the brand reports. */
  readonly parts: readonly StatusPart[];
  /** What car-charging can do with the cloud's charging settings. */
  readonly charging: { readonly read: boolean; readonly write: boolean };
  /** Raw request paths, as examples for car-request (the first ones are the most useful). */
  readonly rawPaths: readonly RawPathExample[];
  /** Why an optional facet is absent, in words for the user. */
  readonly missing: Readonly<Partial<Record<OptionalFacet, string>>>;
}

/**
 * One open cloud account: owns every piece of per-account state of its brand (caches, what the
 * cloud refused, command tracking, containers) and offers what the brand can do as facets. A
 * missing facet means the brand cannot do it (`missing` says why, in words for the user).
 */
export interface Connection {
  listVehicles(opts: CallOptions): Promise<Vehicle[]>;
  capabilities(vehicle: Vehicle): VehicleCapabilities;
  readonly status: StatusFacet;
  readonly raw: RawFacet;
  readonly commands?: CommandsFacet;
  readonly charging?: ChargingFacet;
  readonly history?: HistoryFacet;
  readonly stream?: StreamFacet;
  /** Why an optional facet is absent, for the error the user sees. */
  readonly missing?: Partial<Record<OptionalFacet, string>>;
  /** What the connection keeps across restarts (e.g. the charging history read so far); JSON, in the account's file. */
  snapshot?(): unknown;
  /** Takes back what snapshot() gave before a restart; checks it and drops what is damaged. */
  restore?(saved: unknown): void;
  /** Frees all per-account state (the last node of the account went). */
  close(): Promise<void>;
}

export interface Provider<S = unknown> {
  readonly id: ProviderId;
  /** The name users know the cloud by, for messages. */
  readonly name: string;
  readonly auth: ProviderAuth<S>;
  /** What the brand offers (commands, parts, charging, raw paths, sign-in modes). */
  readonly offer: BrandOffer;
  /** Default call budget of an account. */
  readonly budget: { limit: number; windowMs: number; reserve: number; code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED' };
  /**
   * How far a parked car's reported position wanders around where it is (metres, about two
   * standard deviations): the least dead band of a presence zone and the slack of its outlier test.
   */
  readonly positionNoiseM: number;
  /** The odometer's step (km): a position may move this far while the odometer shows no change. */
  readonly odometerStepKm: number;
  /** Fills in defaults (servers, keys) and checks the account config; throws BAD_INPUT. */
  resolveConfig(input: Partial<AccountConfig> & { provider: ProviderId }): AccountConfig;
  /** Opens one account: one Connection per cloud account, whatever the number of nodes. */
  connect(ctx: ConnectionContext<S>): Connection;
}
