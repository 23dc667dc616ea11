// @ts-nocheck
import { COMMANDS, STATUS_PARTS } from '../../core';
import type { BrandOffer } from '../provider';

/**
 * What Renault's cloud offers some car of Renault, Dacia or Alpine: every command and status
 * part (capabilities.ts narrows them per model), charging settings to read and write, sign-in by
 * e-mail and password or by a pasted token. The raw paths are Kamereon reads of spec §5, below
 * the prefixes raw.ts allows (the raw-request test checks each).
 */
export const RENAULT_OFFER: BrandOffer = {
  brands: ['renault', 'dacia', 'alpine'],
  signIn: ['password', 'token'],
  commands: COMMANDS,
  parts: STATUS_PARTS,
  charging: { read: true, write: true },
  rawPaths: [
    { name: 'cockpit', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit' },
    { name: 'battery-status', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v2/cars/{vin}/battery-status' },
    { name: 'car-adapter', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v2/cars/{vin}' },
    { name: 'hvac-settings', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/hvac-settings' },
    { name: 'pressure', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/pressure' },
    { name: 'KCM ev/settings', path: '/commerce/v1/accounts/{accountId}/kamereon/kcm/v1/vehicles/{vin}/ev/settings' },
    { name: 'alerts', path: '/commerce/v1/accounts/{accountId}/kamereon/vehicles/{vin}/alerts' },
    { name: 'vehicle details', path: '/commerce/v1/accounts/{accountId}/vehicles/{vin}/details' },
    { name: 'contracts', path: '/commerce/v1/accounts/{accountId}/vehicles/{vin}/contracts' },
    { name: 'person', path: '/commerce/v1/persons/{personId}' },
    { name: 'notifications', path: '/commerce/v1/persons/{personId}/notifications/kmr' },
  ],
  missing: {},
};
