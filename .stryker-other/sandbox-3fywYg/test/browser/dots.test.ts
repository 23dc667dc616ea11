/**
 * Status dots in the browser's language (issue 16). Node-RED runs in French here (LC_ALL): a
 * Status node gets the runtime's French text, while an editor in English or German shows the dot
 * in its own language, with its parameters (a command and the time of its step, in the browser's
 * time zone). The editor script's own formats (ages, dates) are checked with the real catalogs.
 */
// @ts-nocheck

import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { SIMULATOR_ENV } from '../../src/features/accounts';
import { eventually, removeDir, tempDir } from '../helpers';
import { startNodeRed, type NodeRedProcess } from '../nodered-process';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ZOE = 'VF1AG000862Z50001';

interface EditorNode {
  id: string;
  status?: { text?: string };
}
declare const RED: { nodes: { version(): string | null; node(id: string): EditorNode | undefined }; workspaces: { active(): string } };
declare const window: {
  connectedCarDialog: {
    dotText(node: EditorNode, said: unknown): string;
    localTime(at: number): string;
    fromNow(at: number, now?: number): string;
  };
};

const STEP = {
  // The runtime's French, as a Status node gets it.
  fr: /^climate_start (envoyée|acceptée|transmise|exécutée|échouée) \d\d:\d\d:\d\d$/,
  'en-US': /^climate_start (sent|accepted|delivered|executed|failed) \d\d:\d\d:\d\d [AP]M$/,
  de: /^climate_start (gesendet|angenommen|zugestellt|ausgeführt|fehlgeschlagen) \d\d:\d\d:\d\d$/,
};
const WORDS = {
  'en-US': { stale: 'stale · 3 min. ago · 80 %', trips: '1 trip · 3 charges', until: '03:05 PM (in 12 min.)' },
  de: { stale: 'veraltet · vor 3 Min. · 80 %', trips: '1 Fahrt · 3 Ladungen', until: '15:05 (in 12 Min.)' },
} as const;

describe('status dots in the browser\'s language (Chromium)', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let nr: NodeRedProcess;
  let browser: Browser;
  let userDir: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
    sim = await startSimulator({ port: 0, timeScale: 30 });
    userDir = await tempDir('cc-dots-');
    const flows = [
      { id: 'tab', type: 'tab', label: 'dots' },
      { id: 'acc', type: 'car-account', name: 'Renault sim', provider: 'renault', locale: 'fr_FR', authMode: 'password' },
      { id: 'go', type: 'inject', z: 'tab', x: 100, y: 60, props: [{ p: 'payload' }], payload: '{"command":"climate_start","temperatureC":21}', payloadType: 'json', repeat: '', once: false, wires: [['cmd']] },
      { id: 'cmd', type: 'car-command', z: 'tab', x: 300, y: 60, account: 'acc', vin: ZOE, command: '', timeout: 120, wires: [[], []] },
      // What a Status node gets, written to the runtime's log.
      { id: 'watch', type: 'status', z: 'tab', x: 100, y: 140, scope: ['cmd'], wires: [['seen']] },
      { id: 'seen', type: 'debug', z: 'tab', x: 300, y: 140, active: true, tosidebar: false, console: true, tostatus: false, complete: 'status.text', targetType: 'msg' },
    ];
    nr = await startNodeRed({
      userDir,
      flows,
      credentials: { acc: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } },
      env: { [SIMULATOR_ENV]: sim.url, LC_ALL: 'fr_FR.UTF-8', TZ: 'Europe/Paris' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.close();
    if (userDir) await removeDir(userDir);
  });

  for (const lang of ['en-US', 'de'] as const) {
    describe(lang, () => {
      let context: BrowserContext;
      let page: Page;
      const errors: string[] = [];

      before(async () => {
        context = await browser.newContext({ locale: lang, timezoneId: 'Europe/Paris', viewport: { width: 1200, height: 700 } });
        page = await context.newPage();
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(nr.url);
        await page.waitForFunction(() => typeof RED !== 'undefined' && RED.nodes.version() !== null && !!RED.workspaces.active(), undefined, { timeout: 90_000 });
      });
      after(async () => context?.close());

      it("shows a command's step in the browser's language, with the command and the step's time, while a Status node gets the runtime's text", async () => {
        const before = nr.log().length;
        const earlier = await page.evaluate(() => RED.nodes.node('cmd')?.status?.text ?? '');
        const res = await fetch(`${nr.url}/inject/go`, { method: 'POST' });
        assert.equal(res.status, 200);
        // A step of this command (the other language's test sent one before: its text is the earlier one).
        await page.waitForFunction(([re, old]) => {
          const text = RED.nodes.node('cmd')?.status?.text ?? '';
          return text !== old && new RegExp(re).test(text);
        }, [STEP[lang].source, earlier] as const, { timeout: 60_000 });
        // The runtime said it in French to the Status node, the same step.
        await eventually(() => [...nr.log().slice(before).matchAll(/\[debug:seen\] (.*)$/gm)].some((m) => STEP.fr.test((m[1] ?? '').trim())), 'the Status node got the French text', 50);
      });

      it('an editor opened later gets the dot in its language too (the record is retained)', async () => {
        const late = await context.newPage();
        await late.goto(nr.url);
        await late.waitForFunction((re) => typeof RED !== 'undefined' && new RegExp(re).test(RED.nodes.node('cmd')?.status?.text ?? ''), STEP[lang].source, { timeout: 90_000 });
        await late.close();
      });

      it("writes ages, counts and pauses with the browser's Intl and the real catalogs", async () => {
        const got = await page.evaluate(() => {
          const d = window.connectedCarDialog;
          const status = RED.nodes.node('cmd') as EditorNode;
          const now = Date.now();
          return {
            // The dot's texts are resolved in the node's catalog; car-status's and car-trips' through their namespace.
            stale: d.dotText(status, { key: 'node-red-contrib-connected-car/car-status:car-status.status.stale', params: { since: { time: now - 185_000, as: 'ago' }, summary: '80 %' } }),
            trips: d.dotText(status, [
              { key: 'node-red-contrib-connected-car/car-trips:car-trips.status.trips', params: { count: 1 } },
              { key: 'node-red-contrib-connected-car/car-trips:car-trips.status.charges', params: { count: 3 } },
            ]),
            // 15:05 in Paris on a winter day, twelve minutes from "now".
            until: `${d.localTime(Date.UTC(2026, 11, 3, 14, 5))} (${d.fromNow(Date.UTC(2026, 11, 3, 14, 5), Date.UTC(2026, 11, 3, 13, 53))})`,
          };
        });
        assert.deepEqual(got, WORDS[lang]);
      });

      it('ran without a script error', () => assert.deepEqual(errors, []));
    });
  }
});
