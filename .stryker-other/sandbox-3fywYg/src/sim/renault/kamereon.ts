/**
 * Simulated Kamereon "wired" API (spec §3–§7): routing, the apikey/JWT gate, quota, injected
 * faults, ownership and per-model capability checks, then reads and actions.
 */
// @ts-nocheck

import type { Clock } from '../../core/clock';
import { header, isAnswer, isRecord, jsonResponse, parseJson, textResponse, truncated, type SimRequest, type SimResponse } from '../http';
import { planAction } from './actions';
import { supportFor, type ActionKey, type DemoAccount, type EndpointKey, type ReadKey } from './data';
import type { GigyaService } from './gigya';
import type { Faults, Quota } from './guards';
import type { JwtSigner } from './jwt';
import { PUBLIC_KAMEREON_KEY } from './keys';
import { carAdapter, contracts, personBody, readBody, vehicleDetails, vehicleLink, type PersonInfo } from './reads';
import type { RenaultFaultKind, RenaultSimOptions, RenaultSimStats } from './types';
import { errors, isoMs, isoOffset, isoZ, JSON_API, KAMEREON_JSON } from './wire';
import type { RenaultWorld, SimCar } from './world';

type Route =
  | { kind: 'person'; name: 'persons'; personId: string }
  | { kind: 'notifications'; name: 'notifications'; personId: string }
  | { kind: 'vehicles'; name: 'vehicles'; accountId: string }
  | { kind: 'details' | 'contracts'; name: 'details' | 'contracts'; accountId: string; vin: string }
  | { kind: 'car-adapter'; name: 'car-adapter'; accountId: string; vin: string }
  | { kind: 'read'; name: ReadKey; accountId: string; vin: string }
  | { kind: 'action'; name: ActionKey; accountId: string; vin: string }
  | { kind: 'method'; name: string; allowed: string }
  | { kind: 'unknown'; name: 'not-found' };

/** KCA GET endpoints and the one version the server answers (spec §5). */
const KCA_READS: Readonly<Partial<Record<ReadKey, string>>> = {
  'battery-status': 'v2',
  cockpit: 'v1',
  location: 'v1',
  'hvac-status': 'v1',
  'hvac-settings': 'v1',
  'charge-mode': 'v1',
  'charging-settings': 'v1',
  'charge-schedule': 'v1',
  charges: 'v1',
  'charge-history': 'v1',
  'hvac-sessions': 'v1',
  'hvac-history': 'v1',
  'lock-status': 'v1',
  'res-state': 'v1',
  pressure: 'v1',
  'notification-settings': 'v1',
};

/** KCA actions and their version (spec §6.1); the action's key is actions/<name>. */
const KCA_ACTIONS: Readonly<Record<string, string>> = {
  'hvac-start': 'v1',
  'charging-start': 'v1',
  'charge-mode': 'v1',
  'charge-schedule': 'v2',
  'hvac-schedule': 'v2',
  'horn-lights': 'v1',
  'refresh-location': 'v1',
  'refresh-battery-status': 'v1',
};

/** KCM v1 endpoints by method (spec §5, §6.2). */
const KCM_GET: Readonly<Record<string, ReadKey>> = { 'ev/soc-levels': 'ev/soc-levels', 'ev/settings': 'ev/settings' };
const KCM_POST: Readonly<Record<string, ActionKey>> = {
  'charge/pause-resume': 'kcm/charge/pause-resume',
  'charge/start': 'kcm/charge/start',
  'charge/schedule': 'kcm/charge/schedule',
  'ev/settings': 'kcm/ev/settings',
  'ev/soc-levels': 'kcm/ev/soc-levels',
};

const UNKNOWN: Route = { kind: 'unknown', name: 'not-found' };

