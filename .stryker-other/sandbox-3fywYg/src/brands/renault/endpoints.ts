/**
 * Every Kamereon endpoint the plugin calls, written once as data (spec §3–§6, with the paths
 * and API versions renault-api uses today): its path below /commerce/v1, its method, the body
 * it answers (reads) or takes (actions), and the row of the model grid (capabilities.ts) that
 * says which models have it. The only place that spells a Kamereon path: reads, commands,
 * charging, history and raw requests look them up here.
 */
// @ts-nocheck

import type { z } from 'zod';
import { CarError, type StatusFragment, type Vehicle } from '../../core';
import type { StatusPatch } from '../provider';
import { mapChargeMode, mapChargeSchedule, mapChargingSettings, mapEvSettings, mapHvacSettings, mapSocLevels, type SettingsFragment } from './charging-map';
import {
  dropUndefined,
  mapAlerts,
  mapBatteryStatus,
  mapCarAdapter,
  mapCockpit,
  mapContracts,
  mapHvacStatus,
  mapLocation,
  mapLockStatus,
  mapPressure,
  mapResState,
  mapVehicleDetails,
} from './map';
import {
  FAIL,
  readerOf,
  AlertsSchema,
  BatteryStatusSchema,
  CarAdapterSchema,
  ChargeHistorySchema,
  ChargeModeSchema,
  ChargeScheduleSchema,
  ChargesSchema,
  ChargingSettingsSchema,
  CockpitSchema,
  ContractsSchema,
  EvSettingsSchema,
  HvacHistorySchema,
  HvacSessionsSchema,
  HvacSettingsSchema,
  HvacStatusSchema,
  LocationSchema,
  LockStatusSchema,
  NotificationSettingsSchema,
  NotificationsSchema,
  PersonSchema,
  PressureSchema,
  ResStateSchema,
  SocLevelsSchema,
  VehicleDetailsSchema,
  VehiclesSchema,
} from './schemas';

/** Every path below is relative to this root of the Kamereon server. */
export const API_ROOT = '/commerce/v1';
const ACCOUNT = '/accounts/{accountId}';
const KAMEREON = `${ACCOUNT}/kamereon`;
/** KCA, the car adapter: each resource has its own API version. */
const kca = (version: 1 | 2, resource?: string): string => `${KAMEREON}/kca/car-adapter/v${version}/cars/{vin}${resource ? `/${resource}` : ''}`;
/** KCM, the newer platform (R5, Megane E-Tech; the Spring's charge commands). */
const kcm = (resource: string): string => `${KAMEREON}/kcm/v1/vehicles/{vin}/${resource}`;

// ---- Reads ------------------------------------------------------------------------------------

/** Query parameters a read takes: a date range, a history range with its type, or the contracts' fixed set. */
export type EndpointParams = 'none' | 'dates' | 'history' | 'contracts';

/** What the mappers may need beyond the body. */
export interface MapOptions {
  modelCode?: string;
  /** Right-hand drive: the driver's door is the front right (UK, Ireland). */
  rightHandDrive?: boolean;
  /** Epoch ms "now", for contracts that ended. */
  now?: number;
}

/** What one read's body becomes: the mapped model and, where it has a place, a status patch. */
export interface MappedEndpoint {
  mapped: unknown;
  status?: StatusPatch;
}

export interface ReadEndpoint<S extends z.ZodTypeAny = z.ZodTypeAny> {
  method: 'GET';
  path: string;
  /** Row of the model grid (capabilities.ts, spec §6.3); absent = every model has it. */
  capability?: string;
  params: EndpointParams;
  /** History reads (charges, sessions): at most hourly per vehicle (spec §8). */
  history?: boolean;
  /** The body it answers, parsed leniently. */
  schema: S;
  /** The one mapping of that body. */
  map(parsed: unknown, options: MapOptions): MappedEndpoint;
}

