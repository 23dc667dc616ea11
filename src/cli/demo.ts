import { spawn } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { startPlainBroker } from '../sim/plain-broker';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../sim/renault';
import { SIMULATOR_ENV, SIMULATOR_MQTT_ENV } from '../features/accounts';
import { HA_BROKER_ENV } from '../features/home-assistant';
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
 * The demo's Renault budget: the most an account may set (the simulator allows it too), for a clock
 * 30 times faster. Its status nodes read at least every 5 min (2.5 simulated hours): the
 * examples' seven polling nodes then ask for about 350 of the 460 calls an hour the plan hands
 * out (600 less the reserve, 85 % of it: src/features/status.ts), so no node is told to read
 * less often; at 2 min they would ask for 750. Between reads, the demo's "refresh now" at each
 * of the Renault 5's stops shows the values moving (explicit reads, within the rest).
 */
const DEMO_INTERVAL_MIN = 5;
const DEMO_BUDGET_PER_HOUR = 600;
const DEMO_PRESENCE_MAX_AGE_MIN = 1440;
/** How long Ctrl-C waits for the simulator to close before the demo exits anyway. */
const STOP_GRACE_MS = 3_000;
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
    // Ctrl-C stops the demo even when a client keeps a connection to the simulator open (close would wait for it).
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sim;
}

/** Every example flow, merged (shared config nodes once), set up for the demo. */
/** Palette modules an example may need beyond Node-RED's core nodes, by the node types that come from them. */
const PALETTE_MODULES: { module: string; provides: (type: string) => boolean }[] = [
  { module: '@flowfuse/node-red-dashboard', provides: (t) => t.startsWith('ui-') },
  { module: 'node-red-contrib-web-worldmap', provides: (t) => t.startsWith('worldmap') },
];

