// @ts-nocheck
import { CarError, checkServerUrl } from '../../core';
import type { AccountConfig, ConnectionContext, Provider } from '../provider';
import { CARDATA_NAME, DEFAULT_SERVERS } from './api';
import { cardataAuth, type CarDataAuthState } from './auth';
import { CarDataConnection } from './connection';
import { CARDATA_OFFER } from './offer';

/**
 * BMW's official CarData API: device-code sign-in, REST reads limited to 50 calls a day per BMW
 * account, and an MQTT stream that costs none. Read-only.
 */
export const cardataProvider = {
  id: 'cardata',
  name: CARDATA_NAME,
  auth: cardataAuth,
  offer: CARDATA_OFFER,
  // 50 calls per rolling 24 h per BMW account (spec B2), 10 kept for what the user asks.
  budget: { limit: 50, windowMs: 86_400_000, reserve: 10, code: 'QUOTA_EXCEEDED' },
  // CarData gives a fix status (GPS_FIX_3D) but no accuracy in metres (telematic catalogue): the
  // upper end of car GPS noise, 5-50 m (specs/presence.md §5).
  positionNoiseM: 50,
  // vehicle.vehicle.travelledDistance counts whole kilometres (telematic catalogue, unit km).
  odometerStepKm: 1,

  resolveConfig(input): AccountConfig {
    const clientId = input.keys?.clientId?.trim();
    if (!clientId) {
      throw new CarError('BAD_INPUT', 'keys.clientId: the BMW CarData client id is required; create one in the MyBMW portal under "CarData" and paste it here');
    }
    if (!/^[A-Za-z0-9._-]{8,128}$/.test(clientId)) {
      throw new CarError('BAD_INPUT', 'keys.clientId: a CarData client id is a code like 12345678-abcd-4ef0-9876-0123456789ab (letters, digits and dashes); check what was pasted');
    }
    const servers = {
      api: input.servers?.api?.trim() || DEFAULT_SERVERS.api,
      auth: input.servers?.auth?.trim() || DEFAULT_SERVERS.auth,
      mqtt: input.servers?.mqtt?.trim() || DEFAULT_SERVERS.mqtt,
    };
    checkServerUrl('servers.api', servers.api, 'https:', 'http:');
    checkServerUrl('servers.auth', servers.auth, 'https:', 'http:');
    checkServerUrl('servers.mqtt', servers.mqtt, 'mqtts:', 'mqtt:');
    const streamingUsername = input.keys?.streamingUsername?.trim();
    return {
      provider: 'cardata',
      // CarData serves EU cars only; the locale plays no part.
      locale: 'eu',
      ...(input.brand ? { brand: input.brand } : {}),
      servers,
      keys: { clientId, ...(streamingUsername ? { streamingUsername } : {}) },
    };
  },

  connect: (ctx: ConnectionContext<CarDataAuthState>) => new CarDataConnection(ctx),
} satisfies Provider<CarDataAuthState>;

/** Parts the stream never brings (only a REST read): the scheduler should poll these, rarely. */
export { REST_ONLY_PARTS, REST_ONLY_KEYS, CONTAINER_KEYS, MAPPED_KEYS } from './map';
export { cardataAuth, type CarDataAuthState } from './auth';
export { CarDataConnection, CONTAINER_NAME, CONTAINER_PREFIX } from './connection';
export type { StreamEvent, StreamOptions, StreamUpdate } from './stream';
