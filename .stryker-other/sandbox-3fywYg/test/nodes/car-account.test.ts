// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { DEFAULT_GIGYA_API_KEY, DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { reported } from '../renault-session';
import { accountFile, caughtError, helper, helpers, nodeModule, reply, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
/** supertest, typed for a JSON POST (nr-helper types GET and POST without a body). */
interface PostRequest {
  post(url: string): { send(body: unknown): PromiseLike<Answer> };
  get(url: string): PromiseLike<Answer>;
}
const admin = (): PostRequest => helper.request() as unknown as PostRequest;

describe('car-account node: two-factor code and token sign-in', () => {
  const fx = useNodeRed();
  beforeEach(() => fx.sim.renault.setTfa(DEMO_RENAULT_USER, false));
  const flow = (account: Record<string, unknown> = {}): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'acc', vin: ZOE, interval: 60, parts: 'battery', onlyOnChange: false, wires: [['out']] }, ...helpers('out')], fx.renaultAccount('acc', account));

  it('says a code was sent, takes it through the protected admin endpoint, and needs no new code after a restart', async () => {
    fx.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    await helper.load(nodes, flow(), fx.credentials());
    const error = await caughtError('status', { payload: 'go' });
    assert.equal(error.code, 'TFA_REQUIRED');
    assert.match(error.message, /sent a sign-in code to d\*\*\*@example\.com/);

    const state = await admin().get('/connected-car/accounts/acc/state');
    assert.equal(state.status, 200);
    assert.equal(state.body.phase, 'tfa_required');
    assert.deepEqual(state.body.challenge, { kind: 'code', hint: 'd***@example.com' });
    const warn = helper.getNode('acc').warn as unknown as { args?: unknown[][] } | undefined;
    assert.ok(
      warn?.args?.some((a) => /sign-in waits for the user: .*d\*\*\*@example\.com/.test(String(a[0]))),
      'the account says, once, where the code was sent',
    );

    const code = fx.sim.renault.lastTfaCode ?? '';
    assert.match(code, /^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await admin().post('/connected-car/accounts/acc/code').send({ code: wrong });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'BAD_INPUT');
    assert.equal(refused.body.phase, 'tfa_required', 'the dialog keeps the code field');
    assert.ok(!JSON.stringify(refused.body).includes(wrong), 'the code is never echoed');
    const empty = await admin().post('/connected-car/accounts/acc/code').send({});
    assert.equal(empty.status, 400);
    assert.match(String(empty.body.message), /code/);

    const accepted = await admin().post('/connected-car/accounts/acc/code').send({ code });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.phase, 'ready');
    assert.ok(!JSON.stringify(accepted.body).includes(code));

    assert.equal(((await reply('status', {})).payload as { vin: string }).vin, ZOE);

    // Restart (unload, load again with the same user directory): no code, no login.
    await helper.unload();
    const logins = fx.sim.renault.stats.logins;
    const codeSends = fx.sim.renault.stats.gigyaOther;
    await helper.load(nodes, flow(), fx.credentials());
    await reply('status', {});
    assert.equal(fx.sim.renault.stats.logins, logins);
    assert.equal(fx.sim.renault.stats.gigyaOther, codeSends);
    const file = await fs.readFile(await accountFile(fx.userDir), 'utf8');
    assert.ok(!file.includes(code), 'the code is not stored');
  });

  it('answers 404 for an unknown account and 400 when no code is awaited', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const none = await admin().post('/connected-car/accounts/nope/code').send({ code: '123456' });
    assert.equal(none.status, 404);
    const notWaiting = await admin().post('/connected-car/accounts/acc/code').send({ code: '123456' });
    assert.equal(notWaiting.status, 400);
    assert.match(String(notWaiting.body.message), /no sign-in code is awaited/);
  });

  it('signs in with a pasted token and account id, never with a password', async () => {
    const post = async (method: string, form: Record<string, string>): Promise<Record<string, unknown>> =>
      (await (await fetch(`${fx.sim.renault.gigyaUrl}/${method}`, { method: 'POST', body: new URLSearchParams({ ApiKey: DEFAULT_GIGYA_API_KEY, ...form }) })).json()) as Record<string, unknown>;
    const login = await post('accounts.login', { loginID: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
    const jwt = String((await post('accounts.getJWT', { login_token: (login.sessionInfo as { cookieValue: string }).cookieValue, expiration: '3600' })).id_token);
    const logins = fx.sim.renault.stats.logins;
    await helper.load(nodes, flow({ authMode: 'token', accountId: fx.sim.renault.accountIds.myRenault }), { acc: { jwt } });
    assert.equal(((await reply('status', {})).payload as { battery?: { socPercent?: number } }).battery?.socPercent, reported(fx.sim, ZOE).socPercent);
    assert.equal(fx.sim.renault.stats.logins, logins);
    const state = await admin().get('/connected-car/accounts/acc/state');
    assert.ok(!JSON.stringify(state.body).includes(jwt.slice(0, 24)), 'no token in the state');
  });

  it('refuses a token sign-in without the token, naming the field', async () => {
    await helper.load(nodes, flow({ authMode: 'token', accountId: fx.sim.renault.accountIds.myRenault }), {});
    const state = await admin().get('/connected-car/accounts/acc/state');
    assert.equal(state.body.code, 'BAD_INPUT');
    // Nothing to sign in with: the account says what is missing (RED._ gives the key in tests).
    assert.match(String(state.body.message), /errors\.not-set-up/);
    assert.equal((await caughtError('status', {})).code, 'BAD_INPUT');
  });
});
