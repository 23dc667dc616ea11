/**
 * The simulated CarData REST API: vehicle mappings, containers (at most 10, 13-character ids),
 * telematicData of a container, basicData, chargingHistory (paged by next_token), the image
 * (PNG bytes), and the daily quota of 50 calls per account. Errors as BMW really answers them
 * (shared/specs/cardata-real.md 3): the quota is HTTP 403 CU-429, an unknown container 403
 * CU-105, a container deleted twice 208 CU-122.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { Clock } from '../../core/clock';
import { header, isHang, isRecord, isReset, jsonResponse, parseJson, textResponse, truncated, type SimRequest, type SimResponse } from '../http';
import type { CardataOAuth, TokenClaims } from './oauth';
import type { CardataFaultKind, CardataFaultPlace, CardataQuotaOptions, CardataSimStats } from './types';
import { REST_ONLY, chargeSessionOf, type SimCardataCar, type WorldClock } from './world';

export const MAX_CONTAINERS = 10;

interface Container {
  containerId: string;
  name: string;
  purpose: string;
  technicalDescriptors: string[];
  created: string;
  /** Deleted containers stay listed as DELETED (the swagger's enum; MMM skips them). */
  state: 'ACTIVE' | 'DELETED';
}

/** Container ids are 13 uppercase letters and digits, e.g. G00M006W070DZ (ioBroker.bmw#196; CU-121 names the length). */
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function containerId(): string {
  let id = '';
  for (const b of randomBytes(13)) id += ID_CHARS[b % ID_CHARS.length];
  return id;
}

export interface RestDeps {
  clock: Clock;
  world: WorldClock;
  oauth: CardataOAuth;
  cars: () => Map<string, SimCardataCar>;
  stats: () => CardataSimStats;
  quota: () => CardataQuotaOptions | false;
  fault: (place: CardataFaultPlace, path: string) => CardataFaultKind | undefined;
  historyPageSize: () => number;
  /** VINs the account holds as a secondary user. */
  secondary: () => readonly string[];
}

/** BMW's error body; some real answers carry a note (and an empty reference) beside the id and message. */
function cuError(status: number, id: string, msg: string, extra: { exveErrorRef?: string; exveNote?: string } = {}): SimResponse {
  return jsonResponse(status, { exveErrorId: id, exveErrorMsg: msg, ...extra });
}

