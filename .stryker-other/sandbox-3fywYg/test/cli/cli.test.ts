// @ts-nocheck
import { describe, it, before } from 'mocha';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/index';
import { initCliUtil } from '../../src/cli/nr-util';
import { PROJECT_ROOT } from '../helpers';

const run = promisify(execFile);
const BIN = path.join(PROJECT_ROOT, 'bin', 'connected-car.js');

/** Runs main() in this process and collects what it prints; a command that started something would never resolve. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await Promise.race([
    main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) }),
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`connected-car ${args.join(' ')} did not return: it started something`)), 5_000).unref()),
  ]);
  return { code, out, err };
}

describe('connected-car (the command line)', () => {
  before(() => initCliUtil('warn'));

  for (const args of [['--help'], ['-h'], ['help'], [], ['demo', '--help'], ['sim', '--help'], ['sim', '-h', '--port', '1'], ['parse', '--help']]) {
    it(`\`connected-car ${args.join(' ')}\` prints the usage on stdout and exits 0 without starting anything`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 0);
      assert.match(r.out, /connected-car demo/);
      assert.match(r.out, /connected-car sim/);
      assert.match(r.out, /--sim-port \+ 1/, 'the usage names the MQTT port');
      assert.equal(r.err, '');
    });
  }

  for (const args of [['frob'], ['demo', '--bogus'], ['sim', '--port'], ['sim', '--port', 'x'], ['demo', '--sim-port', '70000'], ['sim', '--time-scale', '0'], ['demo', 'extra']]) {
    it(`\`connected-car ${args.join(' ')}\` prints the usage on stderr and exits 2`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.equal(r.out, '');
      assert.match(r.err, /connected-car demo/);
    });
  }

  it('the installed command prints the usage on stdout, and exits 2 on a wrong option', async () => {
    const ok = await run(process.execPath, [BIN, 'sim', '--help'], { timeout: 20_000 });
    assert.match(ok.stdout, /^Usage:/);
    assert.doesNotMatch(ok.stdout, /\[info\]/, 'the usage is not a log line');
    await assert.rejects(run(process.execPath, [BIN, 'demo', '--nope'], { timeout: 20_000 }), (e: { code: number; stderr: string; stdout: string }) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr, /--nope/);
      assert.equal(e.stdout, '');
      return true;
    });
  });
});