/** Where a palette module is installed beside this package (a checkout has them as devDependencies), or undefined. */
export function paletteModule(module: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${module}/package.json`, { paths: [PACKAGE_ROOT] }));
  } catch {
    return undefined;
  }
}

/** The palette modules a flow needs (missing ones make Node-RED hold every flow back). */
export function modulesNeeded(nodes: FlowNode[]): string[] {
  return PALETTE_MODULES.filter((m) => nodes.some((n) => m.provides(n.type))).map((m) => m.module);
}

export async function demoFlows(): Promise<FlowNode[]> {
  const dir = path.join(PACKAGE_ROOT, 'examples');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const byId = new Map<string, FlowNode>();
  for (const file of files) {
    const nodes = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as FlowNode[];
    // The dashboard example runs only where Dashboard 2 and the worldmap are installed.
    if (modulesNeeded(nodes).some((m) => !paletteModule(m))) continue;
    const tabId = `demo-tab-${path.basename(file, '.json')}`;
    byId.set(tabId, { id: tabId, type: 'tab', label: path.basename(file, '.json').replace(/^\d+-/, '').replace(/-/g, ' ') });
    for (const n of nodes) {
      if (byId.has(n.id)) continue;
      const placed = n.type.startsWith('car-account') || n.z === undefined ? n : { ...n, z: tabId };
      byId.set(n.id, n.type === 'tab' ? n : demoNode(n.type === 'car-account' ? n : { ...placed, z: tabId }));
    }
  }
  return [...byId.values()];
}

/**
 * A node of the examples as the demo runs it: its accounts with the simulator's CarData client
 * id, a budget for the compressed clock and empty server fields (CONNECTED_CAR_SIMULATOR points
 * them at the simulator); its Renault status nodes reading every DEMO_INTERVAL_MIN. Other nodes are left alone.
 */
export function demoNode(n: FlowNode): FlowNode {
  if (n.type === 'car-account' && DEMO_ACCOUNT_IDS.includes(n.id)) {
    const common = { budgetPerHour: String(DEMO_BUDGET_PER_HOUR) };
    return n.provider === 'cardata'
      ? { ...n, ...common, clientId: '', apiUrl: '', authUrl: '', mqttUrl: '' }
      : { ...n, ...common, gigyaUrl: '', kamereonUrl: '' };
  }
  // The examples' Renault intervals fit a real account's 60 calls an hour (5 to 15 min); the demo's budget and clock
  // are larger, so its Renault status nodes all read every DEMO_INTERVAL_MIN.
  if (n.type === 'car-status' && Number(n.interval) > 0 && (n.account === DEMO_ACCOUNT_ID || Number(n.interval) < DEMO_INTERVAL_MIN)) return { ...n, interval: DEMO_INTERVAL_MIN };
  // The simulated Renault stamps a parked car's position with the time it parked, hours ago in
  // the simulator's fast world: the demo believes positions up to a (real) day old.
  if (n.type === 'car-presence') {
    // The dwell times are real seconds; the simulated world runs DEMO_TIME_SCALE times faster (120 s: 4 s).
    const scaled = (v: unknown): unknown => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? v : Math.ceil(Number(v) / DEMO_TIME_SCALE));
    return { ...n, maxAge: Math.max(Number(n.maxAge) || 0, DEMO_PRESENCE_MAX_AGE_MIN), enterDwell: scaled(n.enterDwell), leaveDwell: scaled(n.leaveDwell) };
  }
  return n;
}

/** The simulated Renault 5, whose loop the demo starts with a short drive. */
export const DEMO_DRIVER_VIN = 'VF1R5E00125R50002';
/**
 * World minutes of the demo's first drive (home to the office, 9 km at 35 km/h in town): 32 s at
 * the demo's time scale. A read on input accepts parts up to 30 s old, so the re-read at arrival
 * finds every car's parts older than that and reads them afresh (the Zoe's charge has moved on).
 */
export const DEMO_FIRST_DRIVE_MIN = 16;
/** The examples' buttons the demo presses: "refresh now" (both Renault cars) and the Zoe's climate. */
export const DEMO_REFRESH_INJECT_ID = 'ex1-inject';
export const DEMO_CLIMATE_INJECT_ID = 'ex4-weekdays';
/** How often the demo looks whether the Renault 5 parked (in-process, costs nothing). */
const WATCH_MS = 500;

/** Presses an inject node's button as the editor does (POST /inject/:id); false when the flow has no such node. */
async function press(editor: string, id: string): Promise<boolean> {
  try {
    const res = await fetch(`${editor}/inject/${encodeURIComponent(id)}`, { method: 'POST' });
    return res.ok;
  } catch {
    return false;
  }
}

/** Waits for a condition the demo reads in-process; false when the demo stops first. */
async function until(check: () => boolean | Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, WATCH_MS).unref());
  }
  return false;
}

/**
 * What happens in the demo's first minute, so that a new user sees it without waiting for the
 * cars' day: once Node-RED has read the Renault 5, the Zoe's climate starts (the example's own
 * button) and the Renault 5 leaves for a short drive; whenever it parks, the demo presses
 * "refresh now", which reads both Renault cars: the trip, the presence and the Zoe's charge follow.
 */
export async function demoScript(sim: Simulator, editor: string, signal: AbortSignal): Promise<void> {
  const r5 = sim.renault.car(DEMO_DRIVER_VIN);
  if (!(await until(() => (sim.renault.stats.readsByVin[DEMO_DRIVER_VIN] ?? 0) > 0, signal))) return;
  if (await press(editor, DEMO_CLIMATE_INJECT_ID)) log.info(t('demo.climate'));
  if (r5.driveNow(DEMO_FIRST_DRIVE_MIN)) log.info(t('demo.drive', { minutes: DEMO_FIRST_DRIVE_MIN, seconds: Math.round((DEMO_FIRST_DRIVE_MIN * 60) / DEMO_TIME_SCALE) }));
  let driving = r5.driving;
  await until(async () => {
    const now = r5.driving;
    if (driving && !now && (await press(editor, DEMO_REFRESH_INJECT_ID))) log.info(t('demo.parked'));
    driving = now;
    return false;
  }, signal);
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
  const sim = await startSimulator({
    host: HOST,
    port: options.simPort,
    timeScale: DEMO_TIME_SCALE,
    ...DEMO_SIM,
    cardata: { ...DEMO_SIM.cardata, brokerPort: options.simPort + 1 },
    log: (line) => log.debug(`[sim] ${line}`),
  });
  // The ports as they are: the broker takes another one when the next port is taken (src/sim/cardata/broker.ts).
  const brokerPort = sim.cardata.brokerUrl ? Number(new URL(sim.cardata.brokerUrl).port) : options.simPort + 1;
  log.info(t('demo.ports', { host: HOST, port: options.port, simPort: Number(new URL(sim.url).port), brokerPort }));
  log.info(t('sim.listening', { url: sim.url }));
  // A plain MQTT broker for the Home Assistant example (aedes, a dev dependency: none from a tarball).
  const haBroker = await startPlainBroker(options.simPort === 0 ? 0 : options.simPort + 2).catch(() => undefined);
  if (haBroker) log.info(t('demo.ha-broker', { url: haBroker.url }));
  const dir = options.dir ?? path.join(PACKAGE_ROOT, '.demo');
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  // Tokens, trips and presence of an earlier run belong to an earlier simulator: start afresh.
  await fs.rm(path.join(dir, 'connected-car'), { recursive: true, force: true });
  await fs.writeFile(path.join(dir, 'settings.js'), settingsFile(options.port));
  const flowsPath = path.join(dir, 'flows.json');
  // Keep the user's changes to the demo flows; set up only the demo's own accounts and status nodes.
  const flows = existsSync(flowsPath)
    ? (JSON.parse(await fs.readFile(flowsPath, 'utf8')) as FlowNode[]).map((n) => demoNode(n))
    : await demoFlows();
  await fs.writeFile(flowsPath, JSON.stringify(flows, null, 2));
  await fs.writeFile(
    path.join(dir, 'flows_cred.json'),
    JSON.stringify({ [DEMO_ACCOUNT_ID]: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD }, [DEMO_CARDATA_ACCOUNT_ID]: { cardataClientId: DEMO_CARDATA_CLIENT_ID } }),
  );
  const link = path.join(dir, 'node_modules', 'node-red-contrib-connected-car');
  if (!existsSync(link)) await fs.symlink(PACKAGE_ROOT, link, 'dir');
  for (const module of modulesNeeded(flows)) {
    const from = paletteModule(module);
    const to = path.join(dir, 'node_modules', module);
    if (!from || existsSync(to)) continue;
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.symlink(from, to, 'dir');
  }

  log.info(t('demo.starting', { host: HOST, port: options.port, dir }));
  log.info(t('demo.open', { host: HOST, port: options.port }));
  const child = spawn(process.execPath, [redJs, '--userDir', dir, '--settings', path.join(dir, 'settings.js')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      // The demo's accounts (empty server fields) talk to this simulator; see src/features/accounts.ts.
      [SIMULATOR_ENV]: sim.url,
      [SIMULATOR_MQTT_ENV]: sim.cardata.brokerUrl ?? `mqtt://${HOST}:${brokerPort}`,
      // The Home Assistant example's broker (homeassistant.local in the flow) is the demo's; see src/features/home-assistant.ts.
      ...(haBroker ? { [HA_BROKER_ENV]: haBroker.url } : {}),
      // Where the trip-log example writes its CSV.
      NODE_RED_USER_DIR: dir,
    },
  });
  const stop = (): void => {
    child.kill('SIGINT');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const script = new AbortController();
  void demoScript(sim, `http://${HOST}:${options.port}`, script.signal);
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 0)));
  script.abort();
  log.info(t('demo.exited', { code }));
  await haBroker?.close();
  await sim.close();
  return code;
}
