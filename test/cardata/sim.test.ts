import { describe, it, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { ManualClock } from '../../src/core/clock';
import { DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_GCID, startSimulator, type Simulator } from '../../src/sim';
import { cardataFixture } from './helpers';

type Json = Record<string, unknown>;

/** A minimal client for the simulator, deliberately independent of src/brands. */
async function post(url: string, form: Record<string, string>): Promise<{ status: number; body: Json; text: string }> {
  const r = await request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const text = await r.body.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    // HTML page or empty body
  }
  return { status: r.statusCode, body, text };
}

async function get(url: string, token: string, version = 'v1'): Promise<{ status: number; body: unknown }> {
  const r = await request(url, { headers: { authorization: `Bearer ${token}`, 'x-version': version } });
  const text = await r.body.text();
  return { status: r.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const VERIFIER = 'a'.repeat(43) + 'Z'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('CarData simulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function deviceCode(s: Simulator): Promise<Json> {
    const r = await post(`${s.cardata.authUrl}/oauth/device/code`, {
      client_id: DEMO_CARDATA_CLIENT_ID,
      response_type: 'device_code',
      scope: 'authenticate_user openid cardata:streaming:read cardata:api:read',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    assert.equal(r.status, 200, r.text);
    return r.body;
  }

  function poll(s: Simulator, dc: Json, verifier = VERIFIER): Promise<{ status: number; body: Json; text: string }> {
    return post(`${s.cardata.authUrl}/oauth/token`, {
      client_id: DEMO_CARDATA_CLIENT_ID,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: String(dc.device_code),
      code_verifier: verifier,
    });
  }

  it('confirms a code through its page, checks PKCE, and issues tokens once', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: false } });
    const dc = await deviceCode(sim);
    assert.equal(dc.interval, 5);
    assert.equal(dc.expires_in, 300);
    assert.equal(dc.verification_uri_complete, undefined, 'gone from BMW\'s answer since 2026');
    const pending = await poll(sim, dc);
    assert.equal(pending.status, 403, 'BMW says "pending" with 403');
    assert.equal(pending.body.error, 'authorization_pending');
    const page = await request(`${String(dc.verification_uri)}?user_code=${String(dc.user_code)}`);
    assert.match(await page.body.text(), new RegExp(String(dc.user_code)));
    const confirm = await post(sim.cardata.deviceUrl, { user_code: String(dc.user_code), action: 'approve' });
    assert.match(confirm.text, /Confirmed/);
    await clock.advance(5_000);
    assert.equal((await poll(sim, dc, 'b'.repeat(86))).body.error, 'invalid_grant', 'a wrong verifier is refused');
    await clock.advance(5_000);
    const ok = await poll(sim, dc);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.gcid, DEMO_CARDATA_GCID);
    assert.equal(ok.body.expires_in, 3600);
    await clock.advance(5_000);
    assert.equal((await poll(sim, dc)).body.error, 'invalid_grant', 'a device code works once');
  });

  it('confirms by itself in demo mode after the delay', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: 8_000 } });
    const dc = await deviceCode(sim);
    await clock.advance(5_000);
    assert.equal((await poll(sim, dc)).body.error, 'authorization_pending');
    await clock.advance(5_000);
    assert.equal((await poll(sim, dc)).status, 200);
  });

  it('guards the REST API: x-version, tokens, quota; works without the broker', async () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    sim = await startSimulator({ port: 0, clock, cardata: { autoApproveMs: 0, brokerPort: false, quota: { limit: 3, windowMs: 86_400_000 } } });
    assert.equal(sim.cardata.brokerUrl, undefined);
    assert.ok(sim.cardata.describe().some((l) => l.startsWith('MQTT:') && l.includes('off')));
    const dc = await deviceCode(sim);
    await clock.advance(5_000);
    const tokens = (await poll(sim, dc)).body;
    const token = String(tokens.access_token);
    const api = sim.cardata.apiUrl;
    assert.equal((await get(`${api}/customers/vehicles/mappings`, token, '')).status, 400);
    // A refused token is BMW's real 403 CU-127 "invalid_token" (the recorded answer), not the 401 of its doc table.
    const refused = await get(`${api}/customers/vehicles/mappings`, 'not-a-token');
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, await cardataFixture('error-invalid-token.json'));
    const mappings = await get(`${api}/customers/vehicles/mappings`, token);
    assert.deepEqual((mappings.body as { vin: string }[]).map((m) => m.vin).sort(), sim.cardata.vins.sort());
    const unknown = await get(`${api}/customers/vehicles/${sim.cardata.vins[0] ?? ''}/telematicData?containerId=NOPE000000000`, token);
    assert.equal(unknown.status, 403, 'an unknown container is 403 CU-105');
    assert.equal((unknown.body as Json).exveErrorId, 'CU-105');
    const basic = await get(`${api}/customers/vehicles/${sim.cardata.vins[1] ?? ''}/basicData`, token);
    assert.equal((basic.body as Json).brand, 'MINI');
    const spent = await get(`${api}/customers/vehicles/mappings`, token);
    // The 4th call: BMW's quota answer is HTTP 403 with CU-429 (never 429).
    assert.equal(spent.status, 403);
    assert.deepEqual(spent.body, { exveErrorId: 'CU-429', exveErrorMsg: 'API rate limit reached' });
    assert.equal(sim.cardata.quotaStatus().calls, 3);
    await clock.advance(86_400_000);
    const expired = await get(`${api}/customers/vehicles/mappings`, token);
    assert.deepEqual([expired.status, (expired.body as Json).exveErrorMsg], [403, 'invalid_token'], 'the access token lasted an hour');
    const renewed = await post(`${sim.cardata.authUrl}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: DEMO_CARDATA_CLIENT_ID });
    assert.equal(renewed.status, 200);
    assert.equal((await get(`${api}/customers/vehicles/mappings`, String(renewed.body.access_token))).status, 200, 'the quota window rolled');
  });

});
