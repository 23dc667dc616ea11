/**
 * What each Gigya answer becomes in the Renault sign-in (src/brands/renault/auth.ts): the error a flow's Catch node
 * sees (code, words, upstream code, transient), the state kept, and the requests made. The answers are the recorded
 * ones of test/fixtures/renault/gigya where there is one (renault-api's fixtures, renault-api #2132 for 403101);
 * the others are written from them, one field changed.
 */
// @ts-nocheck

import { after, before, beforeEach, describe, it } from 'mocha';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallBudget, CarError, HttpClient, ManualClock, type Logger } from '../../src/core';
import { getProvider, type AccountConfig } from '../../src/brands';
import { ChallengeError, type PendingChallenge, type ProviderContext } from '../../src/brands/provider';
import { deviceOf, jwtClaims, parseGigya, renaultAuth, type RenaultAuthState } from '../../src/brands/renault/auth';
import { GigyaJwtSchema, GigyaLoginSchema } from '../../src/brands/renault/schemas';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { jwtWith, recordingLogger } from '../helpers';
import { renaultWorldEach, rejection } from '../renault-session';
import { readRenaultJson } from './fixtures';

type Body = Record<string, unknown>;
const recorded = async (...parts: string[]): Promise<Body> => (await readRenaultJson('gigya', ...parts)) as Body;

/** The HTTP clients the contexts opened, closed after each suite that opens them. */
const opened: HttpClient[] = [];
async function closeOpened(): Promise<void> {
  for (const c of opened.splice(0)) await c.close();
}

/** A provider context on the given Gigya server, with the lines logged. */
function contextFor(gigya: string, clock: ManualClock, config: Partial<AccountConfig> = {}, log: Logger = recordingLogger()): ProviderContext {
  const base = getProvider('renault').resolveConfig({ provider: 'renault', locale: 'fr_FR', username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, servers: { gigya, kamereon: gigya } });
  // No retries: a sign-in step is asked once, and no pause waits on the manual clock.
  const client = new HttpClient({ clock, retries: 0 });
  opened.push(client);
  return {
    config: { ...base, ...config },
    http: client,
    clock,
    budget: new CallBudget({ limit: 60, windowMs: 3_600_000, clock }),
    memory: new Map(),
    runtimeMemory: new Map(),
    log,
  };
}

/** What an error is, in the terms a flow sees it. */
function seen(e: unknown): { code: string; message: string; transient: boolean; upstreamCode: string | undefined } {
  assert.ok(e instanceof CarError, `expected a CarError, got ${String(e)}`);
  return { code: e.code, message: e.message, transient: e.transient, upstreamCode: e.upstreamCode };
}

