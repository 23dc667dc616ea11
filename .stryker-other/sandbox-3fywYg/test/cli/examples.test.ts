// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEMO_CARDATA_CLIENT_ID } from '../../src/sim';
import { pointAtSimulator, SIMULATOR_ENV, SIMULATOR_MQTT_ENV } from '../../src/features/accounts';
import { demoFlows, modulesNeeded, paletteModule } from '../../src/cli/demo';
import { HA_BROKER_ENV, haBrokerOverride } from '../../src/features/home-assistant';
import { CarError } from '../../src/core';
import { PROJECT_ROOT } from '../helpers';

interface FlowNode {
  id: string;
  type: string;
  [k: string]: unknown;
}
const DIR = path.join(PROJECT_ROOT, 'examples');

async function examples(): Promise<[string, string, FlowNode[]][]> {
  const files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => {
    const text = await fs.readFile(path.join(DIR, f), 'utf8');
    return [f, text, JSON.parse(text) as FlowNode[]] as [string, string, FlowNode[]];
  }));
}

describe('the example flows, as a user imports them', () => {
  it('name no simulator address and no made-up client id: every account is the real cloud, to be filled in', async () => {
    const all = await examples();
    assert.ok(all.length >= 8);
    for (const [file, text, nodes] of all) {
      assert.doesNotMatch(text, /127\.0\.0\.1|localhost|:1886\d/, `${file} names no local server`);
      assert.ok(!text.includes(DEMO_CARDATA_CLIENT_ID), `${file} has no made-up CarData client id`);
      const accounts = nodes.filter((n) => n.type === 'car-account');
      assert.ok(accounts.length >= 1, `${file} brings its account`);
      for (const a of accounts) {
        for (const k of ['gigyaUrl', 'kamereonUrl', 'apiUrl', 'authUrl', 'mqttUrl', 'clientId', 'gigyaApiKey', 'kamereonApiKey']) {
          assert.ok(a[k] === undefined || a[k] === '', `${file}: ${a.id}.${k} is empty (the real cloud's default, or the user's to fill in)`);
        }
      }
      const comment = nodes.find((n) => n.type === 'comment');
      assert.ok(typeof comment?.info === 'string' && /your own car/i.test(comment.info), `${file} tells how to use it with one's own car`);
    }
  });

  it('use only what the brands can do: no lock command, and the file node writes under the user directory', async () => {
    for (const [file, , nodes] of await examples()) {
      for (const n of nodes.filter((x) => x.type === 'car-command')) assert.notEqual(n.command, 'lock', `${file}: no brand locks remotely`);
      for (const n of nodes.filter((x) => x.type === 'file')) assert.equal(n.filenameType, 'msg', `${file}: the file name comes from the flow, not the working directory`);
    }
  });

  it('the demo gives a budget in its own copy (the simulator client id goes to the credentials), and leaves the server fields empty', async () => {
    const flows = await demoFlows();
    const accounts = flows.filter((n) => n.type === 'car-account');
    assert.equal(accounts.length, 2, 'one Renault and one CarData account, shared by the examples');
    for (const a of accounts) {
      assert.equal(a.budgetPerHour, '600');
      for (const k of ['gigyaUrl', 'kamereonUrl', 'apiUrl', 'authUrl', 'mqttUrl']) assert.ok(!a[k], `${a.id}.${k} empty`);
    }
    // The client id is a credential (flows_cred.json), never in the flow.
    assert.equal(accounts.find((a) => a.provider === 'cardata')?.clientId, '');
    // Polling nodes read at least every 5 min, so that the budget keeps every interval set (the demo test sees no budget warning).
    for (const s of flows.filter((n) => n.type === 'car-status')) assert.ok(!Number(s.interval) || Number(s.interval) >= 5, `${s.id} reads every ${String(s.interval)} min in the demo`);
    assert.equal(flows.find((n) => n.id === 'ex1-status')?.interval, 5, "example 01's 15 min become 5 on the demo's clock");
  });
});

