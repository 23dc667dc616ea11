import { describe, it, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { request } from 'undici';
import { ManualClock } from '../../src/core/clock';
import { DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_GCID, startSimulator, type Simulator } from '../../src/sim';
import { startPlainBroker } from '../../src/sim/plain-broker';
import type { CardataSimOptions } from '../../src/sim/cardata';
import { eventually } from '../helpers';

/**
 * The CarData simulator answers as BMW's servers really do (shared/specs/cardata-real.md):
 * checked here with plain HTTP and MQTT clients, independent of src/brands.
 */

type Json = Record<string, unknown>;

const VERIFIER = 'v'.repeat(43) + 'W'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: Json; headers: Record<string, unknown> }> {
  const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const text = await r.body.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    // an HTML page or nothing
  }
  return { status: r.statusCode, body, headers: r.headers };
}

async function get(url: string, token: string): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
  const r = await request(url, { headers: { authorization: `Bearer ${token}`, 'x-version': 'v1' } });
  return { status: r.statusCode, headers: r.headers, bytes: Buffer.from(await r.body.arrayBuffer()) };
}

const json = (b: Buffer): Json => JSON.parse(b.toString('utf8')) as Json;

/** Connects like any MQTT client; resolves with the CONNACK code (0 = accepted) and the client. */
function connectMqtt(url: string, username: string, password: string): Promise<{ code: number; client: MqttClient }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { username, password, reconnectPeriod: 0, protocolVersion: 4, clean: true, connectTimeout: 5_000 });
    client.on('connect', () => resolve({ code: 0, client }));
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      client.end(true);
      resolve({ code: typeof code === 'number' ? code : -1, client });
    });
  });
}

/** Waits until cond holds; the test's mocha timeout is the deadline, not a count of real waits. */
function until(cond: () => boolean, what: string): Promise<void> {
  return eventually(cond, what);
}