describe('Renault sign-in: what each Gigya error answer becomes (auth.ts)', () => {
  it('maps every error code to the error a flow sees, with its words, upstream code and whether it passes', async () => {
    const jwt403048 = await recorded('error', 'get_jwt.403048.json');
    const CASES: [string, 'accounts.login' | 'accounts.getJWT', Body, { code: string; message: string; transient: boolean; upstreamCode: string }][] = [
      [
        'wrong password (recorded)',
        'accounts.login',
        await recorded('error', 'login.403042.json'),
        {
          code: 'AUTH_FAILED',
          message:
            'Renault refused the e-mail address or password (Gigya 403042). Check them in the MyRenault app (the app account, not the website one). If they are right, Renault may have rotated its Gigya key: set the current one under Advanced.',
          transient: false,
          upstreamCode: '403042',
        },
      ],
      [
        'two-factor asked without a regToken',
        'accounts.login',
        { errorCode: 403101, statusCode: 403, errorDetails: 'Pending Two-Factor Authentication' },
        {
          code: 'TFA_REQUIRED',
          message: 'Renault asks for a two-factor code for this account (Gigya 403101) but gave nothing to start it with; sign in once in the MyRenault app, then press "Sign in again".',
          transient: false,
          upstreamCode: '403101',
        },
      ],
      ['dead login token (recorded)', 'accounts.getJWT', await recorded('error', 'get_jwt.403005.json'), { code: 'AUTH_FAILED', message: 'The Renault sign-in has expired (Gigya 403005: Unauthorized user); signing in again.', transient: false, upstreamCode: '403005' }],
      ['unverified user (recorded)', 'accounts.getJWT', await recorded('error', 'get_jwt.403013.json'), { code: 'AUTH_FAILED', message: 'The Renault sign-in has expired (Gigya 403013: Unverified user); signing in again.', transient: false, upstreamCode: '403013' }],
      [
        'rate limit (recorded: 403048 and HTTP 429)',
        'accounts.getJWT',
        jwt403048,
        { code: 'RATE_LIMITED', message: "Renault's sign-in service asks to slow down (accounts.getJWT, Gigya 403048: API rate limit exceeded); trying again later", transient: true, upstreamCode: '403048' },
      ],
      // Either sign is enough: the code without the 429, or a 429 with another code.
      ['rate limit: 403048 alone', 'accounts.getJWT', { ...jwt403048, statusCode: 403 }, { code: 'RATE_LIMITED', message: "Renault's sign-in service asks to slow down (accounts.getJWT, Gigya 403048: API rate limit exceeded); trying again later", transient: true, upstreamCode: '403048' }],
      ['rate limit: HTTP 429 alone', 'accounts.login', { errorCode: 400001, statusCode: 429, errorDetails: 'Too many requests' }, { code: 'RATE_LIMITED', message: "Renault's sign-in service asks to slow down (accounts.login, Gigya 400001: Too many requests); trying again later", transient: true, upstreamCode: '400001' }],
      ['server error 500001', 'accounts.getJWT', { errorCode: 500001, statusCode: 500, errorDetails: 'General Server Error' }, { code: 'UPSTREAM', message: 'Renault sign-in service error (accounts.getJWT, Gigya 500001: General Server Error)', transient: true, upstreamCode: '500001' }],
      ['server error: 500000 without a status', 'accounts.login', { errorCode: 500000, errorMessage: 'General Server Error' }, { code: 'UPSTREAM', message: 'Renault sign-in service error (accounts.login, Gigya 500000: General Server Error)', transient: true, upstreamCode: '500000' }],
      ['server error: HTTP 500 with a 4xx code', 'accounts.login', { errorCode: 400006, statusCode: 500, errorDetails: 'Internal' }, { code: 'UPSTREAM', message: 'Renault sign-in service error (accounts.login, Gigya 400006: Internal)', transient: true, upstreamCode: '400006' }],
      ['another refusal of the login', 'accounts.login', { errorCode: 400006, statusCode: 400, errorDetails: 'Invalid parameter value' }, { code: 'AUTH_FAILED', message: 'Renault sign-in failed (accounts.login, Gigya 400006: Invalid parameter value)', transient: false, upstreamCode: '400006' }],
      // Not 403005/403013: the login token is kept, and a later try may work (UPSTREAM passes).
      ['another refusal of getJWT', 'accounts.getJWT', { errorCode: 400006, statusCode: 400, errorMessage: 'Invalid parameter value' }, { code: 'UPSTREAM', message: 'Renault sign-in service refused accounts.getJWT (Gigya 400006: Invalid parameter value)', transient: true, upstreamCode: '400006' }],
    ];
    for (const [name, method, body, expected] of CASES) {
      const schema = method === 'accounts.login' ? GigyaLoginSchema : GigyaJwtSchema;
      let thrown: unknown;
      try {
        parseGigya(schema, method, body);
      } catch (e) {
        thrown = e;
      }
      assert.deepEqual(seen(thrown), expected, name);
      assert.ok(!(thrown instanceof ChallengeError), `${name}: no challenge to answer`);
    }
  });

  it('turns a 403101 or 403102 with a regToken into a code challenge carrying the login device', async () => {
    const body = await recorded('error', 'login.403101.json');
    for (const [errorCode, device] of [
      [403101, undefined],
      [403102, { gmid: 'gmid-1', ucid: 'ucid-1' }],
    ] as const) {
      let thrown: unknown;
      try {
        parseGigya(GigyaLoginSchema, 'accounts.login', { ...body, errorCode }, device);
      } catch (e) {
        thrown = e;
      }
      assert.ok(thrown instanceof ChallengeError, String(errorCode));
      assert.equal(thrown.code, 'TFA_REQUIRED');
      assert.equal(thrown.upstreamCode, String(errorCode));
      assert.equal(thrown.needsUserAction, true);
      assert.equal(thrown.message, `Renault asks for a sign-in code sent by e-mail for this account (Gigya ${errorCode}: this device is not trusted, or its 30 days of trust ran out).`);
      assert.deepEqual(thrown.challenge, { kind: 'code', prompt: 'Renault asks for a sign-in code sent by e-mail', state: { regToken: body.regToken, ...(device ?? {}) } });
    }
  });
});

