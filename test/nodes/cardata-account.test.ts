import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema } from '../../src/core';
import { startSimulator, DEMO_CARDATA_CLIENT_ID, DEMO_CARDATA_CARS, type Simulator } from '../../src/sim';
import { removeDir, tempDir } from '../helpers';
import { helper, nextMessage, nodeModule } from './nr-helper';

const nodes = [nodeModule('car-account'), nodeModule('car-status')];
const BMW = DEMO_CARDATA_CARS[0]?.vin ?? '';

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('car-account with BMW CarData: device-code sign-in, then status in a flow', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let userDir: string;

  before(async () => {
    // The user confirms the code at BMW 1.5 s after it is shown.
    sim = await startSimulator({ port: 0, cardata: { autoApproveMs: 1_500 } });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    userDir = await tempDir('cc-cardata-node-');
    helper.settings({ userDir });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await removeDir(userDir);
  });

  const flow = (): unknown[] => [
    { id: 'tab', type: 'tab' },
    {
      id: 'bmw',
      type: 'car-account',
      provider: 'cardata',
      clientId: DEMO_CARDATA_CLIENT_ID,
      apiUrl: sim.cardata.apiUrl,
      authUrl: sim.cardata.authUrl,
      mqttUrl: sim.cardata.brokerUrl,
    },
    { id: 'status', z: 'tab', type: 'car-status', account: 'bmw', vin: BMW, interval: 60, parts: '', onlyOnChange: false, wires: [['out']] },
    { id: 'out', z: 'tab', type: 'helper' },
  ];

  it('shows the link and the code, signs in once confirmed, and emits the BMW status', async () => {
    await helper.load(nodes, flow(), {});
    // Nothing asks yet: the first read starts the sign-in.
    const out = nextMessage(helper.getNode('out'), 40_000);
    helper.getNode('status').receive({});
    await until(async () => {
      const res = await helper.request().get('/connected-car/accounts/bmw/state');
      const s = res.body as { phase: string; challenge?: { kind: string; hint?: string } };
      return s.phase === 'tfa_required' && s.challenge?.kind === 'device_code' && /^http/.test(s.challenge.hint ?? '');
    });
    await until(async () => ((await helper.request().get('/connected-car/accounts/bmw/state')).body as { phase: string }).phase === 'ready');
    // The first request failed with TFA_REQUIRED while waiting; ask again now that the account is ready.
    helper.getNode('status').receive({});
    const msg = await out;
    const parsed = VehicleStatusSchema.safeParse(msg.payload);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
    assert.equal(parsed.data.provider, 'cardata');
    assert.equal(parsed.data.vin, BMW);
    assert.ok(parsed.data.battery?.socPercent !== undefined || parsed.data.fuel !== undefined);
    const state = JSON.stringify((await helper.request().get('/connected-car/accounts/bmw/state')).body);
    assert.ok(!/eyJ[\w-]+\./.test(state), 'no token in the editor state');
  });
});
