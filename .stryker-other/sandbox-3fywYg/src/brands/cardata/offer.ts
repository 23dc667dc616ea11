// @ts-nocheck
import { STATUS_PARTS } from '../../core';
import type { BrandOffer } from '../provider';
import { ENDPOINTS } from './api';

/** Said of every write the API refuses. */
export const READ_ONLY = 'the official CarData API is read-only';

/**
 * What BMW CarData offers: reads only (its API has no command and no charging-settings
 * endpoint: api.ts ENDPOINTS), every status part, a device-code sign-in. MyBMW, the app's API
 * that can command a car, refuses third-party clients since 2025-09: hence no commands.
 */
export const CARDATA_OFFER: BrandOffer = {
  brands: ['bmw', 'mini'],
  signIn: ['device_code'],
  commands: [],
  parts: STATUS_PARTS,
  charging: { read: false, write: false },
  rawPaths: (['telematicData', 'basicData', 'chargingHistory', 'locationBasedChargingSettings', 'smartMaintenanceTyreDiagnosis', 'image', 'mappings', 'containers'] as const).map(
    (name) => ({ name, path: ENDPOINTS[name].path }),
  ),
  missing: {
    commands: `${READ_ONLY}, and MyBMW, the app that sends commands, refuses third-party clients since 2025-09`,
    charging: `${READ_ONLY} and has no charging settings, and MyBMW, the app that has them, refuses third-party clients since 2025-09`,
  },
};
