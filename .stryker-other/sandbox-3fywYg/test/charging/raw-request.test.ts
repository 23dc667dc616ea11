// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import type { RawRequest } from '../../src/brands';
import { RAW_PREFIXES } from '../../src/brands/renault/endpoints';
import type { AccountSession } from '../../src/features/session';
import { buildRawRequest, checkRawPath, placeholders, sendRawRequest } from '../../src/features/raw-request';
import { DEMO_ACCOUNTS } from '../../src/sim/renault';
import { R5, SPRING, ZE50, rejection, renaultWorldEach } from '../renault-session';

const KCA = '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter';

describe('raw requests (car-request) against the simulator', () => {
  const world = renaultWorldEach({ renault: { quota: false, actionDelayMs: 1_000 } });
  let session: AccountSession;

  beforeEach(async () => {
    session = world.session({ key: 'raw' });
    await session.vehicles();
    world.sim.renault.resetStats();
  });

  it('GETs a KCA endpoint with {accountId} and {vin} filled in, within the budget', async () => {
    const used = session.budget.snapshot().calls.length;
    const res = await sendRawRequest(session, ZE50, { method: 'GET', path: `${KCA}/v1/cars/{vin}/cockpit` });
    assert.equal(res.status, 200);
    const body = res.body as { data: { id: string; attributes: { totalMileage: number } } };
    assert.equal(body.data.id, ZE50);
    assert.ok(body.data.attributes.totalMileage > 1000);
    assert.equal(world.sim.renault.stats.byEndpoint.cockpit, 1);
    assert.equal(session.budget.snapshot().calls.length, used + 1, 'counted in the account budget');
  });

  it('GETs person-level paths with {personId}, with or without a vehicle, and passes the query', async () => {
    const person = await sendRawRequest(session, undefined, { method: 'GET', path: '/commerce/v1/persons/{personId}' });
    const accounts = (person.body as { accounts: { accountId: string }[] }).accounts;
    assert.ok(accounts.some((a) => a.accountId === DEMO_ACCOUNTS[0]?.accountId));
    const notes = await sendRawRequest(session, R5, { method: 'GET', path: '/commerce/v1/persons/{personId}/notifications/kmr', query: { notificationId: 'none' } });
    assert.deepEqual(notes.body, []);
    const vehicles = await sendRawRequest(session, SPRING, { method: 'GET', path: '/commerce/v1/accounts/{accountId}/vehicles' });
    assert.ok((vehicles.body as { vehicleLinks: { vin: string }[] }).vehicleLinks.some((l) => l.vin === SPRING), "the Spring's own (MYDACIA) account");
  });

  it('only reads: an action (a POST) is refused before any call, with a pointer to car-command', async () => {
    const path = `${KCA}/v1/cars/{vin}/actions/refresh-location`;
    const before = world.sim.renault.stats.kamereon;
    for (const method of ['POST', 'post', 'PUT']) {
      const err = await rejection(sendRawRequest(session, R5, { method: method as 'POST', path, body: { data: { type: 'RefreshLocation' } } }));
      assert.equal(err.code, 'BAD_INPUT', method);
      assert.match(err.message, /raw requests only read \(GET\); to act on the car use car-command/, method);
    }
    assert.equal(world.sim.renault.stats.kamereon, before, 'nothing reached the cloud');
    assert.equal(world.sim.renault.stats.byEndpoint['actions/refresh-location'], undefined);
    // A VIN in the path is the node's own whatever its case.
    const lower = `/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/${R5.toLowerCase()}/cockpit`;
    assert.equal((await sendRawRequest(session, R5, { method: 'GET', path: lower })).status, 200);
  });

  it("maps the cloud's refusals to codes (an endpoint the car lacks -> NOT_SUPPORTED)", async () => {
    const err = await rejection(sendRawRequest(session, ZE50, { method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/kcm/v1/vehicles/{vin}/ev/soc-levels' }));
    assert.equal(err.code, 'NOT_SUPPORTED');
    assert.equal(err.status, 404);
  });

  it('refuses paths outside the account, traversal, URLs and other ids with BAD_INPUT before any call', async () => {
    const other = DEMO_ACCOUNTS[1]?.accountId ?? 'x';
    const cases: [RawRequest, RegExp][] = [
      [{ method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/../../../persons/p2' }, /"\." and "\.\." segments/],
      [{ method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/%2E%2E/x' }, /segments/],
      [{ method: 'GET', path: 'http://127.0.0.1:1/commerce/v1/persons/{personId}' }, /not a URL/],
      [{ method: 'GET', path: `/commerce/v1/accounts/${other}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit` }, /outside/],
      [{ method: 'GET', path: '/commerce/v1/persons/someone-else' }, /outside/],
      [{ method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/VF1R5E00125R50002/cockpit' }, /another vehicle/],
      [{ method: 'GET', path: '/gigya/accounts.getJWT' }, /outside/],
      [{ method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/{model}/x' }, /unknown placeholder \{model\}/],
      [{ method: 'DELETE', path: '/commerce/v1/persons/{personId}' }, /only read \(GET\)/],
      [{ method: 'POST', path: `${KCA}/v1/cars/{vin}/actions/refresh-location` }, /only read \(GET\)/],
      [{ method: 'GET', path: `${KCA}/v1/cars/{vin}/cockpit`, body: { a: 1 } }, /a GET takes no body/],
    ];
    for (const [req, message] of cases) {
      const err = await rejection(sendRawRequest(session, ZE50, req));
      assert.equal(err.code, 'BAD_INPUT', req.path);
      assert.match(err.message, message, req.path);
    }
    const err = await rejection(sendRawRequest(session, undefined, { method: 'GET', path: `${KCA}/v1/cars/{vin}/cockpit` }));
    assert.match(err.message, /choose a vehicle/);
    assert.equal(world.sim.renault.stats.kamereon, 0, 'nothing reached the cloud');
  });

  it('the provider refuses on its own too (defence in depth), without a call', async () => {
    const vehicle = await session.vehicle(ZE50);
    const err = await rejection(
      session.connection.raw.request(vehicle, { method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/x/../../../../persons/p' }, { kind: 'explicit' }),
    );
    assert.equal(err.code, 'BAD_INPUT');
    assert.equal(world.sim.renault.stats.kamereon, 0);
  });
});

describe('raw request input (features)', () => {
  it('builds the request from the node settings and the message; msg wins; a read sends no body', () => {
    assert.deepEqual(buildRawRequest({ method: 'GET', path: '/a' }, { payload: 1700000000000 }), { method: 'GET', path: '/a' });
    assert.deepEqual(buildRawRequest({ method: 'GET', path: '/a' }, { method: 'get', path: '/b', query: { n: 5, x: true }, payload: { data: {} } }), {
      method: 'GET',
      path: '/b',
      query: { n: '5', x: 'true' },
    });
    for (const [defaults, msg] of [[{ method: 'PUT', path: '/a' }, {}], [{ method: 'GET', path: '/a' }, { method: 'post', payload: { data: {} } }], [{ method: 'POST', path: '/a' }, {}]] as const) {
      assert.throws(
        () => buildRawRequest(defaults, msg),
        (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /^method: car-request only reads \(GET\); to act on the car use car-command, to change the charging settings car-charging \(got "\w+"\)/.test(e.message),
      );
    }
    assert.throws(() => buildRawRequest({ path: '' }, {}), /^path: /);
    assert.throws(() => buildRawRequest({ path: '/a' }, { query: { a: { b: 1 } } }), /query\.a/);
    // A prototype key from JSON (zod's record would drop it silently) is refused by name.
    assert.throws(() => buildRawRequest({ path: '/a' }, { query: JSON.parse('{"__proto__": {"x": "1"}}') as unknown }), /^query: "__proto__"/);
  });

  it('checks a path against the prefixes and their placeholders', () => {
    const prefixes = RAW_PREFIXES;
    assert.deepEqual(placeholders(prefixes).sort(), ['{accountId}', '{personId}']);
    checkRawPath('/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit', [...prefixes, '/x/{vin}']);
    checkRawPath('/commerce/v1/persons/abc/notifications/kmr', prefixes);
    assert.throws(() => checkRawPath('/commerce/v1/accounts/{accountId}/kamereon', prefixes), /outside/);
    assert.throws(() => checkRawPath('/commerce/v1/persons/{personId}/../x', prefixes), /segments/);
    assert.throws(() => checkRawPath('/commerce/v1/persons/{who}', prefixes), /unknown placeholder \{who\}/);
  });
});
