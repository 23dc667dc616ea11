import { CarError, type ProviderId } from '../core';
import type { Provider } from './provider';
import { renault } from './renault';

export type {
  Provider,
  ProviderContext,
  AccountConfig,
  CallOptions,
  StatusRead,
  VehicleCapabilities,
  CommandTicket,
  CommandProgress,
  RawRequest,
  RawResponse,
} from './provider';

/** The registry: every provider the plugin speaks. */
const PROVIDERS: Partial<Record<ProviderId, Provider<unknown>>> = {
  renault: renault as Provider<unknown>,
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

/** Raw-response parsers by provider, for `connected-car parse`. */
export const PARSERS: Record<string, { endpoints: readonly string[]; parse: (endpoint: string, text: string) => unknown }> = {
  renault: { endpoints: RENAULT_PARSEABLE, parse: parseRenault },
};
