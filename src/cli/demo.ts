import { spawn } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../sim/renault';
import { SIMULATOR_ENV, SIMULATOR_MQTT_ENV } from '../features/accounts';
import { log, t } from './nr-util';

/** The package's root folder (dist/src/cli -> root). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');
const HOST = '127.0.0.1';
/** The id the examples give their account node; the demo fills in its credentials. */
export const DEMO_ACCOUNT_ID = 'demo-renault-account';
/** The CarData account the examples bring; the demo gives it the simulator's client id (a credential). */
export const DEMO_CARDATA_ACCOUNT_ID = 'demo-cardata-account';
/** Every account the examples bring, set up for the simulator at each start. */
const DEMO_ACCOUNT_IDS = [DEMO_ACCOUNT_ID, DEMO_CARDATA_ACCOUNT_ID];
/** The simulator runs 30 times faster than real time: a minute shows half an hour of the cars' day. */
export const DEMO_TIME_SCALE = 30;
/**
 * The demo reads more often than a real car allows: every minute (the simulator's half hour),
 * within a budget that fits it (the most an account may set; the simulator allows it too).
 */
const DEMO_INTERVAL_MIN = 1;
const DEMO_BUDGET_PER_HOUR = 600;
const DEMO_PRESENCE_MAX_AGE_MIN = 1440;
/** The simulator's options for the demo: a generous Renault quota, CarData codes confirmed by themselves. */
const DEMO_SIM = {
  renault: { quota: { limit: 600, windowMs: 3_600_000, lockoutMs: 900_000 } },
  cardata: { autoApproveMs: 2_000, pollIntervalS: 2, brokerPort: 18861 },
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
  if (sim.cardata.brokerUrl) log.info(t('sim.mqtt', { url: sim.cardata.brokerUrl }));
  log.info(t('sim.point', { env: SIMULATOR_ENV, url: sim.url }));
  log.info(t('sim.renault', { gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl, user: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }));
  const stop = (): void => {
    log.info(t('sim.stopping'));
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}

/** Every example flow, merged (shared config nodes once), set up for the demo. */
export async function demoFlows(): Promise<FlowNode[]> {
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
      byId.set(n.id, n.type === 'tab' ? n : demoNode(n.type === 'car-account' ? n : { ...placed, z: tabId }));
    }
  }
  return withFirstRead([...byId.values()]);
}

/** The demo's own inject node: reads the BMW and the MINI once the CarData sign-in is through. */
const FIRST_READ_ID = 'demo-ex2-first-read';

/**
 * The CarData stream opens with the first status read after the sign-in; the status nodes' first
 * read comes before the simulator confirmed the code, their next one a minute later. The demo
 * reads once more after a few seconds, so that the BMW and the MINI stream from the start.
 */
function withFirstRead(flows: FlowNode[]): FlowNode[] {
  const targets = ['ex2-status-bmw', 'ex2-status-mini'].filter((id) => flows.some((n) => n.id === id));
  const z = flows.find((n) => n.id === targets[0])?.z;
  if (targets.length === 0 || flows.some((n) => n.id === FIRST_READ_ID)) return flows;
  return [
    ...flows,
    { id: FIRST_READ_ID, type: 'inject', z, name: 'demo: first read once signed in', props: [], repeat: '', once: true, onceDelay: 8, topic: '', x: 160, y: 220, wires: [targets] },
  ];
}

/**
 * A node of the examples as the demo runs it: its accounts with the simulator's CarData client
 * id, a budget for the compressed clock and empty server fields (CONNECTED_CAR_SIMULATOR points
 * them at the simulator); its status nodes reading every minute. Other nodes are left alone.
 */
