/** The project's own Renault answers (test/fixtures/renault, see its SOURCE.md) and where each belongs. */
// @ts-nocheck

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../helpers';

export const RENAULT_FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'renault');

export function renaultFixture(...parts: string[]): string {
  return path.join(RENAULT_FIXTURES, ...parts);
}

export function readRenault(...parts: string[]): Promise<string> {
  return fs.readFile(renaultFixture(...parts), 'utf8');
}

export async function readRenaultJson(...parts: string[]): Promise<unknown> {
  return JSON.parse(await readRenault(...parts)) as unknown;
}

/** The files of one folder whose names match. */
export async function listRenault(dir: string, pattern: RegExp): Promise<string[]> {
  return (await fs.readdir(renaultFixture(dir))).filter((f) => pattern.test(f)).sort();
}

/** Documentation beside the answers: not responses. */
const NOT_RESPONSES = new Set(['SOURCE.md']);

/** Every answer, as a path relative to the fixture root. */
export async function allRenaultFixtures(rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(RENAULT_FIXTURES, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...(await allRenaultFixtures(r)));
    else if (!NOT_RESPONSES.has(r)) out.push(r);
  }
  return out.sort();
}

/** The endpoint (as `connected-car parse` names it) a file is an answer of, from where it lies. */
export function endpointOf(rel: string): string | undefined {
  const [dir, sub, file = ''] = rel.split('/');
  const base = path.posix.basename(rel);
  if (rel === 'config_sample.txt') return 'app-config';
  if (dir === 'gigya') {
    const name = base.split('.')[0] ?? '';
    return name.startsWith('login') ? 'gigya-login' : name === 'get_account_info' ? 'gigya-account-info' : name === 'get_jwt' ? 'gigya-jwt' : undefined;
  }
  if (dir !== 'kamereon') return undefined;
  if (sub === 'person.json') return 'person';
  if (sub === 'person' && file.startsWith('notifications')) return 'notifications';
  switch (sub) {
    case 'error':
      return 'error';
    case 'vehicles':
      return 'vehicles';
    case 'vehicle_details':
      return 'details';
    case 'vehicle_gateway':
      return 'car-adapter';
    case 'vehicle_contract':
      return 'contracts';
    case 'vehicle_info':
      return file.startsWith('alerts') ? 'alerts' : undefined;
    case 'vehicle_action':
    case 'vehicle_kcm_action':
      return 'action';
    case 'vehicle_kcm_data':
      return file.startsWith('ev-settings') ? 'ev/settings' : file.startsWith('ev-soc-levels') ? 'ev/soc-levels' : undefined;
    case 'vehicle_data': {
      if (file === 'no_data.json') return 'battery-status';
      // "charges-megane.json" → charges; "cockpit.zoe.json" → cockpit.
      const name = file.split('.')[0] ?? '';
      return name.startsWith('charges') ? 'charges' : name;
    }
    default:
      return undefined;
  }
}
