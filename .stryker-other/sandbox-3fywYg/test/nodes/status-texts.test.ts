/**
 * Every text a node's status dot can show has a key in en-US, de and fr (issue 16): the shared
 * dot (StatusDot) is driven through every account state, stream state and error code with a RED
 * that records the keys it is asked for, and the node files are read for the keys they ask for
 * and for any dot text written as a literal (which could not be translated).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CarError, COMMAND_STEPS, ERROR_CODES } from '../../src/core';
import type { SessionState } from '../../src/features/session';
import { PACKAGE, StatusDot, type StreamState } from '../../src/nodes/kit';
import type { NodeStatus, RedNode } from '../../src/nodes/red';
import { PROJECT_ROOT } from '../helpers';

const LANGS = ['en-US', 'de', 'fr'] as const;
const localesDir = path.join(PROJECT_ROOT, 'nodes', 'locales');

/** Every leaf of a catalog as "a.b.c", with its text. */
function leaves(obj: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof obj === 'string') out.set(prefix, obj);
  else if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}
const catalogs = new Map<string, Map<string, string>>();
function catalog(lang: string, type: string): Map<string, string> {
  const id = `${lang}/${type}`;
  let keys = catalogs.get(id);
  if (!keys) catalogs.set(id, (keys = leaves(JSON.parse(readFileSync(path.join(localesDir, lang, `${type}.json`), 'utf8')))));
  return keys;
}

/** The texts of a key (plain "car-x.a.b" or namespaced "<package>/car-x:car-x.a.b") in a language: one, or a counted one's plural forms. */
function textsOf(key: string, lang: string): string[] {
  const plain = key.startsWith(`${PACKAGE}/`) ? key.slice(key.indexOf(':') + 1) : key;
  const keys = catalog(lang, plain.split('.')[0] ?? '');
  const one = keys.get(plain);
  if (one !== undefined) return [one];
  const forms = [keys.get(`${plain}_one`), keys.get(`${plain}_other`)];
  return forms.every((f) => f !== undefined) ? (forms as string[]) : [];
}

/** Whether a key has a text in a language; a counted one its plural forms. */
function translated(key: string, lang: string): boolean {
  return textsOf(key, lang).length > 0;
}

/**
 * Each text of the key in each language uses exactly the parameters given (a text without one of
 * them would drop a value, e.g. the time of a pause; one that names another shows "__x__"). A
 * counted text may leave out the count (the "1" of "one").
 */
function assertParams(key: string, given: readonly string[], where: string): void {
  for (const lang of LANGS) {
    for (const text of textsOf(key, lang)) {
      const used = new Set([...text.matchAll(/__(\w+)__/g)].map((m) => m[1] ?? ''));
      for (const name of used) assert.ok(given.includes(name), `${where}: ${lang} ${key} names __${name}__, which is not given (${given.join(', ') || 'none'})`);
      for (const name of given) assert.ok(used.has(name) || name === 'count', `${where}: ${lang} ${key} leaves out __${name}__`);
    }
  }
}

/** The top-level property names of an object literal's source ("{ a: 1, b }" -> a, b). */
function literalKeys(source: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of source.slice(1, -1)) {
    if ('{[('.includes(ch)) depth++;
    if ('}])'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      names.push(part);
      part = '';
    } else part += ch;
  }
  names.push(part);
  return names.map((p) => (/^\s*(\w+)/.exec(p) ?? [])[1] ?? '').filter(Boolean);
}

/** The object literal that starts at code[start] ('{'), as source. */
function literalAt(code: string, start: number): string {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    if (code[i] === '{') depth++;
    if (code[i] === '}' && --depth === 0) return code.slice(start, i + 1);
  }
  return code.slice(start);
}

/** A node and a RED that record the dots and the keys asked for. */
function recorder(): { RED: { _: (key: string, params?: Record<string, string | number>) => string }; node: RedNode; dots: NodeStatus[]; keys: Map<string, string[]> } {
  const dots: NodeStatus[] = [];
  const keys = new Map<string, string[]>();
  const node = {
    id: 'n',
    type: 'car-test',
    on: () => undefined,
    send: () => undefined,
    status: (s: NodeStatus) => dots.push(s),
    log: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  } as RedNode;
  return {
    RED: {
      _: (key: string, params?: Record<string, string | number>) => {
        keys.set(key, Object.keys(params ?? {}));
        return `<${key}>`;
      },
    },
    node,
    dots,
    keys,
  };
}