function read<S extends z.ZodTypeAny>(
  path: string,
  schema: S,
  map: (parsed: z.infer<S>, options: MapOptions) => MappedEndpoint,
  more: { capability?: string; params?: EndpointParams; history?: boolean } = {},
): ReadEndpoint<S> {
  // The schema has parsed what map gets: the cast only names that type.
  return { method: 'GET', path, schema, map: (parsed, options) => map(parsed as z.infer<S>, options), params: more.params ?? 'none', ...dropUndefined({ capability: more.capability, history: more.history }) };
}

/** A status fragment is both the model and the status change. */
const status = (f: StatusFragment): MappedEndpoint => ({ mapped: f, status: f });

/** Charging settings become the model; their mode and target also land in the status. */
function settings(f: SettingsFragment): MappedEndpoint {
  const charging = dropUndefined({ mode: f.mode, targetSocPercent: f.targetSocPercent });
  return Object.keys(charging).length ? { mapped: f, status: { charging } } : { mapped: f };
}

/** History and opaque reads: the lenient parse of the attributes, no status. */
const attributes = (p: { data: { attributes?: unknown } }): MappedEndpoint => ({ mapped: p.data.attributes ?? {} });

/** Every vehicle read of spec §4–§5 by its spec name (the names car-request offers, in this order). */
export const READS = {
  'battery-status': read(kca(2, 'battery-status'), BatteryStatusSchema, (p, o) => status(mapBatteryStatus(p, o.modelCode)), { capability: 'battery-status' }),
  cockpit: read(kca(1, 'cockpit'), CockpitSchema, (p) => status(mapCockpit(p)), { capability: 'cockpit' }),
  location: read(kca(1, 'location'), LocationSchema, (p) => status(mapLocation(p)), { capability: 'location' }),
  'hvac-status': read(kca(1, 'hvac-status'), HvacStatusSchema, (p) => status(mapHvacStatus(p)), { capability: 'hvac-status' }),
  'hvac-settings': read(kca(1, 'hvac-settings'), HvacSettingsSchema, (p) => ({ mapped: mapHvacSettings(p) }), { capability: 'hvac-settings' }),
  'charge-mode': read(kca(1, 'charge-mode'), ChargeModeSchema, (p) => settings(mapChargeMode(p)), { capability: 'charge-mode' }),
  'charging-settings': read(kca(1, 'charging-settings'), ChargingSettingsSchema, (p) => settings(mapChargingSettings(p)), { capability: 'charging-settings' }),
  'charge-schedule': read(kca(1, 'charge-schedule'), ChargeScheduleSchema, (p) => settings(mapChargeSchedule(p)), { capability: 'charge-schedule' }),
  charges: read(kca(1, 'charges'), ChargesSchema, attributes, { capability: 'charges', params: 'dates', history: true }),
  'charge-history': read(kca(1, 'charge-history'), ChargeHistorySchema, attributes, { capability: 'charge-history', params: 'history', history: true }),
  'hvac-sessions': read(kca(1, 'hvac-sessions'), HvacSessionsSchema, attributes, { capability: 'hvac-sessions', params: 'dates', history: true }),
  'hvac-history': read(kca(1, 'hvac-history'), HvacHistorySchema, attributes, { capability: 'hvac-history', params: 'history', history: true }),
  'lock-status': read(kca(1, 'lock-status'), LockStatusSchema, (p, o) => status(mapLockStatus(p, o.rightHandDrive ? { rightHandDrive: true } : {})), { capability: 'lock-status' }),
  'res-state': read(kca(1, 'res-state'), ResStateSchema, (p) => ({ mapped: mapResState(p) }), { capability: 'res-state' }),
  pressure: read(kca(1, 'pressure'), PressureSchema, (p) => status(mapPressure(p)), { capability: 'pressure' }),
  'notification-settings': read(kca(1, 'notification-settings'), NotificationSettingsSchema, attributes, { capability: 'notification-settings' }),
  alerts: read(`${KAMEREON}/vehicles/{vin}/alerts`, AlertsSchema, (p) => status(mapAlerts(p)), { capability: 'alerts' }),
  'ev/settings': read(kcm('ev/settings'), EvSettingsSchema, (p) => settings(mapEvSettings(p))),
  'ev/soc-levels': read(kcm('ev/soc-levels'), SocLevelsSchema, (p) => settings(mapSocLevels(p)), { capability: 'soc-levels' }),
  'car-adapter': read(kca(2), CarAdapterSchema, (p) => ({ mapped: mapCarAdapter(p) })),
  details: read(`${ACCOUNT}/vehicles/{vin}/details`, VehicleDetailsSchema, (p) => ({ mapped: mapVehicleDetails(p) })),
  contracts: read(`${ACCOUNT}/vehicles/{vin}/contracts`, ContractsSchema, (p, o) => ({ mapped: mapContracts(p, o.now ?? Date.now()) }), { params: 'contracts' }),
};
export type ReadEndpointName = keyof typeof READS;
export const READ_ENDPOINT_NAMES = Object.keys(READS) as ReadEndpointName[];

