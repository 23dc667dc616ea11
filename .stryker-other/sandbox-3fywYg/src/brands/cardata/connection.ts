// @ts-nocheck
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CarError, ChargeSessionSchema, type ChargeSession, type StatusPart, type Vehicle } from '../../core';
import type {
  CallOptions,
  Connection,
  ConnectionContext,
  EndpointRead,
  HistoryFacet,
  RawFacet,
  RawRequest,
  RawResponse,
  StatusFacet,
  StatusRead,
  StreamFacet,
  VehicleCapabilities,
} from '../provider';
import { CARDATA_NAME as NAME, ENDPOINTS, MAX_CONTAINERS, cardata, type CarDataAnswer, type CarDataCall, type EndpointName } from './api';
import type { CarDataAuthState } from './auth';
import { brandOf, capabilitiesOf, drivetrainOf } from './capabilities';
import { mapChargingSession } from './history';
import { CONTAINER_KEYS, MAPPED_KEYS, REST_ONLY_PARTS, TelematicState } from './map';
import { BasicDataSchema, ChargingHistorySchema, ContainersSchema, CreatedContainerSchema, MappingsSchema, readTelematicData, type RawBasicData } from './schemas';
import { CarDataStream } from './stream';
import { CARDATA_OFFER, READ_ONLY } from './offer';

/** Our container's name: a hash of its keys, so that a plugin version mapping more keys gets a new one. */
export const CONTAINER_PREFIX = 'node-red-connected-car';
export const CONTAINER_NAME = `${CONTAINER_PREFIX}-${createHash('sha256').update(CONTAINER_KEYS.join(',')).digest('hex').slice(0, 8)}`;
const CONTAINER_PURPOSE = 'Node-RED connected-car: vehicle status';
/**
 * CarData's answers when our container is gone (deleted in the portal, dropped by BMW): find or
 * create it again, once. The real one is HTTP 403 CU-105 (kvanbiesen commit 8e271cc, PR #375).
 */
const CONTAINER_GONE: ReadonlySet<string> = new Set(['CU-105', 'CU-121', 'CU-122']);

/** The status parts the stream carries (every part a mapped key feeds, but those only REST brings). */
export const STREAM_PARTS: readonly StatusPart[] = [...new Set(Object.values(MAPPED_KEYS))].filter(
  (p): p is StatusPart => p !== 'range' && !REST_ONLY_PARTS.includes(p),
);


/** The charging history read so far, as the account file keeps it (checked when it comes back). */
const KeptChargesSchema = z.record(z.string(), z.object({ from: z.number(), to: z.number(), sessions: z.array(ChargeSessionSchema) }));
/** Sessions kept per car across restarts: the newest ones (a charge end reads on from the last). */
const KEPT_SESSIONS = 100;

/** Reads named in the endpoint explorer. */
const READABLE: readonly EndpointName[] = ['telematicData', 'basicData', 'chargingHistory', 'image', 'locationBasedChargingSettings', 'smartMaintenanceTyreDiagnosis', 'mappings', 'containers'];
/** Path prefixes a raw request may use (GET only). */
const RAW_PATHS: readonly string[] = ['/customers/vehicles/{vin}/', '/customers/vehicles/mappings', '/customers/containers'];
const RAW_READS = (Object.entries(ENDPOINTS) as [EndpointName, (typeof ENDPOINTS)[EndpointName]][]).filter(([, e]) => e.method === 'GET');

/**
 * A car from its mapping and basicData. The model is modelName ("X2 M35i xDrive"), else the
 * series or model range; the model code is modelKey ("81GM"), never bodyType, which is prose
 * ("Sports Activity Coupe": kvanbiesen#408; IOB, KV and BD read modelName too).
 */
export function vehicleOf(vin: string, basic: RawBasicData | undefined): Vehicle {
  const brand = brandOf(vin, basic);
  const model = basic?.modelName ?? basic?.series ?? basic?.modelRange;
  const modelCode = basic?.modelKey;
  return {
    vin,
    drivetrain: drivetrainOf(basic),
    ...(brand ? { brand } : {}),
    ...(model ? { model, name: `${brand === 'mini' ? 'MINI' : 'BMW'} ${model}`.replace(/^(BMW|MINI) (BMW|MINI) /i, '$1 ') } : {}),
    ...(modelCode ? { modelCode } : {}),
  };
}