export function demoNode(n: FlowNode): FlowNode {
  if (n.type === 'car-account' && DEMO_ACCOUNT_IDS.includes(n.id)) {
    const common = { budgetPerHour: String(DEMO_BUDGET_PER_HOUR) };
    return n.provider === 'cardata'
      ? { ...n, ...common, clientId: '', apiUrl: '', authUrl: '', mqttUrl: '' }
      : { ...n, ...common, gigyaUrl: '', kamereonUrl: '' };
  }
  if (n.type === 'car-status' && Number(n.interval) > DEMO_INTERVAL_MIN && Number(n.interval) <= 10) return { ...n, interval: DEMO_INTERVAL_MIN };
  // The simulated Renault stamps a parked car's position with the time it parked, hours ago in
  // the simulator's fast world: the demo believes positions up to a (real) day old.
  if (n.type === 'car-presence' && Number(n.maxAge) < DEMO_PRESENCE_MAX_AGE_MIN) return { ...n, maxAge: DEMO_PRESENCE_MAX_AGE_MIN };
  return n;
}

function settingsFile(port: number): string {
  return `// Written by \`npm start\` for the demo; changes are overwritten at the next start.
module.exports = {
  uiHost: ${JSON.stringify(HOST)},
  uiPort: ${port},
  flowFile: 'flows.json',
  // Relative file names (file nodes) land in the demo's folder.
  fileWorkingDirectory: __dirname,
  // The demo's only credentials are the simulator's; real accounts belong in a real Node-RED.
  credentialSecret: false,
  logging: { console: { level: 'info', metrics: false, audit: false } },
  telemetry: { enabled: false },
  editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
};
`;
}

/** The ports the demo uses: the editor, the simulator's HTTP and its MQTT broker (the next port). */
export interface DemoOptions {
  port: number;
  simPort: number;
  /** The demo's folder (user directory of its Node-RED); default .demo in the package. */
  dir?: string;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  let redJs: string;
  try {
    redJs = require.resolve('node-red/red.js', { paths: [PACKAGE_ROOT, process.cwd()] });
  } catch {
    log.error(t('demo.nodered-missing'));
    return 1;
  }
  const brokerPort = options.simPort + 1;
  log.info(t('demo.ports', { host: HOST, port: options.port, simPort: options.simPort, brokerPort }));
  const sim = await startSimulator({
    host: HOST,
    port: options.simPort,
    timeScale: DEMO_TIME_SCALE,
    ...DEMO_SIM,
    cardata: { ...DEMO_SIM.cardata, brokerPort },
    log: (line) => log.debug(`[sim] ${line}`),
  });
  log.info(t('sim.listening', { url: sim.url }));
  const dir = options.dir ?? path.join(PACKAGE_ROOT, '.demo');
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  // Tokens, trips and presence of an earlier run belong to an earlier simulator: start afresh.
  await fs.rm(path.join(dir, 'connected-car'), { recursive: true, force: true });
  await fs.writeFile(path.join(dir, 'settings.js'), settingsFile(options.port));
  const flowsPath = path.join(dir, 'flows.json');
  // Keep the user's changes to the demo flows; set up only the demo's own accounts and status nodes.
  const flows = existsSync(flowsPath) ? withFirstRead((JSON.parse(await fs.readFile(flowsPath, 'utf8')) as FlowNode[]).map(demoNode)) : await demoFlows();
  await fs.writeFile(flowsPath, JSON.stringify(flows, null, 2));
  await fs.writeFile(
    path.join(dir, 'flows_cred.json'),
    JSON.stringify({ [DEMO_ACCOUNT_ID]: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }, [DEMO_CARDATA_ACCOUNT_ID]: { cardataClientId: DEMO_CARDATA_CLIENT_ID } }),
  );
  const link = path.join(dir, 'node_modules', 'node-red-contrib-connected-car');
  if (!existsSync(link)) await fs.symlink(PACKAGE_ROOT, link, 'dir');

  log.info(t('demo.starting', { host: HOST, port: options.port, dir }));
  log.info(t('demo.open', { host: HOST, port: options.port }));
  const child = spawn(process.execPath, [redJs, '--userDir', dir, '--settings', path.join(dir, 'settings.js')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      // The demo's accounts (empty server fields) talk to this simulator; see src/features/accounts.ts.
      [SIMULATOR_ENV]: sim.url,
      [SIMULATOR_MQTT_ENV]: sim.cardata.brokerUrl ?? `mqtt://${HOST}:${brokerPort}`,
      // Where the trip-log example writes its CSV.
      NODE_RED_USER_DIR: dir,
    },
  });
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
