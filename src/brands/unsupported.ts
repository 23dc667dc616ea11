import { CarError } from '../core';
import type { LegacyProvider } from './provider';

type Extras = Pick<
  LegacyProvider<unknown>,
  'sendCommand' | 'trackCommand' | 'trackIntervalMs' | 'readCharging' | 'writeCharging' | 'readChargeSessions' | 'readTrips' | 'rawPaths' | 'rawRequest'
>;

/**
 * The extension methods of a provider that has none of them (or not yet): each answers
 * NOT_SUPPORTED, naming the provider and why, without calling anything.
 */
export function unsupportedExtras(providerName: string, why = ''): Extras {
  const no = (what: string): never => {
    throw new CarError('NOT_SUPPORTED', `${providerName} cannot ${what}${why ? `: ${why}` : ''}`, { transient: false });
  };
  return {
    sendCommand: (_c, _a, _v, input) => Promise.reject(safe(() => no(`send the command ${input.command}`))),
    trackCommand: () => Promise.reject(safe(() => no('track commands'))),
    trackIntervalMs: () => 5_000,
    readCharging: () => Promise.reject(safe(() => no('read the charging settings'))),
    writeCharging: () => Promise.reject(safe(() => no('change the charging settings'))),
    readChargeSessions: () => Promise.reject(safe(() => no('list charging sessions'))),
    readTrips: () => Promise.reject(safe(() => no('list trips'))),
    rawPaths: [],
    rawRequest: () => Promise.reject(safe(() => no('make raw requests'))),
  };
}

function safe(fn: () => never): unknown {
  try {
    return fn();
  } catch (e) {
    return e;
  }
}