export function resolveRoute(method: string, path: string): Route {
  let segs: string[];
  try {
    segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return UNKNOWN;
  }
  if (segs[0] !== 'commerce' || segs[1] !== 'v1') return UNKNOWN;
  const [, , root, id, ...rest] = segs;
  if (!id) return UNKNOWN;
  const get = (r: Route): Route => (method === 'GET' ? r : { kind: 'method', name: r.name, allowed: 'GET' });
  const post = (r: Route): Route => (method === 'POST' ? r : { kind: 'method', name: r.name, allowed: 'POST' });

  if (root === 'persons') {
    if (rest.length === 0) return get({ kind: 'person', name: 'persons', personId: id });
    if (rest.length === 2 && rest[0] === 'notifications' && rest[1] === 'kmr') {
      return get({ kind: 'notifications', name: 'notifications', personId: id });
    }
    return UNKNOWN;
  }
  if (root !== 'accounts') return UNKNOWN;
  const accountId = id;
  const [a, b, c, d, e, f, g, ...more] = rest;
  if (a === 'vehicles') {
    if (b === undefined) return get({ kind: 'vehicles', name: 'vehicles', accountId });
    if ((c === 'details' || c === 'contracts') && d === undefined) return get({ kind: c, name: c, accountId, vin: b });
    return UNKNOWN;
  }
  if (a !== 'kamereon' || b === undefined) return UNKNOWN;
  if (b === 'vehicles' && c !== undefined && d === 'alerts' && e === undefined) {
    return get({ kind: 'read', name: 'alerts', accountId, vin: c });
  }
  // kca/car-adapter/{v}/cars/{vin}[/{endpoint} | /actions/{action}]
  if (b === 'kca' && c === 'car-adapter' && d !== undefined && e === 'cars' && f !== undefined) {
    const vin = f;
    if (g === undefined) return d === 'v2' ? get({ kind: 'car-adapter', name: 'car-adapter', accountId, vin }) : UNKNOWN;
    if (g === 'actions') {
      const [act, ...tail] = more;
      const version = act !== undefined && Object.hasOwn(KCA_ACTIONS, act) ? KCA_ACTIONS[act] : undefined;
      if (act === undefined || version === undefined || tail.length > 0 || version !== d) return UNKNOWN;
      return post({ kind: 'action', name: `actions/${act}` as ActionKey, accountId, vin });
    }
    const version = Object.hasOwn(KCA_READS, g) ? KCA_READS[g as ReadKey] : undefined;
    if (version === undefined || more.length > 0 || version !== d) return UNKNOWN;
    return get({ kind: 'read', name: g as ReadKey, accountId, vin });
  }
  // kcm/v1/vehicles/{vin}/...
  if (b === 'kcm' && c === 'v1' && d === 'vehicles' && e !== undefined && f !== undefined) {
    const sub = [f, g, ...more].filter((s): s is string => s !== undefined).join('/');
    const r = KCM_GET[sub];
    const w = KCM_POST[sub];
    if (method === 'GET' && r) return { kind: 'read', name: r, accountId, vin: e };
    if (method === 'POST' && w) return { kind: 'action', name: w, accountId, vin: e };
    if (r) return { kind: 'method', name: r, allowed: 'GET' };
    if (w) return { kind: 'method', name: w, allowed: 'POST' };
  }
  return UNKNOWN;
}

const TIMESTAMP_KEYS = new Set([
  'timestamp',
  'lastUpdateTime',
  'lastSettingsUpdateTimestamp',
  'lastEnergyUpdateTimestamp',
  'chargingRemainingTimeLastUpdateDateTime',
]);
const STALE_MS = 3 * 86_400_000;

/** Moves every car-reported timestamp in a body `STALE_MS` into the past, keeping its format. */
function makeStale(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(makeStale);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (TIMESTAMP_KEYS.has(k) && typeof x === 'string' && !Number.isNaN(Date.parse(x))) {
      const t = Date.parse(x) - STALE_MS;
      const off = /([+-])(\d{2}):(\d{2})$/.exec(x);
      out[k] = off ? isoOffset(t, (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3]))) : x.includes('.') ? isoMs(t) : isoZ(t);
    } else {
      out[k] = makeStale(x);
    }
  }
  return out;
}

function dropAttributes(v: unknown): unknown {
  if (Array.isArray(v)) return [];
  if (isRecord(v) && isRecord(v.data)) {
    const data = { ...v.data };
    delete data.attributes;
    return { ...v, data };
  }
  return {};
}

export interface KamereonDeps {
  readonly clock: Clock;
  readonly world: RenaultWorld;
  readonly gigya: GigyaService;
  readonly jwt: JwtSigner;
  readonly quota: Quota;
  readonly faults: Faults;
  readonly stats: () => RenaultSimStats;
  readonly options: () => RenaultSimOptions;
  readonly accounts: () => ReadonlyMap<string, DemoAccount & { personId: string }>;
  readonly person: (personId: string) => PersonInfo | undefined;
  readonly baseUrl: string;
  readonly log: (line: string) => void;
}

