import { CarError, type ChargingChange, type ChargingSettings, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import type { RenaultAuthState } from './auth';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Renault charging settings: charge mode, schedules (KCA v2 / KCM), target levels. */
export const renaultCharging = {
  canRead(_vehicle: Vehicle): boolean {
    return false;
  },
  canWrite(_vehicle: Vehicle): boolean {
    return false;
  },
  read(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle, _opts: CallOptions): Promise<ChargingSettings> {
    return Promise.reject(new CarError('NOT_SUPPORTED', 'Renault charging settings are not built yet', { transient: false }));
  },
  write(_ctx: ProviderContext, _auth: RenaultSession, _vehicle: Vehicle, _change: ChargingChange, _opts: CallOptions): Promise<{ actionIds: string[] }> {
    return Promise.reject(new CarError('NOT_SUPPORTED', 'Renault charging settings are not built yet', { transient: false }));
  },
};
