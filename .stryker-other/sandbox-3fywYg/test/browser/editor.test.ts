// @ts-nocheck
import { describe, it, before, after, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs, existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { DEMO_CARDATA_CLIENT_ID } from '../../src/sim';
import { SIMULATOR_ENV, SIMULATOR_MQTT_ENV } from '../../src/features/accounts';
import { HA_BROKER_ENV } from '../../src/features/home-assistant';
import { startPlainBroker, type PlainBroker } from '../../src/sim/plain-broker';
import { PROJECT_ROOT, eventually, removeDir, tempDir } from '../helpers';
import { startNodeRed, type NodeRedProcess } from '../nodered-process';

/** Debian's Chromium (apt-get install chromium); CHROMIUM overrides the path. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');
const ZOE = 'VF1AG000862Z50001';
const R5 = 'VF1R5E00125R50002';
/** The README's picture: example 01 at work in the editor, written when UPDATE_PICTURE=1 (otherwise a run would change a tracked file). */
const README_PICTURE = path.join(PROJECT_ROOT, 'docs', 'images', 'flow-with-status.png');
/**
 * The dots each node type shows once its example works in the simulator: presence green at home, blue away (where the
 * simulated Renault 5 happens to be); car-charging, which reads only on input in example 05, grey until a message comes;
 * car-command and car-request none until a message comes.
 */
const WORKING_FILLS: Record<string, string[]> = {
  'car-status': ['green'],
  'car-trips': ['green'],
  'car-presence': ['green', 'blue'],
  'car-charging': ['grey'],
  // Grey while it waits for the first change, green once it told one.
  'car-events': ['grey', 'green'],
  // The example names homeassistant.local; CONNECTED_CAR_HA_BROKER points it at this test's broker, as the demo does.
  'car-homeassistant': ['green'],
};
/** Text that reads like a label key: a dialog that shows one lacks a translation. */
const RAW_KEY = /\b(?:node-red:)?(?:car-[a-z]+|common)\.[a-zA-Z-]+\.[\w-]+/;

const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  'node-red': { nodes: Record<string, string> };
};
const NODE_TYPES = Object.keys(packageJson['node-red'].nodes).filter((t) => t !== 'car-account');

/** The editor's global, for page.evaluate (only what these tests touch). */
interface EditorNode {
  id: string;
  type: string;
  [property: string]: unknown;
}
interface Editor {
  nodes: {
    version(): string | null;
    dirty(set?: boolean): boolean;
    node(id: string): EditorNode | undefined;
    eachNode(cb: (n: EditorNode) => void): void;
    eachConfig(cb: (n: EditorNode) => void): void;
    import(nodes: unknown[]): unknown;
  };
  workspaces: { active(): string };
  view: { state(): number; redraw(full?: boolean): void };
  state: { DEFAULT: number; IMPORT_DRAGGING: number };
  editor: { edit(node: EditorNode): void; validateNode(node: EditorNode): void };
  sidebar: { show(id: string): void; help: { show(type: string): void } };
}
declare const RED: Editor;

/**
 * Polls a condition in the test process until it holds (for state the page cannot see, like a response), every 100 ms:
 * mocha's timeout is the deadline (eventually).
 */
const until = (what: string, check: () => boolean | Promise<boolean>): Promise<void> => eventually(check, what, 100);