/** Other names users meet for the same reads (renault-api keys, fixture file names). */
export const ENDPOINT_ALIASES: Readonly<Record<string, ReadEndpointName>> = {
  'soc-levels': 'ev/soc-levels',
  'ev-soc-levels': 'ev/soc-levels',
  'ev-settings': 'ev/settings',
  'vehicle-details': 'details',
  gateway: 'car-adapter',
  'vehicle-contracts': 'contracts',
};

/** The read of a name or alias; undefined when unknown. */
export function endpointByName(name: string): ReadEndpointName | undefined {
  const n = name.trim().toLowerCase();
  if ((READ_ENDPOINT_NAMES as string[]).includes(n)) return n as ReadEndpointName;
  return ENDPOINT_ALIASES[n];
}

/** A read's body, parsed by its schema; UPSTREAM when the body is not that endpoint's answer at all. */
export function parseRead<N extends ReadEndpointName>(name: N, body: unknown): z.infer<(typeof READS)[N]['schema']> {
  const schema = READS[name].schema;
  // The schema's hand-written twin where it has one (the status reads): same result, no zod.
  const fast = readerOf(schema);
  const parsed = fast ? fast(body) : schema.safeParse(body);
  const ok = fast ? parsed !== FAIL : (parsed as { success: boolean }).success;
  if (!ok) throw new CarError('UPSTREAM', `Renault ${name}: the answer is not a ${name} response`);
  return (fast ? parsed : (parsed as { data: unknown }).data) as z.infer<(typeof READS)[N]['schema']>;
}

/**
 * Maps one raw body of a named read. Throws UPSTREAM when the body is not that endpoint's
 * answer at all (no `data` object, not a list); fields it does not know, nulls and numbers
 * sent as strings are tolerated.
 */
export function mapEndpoint(name: ReadEndpointName, body: unknown, options: MapOptions = {}): MappedEndpoint {
  return READS[name].map(parseRead(name, body), options);
}

// ---- The account and the person ---------------------------------------------------------------

export const ACCOUNT_ENDPOINTS = {
  person: { method: 'GET', path: '/persons/{personId}', schema: PersonSchema },
  vehicles: { method: 'GET', path: `${ACCOUNT}/vehicles`, schema: VehiclesSchema },
  /** The command notifications (spec §4.7): how an action went. */
  notifications: { method: 'GET', path: '/persons/{personId}/notifications/kmr', schema: NotificationsSchema },
} as const;

// ---- Actions ------------------------------------------------------------------------------------

export interface ActionEndpoint {
  method: 'POST';
  path: string;
  /** The JSON:API type of its body `{data: {type, attributes}}`; absent: a plain JSON body (KCM settings). */
  type?: string;
}
const action = (path: string, type?: string): ActionEndpoint => ({ method: 'POST', path, ...(type ? { type } : {}) });

