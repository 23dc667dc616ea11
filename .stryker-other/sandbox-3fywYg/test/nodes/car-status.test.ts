// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { VehicleStatusSchema } from '../../src/core';
import { DEMO_RENAULT_PASSWORD } from '../../src/sim/renault';
import { accountFile, caughtError, helper, helpers, lastStatus, nodeModule, reply, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

describe('car-status node', () => {
  const fx = useNodeRed();
  const flow = (extra: Record<string, unknown> = {}, account: Record<string, unknown> = {}): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'acc', vin: ZOE, interval: 10, parts: '', onlyOnChange: false, wires: [['out']], ...extra }, ...helpers('out')], fx.renaultAccount('acc', account));

  it('emits a VehicleStatus from the simulator on an input message', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const msg = await reply('status', { payload: 'go', keep: 'me' });
    const parsed = VehicleStatusSchema.safeParse(msg.payload);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
    assert.equal(parsed.data.vin, ZOE);
    assert.equal(parsed.data.battery?.socPercent, Math.round(fx.sim.renault.car(ZOE).reportedBattery.soc));
    assert.equal(msg.topic, `car/${ZOE}/status`);
    assert.equal((msg.vehicle as { vin: string }).vin, ZOE);
    assert.equal(msg.keep, 'me', 'the input message properties are kept');
    const status = lastStatus('status');
    assert.equal(status.fill, 'green');
    assert.match(status.text ?? '', /\d+ % · \d+ km/);
  });

  it('keeps the tokens in a 0600 file under the user directory, never in the flow', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    await reply('status', {});
    await helper.unload();
    const file = await accountFile(fx.userDir);
    const stat = await fs.stat(file);
    assert.equal(stat.mode & 0o777, 0o600);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes(DEMO_RENAULT_PASSWORD + '"'), 'no password in the token file');
    // A redeploy (new nodes, same user directory) signs in no more.
    const logins = fx.sim.renault.stats.logins;
    await helper.load(nodes, flow(), fx.credentials());
    await reply('status', {});
    assert.equal(fx.sim.renault.stats.logins, logins);
  });

  it('sends RATE_LIMITED with msg.error.code to a Catch node when Renault says "quota reached"', async () => {
    await helper.load(nodes, flow({ parts: 'battery' }), fx.credentials());
    fx.sim.renault.injectFault({ kind: 'overloaded', path: 'battery-status', times: 1 });
    const error = await caughtError('status', { payload: 'go' });
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(error.message, /quota/);
    const status = lastStatus('status');
    assert.equal(status.fill, 'yellow');
    assert.match(status.text ?? '', /rate-limited|rate limited/);
  });

  it('sends AUTH_FAILED once for a wrong password and keeps the password out of the error', async () => {
    await helper.load(nodes, flow(), fx.credentials('not-the-password'));
    const error = await caughtError('status', {});
    assert.equal(error.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(error).includes('not-the-password'));
    assert.equal((await caughtError('status', {})).code, 'AUTH_FAILED');
    assert.equal(fx.sim.renault.stats.logins, 1, 'the second request did not try the password again');
  });

  it('refuses bad settings with BAD_INPUT naming the field', async () => {
    await helper.load(nodes, flow({ parts: 'battery,wings' }), fx.credentials());
    const error = await caughtError('status', {});
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /parts must be a list of: battery, fuel/);
  });

  it('refuses an unknown locale in the account with BAD_INPUT', async () => {
    await helper.load(nodes, flow({}, { locale: 'xx_XX' }), fx.credentials());
    const error = await caughtError('status', {});
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /locale "xx_XX".*fr_FR/);
  });

  it('lists the vehicles for the editor picker through a protected admin endpoint', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const res = await helper.request().get('/connected-car/accounts/acc/vehicles').expect(200);
    const list = res.body as { vin: string; name: string }[];
    assert.ok(list.some((v) => v.vin === ZOE));
    const state = await helper.request().get('/connected-car/accounts/acc/state').expect(200);
    assert.equal((state.body as { phase: string }).phase, 'ready');
    assert.ok(!JSON.stringify(state.body).includes('eyJ'), 'no token in the state');
    await helper.request().get('/connected-car/accounts/nope/vehicles').expect(404);
  });
});
