import { CarError, STATUS_PARTS, TokenRejectedError, registerSecret, type StatusFragment, type StatusPart, type Vehicle } from '../../core';
import type { AccountConfig, CallOptions, LegacyProvider, ProviderContext, StatusRead, VehicleCapabilities } from '../provider';
import { DEFAULT_KEYS, DEFAULT_SERVERS, LOCALES, READ_ENDPOINT_NAMES, kamereon, type ReadName } from './api';
import { jwtExpiry, renaultAuth, type RenaultAuthState } from './auth';
import { renaultCommands } from './commands';
import { renaultCharging } from './charging';
import { renaultHistory } from './history';
import { renaultRaw } from './raw';
import { mapVehicles } from './map';
import { ENDPOINT_OF_PART, mapEndpoint, readEndpoint, readStatusParts, statusReads } from './reads';
import { PersonSchema, VehiclesSchema } from './schemas';

/** Accounts of these types never hold cars (spec §4.1). */
const ACCOUNTS_WITHOUT_CARS = new Set(['SFDC']);

/**
 * Maps one raw status read body to the status it describes (the four reads of READS). Kept
 * for the modules that import it; mapEndpoint (reads.ts) maps every endpoint.
 */
export function mapRead(read: ReadName, body: unknown, modelCode?: string): StatusFragment {
  return mapEndpoint(read, body, modelCode ? { modelCode } : {}).mapped as StatusFragment;
}

/** Accepts a Kamereon accountId: a UUID-like id of letters, digits and dashes. */
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{5,63}$/;

