// @ts-nocheck
import { CarError, checkServerUrl, registerSecret } from '../../core';
import type { AccountConfig, Provider } from '../provider';
import { DEFAULT_KEYS, DEFAULT_SERVERS, LOCALES } from './api';
import { jwtExpiry, renaultAuth, type RenaultAuthState } from './auth';
import { RenaultConnection } from './connection';
import { RENAULT_OFFER } from './offer';

/** Accepts a Kamereon accountId: a UUID-like id of letters, digits and dashes. */
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{5,63}$/;

/** Renault, Dacia and Alpine (Gigya sign-in, Kamereon API): one RenaultConnection per account. */
export const renault: Provider<RenaultAuthState> = {
  id: 'renault',
  name: 'Renault',
  auth: renaultAuth,
  offer: RENAULT_OFFER,
  // renault-api / Home Assistant: about 60 calls per hour per account (spec §8).
  budget: { limit: 60, windowMs: 3_600_000, reserve: 6, code: 'RATE_LIMITED' },
  // Kamereon's location has no accuracy field (renault-api KamereonVehicleLocationData); car GPS
  // wanders 5-50 m (specs/presence.md §5-6): the upper end, as nothing narrows it.
  positionNoiseM: 50,
  // cockpit's totalMileage has two decimals (renault-api's cockpit fixtures: 49114.27).
  odometerStepKm: 0.01,

  resolveConfig(input): AccountConfig {
    const locale = input.locale || 'fr_FR';
    if (!(LOCALES as readonly string[]).includes(locale)) {
      throw new CarError('BAD_INPUT', `locale "${locale}" is not one Renault serves; allowed: ${LOCALES.join(', ')}`);
    }
    const region = locale === 'es_MX' ? DEFAULT_SERVERS.us : DEFAULT_SERVERS.eu;
    const gigyaKey = locale === 'es_MX' ? DEFAULT_KEYS.gigyaMx : locale === 'fr_LU' ? DEFAULT_KEYS.gigyaLu : DEFAULT_KEYS.gigyaEu;
    const servers = { gigya: input.servers?.gigya || region.gigya, kamereon: input.servers?.kamereon || region.kamereon };
    for (const [role, url] of Object.entries(servers)) checkServerUrl(`servers.${role}`, url, 'https:', 'http:');
    const authMode = input.authMode ?? 'password';
    if (authMode !== 'password' && authMode !== 'token') throw new CarError('BAD_INPUT', `authMode must be password or token (got "${String(authMode)}")`);
    if (authMode === 'token') {
      // myRenaultLC's manual mode: a pasted JWT and the account it belongs to; no password ever.
      const jwt = (input.accessToken ?? '').trim();
      if (!jwt) throw new CarError('BAD_INPUT', 'jwt: paste the token (a JWT, three parts separated by dots) for the token sign-in');
      registerSecret(jwt);
      if (jwt.split('.').length !== 3 || jwtExpiry(jwt) === undefined) {
        throw new CarError('BAD_INPUT', 'jwt: the pasted token is not a JWT with an expiry (three base64 parts separated by dots, with an "exp" claim)');
      }
      const accountId = (input.accountId ?? '').trim();
      if (!ACCOUNT_ID.test(accountId)) throw new CarError('BAD_INPUT', `accountId: the Kamereon account id the token belongs to is needed for the token sign-in (6 to 64 letters, digits, - or _; got "${accountId}")`);
    }
    return {
      provider: 'renault',
      locale,
      ...(input.username !== undefined ? { username: input.username } : {}),
      ...(input.password !== undefined ? { password: input.password } : {}),
      ...(authMode === 'token' ? { authMode, accessToken: (input.accessToken ?? '').trim(), accountId: (input.accountId ?? '').trim() } : {}),
      servers,
      keys: {
        gigyaApiKey: input.keys?.gigyaApiKey || gigyaKey,
        kamereonApiKey: input.keys?.kamereonApiKey || DEFAULT_KEYS.kamereon,
      },
    };
  },

  connect: (ctx) => new RenaultConnection(ctx),
};

export { RenaultConnection, type RenaultHistoryFacet } from './connection';
export { renaultAuth, type RenaultAuthState };