describe('Renault sign-in: the state kept (auth.ts)', () => {
  it('reads the device ids of a state, with the ucid when there is one', () => {
    assert.deepEqual(deviceOf({ gmid: 'g', ucid: 'u' }), { gmid: 'g', ucid: 'u' });
    assert.deepEqual(deviceOf({ gmid: 'g', ucid: '' }), { gmid: 'g' });
    assert.deepEqual(deviceOf({ gmid: 'g' }), { gmid: 'g' });
    assert.equal(deviceOf({ gmid: '', ucid: 'u' }), undefined);
    assert.equal(deviceOf(undefined), undefined);
  });

  it('keeps only the person and the device ids after a sign-in that failed for good, and nothing of a token sign-in', () => {
    const retain = renaultAuth.retain;
    assert.ok(retain);
    const CASES: [RenaultAuthState, RenaultAuthState | undefined][] = [
      [{ personId: 'p1', loginToken: 'lt', jwt: 'j', jwtExpiresAt: 1, gmid: 'g', ucid: 'u' }, { personId: 'p1', gmid: 'g', ucid: 'u' }],
      [{ personId: 'p1', loginToken: 'lt', jwt: 'j' }, undefined],
      [{ personId: '', accountId: 'acc-1', jwt: 'j', gmid: 'g' }, undefined],
      [{ personId: '', accountId: 'acc-1', jwt: 'j' }, undefined],
    ];
    for (const [state, kept] of CASES) assert.deepEqual(retain(state), kept, JSON.stringify(state));
  });

  it('reads a JWT payload only when it is a JSON object', () => {
    assert.deepEqual(jwtClaims(jwtWith({ exp: 5, 'data.personId': 'p' })), { exp: 5, 'data.personId': 'p' });
    for (const payload of [[1, 2], 5, 'text', null, true]) assert.equal(jwtClaims(jwtWith(payload)), undefined, JSON.stringify(payload));
    assert.equal(jwtClaims('test-header.test-payload.test-signature'), undefined, 'the recorded get_jwt.json token is no JSON');
    assert.equal(jwtClaims('no-dots'), undefined);
  });
});

