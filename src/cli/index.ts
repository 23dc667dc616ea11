import { promises as fs } from 'node:fs';
import { toCarError } from '../core';
import { PARSERS } from '../brands';
import { initCliUtil, log, t } from './nr-util';

/** Reads `--name value` options; the rest are positional. */
export function parseArgs(argv: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      if (inline !== undefined) options[k ?? ''] = inline;
      else options[k ?? ''] = argv[i + 1] && !argv[i + 1]?.startsWith('--') ? (argv[++i] ?? '') : 'true';
    } else positional.push(a);
  }
  return { positional, options };
}

function num(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : fallback;
}

/** `connected-car parse <provider> <endpoint> <file>`: prints the model as JSON; exit 1 on failure. */
export async function parseCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [provider = '', endpoint = '', file = ''] = args;
  const parser = PARSERS[provider];
  if (!parser) {
    err(t('parse.unknown-provider', { provider, allowed: Object.keys(PARSERS).join(', ') }));
    return 2;
  }
  if (!parser.endpoints.includes(endpoint) || !file) {
    err(t('parse.unknown-endpoint', { endpoint, provider, allowed: parser.endpoints.join(', ') }));
    return 2;
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    err(t('parse.unreadable', { file, reason: (e as Error).message }));
    return 2;
  }
  try {
    const model = parser.parse(endpoint, text);
    out(JSON.stringify(model, null, 2));
    return model && typeof model === 'object' && 'error' in model ? 1 : 0;
  } catch (e) {
    const ce = toCarError(e);
    err(JSON.stringify({ error: ce.toJSON() }, null, 2));
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  await initCliUtil();
  const { positional, options } = parseArgs(argv);
  const [command, ...rest] = positional;
  switch (command) {
    case 'parse':
      return parseCommand(rest, (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`));
    case 'sim': {
      const { runSimulator } = await import('./demo');
      await runSimulator({ port: num(options.port ?? process.env.SIM_PORT, 18860), timeScale: num(options['time-scale'], 30) });
      return new Promise<number>(() => undefined); // runs until Ctrl-C
    }
    case 'demo': {
      const { runDemo } = await import('./demo');
      return runDemo({ port: num(options.port ?? process.env.PORT, 1880), simPort: num(options['sim-port'] ?? process.env.SIM_PORT, 18860) });
    }
    default:
      log.info(t('usage'));
      return command === undefined || command === 'help' || options.help ? 0 : 2;
  }
}
