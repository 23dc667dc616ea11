import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { WebSocket } from 'undici';
import { PROJECT_ROOT, removeDir, tempDir } from '../helpers';
import { freePort } from '../nodered-process';

const CARS = {
  Zoe: 'VF1AG000862Z50001',
  'Renault 5': 'VF1R5E00125R50002',
  'BMW i4': 'WBY31AW0X0FCD0001',
  MINI: 'WMZ21GA0X07CD0002',
};

/** What the editor's debug sidebar receives (Node-RED's /comms websocket), and the nodes' status dots. */
interface Seen {
  debug: { name: string; msg: string }[];
  status: Map<string, string>;
}

describe('connected-car demo, as a new user meets it', function () {
  this.timeout(210_000);
  let dir: string;
  let demo: ChildProcess | undefined;
  let output = '';
  let ws: WebSocket | undefined;

  before(async () => {
    dir = await tempDir('cc-demo-');
  });
  after(async () => {
    ws?.close();
    if (demo && demo.exitCode === null) {
      demo.kill('SIGINT');
      const killer = setTimeout(() => demo?.kill('SIGKILL'), 10_000);
      await new Promise((r) => demo?.once('exit', r));
      clearTimeout(killer);
    }
    await removeDir(dir);
  });

  it('shows both Renault cars and the BMW and the MINI with their state of charge, a value that moves and the presence within 60 s, from a fresh start after an earlier run', async () => {
    // Tokens an earlier run left behind belong to another simulator: the demo starts without them.
    await fs.mkdir(path.join(dir, 'connected-car'), { recursive: true });
    await fs.writeFile(path.join(dir, 'connected-car', 'stale-token.json'), '{"refreshToken":"from an earlier run"}');
    const [editor, sim] = [await freePort(), await freePort()];
    demo = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'connected-car.js'), 'demo', '--port', String(editor), '--sim-port', String(sim), '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const url = `http://127.0.0.1:${editor}`;
    const until = async (what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > deadline || demo?.exitCode !== null) throw new Error(`timed out waiting for ${what}:\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await until("the demo's editor", () => fetch(`${url}/settings`).then((r) => r.ok, () => false), 60_000);
    const started = Date.now();
    assert.ok(output.includes(`mqtt://127.0.0.1:${sim + 1}`), 'the demo names the MQTT port');
    await assert.rejects(fs.stat(path.join(dir, 'connected-car', 'stale-token.json')), 'the earlier run\'s tokens are gone');

    const seen: Seen = { debug: [], status: new Map() };
    ws = new WebSocket(`ws://127.0.0.1:${editor}/comms`);
    ws.onopen = () => {
      ws?.send(JSON.stringify({ subscribe: 'debug' }));
      ws?.send(JSON.stringify({ subscribe: 'status/#' }));
    };
    ws.onmessage = (e: { data: unknown }) => {
      for (const m of JSON.parse(String(e.data)) as { topic: string; data: { name?: string; msg?: unknown; text?: string } }[]) {
        if (m.topic === 'debug') seen.debug.push({ name: m.data.name ?? '', msg: String(m.data.msg) });
        else if (m.topic.startsWith('status/')) seen.status.set(m.topic.slice(7), m.data.text ?? '');
      }
    };
    const withSoc = (vin: string): boolean => seen.debug.some((d) => d.msg.includes(vin) && /"socPercent":\d/.test(d.msg));
    try {
      await until('every car with its state of charge in the debug sidebar', () => Object.values(CARS).every(withSoc), 60_000);
    } catch (e) {
      const missing = Object.entries(CARS).filter(([, vin]) => !withSoc(vin)).map(([name]) => name);
      throw new Error(`after ${Math.round((Date.now() - started) / 1000)} s no state of charge for ${missing.join(', ')}; saw ${seen.debug.map((d) => d.name).join(', ')}\n${(e as Error).message}`);
    }
    // Values move while one watches (the simulator's clock runs 30 times faster), and the presence knows where the car is.
    const socs = (vin: string): Set<string> => new Set(seen.debug.filter((d) => d.msg.includes(vin)).flatMap((d) => [.../"socPercent":([\d.]+)/.exec(d.msg)?.slice(1) ?? []]));
    // The second read of a car comes a poll interval after the first (a minute, or more when the budget stretches it):
    // a moving value is waited for up to two minutes from the start, so that a busy machine does not fail the demo.
    await until('a state of charge that changes', () => Object.values(CARS).some((vin) => socs(vin).size >= 2), Math.max(1_000, 120_000 - (Date.now() - started)));
    await until('the presence home or away with a distance', () => /^(home|away) · \d+/.test(seen.status.get('ex6-presence') ?? ''), Math.max(1_000, 60_000 - (Date.now() - started)));
    assert.doesNotMatch(output, /TFA_REQUIRED|invalid_grant|\[error\]/, 'no sign-in trouble, no error');
  });
});
