// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { DEMO_ACCOUNTS } from '../../src/sim/renault';
import { caught as caughtFrom, helper, helpers, lastStatus, nodeModule, reply, useNodeRed } from './nr-helper';

const ZE50 = 'VF1AG000862Z50001';
const R5 = 'VF1R5E00125R50002';
const KCA = '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter';
const nodes = [nodeModule('car-account'), nodeModule('car-request')];

describe('car-request node', () => {
  const fx = useNodeRed();
  const flow = (extra: Record<string, unknown> = {}): unknown[] =>
    fx.flow([{ id: 'req', type: 'car-request', account: 'acc', vin: ZE50, method: 'GET', path: `${KCA}/v1/cars/{vin}/cockpit`, wires: [['out']], ...extra }, ...helpers('out')]);
  const send = (msg: Record<string, unknown>): Promise<Record<string, unknown>> => reply('req', msg);
  const caught = (msg: Record<string, unknown>): Promise<Record<string, unknown>> => caughtFrom('req', msg);

  it("GETs the node's path with the vehicle's placeholders filled in", async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const msg = await send({ payload: 1_700_000_000_000, keep: 'me' });
    assert.equal(msg.statusCode, 200);
    const body = msg.payload as { data: { id: string; attributes: { totalMileage: number } } };
    assert.equal(body.data.id, ZE50);
    assert.ok(body.data.attributes.totalMileage > 0);
    assert.equal(msg.topic, `car/${ZE50}/request`);
    assert.equal(msg.keep, 'me');
    assert.deepEqual(lastStatus('req'), { fill: 'green', shape: 'dot', text: 'GET cockpit · 200' });
  });

  it('takes method, path and query from the message; it only reads: a POST is refused with a pointer to car-command', async () => {
    await helper.load(nodes, flow({ vin: R5 }), fx.credentials());
    const person = await send({ path: '/commerce/v1/persons/{personId}' });
    assert.ok((person.payload as { accounts: { accountId: string }[] }).accounts.some((a) => a.accountId === DEMO_ACCOUNTS[0]?.accountId));
    const charges = await send({ path: `${KCA}/v1/cars/{vin}/charges`, query: { start: '20260101', end: '20261231' } });
    assert.equal(charges.statusCode, 200);
    const action = await caught({ method: 'POST', path: `${KCA}/v1/cars/{vin}/actions/refresh-location`, payload: { data: { type: 'RefreshLocation' } } });
    assert.equal((action.error as { code: string }).code, 'BAD_INPUT');
    assert.match((action.error as { message: string }).message, /car-request only reads \(GET\); to act on the car use car-command/);
    assert.equal(fx.sim.renault.stats.byEndpoint['actions/refresh-location'], undefined, 'nothing acted on the car');
  });

  it('refuses a path outside the account with BAD_INPUT before any call', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    await send({}); // signed in
    const before = fx.sim.renault.stats.kamereon;
    for (const path of ['/commerce/v1/accounts/{accountId}/kamereon/../../../persons/x', 'https://example.com/commerce/v1/persons/{personId}', `/commerce/v1/accounts/${DEMO_ACCOUNTS[1]?.accountId ?? 'x'}/vehicles`]) {
      const msg = await caught({ path });
      const error = msg.error as { code: string; message: string };
      assert.equal(error.code, 'BAD_INPUT', path);
    }
    const method = await caught({ method: 'DELETE' });
    assert.match((method.error as { message: string }).message, /method: car-request only reads \(GET\)/);
    assert.equal(fx.sim.renault.stats.kamereon, before, 'nothing reached the cloud');
  });

  it("sends the cloud's refusal to Catch with its code and msg.statusCode", async () => {
    await helper.load(nodes, flow({ path: '/commerce/v1/accounts/{accountId}/kamereon/kcm/v1/vehicles/{vin}/ev/soc-levels' }), fx.credentials());
    const msg = await caught({});
    assert.equal((msg.error as { code: string }).code, 'NOT_SUPPORTED');
    assert.equal(msg.statusCode, 404);
    assert.deepEqual(lastStatus('req'), { fill: 'red', shape: 'ring', text: 'GET soc-levels · node-red-contrib-connected-car/car-account:car-account.common.codes.NOT_SUPPORTED' });
  });

  it('works without a vehicle for person-level paths only', async () => {
    await helper.load(nodes, flow({ vin: '', path: '/commerce/v1/persons/{personId}' }), fx.credentials());
    const msg = await send({});
    assert.equal(msg.topic, 'car/request');
    const err = await caught({ path: `${KCA}/v1/cars/{vin}/cockpit` });
    assert.match((err.error as { message: string }).message, /choose a vehicle/);
  });
});