/** The body of an answer in the shape the plugin needs, else UPSTREAM naming the endpoint. */
function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CarError('UPSTREAM', `${NAME} ${what}: unexpected answer`);
  return parsed.data;
}

/**
 * One BMW CarData account: owns what the plugin remembers of it (our data container, the
 * newest value of every key per car, the open streams) and offers CarData's facets. Every
 * call runs through ctx.withAuth. Read-only: no commands, no charging settings.
 */
export class CarDataConnection implements Connection {
  /** Our container, for the BMW account (gcid) that found or created it; a lookup costs a call. */
  private container?: { gcid: string; id: string };
  /** The lookup (or creation) of our container in flight: concurrent first reads share it. */
  private containerFlight?: Promise<string>;
  /** Charging sessions read so far by VIN, and the period they cover (read again only past its end). */
  private readonly charges = new Map<string, { from: number; to: number; sessions: ChargeSession[] }>();
  /** The newest value of every key by VIN, fed by REST reads and the stream alike. */
  private readonly telematics = new Map<string, TelematicState>();
  private readonly streams = new Set<CarDataStream>();

  readonly missing = CARDATA_OFFER.missing;

  constructor(private readonly ctx: ConnectionContext<CarDataAuthState>) {}

  /** The charging history read so far: a restart reads on from the last session known, not 30 days again. */
  snapshot(): unknown {
    if (this.charges.size === 0) return undefined;
    const charges: z.infer<typeof KeptChargesSchema> = {};
    for (const [vin, c] of this.charges) {
      const sessions = c.sessions.slice(-KEPT_SESSIONS);
      // Dropped sessions shorten the period covered: it starts at the oldest session kept.
      const from = sessions.length < c.sessions.length && sessions[0] ? Date.parse(sessions[0].startAt) : c.from;
      charges[vin] = { from, to: c.to, sessions };
    }
    return { charges };
  }

  restore(saved: unknown): void {
    const parsed = z.object({ charges: KeptChargesSchema }).safeParse(saved);
    if (!parsed.success) return;
    for (const [vin, c] of Object.entries(parsed.data.charges)) if (!this.charges.has(vin) && c.from <= c.to) this.charges.set(vin, c);
  }

  readonly status: StatusFacet = {
    // One telematicData call reads every part (plus, once per account, the container lookup).
    cost: () => 1,
    read: (vehicle, parts, opts) => this.ctx.withAuth((auth) => this.readStatus(auth, vehicle, parts, opts)),
  };

  readonly history: HistoryFacet = {
    chargeSessions: (vehicle, from, to, opts) => this.ctx.withAuth((auth) => this.readChargeSessions(auth, vehicle, from, to, opts)),
  };

  readonly raw: RawFacet = {
    paths: RAW_PATHS,
    request: (vehicle, req, opts) => this.ctx.withAuth((auth) => this.rawRequest(auth, vehicle, req, opts)),
    endpoints: READABLE,
    readEndpoint: (vehicle, endpoint, params, opts) => this.ctx.withAuth((auth) => this.readEndpoint(auth, vehicle, endpoint, params, opts)),
  };

  readonly stream: StreamFacet = {
    parts: STREAM_PARTS,
    open: (onUpdate, onEvent) => {
      const stream = new CarDataStream(this.ctx, (vin) => this.telematicState(vin), onUpdate, onEvent);
      this.streams.add(stream);
      stream.start();
      return {
        close: async () => {
          this.streams.delete(stream);
          await stream.close();
        },
      };
    },
  };

