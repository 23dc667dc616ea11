/**
 * Every node's dialog with a Renault account and with a BMW CarData account, in English and in
 * German (issue 16): what each brand offers, what the chosen car narrows, what validation
 * refuses (red field, reason on hover), and no untranslated text. Screenshots of each dialog
 * per brand and language, cropped to the dialog, go to test-output/screenshots/brands/ (not
 * committed); with UPDATE_PICTURE=1 the ones the README shows are written to docs/images/dialogs/.
 */
import { describe, it, before, after, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { DEMO_CARDATA_CLIENT_ID } from '../../src/sim/cardata';
import { SIMULATOR_ENV, SIMULATOR_MQTT_ENV } from '../../src/features/accounts';
import { PROJECT_ROOT, eventually, removeDir, tempDir } from '../helpers';
import { startNodeRed, type NodeRedProcess } from '../nodered-process';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots', 'brands');
/** The README's pictures of the dialogs (English): written again from the shots with UPDATE_PICTURE=1. */
const PICTURES = path.join(PROJECT_ROOT, 'docs', 'images', 'dialogs');
const README_PICTURES = new Set(['car-account-renault-en-US', 'car-account-cardata-en-US', 'car-command-cardata-en-US', 'car-status-renault-refused-en-US']);
/** The simulator's cars: an electric Zoe (Renault), an electric i4 and a plug-in MINI (CarData). */
const ZOE = 'VF1AG000862Z50001';
const I4 = 'WBY31AW0X0FCD0001';
/** A Renault Austral (full hybrid, XHN1SU): no remote climate and no traction battery in Renault's model table. */
const AUSTRAL = 'VF1RHN00X27AU0003';
const RAW_KEY = /\b(?:node-red:)?(?:car-[a-z]+|common)\.[a-zA-Z-]+\.[\w-]+/;

const BRANDS = {
  renault: { account: 'acc-renault', vin: ZOE },
  cardata: { account: 'acc-cardata', vin: I4 },
} as const;
type BrandId = keyof typeof BRANDS;
const CAR_TYPES = ['car-status', 'car-charging', 'car-command', 'car-request', 'car-trips', 'car-presence', 'car-events', 'car-homeassistant'] as const;

/** The texts the tests look for, in each language (from nodes/locales, where the dialog takes them). */
const WORDS = {
  'en-US': { perHour: /calls an hour in the background/, perDay: /calls a day in the background/, noCommands: /BMW allows no remote commands through CarData/, hour: /60 calls an hour/, day: /50 calls a day/, france: 'France (French)', ready: /signed in/, unreachable: /The cloud cannot be reached/ },
  de: { perHour: /Abrufe pro Stunde im Hintergrund/, perDay: /Abrufe pro Tag im Hintergrund/, noCommands: /BMW erlaubt über CarData keine Fernbefehle/, hour: /60 Aufrufe pro Stunde/, day: /50 Aufrufe pro Tag/, france: 'Frankreich (Französisch)', ready: /angemeldet/, unreachable: /Die Cloud ist nicht erreichbar/ },
} as const;
type Lang = keyof typeof WORDS;

interface EditorNode {
  id: string;
  type: string;
  [property: string]: unknown;
}
interface Editor {
  nodes: { version(): string | null; node(id: string): EditorNode | undefined };
  workspaces: { active(): string };
  editor: { edit(node: EditorNode): void; editConfig(name: string, type: string, id: string): void };
  tray: { close(): void };
}
declare const RED: Editor;
declare const $: (selector: string) => { data(key: string): unknown; val(): unknown; length: number };
/** The page's jQuery, as far as the failure trace uses it. */
interface JQueryLike {
  (target: unknown): {
    on(event: string, selector: string, handler: (this: { id: string; value: string }) => void): void;
    ajaxComplete(handler: (event: unknown, xhr: { status: number }, settings: { url: string }) => void): void;
    data(key: string): unknown;
    length: number;
  };
  fn: { toggle: (this: { find(selector: string): { length: number } }, ...args: unknown[]) => unknown };
}
declare const window: unknown;
/** The page's document, for page functions (the project's TypeScript has no DOM library). */
declare const document: {
  querySelector(selector: string): { textContent: string | null; closest(selector: string): unknown; classList: { contains(name: string): boolean } } | null;
  querySelectorAll(selector: string): ArrayLike<unknown>;
};


/** The deployed flow: both accounts and, per brand, one node of each type on its car. */
function flow(): { flows: unknown[]; credentials: Record<string, unknown> } {
  const flows: Record<string, unknown>[] = [
    { id: 'tab', type: 'tab', label: 'brands' },
    { id: BRANDS.renault.account, type: 'car-account', name: 'Renault sim', provider: 'renault', locale: 'fr_FR', authMode: 'password' },
    { id: BRANDS.cardata.account, type: 'car-account', name: 'CarData sim', provider: 'cardata', locale: 'fr_FR', clientId: DEMO_CARDATA_CLIENT_ID },
  ];
  for (const [brand, { account, vin }] of Object.entries(BRANDS)) {
    CAR_TYPES.forEach((type, i) => {
      const node: Record<string, unknown> = { id: `${brand}-${type}`, type, z: 'tab', x: 150 + 220 * (brand === 'renault' ? 0 : 1), y: 60 + 60 * i, account, vin, wires: [] };
      // Nodes that would read in the background only read on input here: the test needs no call.
      if (type === 'car-status') Object.assign(node, { interval: '', parts: '' });
      if (type === 'car-command') Object.assign(node, { command: '', timeout: 120 });
      if (type === 'car-request') Object.assign(node, { method: 'GET', path: '' });
      if (type === 'car-presence') Object.assign(node, { zones: [{ name: 'home', source: 'manual', latitude: '48.8', longitude: '2.3', radius: 100, margin: '', passive: false }] });
      flows.push(node);
    });
  }
  return { flows, credentials: { [BRANDS.renault.account]: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } } };
}

