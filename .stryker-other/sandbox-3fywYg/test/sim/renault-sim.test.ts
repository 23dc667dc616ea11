// @ts-nocheck
import { strict as assert } from 'node:assert';
import { after, afterEach, before, beforeEach, describe, it } from 'mocha';
import { request } from 'undici';
import { ManualClock } from '../../src/core/clock';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER, startSimulator, type Simulator } from '../../src/sim';
import { DEFAULT_GIGYA_API_KEY, DEFAULT_KAMEREON_API_KEY, PUBLIC_GIGYA_KEYS } from '../../src/sim/renault';

const VIN_ZE50 = 'VF1AG000862Z50001';
const VIN_R5 = 'VF1R5E00125R50002';
const VIN_AUSTRAL = 'VF1RHN00X27AU0003';
const VIN_ZE40 = 'VF1AG000664Z40004';
const VIN_SPRING = 'UU1DBG00X68SP0005';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), `expected an object, got ${JSON.stringify(v)}`);
  return v as Json;
}

function attrs(body: unknown): Json {
  return obj(obj(obj(body).data).attributes);
}

function firstErrorCode(body: unknown): unknown {
  const errs = obj(body).errors;
  assert.ok(Array.isArray(errs));
  return obj(errs[0]).errorCode;
}

function decodeJwt(token: string): { header: Json; payload: Json } {
  const [h, p, s] = token.split('.');
  assert.ok(h && p && s, 'three JWT parts');
  return {
    header: obj(JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))),
    payload: obj(JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))),
  };
}

/** A minimal client for the tests, deliberately independent of src/brands. */
class TestClient {
  jwt = '';
  loginToken = '';
  constructor(private readonly sim: Simulator) {}

