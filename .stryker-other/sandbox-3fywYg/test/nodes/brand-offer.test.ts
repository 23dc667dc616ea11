/**
 * What each brand offers, one description for the runtime and the editor (issue 16): the admin
 * endpoint the dialogs read, the vehicle list that narrows it per car, and the runtime refusing
 * at deploy what the dialog would not offer (a command CarData cannot send, a path that is a URL).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { COMMANDS, STATUS_PARTS } from '../../src/core';
import { DEMO_CARDATA_CARS } from '../../src/sim';
import { codeKey } from '../../src/nodes/kit';
import { caughtError, helper, helpers, lastStatus, nodeModule, until, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
/** Renault's Austral (XHN1SU): no remote climate, no traction battery in Renault's model table. */
const AUSTRAL = 'VF1RHN00X27AU0003';
const BMW = DEMO_CARDATA_CARS[0]?.vin ?? '';

interface Offer {
  id: string;
  name: string;
  brands: string[];
  signIn: string[];
  commands: string[];
  parts: string[];
  charging: { read: boolean; write: boolean };
  rawPaths: { name: string; path: string }[];
  missing: Record<string, string>;
  budget: { limit: number; per: string };
}
interface ListedVehicle {
  vin: string;
  drivetrain: string;
  parts: string[];
  commands: string[];
  charging: { read: boolean; write: boolean };
}

describe('what each brand offers', function () {
  this.timeout(60_000);
  const fx = useNodeRed({ sim: { cardata: { autoApproveMs: 500 } } });

  it('GET /connected-car/brands describes each cloud once: commands, parts, charging, paths, sign-in and budget with its unit', async () => {
    await helper.load([nodeModule('car-account')], fx.flow([]), fx.credentials());
    const res = await helper.request().get('/connected-car/brands');
    assert.equal(res.status, 200);
    const brands = res.body as Offer[];
    assert.deepEqual(brands.map((b) => b.id).sort(), ['cardata', 'renault']);
    const renault = brands.find((b) => b.id === 'renault');
    const cardata = brands.find((b) => b.id === 'cardata');
    assert.ok(renault && cardata);
    assert.deepEqual(renault.commands, [...COMMANDS]);
    assert.deepEqual(renault.budget, { limit: 60, per: 'hour' });
    assert.deepEqual(renault.signIn, ['password', 'token']);
    assert.deepEqual(renault.brands, ['renault', 'dacia', 'alpine']);
    assert.ok(renault.rawPaths.every((p) => p.path.startsWith('/commerce/v1/')));
    assert.deepEqual(cardata.commands, [], 'CarData sends no command');
    assert.match(cardata.missing.commands ?? '', /read-only.*MyBMW/, 'and says why');
    assert.deepEqual(cardata.charging, { read: false, write: false });
    assert.deepEqual(cardata.budget, { limit: 50, per: 'day' });
    assert.deepEqual(cardata.signIn, ['device_code']);
    assert.deepEqual(cardata.parts, [...STATUS_PARTS]);
    assert.ok(cardata.rawPaths.some((p) => p.path === '/customers/vehicles/{vin}/telematicData'));
  });

  it("lists with each car what it can do, so that a dialog narrows the brand's offer to it", async () => {
    await helper.load([nodeModule('car-account')], fx.flow([]), fx.credentials());
    const res = await helper.request().get('/connected-car/accounts/acc/vehicles');
    assert.equal(res.status, 200);
    const cars = res.body as ListedVehicle[];
    const zoe = cars.find((c) => c.vin === ZOE);
    const austral = cars.find((c) => c.vin === AUSTRAL);
    assert.ok(zoe && austral);
    assert.equal(zoe.drivetrain, 'electric');
    assert.ok(zoe.commands.includes('climate_start') && zoe.parts.includes('battery'));
    assert.ok(!austral.commands.includes('climate_start'), 'the Austral takes no climate command');
    assert.ok(!austral.parts.includes('battery'), 'nor reports a traction battery');
  });

  it('refuses at deploy a command CarData cannot send, saying why, and sends nothing', async () => {
    const flow = fx.flow([{ id: 'cmd', type: 'car-command', account: 'bmw', vin: BMW, command: 'lock', timeout: 120, wires: [[], []] }], fx.cardataAccount('bmw'));
    await helper.load([nodeModule('car-account'), nodeModule('car-command')], flow, fx.cardataCredentials('bmw'));
    assert.equal(lastStatus('cmd').text, codeKey('NOT_SUPPORTED'));
    const error = await caughtError('cmd', { payload: 'lock' });
    assert.equal(error.code, 'NOT_SUPPORTED');
    assert.match(error.message, /sends no command: the official CarData API is read-only, and MyBMW/);
    assert.equal(fx.sim.cardata.stats.rest, 0, 'no call to the cloud');
  });

  it("gives the editor a device code's user code and deadline apart from the prompt, so that the dialog shows them once, in local time", async () => {
    // Nobody confirms: the challenge stays to be looked at.
    fx.sim.cardata.setAutoApprove(false);
    try {
      const flow = fx.flow([{ id: 'status', type: 'car-status', account: 'bmw', vin: BMW, interval: '', parts: '', wires: [['out']] }, ...helpers('out')], fx.cardataAccount('bmw'));
      await helper.load([nodeModule('car-account'), nodeModule('car-status')], flow, fx.cardataCredentials('bmw'));
      helper.getNode('status').receive({});
      let state: { phase: string; message?: string; challenge?: { kind: string; userCode?: string; hint?: string; expiresAt?: number } } = { phase: 'idle' };
      await until(async () => {
        state = (await helper.request().get('/connected-car/accounts/bmw/state')).body as typeof state;
        return state.phase === 'tfa_required' && state.challenge?.kind === 'device_code';
      }, undefined, 100);
      const challenge = state.challenge;
      assert.ok(challenge?.userCode && /^[A-Z0-9-]{4,}$/i.test(challenge.userCode), `a user code: ${JSON.stringify(challenge)}`);
      assert.ok((state.message ?? '').includes(challenge.userCode), 'the same code the log names');
      assert.equal(typeof challenge.expiresAt, 'number');
      assert.match(challenge.hint ?? '', /^http/);
    } finally {
      fx.sim.cardata.setAutoApprove(500);
    }
  });

  for (const [path, reason] of [
    ['https://example.com/commerce/v1/persons/{personId}', /not a URL/],
    ['commerce/v1/persons/{personId}', /must start with "\/"/],
  ] as const) {
    it(`refuses at deploy a car-request path ${path}, as the dialog does`, async () => {
      const flow = fx.flow([{ id: 'req', type: 'car-request', account: 'acc', vin: ZOE, method: 'GET', path, wires: [['out']] }, ...helpers('out')]);
      await helper.load([nodeModule('car-account'), nodeModule('car-request')], flow, fx.credentials());
      await until(() => lastStatus('req').text === codeKey('BAD_INPUT'));
      const error = await caughtError('req', { payload: 1 });
      assert.equal(error.code, 'BAD_INPUT');
      assert.match(error.message, reason);
      assert.equal(fx.sim.renault.stats.kamereon, 0, 'no call to the cloud');
    });
  }
});