describe('status texts in every language', () => {
  it("has a key in en-US, de and fr for every text the shared dot shows, whatever the account's state", () => {
    const { RED, node, dots, keys } = recorder();
    const account = new EventEmitter();
    const dot = new StatusDot(RED, node, account);
    dot.ok();
    dot.busy();
    dot.waiting();
    for (const code of ERROR_CODES) {
      dot.error(new CarError(code, 'x'));
      dot.error(new CarError(code, 'x', { retryAt: 1_000 }), 'GET cockpit');
    }
    const phases: SessionState[] = [
      { phase: 'idle' },
      { phase: 'signing_in' },
      { phase: 'ready' },
      { phase: 'tfa_required', challenge: { kind: 'code', hint: 'a***@b' } },
      { phase: 'tfa_required', challenge: { kind: 'device_code', userCode: 'ABCD-1234' } },
      ...ERROR_CODES.map((code): SessionState => ({ phase: 'blocked', code })),
      { phase: 'tfa_required', code: 'TFA_REQUIRED' },
      { phase: 'rate_limited', code: 'RATE_LIMITED', until: 2_000 },
      { phase: 'error', code: 'NETWORK' },
    ];
    for (const s of phases) account.emit('state', s);
    const streams: StreamState[] = [{ state: 'refused', retryAt: 3_000 }, { state: 'refused' }, { state: 'connected' }, { state: 'connecting' }, { state: 'disconnected' }];
    for (const s of streams) account.emit('stream', s);

    // Every dot the kit showed is made of keys (besides the node's own subject): no English word of its own.
    for (const d of dots) if (d.text) assert.doesNotMatch(d.text.replace(/<[^>]+>/g, '').replace('GET cockpit', ''), /[A-Za-z]/, `a dot text outside the catalogs: ${d.text}`);
    assert.ok(keys.size >= ERROR_CODES.length + 6, `the dot asked for the texts (${keys.size})`);
    for (const key of keys.keys()) for (const lang of LANGS) assert.ok(translated(key, lang), `${lang}: ${key}`);
    // With the parameters the dot gives (the end of a pause, of a stream's wait).
    for (const [key, given] of keys) assertParams(key, given, 'StatusDot');
    assert.deepEqual(keys.get(`${PACKAGE}/car-account:car-account.common.status.rate-limited`), ['until']);
  });

  it('counts in each language with its plural forms, as Node-RED\'s own i18n resolves them ("1 trip", "3 Fahrten", "2 en attente")', () => {
    // Node-RED's i18n in a process of its own (it keeps one global catalog).
    const script = `
      const { i18n } = require(require.resolve('@node-red/util', { paths: [process.argv[1]] }));
      (async () => {
        await i18n.init({});
        for (const type of ['car-command', 'car-trips']) await i18n.registerMessageCatalog(process.argv[2] + '/' + type, process.argv[3], type + '.json');
        await i18n.i.loadLanguages(['de', 'fr']);
        const out = {};
        for (const lng of ['en-US', 'de', 'fr']) out[lng] = [1, 3].map((count) => [
          i18n.i.t(process.argv[2] + '/car-trips:car-trips.status.trips', { lng, count }),
          i18n.i.t(process.argv[2] + '/car-command:car-command.status.queue', { lng, count }),
        ]);
        process.stdout.write(JSON.stringify(out));
      })();`;
    const got = JSON.parse(execFileSync(process.execPath, ['-e', script, PROJECT_ROOT, PACKAGE, localesDir], { encoding: 'utf8' })) as Record<string, string[][]>;
    assert.deepEqual(got, {
      'en-US': [['1 trip', '1 queued'], ['3 trips', '3 queued']],
      de: [['1 Fahrt', '1 wartet'], ['3 Fahrten', '3 warten']],
      fr: [['1 trajet', '1 en attente'], ['3 trajets', '3 en attente']],
    });
  });

  describe('what each node shows besides the shared dot', () => {
    const srcNodes = path.join(PROJECT_ROOT, 'src', 'nodes');
    const files = readdirSync(srcNodes).filter((f) => /^car-.*\.ts$/.test(f));

    for (const file of files) {
      const code = readFileSync(path.join(srcNodes, file), 'utf8');
      const type = file.replace(/\.ts$/, '');

      it(`${type}: every status text it asks for is in en-US, de and fr`, () => {
        // A dot's text (dot.text, in the editor's language) or one the runtime says (RED._), with the parameters given.
        const asked = (m: RegExpMatchArray): { key: string; given: string[] } => {
          const at = (m.index ?? 0) + m[0].length;
          const rest = code.slice(at);
          return { key: m[1] ?? '', given: rest.startsWith(', {') ? literalKeys(literalAt(code, at + 2)) : [] };
        };
        const texts = [...code.matchAll(/(?:RED\._|dot\.text)\('(car-[a-z]+\.status\.[\w-]+)'/g)].map(asked);
        // Keys built from a value: each value the node can pass.
        const built = [...code.matchAll(/(?:RED\._|dot\.text)\(`(car-[a-z]+\.status\.[^`]*)`/g)].map(asked);
        const valuesOf: Record<string, readonly string[]> = {
          'car-command.status.${s.step}': COMMAND_STEPS.map((s) => `car-command.status.${s}`),
          "car-presence.status.${u.reason === 'no_fix' ? 'no-fix' : 'stale'}": ['car-presence.status.no-fix', 'car-presence.status.stale'],
        };
        for (const b of built) {
          const keys = valuesOf[b.key];
          assert.ok(keys, `${type}: a status key built in a way this test does not know: ${b.key}`);
          texts.push(...keys.map((key) => ({ key, given: b.given })));
        }
        for (const { key, given } of texts) {
          for (const lang of LANGS) assert.ok(translated(key, lang), `${lang}: ${key}`);
          assertParams(key, given, type);
        }
      });

      it(`${type}: writes no dot text as a literal`, () => {
        // node.status / dot.set with text: '…', or dot.ok/busy/waiting('…'): a word no catalog translates.
        // A template of values only ("GET cockpit · 200": method, endpoint, HTTP status) has no word of its own.
        const literal = [...code.matchAll(/(?:text:\s*|\.(?:ok|busy|waiting)\()(['"`])([^'"`]*)\1/g)].map((m) => m[2] ?? '').filter((t) => /[A-Za-z]/.test(t.replace(/\$\{[^}]*\}/g, '')));
        assert.deepEqual(literal, [], `${type}: literal dot texts`);
      });
    }

    it('found the node files', () => assert.equal(files.length, 9));
  });
});