describe('Renault token sign-in: the pasted JWT (auth.ts)', () => {
  after(closeOpened);
  const clock = new ManualClock('2026-11-20T08:00:00Z');
  const nowS = Math.floor(clock.now() / 1000);
  const login = (config: Partial<AccountConfig>, previous?: RenaultAuthState): Promise<RenaultAuthState> =>
    renaultAuth.login(contextFor('http://127.0.0.1:9', clock, { authMode: 'token', username: undefined, password: undefined, ...config }), previous);

  it('keeps the token and the account as pasted without the blanks around them, and the person the token names', async () => {
    const jwt = jwtWith({ exp: nowS + 3600, 'data.personId': 'person-7' });
    assert.deepEqual(await login({ accessToken: ` ${jwt}\n`, accountId: ' acc-123 ' }), { personId: 'person-7', accountId: 'acc-123', jwt, jwtExpiresAt: (nowS + 3600) * 1000 });
    const anonymous = jwtWith({ exp: nowS + 3600 });
    assert.deepEqual(await login({ accessToken: anonymous, accountId: 'acc-123' }), { personId: '', accountId: 'acc-123', jwt: anonymous, jwtExpiresAt: (nowS + 3600) * 1000 });
  });

  it('stops with words saying what is wrong with the token or the account id', async () => {
    const valid = jwtWith({ exp: nowS + 3600 });
    const notJwt = { code: 'AUTH_FAILED', message: 'The pasted token is not a JWT with an expiry; paste the token again (without quotes or "Bearer").', transient: false, upstreamCode: undefined };
    const noAccount = { code: 'AUTH_FAILED', message: 'The token sign-in needs the Kamereon account id the token belongs to.', transient: false, upstreamCode: undefined };
    const CASES: [string, Partial<AccountConfig>, RenaultAuthState | undefined, ReturnType<typeof seen>][] = [
      ['no token', { accessToken: undefined, accountId: 'acc-123' }, undefined, notJwt],
      ['a token without an expiry', { accessToken: jwtWith({ sub: 'x' }), accountId: 'acc-123' }, undefined, notJwt],
      ['no account id', { accessToken: valid, accountId: undefined }, undefined, noAccount],
      ['a blank account id', { accessToken: valid, accountId: '   ' }, undefined, noAccount],
      [
        'expired a minute ago',
        { accessToken: jwtWith({ exp: nowS - 60 }), accountId: 'acc-123' },
        undefined,
        { code: 'AUTH_FAILED', message: 'The pasted token expired at 2026-11-20T07:59:00Z; paste a new one in the account node.', transient: false, upstreamCode: undefined },
      ],
      // Asked again for the same token: within 5 minutes of its end it is said to expire, else refused.
      ...([60, 300].map((left) => [
        `asked again ${left} s before it expires`,
        { accessToken: jwtWith({ exp: nowS + left }), accountId: 'acc-123' },
        { personId: '', accountId: 'acc-123', jwt: jwtWith({ exp: nowS + left }) },
        { code: 'AUTH_FAILED', message: `The pasted token expires at ${new Date((nowS + left) * 1000).toISOString().replace('.000Z', 'Z')}; paste a new one in the account node.`, transient: false, upstreamCode: undefined },
      ]) as [string, Partial<AccountConfig>, RenaultAuthState, ReturnType<typeof seen>][]),
      [
        'asked again 301 s before it expires',
        { accessToken: jwtWith({ exp: nowS + 301 }), accountId: 'acc-123' },
        { personId: '', accountId: 'acc-123', jwt: jwtWith({ exp: nowS + 301 }) },
        {
          code: 'AUTH_FAILED',
          message: 'Renault refused the pasted token (valid until 2026-11-20T08:05:01Z): it may belong to another account or have been revoked; paste a new one in the account node.',
          transient: false,
          upstreamCode: undefined,
        },
      ],
    ];
    for (const [name, config, previous, expected] of CASES) assert.deepEqual(seen(await login(config, previous).catch((e: unknown) => e)), expected, name);
  });
});

