import * as path from 'node:path';
import * as os from 'node:os';
import { promises as fs } from 'node:fs';
import { afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, HttpClient, type HttpRequest, type HttpResponse, type Logger } from '../src/core';

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

/** An HttpClient that knows how many requests are on the wire, so that tests do not move the clock under them. */
export class TrackedHttp extends HttpClient {
  inFlight = 0;
  override async request(req: HttpRequest): Promise<HttpResponse> {
    this.inFlight++;
    try {
      return await super.request(req);
    } finally {
      this.inFlight--;
    }
  }
}

/** Real I/O (the simulator's HTTP answers) gets a moment between clock steps. */
function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1));
}

/**
 * Waits (in real time) while requests are on the wire: the clock stands still meanwhile, as
 * it would in the real world for a fast answer. A request that sleeps on the clock itself (a
 * GET's retry back-off) lets the clock go on after a while.
 */
export async function settleIo(http: TrackedHttp | undefined): Promise<void> {
  await tick();
  for (let i = 0; i < 2_000 && http && http.inFlight > 0; i++) await tick();
}

/** A JWT whose payload is `claims` (unsigned: the client reads it without verifying). */
export function jwtWith(claims: unknown): string {
  return `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
}

/** A logger that keeps what it is told, each line as "<level> <line>", for tests that assert what was logged. */
export interface RecordingLogger extends Logger {
  lines: string[];
  /** The lines of one level, without it. */
  at(level: keyof Logger): string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const keep = (level: keyof Logger) => (line: string) => void lines.push(`${level} ${line}`);
  return {
    lines,
    at: (level) => lines.filter((l) => l.startsWith(`${level} `)).map((l) => l.slice(level.length + 1)),
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}

/** A promise the test settles by hand (Promise.withResolvers, which Node 20 lacks). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * The modes (0o777 bits) each file had just before something chmod-ed it while `write` ran, under a umask of 022: what
 * a file is created with, before a chmod narrows it (a token or history file must never be readable by others).
 */
export async function modesBeforeChmod(write: () => Promise<void>): Promise<number[]> {
  const chmod = fs.chmod;
  const modes: number[] = [];
  const umask = process.umask(0o022);
  fs.chmod = (async (...args: Parameters<typeof fs.chmod>) => {
    modes.push((await fs.stat(args[0])).mode & 0o777);
    return chmod(...args);
  }) as typeof fs.chmod;
  try {
    await write();
  } finally {
    fs.chmod = chmod;
    process.umask(umask);
  }
  return modes;
}

/** The message of the BAD_INPUT CarError a call is refused with; fails the test when the call is taken. */
export function badInputMessage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof CarError && e.code === 'BAD_INPUT', String(e));
    return e.message;
  }
  return assert.fail('accepted');
}

/** A refusal of bad input: a CarError with code BAD_INPUT, not worth retrying, in exactly these words. */
export function assertRefused(run: () => unknown, message: string, what: string): void {
  assert.throws(
    run,
    (e: unknown) => {
      assert.ok(e instanceof CarError, `${what}: a CarError, got ${String(e)}`);
      assert.equal(e.code, 'BAD_INPUT', what);
      assert.equal(e.transient, false, `${what}: a bad input is not transient`);
      assert.equal(e.message, message, what);
      return true;
    },
    what,
  );
}