describe('CONNECTED_CAR_SIMULATOR', () => {
  const renault = { provider: 'renault', servers: { gigya: undefined, kamereon: '' } };

  it('without it, settings are left alone', () => {
    assert.deepEqual(pointAtSimulator(renault, {}), { settings: renault });
  });

  it('fills in only empty server fields, for Renault and for CarData (MQTT on the next port unless named)', () => {
    const r = pointAtSimulator({ provider: 'renault', servers: { gigya: 'https://accounts.example', kamereon: '' } }, { [SIMULATOR_ENV]: 'http://127.0.0.1:3000/' });
    assert.equal(r.simulator, 'http://127.0.0.1:3000');
    assert.deepEqual(r.settings.servers, { gigya: 'https://accounts.example', kamereon: 'http://127.0.0.1:3000/renault/kamereon' });
    const c = pointAtSimulator({ provider: 'cardata', servers: {} }, { [SIMULATOR_ENV]: 'http://localhost:2000' });
    assert.deepEqual(c.settings.servers, { api: 'http://localhost:2000/cardata/api', auth: 'http://localhost:2000/cardata/gcdm', mqtt: 'mqtt://localhost:2001' });
    const m = pointAtSimulator({ provider: 'cardata', servers: {} }, { [SIMULATOR_ENV]: 'http://localhost:2000', [SIMULATOR_MQTT_ENV]: 'mqtt://127.0.0.1:4444' });
    assert.equal(m.settings.servers?.mqtt, 'mqtt://127.0.0.1:4444');
  });

  it('refuses anything but a simulator on this machine', () => {
    for (const value of ['https://127.0.0.1:3000', 'http://10.0.0.2:3000', 'http://example.com', 'not a url', 'http://127.0.0.1.example.com:1']) {
      assert.throws(() => pointAtSimulator(renault, { [SIMULATOR_ENV]: value }), (e: { code: string }) => e.code === 'BAD_INPUT', value);
    }
    assert.throws(() => pointAtSimulator(renault, { [SIMULATOR_ENV]: 'http://127.0.0.1:1', [SIMULATOR_MQTT_ENV]: 'mqtt://broker.example:1883' }), /on this machine/);
  });

  it('runs the dashboard example in the demo only where Dashboard 2 and the worldmap are installed (a missing type would hold every flow back)', async () => {
    const nodes = JSON.parse(await fs.readFile(path.join(DIR, '11-dashboard.json'), 'utf8')) as FlowNode[];
    assert.deepEqual(modulesNeeded(nodes), ['@flowfuse/node-red-dashboard', 'node-red-contrib-web-worldmap']);
    assert.deepEqual(modulesNeeded([{ id: 'a', type: 'car-status' }, { id: 'b', type: 'debug' }]), []);
    assert.equal(paletteModule('no-such-module-here'), undefined);
    // This checkout has both as devDependencies: the demo runs the dashboard.
    assert.ok(paletteModule('@flowfuse/node-red-dashboard'));
    assert.ok((await demoFlows()).some((n) => n.type === 'ui-gauge'));
  });

  it("leaves the Home Assistant example's broker as the example has it: CONNECTED_CAR_HA_BROKER points it at the demo's broker from outside the flow", async () => {
    const broker = (await demoFlows()).find((n) => n.type === 'mqtt-broker');
    assert.equal(broker?.broker, 'homeassistant.local');
    assert.equal(haBrokerOverride({}), undefined, 'unset: the broker node decides');
    assert.deepEqual(haBrokerOverride({ [HA_BROKER_ENV]: 'mqtt://127.0.0.1:41234' }), { host: '127.0.0.1', port: 41234, url: 'mqtt://127.0.0.1:41234' });
    assert.equal(haBrokerOverride({ [HA_BROKER_ENV]: 'mqtt://localhost' })?.port, 1883);
    for (const wrong of ['mqtt://homeassistant.local:1883', 'http://127.0.0.1:1883', 'not a url']) {
      assert.throws(() => haBrokerOverride({ [HA_BROKER_ENV]: wrong }), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && e.message.includes(HA_BROKER_ENV), wrong);
    }
  });
});