export const renault: LegacyProvider<RenaultAuthState> = {
  id: 'renault',
  auth: renaultAuth,
  // renault-api / Home Assistant: about 60 calls per hour per account (spec §8).
  budget: { limit: 60, windowMs: 3_600_000, reserve: 6, code: 'RATE_LIMITED' },

  resolveConfig(input): AccountConfig {
    const locale = input.locale || 'fr_FR';
    if (!(LOCALES as readonly string[]).includes(locale)) {
      throw new CarError('BAD_INPUT', `locale "${locale}" is not one Renault serves; allowed: ${LOCALES.join(', ')}`);
    }
    const region = locale === 'es_MX' ? DEFAULT_SERVERS.us : DEFAULT_SERVERS.eu;
    const gigyaKey = locale === 'es_MX' ? DEFAULT_KEYS.gigyaMx : locale === 'fr_LU' ? DEFAULT_KEYS.gigyaLu : DEFAULT_KEYS.gigyaEu;
    const servers = { gigya: input.servers?.gigya || region.gigya, kamereon: input.servers?.kamereon || region.kamereon };
    for (const [role, url] of Object.entries(servers)) {
      if (!/^https?:\/\/[^\s]+$/.test(url)) throw new CarError('BAD_INPUT', `server URL for ${role} must start with https:// (got "${url}")`);
    }
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

  async listVehicles(ctx: ProviderContext, auth: RenaultAuthState, opts: CallOptions): Promise<Vehicle[]> {
    const jwt = requireJwt(auth);
    let accountIds: string[];
    if (auth.accountId) {
      // Token sign-in: the user named the account; the person is not needed.
      accountIds = [auth.accountId];
    } else {
      const personBody = await kamereon(ctx, jwt, { method: 'GET', path: `/persons/${encodeURIComponent(auth.personId)}`, kind: opts.kind });
      const person = PersonSchema.safeParse(personBody);
      if (!person.success) throw new CarError('UPSTREAM', 'Renault persons: the answer has no list of accounts');
      // MYRENAULT, MYDACIA (and whatever brand account comes next) hold cars; SFDC is the CRM.
      accountIds = person.data.accounts
        .filter((a) => !ACCOUNTS_WITHOUT_CARS.has((a.accountType ?? '').toUpperCase()) && (a.accountStatus ?? 'ACTIVE').toUpperCase() === 'ACTIVE')
        .map((a) => a.accountId);
    }
    const vehicles = new Map<string, Vehicle>();
    let failure: CarError | undefined;
    for (const accountId of accountIds) {
      let body: unknown;
      try {
        body = await kamereon(ctx, jwt, { method: 'GET', path: `/accounts/${encodeURIComponent(accountId)}/vehicles`, kind: opts.kind });
      } catch (e) {
        // An account without a garage answers "forbidden" or "not found": the others still count.
        if (e instanceof CarError && e.code === 'NOT_SUPPORTED') {
          failure ??= e;
          continue;
        }
        throw e;
      }
      const parsed = VehiclesSchema.safeParse(body);
      if (!parsed.success) throw new CarError('UPSTREAM', 'Renault vehicles: the answer has no list of vehicles');
      for (const v of mapVehicles(parsed.data, accountId)) if (!vehicles.has(v.vin)) vehicles.set(v.vin, v);
    }
    if (vehicles.size === 0 && failure) throw failure;
    return [...vehicles.values()];
  },

  capabilities(vehicle: Vehicle): VehicleCapabilities {
    const parts = STATUS_PARTS.filter((p) => ENDPOINT_OF_PART[p] !== undefined && statusReads(vehicle, [p]).length > 0);
    return {
      parts,
      commands: renaultCommands.commandsFor(vehicle),
      chargingRead: renaultCharging.canRead(vehicle),
      chargingWrite: renaultCharging.canWrite(vehicle),
      nativeChargeSessions: renaultHistory.hasChargeSessions(vehicle),
      nativeTrips: false,
    };
  },

  statusCost(vehicle: Vehicle, parts: StatusPart[]) {
    return statusReads(vehicle, parts).length;
  },

  readStatus(ctx, auth, vehicle, parts, opts): Promise<StatusRead> {
    return readStatusParts(ctx, requireJwt(auth), vehicle, parts, opts);
  },

  endpoints: READ_ENDPOINT_NAMES,
  readEndpoint: (ctx, auth, vehicle, endpoint, params, opts) => readEndpoint(ctx, requireJwt(auth), vehicle, endpoint, params, opts),

  sendCommand: (ctx, auth, vehicle, input, opts) => renaultCommands.send(ctx, requireJwtState(auth), vehicle, input, opts),
  trackCommand: (ctx, auth, vehicle, ticket, opts) => renaultCommands.track(ctx, requireJwtState(auth), vehicle, ticket, opts),
  trackIntervalMs: (ticket) => renaultCommands.trackIntervalMs(ticket),
  readCharging: (ctx, auth, vehicle, opts) => renaultCharging.read(ctx, requireJwtState(auth), vehicle, opts),
  writeCharging: (ctx, auth, vehicle, change, opts) => renaultCharging.write(ctx, requireJwtState(auth), vehicle, change, opts),
  readChargeSessions: (ctx, auth, vehicle, from, to, opts) => renaultHistory.chargeSessions(ctx, requireJwtState(auth), vehicle, from, to, opts),
  readTrips: () => Promise.reject(new CarError('NOT_SUPPORTED', 'Renault keeps no trips; car-trips derives them from the status history', { transient: false })),
  rawPaths: renaultRaw.paths,
  rawRequest: (ctx, auth, vehicle, req, opts) => renaultRaw.request(ctx, requireJwtState(auth), vehicle, req, opts),
};

function requireJwt(auth: RenaultAuthState): { jwt: string } {
  if (!auth.jwt) throw new TokenRejectedError('no JWT yet');
  return { jwt: auth.jwt };
}

/** The auth state with a JWT, for the modules below: they call Kamereon with it. */
export type RenaultSession = RenaultAuthState & { jwt: string };
function requireJwtState(auth: RenaultAuthState): RenaultSession {
  if (!auth.jwt) throw new TokenRejectedError('no JWT yet');
  return auth as RenaultSession;
}

export { renaultAuth, type RenaultAuthState };
