// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startSimulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { PROJECT_ROOT, removeDir, tempDir } from '../helpers';

const NODE_FILES = ['car-account', 'car-status', 'car-charging', 'car-request', 'car-command', 'car-trips', 'car-presence', 'car-events', 'car-homeassistant'];

/** What a fresh process holds in require.cache, by the part of the project or package it belongs to. */
const LOADED = `
  const count = (part) => Object.keys(require.cache).filter((k) => k.includes(part)).length;
  const loaded = () => ({ mqtt: count('/node_modules/mqtt/'), zod: count('/node_modules/zod/'), undici: count('/node_modules/undici/'),
    renault: count('/dist/src/brands/renault/'), cardata: count('/dist/src/brands/cardata/'), features: count('/dist/src/features/'),
    core: count('/dist/src/core/'), kit: count('/dist/src/nodes/kit.js') });`;

describe('loading the plugin', () => {
  // Node-RED loads every node file at start, used or not: each registers its type and loads the
  // kit, core and features (src/nodes/code.ts) with its first node or editor request (issue 17).
  it('registers the nine node types without loading the kit, core, features, zod, undici or mqtt', () => {
    // A fresh process: this one has loaded everything for other tests.
    const script = `${LOADED}
      const types = [];
      const RED = { nodes: { registerType: (t) => types.push(t), createNode() {}, getNode() {} }, settings: {}, httpAdmin: { get() {}, post() {} },
        auth: { needsPermission: () => () => undefined }, log: { info() {}, warn() {}, error() {}, debug() {} }, _: (k) => k };
      for (const n of ${JSON.stringify(NODE_FILES)}) require('./nodes/' + n + '.js')(RED);
      process.stdout.write(JSON.stringify({ types, ...loaded() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' })) as Record<string, unknown>;
    assert.deepEqual(out, { types: NODE_FILES, mqtt: 0, zod: 0, undici: 0, renault: 0, cardata: 0, features: 0, core: 0, kit: 0 });
  });

  it('an editor request loads the features it answers from (GET /connected-car/brands), without mqtt', () => {
    const script = `${LOADED}
      const routes = {};
      const types = {};
      const RED = { nodes: { registerType: (t, f) => { types[t] = f; }, createNode() {}, getNode: () => null }, settings: {},
        httpAdmin: { get: (p, _auth, h) => { routes[p] = h; }, post() {} },
        auth: { needsPermission: () => () => undefined }, log: { info() {}, warn() {}, error() {}, debug() {} }, _: (k) => k };
      require('./nodes/car-account.js')(RED);
      const before = loaded();
      let body;
      routes['/connected-car/brands']({ params: {}, query: {} }, { json: (b) => { body = b; } });
      process.stdout.write(JSON.stringify({ before, after: loaded(), answered: Array.isArray(body) || typeof body === 'object' }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' })) as { before: Record<string, number>; after: Record<string, number>; answered: boolean };
    assert.equal(out.before.features, 0);
    assert.equal(out.answered, true);
    assert.ok(Number(out.after.features) > 0 && Number(out.after.core) > 0 && Number(out.after.zod) > 0, JSON.stringify(out.after));
    // What a brand offers comes from its offer file, without its client code or mqtt.
    assert.equal(out.after.mqtt, 0);
  });

  it('a Renault account that starts and reads loads Renault code only: no CarData code, no mqtt', async () => {
    const sim = await startSimulator({ port: 0, host: '127.0.0.1' });
    const userDir = await tempDir();
    try {
      const script = `${LOADED}
        const { createSession } = require('./dist/src/features/accounts');
        const session = createSession({ key: 'lazy', userDir: ${JSON.stringify(userDir)}, settings: { provider: 'renault', locale: 'fr_FR',
          username: ${JSON.stringify(DEMO_RENAULT_USER)}, password: ${JSON.stringify(DEMO_RENAULT_PASSWORD)},
          servers: { gigya: ${JSON.stringify(sim.renault.gigyaUrl)}, kamereon: ${JSON.stringify(sim.renault.kamereonUrl)} } } });
        session.vehicles()
          .then((v) => session.readStatus(v[0].vin, ['battery', 'position'], { maxAgeMs: 0 }))
          .then((s) => { process.stdout.write(JSON.stringify({ soc: typeof s.battery?.socPercent, ...loaded() })); return session.close(); })
          .catch((e) => { console.error(e); process.exitCode = 1; });`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      const out = JSON.parse(stdout) as Record<string, number | string>;
      assert.equal(out.soc, 'number', `the read worked: ${JSON.stringify(out)}`);
      assert.ok(Number(out.renault) > 0, `Renault code loaded: ${JSON.stringify(out)}`);
      assert.ok(Number(out.zod) > 0 && Number(out.undici) > 0);
      assert.equal(out.cardata, 0, 'no CarData code');
      assert.equal(out.mqtt, 0, 'no mqtt module');
    } finally {
      await sim.close();
      await removeDir(userDir);
    }
  });
});