/** What acts on the car (spec §6), by the names of the model grid where it has a row. */
export const ACTIONS = {
  'actions/hvac-start': action(kca(1, 'actions/hvac-start'), 'HvacStart'),
  'actions/charging-start': action(kca(1, 'actions/charging-start'), 'ChargingStart'),
  'actions/horn-lights': action(kca(1, 'actions/horn-lights'), 'HornLights'),
  'actions/refresh-location': action(kca(1, 'actions/refresh-location'), 'RefreshLocation'),
  'actions/refresh-battery-status': action(kca(1, 'actions/refresh-battery-status'), 'RefreshBatteryStatus'),
  'actions/charge-mode': action(kca(1, 'actions/charge-mode'), 'ChargeMode'),
  'actions/charge-schedule': action(kca(2, 'actions/charge-schedule'), 'ChargeSchedule'),
  'actions/hvac-schedule': action(kca(2, 'actions/hvac-schedule'), 'HvacSchedule'),
  'actions/kcm-charge-start': action(kcm('charge/start'), 'ChargingStart'),
  'actions/kcm-pause-resume': action(kcm('charge/pause-resume'), 'ChargePauseResume'),
  'actions/kcm-charge-schedule': action(kcm('charge/schedule'), 'ChargeSchedule'),
  // KCM settings are posted back whole, as plain JSON, where they are read.
  'actions/ev-settings': action(READS['ev/settings'].path),
  'actions/soc-levels': action(READS['ev/soc-levels'].path),
};
export type ActionName = keyof typeof ACTIONS;

/** The JSON:API body of an action: `{data: {type, attributes}}` (spec §3). */
export function actionBody(name: ActionName, attributes?: Record<string, unknown>): unknown {
  const type = ACTIONS[name].type;
  return { data: attributes ? { type, attributes } : { type } };
}

// ---- Paths ------------------------------------------------------------------------------------

export type EndpointName = ReadEndpointName | keyof typeof ACCOUNT_ENDPOINTS | ActionName;
const ENDPOINTS: Readonly<Record<EndpointName, { method: 'GET' | 'POST'; path: string }>> = { ...READS, ...ACCOUNT_ENDPOINTS, ...ACTIONS };

export function endpointMethod(name: EndpointName): 'GET' | 'POST' {
  return ENDPOINTS[name].method;
}

/** What fills the placeholders of a path. */
export interface PathIds {
  accountId?: string | undefined;
  vin?: string | undefined;
  personId?: string | undefined;
}

/** A vehicle's ids, for its endpoints. */
export const idsOf = (vehicle: Vehicle): PathIds => ({ accountId: vehicle.accountId, vin: vehicle.vin });

/** The path of an endpoint with its placeholders filled in (encoded); BAD_INPUT when an id is missing. */
export function endpointPath(name: EndpointName, ids: PathIds): string {
  return ENDPOINTS[name].path.replace(/\{(accountId|vin|personId)\}/g, (_, key: keyof PathIds) => {
    const value = ids[key];
    if (value) return encodeURIComponent(value);
    throw new CarError('BAD_INPUT', key === 'accountId' ? `vehicle ${ids.vin ?? ''} has no Renault account id` : `Renault ${name}: no ${key} to call it with`);
  });
}

/**
 * Where a raw request may go: the account's own Kamereon tree (KCA, KCM, alerts), its vehicle
 * list, details and contracts, and the person's own document and notifications (spec §3, §4).
 * A prefix ending in "/" needs something after it; otherwise the path is the prefix itself
 * or goes below it.
 */
export const RAW_PREFIXES = [`${API_ROOT}${KAMEREON}/`, `${API_ROOT}${ACCOUNT}/vehicles`, `${API_ROOT}${ACCOUNT_ENDPOINTS.person.path}`] as const;