describe('the editor in a real browser', function () {
  // Each test reloads the editor; a 2-core machine shared with other work needs the margin.
  this.timeout(240_000);
  let sim: Simulator;
  let brokerUrl: string;
  let haBroker: PlainBroker | undefined;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;
  let userDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
    await fs.mkdir(SHOTS, { recursive: true });
    // Free ports, so that a running demo or another test run is no obstacle.
    sim = await startSimulator({ port: 0, timeScale: 30, cardata: { brokerPort: 0, autoApproveMs: 2_000 } });
    const broker = sim.cardata.brokerUrl;
    assert.ok(broker, 'the simulator runs its MQTT broker');
    brokerUrl = broker;
    userDir = await tempDir('cc-editor-');
    // As the demo does: accounts with empty server fields (the examples') talk to this simulator.
    haBroker = await startPlainBroker(0);
    assert.ok(haBroker, 'aedes is installed (a dev dependency)');
    nr = await startNodeRed({ userDir, env: { [SIMULATOR_ENV]: sim.url, [SIMULATOR_MQTT_ENV]: brokerUrl, [HA_BROKER_ENV]: haBroker.url } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.close();
    await haBroker?.close();
    if (userDir) await removeDir(userDir);
  });

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  /** An empty flow deployed and the editor loaded afresh: what a test before left behind is gone. */
  async function cleanWorkspace(): Promise<void> {
    const res = await fetch(`${nr.url}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: '[]',
    });
    assert.ok(res.ok, `empty flow deployed (HTTP ${res.status})`);
    await (page.url().startsWith(nr.url) ? page.reload() : page.goto(nr.url));
    await page.waitForSelector('.red-ui-palette-node[data-palette-type="car-status"]', { timeout: 90_000 });
    // The flows are loaded and a flow tab is open.
    await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes.version() !== null && !!RED.workspaces.active(), undefined, { timeout: 30_000 });
    pageErrors.length = 0;
  }

  beforeEach(cleanWorkspace);

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  function assertNoPageErrors(): void {
    assert.deepEqual(pageErrors, [], 'no script errors in the editor');
  }

  async function closeTray(button: '#node-dialog-ok' | '#node-dialog-cancel'): Promise<void> {
    await page.click(button);
    await page.waitForSelector('.red-ui-tray', { state: 'detached', timeout: 10_000 });
  }

  /** Texts in the open dialog that read like label keys (a missing translation). */
  async function untranslated(): Promise<string[]> {
    return page.$$eval(
      '.red-ui-tray *',
      (els, pattern) => {
        const re = new RegExp(pattern);
        const out: string[] = [];
        for (const el of els) {
          const own = [...el.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent ?? '');
          for (const t of [...own, el.getAttribute('placeholder') ?? '', el.getAttribute('title') ?? '']) if (re.test(t)) out.push(t.trim());
        }
        return out;
      },
      RAW_KEY.source,
    );
  }

  /** Clicks Deploy and waits for the runtime to take the flow; a confirmation dialog fails the test with its text. */
  /**
   * Deploys. `awaitingUser` names the nodes that may be incomplete: an imported example's account
   * waits for the user's own CarData client id (the editor asks to confirm); anything else fails.
   */
  async function deploy(awaitingUser?: (line: string) => boolean): Promise<void> {
    await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)');
    let response: Response | undefined;
    let failure: unknown;
    page
      .waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/flows', { timeout: 60_000 })
      .then((r) => (response = r), (e: unknown) => (failure = e));
    await page.click('#red-ui-header-button-deploy');
    const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
    await until('the deploy to be answered', async () => response !== undefined || failure !== undefined || (await confirm.isVisible()));
    if (!response && (await confirm.isVisible())) {
      await shot('deploy-confirmation');
      const text = await page.locator('.red-ui-notification', { has: confirm }).innerText();
      const incomplete = text.split('\n').filter((l) => /\((car-[a-z]+|[a-z-]+)\)\s*$/.test(l));
      if (!awaitingUser || incomplete.length === 0 || !incomplete.every(awaitingUser)) throw new Error(`the deploy asks for confirmation: ${text}`);
      await confirm.click();
      await until('the confirmed deploy to be answered', () => response !== undefined || failure !== undefined);
    }
    if (!response) throw failure instanceof Error ? failure : new Error(String(failure));
    assert.equal(response.status(), 200, `deploy answered ${response.status()}: ${await response.text()}`);
    await page.waitForFunction(() => !RED.nodes.dirty(), undefined, { timeout: 20_000 });
  }

  const nodeGroup = (label: string): string => `.red-ui-flow-node-group:has(text:has-text("${label}"))`;

  it('shows every node in the palette under "connected car"', async () => {
    const types = await page.$$eval('#red-ui-palette-container-connected_car .red-ui-palette-node', (els) => els.map((e) => e.getAttribute('data-palette-type')));
    for (const t of NODE_TYPES) assert.ok(types.includes(t), `${t} in the palette (saw ${types.join(', ')})`);
    await shot('palette');
    assertNoPageErrors();
  });

  it("opens every node's dialog with the shared rows and every text translated", async () => {
    const ids = await page.evaluate((types) => {
      const z = RED.workspaces.active();
      const nodes = types.map((type, i) => ({ id: `dialog-${type}`, type, z, x: 150 + 200 * (i % 3), y: 100 + 80 * Math.floor(i / 3), wires: [] }));
      RED.nodes.import(nodes);
      RED.view.redraw(true);
      return nodes.map((n) => n.id);
    }, NODE_TYPES);
    for (const id of ids) {
      await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId) as EditorNode), id);
      await page.waitForSelector('.red-ui-tray #node-input-vin-refresh', { state: 'visible', timeout: 10_000 });
      // Node-RED's own Name label, the account as a config-node select, the vehicle picker.
      assert.equal((await page.locator('label[for="node-input-name"]').innerText()).trim(), 'Name', `${id}: Name label`);
      assert.equal(await page.getAttribute('#node-input-name', 'placeholder'), 'Name');
      await page.waitForSelector('.red-ui-tray select#node-input-account', { state: 'attached' });
      assert.ok((await page.locator('label[for="node-input-vin"]').innerText()).trim().length > 0, `${id}: vehicle label`);
      assert.deepEqual(await untranslated(), [], `${id}: every text translated`);
      if (id === 'dialog-car-command') {
        // The command list is built from the node's list of commands.
        const options = await page.$$eval('#node-input-command option', (els) => els.map((e) => [e.getAttribute('value') ?? '', e.textContent ?? '']));
        assert.equal(options.length, 12);
        assert.ok(options.every(([, text]) => text.trim().length > 0));
        assert.equal(await page.inputValue('#node-input-command'), '');
      }
      await closeTray('#node-dialog-cancel');
    }
    // The account dialog: its name row and the advanced rows written by its template code.
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('dialog-car-status') as EditorNode));
    await page.click('#node-input-btn-account-add');
    await page.waitForSelector('#node-config-input-username', { state: 'visible' });
    assert.equal((await page.locator('label[for="node-config-input-name"]').innerText()).trim(), 'Name');
    for (const f of ['gigyaUrl', 'kamereonUrl', 'gigyaApiKey', 'kamereonApiKey', 'apiUrl', 'authUrl', 'mqttUrl', 'streamingUsername']) {
      assert.equal(await page.locator(`#node-config-input-${f}`).count(), 1, `${f} row`);
    }
    assert.deepEqual(await untranslated(), [], 'account dialog: every text translated');
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('#node-config-input-username', { state: 'detached' });
    await closeTray('#node-dialog-cancel');
    assertNoPageErrors();
  });

  it('creates an account in its dialog, picks a vehicle, deploys, and shows live status', async () => {
    await page.dragAndDrop('.red-ui-palette-node[data-palette-type="car-status"]', '#red-ui-workspace-chart', { targetPosition: { x: 250, y: 150 } });
    await page.dragAndDrop('.red-ui-palette-node[data-palette-type="debug"]', '#red-ui-workspace-chart', { targetPosition: { x: 550, y: 150 } });
    // Wire car-status's output to the debug node's input.
    const out = page.locator(`${nodeGroup('car status')} .red-ui-flow-port-output .red-ui-flow-port`).first();
    const inp = page.locator(`${nodeGroup('debug')} .red-ui-flow-port-input .red-ui-flow-port`).first();
    await out.dragTo(inp);
    // The editor draws the wire after the drop: wait for it.
    const wires = page.locator('#red-ui-workspace-chart .red-ui-flow-link-line');
    await until('one wire', async () => (await wires.count()) === 1);

    await page.dblclick(`${nodeGroup('car status')} rect.red-ui-flow-node`);
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
    await page.dblclick(`${nodeGroup('car status')} rect.red-ui-flow-node`);
    await page.waitForSelector('#node-input-vin');
    await page.click('#node-input-vin-refresh');
    await page.waitForSelector(`#node-input-vin option[value="${ZOE}"]`, { state: 'attached', timeout: 20_000 });
    await page.selectOption('#node-input-vin', ZOE);
    await page.fill('#node-input-interval', '1');
    await shot('status-dialog');
    await closeTray('#node-dialog-ok');
    await deploy();

    // The status dot turns green with the battery and range, and the debug sidebar gets the status.
    // Node-RED 5 redesigned the sidebar tabs: open the debug panel through the editor's API.
    await page.evaluate(() => RED.sidebar.show('debug'));
    const status = page.locator(nodeGroup('car status'));
    await until(
      'a green status with battery and range',
      async () =>
        (await status.locator('.red-ui-flow-node-status-dot-green').count()) === 1 &&
        /\d+ % · \d+ km/.test((await status.locator('.red-ui-flow-node-status-label').textContent()) ?? ''),
    );
    await page.waitForSelector(`.red-ui-debug-msg:has-text("car/${ZOE}/status")`, { timeout: 30_000 });
    await shot('flow-with-status');

    // The password went to the runtime as a credential only: the flow the editor reads back has none.
    const flows = (await (await fetch(`${nr.url}/flows`)).json()) as Record<string, unknown>[];
    const account = flows.find((n) => n.type === 'car-account');
    assert.equal(account?.kamereonUrl, sim.renault.kamereonUrl, 'the account was deployed');
    for (const n of flows) {
      for (const [k, v] of Object.entries(n)) {
        assert.ok(!/password|jwt|credentials/i.test(k) && v !== DEMO_RENAULT_PASSWORD, `no secret in ${String(n.type)}.${k}`);
      }
    }
    assertNoPageErrors();
  });

  it('opens the help of every node, in English here and in German and French from the runtime', async () => {
    for (const type of [...NODE_TYPES, 'car-account']) {
      await page.evaluate((t) => RED.sidebar.help.show(t), type);
      const label = type === 'car-account' ? 'car-account' : type.replace('-', ' ');
      const help = page.locator('.red-ui-help:visible', { hasText: label }).first();
      await help.waitFor({ timeout: 10_000 });
      const body = (await help.textContent()) ?? '';
      assert.ok(body.length > 200, `${type} has help text`);
      assert.match(body, type === 'car-account' ? /Properties/ : /Outputs/, `${type} help names its settings or outputs`);
    }
    await shot('help');
    // Node-RED picks the help from nodes/locales/<language>/ by the editor's language.
    for (const [lng, heading] of [
      ['en-US', 'Outputs'],
      ['de', 'Ausgangsdaten'],
      ['fr', 'Sorties'],
    ] as const) {
      const html = await (await fetch(`${nr.url}/nodes`, { headers: { accept: 'text/html', 'accept-language': lng } })).text();
      for (const type of [...NODE_TYPES, 'car-account']) {
        const help = new RegExp(`data-help-name="${type}"[^>]*>([\\s\\S]*?)</script>`).exec(html)?.[1] ?? '';
        assert.ok(help.includes(`<h3>${heading}</h3>`), `${type}: ${lng} help`);
      }
    }
    assertNoPageErrors();
  });

  it('imports every example from Import > Examples, deploys it without an error, and with the demo credentials every dot turns to its working colour', async () => {
    // The dashboard example needs Dashboard 2 and web-worldmap in the palette: test/browser/dashboard.test.ts runs it with them.
    const examples = (await fs.readdir(path.join(PROJECT_ROOT, 'examples'))).filter((f) => f.endsWith('.json') && f !== '11-dashboard.json').map((f) => f.replace(/\.json$/, ''));
    assert.ok(examples.length >= 1);
    for (const [i, name] of examples.entries()) {
      if (i > 0) await cleanWorkspace();
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-import');
      await page.click('.red-ui-clipboard-dialog-tabs a:has-text("Examples")');
      const ours = page.locator('.red-ui-clipboard-dialog-tab-library .red-ui-treeList-label:has-text("node-red-contrib-connected-car")');
      const example = page.locator(`.red-ui-clipboard-dialog-tab-library .red-ui-treeList-label:has-text("${name}")`);
      // The module's folder may open by itself; open it when the example is not listed yet.
      await ours.waitFor();
      if (!(await example.isVisible())) await ours.click();
      await example.click();
      await page.click('#red-ui-clipboard-dialog-ok');
      // Imported nodes follow the mouse until a click drops them.
      await page.waitForFunction(() => RED.view.state() === RED.state.IMPORT_DRAGGING, undefined, { timeout: 10_000 });
      // Dropped left of the middle: the widest example fits beside the sidebar.
      await page.mouse.move(380, 320, { steps: 5 });
      await page.mouse.down();
      await page.mouse.up();
      await page.waitForFunction(() => RED.view.state() === RED.state.DEFAULT, undefined, { timeout: 10_000 });
      // Every account of the example is the real cloud's (empty server fields); the setting points it at the simulator.
      const accounts = await page.evaluate(() => {
        const out: Record<string, unknown>[] = [];
        RED.nodes.eachConfig((n) => {
          if (n.type === 'car-account') out.push({ gigyaUrl: n.gigyaUrl, kamereonUrl: n.kamereonUrl, apiUrl: n.apiUrl, authUrl: n.authUrl, mqttUrl: n.mqttUrl, clientId: n.clientId });
        });
        return out;
      });
      assert.ok(accounts.length >= 1, `${name} has an account`);
      for (const a of accounts) {
        for (const [k, v] of Object.entries(a)) assert.ok(v === undefined || v === '', `${name}: ${k} is empty, not ${String(v)}`);
      }
      await shot(`example-${name}`);
      // As a user types their own credentials (and the demo the simulator's): the Renault e-mail and password, the CarData client id.
      await page.evaluate(
        ({ user, password, clientId }) => {
          RED.nodes.eachConfig((n) => {
            if (n.type !== 'car-account') return;
            if (n.provider === 'cardata') n.clientId = clientId;
            else n.credentials = { username: user, password, has_password: true };
            n.changed = true;
          });
          RED.nodes.eachConfig((n) => RED.editor.validateNode(n));
          RED.nodes.eachNode((n) => RED.editor.validateNode(n));
          RED.nodes.dirty(true);
        },
        { user: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD, clientId: DEMO_CARDATA_CLIENT_ID },
      );
      const warned = (): number => nr.log().split(`talks to the simulator at ${sim.url}`).length - 1;
      const warnedBefore = warned();
      await deploy();
      const errors = await page.locator('.red-ui-notification-error').count();
      assert.equal(errors, 0, `deploying ${name} raised an error notification`);
      // The deployed accounts say, as a warning, that they talk to this test's simulator.
      await until(`${name}'s account names the simulator`, () => warned() > warnedBefore);
      // Each car node's dot, as the editor shows it, turns to the colour of a node at work.
      const dots = (): Promise<{ id: string; type: string; fill?: string; text?: string }[]> =>
        page.evaluate(() => {
          const out: { id: string; type: string; fill?: string; text?: string }[] = [];
          RED.nodes.eachNode((n) => {
            const status = n.status as { fill?: string; text?: string } | undefined;
            if (n.type.startsWith('car-')) out.push({ id: n.id, type: n.type, fill: status?.fill, text: status?.text });
          });
          return out;
        });
      const working = (d: { type: string; fill?: string }): boolean => (WORKING_FILLS[d.type] ?? ['none']).includes(d.fill ?? 'none');
      try {
        await until(`${name}'s dots at work`, async () => (await dots()).every(working));
      } catch (e) {
        throw new Error(`${(e as Error).message}: ${JSON.stringify((await dots()).filter((d) => !working(d)))}`);
      }
      if (name.startsWith('01-')) {
        // The README's picture: the flow at work, nothing selected, and the answers to a click on "refresh now" in the debug sidebar.
        await page.mouse.click(300, 820);
        await until('nothing selected', async () => (await page.locator('#red-ui-workspace-chart .red-ui-flow-node-selected').count()) === 0);
        await page.evaluate(() => RED.sidebar.show('debug'));
        await page.click('#red-ui-sidebar-debug-clear');
        await page.waitForSelector('.red-ui-debug-msg', { state: 'detached', timeout: 10_000 });
        await page.click(`${nodeGroup('refresh now')} .red-ui-flow-node-button`);
        for (const vin of [ZOE, R5]) await page.waitForSelector(`.red-ui-debug-msg:has-text("car/${vin}/status")`, { timeout: 30_000 });
        await page.waitForSelector('.red-ui-notification', { state: 'detached', timeout: 20_000 });
        const picture = await shot('readme-flow-with-status');
        if (process.env.UPDATE_PICTURE === '1') await fs.writeFile(README_PICTURE, picture);
      }
      assertNoPageErrors();
    }
    const ourErrors = nr
      .log()
      .split('\n')
      .filter((l) => /\[error\].*(car-|connected-car)/.test(l));
    assert.deepEqual(ourErrors, [], 'no error from our nodes in the Node-RED log');
  });
});
