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
} from './provider';
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

import { PARSEABLE as RENAULT_PARSEABLE, parseRenault } from './renault/parse';
import { PARSEABLE as CARDATA_PARSEABLE, parseCarData } from './cardata/parse';

/** Raw-response parsers by provider, for `connected-car parse`. */
export const PARSERS: Record<string, { endpoints: readonly string[]; parse: (endpoint: string, text: string) => unknown }> = {
  renault: { endpoints: RENAULT_PARSEABLE, parse: parseRenault },
  cardata: { endpoints: CARDATA_PARSEABLE, parse: (kind, text) => parseCarData(kind, text) },
};
