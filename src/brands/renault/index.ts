import { CarError, TokenRejectedError, type StatusFragment, type StatusPart, type Vehicle } from '../../core';
import type { AccountConfig, CallOptions, Provider, ProviderContext, StatusRead, VehicleCapabilities } from '../provider';
import { DEFAULT_KEYS, DEFAULT_SERVERS, LOCALES, READS, kamereon, type ReadName } from './api';
import { renaultAuth, type RenaultAuthState } from './auth';
import { isAvailable } from './capabilities';
import { renaultCommands } from './commands';
import { renaultCharging } from './charging';
import { renaultHistory } from './history';
import { renaultRaw } from './raw';
import { combineRange, mapBatteryStatus, mapCockpit, mapHvacStatus, mapLocation, mapVehicles } from './map';
import { BatteryStatusSchema, CockpitSchema, HvacStatusSchema, LocationSchema, PersonSchema, VehiclesSchema } from './schemas';

/** Which read serves which status part. */
const READ_OF_PART: Partial<Record<StatusPart, ReadName>> = {
  battery: 'battery-status',
  charging: 'battery-status',
  mileage: 'cockpit',
  fuel: 'cockpit',
  position: 'location',
  climate: 'hvac-status',
};

/** Accounts of these types never hold cars (spec §4.1). */
const ACCOUNTS_WITHOUT_CARS = new Set(['SFDC']);

function readsFor(vehicle: Vehicle, parts: StatusPart[]): ReadName[] {
  const reads = new Set<ReadName>();
  for (const part of parts) {
    const read = READ_OF_PART[part];
    if (!read || !isAvailable(vehicle.modelCode, read)) continue;
    if (read === 'battery-status' && vehicle.drivetrain === 'combustion') continue;
    if (part === 'fuel' && vehicle.drivetrain === 'electric') continue;
    reads.add(read);
  }
  return [...reads];
}

/** Maps one raw read body to the status it describes; also what `connected-car parse` uses. */
export function mapRead(read: ReadName, body: unknown, modelCode?: string): StatusFragment {
  const fail = (what: string): never => {
    throw new CarError('UPSTREAM', `Renault ${read}: the answer is not a ${what} response`);
  };
  switch (read) {
    case 'battery-status': {
      const p = BatteryStatusSchema.safeParse(body);
      return p.success ? mapBatteryStatus(p.data, modelCode) : fail('battery-status');
    }
    case 'cockpit': {
      const p = CockpitSchema.safeParse(body);
      return p.success ? mapCockpit(p.data) : fail('cockpit');
    }
    case 'location': {
      const p = LocationSchema.safeParse(body);
      return p.success ? mapLocation(p.data) : fail('location');
    }
    case 'hvac-status': {
      const p = HvacStatusSchema.safeParse(body);
      return p.success ? mapHvacStatus(p.data) : fail('hvac-status');
    }
  }
}

export const renault: Provider<RenaultAuthState> = {
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
    return {
      provider: 'renault',
      locale,
      ...(input.username !== undefined ? { username: input.username } : {}),
      ...(input.password !== undefined ? { password: input.password } : {}),
      servers,
      keys: {
        gigyaApiKey: input.keys?.gigyaApiKey || gigyaKey,
        kamereonApiKey: input.keys?.kamereonApiKey || DEFAULT_KEYS.kamereon,
      },
    };
  },

  async listVehicles(ctx: ProviderContext, auth: RenaultAuthState, opts: CallOptions): Promise<Vehicle[]> {
    const jwt = requireJwt(auth);
    const personBody = await kamereon(ctx, jwt, { method: 'GET', path: `/persons/${encodeURIComponent(auth.personId)}`, kind: opts.kind });
    const person = PersonSchema.safeParse(personBody);
    if (!person.success) throw new CarError('UPSTREAM', 'Renault persons: unexpected answer');
    const accounts = person.data.accounts.filter(
      (a) => !ACCOUNTS_WITHOUT_CARS.has((a.accountType ?? '').toUpperCase()) && (a.accountStatus ?? 'ACTIVE').toUpperCase() === 'ACTIVE',
    );
    const vehicles: Vehicle[] = [];
    for (const account of accounts) {
      const body = await kamereon(ctx, jwt, { method: 'GET', path: `/accounts/${encodeURIComponent(account.accountId)}/vehicles`, kind: opts.kind });
      const parsed = VehiclesSchema.safeParse(body);
      if (!parsed.success) throw new CarError('UPSTREAM', 'Renault vehicles: unexpected answer');
      vehicles.push(...mapVehicles(parsed.data, account.accountId));
    }
    return vehicles;
  },

  capabilities(vehicle: Vehicle): VehicleCapabilities {
    const parts = (Object.keys(READ_OF_PART) as StatusPart[]).filter((p) => readsFor(vehicle, [p]).length > 0);
    return {
      parts,
      commands: renaultCommands.commandsFor(vehicle),
      chargingRead: renaultCharging.canRead(vehicle),
      chargingWrite: renaultCharging.canWrite(vehicle),
      nativeChargeSessions: renaultHistory.hasChargeSessions(vehicle),
      nativeTrips: false,
    };
  },

  statusCost(vehicle, parts) {
    return readsFor(vehicle, parts).length;
  },

  async readStatus(ctx, auth, vehicle, parts, opts): Promise<StatusRead> {
    const jwt = requireJwt(auth);
    if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
    const root = `/accounts/${encodeURIComponent(vehicle.accountId)}/kamereon/`;
    const reads = readsFor(vehicle, parts);
    const raw: Record<string, unknown> = {};
    const fragments: StatusFragment[] = [];
    const failures: { read: ReadName; error: CarError }[] = [];
    for (const read of reads) {
      try {
        const body = await kamereon(ctx, jwt, { method: 'GET', path: root + READS[read].replace('{vin}', encodeURIComponent(vehicle.vin)), kind: opts.kind });
        raw[read] = body;
        fragments.push(mapRead(read, body, vehicle.modelCode));
      } catch (e) {
        // Auth, quota and budget stop the whole read; a part the car lacks does not.
        if (e instanceof TokenRejectedError || !(e instanceof CarError) || ['RATE_LIMITED', 'QUOTA_EXCEEDED', 'AUTH_FAILED', 'TFA_REQUIRED'].includes(e.code)) throw e;
        failures.push({ read, error: e });
      }
    }
    if (reads.length > 0 && failures.length === reads.length && failures[0]) throw failures[0].error;
    const status: StatusFragment = Object.assign({}, ...fragments) as StatusFragment;
    // Object.assign would lose the electric range when cockpit comes after battery-status.
    for (const f of fragments) {
      if (f.battery) status.battery = { ...status.battery, ...f.battery };
      if (f.fuel) status.fuel = { ...status.fuel, ...f.fuel };
    }
    const range = combineRange(status);
    if (range !== undefined) status.rangeKm = range;
    const missing: StatusRead['missing'] = [];
    for (const part of parts) {
      const read = READ_OF_PART[part];
      const failed = failures.find((f) => f.read === read);
      if (failed) missing.push({ part, code: failed.error.code, message: failed.error.message });
      else if (!read || !reads.includes(read)) missing.push({ part, code: 'NOT_SUPPORTED', message: `${part} is not available for this ${vehicle.model ?? 'car'}` });
    }
    return { status, raw, missing };
  },

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
