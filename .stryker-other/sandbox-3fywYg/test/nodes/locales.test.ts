/**
 * The editor's texts as Node-RED loads them: help per language in nodes/locales/<lang>/<type>.html,
 * labels in nodes/locales/<lang>/<type>.json, Node-RED's own common labels where it has one.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_STEPS, ERROR_CODES } from '../../src/core';
import { CAR_EVENT_NAMES } from '../../src/core/events';
import { PRESENCE_TEXTS } from '../../src/features/presence-tracker';
import { TRIP_TEXTS } from '../../src/features/trip-recorder';
import { COMMON_TEXTS, commonKey, PACKAGE } from '../../src/nodes/kit';
import { PROJECT_ROOT } from '../helpers';

const LANGS = ['en-US', 'de', 'fr'] as const;
type Lang = (typeof LANGS)[number];
/** The section headings of a help page, as Node-RED's own core nodes word them in each language. */
const HEADINGS: Record<Lang, { inputs: string; outputs: string; properties: string }> = {
  'en-US': { inputs: 'Inputs', outputs: 'Outputs', properties: 'Properties' },
  de: { inputs: 'Eingangsdaten', outputs: 'Ausgangsdaten', properties: 'Eigenschaften' },
  fr: { inputs: 'Entrées', outputs: 'Sorties', properties: 'Propriétés' },
};

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: Record<string, string> } };
const TYPES = Object.keys(pkg['node-red'].nodes);
const nodesDir = path.join(PROJECT_ROOT, 'nodes');
const read = (...parts: string[]): string => readFileSync(path.join(...parts), 'utf8');
const nodeHtml = (type: string): string => read(nodesDir, `${type}.html`);
const helpHtml = (lang: Lang, type: string): string => read(nodesDir, 'locales', lang, `${type}.html`);
const labels = (lang: Lang, type: string): Record<string, unknown> => JSON.parse(read(nodesDir, 'locales', lang, `${type}.json`)) as Record<string, unknown>;
const nodeRedLabels = (lang: Lang): Record<string, unknown> =>
  JSON.parse(read(path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [PROJECT_ROOT] })), 'locales', lang, 'messages.json')) as Record<string, unknown>;

/** Every leaf of a label catalogue as "a.b.c" → text. */
function leaves(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof obj === 'string') out.set(prefix, obj);
  else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) for (const [p, t] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, t);
  }
  return out;
}

/** The node's count of inputs and outputs, from its definition. */
function ports(type: string): { inputs: number; outputs: number } {
  const html = nodeHtml(type);
  return { inputs: Number(/\binputs: (\d+)/.exec(html)?.[1] ?? 0), outputs: Number(/\boutputs: (\d+)/.exec(html)?.[1] ?? 0) };
}

/** The <li> items directly inside the help's <ol class="node-ports"> (Node-RED's list of several outputs). */
function portItems(help: string): number {
  const list = /<ol class="node-ports">([\s\S]*)<\/ol>/.exec(help)?.[1];
  if (list === undefined) return 0;
  let depth = 0;
  let items = 0;
  for (const m of list.matchAll(/<(\/?)(ul|ol|li)\b/g)) {
    if (m[2] === 'li') {
      if (!m[1] && depth === 0) items++;
    } else depth += m[1] ? -1 : 1;
  }
  return items;
}

/** The keys a piece of editor markup or code asks for: data-i18n attributes and literal label keys. */
function keysUsed(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) {
    // A key built in code (' + ns + ') is checked where it is built.
    for (const part of (m[1] ?? '').split(';')) if (!part.includes("'")) keys.push(part.replace(/^\[[^\]]*\]/, ''));
  }
  // An icon file ('car-account.svg') is no label key.
  for (const m of text.matchAll(/'((?:node-red:)?(?:car-[a-z]+|common)\.[\w.-]*\w)'/g)) if (!(m[1] ?? '').endsWith('.svg')) keys.push(m[1] ?? '');
  return keys;
}

