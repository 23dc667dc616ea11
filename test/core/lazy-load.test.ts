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
    renault: count('/dist/src/brands/renault/'), cardata: count('/dist/src/brands/cardata/'), features: count('/dist/src/features/') });`;

describe('loading the plugin', () => {
  // Five node files still import their features at load (the lazy node kit of src/nodes/code.ts
  // reaches car-trips and car-presence only): registering loads features, zod and undici, not a brand.
  it('registers the nine node types without loading a brand or mqtt', () => {
    // A fresh process: this one has loaded everything for other tests.
    const script = `${LOADED}
      const types = [];
      const RED = { nodes: { registerType: (t) => types.push(t), createNode() {}, getNode() {} }, settings: {}, httpAdmin: { get() {}, post() {} },
        auth: { needsPermission: () => () => undefined }, log: { info() {}, warn() {}, error() {}, debug() {} }, _: (k) => k };
      for (const n of ${JSON.stringify(NODE_FILES)}) require('./nodes/' + n + '.js')(RED);
      process.stdout.write(JSON.stringify({ types, ...loaded() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' })) as Record<string, unknown>;
    assert.deepEqual({ types: out.types, mqtt: out.mqtt, renault: out.renault, cardata: out.cardata }, { types: NODE_FILES, mqtt: 0, renault: 0, cardata: 0 });
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
