// @ts-nocheck
import { CarError, type ProviderId } from '../core';
import type { Provider } from './provider';
import type * as RenaultModule from './renault';
import type * as CarDataModule from './cardata';
import type * as RenaultParse from './renault/parse';
import type * as CarDataParse from './cardata/parse';

export type {
  Provider,
  ProviderAuth,
  ProviderContext,
  AnswerMemory,
  Connection,
  ConnectionContext,
  StatusFacet,
  CommandsFacet,
  ChargingFacet,
  HistoryFacet,
  RawFacet,
  StreamFacet,
  OptionalFacet,
  AccountConfig,
  CallOptions,
  StatusRead,
  VehicleCapabilities,
  CommandTicket,
  CommandProgress,
  RawRequest,
  RawResponse,
  PendingChallenge,
  EndpointRead,
  StatusPatch,
  BrandOffer,
  SignInMode,
  RawPathExample,
} from './provider';
import type { BrandOffer } from './provider';
export { ChallengeError } from './provider';

/* eslint-disable @typescript-eslint/no-require-imports -- a brand loads on demand, see below */
/**
 * The registry: every provider the plugin speaks, each loaded with the first account of its
 * brand (a Renault-only flow never loads CarData's code, its schemas or mqtt).
 */
const LOADERS: Partial<Record<ProviderId, () => Provider<unknown>>> = {
  renault: () => (require('./renault') as typeof RenaultModule).renault as Provider<unknown>,
  cardata: () => (require('./cardata') as typeof CarDataModule).cardataProvider as Provider<unknown>,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded: Partial<Record<ProviderId, Provider<unknown>>> = {};

export function getProvider(id: string): Provider<unknown> {
  const key = id as ProviderId;
  const loader = Object.hasOwn(LOADERS, id) ? LOADERS[key] : undefined;
  if (!loader) throw new CarError('BAD_INPUT', `provider "${id}" is not available; allowed: ${providerIds().join(', ')}`);
  return (loaded[key] ??= loader());
}

export function providerIds(): ProviderId[] {
  return Object.keys(LOADERS) as ProviderId[];
}

/** A provider's offer as the editor gets it (GET /connected-car/brands): JSON, with the budget's size and unit. */
export interface BrandDescription extends BrandOffer {
  id: ProviderId;
  name: string;
  budget: { limit: number; per: 'hour' | 'day' };
}

/** Every provider's offer: what each dialog may show. */
export function describeBrands(): BrandDescription[] {
  return providerIds().map((id) => {
    const p = getProvider(id);
    const per = p.budget.windowMs >= 86_400_000 ? 'day' : 'hour';
    return { id, name: p.name, ...p.offer, budget: { limit: p.budget.limit, per } };
  });
}

/** A raw-response parser of a provider, for `connected-car parse`. */
export interface RawParser {
  endpoints: readonly string[];
  parse: (endpoint: string, text: string) => unknown;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded by the command that needs it */
const PARSER_LOADERS: Record<string, () => RawParser> = {
  renault: () => {
    const m = require('./renault/parse') as typeof RenaultParse;
    return { endpoints: m.PARSEABLE, parse: m.parseRenault };
  },
  cardata: () => {
    const m = require('./cardata/parse') as typeof CarDataParse;
    return { endpoints: m.PARSEABLE, parse: (kind, text) => m.parseCarData(kind, text) };
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Providers with a raw-response parser. */
export const PARSER_IDS: readonly string[] = Object.keys(PARSER_LOADERS);

/** The raw-response parser of a provider, or undefined when it has none. */
export function rawParser(provider: string): RawParser | undefined {
  return Object.hasOwn(PARSER_LOADERS, provider) ? PARSER_LOADERS[provider]?.() : undefined;
}