describe('CarData simulator: answers as BMW does', () => {
  let sim: Simulator | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    await sim?.close();
    sim = undefined;
  });

  async function start(clock: ManualClock, cardata: Partial<CardataSimOptions> = {}): Promise<Simulator> {
    sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: false, ...cardata } });
    return sim;
  }

  async function deviceCode(s: Simulator): Promise<Json> {
    const r = await post(`${s.cardata.authUrl}/oauth/device/code`, {
      client_id: DEMO_CARDATA_CLIENT_ID,
      response_type: 'device_code',
      scope: 'authenticate_user openid cardata:api:read cardata:streaming:read',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    assert.equal(r.status, 200);
    return r.body;
  }

  function poll(s: Simulator, dc: Json, clientId = DEMO_CARDATA_CLIENT_ID): ReturnType<typeof post> {
    return post(`${s.cardata.authUrl}/oauth/token`, { client_id: clientId, grant_type: DEVICE_GRANT, device_code: String(dc.device_code), code_verifier: VERIFIER });
  }

  /** A whole sign-in: the token answer. */
  async function tokens(s: Simulator, clock: ManualClock): Promise<Json> {
    const dc = await deviceCode(s);
    assert.ok(s.cardata.approve(String(dc.user_code)));
    await clock.advance(5_000);
    const t = await poll(s, dc);
    assert.equal(t.status, 200);
    return t.body;
  }

  it("answers the device flow with BMW's statuses: pending 403, slow_down 400, access_denied 403, expired 401, unknown client 401", async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    const s = await start(clock);
    const dc = await deviceCode(s);
    assert.match(String(dc.user_code), /^[A-Za-z]{8}$/);
    assert.equal(dc.verification_uri, s.cardata.deviceUrl);
    assert.equal('verification_uri_complete' in dc, false);
    let r = await poll(s, dc);
    assert.deepEqual([r.status, r.body.error, r.body.error_description], [403, 'authorization_pending', 'The user has not yet completed authorization']);
    r = await poll(s, dc);
    assert.deepEqual([r.status, r.body.error], [400, 'slow_down'], 'asked again at once');
    r = await poll(s, dc, '00000000-0000-4000-8000-000000000000');
    assert.deepEqual([r.status, r.body.error], [401, 'invalid_client']);
    assert.ok(s.cardata.deny(String(dc.user_code)));
    await clock.advance(10_000);
    r = await poll(s, dc);
    assert.deepEqual([r.status, r.body.error, r.body.error_description], [403, 'access_denied', 'The user has declined authorization']);
    await clock.advance(300_000);
    r = await poll(s, dc);
    assert.deepEqual([r.status, r.body.error], [401, 'expired_token']);
    // The 2025 answer, on request.
    s.cardata.setVerificationUriComplete(true);
    const old = await deviceCode(s);
    assert.equal(old.verification_uri_complete, `${s.cardata.deviceUrl}?user_code=${String(old.user_code)}`);
  });

  it('fails right after an approval as BMW does: the 500 keymanagement fault, then 403 access_denied', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    const s = await start(clock);
    const dc = await deviceCode(s);
    assert.ok(s.cardata.approve(String(dc.user_code)));
    s.cardata.injectFault({ kind: 'approval-fault' });
    await clock.advance(5_000);
    const fault = await poll(s, dc);
    assert.equal(fault.status, 500);
    assert.deepEqual(fault.body, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } });
    await clock.advance(5_000);
    const denied = await poll(s, dc);
    assert.deepEqual([denied.status, denied.body.error], [403, 'access_denied']);
    assert.equal(s.cardata.stats.signIns, 0);
  });

  it('rotates refresh tokens; a dead, rotated or 14-day-old one answers 400 invalid_request', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    const s = await start(clock);
    const t1 = await tokens(s, clock);
    const refresh = (rt: unknown): ReturnType<typeof post> =>
      post(`${s.cardata.authUrl}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(rt), client_id: DEMO_CARDATA_CLIENT_ID });
    const r2 = await refresh(t1.refresh_token);
    assert.equal(r2.status, 200);
    assert.notEqual(r2.body.refresh_token, t1.refresh_token);
    const rotated = await refresh(t1.refresh_token);
    assert.deepEqual([rotated.status, rotated.body.error], [400, 'invalid_request']);
    assert.match(String(rotated.body.error_description), /^The request is missing a required parameter/);
    // A 503 or a 429 leaves the token alive.
    s.cardata.injectFault({ kind: 'refresh-unavailable' });
    assert.equal((await refresh(r2.body.refresh_token)).status, 503);
    s.cardata.injectFault({ kind: 'refresh-429' });
    const limited = await refresh(r2.body.refresh_token);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '120');
    const r3 = await refresh(r2.body.refresh_token);
    assert.equal(r3.status, 200);
    await clock.advance(14 * 86_400_000);
    const old = await refresh(r3.body.refresh_token);
    assert.deepEqual([old.status, old.body.error], [400, 'invalid_request'], 'past 14 days');
  });

  it('REST: 13-character container ids, 403 CU-105 for an unknown container, 208 CU-122 for a second delete, a PNG image, next_token pages (nextToken for the charging settings)', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    const s = await start(clock, { brokerPort: false, historyPageSize: 3 });
    const t = await tokens(s, clock);
    const token = String(t.access_token);
    const api = s.cardata.apiUrl;
    const created = await request(`${api}/customers/containers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-version': 'v1', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'test', purpose: 'test', technicalDescriptors: ['vehicle.vehicle.travelledDistance'] }),
    });
    assert.equal(created.statusCode, 201);
    const id = String(((await created.body.json()) as Json).containerId);
    assert.match(id, /^[A-Z0-9]{13}$/);
    const vin = s.cardata.vins[0] ?? '';
    assert.equal((await get(`${api}/customers/vehicles/${vin}/telematicData?containerId=${id}`, token)).status, 200);
    const del = (): Promise<{ statusCode: number; body: { text(): Promise<string> } }> =>
      request(`${api}/customers/containers/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'x-version': 'v1' } });
    assert.equal((await del()).statusCode, 204);
    const again = await del();
    assert.equal(again.statusCode, 208);
    assert.equal((JSON.parse(await again.body.text()) as Json).exveErrorId, 'CU-122');
    const gone = await get(`${api}/customers/vehicles/${vin}/telematicData?containerId=${id}`, token);
    assert.equal(gone.status, 403);
    assert.equal(json(gone.bytes).exveErrorId, 'CU-105');
    const listed = json((await get(`${api}/customers/containers`, token)).bytes).containers as Json[];
    assert.deepEqual(listed.map((c) => c.state), ['DELETED'], 'a deleted container stays listed as DELETED');

    const image = await get(`${api}/customers/vehicles/${vin}/image`, token);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual([...image.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG bytes');
    // locationBasedChargingSettings pages with a camelCase nextToken, unlike chargingHistory's next_token.
    const lbcs = json((await get(`${api}/customers/vehicles/${vin}/locationBasedChargingSettings`, token)).bytes);
    assert.deepEqual(Object.keys(lbcs).sort(), ['data', 'nextToken']);

    // Three days of the i4: 12 charging sessions, 3 a page, linked by next_token.
    await clock.advance(3 * 86_400_000);
    const t2 = await post(`${s.cardata.authUrl}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(t.refresh_token), client_id: DEMO_CARDATA_CLIENT_ID });
    const token2 = String(t2.body.access_token);
    const from = '2026-11-20T08:00:00.000Z';
    const to = new Date(clock.now()).toISOString();
    let next: unknown = undefined;
    let pages = 0;
    let sessions = 0;
    let publicOnes = 0;
    do {
      const q = new URLSearchParams({ from, to, ...(typeof next === 'string' ? { nextToken: next } : {}) });
      const page = json((await get(`${api}/customers/vehicles/${vin}/chargingHistory?${q.toString()}`, token2)).bytes);
      pages++;
      const data = page.data as Json[];
      sessions += data.length;
      publicOnes += data.filter((x) => x.publicChargingPoint !== undefined).length;
      assert.ok(data.every((x) => x.mileageUnits === 'MileageUnits.KM'));
      next = page.next_token;
    } while (typeof next === 'string' && pages < 10);
    assert.equal(sessions, 12);
    assert.equal(pages, 4);
    assert.equal(publicOnes, 3, 'every fourth charge was at a public charger');
  });

  it('MQTT: a broker port that is taken gives way to a free one, the log says which, and the stream connects there (the demo asks for its port + 1, unchecked)', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const lines: string[] = [];
    try {
      const clock = new ManualClock('2026-11-20T08:00:00Z');
      sim = await startSimulator({ port: 0, clock, log: (line) => lines.push(line), cardata: { autoApproveMs: false, brokerPort: port } });
      const url = sim.cardata.brokerUrl;
      assert.ok(url, sim.cardata.brokerProblem);
      assert.notEqual(new URL(url).port, String(port));
      assert.ok(lines.includes(`[cardata] MQTT port ${port} is taken: the broker listens on ${url}`), lines.join('\n'));
      const t = await tokens(sim, clock);
      const stream = await connectMqtt(url, DEMO_CARDATA_GCID, String(t.id_token));
      clients.push(stream.client);
      assert.equal(stream.code, 0);
      // The demo's second broker (the Home Assistant example's, on the simulator's port + 2) does the same.
      const plain = await startPlainBroker(port);
      assert.ok(plain);
      assert.notEqual(new URL(plain.url).port, String(port));
      await plain.close();
    } finally {
      taken.close();
    }
  });

  it('MQTT: one connection per GCID (CONNACK 5 for the next while the first lives and a few seconds after), CONNACK 4 for an expired id_token, closed at expiry', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    const s = await start(clock, { mqttLingerMs: 10_000 });
    const url = s.cardata.brokerUrl;
    assert.ok(url, s.cardata.brokerProblem);
    const t = await tokens(s, clock);
    const idToken = String(t.id_token);
    const first = await connectMqtt(url, DEMO_CARDATA_GCID, idToken);
    clients.push(first.client);
    assert.equal(first.code, 0);
    const second = await connectMqtt(url, DEMO_CARDATA_GCID, idToken);
    clients.push(second.client);
    assert.equal(second.code, 5, 'not authorized while the first lives');
    assert.equal(first.client.connected, true, 'the first one is kept');
    assert.equal(s.cardata.stats.mqttRefusedBusy, 1);
    first.client.end();
    await until(() => s.cardata.brokerClients === 0, 'the first one left');
    await clock.advance(9_000);
    assert.equal((await connectMqtt(url, DEMO_CARDATA_GCID, idToken)).code, 5, 'its session still counts a few seconds');
    await clock.advance(1_000);
    const third = await connectMqtt(url, DEMO_CARDATA_GCID, idToken);
    clients.push(third.client);
    assert.equal(third.code, 0);
    assert.equal((await connectMqtt(url, 'someone-else', idToken)).code, 4, 'a foreign user name: bad user name or password');
    // At the id_token's expiry the broker closes the connection; the expired token then gets CONNACK 4.
    let closed = false;
    third.client.on('close', () => (closed = true));
    await clock.advance(Number(t.expires_in) * 1000);
    await until(() => closed, 'closed at expiry');
    assert.equal(s.cardata.stats.mqttExpiredDrops, 1);
    await clock.advance(15_000);
    assert.equal((await connectMqtt(url, DEMO_CARDATA_GCID, idToken)).code, 4, 'an expired id_token');
  });
});