/** A small PNG of the car's colour (a body on two wheels): bytes, as BMW's image endpoint sends them. */
export function carPng(color: string): Buffer {
  const w = 64;
  const h = 32;
  const rgb = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  const body = rgb ? [1, 2, 3].map((i) => parseInt(rgb[i] ?? '99', 16)) : [153, 153, 153];
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const wheel = (x - 16) ** 2 + (y - 24) ** 2 < 30 || (x - 48) ** 2 + (y - 24) ** 2 < 30;
      const inBody = y >= 10 && y < 24 && x >= 4 && x < 60 && !(y < 16 && (x < 14 || x > 50));
      const px = wheel ? [34, 34, 34] : inBody ? body : [244, 245, 247];
      raw.set(px, y * (w * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export class CardataRest {
  private readonly containers = new Map<string, Map<string, Container>>();
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly d: RestDeps) {}

  /** REST calls counted for an account in the current window. */
  quotaStatus(gcid: string): { calls: number } {
    const q = this.d.quota();
    if (!q) return { calls: 0 };
    const now = this.d.clock.now();
    return { calls: (this.calls.get(gcid) ?? []).filter((t) => t > now - q.windowMs).length };
  }

  resetQuota(): void {
    this.calls.clear();
  }

  /** Spends one call of the account's quota; false when it is spent. */
  private take(gcid: string): boolean {
    const q = this.d.quota();
    if (!q) return true;
    const now = this.d.clock.now();
    const list = (this.calls.get(gcid) ?? []).filter((t) => t > now - q.windowMs);
    if (list.length >= q.limit) {
      this.calls.set(gcid, list);
      return false;
    }
    list.push(now);
    this.calls.set(gcid, list);
    return true;
  }

  containersOf(gcid: string): Map<string, Container> {
    let m = this.containers.get(gcid);
    if (!m) this.containers.set(gcid, (m = new Map()));
    return m;
  }

  private count(name: string): void {
    const s = this.d.stats();
    s.byEndpoint[name] = (s.byEndpoint[name] ?? 0) + 1;
  }

  handle(req: SimRequest, path: string): SimResponse {
    const stats = this.d.stats();
    stats.rest++;
    const route = this.route(req.method, path);
    this.count(route?.name ?? 'not-found');
    const fault = this.d.fault('rest', `/api${path}`);
    if (fault === 'hang') return { hang: true };
    if (fault === 'bad-gateway') return textResponse(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    if (fault === 'server-error') return cuError(500, 'CU-500', 'Internal server error');
    if (fault === 'unavailable') return textResponse(503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html');
    if (fault === 'reset') return { reset: true };
    if (fault === 'forbidden-resource') {
      return cuError(403, 'CU-403', 'Bad Request.  Forbidden', { exveErrorRef: '', exveNote: 'This application error is raised when an invalid resource is invoked, or a valid resource is invoked incorrectly.' });
    }
    if (fault === 'retry-after') return { ...jsonResponse(429, { exveErrorId: 'CU-429', exveErrorMsg: 'Too many requests' }), headers: { 'content-type': 'application/json', 'retry-after': '60' } };
    const auth = /^Bearer\s+(.+)$/i.exec(header(req.headers, 'authorization') ?? '');
    const claims = auth?.[1] ? this.d.oauth.verify(auth[1], 'access') : undefined;
    if (!claims || fault === 'unauthorized') {
      stats.rejectedToken++;
      // BMW refuses an invalid or expired token with 403 CU-127 "invalid_token" (kvanbiesen#381: every token error seen
      // was a 403), not with the 401 CU-101/CU-102 of its documented table.
      return cuError(403, 'CU-127', 'invalid_token', { exveNote: 'The presented token is invalid or expired.' });
    }
    if (header(req.headers, 'x-version') !== 'v1') return cuError(400, 'CU-400', 'Header x-version: v1 is required');
    if (!claims.scope.split(' ').includes('cardata:api:read')) return cuError(403, 'CU-103', 'Token scope does not include CarData API access');
    if (fault === 'rate-limited') {
      stats.rejected429++;
      return { ...cuError(429, 'CU-429', 'Too many requests'), headers: { 'content-type': 'application/json', 'retry-after': '900' } };
    }
    if (fault === 'quota' || !this.take(claims.gcid)) {
      stats.rejected429++;
      return cuError(403, 'CU-429', 'API rate limit reached');
    }
    if (!route) return cuError(404, 'CU-404', 'Resource not found');
    if (fault === 'container-gone') return cuError(403, 'CU-105', 'Container not found');
    const res = route.run(req, claims);
    return fault === 'malformed-json' && !isHang(res) && !isReset(res) && res.status === 200 && !res.bytes ? truncated(res) : res;
  }

  private route(method: string, path: string): { name: string; run: (req: SimRequest, c: TokenClaims) => SimResponse } | undefined {
    if (method === 'GET' && path === '/customers/vehicles/mappings') return { name: 'mappings', run: () => this.mappings() };
    if (path === '/customers/containers') {
      if (method === 'GET') return { name: 'containers', run: (_r, c) => this.listContainers(c) };
      if (method === 'POST') return { name: 'createContainer', run: (r, c) => this.createContainer(r, c) };
    }
    const cont = /^\/customers\/containers\/([^/]+)$/.exec(path);
    if (cont) {
      const id = decodeURIComponent(cont[1] ?? '');
      if (method === 'GET') return { name: 'container', run: (_r, c) => this.getContainer(c, id) };
      if (method === 'DELETE') return { name: 'deleteContainer', run: (_r, c) => this.deleteContainer(c, id) };
    }
    const v = /^\/customers\/vehicles\/([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (v && method === 'GET') {
      const vin = decodeURIComponent(v[1] ?? '');
      const what = v[2] ?? '';
      const car = (): SimCardataCar | undefined => this.d.cars().get(vin);
      const needCar = (fn: (car: SimCardataCar, r: SimRequest, c: TokenClaims) => SimResponse) => (r: SimRequest, c: TokenClaims): SimResponse => {
        const found = car();
        if (!found) return cuError(404, 'CU-120', 'Unknown VIN for this customer');
        // Only the primary user gets a car's data (kvanbiesen#408, EVCC); the doc table's CU-104 is "no permission for VIN".
        if (this.d.secondary().includes(vin)) return cuError(403, 'CU-104', 'No permission for this VIN');
        return fn(found, r, c);
      };
      switch (what) {
        case 'telematicData':
          return { name: what, run: needCar((cr, r, c) => this.telematicData(cr, r, c)) };
        case 'basicData':
          return { name: what, run: needCar((cr) => this.basicData(cr)) };
        case 'chargingHistory':
          return { name: what, run: needCar((cr, r) => this.chargingHistory(cr, r)) };
        case 'image':
          return { name: what, run: needCar((cr) => ({ status: 200, headers: { 'content-type': 'image/png' }, body: '', bytes: carPng(cr.spec.color) })) };
        case 'locationBasedChargingSettings':
          // Pages with a camelCase nextToken, where chargingHistory says next_token (BMW's API reference, cardata-real §3.2).
          return { name: what, run: needCar((cr) => jsonResponse(200, { data: [{ id: 'home', latitude: cr.spec.home.lat, longitude: cr.spec.home.lon, chargingMode: 'SMART_CHARGING', acCurrentLimit: 16 }], nextToken: null })) };
        case 'smartMaintenanceTyreDiagnosis':
          return { name: what, run: needCar(() => jsonResponse(200, { passengerCar: { mountedTyres: { aggregatedQualityStatus: { qualityStatus: 'OK', label: 'Tyres OK' } } }, errors: [] })) };
        default:
          return undefined;
      }
    }
    return undefined;
  }

  private mappings(): SimResponse {
    return jsonResponse(
      200,
      [...this.d.cars().values()].map((c) => ({ vin: c.spec.vin, mappedSince: `${c.spec.constructionDate}T10:00:00.000Z`, mappingType: this.d.secondary().includes(c.spec.vin) ? 'SECONDARY' : 'PRIMARY' })),
    );
  }

  /** Containers in use (not deleted): the ones that count against the limit of 10. */
  activeContainers(gcid: string): Container[] {
    return [...this.containersOf(gcid).values()].filter((x) => x.state === 'ACTIVE');
  }

  private listContainers(c: TokenClaims): SimResponse {
    return jsonResponse(200, {
      containers: [...this.containersOf(c.gcid).values()].map((x) => ({ containerId: x.containerId, name: x.name, purpose: x.purpose, state: x.state, created: x.created })),
    });
  }

  /** An active container of the account; BMW says CU-105 for one that is not (or no longer) the account's, with HTTP 403. */
  private active(c: TokenClaims, id: string): Container | undefined {
    const x = this.containersOf(c.gcid).get(id);
    return x?.state === 'ACTIVE' ? x : undefined;
  }

  private getContainer(c: TokenClaims, id: string): SimResponse {
    const x = this.containersOf(c.gcid).get(id);
    return x ? jsonResponse(200, x) : cuError(403, 'CU-105', 'Container not found');
  }

  private createContainer(req: SimRequest, c: TokenClaims): SimResponse {
    const p = parseJson(req.body);
    const body = p.ok && isRecord(p.value) ? p.value : undefined;
    const name = body?.name;
    const purpose = body?.purpose;
    const keys = body?.technicalDescriptors;
    if (typeof name !== 'string' || !name || typeof purpose !== 'string' || !Array.isArray(keys) || keys.length === 0) {
      return cuError(400, 'CU-400', 'name, purpose and a non-empty technicalDescriptors list are required');
    }
    if (!keys.every((k): k is string => typeof k === 'string' && /^vehicle\.[A-Za-z0-9.]+$/.test(k))) return cuError(400, 'CU-402', 'technicalDescriptors must be telematic keys');
    const mine = this.containersOf(c.gcid);
    if (this.activeContainers(c.gcid).length >= MAX_CONTAINERS) return cuError(403, 'CU-124', 'Maximum number of containers reached');
    let id = containerId();
    while (mine.has(id)) id = containerId();
    const x: Container = { containerId: id, name, purpose, technicalDescriptors: [...new Set(keys)], created: new Date(this.d.clock.now()).toISOString(), state: 'ACTIVE' };
    mine.set(x.containerId, x);
    return jsonResponse(201, x);
  }

  private deleteContainer(c: TokenClaims, id: string): SimResponse {
    const x = this.containersOf(c.gcid).get(id);
    if (!x) return cuError(403, 'CU-105', 'Container not found');
    // Deleting again: HTTP 208 CU-122 (MMM-BMWCarData; kvanbiesen commit 7b0e121).
    if (x.state === 'DELETED') return cuError(208, 'CU-122', 'Container already set for deletion');
    x.state = 'DELETED';
    return { status: 204, body: '' };
  }

  /** Removes a container as if BMW had dropped it (the next telematicData with its id answers CU-105). */
  dropContainer(gcid: string, id: string): boolean {
    return this.containersOf(gcid).delete(id);
  }

  private telematicData(car: SimCardataCar, req: SimRequest, c: TokenClaims): SimResponse {
    const x = this.active(c, req.query.get('containerId') ?? '');
    // A stale or foreign container id: 403 CU-105, BMW's real "container not found" (kvanbiesen PR #375).
    if (!x) return cuError(403, 'CU-105', 'Container not allocated to the user or does not exist');
    car.sync(this.d.clock.now());
    const out: Record<string, { value: string | null; unit: string | null; timestamp: string | null }> = {};
    for (const key of x.technicalDescriptors) {
      const v = car.get(key);
      // REST sends every value as a string (lists as JSON), and null for what the car never reported.
      out[key] = v
        ? { value: typeof v.key.value === 'string' ? v.key.value : JSON.stringify(v.key.value), unit: v.key.unit ?? null, timestamp: new Date(v.at).toISOString() }
        : { value: null, unit: null, timestamp: null };
    }
    return jsonResponse(200, { telematicData: out });
  }

  private basicData(car: SimCardataCar): SimResponse {
    const s = car.spec;
    return jsonResponse(200, {
      vin: s.vin,
      brand: s.brand,
      modelName: s.modelName,
      modelKey: s.modelKey,
      series: s.series,
      seriesDevt: s.seriesDevt,
      bodyType: s.bodyType,
      propulsionType: s.propulsionType,
      driveTrain: s.propulsionType === 'BEV' ? 'ELECTRIC' : 'PLUGIN_HYBRID',
      colourCodeRaw: s.colourCodeRaw,
      constructionDate: s.constructionDate,
      countryCodeISO: 'DE',
      steering: 'LL',
      hasNavi: true,
      isTelematicsCapable: true,
    });
  }

  private chargingHistory(car: SimCardataCar, req: SimRequest): SimResponse {
    const from = Date.parse(req.query.get('from') ?? '');
    const to = Date.parse(req.query.get('to') ?? '');
    if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) return cuError(400, 'CU-400', 'from and to (ISO date-times, from <= to) are required');
    const now = this.d.clock.now();
    const w = this.d.world;
    const period = car.spec.periodMs;
    // Sessions of cycles that ended before now, in the asked window; history reaches back 90 days.
    const lo = Math.max(from, now - 90 * 86_400_000);
    const firstCycle = Math.floor(w.world(lo) / period) - 1;
    const lastCycle = Math.ceil(w.world(Math.min(to, now)) / period);
    const sessions: Record<string, unknown>[] = [];
    for (let k = firstCycle; k <= lastCycle && sessions.length < 500; k++) {
      const s = chargeSessionOf(car.spec, k);
      const start = w.clockOf(s.startW);
      const end = w.clockOf(s.endW);
      if (start < lo || start > to || end > now) continue;
      // Every fourth charge is at a public charger: BMW then adds the charge point it matched (no public/private flag).
      const away = k % 4 === 3;
      const location = away
        ? { municipality: 'München', formattedAddress: 'Leopoldstraße 50, 80802 München', streetAddress: 'Leopoldstraße 50', mapMatchedLatitude: 48.1601, mapMatchedLongitude: 11.5856 }
        : { municipality: 'München', formattedAddress: 'Petuelring 130, 80809 München', mapMatchedLatitude: car.spec.home.lat, mapMatchedLongitude: car.spec.home.lon };
      sessions.push({
        startTime: Math.floor(start / 1000),
        endTime: Math.floor(end / 1000),
        totalChargingDurationSec: Math.round((s.endW - s.startW) / 1000 / w.timeScale),
        energyConsumedFromPowerGridKwh: s.kwh,
        displayedStartSoc: s.from,
        displayedSoc: s.to,
        mileage: car.spec.mileageKm + Math.max(0, k) * car.spec.kmPerCycle,
        mileageUnits: 'MileageUnits.KM',
        timeZone: 'Europe/Berlin',
        isPreconditioningActivated: false,
        chargingLocation: location,
        ...(away ? { publicChargingPoint: { potentialChargingPointMatches: [{ providerName: 'SWM Ladenetz', streetAddress: 'Leopoldstraße 50', postalCode: '80802', city: 'München' }] } } : {}),
        businessErrors: [],
        chargingBlocks: [{ startTime: Math.floor(start / 1000), endTime: Math.floor(end / 1000), averagePowerGridKw: car.spec.chargeKw }],
      });
    }
    const size = Math.max(1, this.d.historyPageSize());
    const offset = Number(req.query.get('nextToken') ? Buffer.from(req.query.get('nextToken') ?? '', 'base64url').toString('utf8') : '0') || 0;
    const page = sessions.slice(offset, offset + size);
    const next = offset + size < sessions.length ? Buffer.from(String(offset + size)).toString('base64url') : null;
    return jsonResponse(200, { data: page, next_token: next });
  }

  /** Keys of a container the stream may carry (for the index page). */
  static streamable(keys: string[]): string[] {
    return keys.filter((k) => !REST_ONLY.has(k));
  }
}