export class KamereonService {
  constructor(private readonly deps: KamereonDeps) {}

  handle(req: SimRequest, path: string): SimResponse {
    const d = this.deps;
    const stats = d.stats();
    const route = resolveRoute(req.method, path);
    stats.kamereon++;
    stats.byEndpoint[route.name] = (stats.byEndpoint[route.name] ?? 0) + 1;
    if (route.kind === 'read') stats.readsByVin[route.vin] = (stats.readsByVin[route.vin] ?? 0) + 1;

    // 1. gateway key
    const apikey = header(req.headers, 'apikey');
    if (apikey !== d.options().kamereonApiKey && apikey !== PUBLIC_KAMEREON_KEY) return errors.apiKey();
    // 2. identity
    const jwt = header(req.headers, 'x-gigya-id_token');
    const claims = jwt ? d.jwt.verify(jwt) : undefined;
    const user = claims && claims.exp * 1000 > d.clock.now() ? d.gigya.userByUid(claims.sub) : undefined;
    if (!user) {
      stats.rejected401++;
      return errors.unauthorized();
    }
    // 3. injected faults
    let post: RenaultFaultKind | undefined;
    const fault = d.faults.take(path);
    if (fault) {
      d.log(`[renault] fault ${fault} on ${req.method} ${path}`);
      if (fault === 'stale' || fault === 'missing-attributes' || fault === 'malformed-json' || fault === 'lost-reply' || fault === 'lost-reset') post = fault;
      else return this.faultResponse(fault);
    }
    // 4. quota (every authenticated call counts, even unknown routes)
    const accountId = 'accountId' in route ? route.accountId : undefined;
    const quotaKey = accountId ? `account:${accountId}` : `person:${user.personId}`;
    if (!d.quota.take(quotaKey)) {
      stats.rejected429++;
      return errors.overloaded();
    }
    // 5. route
    if (route.kind === 'unknown') return errors.routeNotFound();
    if (route.kind === 'method') {
      return jsonResponse(405, {
        type: 'FUNCTIONAL',
        messages: [{ code: 'err.func.wired.methodNotAllowed', message: `Request method '${req.method}' is not supported` }],
        errors: [{ errorCode: 'err.func.wired.methodNotAllowed', errorMessage: `Request method '${req.method}' is not supported` }],
        error_reference: 'FUNCTIONAL',
      }, KAMEREON_JSON);
    }
    if (!req.query.get('country')) return errors.missingParam('country');

    const res = this.route(req, route, user.personId);
    const write = route.name.startsWith('actions/') || (route.name.startsWith('kcm/') && req.method !== 'GET');
    if (write && isAnswer(res) && res.status < 300) stats.writes++;
    // Done on Renault's side, but the answer is lost on the way (issue 15: a command that ran).
    if (post === 'lost-reply') return { hang: true };
    if (post === 'lost-reset') return { reset: true };
    if (!post || !isAnswer(res) || res.status !== 200) return res;
    if (post === 'malformed-json') return truncated(res);
    const parsed = parseJson(res.body);
    if (!parsed.ok) return res;
    const body = post === 'stale' ? makeStale(parsed.value) : dropAttributes(parsed.value);
    return { ...res, body: JSON.stringify(body) };
  }

