import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, eventually, removeDir, tempDir } from '../helpers';
import { freePort, startNodeRed, type NodeRedProcess } from '../nodered-process';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  'node-red': { nodes: Record<string, string> };
};

interface NodeSetInfo {
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

describe('install from the tarball, as users do', function () {
  // npm install from the registry, a Node-RED start and the demo from the tarball: minutes on a busy 2-core machine.
  this.timeout(480_000);
  let work: string;
  let nr: NodeRedProcess | undefined;

  before(async () => {
    work = await tempDir('cc-pack-');
  });
  after(async () => {
    await nr?.stop();
    await removeDir(work);
  });

  it('packs, installs into a fresh user directory, and loads every node without an error', async () => {
    // The build already ran (npm test builds first); pack what it made.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PROJECT_ROOT });
    const packed = JSON.parse(stdout) as { filename: string; size: number; files: { path: string }[] }[];
    const tarball = path.join(work, packed[0]?.filename ?? '');
    const files = (packed[0]?.files ?? []).map((f) => f.path);
    for (const type of Object.keys(pkg['node-red'].nodes)) {
      assert.ok(files.includes(`nodes/${type}.js`), `${type}.js is packed`);
      assert.ok(files.includes(`nodes/${type}.html`), `${type}.html is packed`);
      for (const lang of ['en-US', 'de', 'fr']) assert.ok(files.includes(`nodes/locales/${lang}/${type}.html`), `${type}'s ${lang} help is packed`);
    }
    assert.ok(files.includes('dist/src/nodes/car-status.js'), 'the compiled code is packed');
    for (const type of Object.keys(pkg['node-red'].nodes)) assert.ok(files.includes(`nodes/icons/${type}.svg`), `${type}'s icon is packed next to the node files`);
    assert.ok(files.includes('resources/vehicle-picker.js'), "the editor's shared vehicle picker is packed");
    assert.ok(files.includes('resources/dialog.js'), "the dialogs' shared code is packed");
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('src/')), 'no tests or sources in the package');
    assert.ok(!files.some((f) => f.includes('fixtures')), 'no recorded fixtures in the package');

    const userDir = path.join(work, 'userdir');
    await fs.mkdir(userDir, { recursive: true });
    await fs.writeFile(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], { cwd: userDir, maxBuffer: 10 * 1024 * 1024 });

    nr = await startNodeRed({ userDir, linkPlugin: false });
    const res = await fetch(`${nr.url}/nodes`, { headers: { accept: 'application/json' } });
    const sets = (await res.json()) as NodeSetInfo[];
    const ours = sets.filter((s) => s.module === pkg.name);
    const types = ours.flatMap((s) => s.types);
    for (const type of Object.keys(pkg['node-red'].nodes)) assert.ok(types.includes(type), `${type} is registered`);
    for (const s of ours) {
      assert.equal(s.err, undefined, `${s.types.join(',')}: ${s.err ?? ''}`);
      assert.equal(s.enabled, true);
    }
    // The shared editor scripts are served where the dialogs load them from.
    const picker = await fetch(`${nr.url}/resources/${pkg.name}/vehicle-picker.js`);
    assert.equal(picker.status, 200);
    assert.match(await picker.text(), /connectedCarVehiclePicker/);
    const dialog = await fetch(`${nr.url}/resources/${pkg.name}/dialog.js`);
    assert.equal(dialog.status, 200);
    assert.match(await dialog.text(), /connectedCarDialog/);
    const log = nr.log();
    assert.doesNotMatch(log, /\[error\]/, 'no error in the Node-RED log');
    assert.doesNotMatch(log, /\[warn\].*(connected-car|car-)/, 'no warning about our nodes');
    await nr.stop();
    nr = undefined;

    // Under 1 MB, no source maps, each file once, and the README's docs/ links inside the package.
    assert.ok((packed[0]?.size ?? Infinity) < 1_000_000, `the tarball is under 1 MB (${packed[0]?.size ?? '?'} bytes)`);
    assert.ok(!files.some((f) => f.endsWith('.map')), 'no source maps in the package');
    assert.ok(!files.some((f) => f.startsWith('icons/')), 'the icons once, where Node-RED loads them');
    const readme = await fs.readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const [, link] of readme.matchAll(/\]\(((?!https?:|#|mailto:)[^)\s]+)\)/g)) {
      assert.ok(files.includes(link ?? ''), `README links to ${link ?? ''}, which is in the package`);
    }

    // The command, as installed: usage on stdout; the demo (with Node-RED and aedes found beside it) names its ports and starts.
    const help = await run('npx', ['--no-install', 'connected-car', '--help'], { cwd: userDir });
    assert.match(help.stdout, /^Usage:/);
    // execFile rejects on a non-zero exit: these resolving is the exit code 0.
    const demoHelp = await run('npx', ['--no-install', 'connected-car', 'demo', '--help'], { cwd: userDir });
    assert.match(demoHelp.stdout, /^Usage:[\s\S]*connected-car demo/, 'demo --help prints the usage and starts nothing');
    const simHelp = await run('npx', ['--no-install', 'connected-car', 'sim', '--help'], { cwd: userDir });
    assert.match(simHelp.stdout, /^Usage:[\s\S]*connected-car sim/, 'sim --help prints the usage and starts nothing');
    await assert.rejects(run('npx', ['--no-install', 'connected-car', 'demo', '--no-such-option'], { cwd: userDir, timeout: 30_000 }), (e: { code: number; stdout: string; stderr: string }) => {
      assert.equal(e.code, 2, 'a wrong argument exits 2');
      assert.match(e.stderr, /Usage:/, 'with the usage on stderr');
      assert.equal(e.stdout, '', 'and nothing on stdout');
      return true;
    });
    const [editor, sim] = [await freePort(), await freePort()];
    const demo = spawn('npx', ['--no-install', 'connected-car', 'demo', '--port', String(editor), '--sim-port', String(sim), '--dir', path.join(work, 'demo')], {
      cwd: userDir,
      env: { ...process.env, NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      // Until the editor answers or the demo exits; mocha's timeout is the deadline.
      let up = false;
      await eventually(async () => {
        up = await fetch(`http://127.0.0.1:${editor}/settings`).then((r) => r.ok, () => false);
        return up || demo.exitCode !== null;
      }, "the demo's editor", 500);
      assert.ok(up, `the demo's editor answers:\n${output}`);
      assert.ok(output.includes(`http://127.0.0.1:${editor}`) && output.includes(`http://127.0.0.1:${sim}`) && /simulator MQTT mqtt:\/\/127\.0\.0\.1:\d+/.test(output), `the demo names its three ports:\n${output}`);
      const health = await fetch(`http://127.0.0.1:${sim}/health`);
      assert.equal(health.status, 200, 'the simulator answers');
    } finally {
      if (demo.pid && demo.exitCode === null) process.kill(-demo.pid, 'SIGINT');
      // The demo exits within its 3 s grace on Ctrl-C; a process that does not must not hold the suite.
      const killer = setTimeout(() => demo.pid && demo.exitCode === null && process.kill(-demo.pid, 'SIGKILL'), 15_000);
      await new Promise((r) => (demo.exitCode === null ? demo.once('exit', r) : r(undefined)));
      clearTimeout(killer);
    }
  });
});
