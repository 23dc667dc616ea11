import { spawn } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../sim/renault';
import { log, t } from './nr-util';

/** The package's root folder (dist/src/cli -> root). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');
const HOST = '127.0.0.1';
/** The id the examples give their account node; the demo fills in its credentials. */
export const DEMO_ACCOUNT_ID = 'demo-renault-account';
/** Every account the examples bring, pointed at the simulator at each start. */
const DEMO_ACCOUNT_IDS = [DEMO_ACCOUNT_ID, 'demo-cardata-account'];
/** The simulator's options for the demo: a generous Renault quota, CarData codes confirmed by themselves. */
const DEMO_SIM = {
  renault: { quota: { limit: 600, windowMs: 3_600_000, lockoutMs: 900_000 } },
  cardata: { autoApproveMs: 3_000, brokerPort: 18861 },
};

interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

export async function runSimulator(options: { port: number; timeScale: number }): Promise<Simulator> {
  const sim = await startSimulator({
    host: HOST,
    port: options.port,
    timeScale: options.timeScale,
    ...DEMO_SIM,
    cardata: { ...DEMO_SIM.cardata, brokerPort: options.port + 1 },
    log: (line) => log.info(`[sim] ${line}`),
  });
  log.info(t('sim.listening', { url: sim.url }));
  log.info(t('sim.renault', { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl, user: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }));
  const stop = (): void => {
    log.info(t('sim.stopping'));
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}

/** Every example flow, merged (shared config nodes once), pointed at the simulator. */
export async function demoFlows(sim: Simulator): Promise<FlowNode[]> {
  const dir = path.join(PACKAGE_ROOT, 'examples');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const byId = new Map<string, FlowNode>();
  for (const file of files) {
    const nodes = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as FlowNode[];
    const tabId = `demo-tab-${path.basename(file, '.json')}`;
    byId.set(tabId, { id: tabId, type: 'tab', label: path.basename(file, '.json').replace(/^\d+-/, '').replace(/-/g, ' ') });
    for (const n of nodes) {
      if (byId.has(n.id)) continue;
      const placed = n.type.startsWith('car-account') || n.z === undefined ? n : { ...n, z: tabId };
      byId.set(n.id, n.type === 'car-account' ? withSimulator(n, sim) : n.type === 'tab' ? n : { ...placed, z: tabId });
    }
  }
  return [...byId.values()];
}

/** Points a demo account at this run's simulator (its ports may differ from the examples'). */
function withSimulator(account: FlowNode, sim: Simulator): FlowNode {
  if (account.provider === 'cardata') {
    return { ...account, apiUrl: sim.cardata.apiUrl, authUrl: sim.cardata.authUrl, ...(sim.cardata.brokerUrl ? { mqttUrl: sim.cardata.brokerUrl } : {}) };
  }
  return { ...account, gigyaUrl: sim.renault.gigyaUrl, kamereonUrl: sim.renault.kamereonUrl };
}

function settingsFile(port: number): string {
  return `// Written by \`npm start\` for the demo; changes are overwritten at the next start.
module.exports = {
  uiHost: ${JSON.stringify(HOST)},
  uiPort: ${port},
  flowFile: 'flows.json',
  // The demo's only credentials are the simulator's; real accounts belong in a real Node-RED.
  credentialSecret: false,
  logging: { console: { level: 'info', metrics: false, audit: false } },
  telemetry: { enabled: false },
  editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
};
`;
}

export async function runDemo(options: { port: number; simPort: number }): Promise<number> {
  const sim = await startSimulator({
    host: HOST,
    port: options.simPort,
    timeScale: 30,
    ...DEMO_SIM,
    cardata: { ...DEMO_SIM.cardata, brokerPort: options.simPort + 1 },
    log: (line) => log.debug(`[sim] ${line}`),
  });
  log.info(t('sim.listening', { url: sim.url }));
  const dir = path.join(PACKAGE_ROOT, '.demo');
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  await fs.writeFile(path.join(dir, 'settings.js'), settingsFile(options.port));
  const flowsPath = path.join(dir, 'flows.json');
  // Keep the user's changes to the demo flows; rewrite only the simulator's address.
  const flows = existsSync(flowsPath)
    ? (JSON.parse(await fs.readFile(flowsPath, 'utf8')) as FlowNode[]).map((n) => (n.type === 'car-account' && DEMO_ACCOUNT_IDS.includes(n.id) ? withSimulator(n, sim) : n))
    : await demoFlows(sim);
  await fs.writeFile(flowsPath, JSON.stringify(flows, null, 2));
  await fs.writeFile(path.join(dir, 'flows_cred.json'), JSON.stringify({ [DEMO_ACCOUNT_ID]: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } }));
  const link = path.join(dir, 'node_modules', 'node-red-contrib-connected-car');
  if (!existsSync(link)) await fs.symlink(PACKAGE_ROOT, link, 'dir');

  let redJs: string;
  try {
    redJs = require.resolve('node-red/red.js', { paths: [PACKAGE_ROOT] });
  } catch {
    log.error(t('demo.nodered-missing'));
    await sim.close();
    return 1;
  }
  log.info(t('demo.starting', { host: HOST, port: options.port, dir }));
  log.info(t('demo.open', { host: HOST, port: options.port }));
  const child = spawn(process.execPath, [redJs, '--userDir', dir, '--settings', path.join(dir, 'settings.js')], { stdio: 'inherit' });
  const stop = (): void => {
    child.kill('SIGINT');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
  log.info(t('demo.exited', { code }));
  await sim.close();
  return code;
}
