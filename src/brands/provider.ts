import type { z } from 'zod';
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
  Trip,
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
}

export interface CallOptions {
  /** background (polling) or explicit (the user asked): explicit may use the budget's reserve. */
  kind: CallKind;
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
  /** True when refresh() can work (a long-lived token is there). */
  canRefresh(state: S): boolean;
  /** When the access token expires (epoch ms); undefined when there is none. */
  accessExpiresAt(state: S): number | undefined;
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
  /** Parts the provider could not read, with why (NOT_SUPPORTED and friends). */
  missing: { part: StatusPart; code: string; message: string }[];
}

export interface Provider<S = unknown> {
  readonly id: ProviderId;
  readonly auth: ProviderAuth<S>;
  /** Default call budget of an account. */
  readonly budget: { limit: number; windowMs: number; reserve: number; code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED' };
  /** Fills in defaults (servers, keys) and checks the account config; throws BAD_INPUT. */
  resolveConfig(input: Partial<AccountConfig> & { provider: ProviderId }): AccountConfig;
  listVehicles(ctx: ProviderContext, auth: S, opts: CallOptions): Promise<Vehicle[]>;
  capabilities(vehicle: Vehicle): VehicleCapabilities;
  /** How many budgeted calls a status read of these parts costs. */
  statusCost(vehicle: Vehicle, parts: StatusPart[]): number;
  readStatus(ctx: ProviderContext, auth: S, vehicle: Vehicle, parts: StatusPart[], opts: CallOptions): Promise<StatusRead>;

  /**
   * Sends a command once (never retried: it may have reached the car). Throws NOT_SUPPORTED
   * without calling when the vehicle cannot do it.
   */
  sendCommand(ctx: ProviderContext, auth: S, vehicle: Vehicle, input: CommandInput, opts: CallOptions): Promise<CommandTicket>;
  /** One look at a command's progress (Renault: notifications and a re-read; MyBMW: event status). */
  trackCommand(ctx: ProviderContext, auth: S, vehicle: Vehicle, ticket: CommandTicket, opts: CallOptions): Promise<CommandProgress>;
  /** How often trackCommand may be called for this command, in ms. */
  trackIntervalMs(ticket: CommandTicket): number;

  readCharging(ctx: ProviderContext, auth: S, vehicle: Vehicle, opts: CallOptions): Promise<ChargingSettings>;
  /** Writes a change; returns the cloud's action ids. Throws NOT_SUPPORTED / BAD_INPUT without calling when it cannot. */
  writeCharging(ctx: ProviderContext, auth: S, vehicle: Vehicle, change: ChargingChange, opts: CallOptions): Promise<{ actionIds: string[] }>;

  /** Native charging sessions between two times (ISO); NOT_SUPPORTED where the cloud has none. */
  readChargeSessions(ctx: ProviderContext, auth: S, vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<ChargeSession[]>;
  /** Native trips; NOT_SUPPORTED where the cloud has none. */
  readTrips(ctx: ProviderContext, auth: S, vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<Trip[]>;

  /** Path prefixes (with {accountId}, {vin}, {personId} placeholders) a raw request may use. */
  readonly rawPaths: readonly string[];
  /** A raw call with the managed token; BAD_INPUT for a path outside rawPaths. */
  rawRequest(ctx: ProviderContext, auth: S, vehicle: Vehicle | undefined, req: RawRequest, opts: CallOptions): Promise<RawResponse>;
}
