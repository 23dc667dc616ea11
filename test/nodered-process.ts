/**
 * A real Node-RED (not the test helper) in a child process, with a private user directory:
 * for the browser tests and the install-from-tarball test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { PROJECT_ROOT } from './helpers';

export interface NodeRedProcess {
  url: string;
  port: number;
  userDir: string;
  /** Everything Node-RED printed so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  userDir: string;
  /** Link this project into userDir/node_modules (otherwise the caller installed it there). */
  linkPlugin?: boolean;
  flows?: unknown[];
  credentials?: Record<string, unknown>;
  /** Node binary (another Node.js line); default: this process's. */
  nodeBinary?: string;
  /** Node-RED's red.js; default: the project's devDependency. */
  redJs?: string;
  timeoutMs?: number;
  /** Extra environment variables for Node-RED (e.g. CONNECTED_CAR_SIMULATOR). */
  env?: Record<string, string>;
  /** Node-RED's httpNodeRoot (where HTTP nodes and dashboards are served; the Home Assistant add-on uses /endpoint). */
  httpNodeRoot?: string;
}

export async function startNodeRed(options: StartOptions): Promise<NodeRedProcess> {
  const { userDir } = options;
  const port = await freePort();
  await fs.mkdir(path.join(userDir, 'node_modules'), { recursive: true });
  if (options.linkPlugin !== false) {
    const link = path.join(userDir, 'node_modules', 'node-red-contrib-connected-car');
    await fs.rm(link, { recursive: true, force: true });
    await fs.symlink(PROJECT_ROOT, link, 'dir');
  }
  await fs.writeFile(
    path.join(userDir, 'settings.js'),
    `module.exports = {
  uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: false,${options.httpNodeRoot ? ` httpNodeRoot: ${JSON.stringify(options.httpNodeRoot)},` : ''}
  logging: { console: { level: 'info', metrics: false, audit: false } },
  telemetry: { enabled: false },
  editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
};\n`,
  );
  await fs.writeFile(path.join(userDir, 'flows.json'), JSON.stringify(options.flows ?? []));
  if (options.credentials) await fs.writeFile(path.join(userDir, 'flows_cred.json'), JSON.stringify(options.credentials));
  const redJs = options.redJs ?? require.resolve('node-red/red.js', { paths: [PROJECT_ROOT] });
  let output = '';
  const child: ChildProcess = spawn(options.nodeBinary ?? process.execPath, [redJs, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_ENABLE_TOURS: 'false', ...options.env },
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  // Its own deadline, not mocha's: this helper owns the child, and a start that hangs must kill it (a caller's after()
  // never sees a process that startNodeRed did not return), or mocha would wait on it for ever.
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${output}`);
    // The runtime's log is in its language (LC_ALL): English, or French for the dots' browser test.
    if (/Started flows|Server now running|Flux démarrés/.test(output)) {
      try {
        const res = await fetch(`${url}/settings`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Node-RED did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    userDir,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
