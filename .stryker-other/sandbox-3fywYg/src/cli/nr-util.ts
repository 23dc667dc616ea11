// @ts-nocheck
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Logging and translations for the parts that run without Node-RED's RED object (the command
 * line and the simulator). Where Node-RED is installed beside the plugin (a development
 * checkout, `npm start`), @node-red/util's own log and i18n are used, so they log and translate
 * like Node-RED does. The package does not depend on @node-red/util: a second copy at another
 * version than the host's breaks Node-RED's start (its runtime and its CLI then initialise
 * different copies). Without it, a small stand-in reads the same catalogues.
 */
interface NrLog {
  init(settings: { logging?: Record<string, { level: string; metrics?: boolean; audit?: boolean }> }): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
}
interface NrI18n {
  init(settings: { lang?: string }): void;
  registerMessageCatalog(namespace: string, dir: string, file: string): Promise<void>;
  _(key: string, substitutions?: Record<string, string | number>): string;
}
interface NrUtil {
  log: NrLog;
  i18n: NrI18n;
}

const NAMESPACE = 'connected-car-cli';
const LOCALES_DIR = path.join(__dirname, '..', '..', '..', 'locales');

function loadNodeRedUtil(): NrUtil | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@node-red/util') as NrUtil;
  } catch {
    return undefined;
  }
}

/** The stand-in: console lines in Node-RED's format, catalogues read from locales/. */
function standIn(): NrUtil {
  let level = 'info';
  let catalog: Record<string, unknown> = {};
  const order = ['error', 'warn', 'info', 'debug'];
  const line = (lvl: string, msg: string): void => {
    if (order.indexOf(lvl) > order.indexOf(level)) return;
    const d = new Date();
    const stamp = `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })} ${d.toTimeString().slice(0, 8)}`;
    (lvl === 'error' || lvl === 'warn' ? process.stderr : process.stdout).write(`${stamp} - [${lvl}] ${msg}\n`);
  };
  return {
    log: {
      init: (s) => (level = s.logging?.console?.level ?? 'info'),
      info: (m) => line('info', m),
      warn: (m) => line('warn', m),
      error: (m) => line('error', m),
      debug: (m) => line('debug', m),
    },
    i18n: {
      init: () => undefined,
      registerMessageCatalog: async (_ns, dir, file) => {
        const lang = (process.env.LC_ALL ?? process.env.LANG ?? 'en-US').split(/[._]/)[0] ?? 'en';
        for (const candidate of [lang, 'en-US']) {
          try {
            catalog = JSON.parse(await fs.readFile(path.join(dir, candidate, file), 'utf8')) as Record<string, unknown>;
            return;
          } catch {
            // try the next language
          }
        }
      },
      _: (key, subs) => {
        const bare = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
        let value: unknown = catalog;
        for (const part of bare.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
        let text = typeof value === 'string' ? value : bare;
        for (const [k, v] of Object.entries(subs ?? {})) text = text.split(`__${k}__`).join(String(v));
        return text;
      },
    },
  };
}

const util: NrUtil = loadNodeRedUtil() ?? standIn();
let ready: Promise<void> | undefined;

export function initCliUtil(level: 'info' | 'debug' | 'warn' = 'info'): Promise<void> {
  ready ??= (async () => {
    util.log.init({ logging: { console: { level, metrics: false, audit: false } } });
    util.i18n.init({});
    await util.i18n.registerMessageCatalog(NAMESPACE, LOCALES_DIR, 'cli.json');
  })();
  return ready;
}

export const log: NrLog = util.log;

/** A CLI message by key, in the user's language (en-US, de, fr). */
export function t(key: string, substitutions?: Record<string, string | number>): string {
  return util.i18n._(`${NAMESPACE}:${key}`, substitutions);
}
