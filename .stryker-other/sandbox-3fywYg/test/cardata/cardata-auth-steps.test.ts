// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CallBudget, CarError, HttpClient, ManualClock, REDACTED, redact, type HttpRequest, type HttpResponse } from '../../src/core';
import { ChallengeError, getProvider, type AnswerMemory, type PendingChallenge, type ProviderContext } from '../../src/brands';
import { cardataProvider, type CarDataAuthState } from '../../src/brands/cardata';
import { cardataAuth as auth, jwtClaims, pkcePair, REFRESH_TOKEN_LIFETIME_MS, type DeviceFlow } from '../../src/brands/cardata/auth';
import { jwtWith, recordingLogger, type RecordingLogger } from '../helpers';

/**
 * The CarData sign-in step by step, against scripted answers (shapes of test/fixtures/cardata, own values): each
 * request gets the next answer of the script, or the next error thrown.
 */
class ScriptedHttp extends HttpClient {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answers: Array<HttpResponse | Error>) {
    super();
  }
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const a = this.answers.shift();
    if (!a) throw new Error('no answer scripted');
    if (a instanceof Error) throw a;
    return a;
  }
}

const START = '2026-11-20T08:00:00Z';
const T0 = Date.parse(START);
const MEMORY_MS = 86_400_000;
let serial = 0;
/** A token no other test uses (the account's memory keeps events per refresh token). */
const unique = (what: string): string => `${what}-${Date.now()}-${++serial}-abcdefgh`;

function answer(status: number, body: unknown = '', retryAt?: number): HttpResponse {
  return { status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body), ...(retryAt !== undefined ? { retryAt } : {}) };
}

interface Rig {
  ctx: ProviderContext;
  http: ScriptedHttp;
  clock: ManualClock;
  log: RecordingLogger;
}

function rig(answers: Array<HttpResponse | Error>, at = START, auth = 'https://auth.test/', clientId = 'test-client-01', memory: AnswerMemory = new Map()): Rig {
  const clock = new ManualClock(at);
  const http = new ScriptedHttp(answers);
  const log = recordingLogger();
  const base = getProvider('cardata').resolveConfig({ provider: 'cardata', keys: { clientId: 'test-client-01' } });
  const config = { ...base, keys: { clientId }, servers: { ...base.servers, auth } };
  return { ctx: { config, http, clock, budget: new CallBudget({ ...cardataProvider.budget, clock }), log, memory, runtimeMemory: new Map() }, http, clock, log };
}

/** What a refused step must say: its code, its message, and the answer's status, code and retry time, or their absence. */
interface Refusal {
  code: string;
  message: RegExp;
  status?: number;
  transient: boolean;
  upstreamCode?: string;
  retryAt?: number;
}

function assertRefusal(e: CarError, want: Refusal, what: string): void {
  assert.equal(e.code, want.code, what);
  assert.match(e.message, want.message, what);
  assert.equal(e.status, want.status, what);
  assert.equal(e.transient, want.transient, what);
  assert.equal(e.upstreamCode, want.upstreamCode, what);
  assert.equal(e.retryAt, want.retryAt, what);
}

async function failure(p: Promise<unknown>): Promise<CarError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof CarError, `expected a CarError, got ${String(e)}`);
  return e;
}

async function challengeOf(p: Promise<unknown>): Promise<ChallengeError> {
  const e = await failure(p);
  assert.ok(e instanceof ChallengeError);
  return e;
}

const DEVICE = { device_code: 'dev-code-0123456789', user_code: 'AbCdEfGh', verification_uri: 'https://customer.test/oauth/device', expires_in: 300, interval: 5 };

function flow(over: Partial<DeviceFlow> = {}): PendingChallenge {
  const state: DeviceFlow = {
    clientId: 'test-client-01',
    authUrl: 'https://auth.test',
    deviceCode: unique('device'),
    codeVerifier: 'v'.repeat(86),
    userCode: 'AbCdEfGh',
    verificationUri: 'https://customer.test/oauth/device',
    expiresAt: T0 + 300_000,
    intervalMs: 5_000,
    ...over,
  };
  return { kind: 'device_code', prompt: 'p', userCode: state.userCode, expiresAt: state.expiresAt, pollMs: state.intervalMs, state };
}

