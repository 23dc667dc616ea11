/**
 * stryker.config.mjs (issue 19): every group's test spec must find its test files the way mocha looks them up. A
 * braced spec once matched nothing in mocha (glob 10 does not count braces as a glob) and its tests were left out of
 * the runs without a word, so files looked unreached by any test.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers';

const run = promisify(execFile);

const GROUPS = ['core', 'features-place', 'features-state', 'features-account', 'renault', 'cardata'];

/** For one group: each spec entry with the number of test files mocha finds for it, and the mutated files' count. */
const PROBE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const lookupFiles = require('mocha/lib/cli/lookup-files.js');
// The glob that mocha itself uses (no dependency of ours); Stryker reads the mutate globs with minimatch, braces included.
const { globSync } = createRequire(require.resolve('mocha'))('glob');
const config = (await import('./stryker.config.mjs')).default;
const specs = config.mochaOptions.spec.map((spec) => {
  try { return [spec, lookupFiles(spec, ['js']).length]; } catch { return [spec, 0]; }
});
const mutated = config.mutate.filter((m) => !m.startsWith('!')).flatMap((m) => globSync(m));
console.log(JSON.stringify({ specs, mutated: mutated.length }));
`;

describe('mutation testing configuration', () => {
  for (const group of GROUPS) {
    it(`group ${group}: every spec entry finds test files through mocha's own lookup, and its files exist`, async () => {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: PROJECT_ROOT, env: { ...process.env, MUTATE_GROUP: group } });
      const { specs, mutated } = JSON.parse(stdout) as { specs: [string, number][]; mutated: number };
      assert.ok(specs.length > 0, 'no spec');
      assert.deepEqual(specs.filter(([, files]) => files === 0).map(([spec]) => spec), [], 'spec entries that find no test file');
      assert.ok(mutated > 0, 'no file to mutate');
    });
  }

  it('refuses an unknown group, naming the allowed ones', async () => {
    await assert.rejects(run(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: PROJECT_ROOT, env: { ...process.env, MUTATE_GROUP: 'nope' } }), (e: Error & { stderr: string }) => {
      assert.match(e.stderr, /MUTATE_GROUP must be one of core, features-place, features-state, features-account, renault, cardata/);
      return true;
    });
  });
});