describe('Renault password sign-in on recorded Gigya answers (auth.ts)', () => {
  const clock = new ManualClock('2026-11-20T08:00:00Z');
  let server: http.Server;
  let url = '';
  /** The answer of each method, and the forms the client sent, in order. */
  let answers: Record<string, Body> = {};
  let calls: { method: string; form: Record<string, string> }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\//, '');
        calls.push({ method, form: Object.fromEntries(new URLSearchParams(text)) });
        res.writeHead(200, { 'content-type': 'text/javascript;charset=utf-8' });
        res.end(JSON.stringify(answers[method] ?? { errorCode: 403007, statusCode: 403, errorDetails: `no answer for ${method}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await closeOpened();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(async () => {
    answers = {
      'accounts.login': await recorded('login.json'),
      'accounts.getAccountInfo': await recorded('get_account_info.json'),
      'accounts.getJWT': await recorded('get_jwt.json'),
    };
    calls = [];
  });

  it('asks the person with the login token when the login has no data, and gives a JWT it cannot read 900 s', async () => {
    // The recorded login was asked without include: it has no data.personId; the recorded JWT is no readable JWT.
    const state = await renaultAuth.login(contextFor(url, clock), { personId: 'old', gmid: 'gmid-1', ucid: 'ucid-1' });
    assert.deepEqual(state, {
      loginToken: 'test-login-token',
      personId: 'person-test-1',
      gmid: 'gmid-1',
      ucid: 'ucid-1',
      jwt: 'test-header.test-payload.test-signature',
      jwtExpiresAt: clock.now() + 900_000,
    });
    assert.deepEqual(
      calls.map((c) => c.method),
      ['accounts.login', 'accounts.getAccountInfo', 'accounts.getJWT'],
    );
    assert.equal(calls[0]?.form.gmid, 'gmid-1', 'the kept device signs in');
    assert.equal(calls[1]?.form.login_token, 'test-login-token');
    assert.equal(calls[2]?.form.login_token, 'test-login-token');
    assert.equal(renaultAuth.accessExpiresAt(state), clock.now() + 900_000);
  });

  it('renews the JWT with the kept login token, keeping the rest of the state', async () => {
    const state = await renaultAuth.refresh(contextFor(url, clock), { loginToken: 'test-login-token', personId: 'p1', jwt: 'old', jwtExpiresAt: 1, gmid: 'g' });
    assert.deepEqual(state, { loginToken: 'test-login-token', personId: 'p1', gmid: 'g', jwt: 'test-header.test-payload.test-signature', jwtExpiresAt: clock.now() + 900_000 });
    assert.deepEqual(
      calls.map((c) => [c.method, c.form.login_token, c.form.expiration]),
      [['accounts.getJWT', 'test-login-token', '900']],
    );
  });

  it('stops with words when an answer lacks what the next step needs, or nothing to sign in with is there', async () => {
    const login = await recorded('login.json');
    const info = await recorded('get_account_info.json');
    const jwt = await recorded('get_jwt.json');
    const { sessionInfo: _s, ...loginWithoutSession } = login;
    const { data: _d, ...infoWithoutData } = info;
    const { id_token: _t, ...jwtWithoutToken } = jwt;
    const ctx = contextFor(url, clock);
    const upstream = (message: string) => ({ code: 'UPSTREAM', message, transient: true, upstreamCode: undefined });
    const CASES: [string, Record<string, Body>, () => Promise<unknown>, ReturnType<typeof seen>, string[]][] = [
      ['a login without a session', { 'accounts.login': loginWithoutSession }, () => renaultAuth.login(ctx, undefined), upstream('Renault sign-in (accounts.login) answered without a session'), ['accounts.login']],
      [
        'an account without a person',
        { 'accounts.getAccountInfo': infoWithoutData },
        () => renaultAuth.login(ctx, undefined),
        upstream('Renault sign-in: the account has no personId (is it a MyRenault app account?)'),
        ['accounts.login', 'accounts.getAccountInfo'],
      ],
      ['a JWT answer without a token', { 'accounts.getJWT': jwtWithoutToken }, () => renaultAuth.login(ctx, undefined), upstream('Renault sign-in (accounts.getJWT) answered without a token'), ['accounts.login', 'accounts.getAccountInfo', 'accounts.getJWT']],
      [
        'no password',
        {},
        () => renaultAuth.login(contextFor(url, clock, { password: undefined }), undefined),
        { code: 'AUTH_FAILED', message: 'The Renault account needs an e-mail address and a password.', transient: false, upstreamCode: undefined },
        [],
      ],
      [
        'no e-mail address',
        {},
        () => renaultAuth.login(contextFor(url, clock, { username: '' }), undefined),
        { code: 'AUTH_FAILED', message: 'The Renault account needs an e-mail address and a password.', transient: false, upstreamCode: undefined },
        [],
      ],
      ['a refresh without a login token', {}, () => renaultAuth.refresh(ctx, { personId: 'p1', jwt: 'j' }), { code: 'AUTH_FAILED', message: 'No Renault sign-in token to renew the access token with.', transient: false, upstreamCode: undefined }, []],
      [
        'a challenge without a regToken',
        {},
        () => (renaultAuth.startSecondFactor ?? assert.fail('Renault has a second factor'))(ctx, { kind: 'code', prompt: 'x', state: { gmid: 'g' } }),
        { code: 'TFA_REQUIRED', message: 'Renault asks for a two-factor code but the sign-in gave no token to start it with.', transient: false, upstreamCode: undefined },
        [],
      ],
    ];
    for (const [name, changed, run, expected, methods] of CASES) {
      answers = { 'accounts.login': login, 'accounts.getAccountInfo': info, 'accounts.getJWT': jwt, ...changed };
      calls = [];
      assert.deepEqual(seen(await run().catch((e: unknown) => e)), expected, name);
      assert.deepEqual(
        calls.map((c) => c.method),
        methods,
        `${name}: the requests made`,
      );
    }
  });
});

describe('Renault two-factor sign-in when no device can be made (auth.ts, against the simulator)', () => {
  after(closeOpened);
  const world = renaultWorldEach();

  /** Up to the code: the login's challenge, then the code sent, with the device bootstrap cut off. */
  async function codeSent(log: Logger): Promise<{ ctx: ProviderContext; challenge: PendingChallenge }> {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    const ctx = contextFor(world.sim.renault.gigyaUrl, world.clock, { servers: { gigya: world.sim.renault.gigyaUrl, kamereon: world.sim.renault.kamereonUrl } }, log);
    const asked = await renaultAuth.login(ctx, undefined).catch((e: unknown) => e);
    assert.ok(asked instanceof ChallengeError);
    world.sim.renault.injectGigyaFault({ method: 'accounts.webSdkBootstrap', kind: 'reset' });
    const challenge = await (renaultAuth.startSecondFactor ?? assert.fail('Renault has a second factor'))(ctx, asked.challenge);
    return { ctx, challenge };
  }

  it('goes on without a device, saying so in the log; the code is accepted but Renault still asks, and the sign-in stops', async () => {
    const log = recordingLogger();
    const { ctx, challenge } = await codeSent(log);
    assert.equal(challenge.state.gmid, undefined, 'no device to trust');
    assert.ok(
      log.at('debug').some((l) => /^Renault device bootstrap failed \(.+\); going on without one$/.test(l)),
      log.lines.join('\n'),
    );
    const code = world.sim.renault.lastTfaCode ?? assert.fail('a code was sent');
    const logins = world.sim.renault.stats.logins;
    const err = await rejection((renaultAuth.completeSecondFactor ?? assert.fail('Renault has a second factor'))(ctx, challenge, code));
    assert.deepEqual(seen(err), {
      code: 'TFA_REQUIRED',
      message: 'Renault accepted the code but still asks for two-factor sign-in; sign in once in the MyRenault app, then press "Sign in again".',
      transient: false,
      upstreamCode: '403101',
    });
    assert.ok(!(err instanceof ChallengeError), 'no new challenge: no second e-mail');
    assert.equal(world.sim.renault.stats.logins, logins + 1);
  });

  it('passes on any other failure of the login after the code as it is', async () => {
    const { ctx, challenge } = await codeSent(recordingLogger());
    world.sim.renault.injectGigyaFault({ method: 'accounts.login', kind: 'server-error' });
    const err = await rejection((renaultAuth.completeSecondFactor ?? assert.fail('Renault has a second factor'))(ctx, challenge, world.sim.renault.lastTfaCode ?? ''));
    assert.deepEqual(seen(err), { code: 'UPSTREAM', message: 'Renault sign-in service error (accounts.login, Gigya 500001: General Server Error)', transient: true, upstreamCode: '500001' });
  });
});
