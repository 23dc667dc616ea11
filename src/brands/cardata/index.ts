import { createHash } from 'node:crypto';
import { CarError, TokenRejectedError, type ChargeSession, type Vehicle } from '../../core';
import type { AccountConfig, CallOptions, EndpointRead, LegacyProvider, ProviderContext, RawRequest, RawResponse, StatusRead } from '../provider';
import { unsupportedExtras } from '../unsupported';
import { DEFAULT_SERVERS, ENDPOINTS, MAX_CONTAINERS, cardata, type EndpointName } from './api';
import { cardataAuth, type CarDataAuthState } from './auth';
import { brandOf, capabilitiesOf, drivetrainOf } from './capabilities';
import { mapChargingSession } from './history';
import { CONTAINER_KEYS, TelematicState } from './map';
import { BasicDataSchema, ChargingHistorySchema, ContainersSchema, CreatedContainerSchema, MappingsSchema, TelematicDataSchema, type RawBasicData } from './schemas';
import { CarDataStream, type StreamEvent, type StreamOptions, type StreamUpdate } from './stream';

const NAME = 'BMW CarData';
const READ_ONLY = 'the official CarData API is read-only';
const extras = unsupportedExtras(NAME, READ_ONLY);

/** Our container's name: a hash of its keys, so that a plugin version mapping more keys gets a new one. */
export const CONTAINER_PREFIX = 'node-red-connected-car';
export const CONTAINER_NAME = `${CONTAINER_PREFIX}-${createHash('sha256').update(CONTAINER_KEYS.join(',')).digest('hex').slice(0, 8)}`;
const CONTAINER_PURPOSE = 'Node-RED connected-car: vehicle status';

/** Pages of chargingHistory read at most per request (each page is one of the 50 daily calls). */
const MAX_HISTORY_PAGES = 5;

// ---- per-account memory (survives redeploys within the process, not restarts) -------------

function accountKey(ctx: Pick<ProviderContext, 'config'>, auth: CarDataAuthState): string {
  return `${ctx.config.servers.api ?? DEFAULT_SERVERS.api}|${auth.clientId}|${auth.gcid}`;
}

/** Container ids by account: found or created once, then reused (a lookup costs a call). */
const containers = new Map<string, string>();
/** The newest value of every key per account and car, fed by REST reads and the stream alike. */
const telematics = new Map<string, Map<string, TelematicState>>();

export function telematicState(ctx: Pick<ProviderContext, 'config'>, auth: CarDataAuthState, vin: string): TelematicState {
  const key = accountKey(ctx, auth);
  let cars = telematics.get(key);
  if (!cars) telematics.set(key, (cars = new Map()));
  let state = cars.get(vin);
  if (!state) cars.set(vin, (state = new TelematicState()));
  return state;
}

function token(auth: CarDataAuthState): string {
  if (!auth.accessToken) throw new TokenRejectedError('no access token yet');
  return auth.accessToken;
}

/**
 * The container with the keys the plugin maps: ours if it exists, else created. Containers of
 * ours with another key set (an older plugin version) are deleted first, so that the account
 * never gets near BMW's limit of 10 because of us.
 */
export async function ensureContainer(ctx: ProviderContext, auth: CarDataAuthState, opts: CallOptions): Promise<string> {
  const key = accountKey(ctx, auth);
  const known = containers.get(key);
  if (known) return known;
  const listed = await cardata(ctx, token(auth), { endpoint: 'containers', kind: opts.kind });
  const parsed = ContainersSchema.safeParse(listed.body);
  if (!parsed.success) throw new CarError('UPSTREAM', `${NAME} containers: unexpected answer`);
  const active = parsed.data.filter((c) => (c.state ?? 'ACTIVE').toUpperCase() === 'ACTIVE');
  const ours = active.find((c) => c.name === CONTAINER_NAME);
  if (ours) {
    containers.set(key, ours.containerId);
    return ours.containerId;
  }
  let count = active.length;
  for (const stale of active.filter((c) => c.name?.startsWith(CONTAINER_PREFIX))) {
    await cardata(ctx, token(auth), { endpoint: 'deleteContainer', params: { containerId: stale.containerId }, kind: opts.kind });
    count--;
  }
  if (count >= MAX_CONTAINERS) {
    throw new CarError(
      'NOT_SUPPORTED',
      `${NAME}: the BMW account already has ${count} data containers, the most it may have (CU-124). Delete one you no longer use in the MyBMW portal (CarData), then read again.`,
      { upstreamCode: 'CU-124', transient: false },
    );
  }
  const created = await cardata(ctx, token(auth), {
    endpoint: 'createContainer',
    body: { name: CONTAINER_NAME, purpose: CONTAINER_PURPOSE, technicalDescriptors: CONTAINER_KEYS },
    kind: opts.kind,
  });
  const c = CreatedContainerSchema.safeParse(created.body);
  if (!c.success) throw new CarError('UPSTREAM', `${NAME} containers: the new container has no id`);
  containers.set(key, c.data.containerId);
  return c.data.containerId;
}

