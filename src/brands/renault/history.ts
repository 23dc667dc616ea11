import { CarError, type ChargeSession, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import type { RenaultAuthState } from './auth';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Renault's own charging history (charges, charge-history). */
export const renaultHistory = {
  hasChargeSessions(_vehicle: Vehicle): boolean {
    return false;
  },
  chargeSessions(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle, _from: string, _to: string, _opts: CallOptions): Promise<ChargeSession[]> {
    return Promise.reject(new CarError('NOT_SUPPORTED', 'Renault charging sessions are not built yet', { transient: false }));
  },
};
