import { CarError, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext, RawRequest, RawResponse } from '../provider';
import type { RenaultAuthState } from './auth';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Raw Kamereon requests with the managed token, only under the account's own paths. */
export const renaultRaw = {
  paths: [] as readonly string[],
  request(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle | undefined, _req: RawRequest, _opts: CallOptions): Promise<RawResponse> {
    return Promise.reject(new CarError('NOT_SUPPORTED', 'Renault raw requests are not built yet', { transient: false }));
  },
};
