import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { VehicleStatusSchema } from '../../src/core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { removeDir, tempDir } from '../helpers';
import { accountFile, helper, nextMessage, nodeModule } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

describe('car-status node', () => {
  let sim: Simulator;
  let userDir: string;

  before(async () => {
    sim = await startSimulator({ port: 0 });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    userDir = await tempDir('cc-nodes-');
    helper.settings({ userDir });
    await helper.startServer();
    sim.renault.resetStats();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await removeDir(userDir);
  });

  function flow(extra: Record<string, unknown> = {}, account: Record<string, unknown> = {}): unknown[] {
    return [
      { id: 'tab', type: 'tab' },
      {
        id: 'acc',
        type: 'car-account',
        provider: 'renault',
        locale: 'fr_FR',
        gigyaUrl: sim.renault.gigyaUrl,
        kamereonUrl: sim.renault.kamereonUrl,
        ...account,
      },
      { id: 'status', z: 'tab', type: 'car-status', account: 'acc', vin: ZOE, interval: 10, parts: '', onlyOnChange: false, wires: [['out']], ...extra },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
  }
  const credentials = (password = DEMO_RENAULT_PASSWORD): Record<string, unknown> => structuredClone({ acc: { username: DEMO_RENAULT_USER, password } });

  it('emits a VehicleStatus from the simulator on an input message', async () => {
    await helper.load(nodes, flow(), credentials());
    const out = helper.getNode('out');
    const got = nextMessage(out);
    helper.getNode('status').receive({ payload: 'go', keep: 'me' });
    const msg = await got;
    const parsed = VehicleStatusSchema.safeParse(msg.payload);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
    assert.equal(parsed.data.vin, ZOE);
    assert.ok(parsed.data.battery?.socPercent !== undefined);
    assert.equal(msg.topic, `car/${ZOE}/status`);
    assert.equal((msg.vehicle as { vin: string }).vin, ZOE);
    assert.equal(msg.keep, 'me', 'the input message properties are kept');
    const status = helper.getNode('status').status.lastCall?.args[0] as { fill: string; text: string };
    assert.equal(status.fill, 'green');
    assert.match(status.text, /\d+ % · \d+ km/);
  });

  it('keeps the tokens in a 0600 file under the user directory, never in the flow', async () => {
    await helper.load(nodes, flow(), credentials());
    const got = nextMessage(helper.getNode('out'));
    helper.getNode('status').receive({});
    await got;
    await helper.unload();
    const file = await accountFile(userDir);
    const stat = await fs.stat(file);
    assert.equal(stat.mode & 0o777, 0o600);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes(DEMO_RENAULT_PASSWORD + '"'), 'no password in the token file');
    // A redeploy (new nodes, same user directory) signs in no more.
    const logins = sim.renault.stats.logins;
    await helper.load(nodes, flow(), credentials());
    const again = nextMessage(helper.getNode('out'));
    helper.getNode('status').receive({});
    await again;
    assert.equal(sim.renault.stats.logins, logins);
  });

  it('sends RATE_LIMITED with msg.error.code to a Catch node when Renault says "quota reached"', async () => {
    await helper.load(nodes, flow({ parts: 'battery' }), credentials());
    sim.renault.injectFault({ kind: 'overloaded', path: 'battery-status', times: 1 });
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('status').receive({ payload: 'go' });
    const msg = await caught;
    const error = msg.error as { code: string; message: string };
    assert.equal(error.code, 'RATE_LIMITED');
    assert.match(error.message, /quota/);
    const status = helper.getNode('status').status.lastCall?.args[0] as { fill: string; text: string };
    assert.equal(status.fill, 'yellow');
    assert.match(status.text, /rate-limited|rate limited/);
  });

  it('sends AUTH_FAILED once for a wrong password and keeps the password out of the error', async () => {
    await helper.load(nodes, flow(), credentials('not-the-password'));
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('status').receive({});
    const msg = await caught;
    const error = msg.error as { code: string; message: string };
    assert.equal(error.code, 'AUTH_FAILED');
    assert.ok(!JSON.stringify(msg.error).includes('not-the-password'));
    const second = nextMessage(helper.getNode('caught'));
    helper.getNode('status').receive({});
    assert.equal(((await second).error as { code: string }).code, 'AUTH_FAILED');
    assert.equal(sim.renault.stats.logins, 1, 'the second request did not try the password again');
  });

  it('refuses bad settings with BAD_INPUT naming the field', async () => {
    await helper.load(nodes, flow({ parts: 'battery,wings' }), credentials());
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('status').receive({});
    const error = (await caught).error as { code: string; message: string };
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /parts must be a list of: battery, fuel/);
  });

  it('refuses an unknown locale in the account with BAD_INPUT', async () => {
    await helper.load(nodes, flow({}, { locale: 'xx_XX' }), credentials());
    const caught = nextMessage(helper.getNode('caught'));
    helper.getNode('status').receive({});
    const error = (await caught).error as { code: string; message: string };
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /locale "xx_XX".*fr_FR/);
  });

  it('lists the vehicles for the editor picker through a protected admin endpoint', async () => {
    await helper.load(nodes, flow(), credentials());
    const res = await helper.request().get('/connected-car/accounts/acc/vehicles').expect(200);
    const list = res.body as { vin: string; name: string }[];
    assert.ok(list.some((v) => v.vin === ZOE));
    const state = await helper.request().get('/connected-car/accounts/acc/state').expect(200);
    assert.equal((state.body as { phase: string }).phase, 'ready');
    assert.ok(!JSON.stringify(state.body).includes('eyJ'), 'no token in the state');
    await helper.request().get('/connected-car/accounts/nope/vehicles').expect(404);
  });
});
