import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ManualClock, VehicleStatusSchema } from '../../src/core';
import { DEMO_CARDATA_CARS } from '../../src/sim';
import { helper, helpers, nextMessage, nodeModule, until, untilDriving, useNodeRed } from './nr-helper';

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

describe("car-account with BMW CarData: the stream's trouble in the log", function () {
  this.timeout(60_000);
  // The account, its stream's backoff and the simulator share a clock the test moves.
  const clock = new ManualClock(Date.now());
  const fx = useNodeRed({ sim: { clock, cardata: { autoApproveMs: 1_000, pollIntervalS: 1 } }, settings: { connectedCarClock: clock } });
  const flow = (): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'bmw', vin: BMW, interval: 60, parts: '', onlyOnChange: false, wires: [['out']] }, ...helpers('out')], fx.cardataAccount('bmw'));

  it('says once why the stream is down (not at each retry), and once that it is back', async () => {
    fx.sim.cardata.setBrokerAvailable(false);
    await helper.load(nodes, flow(), fx.cardataCredentials('bmw'));
    const account = helper.getNode('bmw');
    const said = (key: string, by: 'warn' | 'log'): string[] => (account[by].args ?? []).map((a) => String(a[0])).filter((m) => m.startsWith(key));
    helper.getNode('status').receive({});
    // Signed in, then three connections refused (the broker is "unavailable"), each retried after its backoff.
    await untilDriving(clock, () => fx.sim.cardata.stats.mqttRefused >= 3, 'three refused connections');
    assert.equal(said('car-account.log.stream-down', 'warn').length, 1, 'said once, not at each retry');
    assert.deepEqual(said('car-account.log.stream-back', 'log'), []);
    fx.sim.cardata.setBrokerAvailable(true);
    await untilDriving(clock, () => said('car-account.log.stream-back', 'log').length > 0, 'the stream back');
    assert.equal(said('car-account.log.stream-down', 'warn').length, 1);
    assert.equal(said('car-account.log.stream-back', 'log').length, 1);
  });
});