async function readTelematics(ctx: ProviderContext, auth: CarDataAuthState, vin: string, opts: CallOptions): Promise<unknown> {
  const containerId = await ensureContainer(ctx, auth, opts);
  try {
    return (await cardata(ctx, token(auth), { endpoint: 'telematicData', params: { vin }, query: { containerId }, kind: opts.kind })).body;
  } catch (e) {
    // Our container was deleted in the portal: find or create it again, once.
    if (e instanceof CarError && (e.upstreamCode === 'CU-105' || e.upstreamCode === 'CU-121' || e.upstreamCode === 'CU-122')) {
      containers.delete(accountKey(ctx, auth));
      const again = await ensureContainer(ctx, auth, opts);
      return (await cardata(ctx, token(auth), { endpoint: 'telematicData', params: { vin }, query: { containerId: again }, kind: opts.kind })).body;
    }
    throw e;
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/** https (or http to this machine, for the simulator): the tokens must not cross a network in clear. */
function checkUrl(role: string, value: string, secure: string, plain: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new CarError('BAD_INPUT', `servers.${role}: "${value}" is not a URL; expected ${secure}//host[:port]`);
  }
  if (u.protocol === secure) return;
  if (u.protocol === plain && isLoopback(u.hostname)) return;
  throw new CarError('BAD_INPUT', `servers.${role} must start with ${secure}// (${plain}// only to 127.0.0.1 or localhost, e.g. the simulator); got "${value}"`);
}

function vehicleOf(vin: string, basic: RawBasicData | undefined): Vehicle {
  const brand = brandOf(vin, basic);
  const model = basic?.modelName ?? basic?.series;
  const modelCode = basic?.bodyType ?? basic?.modelKey;
  return {
    vin,
    drivetrain: drivetrainOf(basic),
    ...(brand ? { brand } : {}),
    ...(model ? { model, name: `${brand === 'mini' ? 'MINI' : 'BMW'} ${model}`.replace(/^(BMW|MINI) (BMW|MINI) /i, '$1 ') } : {}),
    ...(modelCode ? { modelCode } : {}),
  };
}

/** Reads named in the Provider's endpoint explorer. */
const READABLE: readonly EndpointName[] = ['telematicData', 'basicData', 'chargingHistory', 'image', 'locationBasedChargingSettings', 'smartMaintenanceTyreDiagnosis', 'mappings', 'containers'];

export type CarDataProvider = LegacyProvider<CarDataAuthState> & {
  subscribe(
    ctx: ProviderContext,
    getAuth: (rejected?: CarDataAuthState) => Promise<CarDataAuthState>,
    onUpdate: StreamUpdate,
    onEvent?: (e: StreamEvent) => void,
    options?: StreamOptions,
  ): { close(): Promise<void> };
};

export const cardataProvider: CarDataProvider = {
  id: 'cardata',
  auth: cardataAuth,
  // 50 calls per rolling 24 h per BMW account (spec B2), 10 kept for what the user asks.
  budget: { limit: 50, windowMs: 86_400_000, reserve: 10, code: 'QUOTA_EXCEEDED' },

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
    checkUrl('api', servers.api, 'https:', 'http:');
    checkUrl('auth', servers.auth, 'https:', 'http:');
    checkUrl('mqtt', servers.mqtt, 'mqtts:', 'mqtt:');
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

  async listVehicles(ctx, auth, opts): Promise<Vehicle[]> {
    const res = await cardata(ctx, token(auth), { endpoint: 'mappings', kind: opts.kind });
    const mappings = MappingsSchema.safeParse(res.body);
    if (!mappings.success) throw new CarError('UPSTREAM', `${NAME} mappings: unexpected answer`);
    const vehicles: Vehicle[] = [];
    for (const m of mappings.data) {
      let basic: RawBasicData | undefined;
      // Only the primary user gets a car's data; basicData of the others would waste a call.
      if ((m.mappingType ?? 'PRIMARY').toUpperCase() === 'PRIMARY') {
        try {
          const b = BasicDataSchema.safeParse((await cardata(ctx, token(auth), { endpoint: 'basicData', params: { vin: m.vin }, kind: opts.kind })).body);
          if (b.success) basic = b.data;
        } catch (e) {
          if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
        }
      }
      vehicles.push(vehicleOf(m.vin, basic));
    }
    return vehicles;
  },

  capabilities: capabilitiesOf,

  // One telematicData call reads every part (plus, once per account, the container lookup).
  statusCost: () => 1,

  async readStatus(ctx, auth, vehicle, parts, opts): Promise<StatusRead> {
    const body = await readTelematics(ctx, auth, vehicle.vin, opts);
    const parsed = TelematicDataSchema.safeParse(body);
    if (!parsed.success) throw new CarError('UPSTREAM', `${NAME} telematicData: unexpected answer`);
    const state = telematicState(ctx, auth, vehicle.vin);
    const { unmapped } = state.apply(parsed.data.telematicData, ctx.clock.now());
    const status = state.fragment();
    const can = new Set(capabilitiesOf(vehicle).parts);
    const missing: StatusRead['missing'] = [];
    for (const part of parts) {
      const has = part === 'mileage' ? status.mileageKm !== undefined : part === 'position' ? status.position !== undefined || status.positionUnknown !== undefined : status[part] !== undefined;
      if (has) continue;
      if (!can.has(part)) missing.push({ part, code: 'NOT_SUPPORTED', message: `${part} is not available for this ${vehicle.model ?? 'car'} (${vehicle.drivetrain})` });
      else {
        missing.push({
          part,
          code: 'UPSTREAM',
          message: `the car has not reported ${part} to CarData yet (it reports when it wakes up; are the data points selected in the portal?)`,
          permanent: false,
        });
      }
    }
    return { status, raw: { telematicData: body, unmapped }, missing };
  },

  subscribe(ctx: ProviderContext, getAuth: (rejected?: CarDataAuthState) => Promise<CarDataAuthState>, onUpdate: StreamUpdate, onEvent?: (e: StreamEvent) => void, options?: StreamOptions) {
    const stream = new CarDataStream(ctx, getAuth, (vin, auth) => telematicState(ctx, auth, vin), onUpdate, onEvent, options);
    stream.start();
    return { close: () => stream.close() };
  },

  ...extras,

  async readChargeSessions(ctx, auth, vehicle, from, to, opts): Promise<ChargeSession[]> {
    if (!capabilitiesOf(vehicle).nativeChargeSessions) {
      throw new CarError('NOT_SUPPORTED', `${NAME}: a ${vehicle.drivetrain} car has no charging history`, { transient: false });
    }
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) throw new CarError('BAD_INPUT', `from and to must be ISO times with from <= to (got "${from}", "${to}")`);
    const out: ChargeSession[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const res = await cardata(ctx, token(auth), {
        endpoint: 'chargingHistory',
        params: { vin: vehicle.vin },
        query: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...(nextToken ? { nextToken } : {}) },
        kind: opts.kind,
      });
      const parsed = ChargingHistorySchema.safeParse(res.body);
      if (!parsed.success) throw new CarError('UPSTREAM', `${NAME} chargingHistory: unexpected answer`);
      for (const raw of parsed.data.sessions) {
        const s = mapChargingSession(vehicle.vin, raw);
        if (s && Date.parse(s.startAt) >= fromMs && Date.parse(s.startAt) <= toMs) out.push(s);
      }
      nextToken = parsed.data.nextToken;
      if (!nextToken) break;
    }
    if (nextToken) ctx.log.info(`${NAME}: charging history has more than ${MAX_HISTORY_PAGES} pages; ask for a shorter period to see the rest`);
    return out.sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  },

  readTrips: () => Promise.reject(new CarError('NOT_SUPPORTED', `${NAME} keeps no trip list; car-trips derives trips from the status history`, { transient: false })),

  endpoints: READABLE,

  async readEndpoint(ctx, auth, vehicle, endpoint, params, opts): Promise<EndpointRead> {
    if (!(READABLE as readonly string[]).includes(endpoint)) {
      throw new CarError('BAD_INPUT', `endpoint "${endpoint}" is not one ${NAME} reads; allowed: ${READABLE.join(', ')}`);
    }
    const name = endpoint as EndpointName;
    const readAt = ctx.clock.now();
    if (name === 'telematicData') {
      const read = await cardataProvider.readStatus(ctx, auth, vehicle, [], opts);
      return { endpoint, calledEndpoint: endpoint, raw: read.raw.telematicData, mapped: read.status, readAt };
    }
    if (name === 'chargingHistory') {
      const to = params.to ?? new Date(readAt).toISOString();
      const from = params.from ?? new Date(readAt - 30 * 86_400_000).toISOString();
      const sessions = await cardataProvider.readChargeSessions(ctx, auth, vehicle, from, to, opts);
      return { endpoint, calledEndpoint: endpoint, raw: undefined, mapped: sessions, readAt };
    }
    const res = await cardata(ctx, token(auth), { endpoint: name, params: { vin: vehicle.vin }, kind: opts.kind, binary: name === 'image' });
    let mapped: unknown = res.body;
    if (name === 'basicData') mapped = vehicleOf(vehicle.vin, BasicDataSchema.safeParse(res.body).data);
    if (name === 'image') mapped = { contentType: res.contentType ?? 'application/octet-stream' };
    return { endpoint, calledEndpoint: endpoint, raw: res.body, mapped, readAt };
  },

  rawPaths: ['/customers/vehicles/{vin}/', '/customers/vehicles/mappings', '/customers/containers'],

  async rawRequest(ctx, auth, vehicle, req: RawRequest, opts): Promise<RawResponse> {
    if (req.method !== 'GET') throw new CarError('BAD_INPUT', `${NAME} raw requests are GET only: ${READ_ONLY}, and containers are managed by the plugin`);
    const path = req.path.split('?')[0] ?? '';
    const entry = (Object.entries(ENDPOINTS) as [EndpointName, { method: string; path: string }][]).find(([, e]) => {
      if (e.method !== 'GET') return false;
      const re = new RegExp(`^${e.path.replace(/\{vin\}/g, '([A-Za-z0-9]{17})').replace(/\{containerId\}/g, '([A-Za-z0-9._-]+)')}$`);
      return re.test(path);
    });
    if (!entry) throw new CarError('BAD_INPUT', `path "${path}" is not a ${NAME} read; allowed: ${Object.values(ENDPOINTS).filter((e) => e.method === 'GET').map((e) => e.path).join(', ')}`);
    const [name, e] = entry;
    const values: Record<string, string> = {};
    const m = new RegExp(`^${e.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`).exec(path);
    for (const [k, v] of Object.entries(m?.groups ?? {})) values[k] = decodeURIComponent(v);
    if (values.vin && vehicle && values.vin !== vehicle.vin) throw new CarError('BAD_INPUT', `the path names another car than msg.vehicle`);
    const res = await cardata(ctx, token(auth), { endpoint: name, params: values, ...(req.query ? { query: req.query } : {}), kind: opts.kind, binary: name === 'image' });
    return { status: res.status, body: res.body };
  },
};

/** Parts the stream never brings (only a REST read): the scheduler should poll these, rarely. */
export { REST_ONLY_PARTS, REST_ONLY_KEYS, CONTAINER_KEYS, MAPPED_KEYS } from './map';
export { cardataAuth, deviceFlowStatus, type CarDataAuthState } from './auth';
export type { StreamEvent, StreamOptions, StreamUpdate } from './stream';
