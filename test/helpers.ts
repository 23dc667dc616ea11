import * as path from 'node:path';
import * as os from 'node:os';
import { promises as fs } from 'node:fs';

/** The project root, from dist/test/ (compiled) or test/ (source). */
export const PROJECT_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/** ../shared/fixtures beside the project (FIXTURES_DIR overrides). Read, never copied. */
export const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export async function readFixture(...parts: string[]): Promise<string> {
  return fs.readFile(fixture(...parts), 'utf8');
}

export async function readJsonFixture(...parts: string[]): Promise<unknown> {
  return JSON.parse(await readFixture(...parts)) as unknown;
}

export async function listFixtures(dir: string, pattern: RegExp): Promise<string[]> {
  const files = await fs.readdir(fixture(dir));
  return files.filter((f) => pattern.test(f)).sort();
}

export async function tempDir(prefix = 'cc-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