describe('editor help and labels', () => {
  for (const type of TYPES) {
    describe(type, () => {
      it('has no help in its node file, and one help page per language beside the labels', () => {
        assert.doesNotMatch(nodeHtml(type), /data-help-name/, 'the help moved to nodes/locales/<lang>/');
        for (const lang of LANGS) {
          const help = helpHtml(lang, type);
          const scripts = [...help.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
          assert.deepEqual(scripts, [`<script type="text/html" data-help-name="${type}">`], `${lang}: one help block for ${type}`);
          assert.equal(help.replace(/<script\b[^>]*>[\s\S]*?<\/script>/, '').trim(), '', `${lang}: nothing outside the help block`);
          assert.ok(existsSync(path.join(nodesDir, 'locales', lang, `${type}.json`)), `${lang}: labels`);
        }
      });

      it('explains its inputs and every output in every language, as many properties as in English', () => {
        const { inputs, outputs } = ports(type);
        const dts = (help: string): number => help.match(/<dt\b/g)?.length ?? 0;
        for (const lang of LANGS) {
          const help = helpHtml(lang, type);
          const h = HEADINGS[lang];
          if (type === 'car-account') assert.ok(help.includes(`<h3>${h.properties}</h3>`), `${lang}: the settings`);
          if (inputs > 0) assert.ok(help.includes(`<h3>${h.inputs}</h3>`), `${lang}: an inputs section`);
          assert.ok(help.includes(`<h3>${h.outputs}</h3>`), `${lang}: an outputs section`);
          if (outputs > 1) assert.equal(portItems(help), outputs, `${lang}: one entry per output`);
          else if (outputs === 1) assert.match(help.split(`<h3>${h.outputs}</h3>`)[1] ?? '', /^\s*<dl class="message-properties">/, `${lang}: the output's properties`);
          assert.equal(dts(help), dts(helpHtml('en-US', type)), `${lang}: every property the English help explains`);
        }
      });

      it('has the same labels in every language, and takes the name label from Node-RED', () => {
        const english = leaves(labels('en-US', type));
        assert.ok(!english.has(`${type}.label.name`), 'Node-RED has the name label');
        for (const lang of LANGS) {
          const mine = leaves(labels(lang, type));
          assert.deepEqual([...mine.keys()].sort(), [...english.keys()].sort(), `${lang}: the same keys as en-US`);
          for (const [key, text] of english) {
            const vars = (s: string): string[] => [...s.matchAll(/__(\w+)__/g)].map((m) => m[1] ?? '').sort();
            assert.deepEqual(vars(mine.get(key) ?? ''), vars(text), `${lang}: ${key} fills the same values`);
          }
        }
      });

      it('finds every label its dialog asks for, in every language', () => {
        const html = nodeHtml(type);
        const used = keysUsed(html);
        // The rows and the picker that resources/dialog.js and vehicle-picker.js give every car node.
        if (html.includes(`registerCarNode('${type}'`)) {
          used.push('node-red:common.label.name');
          for (const k of ['label.account', 'label.vin', 'label.refresh', 'picker.loading', 'picker.none', 'picker.deploy-first']) used.push(`${type}.${k}`);
        }
        assert.ok(used.includes('node-red:common.label.name'), 'the Name row uses Node-RED\'s label');
        for (const lang of LANGS) {
          const mine = leaves(labels(lang, type));
          const nodeRed = leaves(nodeRedLabels(lang));
          for (const key of used) {
            const ok = key.startsWith('node-red:') ? nodeRed.has(key.slice('node-red:'.length)) : mine.has(key);
            assert.ok(ok, `${lang}: ${key} (used by ${type}.html)`);
          }
        }
      });
    });
  }

  it('the shared editor code asks only for keys every car node has', () => {
    const shared = ['dialog.js', 'vehicle-picker.js'].map((f) => read(PROJECT_ROOT, 'resources', f)).join('\n');
    // Keys built from the node type: ns + '.label.x' and options.ns + '.picker.x'.
    const built = [...shared.matchAll(/ns \+ '\.([\w.-]+)/g)].map((m) => m[1] ?? '');
    assert.deepEqual(built.sort(), ['label.account', 'label.refresh', 'label.vin', 'picker.deploy-first', 'picker.loading', 'picker.none']);
    for (const key of keysUsed(shared)) assert.ok(key === 'node-red:common.label.name', `unexpected fixed key ${key}`);
  });
});

describe('status and error texts of the running nodes', () => {
  const srcNodes = path.join(PROJECT_ROOT, 'src', 'nodes');
  const code = readdirSync(srcNodes)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => read(srcNodes, f))
    .join('\n');
  /** The keys the nodes ask RED._ for: literal ones, and the families they build from a list. */
  const used = new Set<string>([
    ...[...code.matchAll(/'(car-[a-z]+\.(?:status|errors|words)\.[\w-]+)'/g)].map((m) => m[1] ?? ''),
    ...COMMAND_STEPS.map((step) => `car-command.status.${step}`),
    ...['stale', 'no-fix'].map((k) => `car-presence.status.${k}`),
    ...TRIP_TEXTS.map((k) => `car-trips.errors.${k}`),
    ...PRESENCE_TEXTS.map((k) => `car-presence.errors.${k}`),
    ...COMMON_TEXTS.map((k) => `car-account.common.${k}`),
    ...CAR_EVENT_NAMES.map((k) => `car-events.names.${k}`),
    ...ERROR_CODES.map((code) => `car-account.common.codes.${code}`),
  ]);
  /** A key with a count has its plural forms instead (i18next: key_one, key_other). */
  const has = (catalog: Map<string, string>, key: string): boolean => catalog.has(key) || (catalog.has(`${key}_one`) && catalog.has(`${key}_other`));
  const baseOf = (key: string): string => key.replace(/_(zero|one|two|few|many|other)$/, '');

  it('finds every text a node asks for in its catalog, in every language', () => {
    for (const key of used) {
      const type = key.split('.')[0] ?? '';
      for (const lang of LANGS) assert.ok(has(leaves(labels(lang, type)), key), `${lang}: ${key}`);
    }
  });

  it('keeps each text once: no status, error or word that no node uses (the shared ones are in car-account.common)', () => {
    for (const type of TYPES) {
      for (const key of leaves(labels('en-US', type)).keys()) {
        if (/^car-[a-z]+\.(status|errors|words|common)\./.test(key)) assert.ok(used.has(baseOf(key)), `${key} is not used`);
      }
    }
  });

  it("reaches the shared texts from any node through Node-RED's namespaced key, in en-US, de and fr", () => {
    assert.equal(PACKAGE, pkg.name);
    // Node-RED's own i18n in a process of its own (it keeps one global catalog).
    const script = `
      const { i18n } = require(require.resolve('@node-red/util', { paths: [process.argv[1]] }));
      (async () => {
        await i18n.init({});
        await i18n.registerMessageCatalog(process.argv[2], process.argv[3], 'car-account.json');
        await i18n.i.loadLanguages(['de', 'fr']);
        const keys = JSON.parse(process.argv[4]);
        const out = {};
        for (const lng of ['en-US', 'de', 'fr']) out[lng] = keys.map((k) => i18n.i.t(k, { lng, until: '14:05' }));
        process.stdout.write(JSON.stringify(out));
      })();`;
    const keys = COMMON_TEXTS.map(commonKey);
    const args = ['-e', script, PROJECT_ROOT, `${pkg.name}/car-account`, path.join(nodesDir, 'locales'), JSON.stringify(keys)];
    const got = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as Record<Lang, string[]>;
    for (const lang of LANGS) {
      const catalog = leaves(labels(lang, 'car-account'));
      COMMON_TEXTS.forEach((text, i) => {
        assert.equal(got[lang][i], catalog.get(`car-account.common.${text}`)?.replace('__until__', '14:05'), `${lang}: ${text}`);
      });
    }
  });
});
