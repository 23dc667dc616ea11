import * as path from 'node:path';

/**
 * @node-red/util's log and i18n, for the parts that run without Node-RED's RED object (the
 * command line and the simulator), so they log and translate like Node-RED does.
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

// Loaded at run time so that the nodes (which use RED.log) never pull it in.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const util = require('@node-red/util') as NrUtil;

const NAMESPACE = 'connected-car-cli';
let ready: Promise<void> | undefined;

export function initCliUtil(level: 'info' | 'debug' | 'warn' = 'info'): Promise<void> {
  ready ??= (async () => {
    util.log.init({ logging: { console: { level, metrics: false, audit: false } } });
    util.i18n.init({});
    await util.i18n.registerMessageCatalog(NAMESPACE, path.join(__dirname, '..', '..', '..', 'locales'), 'cli.json');
  })();
  return ready;
}

export const log: NrLog = util.log;

/** A CLI message by key, in the user's language (en-US, de, fr). */
export function t(key: string, substitutions?: Record<string, string | number>): string {
  return util.i18n._(`${NAMESPACE}:${key}`, substitutions);
}
