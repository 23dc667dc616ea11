/**
 * Every text a node's status dot can show has a key in en-US, de and fr (issue 16): the shared
 * dot (StatusDot) is driven through every account state, stream state and error code with a RED
 * that records the keys it is asked for, and the node files are read for the keys they ask for
 * and for any dot text written as a literal (which could not be translated).
 */
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

/** Every leaf of a catalog as "a.b.c". */
function leaves(obj: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (typeof obj === 'string') out.add(prefix);
  else if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}
const catalogs = new Map<string, Set<string>>();
function catalog(lang: string, type: string): Set<string> {
  const id = `${lang}/${type}`;
  let keys = catalogs.get(id);
  if (!keys) catalogs.set(id, (keys = leaves(JSON.parse(readFileSync(path.join(localesDir, lang, `${type}.json`), 'utf8')))));
  return keys;
}

/** Whether a key (plain "car-x.a.b" or namespaced "<package>/car-x:car-x.a.b") has a text in a language; a counted one its plural forms. */
function translated(key: string, lang: string): boolean {
  const plain = key.startsWith(`${PACKAGE}/`) ? key.slice(key.indexOf(':') + 1) : key;
  const keys = catalog(lang, plain.split('.')[0] ?? '');
  return keys.has(plain) || (keys.has(`${plain}_one`) && keys.has(`${plain}_other`));
}

/** A node and a RED that record the dots and the keys asked for. */
function recorder(): { RED: { _: (key: string) => string }; node: RedNode; dots: NodeStatus[]; keys: Set<string> } {
  const dots: NodeStatus[] = [];
  const keys = new Set<string>();
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
      _: (key: string) => {
        keys.add(key);
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
    for (const key of keys) for (const lang of LANGS) assert.ok(translated(key, lang), `${lang}: ${key}`);
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
        const keys = [...code.matchAll(/RED\._\('(car-[a-z]+\.status\.[\w-]+)'/g)].map((m) => m[1] ?? '');
        // Keys built from a value: each value the node can pass.
        if (code.includes('`car-command.status.${s.step}`')) keys.push(...COMMAND_STEPS.map((s) => `car-command.status.${s}`));
        if (code.includes("`car-presence.status.${u.reason === 'no_fix' ? 'no-fix' : 'stale'}`")) keys.push('car-presence.status.no-fix', 'car-presence.status.stale');
        const built = [...code.matchAll(/RED\._\(`(car-[a-z]+\.status\.[^`]*)`/g)].map((m) => m[1] ?? '');
        for (const b of built) assert.ok(['car-command.status.${s.step}', "car-presence.status.${u.reason === 'no_fix' ? 'no-fix' : 'stale'}"].includes(b), `${type}: a status key built in a way this test does not know: ${b}`);
        for (const key of keys) for (const lang of LANGS) assert.ok(translated(key, lang), `${lang}: ${key}`);
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
