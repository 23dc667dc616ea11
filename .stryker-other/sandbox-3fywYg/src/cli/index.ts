// @ts-nocheck
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { toCarError } from '../core';
import { PARSER_IDS, rawParser } from '../brands';
import { initCliUtil, t } from './nr-util';

/** The options of each command (node:util parseArgs); --help everywhere. */
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const COMMAND_OPTIONS = {
  demo: { ...HELP, port: { type: 'string' }, 'sim-port': { type: 'string' }, dir: { type: 'string' } },
  sim: { ...HELP, port: { type: 'string' }, 'time-scale': { type: 'string' } },
  parse: { ...HELP },
} as const;
type Command = keyof typeof COMMAND_OPTIONS;

/** Where the command line prints: usage and results on out, usage errors on err. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}
const STDIO: CliIo = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

class UsageError extends Error {}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_534) throw new UsageError(`--${name} must be a port number (got "${value}")`);
  return n;
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number (got "${value}")`);
  return n;
}

/** `connected-car parse <provider> <endpoint> <file>`: prints the model as JSON; exit 1 on failure. */
export async function parseCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [provider = '', endpoint = '', file = ''] = args;
  const parser = rawParser(provider);
  if (!parser) {
    err(t('parse.unknown-provider', { provider, allowed: PARSER_IDS.join(', ') }));
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

/**
 * `connected-car <command> [options]`. --help prints the usage on stdout and exits 0 without
 * starting anything; a wrong command or option prints it on stderr and exits 2.
 */
export async function main(argv: string[], io: CliIo = STDIO): Promise<number> {
  await initCliUtil();
  const [first, ...rest] = argv;
  const usage = (): string => t('usage');
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.out(usage());
    return 0;
  }
  if (!(first in COMMAND_OPTIONS)) {
    io.err(t('unknown-command', { command: first }));
    io.err(usage());
    return 2;
  }
  const command = first as Command;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const options: ParseArgsConfig['options'] = COMMAND_OPTIONS[command];
    const parsed = parseArgs({ args: rest, options, allowPositionals: command === 'parse', strict: true });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
  } catch (e) {
    io.err((e as Error).message);
    io.err(usage());
    return 2;
  }
  if (values.help) {
    io.out(usage());
    return 0;
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  try {
    switch (command) {
      case 'parse':
        return await parseCommand(positionals, io.out, io.err);
      case 'sim': {
        const simPort = port('port', str('port') ?? process.env.SIM_PORT, 18860);
        const timeScale = positiveNumber('time-scale', str('time-scale'), 30);
        const { runSimulator } = await import('./demo');
        await runSimulator({ port: simPort, timeScale });
        return await new Promise<number>(() => undefined); // runs until Ctrl-C
      }
      case 'demo': {
        const nrPort = port('port', str('port') ?? process.env.PORT, 1880);
        const simPort = port('sim-port', str('sim-port') ?? process.env.SIM_PORT, 18860);
        const { runDemo } = await import('./demo');
        const dir = str('dir');
        return await runDemo({ port: nrPort, simPort, ...(dir ? { dir: path.resolve(dir) } : {}) });
      }
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(e.message);
    io.err(usage());
    return 2;
  }
}