function stateOf(over: Partial<CarDataAuthState> = {}): CarDataAuthState {
  return {
    clientId: 'test-client-01',
    gcid: 'gcid-previous',
    accessToken: unique('access'),
    accessExpiresAt: T0 + 3_600_000,
    idToken: jwtWith({ gcid: 'gcid-previous' }),
    idExpiresAt: T0 + 3_600_000,
    refreshToken: unique('refresh'),
    ...over,
  };
}

const TOKENS = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  access_token: unique('access'),
  refresh_token: unique('refresh'),
  id_token: jwtWith({ gcid: 'gcid-from-claims', exp: T0 / 1000 + 3_600 }),
  token_type: 'Bearer',
  expires_in: 3_600,
  scope: 'authenticate_user openid cardata:api:read cardata:streaming:read',
  ...over,
});

describe('CarData sign-in, step by step', () => {
  describe('PKCE and tokens read locally', () => {
    it('makes a verifier of 86 unreserved characters and its S256 challenge', () => {
      for (let i = 0; i < 20; i++) {
        const { verifier, challenge } = pkcePair();
        assert.match(verifier, /^[A-Za-z0-9._~-]{86}$/);
        assert.equal(challenge, createHash('sha256').update(verifier).digest('base64url'));
      }
    });

    it('reads the claims of a JWT only when its payload is a JSON object', () => {
      const payload = (text: string): string => `e30.${Buffer.from(text).toString('base64url')}.c2ln`;
      const table: Array<[string, Record<string, unknown> | undefined]> = [
        [jwtWith({ gcid: 'g-1', exp: 5 }), { gcid: 'g-1', exp: 5 }],
        [payload('{}'), {}],
        [payload('null'), undefined],
        [payload('5'), undefined],
        [payload('"text"'), undefined],
        [payload('true'), undefined],
        [payload('[1,2]'), undefined],
        [payload('{not json'), undefined],
        ['no-dots-at-all', undefined],
        ['head..sig', undefined],
      ];
      for (const [token, claims] of table) assert.deepEqual(jwtClaims(token), claims, token);
    });
  });

  describe('the device code request', () => {
    it('asks once at the auth server without its trailing slash, and shows the server interval and the whole link', async () => {
      const r = rig([answer(200, { ...DEVICE, verification_uri_complete: 'https://customer.test/oauth/device?user_code=AbCdEfGh', interval: 7 })]);
      const e = await challengeOf(auth.login(r.ctx));
      assert.equal(r.http.requests.length, 1);
      assert.equal(r.http.requests[0]?.url, 'https://auth.test/oauth/device/code');
      assert.equal(r.http.requests[0]?.retry, false, 'never retried: a second request makes a second code');
      assert.equal(e.challenge.hint, 'https://customer.test/oauth/device?user_code=AbCdEfGh');
      assert.equal(e.challenge.pollMs, 7_000);
      assert.equal(
        e.message,
        'Sign in to BMW CarData: open https://customer.test/oauth/device?user_code=AbCdEfGh and enter the code AbCdEfGh before 08:05 UTC; the plugin notices the confirmation by itself.',
      );
    });

    it('polls every 5 s when the server names no interval', async () => {
      const { interval: _interval, ...rest } = DEVICE;
      const r = rig([answer(200, rest)]);
      const e = await challengeOf(auth.login(r.ctx));
      assert.equal(e.challenge.pollMs, 5_000);
      assert.equal(e.challenge.hint, DEVICE.verification_uri);
    });

    it('refuses to start without a client id', async () => {
      const r = rig([], START, 'https://auth.test', '');
      const e = await failure(auth.login(r.ctx));
      assert.equal(e.code, 'BAD_INPUT');
      assert.equal(e.transient, false);
      assert.equal(e.message, 'keys.clientId: the BMW CarData client id is missing; create one in the MyBMW portal (CarData)');
      assert.equal(r.http.requests.length, 0);
    });

    it('says what each refusal of the device code request means', async () => {
      const table: Array<[HttpResponse, Refusal]> = [
        [answer(400, { error: 'invalid_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id \(HTTP 400 invalid_client on the device code request\)\. In the MyBMW portal/, status: 400, transient: false, upstreamCode: 'invalid_client' }],
        [answer(401, { error: 'unauthorized_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id \(HTTP 401 unauthorized_client on/, status: 401, transient: false, upstreamCode: 'unauthorized_client' }],
        [answer(403, ''), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id \(HTTP 403 on the device code request\)\. /, status: 403, transient: false }],
        [answer(500, 'oops'), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the device code request answered HTTP 500$/, status: 500, transient: true }],
        [answer(300, DEVICE), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the device code request answered HTTP 300$/, status: 300, transient: true }],
        [answer(199, DEVICE), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the device code request answered HTTP 199$/, status: 199, transient: true }],
        [answer(200, ''), { code: 'UPSTREAM', message: /^BMW CarData sign-in \(device code\): empty answer \(HTTP 200\)$/, status: 200, transient: true }],
      ];
      for (const [res, want] of table) {
        const e = await failure(auth.login(rig([res]).ctx));
        const what = `HTTP ${res.status} ${res.text}`;
        assert.equal(e instanceof ChallengeError, false, what);
        assertRefusal(e, want, what);
      }
      const shape = await failure(auth.login(rig([answer(200, { user_code: 'x' })]).ctx));
      assert.equal(shape.code, 'UPSTREAM');
      assert.equal(shape.message, 'BMW CarData sign-in: the device code answer has an unexpected shape');
    });
  });

  describe('the looks at the token endpoint', () => {
    it('says what each answer means for the code', async () => {
      const hint = /In the MyBMW portal \(CarData\), check that the client id/;
      const table: Array<[HttpResponse, Omit<Refusal, 'transient'>]> = [
        [answer(400, { error: 'authorization_pending' }), { code: 'BAD_INPUT', message: /^Not confirmed yet\. Sign in to BMW CarData: .* before 08:05 UTC/ }],
        [answer(199, { error: 'authorization_pending' }), { code: 'BAD_INPUT', message: /^Not confirmed yet\./ }],
        [answer(300, { error: 'authorization_pending' }), { code: 'BAD_INPUT', message: /^Not confirmed yet\./ }],
        [answer(403, ''), { code: 'BAD_INPUT', message: /^Not confirmed yet\./ }],
        [answer(400, { error: 'expired_token' }), { code: 'AUTH_FAILED', message: /^The BMW CarData code AbCdEfGh expired before it was confirmed \(expired_token\)/, upstreamCode: 'expired_token' }],
        [answer(400, { error: 'invalid_grant' }), { code: 'AUTH_FAILED', message: /^BMW CarData no longer accepts the code AbCdEfGh \(invalid_grant: it expired or was used\)\. Sign in again to get a new code\.$/, status: 400, upstreamCode: 'invalid_grant' }],
        [answer(400, { error: 'invalid_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id \(invalid_client\)\. In the MyBMW/, status: 400, upstreamCode: 'invalid_client' }],
        [answer(401, { error: 'unauthorized_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id \(unauthorized_client\)\. In the MyBMW/, status: 401, upstreamCode: 'unauthorized_client' }],
        [answer(400, { error: 'odd_error', error_description: 'Something odd' }), { code: 'AUTH_FAILED', message: /^BMW CarData sign-in failed \(HTTP 400 odd_error: Something odd\)$/, status: 400, upstreamCode: 'odd_error' }],
        [answer(400, { error: 'odd_error' }), { code: 'AUTH_FAILED', message: /^BMW CarData sign-in failed \(HTTP 400 odd_error\)$/, status: 400, upstreamCode: 'odd_error' }],
        [answer(404, 'not found'), { code: 'AUTH_FAILED', message: /^BMW CarData sign-in failed \(HTTP 404\)$/, status: 404 }],
        [answer(200, ''), { code: 'UPSTREAM', message: /^BMW CarData sign-in \(token\): empty answer \(HTTP 200\)$/, status: 200 }],
        [answer(200, { token_type: 'Bearer' }), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the token answer has an unexpected shape$/ }],
        [answer(200, TOKENS({ id_token: undefined })), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the token answer has no id_token$/ }],
        [answer(200, TOKENS({ refresh_token: undefined })), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the token answer has no refresh_token$/ }],
        [answer(200, TOKENS({ id_token: jwtWith({ exp: 1 }) })), { code: 'UPSTREAM', message: /^BMW CarData sign-in: the token answer names no account \(gcid\)$/ }],
      ];
      for (const [res, want] of table) {
        const e = await failure(auth.completeSecondFactor(rig([res]).ctx, flow()));
        const what = `HTTP ${res.status} ${res.text}`;
        assertRefusal(e, { ...want, transient: want.code === 'UPSTREAM' }, what);
        if (want.code === 'AUTH_FAILED' && /client id/.test(e.message)) assert.match(e.message, hint, what);
      }
    });

    it('after a 500 names the fault it saw when the code is then refused; a bare 403 is no fault', async () => {
      const pending = flow();
      const r = rig([answer(500, 'gateway'), answer(403, { error: 'access_denied' })]);
      await r.clock.advance(90_000);
      assert.equal((await failure(auth.completeSecondFactor(r.ctx, pending))).code, 'BAD_INPUT');
      assert.deepEqual(r.log.at('debug'), ['BMW CarData sign-in: token endpoint answered HTTP 500; the code still waits']);
      const e = await failure(auth.completeSecondFactor(r.ctx, pending));
      assert.match(e.message, /^BMW CarData failed on its side right after the code AbCdEfGh was confirmed \(HTTP 500 at 08:01 UTC\), then refused it \(access_denied\)/);

      const other = flow();
      const q = rig([answer(403, ''), answer(403, { error: 'access_denied' })]);
      assert.equal((await failure(auth.completeSecondFactor(q.ctx, other))).code, 'BAD_INPUT');
      assert.deepEqual(q.log.lines, []);
      const declined = await failure(auth.completeSecondFactor(q.ctx, other));
      assert.match(declined.message, /^BMW CarData sign-in was declined \(access_denied\)/);
    });

    it('refuses a flow of another kind, for good', async () => {
      const e = await failure(auth.completeSecondFactor(rig([]).ctx, { ...flow(), kind: 'code' }));
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.transient, false);
      assert.match(e.message, /^The BMW CarData sign-in in progress is unreadable/);
    });

    it('takes the account from the answer first, and warns once per missing scope', async () => {
      const table: Array<[Record<string, unknown>, string, string[]]> = [
        [TOKENS({ gcid: 'gcid-in-answer' }), 'gcid-in-answer', []],
        [TOKENS(), 'gcid-from-claims', []],
        [TOKENS({ scope: undefined, id_token: jwtWith({ sub: 'sub-only' }) }), 'sub-only', []],
        [TOKENS({ scope: 'openid cardata:api:read' }), 'gcid-from-claims', ['BMW CarData: the token lacks the streaming scope; the live stream will not work. In the MyBMW portal']],
        [TOKENS({ scope: 'openid cardata:streaming:read' }), 'gcid-from-claims', ['BMW CarData: the token lacks the CarData API scope; REST reads will fail (CU-103). In the MyBMW portal']],
      ];
      for (const [body, gcid, warns] of table) {
        const r = rig([answer(200, body)]);
        const s = await auth.completeSecondFactor(r.ctx, flow());
        assert.equal(s.gcid, gcid);
        const got = r.log.at('warn');
        assert.equal(got.length, warns.length, JSON.stringify(got));
        warns.forEach((w, i) => assert.ok(got[i]?.startsWith(w), got[i]));
        // Every token is a secret from the moment it arrives.
        for (const t of [s.accessToken, s.idToken, s.refreshToken]) assert.equal(redact(`x ${t} y`), `x ${REDACTED} y`);
      }
    });

    it('gives the id_token an hour when its expiry cannot be read', async () => {
      const r = rig([answer(200, TOKENS({ id_token: jwtWith({ gcid: 'g' }) }))]);
      const s = await auth.completeSecondFactor(r.ctx, flow());
      assert.equal(s.idExpiresAt, T0 + 3_600_000);
      assert.equal(s.refreshExpiresAt, T0 + REFRESH_TOKEN_LIFETIME_MS);
    });
  });

  describe('the refresh', () => {
    it('keeps the end and the scope of the refresh token it keeps', async () => {
      const previous = stateOf({ refreshExpiresAt: T0 + 1_000_000, scope: 'openid cardata:api:read cardata:streaming:read' });
      const r = rig([answer(200, { access_token: unique('access'), expires_in: 3_600 })]);
      const s = await auth.refresh(r.ctx, previous);
      assert.equal(s.refreshToken, previous.refreshToken);
      assert.equal(s.refreshExpiresAt, T0 + 1_000_000);
      assert.equal(s.scope, 'openid cardata:api:read cardata:streaming:read');
      assert.equal(r.http.requests[0]?.url, 'https://auth.test/oauth/token');
      assert.equal(r.http.requests[0]?.retry, false);
    });

    it('renews when the first of the access and id tokens runs out', () => {
      assert.equal(auth.accessExpiresAt(stateOf({ accessExpiresAt: T0 + 10, idExpiresAt: T0 + 5 })), T0 + 5);
      assert.equal(auth.accessExpiresAt(stateOf({ accessExpiresAt: T0 + 5, idExpiresAt: T0 + 10 })), T0 + 5);
    });

    it('needs a new device code from the very millisecond the refresh token runs out, without asking BMW', async () => {
      const r = rig([]);
      const e = await failure(auth.refresh(r.ctx, stateOf({ refreshExpiresAt: T0 })));
      assert.equal(e.code, 'AUTH_FAILED');
      assert.equal(e.transient, false);
      assert.equal(e.upstreamCode, 'refresh_token_expired');
      assert.match(e.message, /^The BMW CarData refresh token ran out on 2026-11-20 08:00 UTC \(it lives 14 days/);
      assert.equal(r.http.requests.length, 0);
    });

    it('says what each refusal of the refresh means', async () => {
      const table: Array<[HttpResponse, Refusal]> = [
        [answer(400, { error: 'invalid_request' }), { code: 'AUTH_FAILED', message: /^BMW CarData no longer accepts the refresh token \(HTTP 400 invalid_request\)\. It ran out \(14 days without a refresh\), a newer one replaced it/, status: 400, transient: false, upstreamCode: 'invalid_request' }],
        [answer(400, { error: 'invalid_grant' }), { code: 'AUTH_FAILED', message: /^BMW CarData no longer accepts the refresh token \(HTTP 400 invalid_grant\)\. It ran out/, status: 400, transient: false, upstreamCode: 'invalid_grant' }],
        [answer(401, { error: 'invalid_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id on the token refresh \(HTTP 401 invalid_client\)\. In the MyBMW/, status: 401, transient: false, upstreamCode: 'invalid_client' }],
        [answer(400, { error: 'unauthorized_client' }), { code: 'AUTH_FAILED', message: /^BMW refused the CarData client id on the token refresh \(HTTP 400 unauthorized_client\)/, status: 400, transient: false, upstreamCode: 'unauthorized_client' }],
        [answer(429, { error: 'slow_down' }, T0 + 60_000), { code: 'RATE_LIMITED', message: /^BMW CarData token refresh: too many requests \(HTTP 429 slow_down\); the tokens are kept/, status: 429, transient: true, upstreamCode: 'slow_down', retryAt: T0 + 60_000 }],
        [answer(502, { error: 'server_error' }), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 502 server_error; the tokens are kept/, status: 502, transient: true, upstreamCode: 'server_error' }],
        [answer(503, '<html>down</html>', T0 + 5_000), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 503 with an HTML page; the tokens/, status: 503, transient: true, retryAt: T0 + 5_000 }],
        [answer(503, ' \n <html>down</html>'), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 503 with an HTML page; the tokens/, status: 503, transient: true }],
        [answer(503, 'down <b>now</b>'), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 503; the tokens/, status: 503, transient: true }],
        [answer(199, ''), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 199; the tokens/, status: 199, transient: true }],
        [answer(300, ''), { code: 'UPSTREAM', message: /^BMW CarData token refresh: HTTP 300; the tokens/, status: 300, transient: true }],
        [answer(200, ''), { code: 'UPSTREAM', message: /^BMW CarData token refresh: empty answer \(HTTP 200\)$/, status: 200, transient: true }],
      ];
      for (const [res, want] of table) {
        const e = await failure(auth.refresh(rig([res]).ctx, stateOf()));
        const what = `HTTP ${res.status} ${res.text}`;
        assertRefusal(e, want, what);
      }
      const shape = await failure(auth.refresh(rig([answer(200, { token_type: 'Bearer' })]).ctx, stateOf()));
      assert.equal(shape.message, 'BMW CarData token refresh: the answer has an unexpected shape');
    });

    it('keeps the tokens on a broken connection or a timeout, and names it when the refresh token is then refused', async () => {
      const table: Array<[CarError, string, string]> = [
        [new CarError('NETWORK', 'socket hang up', { retryAt: T0 + 30_000 }), 'NETWORK', 'its connection broke'],
        [new CarError('TIMEOUT', 'no answer in 30 s'), 'TIMEOUT', 'it got no answer'],
      ];
      for (const [thrown, code, what] of table) {
        const state = stateOf();
        const r = rig([thrown, answer(400, { error: 'invalid_request' })]);
        const e = await failure(auth.refresh(r.ctx, state));
        assert.equal(e.code, code);
        assert.equal(e.retryAt, thrown.retryAt);
        assert.equal(e.message, `BMW CarData token refresh: ${thrown.message}; the tokens are kept and the refresh is tried again later`);
        await r.clock.advance(60_000);
        const dead = await failure(auth.refresh(r.ctx, state));
        assert.match(dead.message, new RegExp(`An earlier refresh at 08:00 UTC went unanswered \\(${what}\\): BMW most likely took`));
      }
    });

    it('remembers a 500 of the refresh, not a 4xx, as a possibly lost answer', async () => {
      const table: Array<[number, boolean]> = [
        [500, true],
        [502, true],
        [418, false],
        [499, false],
      ];
      for (const [status, remembered] of table) {
        const state = stateOf();
        const r = rig([answer(status, ''), answer(400, { error: 'invalid_grant' })]);
        await failure(auth.refresh(r.ctx, state));
        const dead = await failure(auth.refresh(r.ctx, state));
        if (remembered) assert.match(dead.message, new RegExp(`An earlier refresh at 08:00 UTC went unanswered \\(it got HTTP ${status}\\)`), String(status));
        else assert.match(dead.message, /\(HTTP 400 invalid_grant\)\. It ran out/, String(status));
      }
    });

    it("keeps a lost refresh answer in its account's memory only: another account's session knows nothing of it", async () => {
      const first = stateOf();
      const memory: AnswerMemory = new Map();
      const a = rig([new CarError('NETWORK', 'reset'), answer(400, { error: 'invalid_grant' })], START, undefined, undefined, memory);
      await failure(auth.refresh(a.ctx, first));
      assert.equal(memory.size, 1, 'one event remembered');
      assert.ok(![...memory.keys()].some((k) => k.includes(first.refreshToken)), 'keyed by a hash, never the token');
      const other = rig([answer(400, { error: 'invalid_grant' })]);
      assert.doesNotMatch((await failure(auth.refresh(other.ctx, first))).message, /An earlier refresh/);
      assert.match((await failure(auth.refresh(a.ctx, first))).message, /An earlier refresh at .* went unanswered/);
    });

    it('forgets a lost refresh answer after a day, or when the clock went back before it', async () => {
      // The gap between the lost answer of the first token and one of another token, and whether the first is remembered.
      const table: Array<[number, boolean]> = [
        [-1, false],
        [0, true],
        [3_600_000, true],
        [MEMORY_MS, true],
        [MEMORY_MS + 1, false],
      ];
      for (const [gap, kept] of table) {
        const first = stateOf();
        const at = T0 + 10 * MEMORY_MS * ++serial;
        // One account: the lost answer of another token, later, clears what is older than a day.
        const memory: AnswerMemory = new Map();
        const a = rig([new CarError('NETWORK', 'reset'), answer(400, { error: 'invalid_grant' })], new Date(at).toISOString(), undefined, undefined, memory);
        await failure(auth.refresh(a.ctx, first));
        const b = rig([new CarError('NETWORK', 'reset')], new Date(at + gap).toISOString(), undefined, undefined, memory);
        await failure(auth.refresh(b.ctx, stateOf()));
        const dead = await failure(auth.refresh(a.ctx, first));
        assert.equal(/An earlier refresh at/.test(dead.message), kept, `gap ${gap}: ${dead.message}`);
      }
    });
  });
});
