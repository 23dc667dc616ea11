import { describe, it, before, after, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { PROJECT_ROOT, removeDir, tempDir } from '../helpers';
import { startNodeRed, type NodeRedProcess } from '../nodered-process';

/** Debian's Chromium (apt-get install chromium); CHROMIUM overrides the path. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');
const ZOE = 'VF1AG000862Z50001';

const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  'node-red': { nodes: Record<string, string> };
};
const NODE_TYPES = Object.keys(packageJson['node-red'].nodes).filter((t) => t !== 'car-account');

describe('the editor in a real browser', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;
  let userDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
    await fs.mkdir(SHOTS, { recursive: true });
    // The examples point at the simulator where `npm start` runs it (127.0.0.1:18860, broker
    // 18861), so that they deploy against it as they are: stop a running demo before the tests.
    sim = await startSimulator({ port: 18860, timeScale: 30, cardata: { brokerPort: 18861, autoApproveMs: 2_000 } }).catch((e: unknown) => {
      throw new Error(`the simulator needs ports 18860 and 18861 (is \`npm start\` running?): ${String(e)}`);
    });
    userDir = await tempDir('cc-editor-');
    nr = await startNodeRed({ userDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(nr.url);
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="car-status"]', { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.close();
    if (userDir) await removeDir(userDir);
  });

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  async function closeTray(button: '#node-dialog-ok' | '#node-dialog-cancel'): Promise<void> {
    await page.click(button);
    await page.waitForSelector('.red-ui-tray', { state: 'detached', timeout: 10_000 });
  }

  async function deploy(): Promise<void> {
    await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)');
    await page.click('#red-ui-header-button-deploy');
    await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { timeout: 20_000 }).catch(async (e: unknown) => {
      await shot('deploy-failed');
      throw e;
    });
    await page.waitForSelector('.red-ui-notification:has-text("Successfully deployed")', { state: 'detached', timeout: 20_000 }).catch(() => undefined);
  }

  it('shows every node in the palette under "connected car"', async () => {
    const types = await page.$$eval('#red-ui-palette-container-connected_car .red-ui-palette-node', (els) => els.map((e) => e.getAttribute('data-palette-type')));
    for (const t of NODE_TYPES) assert.ok(types.includes(t), `${t} in the palette (saw ${types.join(', ')})`);
    await shot('palette');
  });

  it('creates an account in its dialog, picks a vehicle, deploys, and shows live status', async () => {
    await page.dragAndDrop('.red-ui-palette-node[data-palette-type="car-status"]', '#red-ui-workspace-chart', { targetPosition: { x: 250, y: 150 } });
    await page.dragAndDrop('.red-ui-palette-node[data-palette-type="debug"]', '#red-ui-workspace-chart', { targetPosition: { x: 550, y: 150 } });
    // Wire car-status's output to the debug node's input.
    const out = page.locator('.red-ui-flow-node-group:has(text:has-text("car status")) .red-ui-flow-port-output .red-ui-flow-port').first();
    const inp = page.locator('.red-ui-flow-node-group:has(text:has-text("debug")) .red-ui-flow-port-input .red-ui-flow-port').first();
    await out.dragTo(inp);
    assert.equal(await page.locator('.red-ui-flow-link-line').count(), 1, 'one wire');

    await page.dblclick('.red-ui-flow-node-group:has(text:has-text("car status")) rect.red-ui-flow-node');
    await page.waitForSelector('#node-input-account');
    await page.click('#node-input-btn-account-add');
    await page.waitForSelector('#node-config-input-username');
    await page.selectOption('#node-config-input-locale', 'fr_FR');
    await page.fill('#node-config-input-name', 'Simulator');
    await page.fill('#node-config-input-username', DEMO_RENAULT_USER);
    await page.fill('#node-config-input-password', DEMO_RENAULT_PASSWORD);
    await page.click('#node-config-advanced-toggle');
    await page.fill('#node-config-input-gigyaUrl', sim.renault.gigyaUrl);
    await page.fill('#node-config-input-kamereonUrl', sim.renault.kamereonUrl);
    await shot('account-dialog');
    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('#node-config-input-username', { state: 'detached' });
    await shot('status-dialog-before-deploy');
    await closeTray('#node-dialog-ok');
    await deploy();

    // The account is deployed: the picker now lists the cars.
    await page.dblclick('.red-ui-flow-node-group:has(text:has-text("car status")) rect.red-ui-flow-node');
    await page.waitForSelector('#node-input-vin');
    await page.click('#node-input-vin-refresh');
    await page.waitForSelector(`#node-input-vin option[value="${ZOE}"]`, { state: 'attached', timeout: 20_000 });
    await page.selectOption('#node-input-vin', ZOE);
    await page.fill('#node-input-interval', '1');
    await shot('status-dialog');
    await closeTray('#node-dialog-ok');
    await deploy();

    // The status dot turns green and the debug sidebar gets the status.
    // Node-RED 5 redesigned the sidebar tabs: open the debug panel through the editor's API.
    await page.evaluate(() => {
      (globalThis as unknown as { RED: { sidebar: { show: (id: string) => void } } }).RED.sidebar.show('debug');
    });
    await page.waitForSelector('.red-ui-flow-node-group:has(text:has-text("car status")) .red-ui-flow-node-status-dot-green', { timeout: 30_000 });
    const text = await page.locator('.red-ui-flow-node-group:has(text:has-text("car status")) .red-ui-flow-node-status-label').textContent();
    assert.match(text ?? '', /\d+ % · \d+ km/);
    await page.waitForSelector(`.red-ui-debug-msg:has-text("car/${ZOE}/status")`, { timeout: 30_000 });
    await shot('flow-with-status');
  });

  it('opens the help of every node', async () => {
    for (const type of [...NODE_TYPES, 'car-account']) {
      await page.evaluate((t) => {
        (globalThis as unknown as { RED: { sidebar: { help: { show: (type: string) => void } } } }).RED.sidebar.help.show(t);
      }, type);
      const label = type === 'car-account' ? 'car-account' : type.replace('-', ' ');
      const help = page.locator('.red-ui-help:visible', { hasText: label }).first();
      await help.waitFor({ timeout: 10_000 });
      const body = (await help.textContent()) ?? '';
      assert.ok(body.length > 200, `${type} has help text`);
      if (type !== 'car-account') assert.match(body, /Outputs|Inputs/, `${type} help names its inputs or outputs`);
    }
    await shot('help');
  });

  it('imports every example from Import > Examples and deploys it without an error', async () => {
    const examples = (await fs.readdir(path.join(PROJECT_ROOT, 'examples'))).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    assert.ok(examples.length >= 1);
    for (const name of examples) {
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-import');
      await page.click('.red-ui-clipboard-dialog-tabs a:has-text("Examples")');
      await page.click('.red-ui-clipboard-dialog-tab-library .red-ui-treeList-label:has-text("node-red-contrib-connected-car")').catch(() => undefined);
      await page.click(`.red-ui-clipboard-dialog-tab-library .red-ui-treeList-label:has-text("${name}")`);
      await page.click('#red-ui-clipboard-dialog-ok');
      // Examples share the account node: from the second one on, Node-RED asks what to do with it.
      const conflict = page.locator('.red-ui-notification button:has-text("Import copy")');
      const asked = await conflict
        .waitFor({ state: 'visible', timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (asked) await conflict.click();
      // Imported nodes follow the mouse until a click drops them.
      await page.mouse.move(600, 420, { steps: 5 });
      await page.mouse.down();
      await page.mouse.up();
      await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)', { timeout: 5_000 });
      await shot(`example-${name}`);
      await deploy();
      const errors = await page.locator('.red-ui-notification-error').count();
      assert.equal(errors, 0, `deploying ${name} raised an error notification`);
    }
    assert.deepEqual(pageErrors, [], 'no script errors in the editor');
    const ourErrors = nr
      .log()
      .split('\n')
      .filter((l) => /\[error\].*(car-|connected-car)/.test(l));
    assert.deepEqual(ourErrors, [], 'no error from our nodes in the Node-RED log');
  });
});
