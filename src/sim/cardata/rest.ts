/**
 * The simulated CarData REST API (spec bmw.md B2): vehicle mappings, containers (at most 10),
 * telematicData of a container, basicData, chargingHistory (paged), image, and the daily
 * quota of 50 calls per account (403 CU-429 beyond).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { header, isRecord, jsonResponse, parseJson, textResponse, type SimRequest, type SimResponse } from '../http';
import type { CardataOAuth, TokenClaims } from './oauth';
import type { CardataFaultKind, CardataQuotaOptions, CardataSimStats } from './types';
import { REST_ONLY, chargeSessionOf, type SimCardataCar, type WorldClock } from './world';

export const MAX_CONTAINERS = 10;

interface Container {
  containerId: string;
  name: string;
  purpose: string;
  technicalDescriptors: string[];
  created: string;
}

export interface RestDeps {
  clock: Clock;
  world: WorldClock;
  oauth: CardataOAuth;
  cars: () => Map<string, SimCardataCar>;
  stats: () => CardataSimStats;
  quota: () => CardataQuotaOptions | false;
  fault: (path: string) => CardataFaultKind | undefined;
  historyPageSize: () => number;
}

function cuError(status: number, id: string, msg: string): SimResponse {
  return jsonResponse(status, { exveErrorId: id, exveErrorMsg: msg });
}

function carSvg(color: string, label: string): string {
  const safe = label.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160" viewBox="0 0 320 160"><rect width="320" height="160" fill="#f4f5f7"/>
<path d="M30 112 L55 72 Q68 56 98 52 L205 50 Q238 50 258 70 L290 92 Q300 98 300 112 Z" fill="${color}" stroke="#222" stroke-width="3"/>
<circle cx="92" cy="114" r="20" fill="#222"/><circle cx="244" cy="114" r="20" fill="#222"/>
<text x="160" y="150" font-family="sans-serif" font-size="14" text-anchor="middle" fill="#333">${safe}</text></svg>`;
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
    const fault = this.d.fault(`/api${path}`);
    if (fault === 'hang') return { hang: true };
    if (fault === 'bad-gateway') return textResponse(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    if (fault === 'server-error') return cuError(500, 'CU-500', 'Internal server error');
    const auth = /^Bearer\s+(.+)$/i.exec(header(req.headers, 'authorization') ?? '');
    const claims = auth?.[1] ? this.d.oauth.verify(auth[1], 'access') : undefined;
    if (!claims || fault === 'unauthorized') {
      stats.rejected401++;
      return cuError(401, 'CU-101', 'Invalid or expired token');
    }
    if (header(req.headers, 'x-version') !== 'v1') return cuError(400, 'CU-400', 'Header x-version: v1 is required');
    if (!claims.scope.split(' ').includes('cardata:api:read')) return cuError(403, 'CU-103', 'Token scope does not include CarData API access');
    if (fault === 'quota' || !this.take(claims.gcid)) {
      stats.rejected429++;
      return cuError(403, 'CU-429', 'API rate limit reached');
    }
    if (!route) return cuError(404, 'CU-404', 'Resource not found');
    return route.run(req, claims);
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
        return found ? fn(found, r, c) : cuError(404, 'CU-120', 'Unknown VIN for this customer');
      };
      switch (what) {
        case 'telematicData':
          return { name: what, run: needCar((cr, r, c) => this.telematicData(cr, r, c)) };
        case 'basicData':
          return { name: what, run: needCar((cr) => this.basicData(cr)) };
        case 'chargingHistory':
          return { name: what, run: needCar((cr, r) => this.chargingHistory(cr, r)) };
        case 'image':
          return { name: what, run: needCar((cr) => textResponse(200, carSvg(cr.spec.color, `${cr.spec.brand} ${cr.spec.modelName}`), 'image/svg+xml')) };
        case 'locationBasedChargingSettings':
          return { name: what, run: needCar((cr) => jsonResponse(200, { data: [{ id: 'home', latitude: cr.spec.home.lat, longitude: cr.spec.home.lon, chargingMode: 'SMART_CHARGING', acCurrentLimit: 16 }], next_token: null })) };
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
      [...this.d.cars().values()].map((c) => ({ vin: c.spec.vin, mappedSince: `${c.spec.constructionDate}T10:00:00.000Z`, mappingType: 'PRIMARY' })),
    );
  }

  private listContainers(c: TokenClaims): SimResponse {
    return jsonResponse(200, {
      containers: [...this.containersOf(c.gcid).values()].map((x) => ({ containerId: x.containerId, name: x.name, purpose: x.purpose, state: 'ACTIVE', created: x.created })),
    });
  }

  private getContainer(c: TokenClaims, id: string): SimResponse {
    const x = this.containersOf(c.gcid).get(id);
    return x ? jsonResponse(200, { ...x, state: 'ACTIVE' }) : cuError(404, 'CU-105', 'Container not found');
  }

  private createContainer(req: SimRequest, c: TokenClaims): SimResponse {
    const p = parseJson(req.body);
    const body = p.ok && isRecord(p.value) ? p.value : undefined;
    const name = body?.name;
    const purpose = body?.purpose;
    const keys = body?.technicalDescriptors;
    if (typeof name !== 'string' || !name || typeof purpose !== 'string' || !Array.isArray(keys) || keys.length === 0) {
      return cuError(400, 'CU-105', 'name, purpose and a non-empty technicalDescriptors list are required');
    }
    if (!keys.every((k): k is string => typeof k === 'string' && /^vehicle\.[A-Za-z0-9.]+$/.test(k))) return cuError(400, 'CU-105', 'technicalDescriptors must be telematic keys');
    const mine = this.containersOf(c.gcid);
    if (mine.size >= MAX_CONTAINERS) return cuError(403, 'CU-124', 'Maximum number of containers reached');
    const x: Container = { containerId: randomBytes(8).toString('hex'), name, purpose, technicalDescriptors: [...new Set(keys)], created: new Date(this.d.clock.now()).toISOString() };
    mine.set(x.containerId, x);
    return jsonResponse(201, { ...x, state: 'ACTIVE' });
  }

  private deleteContainer(c: TokenClaims, id: string): SimResponse {
    return this.containersOf(c.gcid).delete(id) ? { status: 204, body: '' } : cuError(404, 'CU-105', 'Container not found');
  }

  private telematicData(car: SimCardataCar, req: SimRequest, c: TokenClaims): SimResponse {
    const x = this.containersOf(c.gcid).get(req.query.get('containerId') ?? '');
    if (!x) return cuError(400, 'CU-105', 'Unknown containerId');
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
      sessions.push({
        startTime: Math.floor(start / 1000),
        endTime: Math.floor(end / 1000),
        totalChargingDurationSec: Math.round((s.endW - s.startW) / 1000 / w.timeScale),
        energyConsumedFromPowerGridKwh: s.kwh,
        displayedStartSoc: s.from,
        displayedSoc: s.to,
        mileage: car.spec.mileageKm + Math.max(0, k) * car.spec.kmPerCycle,
        mileageUnits: 'KM',
        timeZone: 'Europe/Berlin',
        isPreconditioningActivated: false,
        chargingLocation: { municipality: 'München', formattedAddress: 'Petuelring 130, 80809 München', mapMatchedLatitude: car.spec.home.lat, mapMatchedLongitude: car.spec.home.lon },
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