  listVehicles(opts: CallOptions): Promise<Vehicle[]> {
    return this.ctx.withAuth(async (auth) => {
      const mappings = parseAnswer(MappingsSchema, (await this.rest(auth, { endpoint: 'mappings', kind: opts.kind })).body, 'mappings');
      const vehicles: Vehicle[] = [];
      for (const m of mappings) {
        let basic: RawBasicData | undefined;
        // Only the primary user gets a car's data; basicData of the others would waste a call.
        if ((m.mappingType ?? 'PRIMARY').toUpperCase() === 'PRIMARY') {
          try {
            const b = BasicDataSchema.safeParse((await this.rest(auth, { endpoint: 'basicData', params: { vin: m.vin }, kind: opts.kind })).body);
            if (b.success) basic = b.data;
          } catch (e) {
            if (!(e instanceof CarError) || e.code !== 'NOT_SUPPORTED') throw e;
          }
        }
        vehicles.push(vehicleOf(m.vin, basic));
      }
      return vehicles;
    });
  }

  capabilities(vehicle: Vehicle): VehicleCapabilities {
    return capabilitiesOf(vehicle);
  }

  /** What the plugin knows of a car's keys (REST reads and the stream merge into it). */
  telematicState(vin: string): TelematicState {
    let state = this.telematics.get(vin);
    if (!state) this.telematics.set(vin, (state = new TelematicState()));
    return state;
  }

  /**
   * The container with the keys the plugin maps: ours if it exists, else created. Containers of
   * ours with another key set (an older plugin version) are deleted first, so that the account
   * never gets near BMW's limit of 10 because of us.
   */
  async ensureContainer(auth: CarDataAuthState, opts: CallOptions): Promise<string> {
    if (this.container?.gcid === auth.gcid) return this.container.id;
    // One lookup at a time: two first reads must not create two containers.
    this.containerFlight ??= this.findOrCreateContainer(auth, opts).finally(() => (this.containerFlight = undefined));
    return this.containerFlight;
  }

  private async findOrCreateContainer(auth: CarDataAuthState, opts: CallOptions): Promise<string> {
    const remember = (id: string): string => {
      this.container = { gcid: auth.gcid, id };
      return id;
    };
    const listed = parseAnswer(ContainersSchema, (await this.rest(auth, { endpoint: 'containers', kind: opts.kind })).body, 'containers');
    const active = listed.filter((c) => (c.state ?? 'ACTIVE').toUpperCase() === 'ACTIVE');
    const ours = active.find((c) => c.name === CONTAINER_NAME);
    if (ours) return remember(ours.containerId);
    let count = active.length;
    for (const stale of active.filter((c) => c.name?.startsWith(CONTAINER_PREFIX))) {
      await this.rest(auth, { endpoint: 'deleteContainer', params: { containerId: stale.containerId }, kind: opts.kind });
      count--;
    }
    if (count >= MAX_CONTAINERS) {
      throw new CarError(
        'NOT_SUPPORTED',
        `${NAME}: the BMW account already has ${count} data containers, the most it may have (CU-124). Delete one you no longer use in the MyBMW portal (CarData), then read again.`,
        { upstreamCode: 'CU-124', transient: false },
      );
    }
    const created = await this.rest(auth, {
      endpoint: 'createContainer',
      body: { name: CONTAINER_NAME, purpose: CONTAINER_PURPOSE, technicalDescriptors: CONTAINER_KEYS },
      kind: opts.kind,
    });
    const c = CreatedContainerSchema.safeParse(created.body);
    if (!c.success) throw new CarError('UPSTREAM', `${NAME} containers: the new container has no id`);
    return remember(c.data.containerId);
  }

  /** Forgets the streams and everything the plugin learnt of the account. */
  async close(): Promise<void> {
    const open = [...this.streams];
    this.streams.clear();
    await Promise.all(open.map((s) => s.close()));
    this.telematics.clear();
    this.charges.clear();
    this.container = undefined;
  }

  private rest(auth: CarDataAuthState, call: CarDataCall): Promise<CarDataAnswer> {
    return cardata(this.ctx, auth.accessToken, call);
  }

