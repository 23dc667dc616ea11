// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema } from '../../src/core';
import { DEMO_CARDATA_CARS } from '../../src/sim';
import { helper, helpers, nextMessage, nodeModule, until, useNodeRed } from './nr-helper';

const nodes = [nodeModule('car-account'), nodeModule('car-status')];
const BMW = DEMO_CARDATA_CARS[0]?.vin ?? '';

describe('car-account with BMW CarData: device-code sign-in, then status in a flow', function () {
  this.timeout(60_000);
  // The user confirms the code at BMW 1.5 s after it is shown; BMW's interval of 1 s (the least the client takes) instead of 5 s: these tests run on real time.
  const fx = useNodeRed({ sim: { cardata: { autoApproveMs: 1_500, pollIntervalS: 1 } } });
  const flow = (legacy = false): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'bmw', vin: BMW, interval: 60, parts: '', onlyOnChange: false, wires: [['out']] }, ...helpers('out')], fx.cardataAccount('bmw', legacy));

  it('a flow of an older version (the client id as a flow property) still signs in, and the node says how to move it to the credentials', async () => {
    await helper.load(nodes, flow(true), {});
    const account = helper.getNode('bmw');
    const warned = (account.warn.args ?? []).map((a) => String(a[0]));
    assert.ok(warned.some((w) => w === 'car-account.errors.client-id-in-flow'), warned.join('\n'));
    helper.getNode('status').receive({});
    await until(async () => ((await helper.request().get('/connected-car/accounts/bmw/state')).body as { phase: string }).phase === 'tfa_required', 'the device code', 200);
  });

  it('with the client id as a credential, nothing is said about it', async () => {
    await helper.load(nodes, flow(), fx.cardataCredentials('bmw'));
    const warned = (helper.getNode('bmw').warn.args ?? []).map((a) => String(a[0]));
    assert.ok(!warned.includes('car-account.errors.client-id-in-flow'));
  });

  it('shows the link and the code, signs in once confirmed, and emits the BMW status', async () => {
    await helper.load(nodes, flow(), fx.cardataCredentials('bmw'));
    // Nothing asks yet: the first read starts the sign-in.
    const out = nextMessage(helper.getNode('out'), 40_000);
    helper.getNode('status').receive({});
    await until(async () => {
      const res = await helper.request().get('/connected-car/accounts/bmw/state');
      const s = res.body as { phase: string; challenge?: { kind: string; hint?: string } };
      return s.phase === 'tfa_required' && s.challenge?.kind === 'device_code' && /^http/.test(s.challenge.hint ?? '');
    }, 'the device code challenge');
    await until(async () => ((await helper.request().get('/connected-car/accounts/bmw/state')).body as { phase: string }).phase === 'ready', 'the account ready', 200);
    // The first request failed with TFA_REQUIRED while waiting; ask again now that the account is ready.
    helper.getNode('status').receive({});
    const msg = await out;
    const parsed = VehicleStatusSchema.safeParse(msg.payload);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
    assert.equal(parsed.data.provider, 'cardata');
    assert.equal(parsed.data.vin, BMW);
    // The state of charge the simulated i4 holds, as the node emits it.
    assert.equal(parsed.data.battery?.socPercent, Number(fx.sim.cardata.car(BMW).value('vehicle.drivetrain.batteryManagement.header')));
    const state = JSON.stringify((await helper.request().get('/connected-car/accounts/bmw/state')).body);
    assert.ok(!/eyJ[\w-]+\./.test(state), 'no token in the editor state');
  });
});
