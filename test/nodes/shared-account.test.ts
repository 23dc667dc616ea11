import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startSimulator, DEMO_CARDATA_CARS, DEMO_CARDATA_CLIENT_ID, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { removeDir, tempDir } from '../helpers';
import { helper, nextMessage, nodeModule } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const BMW = DEMO_CARDATA_CARS[0]?.vin ?? '';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

interface PublicState {
  phase: string;
  code?: string;
  message?: string;
  budget?: { used: number; limit: number };
}

async function stateOf(id: string): Promise<PublicState> {
  return (await helper.request().get(`/connected-car/accounts/${id}/state`)).body as PublicState;
}

/** Two status nodes, one on each account node; both wired to `out`. */
function statusNodes(vin: string): unknown[] {
  return [
    { id: 'status1', z: 'tab', type: 'car-status', account: 'acc1', vin, interval: 60, parts: '', onlyOnChange: false, wires: [['out1']] },
    { id: 'status2', z: 'tab', type: 'car-status', account: 'acc2', vin, interval: 60, parts: '', onlyOnChange: false, wires: [['out2']] },
    { id: 'out1', z: 'tab', type: 'helper' },
    { id: 'out2', z: 'tab', type: 'helper' },
  ];
}

describe('two account nodes of one cloud account share one connection', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let userDir: string;

  before(async () => {
    sim = await startSimulator({ port: 0, cardata: { autoApproveMs: 500 } });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    userDir = await tempDir('cc-shared-');
    helper.settings({ userDir });
    await helper.startServer();
    sim.renault.resetStats();
    sim.cardata.resetStats();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await removeDir(userDir);
  });

  const renaultAccount = (id: string): Record<string, unknown> => ({
    id,
    type: 'car-account',
    provider: 'renault',
    locale: 'fr_FR',
    gigyaUrl: sim.renault.gigyaUrl,
    kamereonUrl: sim.renault.kamereonUrl,
  });
  const renaultCredentials = (second = DEMO_RENAULT_PASSWORD): Record<string, unknown> =>
    structuredClone({ acc1: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }, acc2: { username: DEMO_RENAULT_USER.toUpperCase(), password: second } });

  it('Renault: one sign-in, one token file and one call budget for two account nodes', async () => {
    await helper.load(nodes, [{ id: 'tab', type: 'tab' }, renaultAccount('acc1'), renaultAccount('acc2'), ...statusNodes(ZOE)], renaultCredentials());
    const first = nextMessage(helper.getNode('out1'));
    helper.getNode('status1').receive({});
    await first;
    const second = nextMessage(helper.getNode('out2'));
    helper.getNode('status2').receive({});
    await second;
    assert.equal(sim.renault.stats.logins, 1, 'one sign-in for both nodes');
    const [a, b] = [await stateOf('acc1'), await stateOf('acc2')];
    assert.equal(a.phase, 'ready');
    assert.ok((a.budget?.used ?? 0) > 0);
    assert.deepEqual(a.budget, b.budget, 'one budget');
    const files = (await fs.readdir(path.join(userDir, 'connected-car'))).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1, `one token file: ${files.join(', ')}`);
  });

  it('Renault: a second node with the same user but another password says so and signs in nowhere', async () => {
    await helper.load(nodes, [{ id: 'tab', type: 'tab' }, renaultAccount('acc1'), renaultAccount('acc2'), ...statusNodes(ZOE)], renaultCredentials('another-password'));
    const state = await stateOf('acc2');
    assert.equal(state.code, 'BAD_INPUT');
    assert.match(state.message ?? '', /same account with a different password/);
    assert.equal(sim.renault.stats.logins, 0);
  });

  it('CarData: one device code and one MQTT connection for two account nodes of one client id', async () => {
    const cardataAccount = (id: string): Record<string, unknown> => ({
      id,
      type: 'car-account',
      provider: 'cardata',
      clientId: DEMO_CARDATA_CLIENT_ID,
      apiUrl: sim.cardata.apiUrl,
      authUrl: sim.cardata.authUrl,
      mqttUrl: sim.cardata.brokerUrl,
    });
    await helper.load(nodes, [{ id: 'tab', type: 'tab' }, cardataAccount('acc1'), cardataAccount('acc2'), ...statusNodes(BMW)], {});
    // The first read starts the sign-in; the simulator confirms the code after 0.5 s.
    helper.getNode('status1').receive({});
    const deadline = Date.now() + 30_000;
    while ((await stateOf('acc1')).phase !== 'ready') {
      if (Date.now() > deadline) throw new Error('the CarData account never got ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const first = nextMessage(helper.getNode('out1'));
    const second = nextMessage(helper.getNode('out2'));
    helper.getNode('status1').receive({});
    helper.getNode('status2').receive({});
    await Promise.all([first, second]);
    assert.equal((await stateOf('acc2')).phase, 'ready', 'the second node shares the signed-in account');
    assert.equal(sim.cardata.stats.deviceCodes, 1, 'one device code');
    assert.equal(sim.cardata.stats.mqttConnects, 1, 'one MQTT connection');
  });
});