  async gigya(method: string, params: Record<string, string>, via: 'POST' | 'GET' = 'POST', cookie?: string): Promise<{ status: number; body: Json }> {
    const form = new URLSearchParams(params).toString();
    const url = `${this.sim.renault.gigyaUrl}/${method}`;
    const cookies = cookie ? { cookie } : {};
    const r =
      via === 'POST'
        ? await request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...cookies }, body: form })
        : await request(`${url}?${form}`, { headers: cookies });
    return { status: r.statusCode, body: obj(await r.body.json()) };
  }

  /** accounts.webSdkBootstrap: the device ids from the Set-Cookie headers. */
  async bootstrap(): Promise<{ gmid: string; ucid: string }> {
    const r = await request(`${this.sim.renault.gigyaUrl}/accounts.webSdkBootstrap?apiKey=${DEFAULT_GIGYA_API_KEY}`);
    assert.equal(obj(await r.body.json()).errorCode, 0);
    const set = r.headers['set-cookie'];
    const all = Array.isArray(set) ? set : [set ?? ''];
    const value = (name: string): string => all.map((c) => new RegExp(`^${name}=([^;]+)`).exec(c)?.[1]).find(Boolean) ?? '';
    return { gmid: value('gmid'), ucid: value('ucid') };
  }

  async login(): Promise<void> {
    const l = await this.gigya('accounts.login', { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
    assert.equal(l.body.errorCode, 0);
    this.loginToken = String(obj(l.body.sessionInfo).cookieValue);
    await this.mintJwt();
  }

  async mintJwt(expiration = '900'): Promise<Json> {
    const j = await this.gigya('accounts.getJWT', {
      ApiKey: DEFAULT_GIGYA_API_KEY,
      login_token: this.loginToken,
      fields: 'data.personId,data.gigyaDataCenter',
      expiration,
    });
    if (j.body.errorCode === 0) this.jwt = String(j.body.id_token);
    return j.body;
  }

  async kam(
    path: string,
    opts: { method?: 'GET' | 'POST'; body?: unknown; apikey?: string; jwt?: string; signal?: AbortSignal } = {},
  ): Promise<{ status: number; body: unknown; text: string; contentType: string }> {
    const sep = path.includes('?') ? '&' : '?';
    const r = await request(`${this.sim.renault.kamereonUrl}${path}${sep}country=FR`, {
      method: opts.method ?? 'GET',
      headers: {
        apikey: opts.apikey ?? DEFAULT_KAMEREON_API_KEY,
        'x-gigya-id_token': opts.jwt ?? this.jwt,
        'content-type': 'application/vnd.api+json',
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
    const text = await r.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: r.statusCode, body, text, contentType: String(r.headers['content-type'] ?? '') };
  }
}

describe('Renault simulator', function () {
  let clock: ManualClock;
  let sim: Simulator;
  let client: TestClient;
  let myRenault: string;
  let myDacia: string;
  const kca = (vin: string, ep: string, v = 'v1', acc?: string): string =>
    `/commerce/v1/accounts/${acc ?? (vin === VIN_SPRING ? myDacia : myRenault)}/kamereon/kca/car-adapter/${v}/cars/${vin}/${ep}`;
  const kcm = (vin: string, ep: string): string =>
    `/commerce/v1/accounts/${vin === VIN_SPRING ? myDacia : myRenault}/kamereon/kcm/v1/vehicles/${vin}/${ep}`;

  beforeEach(async () => {
    clock = new ManualClock('2026-01-15T08:00:00Z');
    sim = await startSimulator({ clock, renault: { actionDelayMs: 15_000 } });
    client = new TestClient(sim);
    myRenault = sim.renault.accountIds.myRenault;
    myDacia = sim.renault.accountIds.myDacia;
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('server', () => {
    it('serves an index page and a health check on 127.0.0.1', async () => {
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const idx = await request(`${sim.url}/`);
      const text = await idx.body.text();
      assert.equal(idx.statusCode, 200);
      assert.ok(text.includes(DEMO_RENAULT_USER));
      for (const vin of sim.renault.vins) assert.ok(text.includes(vin), vin);
      const h = await request(`${sim.url}/health`);
      assert.equal(h.statusCode, 200);
      assert.equal(obj(await h.body.json()).status, 'ok');
      assert.equal(sim.renault.gigyaUrl, `${sim.url}/renault/gigya`);
      assert.equal(sim.renault.kamereonUrl, `${sim.url}/renault/kamereon`);
    });

    it('frees the port and leaves no clock timers on close', async () => {
      const url = sim.url;
      await sim.close();
      await assert.rejects(request(`${url}/health`));
      assert.equal(clock.pending, 0);
      sim = await startSimulator({ clock }); // afterEach closes this one
    });
  });

  describe('Gigya', () => {
    it('logs in, gives account info and a JWT with exp = now + expiration', async () => {
      const l = await client.gigya('accounts.login', { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
      assert.equal(l.status, 200);
      for (const f of ['callId', 'errorCode', 'apiVersion', 'statusCode', 'statusReason', 'time']) assert.ok(f in l.body, f);
      assert.equal(l.body.errorCode, 0);
      assert.equal(l.body.statusCode, 200);
      const token = String(obj(l.body.sessionInfo).cookieValue);
      assert.ok(token.length > 20);

      // GET with query parameters and differently-cased names works too
      const info = await client.gigya('accounts.getAccountInfo', { apikey: DEFAULT_GIGYA_API_KEY, login_token: token }, 'GET');
      assert.equal(info.body.errorCode, 0);
      assert.equal(obj(info.body.data).personId, sim.renault.personId);

      client.loginToken = token;
      const jwtBody = await client.mintJwt('900');
      assert.equal(jwtBody.errorCode, 0);
      const { header, payload } = decodeJwt(String(jwtBody.id_token));
      assert.equal(header.alg, 'HS256');
      assert.equal(payload.exp, Date.parse('2026-01-15T08:00:00Z') / 1000 + 900);
      assert.equal(payload.iat, Date.parse('2026-01-15T08:00:00Z') / 1000);
      assert.equal(payload['data.personId'], sim.renault.personId);
      assert.equal(typeof payload['data.gigyaDataCenter'], 'string');
      assert.equal(typeof payload.sub, 'string');

      assert.equal(sim.renault.stats.logins, 1);
      assert.equal(sim.renault.stats.getAccountInfo, 1);
      assert.equal(sim.renault.stats.getJwt, 1);
    });

    it('caps the JWT lifetime at jwtMaxLifetimeSec', async () => {
      await client.login();
      const body = await client.mintJwt('999999');
      const { payload } = decodeJwt(String(body.id_token));
      assert.equal(Number(payload.exp) - Number(payload.iat), 86_400);
    });

    it('answers 403042 (HTTP 200) for a wrong password, unknown user or wrong ApiKey', async () => {
      const cases = [
        { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: 'nope' },
        { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: 'nobody@example.com', password: DEMO_RENAULT_PASSWORD },
        { ApiKey: '3_outdated', loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD },
      ];
      for (const c of cases) {
        const r = await client.gigya('accounts.login', c);
        assert.equal(r.status, 200);
        assert.equal(r.body.errorCode, 403042);
        assert.equal(r.body.statusCode, 403);
        assert.equal(r.body.sessionInfo, undefined);
      }
      sim.renault.setPassword(DEMO_RENAULT_USER, 'n3w');
      const ok = await client.gigya('accounts.login', { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: 'n3w' });
      assert.equal(ok.body.errorCode, 0);
    });

    it('answers 403005 to getJWT once login tokens are revoked', async () => {
      await client.login();
      sim.renault.revokeLoginTokens();
      const body = await client.mintJwt();
      assert.equal(body.errorCode, 403005);
      assert.equal(body.statusCode, 403);
      const unknown = await client.gigya('accounts.getJWT', { ApiKey: DEFAULT_GIGYA_API_KEY, login_token: 'st2.s.madeup' });
      assert.equal(unknown.body.errorCode, 403005);
    });

    it('requires the e-mail TFA flow for a device it does not trust, then trusts that device (gmid) for 30 days', async () => {
      sim.renault.setTfa(DEMO_RENAULT_USER, true);
      const device = await client.bootstrap();
      assert.ok(device.gmid && device.ucid, 'gmid and ucid come as two cookies');
      const creds = { ApiKey: DEFAULT_GIGYA_API_KEY, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, gmid: device.gmid, ucid: device.ucid };
      const first = await client.gigya('accounts.login', creds);
      // The real answer's shape (renault-api issue #2132): HTTP 200, no cookie in sessionInfo.
      assert.equal(first.status, 200);
      assert.equal(first.body.errorCode, 403101);
      assert.equal(first.body.statusCode, 403);
      assert.equal(first.body.statusReason, 'Forbidden');
      assert.equal(first.body.errorMessage, 'Account Pending TFA Verification');
      assert.equal(first.body.errorDetails, 'Pending Two-Factor Authentication');
      assert.deepEqual(first.body.sessionInfo, { expires_in: '3600' });
      assert.equal(typeof first.body.UID, 'string');
      const regToken = String(first.body.regToken);
      assert.ok(regToken);

      const k = DEFAULT_GIGYA_API_KEY;
      const init = await client.gigya('accounts.tfa.initTFA', { ApiKey: k, regToken, provider: 'gigyaEmail', mode: 'verify', gmid: device.gmid });
      const gigyaAssertion = String(init.body.gigyaAssertion);
      assert.equal(decodeJwt(gigyaAssertion).payload.exp, Date.parse('2026-01-15T08:05:00Z') / 1000, 'the assertion lives 5 minutes');
      const emails = await client.gigya('accounts.tfa.email.getEmails', { ApiKey: k, gigyaAssertion });
      const list = emails.body.emails;
      assert.ok(Array.isArray(list));
      const email = obj(list[0]);
      assert.equal(email.obfuscated, 'd***@example.com');
      const sent = await client.gigya('accounts.tfa.email.sendVerificationCode', { ApiKey: k, gigyaAssertion, emailID: String(email.id), lang: 'en' });
      const phvToken = String(sent.body.phvToken);
      const code = sim.renault.lastTfaCode;
      assert.match(code ?? '', /^\d{6}$/);
      assert.equal(sim.renault.stats.codesSent, 1);

      const wrong = await client.gigya('accounts.tfa.email.completeVerification', { ApiKey: k, gigyaAssertion, phvToken, code: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.body.errorCode, 400006);
      assert.equal(wrong.body.errorDetails, 'Wrong verification code');
      const still = await client.gigya('accounts.login', creds);
      assert.equal(still.body.errorCode, 403101);

      const done = await client.gigya('accounts.tfa.email.completeVerification', { ApiKey: k, gigyaAssertion, phvToken, code: code ?? '' });
      assert.equal(done.body.errorCode, 0);
      const fin = await client.gigya('accounts.tfa.finalizeTFA', {
        ApiKey: k,
        regToken,
        gigyaAssertion,
        providerAssertion: String(done.body.providerAssertion),
        tempDevice: 'false',
        gmid: device.gmid,
      });
      assert.equal(fin.body.errorCode, 0);
      const ok = await client.gigya('accounts.login', creds);
      assert.equal(ok.body.errorCode, 0);
      assert.ok(obj(ok.body.sessionInfo).cookieValue);
      assert.deepEqual(sim.renault.trustedDevices(DEMO_RENAULT_USER).map((d) => d.gmid), [device.gmid]);

      // The trust is the device's: without it, or from another one, a code is asked again.
      const { gmid: _gmid, ucid: _ucid, ...bare } = creds;
      assert.equal((await client.gigya('accounts.login', bare)).body.errorCode, 403101);
      const other = await client.bootstrap();
      assert.equal((await client.gigya('accounts.login', { ...bare, gmid: other.gmid })).body.errorCode, 403101);
      // The gmid cookie counts as much as the form field; after 30 days the device needs a code again.
      assert.equal((await client.gigya('accounts.login', bare, 'POST', `gmid=${device.gmid}`)).body.errorCode, 0);
      await clock.advance(sim.renault.trustMs + 1000);
      assert.equal((await client.gigya('accounts.login', creds)).body.errorCode, 403101);
    });

    it('answers the two-factor errors with the real words: wrong code, too many tries, a lapsed assertion, no e-mail on file', async () => {
      sim.renault.setTfa(DEMO_RENAULT_USER, true);
      const k = DEFAULT_GIGYA_API_KEY;
      const start = async (): Promise<{ gigyaAssertion: string; emailId?: string }> => {
        const device = await client.bootstrap();
        const login = await client.gigya('accounts.login', { ApiKey: k, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, gmid: device.gmid });
        const init = await client.gigya('accounts.tfa.initTFA', { ApiKey: k, regToken: String(login.body.regToken), provider: 'gigyaEmail', mode: 'verify' });
        const gigyaAssertion = String(init.body.gigyaAssertion);
        const emails = (await client.gigya('accounts.tfa.email.getEmails', { ApiKey: k, gigyaAssertion })).body.emails as Json[];
        return { gigyaAssertion, ...(emails[0] ? { emailId: String(emails[0].id) } : {}) };
      };
      const a = await start();
      const phvToken = String((await client.gigya('accounts.tfa.email.sendVerificationCode', { ApiKey: k, gigyaAssertion: a.gigyaAssertion, emailID: a.emailId ?? '' })).body.phvToken);
      const code = sim.renault.lastTfaCode ?? '';
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        const r = await client.gigya('accounts.tfa.email.completeVerification', { ApiKey: k, gigyaAssertion: a.gigyaAssertion, phvToken, code: wrong });
        assert.deepEqual([r.body.errorCode, r.body.errorMessage, r.body.errorDetails], [400006, 'Invalid parameter value', 'Wrong verification code']);
      }
      const tooMany = await client.gigya('accounts.tfa.email.completeVerification', { ApiKey: k, gigyaAssertion: a.gigyaAssertion, phvToken, code });
      assert.equal(tooMany.body.errorDetails, 'Maximum allowed tries exceeded');

      const b = await start();
      const phv2 = String((await client.gigya('accounts.tfa.email.sendVerificationCode', { ApiKey: k, gigyaAssertion: b.gigyaAssertion, emailID: b.emailId ?? '' })).body.phvToken);
      await clock.advance(5 * 60_000 + 1000);
      const lapsed = await client.gigya('accounts.tfa.email.completeVerification', { ApiKey: k, gigyaAssertion: b.gigyaAssertion, phvToken: phv2, code: sim.renault.lastTfaCode ?? '' });
      assert.deepEqual([lapsed.body.errorCode, lapsed.body.errorDetails], [400006, 'Invalid jwt']);

      sim.renault.setTfaEmail(DEMO_RENAULT_USER, false);
      const c = await start();
      assert.equal(c.emailId, undefined, 'no e-mail on file: an empty list');
    });

    it('locks an account out (403120) after five wrong passwords, then even the right one is refused until the lock ends', async () => {
      const k = DEFAULT_GIGYA_API_KEY;
      for (let i = 0; i < 5; i++) assert.equal((await client.gigya('accounts.login', { ApiKey: k, loginID: DEMO_RENAULT_USER, password: 'nope' })).body.errorCode, 403042);
      const locked = await client.gigya('accounts.login', { ApiKey: k, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
      assert.equal(locked.status, 200);
      assert.deepEqual([locked.body.errorCode, locked.body.statusCode, locked.body.errorDetails], [403120, 403, 'Account temporarily locked out']);
      await clock.advance(30 * 60_000);
      assert.equal((await client.gigya('accounts.login', { ApiKey: k, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD })).body.errorCode, 0);
    });

    it("accepts renault-api's public keys (EU, LU, MX) as well as its own", async () => {
      for (const key of Object.values(PUBLIC_GIGYA_KEYS)) {
        const l = await client.gigya('accounts.login', { ApiKey: key, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
        assert.equal(l.body.errorCode, 0, key);
        assert.equal(obj(l.body.sessionInfo).cookieName, `gac_${key}`);
      }
      const own = await startSimulator({ clock, renault: { gigyaApiKey: '3_own', kamereonApiKey: 'own-k' } });
      try {
        const ownClient = new TestClient(own);
        assert.equal((await ownClient.gigya('accounts.login', { ApiKey: '3_own', loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD })).body.errorCode, 0);
        assert.equal((await ownClient.gigya('accounts.login', { ApiKey: PUBLIC_GIGYA_KEYS.lu, loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD })).body.errorCode, 0);
        assert.equal((await ownClient.gigya('accounts.login', { ApiKey: '3_other', loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD })).body.errorCode, 403042);
      } finally {
        await own.close();
      }
    });
  });

  describe('Kamereon', () => {
    beforeEach(async () => {
      await client.login();
    });

    it('walks persons -> vehicles -> battery-status', async () => {
      const person = await client.kam(`/commerce/v1/persons/${sim.renault.personId}`);
      assert.equal(person.status, 200);
      const accounts = obj(person.body).accounts;
      assert.ok(Array.isArray(accounts));
      const types = accounts.map((a) => obj(a).accountType).sort();
      assert.deepEqual(types, ['MYDACIA', 'MYRENAULT', 'SFDC']);

      const vehicles = await client.kam(`/commerce/v1/accounts/${myRenault}/vehicles`);
      assert.equal(vehicles.status, 200);
      const links = obj(vehicles.body).vehicleLinks;
      assert.ok(Array.isArray(links));
      const models = links.map((l) => obj(obj(obj(l).vehicleDetails).model).code);
      assert.deepEqual(models, ['X102VE', 'R5E1VE', 'XHN1SU', 'X101VE']);
      const zoe = obj(obj(links[0]).vehicleDetails);
      assert.equal(obj(zoe.energy).code, 'ELEC');
      assert.equal(zoe.engineEnergyType, 'ELEC');
      assert.equal(typeof zoe.registrationNumber, 'string');
      assert.ok(Array.isArray(zoe.assets));

      const dacia = await client.kam(`/commerce/v1/accounts/${myDacia}/vehicles`);
      const dl = obj(dacia.body).vehicleLinks;
      assert.ok(Array.isArray(dl));
      assert.equal(obj(dl[0]).brand, 'DACIA');
      const sfdc = await client.kam(`/commerce/v1/accounts/${sim.renault.accountIds.sfdc}/vehicles`);
      assert.deepEqual(obj(sfdc.body).vehicleLinks, []);

      const bat = await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'));
      assert.equal(bat.status, 200);
      const a = attrs(bat.body);
      assert.equal(a.batteryLevel, 47);
      assert.equal(a.plugStatus, 1);
      assert.equal(a.chargingStatus, 1);
      assert.equal(typeof a.timestamp, 'string');
      assert.equal(obj(obj(bat.body).data).id, VIN_ZE50);
      assert.equal(sim.renault.stats.kamereon, 5);
      assert.equal(sim.renault.stats.byEndpoint['battery-status'], 1);
      assert.equal(sim.renault.stats.byEndpoint['vehicles'], 3);
    });

    it('serves the other discovery documents and plain/bare-array shapes', async () => {
      const details = await client.kam(`/commerce/v1/accounts/${myRenault}/vehicles/${VIN_R5}/details`);
      assert.equal(obj(obj(details.body).model).code, 'R5E1VE');
      const contracts = await client.kam(`/commerce/v1/accounts/${myRenault}/vehicles/${VIN_R5}/contracts?locale=fr_FR&brand=RENAULT`);
      assert.ok(Array.isArray(contracts.body));
      const root = await client.kam(`/commerce/v1/accounts/${myRenault}/kamereon/kca/car-adapter/v2/cars/${VIN_ZE40}`);
      assert.equal(attrs(root.body).carGateway, 'GDC');
      const soc = await client.kam(kcm(VIN_R5, 'ev/soc-levels'));
      assert.deepEqual(Object.keys(obj(soc.body)).sort(), ['lastEnergyUpdateTimestamp', 'socMin', 'socTarget']);
      const alerts = await client.kam(`/commerce/v1/accounts/${myRenault}/kamereon/vehicles/${VIN_R5}/alerts`);
      assert.ok(Array.isArray(alerts.body));
      const r5bat = await client.kam(kca(VIN_R5, 'battery-status', 'v2'));
      assert.equal(obj(obj(r5bat.body).data).type, undefined, 'no data.type on 2025+ cars');
      const ze40bat = await client.kam(kca(VIN_ZE40, 'battery-status', 'v2'));
      assert.match(String(attrs(ze40bat.body).timestamp), /\+01:00$/);
    });

    it('rejects an expired JWT with 401 err.func.wired.unauthorized, and a wrong apikey with 403', async () => {
      const path = kca(VIN_ZE50, 'cockpit');
      assert.equal((await client.kam(path)).status, 200);
      await clock.advance(901_000);
      const expired = await client.kam(path);
      assert.equal(expired.status, 401);
      assert.equal(firstErrorCode(expired.body), 'err.func.wired.unauthorized');
      assert.equal(sim.renault.stats.rejected401, 1);
      await client.mintJwt();
      assert.equal((await client.kam(path)).status, 200);

      const garbage = await client.kam(path, { jwt: 'a.b.c' });
      assert.equal(garbage.status, 401);
      const badKey = await client.kam(path, { apikey: 'old-key' });
      assert.equal(badKey.status, 403);
      assert.deepEqual(badKey.body, { error: 'access_denied', error_description: 'Unauthorized' });
    });

    it('answers 404 err.func.wired.not-found for unknown paths and wrong versions', async () => {
      for (const p of [kca(VIN_ZE50, 'battery-status', 'v1'), kca(VIN_ZE50, 'cockpit', 'v2'), kca(VIN_ZE50, 'teleport'), '/commerce/v2/persons/x']) {
        const r = await client.kam(p);
        assert.equal(r.status, 404, p);
        assert.equal(firstErrorCode(r.body), 'err.func.wired.not-found');
      }
      const wrongActionVersion = await client.kam(kca(VIN_ZE50, 'actions/charge-schedule', 'v1'), { method: 'POST', body: {} });
      assert.equal(wrongActionVersion.status, 404);
      assert.equal(sim.renault.stats.byEndpoint['not-found'], 5);
    });

    it('applies the per-model capability table', async () => {
      const austral = await client.kam(kca(VIN_AUSTRAL, 'battery-status', 'v2'));
      assert.equal(austral.status, 404);
      assert.equal(firstErrorCode(austral.body), 'err.func.wired.notFound');
      const lock = await client.kam(kca(VIN_ZE50, 'lock-status'));
      assert.equal(lock.status, 403);
      assert.equal(firstErrorCode(lock.body), 'err.func.wired.forbidden');
      const r5charge = await client.kam(kca(VIN_R5, 'actions/charging-start'), {
        method: 'POST',
        body: { data: { type: 'ChargingStart', attributes: { action: 'start' } } },
      });
      assert.equal(r5charge.status, 403);
      assert.equal(firstErrorCode(r5charge.body), 'err.func.wired.forbidden');
      const ze40loc = await client.kam(kca(VIN_ZE40, 'location'));
      assert.equal(ze40loc.status, 404);
      const austral2 = await client.kam(kca(VIN_AUSTRAL, 'cockpit'));
      assert.equal(typeof attrs(austral2.body).fuelAutonomy, 'number');
      assert.equal(typeof attrs(austral2.body).fuelQuantity, 'number');
    });

    it('returns 429 err.func.wired.overloaded above the quota until the lockout ends', async () => {
      sim.renault.setQuota({ limit: 3, windowMs: 3_600_000, lockoutMs: 900_000 });
      const path = kca(VIN_ZE50, 'cockpit');
      for (let i = 0; i < 3; i++) assert.equal((await client.kam(path)).status, 200);
      const over = await client.kam(path);
      assert.equal(over.status, 429);
      assert.equal(firstErrorCode(over.body), 'err.func.wired.overloaded');
      await clock.advance(899_000);
      assert.equal((await client.kam(path)).status, 429);
      assert.equal(sim.renault.stats.rejected429, 2);
      // the other account has its own budget
      assert.equal((await client.kam(kca(VIN_SPRING, 'cockpit'))).status, 200);
      await clock.advance(1_000);
      await client.mintJwt();
      assert.equal((await client.kam(path)).status, 200);

      sim.renault.setQuota(false);
      for (let i = 0; i < 10; i++) assert.equal((await client.kam(path)).status, 200);
    });

    it('echoes an action at once and applies it after actionDelayMs, with a kmr notification', async () => {
      const before = attrs((await client.kam(kca(VIN_R5, 'hvac-status'))).body);
      assert.equal(before.hvacStatus, 'off');
      const body = { data: { type: 'HvacStart', attributes: { action: 'start', targetTemperature: 21.0 } } };
      const echo = await client.kam(kca(VIN_R5, 'actions/hvac-start'), { method: 'POST', body });
      assert.equal(echo.status, 200);
      const data = obj(obj(echo.body).data);
      assert.equal(data.type, 'HvacStart');
      assert.match(String(data.id), /^[0-9a-f-]{36}$/);
      assert.deepEqual(data.attributes, body.data.attributes);

      await clock.advance(14_000);
      assert.equal(attrs((await client.kam(kca(VIN_R5, 'hvac-status'))).body).hvacStatus, 'off');
      await clock.advance(1_000);
      const afterA = attrs((await client.kam(kca(VIN_R5, 'hvac-status'))).body);
      assert.equal(afterA.hvacStatus, 'on');
      assert.equal(afterA.lastUpdateTime, '2026-01-15T08:00:15Z');
      assert.notEqual(afterA.lastUpdateTime, before.lastUpdateTime);

      const n = await client.kam(`/commerce/v1/persons/${sim.renault.personId}/notifications/kmr?notificationId=${String(data.id)}`);
      assert.ok(Array.isArray(n.body));
      assert.equal(n.body.length, 1);
      const note = obj(n.body[0]);
      assert.equal(note.vin, VIN_R5);
      assert.equal(note.actionType, 'COMMAND_RESPONSE');
      assert.equal(obj(note.commandResponse).status, 'SUCCESS');
    });

    it('reproduces model no-ops (ZE50 hvac cancel, ZE40 charge stop) and 409001 for a repeated charge-mode', async () => {
      sim.renault.car(VIN_ZE50).hvacOn = true;
      const cancel = await client.kam(kca(VIN_ZE50, 'actions/hvac-start'), {
        method: 'POST',
        body: { data: { type: 'HvacStart', attributes: { action: 'cancel' } } },
      });
      assert.equal(cancel.status, 200);
      await clock.advance(15_000);
      assert.equal(attrs((await client.kam(kca(VIN_ZE50, 'hvac-status'))).body).hvacStatus, 'on');

      const ze40 = sim.renault.car(VIN_ZE40);
      ze40.charging = true;
      const stop = await client.kam(kca(VIN_ZE40, 'actions/charging-start'), {
        method: 'POST',
        body: { data: { type: 'ChargingStart', attributes: { action: 'stop' } } },
      });
      assert.equal(stop.status, 200);
      await clock.advance(15_000);
      assert.equal(attrs((await client.kam(kca(VIN_ZE40, 'battery-status', 'v2'))).body).chargingStatus, 1, 'ZE40 ignores charge stop');
      assert.ok(Number(attrs((await client.kam(kca(VIN_ZE40, 'battery-status', 'v2'))).body).chargingInstantaneousPower) > 1000, 'GDC reports W');
      const notes = await client.kam(`/commerce/v1/persons/${sim.renault.personId}/notifications/kmr?notificationId=${String(obj(obj(stop.body).data).id)}`);
      assert.ok(Array.isArray(notes.body));
      assert.equal(obj(obj(notes.body[0]).commandResponse).status, 'CREATED');

      const mode = { data: { type: 'ChargeMode', attributes: { action: 'schedule_mode' } } };
      assert.equal((await client.kam(kca(VIN_ZE50, 'actions/charge-mode'), { method: 'POST', body: mode })).status, 200);
      const again = await client.kam(kca(VIN_ZE50, 'actions/charge-mode'), { method: 'POST', body: mode });
      assert.equal(again.status, 409);
      assert.equal(firstErrorCode(again.body), '409001');
      await clock.advance(15_000);
      const settings = attrs((await client.kam(kca(VIN_ZE50, 'charging-settings'))).body);
      assert.equal(settings.mode, 'scheduled');
      // switching to the off-peak schedule at 08:00 UTC stops the charge
      assert.equal(attrs((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).body).chargingStatus, 0.1);
    });

    it('rejects invalid action input with err.func.400', async () => {
      const past = await client.kam(kca(VIN_R5, 'actions/hvac-start'), {
        method: 'POST',
        body: { data: { type: 'HvacStart', attributes: { action: 'start', targetTemperature: 21, startDateTime: '2026-01-15T07:00:00Z' } } },
      });
      assert.equal(past.status, 400);
      assert.equal(firstErrorCode(past.body), 'err.func.400');
      const soc = await client.kam(kcm(VIN_R5, 'ev/soc-levels'), { method: 'POST', body: { socMin: 20, socTarget: 90 } });
      assert.equal(soc.status, 200);
      assert.equal(obj(soc.body).type, 'SOC_SYNCH');
      await clock.advance(15_000);
      assert.equal(obj((await client.kam(kcm(VIN_R5, 'ev/soc-levels'))).body).socTarget, 90);
    });

    it('reproduces the 91/181 no-fix sentinel on refresh-location of a parked car', async () => {
      const r = await client.kam(kca(VIN_SPRING, 'actions/refresh-location'), { method: 'POST', body: { data: { type: 'RefreshLocation' } } });
      assert.equal(r.status, 200);
      assert.equal(obj(obj(r.body).data).attributes, undefined);
      await clock.advance(15_000);
      const loc = attrs((await client.kam(kca(VIN_SPRING, 'location'))).body);
      assert.equal(loc.gpsLatitude, 91);
      assert.equal(loc.gpsLongitude, 181);
      assert.equal(loc.lastUpdateTime, '2026-01-15T08:00:15Z');
    });

    it('injects faults once (or `times`) on matching paths', async () => {
      sim.renault.injectFault({ path: 'battery-status', kind: 'kamereon-proxy' });
      const cockpit = await client.kam(kca(VIN_ZE50, 'cockpit'));
      assert.equal(cockpit.status, 200, 'other paths unaffected');
      const proxy = await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'));
      assert.equal(proxy.status, 500);
      assert.equal(firstErrorCode(proxy.body), 'err.tech.wired.kamereon-proxy');
      assert.equal((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).status, 200);

      sim.renault.injectFault({ kind: 'bad-gateway', times: 2 });
      for (let i = 0; i < 2; i++) {
        const bg = await client.kam(kca(VIN_ZE50, 'cockpit'));
        assert.equal(bg.status, 502);
        assert.match(bg.contentType, /text\/html/);
        assert.equal(bg.body, undefined);
      }
      assert.equal((await client.kam(kca(VIN_ZE50, 'cockpit'))).status, 200);

      sim.renault.injectFault({ path: /battery-status$/, kind: 'stale' });
      const stale = attrs((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).body);
      assert.ok(Date.parse(String(stale.timestamp)) < clock.now() - 2 * 86_400_000);

      sim.renault.injectFault({ path: 'hvac-status', kind: 'missing-attributes' });
      const missing = await client.kam(kca(VIN_ZE50, 'hvac-status'));
      assert.equal(missing.status, 200);
      assert.equal(obj(obj(missing.body).data).attributes, undefined);

      sim.renault.injectFault({ kind: 'unauthorized' });
      assert.equal((await client.kam(kca(VIN_ZE50, 'cockpit'))).status, 401);
      sim.renault.injectFault({ kind: 'overloaded' });
      assert.equal((await client.kam(kca(VIN_ZE50, 'cockpit'))).status, 429);
      sim.renault.injectFault({ kind: 'in-progress' });
      assert.equal(firstErrorCode((await client.kam(kca(VIN_ZE50, 'cockpit'))).body), '409001');
      sim.renault.injectFault({ kind: 'privacy' });
      assert.equal(firstErrorCode((await client.kam(kca(VIN_ZE50, 'cockpit'))).body), 'err.func.privacy.on');
      sim.renault.injectFault({ kind: 'not-supported' });
      assert.equal((await client.kam(kca(VIN_ZE50, 'cockpit'))).status, 501);
      sim.renault.injectFault({ kind: 'invalid-upstream' });
      assert.equal(firstErrorCode((await client.kam(kca(VIN_ZE50, 'cockpit'))).body), 'err.tech.500');

      sim.renault.injectFault({ kind: 'hang' });
      await assert.rejects(client.kam(kca(VIN_ZE50, 'cockpit'), { signal: AbortSignal.timeout(200) }));
      assert.equal(sim.renault.pendingFaults, 0);
      assert.equal((await client.kam(kca(VIN_ZE50, 'cockpit'))).status, 200);
    });
  });

  describe('world', () => {
    beforeEach(async () => {
      await client.login();
    });

    it('charges the ZE50: SOC rises, ~7 kW, remaining time falls, stops at the target', async () => {
      const b0 = attrs((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).body);
      await clock.advance(3_600_000);
      await client.mintJwt();
      const b1 = attrs((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).body);
      assert.ok(Number(b1.batteryLevel) > Number(b0.batteryLevel) + 8, `${String(b0.batteryLevel)} -> ${String(b1.batteryLevel)}`);
      assert.ok(Number(b1.chargingRemainingTime) < Number(b0.chargingRemainingTime));
      assert.ok(Math.abs(Number(b1.chargingInstantaneousPower) - 7.2) < 0.5);
      assert.ok(Date.parse(String(b1.timestamp)) > Date.parse(String(b0.timestamp)));

      await clock.advance(6 * 3_600_000);
      await client.mintJwt();
      const b2 = attrs((await client.kam(kca(VIN_ZE50, 'battery-status', 'v2'))).body);
      assert.equal(b2.batteryLevel, 100);
      assert.equal(b2.chargingStatus, 0.2);
      const charges = await client.kam(`${kca(VIN_ZE50, 'charges')}?start=20260115&end=20260115`);
      const list = attrs(charges.body).charges;
      assert.ok(Array.isArray(list) && list.length === 1);
      assert.equal(obj(list[0]).chargeEndBatteryLevel, 100);
    });

    it('is deterministic for a given clock, however often it is read', async () => {
      const other = new ManualClock('2026-01-15T08:00:00Z');
      const twin = await startSimulator({ clock: other });
      try {
        for (let i = 0; i < 30; i++) {
          await clock.advance(60_000);
          void sim.renault.car(VIN_R5).soc; // sync this one every minute
        }
        await other.advance(30 * 60_000);
        for (const vin of sim.renault.vins) {
          const a = sim.renault.car(vin);
          const b = twin.renault.car(vin);
          assert.ok(Math.abs(a.soc - b.soc) < 1e-9, vin);
          assert.ok(Math.abs(a.mileageKm - b.mileageKm) < 1e-9, vin);
          assert.deepEqual(a.reportedPosition, b.reportedPosition);
        }
      } finally {
        await twin.close();
      }
    });

    it('drives the R5 loop: leaves home, commits location/cockpit at ignition-off, comes home', async () => {
      const car = sim.renault.car(VIN_R5);
      const loc0 = attrs((await client.kam(kca(VIN_R5, 'location'))).body);
      const km0 = Number(attrs((await client.kam(kca(VIN_R5, 'cockpit'))).body).totalMileage);
      const soc0 = car.soc;
      assert.equal(loc0.gpsLatitude, 48.8566);

      await clock.advance(20 * 60_000); // 12 min parked, then 8 min into the drive
      await client.mintJwt();
      assert.equal(car.driving, true);
      assert.notDeepEqual(car.position, { lat: 48.8566, lon: 2.3522 });
      const locDriving = attrs((await client.kam(kca(VIN_R5, 'location'))).body);
      assert.deepEqual(locDriving, loc0, 'location only moves at ignition-off');

      await clock.advance(20 * 60_000); // arrived at the office
      await client.mintJwt();
      assert.equal(car.driving, false);
      assert.equal(car.locked, true);
      const loc1 = attrs((await client.kam(kca(VIN_R5, 'location'))).body);
      const km1 = Number(attrs((await client.kam(kca(VIN_R5, 'cockpit'))).body).totalMileage);
      assert.ok(Math.abs(Number(loc1.gpsLatitude) - 48.8921) < 1e-6);
      assert.ok(km1 > km0 + 5);
      assert.ok(car.soc < soc0);
      assert.equal(loc1.lastUpdateTime, '2026-01-15T08:37:00Z');

      await clock.advance(4 * 3_600_000); // office -> market -> home
      await client.mintJwt();
      const loc2 = attrs((await client.kam(kca(VIN_R5, 'location'))).body);
      assert.equal(loc2.gpsLatitude, 48.8566);
      assert.equal(loc2.gpsLongitude, 2.3522);
    });

    it('drives the R5 to its next stop now when a script asks (the demo), in the minutes it names, and counts the reads per car', async () => {
      const car = sim.renault.car(VIN_R5);
      const km0 = Number(attrs((await client.kam(kca(VIN_R5, 'cockpit'))).body).totalMileage);
      assert.equal(sim.renault.stats.readsByVin[VIN_R5], 1, 'the cockpit read counted for the R5');
      assert.equal(sim.renault.stats.readsByVin[VIN_ZE50], undefined, 'and for no other car');
      assert.equal(sim.renault.car(VIN_ZE50).driveNow(10), false, 'a car without a loop stays');
      assert.equal(car.driveNow(10), true);
      assert.equal(car.driving, true);
      assert.equal(car.driveNow(10), false, 'not while driving');
      await clock.advance(9 * 60_000);
      assert.equal(car.driving, true, 'still on the way after 9 of 10 minutes');
      await clock.advance(60_000);
      await client.mintJwt();
      assert.equal(car.driving, false, 'parked after 10 minutes');
      const loc = attrs((await client.kam(kca(VIN_R5, 'location'))).body);
      assert.ok(Math.abs(Number(loc.gpsLatitude) - 48.8921) < 1e-6, 'at the office, the end of the loop\'s first drive');
      assert.ok(Number(attrs((await client.kam(kca(VIN_R5, 'cockpit'))).body).totalMileage) > km0 + 5);
      // The loop goes on from there: the office stop keeps its own length (120 min).
      await clock.advance(119 * 60_000);
      assert.equal(car.driving, false);
      await clock.advance(2 * 60_000);
      assert.equal(car.driving, true, 'leaves the office for the market');
    });

    it('lets tests read and set car state', async () => {
      const spring = sim.renault.car(VIN_SPRING);
      spring.soc = 20;
      spring.charging = true;
      assert.equal(spring.plugged, true);
      assert.equal(spring.charging, true);
      const b = attrs((await client.kam(kca(VIN_SPRING, 'battery-status', 'v2'))).body);
      assert.equal(b.batteryLevel, 20);
      assert.equal(b.chargingStatus, 1);
      spring.position = { lat: 48.85, lon: 2.35 };
      const loc = attrs((await client.kam(kca(VIN_SPRING, 'location'))).body);
      assert.equal(loc.gpsLatitude, 48.85);
      spring.locked = false;
      assert.equal(spring.locked, false);
      assert.throws(() => sim.renault.car('NOPE'));
    });
  });
});

describe('Renault simulator with time scale', () => {
  let sim: Simulator;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock('2026-01-15T08:00:00Z');
    sim = await startSimulator({ clock, timeScale: 30, renault: { quota: { limit: 1000, windowMs: 3_600_000, lockoutMs: 60_000 } } });
  });
  after(async () => {
    await sim.close();
  });

  it('runs the world 30x faster than the clock', async () => {
    const zoe = sim.renault.car(VIN_ZE50);
    const soc0 = zoe.soc;
    await clock.advance(120_000); // two clock minutes = one world hour
    assert.ok(zoe.soc - soc0 > 10 && zoe.soc - soc0 < 16, `${soc0} -> ${zoe.soc}`);
    assert.ok(zoe.reportedBattery.at > Date.parse('2026-01-15T08:01:00Z'));
  });
});