  private async readTelematics(auth: CarDataAuthState, vin: string, opts: CallOptions): Promise<unknown> {
    const read = async (containerId: string): Promise<unknown> =>
      (await this.rest(auth, { endpoint: 'telematicData', params: { vin }, query: { containerId }, kind: opts.kind, ...(opts.signal ? { signal: opts.signal } : {}) })).body;
    const containerId = await this.ensureContainer(auth, opts);
    const gone = (e: unknown): boolean => e instanceof CarError && e.upstreamCode !== undefined && CONTAINER_GONE.has(e.upstreamCode);
    try {
      return await read(containerId);
    } catch (e) {
      // Our container was deleted in the portal or dropped by BMW: find or create it again, once.
      if (!gone(e)) throw e;
      this.container = undefined;
      try {
        return await read(await this.ensureContainer(auth, opts));
      } catch (e2) {
        if (gone(e2)) this.container = undefined; // the next read looks again
        throw e2;
      }
    }
  }

  private async readStatus(auth: CarDataAuthState, vehicle: Vehicle, parts: StatusPart[], opts: CallOptions): Promise<StatusRead> {
    const body = await this.readTelematics(auth, vehicle.vin, opts);
    // TelematicDataSchema's hand-written twin: the same result, without zod's cost on every read.
    const parsed = readTelematicData(body);
    if (!parsed) throw new CarError('UPSTREAM', `${NAME} telematicData: unexpected answer`);
    const state = this.telematicState(vehicle.vin);
    const { unmapped } = state.merge(parsed.telematicData, this.ctx.clock.now());
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
  }

