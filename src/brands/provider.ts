import type { z } from 'zod';
import type { Brand, CallBudget, CallKind, Clock, HttpClient, Logger, ProviderId, StatusFragment, StatusPart, Vehicle } from '../core';

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
  /** Commands this vehicle accepts (names from features/commands). */
  commands: string[];
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
}
