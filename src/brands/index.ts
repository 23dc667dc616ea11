import { CarError, type ProviderId } from '../core';
import type { Provider } from './provider';
import { renault } from './renault';
import { cardataProvider } from './cardata';

export type {
  Provider,
  ProviderAuth,
  ProviderContext,
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

/** The registry: every provider the plugin speaks. */
const PROVIDERS: Partial<Record<ProviderId, Provider<unknown>>> = {
  renault: renault as Provider<unknown>,
  cardata: cardataProvider as Provider<unknown>,
};

export function getProvider(id: string): Provider<unknown> {
  const p = PROVIDERS[id as ProviderId];
  if (!p) throw new CarError('BAD_INPUT', `provider "${id}" is not available; allowed: ${Object.keys(PROVIDERS).join(', ')}`);
  return p;
}

export function providerIds(): ProviderId[] {
  return Object.keys(PROVIDERS) as ProviderId[];
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

import { PARSEABLE as RENAULT_PARSEABLE, parseRenault } from './renault/parse';
import { PARSEABLE as CARDATA_PARSEABLE, parseCarData } from './cardata/parse';

/** Raw-response parsers by provider, for `connected-car parse`. */
export const PARSERS: Record<string, { endpoints: readonly string[]; parse: (endpoint: string, text: string) => unknown }> = {
  renault: { endpoints: RENAULT_PARSEABLE, parse: parseRenault },
  cardata: { endpoints: CARDATA_PARSEABLE, parse: (kind, text) => parseCarData(kind, text) },
};