  /**
   * A car's charging sessions between two times, from what was read before where it covers
   * them: only the time since the last session known (or the last read) costs a call, so that
   * each charge end reads a day, not 30 days, and a second ask for the same period none.
   */
  private async readChargeSessions(auth: CarDataAuthState, vehicle: Vehicle, from: string, to: string, opts: CallOptions): Promise<ChargeSession[]> {
    if (!capabilitiesOf(vehicle).nativeChargeSessions) {
      throw new CarError('NOT_SUPPORTED', `${NAME}: a ${vehicle.drivetrain} car has no charging history`, { transient: false });
    }
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) throw new CarError('BAD_INPUT', `from and to must be ISO times with from <= to (got "${from}", "${to}")`);
    const known = this.charges.get(vehicle.vin);
    const within = (s: ChargeSession): boolean => Date.parse(s.startAt) >= fromMs && Date.parse(s.startAt) <= toMs;
    if (known && fromMs >= known.from && toMs <= known.to) return known.sessions.filter(within);
    // Covered up to known.to: read from the start of the last session known (it may have ended since).
    const last = known?.sessions.at(-1);
    const readFrom = known && fromMs >= known.from ? Math.min(known.to, last ? Date.parse(last.startAt) : known.to) : fromMs;
    const fresh = await this.readChargePages(auth, vehicle, readFrom, toMs, opts);
    const merged = new Map<string, ChargeSession>();
    for (const s of [...(known && fromMs >= known.from ? known.sessions : []), ...fresh]) merged.set(s.startAt, s);
    const sessions = [...merged.values()].sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
    // Covered up to now at the latest; the next ask reads on from the last session's start (it may have been under way).
    const coverTo = Math.min(toMs, this.ctx.clock.now());
    this.charges.set(vehicle.vin, { from: known && fromMs >= known.from ? known.from : fromMs, to: coverTo, sessions });
    this.ctx.changed?.();
    return sessions.filter(within);
  }

  private async readChargePages(auth: CarDataAuthState, vehicle: Vehicle, fromMs: number, toMs: number, opts: CallOptions): Promise<ChargeSession[]> {
    const out: ChargeSession[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    // Every page until BMW gives no next_token: the whole period (each page is one budgeted
    // call; the budget stops a read that would spend too many).
    for (;;) {
      const res = await this.rest(auth, {
        endpoint: 'chargingHistory',
        params: { vin: vehicle.vin },
        query: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...(nextToken ? { nextToken } : {}) },
        kind: opts.kind,
      });
      const history = parseAnswer(ChargingHistorySchema, res.body, 'chargingHistory');
      for (const raw of history.sessions) {
        const s = mapChargingSession(vehicle.vin, raw);
        if (s && Date.parse(s.startAt) >= fromMs && Date.parse(s.startAt) <= toMs) out.push(s);
      }
      nextToken = history.nextToken;
      if (!nextToken) break;
      if (seen.has(nextToken)) {
        this.ctx.log.warn(`${NAME}: chargingHistory named the same next page twice; the sessions read so far are returned`);
        break;
      }
      seen.add(nextToken);
    }
    return out.sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  }

  private async readEndpoint(auth: CarDataAuthState, vehicle: Vehicle, endpoint: string, params: Record<string, string>, opts: CallOptions): Promise<EndpointRead> {
    if (!(READABLE as readonly string[]).includes(endpoint)) {
      throw new CarError('BAD_INPUT', `endpoint "${endpoint}" is not one ${NAME} reads; allowed: ${READABLE.join(', ')}`);
    }
    const name = endpoint as EndpointName;
    const readAt = this.ctx.clock.now();
    if (name === 'telematicData') {
      const read = await this.readStatus(auth, vehicle, [], opts);
      return { endpoint, calledEndpoint: endpoint, raw: read.raw.telematicData, mapped: read.status, readAt };
    }
    if (name === 'chargingHistory') {
      const to = params.to ?? new Date(readAt).toISOString();
      const from = params.from ?? new Date(readAt - 30 * 86_400_000).toISOString();
      const sessions = await this.readChargeSessions(auth, vehicle, from, to, opts);
      return { endpoint, calledEndpoint: endpoint, raw: undefined, mapped: sessions, readAt };
    }
    const res = await this.rest(auth, { endpoint: name, params: { vin: vehicle.vin }, kind: opts.kind, binary: name === 'image' });
    let mapped: unknown = res.body;
    if (name === 'basicData') mapped = vehicleOf(vehicle.vin, BasicDataSchema.safeParse(res.body).data);
    if (name === 'image') mapped = Buffer.isBuffer(res.body) ? { contentType: res.contentType ?? 'application/octet-stream', bytes: res.body.length } : res.body;
    return { endpoint, calledEndpoint: endpoint, raw: res.body, mapped, readAt };
  }

  private async rawRequest(auth: CarDataAuthState, vehicle: Vehicle | undefined, req: RawRequest, opts: CallOptions): Promise<RawResponse> {
    if (req.method !== 'GET') throw new CarError('BAD_INPUT', `${NAME} raw requests are GET only: ${READ_ONLY}, and containers are managed by the plugin`);
    const raw = req.path.split('?')[0] ?? '';
    if (raw.includes('{vin}') && !vehicle) throw new CarError('BAD_INPUT', 'path uses {vin}: choose a vehicle in the node so that it can be filled in');
    const path = vehicle ? raw.replace(/\{vin\}/g, vehicle.vin) : raw;
    const entry = RAW_READS.find(([, e]) => {
      const re = new RegExp(`^${e.path.replace(/\{vin\}/g, '([A-Za-z0-9]{17})').replace(/\{containerId\}/g, '([A-Za-z0-9._-]+)')}$`);
      return re.test(path);
    });
    if (!entry) throw new CarError('BAD_INPUT', `path "${path}" is not a ${NAME} read; allowed: ${RAW_READS.map(([, e]) => e.path).join(', ')}`);
    const [name, e] = entry;
    const values: Record<string, string> = {};
    const m = new RegExp(`^${e.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`).exec(path);
    for (const [k, v] of Object.entries(m?.groups ?? {})) values[k] = decodeURIComponent(v);
    // A path names only the node's own car (compared as VINs are: upper-case).
    if (values.vin && !vehicle) throw new CarError('BAD_INPUT', 'path names a vehicle: choose that vehicle in the node and write {vin}');
    if (values.vin && vehicle && values.vin.toUpperCase() !== vehicle.vin.toUpperCase()) throw new CarError('BAD_INPUT', "path names another vehicle than the node's: write {vin} for the node's vehicle");
    if (values.vin && vehicle) values.vin = vehicle.vin;
    const res = await this.rest(auth, { endpoint: name, params: values, ...(req.query ? { query: req.query } : {}), kind: opts.kind, binary: name === 'image' });
    return { status: res.status, body: res.body };
  }
}