describe('dialogs per brand, in English and German (Chromium)', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let nr: NodeRedProcess;
  let browser: Browser;
  let userDir: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
    await fs.mkdir(SHOTS, { recursive: true });
    sim = await startSimulator({ port: 0, timeScale: 30, cardata: { brokerPort: 0, autoApproveMs: 1_000 } });
    userDir = await tempDir('cc-brands-');
    const { flows, credentials } = flow();
    nr = await startNodeRed({ userDir, flows, credentials, env: { [SIMULATOR_ENV]: sim.url, [SIMULATOR_MQTT_ENV]: sim.cardata.brokerUrl ?? '' } });
    // Both accounts signed in (CarData's device code is confirmed by the simulator), so the pickers list the cars.
    // Mocha's timeout is the deadline; after() stops Node-RED, which ends the wait if it times out.
    for (const { account } of Object.values(BRANDS)) {
      await eventually(async () => {
        const state = (await (await fetch(`${nr.url}/connected-car/accounts/${account}/state`)).json()) as { phase: string };
        return state.phase === 'ready' && (await fetch(`${nr.url}/connected-car/accounts/${account}/vehicles`)).ok;
      }, `${account} signed in`, 250);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.close();
    if (userDir) await removeDir(userDir);
  });

  it('serves one description per brand: what each offers, its budget and its sign-in', async () => {
    const brands = (await (await fetch(`${nr.url}/connected-car/brands`)).json()) as { id: string; commands: string[]; budget: { limit: number; per: string }; signIn: string[]; rawPaths: { path: string }[] }[];
    const renault = brands.find((b) => b.id === 'renault');
    const cardata = brands.find((b) => b.id === 'cardata');
    assert.ok(renault && cardata);
    assert.ok(renault.commands.includes('lock'));
    assert.deepEqual(cardata.commands, []);
    assert.deepEqual(renault.budget, { limit: 60, per: 'hour' });
    assert.deepEqual(cardata.budget, { limit: 50, per: 'day' });
    assert.deepEqual(cardata.signIn, ['device_code']);
    assert.ok(cardata.rawPaths.every((p) => p.path.startsWith('/customers/')));
  });

  for (const lang of Object.keys(WORDS) as Lang[]) {
    describe(lang, () => {
      let context: BrowserContext;
      let page: Page;
      const errors: string[] = [];
      const logged: string[] = [];
      /** Every vehicle list the page asked for. */
      const vehicleLists: string[] = [];
      const words = WORDS[lang];

      before(async () => {
        context = await browser.newContext({ locale: lang, viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/Paris' });
        page = await context.newPage();
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => logged.push(`${m.type()}: ${m.text()}`));
        page.on('requestfailed', (r) => logged.push(`failed ${r.url()}: ${r.failure()?.errorText ?? ''}`));
        page.on('request', (r) => {
          if (/\/connected-car\/accounts\/[^/]+\/vehicles/.test(r.url())) vehicleLists.push(r.url());
        });
        page.on('response', (r) => {
          if (r.status() >= 400) logged.push(`${r.status()} ${r.url()}`);
        });
        await page.goto(nr.url);
        await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes.version() !== null && !!RED.workspaces.active(), undefined, { timeout: 90_000 });
        // For a CI log: what the page did to the car and account fields, its vehicle lists and its fuel box.
        await page.evaluate(() => {
          const w = window as unknown as { ccTrace: string[]; ccAccountChanges: number; $: JQueryLike };
          w.ccTrace = [];
          w.ccAccountChanges = 0;
          const at = (): string => String(Math.round(performance.now()));
          const jq = w.$;
          jq(document).on('change', '#node-input-vin, #node-input-account', function (this: { id: string; value: string }) {
            if (this.id === 'node-input-account') w.ccAccountChanges++;
            w.ccTrace.push(`${at()} change ${this.id}=${this.value} vehicles=${((jq(this).data('vehicles') as unknown[] | undefined) ?? []).length} fields=${jq('[id="node-input-vin"]').length}`);
          });
          jq(document).ajaxComplete((_e: unknown, xhr: { status: number }, settings: { url: string }) => {
            if (/vehicles|brands/.test(settings.url)) w.ccTrace.push(`${at()} ${xhr.status} ${settings.url}`);
          });
          const toggle = jq.fn.toggle;
          jq.fn.toggle = function (this: { find(s: string): { length: number } }, ...args: unknown[]) {
            if (this.find('.car-status-part[value="fuel"]').length) w.ccTrace.push(`${at()} fuel ${String(args[0])}`);
            return toggle.apply(this, args);
          };
        });
      });
      after(async () => context?.close());

      // A failed test leaves its dialog open: close every tray so that the next test opens its own on a clean editor
      // (else one failure fails every test after it), and keep a picture of the page as it was.
      afterEach(async function () {
        if (this.currentTest?.state !== 'failed') return;
        await page.screenshot({ path: path.join(SHOTS, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}-${lang}.png`) }).catch(() => undefined);
        for (let open = await page.locator('.red-ui-tray').count(); open > 0; open--) {
          await page.evaluate(() => RED.tray.close());
          await page.waitForFunction((n) => document.querySelectorAll('.red-ui-tray').length < n, open, { timeout: 10_000 });
        }
      });

      /** The open dialog (the topmost tray), as a picture. */
      const shot = async (name: string): Promise<void> => {
        const file = `${name}-${lang}`;
        const picture = await page.locator('.red-ui-tray').last().screenshot({ path: path.join(SHOTS, `${file}.png`) });
        if (process.env.UPDATE_PICTURE === '1' && README_PICTURES.has(file)) {
          await fs.mkdir(PICTURES, { recursive: true });
          await fs.writeFile(path.join(PICTURES, `${file.replace(/-en-US$/, '')}.png`), picture);
        }
      };

      async function untranslated(): Promise<string[]> {
        return page.$$eval(
          '.red-ui-tray *',
          (els, pattern) => {
            const re = new RegExp(pattern);
            const out: string[] = [];
            for (const el of els) {
              if ((el as unknown as { offsetParent: unknown }).offsetParent === null) continue;
              const own = [...el.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent ?? '');
              for (const t of [...own, el.getAttribute('placeholder') ?? '', el.getAttribute('title') ?? '']) if (re.test(t)) out.push(t.trim());
            }
            return out;
          },
          RAW_KEY.source,
        );
      }

      /** Opens a node's dialog and waits until the account's car list arrived (the dialog has narrowed to it). */
      async function open(id: string, vin: string): Promise<void> {
        await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId) as EditorNode), id);
        await page.waitForSelector('.red-ui-tray #node-input-vin', { state: 'visible', timeout: 10_000 });
        await page.waitForFunction((v) => ((($('#node-input-vin').data('vehicles') as { vin: string }[] | undefined) ?? []).some((c) => c.vin === v)), vin, { timeout: 30_000 });
      }

      async function close(): Promise<void> {
        await page.click('#node-dialog-cancel');
        await page.waitForSelector('.red-ui-tray', { state: 'detached', timeout: 10_000 });
      }

      /**
       * Waits until the field is red (or not), as the editor's validation leaves it after the last event, then asserts
       * it: on failure the message says the field's value and reason, which is all a CI log shows.
       */
      async function expectRed(selector: string, red: boolean, message: string): Promise<void> {
        await page
          .waitForFunction(([sel, want]) => document.querySelector(sel)?.classList.contains('input-error') === want, [selector, red] as const, { timeout: 10_000 })
          .catch(() => undefined);
        const field = await page.locator(selector).first().evaluate((el) => ({ red: el.classList.contains('input-error'), value: (el as unknown as { value?: string }).value ?? '', reason: el.getAttribute('title') ?? '' }));
        assert.equal(field.red, red, `${message} (${selector}: value ${JSON.stringify(field.value)}, reason ${JSON.stringify(field.reason)})`);
      }
      /**
       * Types a value into the field (the first match) as the user would, then waits until the field holds it and is
       * red (or not). Typed again, up to three times, when the field no longer holds it: CI once saw a zone's latitude
       * back at its saved value right after it was emptied (2026-12-04, cause not found); the message says how often.
       */
      async function typeAndExpectRed(selector: string, value: string, red: boolean, message: string): Promise<void> {
        let tries = 0;
        for (; tries < 3; tries++) {
          await page.fill(selector, value);
          await page.locator(selector).first().dispatchEvent('change');
          const held = await page
            .waitForFunction(([sel, want]) => (document.querySelector(sel) as unknown as { value?: string } | null)?.value === want, [selector, value] as const, { timeout: 3_000 })
            .then(
              () => true,
              () => false,
            );
          if (held) break;
        }
        await expectRed(selector, red, tries > 0 ? `${message} (typed ${tries + 1} times)` : message);
      }
      const values = (selector: string): Promise<string[]> => page.$$eval(selector, (els) => els.map((e) => e.getAttribute('value') ?? ''));

      for (const brand of Object.keys(BRANDS) as BrandId[]) {
        const { vin } = BRANDS[brand];

        it(`${brand}: car-command offers only what the brand and the car can do`, async () => {
          await open(`${brand}-car-command`, vin);
          const commands = await values('#node-input-command option');
          if (brand === 'renault') {
            assert.ok(commands.includes('climate_start') && commands.includes('charge_start'), `Renault's Zoe: ${commands.join(', ')}`);
            assert.equal(await page.isVisible('#car-command-none'), false);
            // Another car narrows the list: the Austral takes no climate command.
            await page.selectOption('#node-input-vin', AUSTRAL);
            await page.waitForFunction(() => !document.querySelector('#node-input-command option[value="climate_start"]'), undefined, { timeout: 10_000 });
            assert.ok((await values('#node-input-command option')).includes('horn'), 'the Austral still has its horn');
          } else {
            assert.deepEqual(commands, [''], 'CarData: no command, only "from the message"');
            assert.match(await page.innerText('#car-command-none'), words.noCommands);
            assert.match(await page.innerText('#car-command-none'), /MyBMW/);
          }
          assert.deepEqual(await untranslated(), []);
          await shot(`car-command-${brand}`);
          await close();
        });

        it(`${brand}: car-status offers the car's parts, none of a fuel tank for an electric car, and refuses a 0 interval and no part`, async () => {
          await open(`${brand}-car-status`, vin);
          // The parts are narrowed to the car's as the vehicle list comes (oneditbrand): wait for that state, then assert it.
          // (CI saw fuel still offered when the editor's second change event asked for the list again; see the test below.)
          await page
            .waitForFunction(() => {
              const shown = (part: string): boolean => (document.querySelector(`.car-status-part[value="${part}"]`)?.closest('label') as unknown as { offsetParent: unknown } | null)?.offsetParent != null;
              return shown('battery') && !shown('fuel');
            }, undefined, { timeout: 10_000 })
            .catch(() => undefined);
          const visible = await page.$$eval('.car-status-part', (els) => els.filter((e) => (e.closest('label') as unknown as { offsetParent: unknown }).offsetParent !== null).map((e) => e.getAttribute('value') ?? ''));
          // What the dialog knew, for a CI log: the chosen car, the list it narrowed from, and what the page logged.
          const knew = async (): Promise<string> => `${JSON.stringify(await page.evaluate(() => ({ vin: $('#node-input-vin').val(), vins: (($('#node-input-vin').data('vehicles') as { vin: string; drivetrain?: string }[] | undefined) ?? []).map((v) => `${v.vin}:${v.drivetrain ?? '?'}`), vinFields: $('[id="node-input-vin"]').length })))}; page said: ${logged.slice(-10).join(' | ')}; errors: ${errors.join(' | ')}; trace: ${(await page.evaluate(() => (window as unknown as { ccTrace: string[] }).ccTrace.slice(-30))).join(' | ')}`;
          assert.ok(visible.includes('battery') && visible.includes('charging'), `${brand}: ${visible.join(', ')}; ${await knew()}`);
          assert.ok(!visible.includes('fuel'), `${brand}: no fuel for an electric car (${visible.join(', ')}); ${await knew()}`);
          assert.equal(await page.isChecked('.car-status-part[value="fuel"]'), false);
          assert.equal(await page.isChecked('.car-status-part[value="battery"]'), true, 'parts default from the car');
          // Validation: 0 minutes is refused with a reason; empty is "only on input".
          await typeAndExpectRed('#node-input-interval', '0', true, 'interval 0 is red');
          await typeAndExpectRed('#node-input-interval', '', false, 'empty interval is fine');
          // The budget line in the brand's own unit: calls an hour (Renault), a day (CarData).
          await page.fill('#node-input-interval', '60');
          await page.locator('#node-input-interval').dispatchEvent('change');
          await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#car-status-budget')?.textContent ?? ''), (brand === 'renault' ? words.perHour : words.perDay).source, { timeout: 10_000 });
          for (const box of await page.$$('.car-status-part:checked')) await box.uncheck();
          await expectRed('#car-status-parts', true, 'no part ticked is red');
          assert.ok(((await page.getAttribute('#car-status-parts', 'title')) ?? '').length > 0, 'with a reason on hover');
          assert.deepEqual(await untranslated(), []);
          await shot(`car-status-${brand}-refused`);
          if (brand === 'renault') {
            // A car without a traction battery is offered no battery part.
            await page.selectOption('#node-input-vin', AUSTRAL);
            await page.waitForFunction(() => (document.querySelector('.car-status-part[value="battery"]')?.closest('label') as unknown as { offsetParent: unknown } | null)?.offsetParent === null, undefined, { timeout: 10_000 });
          }
          await close();
        });

        it(`${brand}: a dialog asks for the car list once as it opens and keeps it, and its narrowing, through the editor's later change events`, async () => {
          const asked = vehicleLists.length;
          const changes = await page.evaluate(() => (window as unknown as { ccAccountChanges: number }).ccAccountChanges);
          await open(`${brand}-car-status`, vin);
          // Node-RED fires "change" on the account field after oneditprepare, at once and again 50 ms later
          // (updateConfigNodeSelect): wait for both, then the list must be the one asked for as the dialog opened.
          await page.waitForFunction((n) => (window as unknown as { ccAccountChanges: number }).ccAccountChanges >= n + 2, changes, { timeout: 10_000 });
          assert.deepEqual(vehicleLists.slice(asked), [`${nr.url}/connected-car/accounts/${BRANDS[brand].account}/vehicles`]);
          const held = await page.evaluate((v) => ({
            listed: (($('#node-input-vin').data('vehicles') as { vin: string }[] | undefined) ?? []).some((c) => c.vin === v),
            fuel: (document.querySelector('.car-status-part[value="fuel"]')?.closest('label') as unknown as { offsetParent: unknown } | null)?.offsetParent != null,
          }), vin);
          assert.deepEqual(held, { listed: true, fuel: false }, 'the list stays, and no fuel tank for the electric car');
          await close();
        });

        it(`${brand}: a car list that failed says why in the page's language and is asked for again when the account is chosen again`, async () => {
          const list = `${nr.url}/connected-car/accounts/${BRANDS[brand].account}/vehicles`;
          const asked = vehicleLists.length;
          const changes = await page.evaluate(() => (window as unknown as { ccAccountChanges: number }).ccAccountChanges);
          // The first answer is held until the editor's two change events have passed (so that neither can ask again
          // by chance after it), then refused as when the cloud cannot be reached; later ones go through.
          let release = (): void => undefined;
          const held = new Promise<void>((resolve) => (release = resolve));
          let answered = 0;
          await page.route(list, async (route) => {
            if (answered++ > 0) return route.continue();
            await held;
            return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'NETWORK', message: 'connect ECONNREFUSED' }) });
          });
          try {
            await page.evaluate((nodeId) => RED.editor.edit(RED.nodes.node(nodeId) as EditorNode), `${brand}-car-status`);
            await page.waitForSelector('.red-ui-tray #node-input-vin', { state: 'visible', timeout: 10_000 });
            await page.waitForFunction((n) => (window as unknown as { ccAccountChanges: number }).ccAccountChanges >= n + 2, changes, { timeout: 10_000 });
            release();
            await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#node-input-vin-info')?.textContent ?? ''), words.unreachable.source, { timeout: 10_000 });
            assert.deepEqual(vehicleLists.slice(asked), [list], 'one list asked for as the dialog opened');
            assert.deepEqual(await page.evaluate(() => $('#node-input-vin').data('vehicles')), [], 'no cars from a failed list');
            assert.equal(await page.getAttribute('#node-input-vin-info', 'title'), 'connect ECONNREFUSED', "the cloud's words on hover");
            // The user chooses the account again: the list is asked for again, and the car comes.
            await page.locator('#node-input-account').dispatchEvent('change');
            await page.waitForFunction((v) => ((($('#node-input-vin').data('vehicles') as { vin: string }[] | undefined) ?? []).some((c) => c.vin === v)), vin, { timeout: 30_000 });
            assert.deepEqual(vehicleLists.slice(asked), [list, list]);
            assert.equal(await page.isVisible('#node-input-vin-info'), false, 'the failure is no longer said');
            assert.equal(await page.getAttribute('#node-input-vin-info', 'title'), null, "nor the cloud's words on hover");
          } finally {
            release();
            await page.unroute(list);
          }
          await close();
        });

        it(`${brand}: car-request offers the brand's own paths and refuses a URL`, async () => {
          await open(`${brand}-car-request`, vin);
          const paths = (await values('#node-input-example option')).filter(Boolean).map((v) => v.replace(/^GET /, ''));
          assert.ok(paths.length > 0);
          if (brand === 'renault') assert.ok(paths.every((p) => p.startsWith('/commerce/v1/')), paths.join(', '));
          else assert.ok(paths.every((p) => p.startsWith('/customers/')) && paths.some((p) => p.endsWith('/telematicData')), paths.join(', '));
          await page.fill('#node-input-path', 'https://example.com/customers/containers');
          await page.locator('#node-input-path').dispatchEvent('change');
          await expectRed('#node-input-path', true, 'a URL is red');
          await page.fill('#node-input-path', paths[0] ?? '/');
          await page.locator('#node-input-path').dispatchEvent('change');
          await expectRed('#node-input-path', false, "the brand's path is fine");
          assert.deepEqual(await untranslated(), []);
          await shot(`car-request-${brand}`);
          await close();
        });

        it(`${brand}: car-charging says when the brand has no charging settings`, async () => {
          await open(`${brand}-car-charging`, vin);
          assert.equal(await page.isVisible('#car-charging-none'), brand === 'cardata');
          assert.deepEqual(await untranslated(), []);
          await shot(`car-charging-${brand}`);
          await close();
        });

        it(`${brand}: car-presence refuses a zone without latitude`, async () => {
          await open(`${brand}-car-presence`, vin);
          await expectRed('.zone-lat', false, 'a zone with its latitude');
          await typeAndExpectRed('.zone-lat', '', true, 'no latitude is red');
          await typeAndExpectRed('.zone-lat', '91', true, 'latitude 91 is red');
          assert.deepEqual(await untranslated(), []);
          await shot(`car-presence-${brand}`);
          await close();
        });

        for (const type of ['car-trips', 'car-events', 'car-homeassistant'] as const) {
          it(`${brand}: ${type} opens translated`, async () => {
            await open(`${brand}-${type}`, vin);
            assert.deepEqual(await untranslated(), []);
            await shot(`${type}-${brand}`);
            await close();
          });
        }

        it(`${brand}: the account shows the brand's own budget and state, countries by name, and refuses empty credentials`, async () => {
          await page.evaluate((id) => RED.editor.editConfig('', 'car-account', id), BRANDS[brand].account);
          await page.waitForSelector('#node-config-input-provider', { state: 'visible', timeout: 10_000 });
          await page.click('#node-config-advanced-toggle');
          await page.waitForFunction(() => (document.querySelector('#node-config-budget-tip')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
          const budget = await page.innerText('#node-config-budget-tip');
          assert.match(budget, brand === 'renault' ? words.hour : words.day);
          assert.equal(await page.isVisible('#node-config-keys-tip'), brand === 'renault', "only Renault's key tip");
          await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#node-config-state')?.textContent ?? ''), words.ready.source, { timeout: 20_000 });
          const state = await page.innerText('#node-config-state');
          assert.doesNotMatch(state, /ready|tfa_required|signing_in|\d+\/\d+/, `no internal words: ${state}`);
          if (brand === 'renault') {
            assert.equal(await page.locator('#node-config-input-locale option[value="fr_FR"]').innerText(), words.france);
            assert.equal(await page.inputValue('#node-config-input-locale'), 'fr_FR');
            await page.fill('#node-config-input-username', '');
            await page.locator('#node-config-input-username').dispatchEvent('change');
            await expectRed('#node-config-input-username', true, 'an empty e-mail is red');
          } else {
            assert.equal(await page.isVisible('#node-config-input-username'), false, 'CarData signs in with a device code: no e-mail field');
            await page.fill('#node-config-input-cardataClientId', '');
            await page.locator('#node-config-input-cardataClientId').dispatchEvent('change');
            await expectRed('#node-config-input-cardataClientId', true, 'an empty client id is red');
          }
          assert.deepEqual(await untranslated(), []);
          await shot(`car-account-${brand}`);
          await page.click('#node-config-dialog-cancel');
          await page.waitForSelector('#node-config-input-provider', { state: 'detached', timeout: 10_000 });
        });
      }

      it('ran without a script error', () => {
        assert.deepEqual(errors, []);
      });
    });
  }
});
