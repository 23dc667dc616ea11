// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEMO_CARDATA_CARS } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { helper, helpers, nextMessage, nodeModule, reply, until, useNodeRed } from './nr-helper';

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

/** Two status nodes, one on each account node, wired to out1 and out2. */
function statusNodes(vin: string): Record<string, unknown>[] {
  return [
    { id: 'status1', type: 'car-status', account: 'acc1', vin, interval: 60, parts: '', onlyOnChange: false, wires: [['out1']] },
    { id: 'status2', type: 'car-status', account: 'acc2', vin, interval: 60, parts: '', onlyOnChange: false, wires: [['out2']] },
    ...helpers('out1', 'out2'),
  ];
}

describe('two account nodes of one cloud account share one connection', function () {
  this.timeout(60_000);
  // A poll interval of 1 s (the least the client takes) instead of BMW's 5 s: these tests run on real time.
  const fx = useNodeRed({ sim: { cardata: { autoApproveMs: 500, pollIntervalS: 1 } } });
  const renaultFlow = (): unknown[] => fx.flow(statusNodes(ZOE), [fx.renaultAccount('acc1'), fx.renaultAccount('acc2')]);
  const renaultCredentials = (second = DEMO_RENAULT_PASSWORD): Record<string, unknown> => ({
    ...fx.credentials(DEMO_RENAULT_PASSWORD, 'acc1'),
    acc2: { username: DEMO_RENAULT_USER.toUpperCase(), password: second },
  });

  it('Renault: one sign-in, one token file and one call budget for two account nodes', async () => {
    await helper.load(nodes, renaultFlow(), renaultCredentials());
    await reply('status1', {}, 'out1');
    await reply('status2', {}, 'out2');
    assert.equal(fx.sim.renault.stats.logins, 1, 'one sign-in for both nodes');
    const [a, b] = [await stateOf('acc1'), await stateOf('acc2')];
    assert.equal(a.phase, 'ready');
    assert.ok((a.budget?.used ?? 0) > 0);
    assert.deepEqual(a.budget, b.budget, 'one budget');
    const files = (await fs.readdir(path.join(fx.userDir, 'connected-car'))).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1, `one token file: ${files.join(', ')}`);
  });

  it('Renault: a second node with the same user but another password says so and signs in nowhere', async () => {
    await helper.load(nodes, renaultFlow(), renaultCredentials('another-password'));
    const state = await stateOf('acc2');
    assert.equal(state.code, 'BAD_INPUT');
    assert.match(state.message ?? '', /same account with a different password/);
    assert.equal(fx.sim.renault.stats.logins, 0);
  });

  it('CarData: one device code and one MQTT connection for two account nodes of one client id', async () => {
    await helper.load(nodes, fx.flow(statusNodes(BMW), [fx.cardataAccount('acc1'), fx.cardataAccount('acc2')]), fx.cardataCredentials('acc1', 'acc2'));
    // The first read starts the sign-in; the simulator confirms the code after 0.5 s.
    helper.getNode('status1').receive({});
    await until(async () => (await stateOf('acc1')).phase === 'ready', 'acc1 ready', 100);
    const first = nextMessage(helper.getNode('out1'));
    const second = nextMessage(helper.getNode('out2'));
    helper.getNode('status1').receive({});
    helper.getNode('status2').receive({});
    await Promise.all([first, second]);
    assert.equal((await stateOf('acc2')).phase, 'ready', 'the second node shares the signed-in account');
    assert.equal(fx.sim.cardata.stats.deviceCodes, 1, 'one device code');
    assert.equal(fx.sim.cardata.stats.mqttConnects, 1, 'one MQTT connection');
  });
});
