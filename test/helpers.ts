import * as path from 'node:path';
import * as os from 'node:os';
import { promises as fs } from 'node:fs';
import { afterEach } from 'mocha';

/** The project root, from dist/test/ (compiled) or test/ (source). */
export const PROJECT_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

export async function tempDir(prefix = 'cc-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** Counts the tests that ended, so that a wait begun in one test stops with it (a root hook of mocha). */
let testsEnded = 0;
afterEach(() => {
  testsEnded++;
});

/**
 * Waits until cond holds, looking every everyMs of real time (servers, sockets and Node-RED's message delivery work
 * meanwhile). It has no deadline of its own: the test's mocha timeout is the deadline, and the wait ends with the
 * test, so a busy machine makes it slower, never wrong.
 */
export async function eventually(cond: () => boolean | Promise<boolean>, what = 'the condition', everyMs = 5): Promise<void> {
  const test = testsEnded;
  while (!(await cond())) {
    if (testsEnded !== test) throw new Error(`the test ended before ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
