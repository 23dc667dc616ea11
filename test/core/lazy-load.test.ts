import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../helpers';

describe('loading the plugin', () => {
  it('loads the seven node files without mqtt: a flow without a CarData account never loads it', () => {
    // A fresh process: this one has loaded mqtt for the stream tests.
    const script = `
      for (const n of ['car-account', 'car-status', 'car-charging', 'car-request', 'car-command', 'car-trips', 'car-presence']) require('./nodes/' + n + '.js');
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('/node_modules/mqtt/')).length));`;
    const mqttModules = Number(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' }));
    assert.equal(mqttModules, 0);
  });
});