  private faultResponse(kind: Exclude<RenaultFaultKind, 'stale' | 'missing-attributes' | 'malformed-json' | 'lost-reply' | 'lost-reset'>): SimResponse {
    const stats = this.deps.stats();
    switch (kind) {
      case 'kamereon-proxy':
        return errors.kamereonProxy();
      case 'bad-gateway':
        return errors.badGateway();
      case 'overloaded':
        stats.rejected429++;
        return errors.overloaded();
      case 'privacy':
        return errors.privacy();
      case 'invalid-upstream':
        return errors.invalidUpstream();
      case 'not-supported':
        return errors.notSupported();
      case 'in-progress':
        return errors.inProgress();
      case 'unauthorized':
        stats.rejected401++;
        return errors.unauthorized();
      case 'hang':
        return { hang: true };
      case 'retry-after': {
        stats.rejected429++;
        const res = errors.overloaded();
        return { ...res, headers: { ...res.headers, 'retry-after': '60' } };
      }
      case 'unavailable':
        return textResponse(503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', 'text/html');
      case 'html-500':
        return textResponse(500, '<!DOCTYPE html><html><head><title>Error</title></head><body>Internal Server Error</body></html>', 'text/html');
      case 'reset':
        return { reset: true };
    }
  }

  private route(req: SimRequest, route: Exclude<Route, { kind: 'unknown' } | { kind: 'method' }>, personId: string): SimResponse {
    const d = this.deps;
    const now = d.clock.now();
    const json = (body: unknown, ct = KAMEREON_JSON): SimResponse => jsonResponse(200, body, ct);

    if (route.kind === 'person' || route.kind === 'notifications') {
      if (route.personId !== personId) return errors.accessDenied();
      if (route.kind === 'person') {
        const p = d.person(personId);
        if (!p) return errors.accessDenied();
        const accounts = [...d.accounts().values()].filter((a) => a.personId === personId);
        return json(personBody(p, accounts, now));
      }
      d.world.sync();
      const vins = new Set(
        [...d.world.cars.values()].filter((c) => d.accounts().get(c.spec.accountId)?.personId === personId).map((c) => c.spec.vin),
      );
      const wanted = req.query.get('notificationId');
      const p = d.person(personId);
      const list = d.world.notifications
        .filter((n) => vins.has(n.vin) && (!wanted || n.notificationId === wanted))
        .slice(-50)
        .reverse()
        .map((n) => ({
          notificationId: n.notificationId,
          notifDate: isoMs(n.at).replace('Z', ''),
          vin: n.vin,
          personId,
          kmrUserId: p?.uid ?? '',
          actionType: 'COMMAND_RESPONSE',
          commandResponse: { status: n.status },
          commandType: n.commandType,
        }));
      return json(list);
    }

    const account = d.accounts().get(route.accountId);
    if (!account || account.personId !== personId) return errors.accessDenied();
    if (route.kind === 'vehicles') {
      d.world.sync();
      const cars = [...d.world.cars.values()].filter((c) => c.spec.accountId === route.accountId);
      return json({ accountId: route.accountId, country: 'FR', vehicleLinks: cars.map((c) => vehicleLink(c, d.baseUrl)) });
    }

    const car = d.world.car(route.vin);
    if (!car || car.spec.accountId !== route.accountId) return errors.accessDenied();
    d.world.sync();
    switch (route.kind) {
      case 'details':
        return json(vehicleDetails(car, d.baseUrl));
      case 'contracts':
        return json(contracts(car, now));
      case 'car-adapter':
        return json(carAdapter(car), JSON_API);
    }

    const gate = this.gate(car, route.name);
    if (gate) return gate;

    if (route.kind === 'read') {
      const r = readBody(route.name, { car, query: req.query, now, baseUrl: d.baseUrl });
      if (!r.ok) return errors.invalidInput(`/${r.param}`, r.detail);
      return json(r.body, route.name.startsWith('ev/') || route.name === 'alerts' ? KAMEREON_JSON : JSON_API);
    }

    // action
    const parsed = req.body.trim() === '' ? { ok: true as const, value: undefined } : parseJson(req.body);
    if (!parsed.ok) return errors.invalidBody('body is not JSON');
    const planned = planAction({
      key: route.name,
      car,
      body: parsed.value,
      now,
      inProgress: (type) => d.world.hasPending(car.spec.vin, type),
      log: d.log,
    });
    if (!planned.ok) return planned.error;
    const { plan } = planned;
    d.world.schedule({ id: plan.id, vin: car.spec.vin, commandType: plan.commandType, dueAt: now + d.options().actionDelayMs, apply: plan.apply });
    d.log(`[renault] ${car.spec.vin} ${route.name} accepted (${plan.id})`);
    return json(plan.echo, route.name.startsWith('kcm/ev/') ? KAMEREON_JSON : JSON_API);
  }

  /** Capability table and privacy mode. */
  private gate(car: SimCar, key: EndpointKey): SimResponse | undefined {
    const support = supportFor(car.modelCode, key, this.deps.options().capabilityOverrides);
    const nestedStyle = car.profile.dialect === 'modern' || car.profile.dialect === 'hybrid';
    switch (support) {
      case 'forbidden':
        return errors.forbidden();
      case 'notFound':
        return errors.notFound(nestedStyle);
      case 'notSupported':
        return errors.notSupported();
      case 'ok':
        break;
    }
    if (car.privacy) return errors.privacy();
    return undefined;
  }
}
