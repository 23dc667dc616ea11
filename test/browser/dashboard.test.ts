/**
 * The dashboard example (examples/11-dashboard.json) in a real Node-RED with FlowFuse Dashboard 2
 * and web-worldmap (devDependencies only), against the simulator, seen in headless Chromium: the
 * page loads, the gauge shows the simulated car's state of charge, the map shows the car, and the
 * climate button's command reaches "executed". Selectors as the Dashboard's own Cypress tests use them.
 */
import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { SIMULATOR_ENV } from '../../src/features/accounts';
import { PROJECT_ROOT, removeDir, tempDir } from '../helpers';
import { startNodeRed, type NodeRedProcess } from '../nodered-process';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');
const ZOE = 'VF1AG000862Z50001';
const CONFIG_TYPES = new Set(['car-account', 'ui-base', 'ui-theme', 'ui-page', 'ui-group']);

interface FlowNode {
  id: string;
  type: string;
  [k: string]: unknown;
}

/** The example running: the simulator, Node-RED with the two palette modules, and a page in Chromium. */
interface Running {
  sim: Simulator;
  nr: NodeRedProcess;
  browser: Browser;
  page: Page;
  userDir: string;
}

/** Starts the example against the simulator, under Node-RED's `httpNodeRoot` when one is given. */
async function startExample(httpNodeRoot?: string): Promise<Running> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  await fs.mkdir(SHOTS, { recursive: true });
  const sim = await startSimulator({ port: 0, timeScale: 30, cardata: { brokerPort: 0 } });
  // A car whose state of charge holds, so that the gauge can be compared with it.
  const zoe = sim.renault.car(ZOE);
  zoe.charging = false;
  zoe.hvacOn = false;
  const userDir = await tempDir('cc-dashboard-');
  // The two palette modules a user would install, from this project's devDependencies.
  for (const mod of ['@flowfuse/node-red-dashboard', 'node-red-contrib-web-worldmap']) {
    const link = path.join(userDir, 'node_modules', mod);
    await fs.mkdir(path.dirname(link), { recursive: true });
    await fs.symlink(path.join(PROJECT_ROOT, 'node_modules', mod), link, 'dir');
  }
  const example = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'examples', '11-dashboard.json'), 'utf8')) as FlowNode[];
  const flows = [{ id: 'tab', type: 'tab', label: 'dashboard' }, ...example.map((n) => (CONFIG_TYPES.has(n.type) ? n : { ...n, z: 'tab' }))];
  const nr = await startNodeRed({
    userDir,
    flows,
    credentials: { 'demo-renault-account': { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } },
    env: { [SIMULATOR_ENV]: sim.url },
    ...(httpNodeRoot ? { httpNodeRoot } : {}),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  return { sim, nr, browser, page, userDir };
}

async function stopExample(run: Partial<Running>): Promise<void> {
  await run.browser?.close();
  await run.nr?.stop();
  await run.sim?.close();
  if (run.userDir) await removeDir(run.userDir);
}

/** The worldmap in the widget's frame: Leaflet's map with the car's marker (tiles need the internet and are not waited for). */
async function mapFrame(page: Page, widgetId: string): Promise<Frame> {
  const frame = await (await page.waitForSelector(`#nrdb-ui-widget-${widgetId} iframe`, { timeout: 30_000 })).contentFrame();
  assert.ok(frame, 'the map frame');
  await frame.waitForSelector('#map.leaflet-container', { timeout: 60_000 });
  await frame.waitForSelector('.leaflet-marker-icon', { timeout: 60_000 });
  return frame;
}

describe('the dashboard example in Chromium (Dashboard 2 + worldmap, against the simulator)', function () {
  this.timeout(180_000);
  let run: Partial<Running> = {};
  let sim: Simulator;
  let nr: NodeRedProcess;
  let page: Page;

  before(async () => {
    run = await startExample();
    ({ sim, nr, page } = run as Running);
  });

  after(async () => stopExample(run));

  const widget = (id: string): string => `#nrdb-ui-widget-${id}`;
  const textOf = (selector: string): Promise<string> => page.$eval(selector, (el) => el.textContent ?? '').catch(() => '');
  /** Waits until the widget's text matches: the page's own state, polled by Chromium. */
  const waitForText = (id: string, pattern: RegExp, timeout: number): Promise<unknown> =>
    page.waitForFunction(`${pattern.toString()}.test(document.querySelector(${JSON.stringify(widget(id))})?.innerText ?? '')`, undefined, { timeout, polling: 200 });

  it("loads the car's page, with the simulated state of charge on the gauge and the car on the map", async () => {
    await page.goto(`${nr.url}/dashboard/car`);
    await page.waitForSelector(`${widget('ex11-gauge')}.nrdb-ui-gauge`, { timeout: 60_000 });
    const car = sim.renault.car(ZOE);
    // The gauge shows what the simulator reports (the ZOE stands still and does not charge: its state of charge holds).
    const soc = Math.round(car.reportedBattery.soc);
    await waitForText('ex11-gauge', new RegExp(`\\b${soc}\\s*%`), 60_000).catch(async (e: unknown) => {
      throw new Error(`gauge shows "${await textOf(widget('ex11-gauge'))}", the car reports ${soc} %: ${String(e)}`);
    });
    await waitForText('ex11-range-text', /\d+ km/, 30_000);
    const frame = await mapFrame(page, 'ex11-map-frame');
    // The reachable area (car-status's msg.area, GeoJSON) drawn as Leaflet paths.
    // (Leaflet clips a circle larger than the view to the view: the paths are attached, not always visible.)
    await frame.waitForSelector('path.leaflet-interactive', { state: 'attached', timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
  });

  it('has a page per car: the Renault 5 on its own page, with its own gauge', async () => {
    await page.goto(`${nr.url}/dashboard/renault-5`);
    await page.waitForSelector(`${widget('ex11r5-gauge')}.nrdb-ui-gauge`, { timeout: 60_000 });
    await waitForText('ex11r5-gauge', /\d+\s*%/, 60_000);
    assert.equal(await page.$(widget('ex11-gauge')), null, "the Zoe's gauge is on the Zoe's page");
  });

  it('presses "Start climate": the command is tracked to "executed" and the simulated car runs its climate', async () => {
    const car = sim.renault.car(ZOE);
    car.hvacOn = false;
    await page.goto(`${nr.url}/dashboard/car`);
    const button = await page.waitForSelector(`${widget('ex11-climate-button')} button`, { timeout: 60_000 });
    await button.click();
    await waitForText('ex11-climate-text', /executed/, 90_000);
    assert.equal(car.hvacOn, true);
  });
});

// The Home Assistant add-on serves Node-RED under /endpoint: the map's frame must come from there too, not from the
// server's root (integrations spec, web-worldmap: "prefix httpNodeRoot if it is not /").
describe('the dashboard example under an httpNodeRoot (as the Home Assistant add-on runs Node-RED)', function () {
  this.timeout(180_000);
  let run: Partial<Running> = {};

  before(async () => {
    run = await startExample('/endpoint');
  });

  after(async () => stopExample(run));

  it("shows the car on the map from the root's own worldmap", async () => {
    const { page, nr } = run as Running;
    await page.goto(`${nr.url}/endpoint/dashboard/car`);
    const frame = await mapFrame(page, 'ex11-map-frame');
    assert.match(new URL(frame.url()).pathname, /^\/endpoint\/worldmap\/?$/);
  });
});
