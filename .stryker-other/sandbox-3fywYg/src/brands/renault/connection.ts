// @ts-nocheck
import { CarError, STATUS_PARTS, TokenRejectedError, type Vehicle } from '../../core';
import type {
  CallOptions,
  ChargingFacet,
  CommandsFacet,
  Connection,
  ConnectionContext,
  HistoryFacet,
  ProviderContext,
  RawFacet,
  StatusFacet,
  VehicleCapabilities,
} from '../provider';
import { callEndpoint } from './api';
import type { RenaultAuthState, RenaultSession } from './auth';
import { ChargingClient } from './charging';
import { canReadCharging, canWriteCharging, chargingReadCost } from './charging-plan';
import { commandsFor, lostTicket, sendCommand } from './commands';
import { CommandTracker } from './commands-track';
import { RAW_PREFIXES, READ_ENDPOINT_NAMES } from './endpoints';
import { ChargeHistory, hasChargeSessions, type ChargeCount } from './history';
import { mapVehicles } from './map';
import { rawRequest } from './raw';
import { ENDPOINT_OF_PART, EndpointReader, statusReads } from './reads';
import { PersonSchema, VehiclesSchema } from './schemas';

/** Accounts of these types never hold cars (spec §4.1). */
const ACCOUNTS_WITHOUT_CARS = new Set(['SFDC']);

/** The auth state with a JWT: Kamereon calls need one. */
function withJwt(auth: RenaultAuthState): RenaultSession {
  if (!auth.jwt) throw new TokenRejectedError('no JWT yet');
  return auth as RenaultSession;
}

/** Every car of every account of the person that holds cars (or of the one account a pasted token names). */
async function listVehicles(ctx: ProviderContext, auth: RenaultSession, opts: CallOptions): Promise<Vehicle[]> {
  let accountIds: string[];
  if (auth.accountId) {
    // Token sign-in: the user named the account; the person is not needed.
    accountIds = [auth.accountId];
  } else {
    const person = PersonSchema.safeParse(await callEndpoint(ctx, auth, 'person', { personId: auth.personId }, { kind: opts.kind }));
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
      body = await callEndpoint(ctx, auth, 'vehicles', { accountId }, { kind: opts.kind });
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
}

/** Renault's history facet, with the charge counts of `charge-history` beside the sessions. */
export interface RenaultHistoryFacet extends HistoryFacet {
  /** Charges per day or month (counts and total duration, no sessions); NOT_SUPPORTED for a car without them. */
  chargeCounts(vehicle: Vehicle, type: 'day' | 'month', from: string, to: string, opts: CallOptions): Promise<ChargeCount[]>;
}

/**
 * One open Renault account. Owns all its state: what reads remember (history answers, what a
 * car lacks), the charge history cache, the endpoints a car refused, command tracking.
 * Every facet call runs once with a valid token (ctx.withAuth).
 */
export class RenaultConnection implements Connection {
  readonly status: StatusFacet;
  readonly raw: RawFacet;
  readonly commands: CommandsFacet;
  readonly charging: ChargingFacet;
  readonly history: RenaultHistoryFacet;
  private readonly reader: EndpointReader;
  private readonly chargingClient: ChargingClient;
  private readonly chargeHistory: ChargeHistory;
  private readonly tracker: CommandTracker;

  constructor(private readonly ctx: ConnectionContext<RenaultAuthState>) {
    this.reader = new EndpointReader(ctx);
    this.chargingClient = new ChargingClient(ctx);
    this.chargeHistory = new ChargeHistory(ctx);
    this.tracker = new CommandTracker(ctx);
    this.status = {
      cost: (vehicle, parts) => statusReads(vehicle, parts).length,
      read: (vehicle, parts, opts) => this.call((auth) => this.reader.status(auth, vehicle, parts, opts)),
    };
    this.raw = {
      paths: RAW_PREFIXES,
      request: (vehicle, req, opts) => this.call((auth) => rawRequest(ctx, auth, vehicle, req, opts)),
      endpoints: READ_ENDPOINT_NAMES,
      readEndpoint: (vehicle, endpoint, params, opts) => this.call((auth) => this.reader.read(auth, vehicle, endpoint, params, opts)),
    };
    this.commands = {
      send: (vehicle, input, opts) => this.call((auth) => sendCommand(ctx, auth, vehicle, input, opts)),
      track: (vehicle, ticket, opts) => this.call((auth) => this.tracker.look(auth, vehicle, ticket, opts)),
      intervalMs: (ticket) => this.tracker.intervalMs(ticket),
      lostTicket: (vehicle, input, sentAt) => lostTicket(vehicle, input, sentAt),
    };
    this.charging = {
      cost: (vehicle) => chargingReadCost(vehicle),
      read: (vehicle, opts) => this.call((auth) => this.chargingClient.read(auth, vehicle, opts)),
      write: (vehicle, change, opts) => this.call((auth) => this.chargingClient.write(auth, vehicle, change, opts)),
    };
    this.history = {
      chargeSessions: (vehicle, from, to, opts) => this.call((auth) => this.chargeHistory.chargeSessions(auth, vehicle, from, to, opts)),
      chargeCounts: (vehicle, type, from, to, opts) => this.call((auth) => this.chargeHistory.chargeCounts(auth, vehicle, type, from, to, opts)),
    };
  }

  /** One facet call with a valid token; the session re-mints it once when Renault rejects it. */
  private call<T>(fn: (auth: RenaultSession) => Promise<T>): Promise<T> {
    return this.ctx.withAuth((auth) => fn(withJwt(auth)));
  }

  listVehicles(opts: CallOptions): Promise<Vehicle[]> {
    return this.call((auth) => listVehicles(this.ctx, auth, opts));
  }

  capabilities(vehicle: Vehicle): VehicleCapabilities {
    return {
      parts: STATUS_PARTS.filter((p) => ENDPOINT_OF_PART[p] !== undefined && statusReads(vehicle, [p]).length > 0),
      commands: commandsFor(vehicle),
      chargingRead: canReadCharging(vehicle),
      chargingWrite: canWriteCharging(vehicle),
      nativeChargeSessions: hasChargeSessions(vehicle),
      // Renault keeps no trips: car-trips derives them from the status history.
      nativeTrips: false,
    };
  }

  close(): Promise<void> {
    this.reader.clear();
    this.chargingClient.clear();
    this.chargeHistory.clear();
    this.tracker.clear();
    return Promise.resolve();
  }
}
