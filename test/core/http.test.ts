import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, Dispatcher, errors as undiciErrors } from 'undici';
import { ManualClock } from '../../src/core/clock';
import { AnswerLostError, CarError } from '../../src/core/errors';
import { HttpClient, parseJsonBody, parseRetryAfter, type HttpResponse } from '../../src/core/http';
import { eventually } from '../helpers';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse, n: number) => void;

interface TestServer {
  base: string;
  seen: Seen[];
  /** Every connection the server accepted, and how many of them are still open. */
  connections: number;
  open: () => number;
  close(): Promise<void>;
}

async function startServer(handler: Handler): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  // Idle connections stay until the client ends them (Node's default closes them after 5 s).
  server.keepAliveTimeout = 60_000;
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    get connections() {
      return connections;
    },
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/** Waits (on the event loop, not on a clock) until cond holds; the test's mocha timeout is the deadline. */
function until(cond: () => boolean, what: string): Promise<void> {
  return eventually(cond, what, 2);
}

/** A promise whose outcome can be looked at without awaiting it. */
function watch<T>(p: Promise<T>): { settled: () => boolean; result: Promise<T> } {
  let done = false;
  const result = p.finally(() => {
    done = true;
  });
  result.catch(() => undefined); // looked at by the test; not unhandled meanwhile
  return { settled: () => done, result };
}

describe('core/http', () => {
  let server: TestServer | undefined;
  let client: HttpClient | undefined;

  beforeEach(() => {
    server = undefined;
    client = undefined;
  });

  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  it('retries a GET after 503, 503 and succeeds on the third attempt, waiting on the clock', async () => {
    const srv = (server = await startServer((_req, res, n) => (n <= 2 ? send(res, 503, '{"busy":true}') : send(res, 200, '{"ok":true}'))));
    const clock = new ManualClock();
    const logged: string[] = [];
    const c = (client = new HttpClient({ clock, baseDelayMs: 1000, retries: 2, log: (l) => logged.push(l) }));
    const req = watch(c.request({ method: 'GET', url: `${srv.base}/status` }));

    await until(() => clock.pending === 1, 'the client waits before retry 1');
    assert.equal(srv.seen.length, 1);
    // The backoff is at least 75 % of the base delay: no retry before that.
    await clock.advance(749);
    assert.equal(srv.seen.length, 1);
    assert.equal(clock.pending, 1);
    await clock.advance(1000 - 749);
    await until(() => srv.seen.length === 2 && clock.pending === 1, 'retry 1 answered and the client waits again');
    assert.equal(req.settled(), false);
    await clock.advance(2000);

    const res = await req.result;
    assert.equal(res.status, 200);
    assert.deepEqual(parseJsonBody(res, 'GET /status'), { ok: true });
    assert.equal(srv.seen.length, 3);
    assert.equal(c.attempts, 3);
    // The pauses: 1000 ms x 2^attempt, less a fixed jitter of 0..25 % (attempt 0: 25 %, attempt 1: 2/12 of 25 %).
    const where = `GET ${new URL(srv.base).host}/status`;
    assert.deepEqual(logged, [`${where}: HTTP 503; retry 1/2 in 750 ms`, `${where}: HTTP 503; retry 2/2 in 1583 ms`, `${where}: HTTP 200`]);
  });

  it('waits the backoff exactly: the second retry goes out 1583 ms after the second answer, not before', async () => {
    const srv = (server = await startServer((_req, res, n) => (n <= 2 ? send(res, 502, '{}') : send(res, 200, '{}'))));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, baseDelayMs: 1000, retries: 2 }));
    const req = watch(c.request({ method: 'GET', url: `${srv.base}/x` }));
    await until(() => clock.pending === 1, 'the client waits before retry 1');
    await clock.advance(750);
    await until(() => srv.seen.length === 2 && clock.pending === 1, 'retry 1 answered and the client waits again');
    await clock.advance(1582);
    assert.equal(srv.seen.length, 2, 'no retry 2 before 1583 ms');
    await clock.advance(1);
    assert.equal((await req.result).status, 200);
    assert.equal(srv.seen.length, 3);
  });

  it('returns the last 503 when the retries are spent', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 503, '{}')));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, baseDelayMs: 100, retries: 1 }));
    const req = watch(c.request({ method: 'GET', url: `${srv.base}/x` }));
    await until(() => clock.pending === 1, 'the client waits');
    await clock.advance(100);
    const res = await req.result;
    assert.equal(res.status, 503);
    assert.equal(srv.seen.length, 2);
  });

  it('honours Retry-After in seconds: the retry waits until the clock reaches it', async () => {
    const srv = (server = await startServer((_req, res, n) =>
      n === 1 ? send(res, 503, '{}', { 'retry-after': '10' }) : send(res, 200, '{"ok":true}'),
    ));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, baseDelayMs: 50, retries: 2 }));
    const req = watch(c.request({ method: 'GET', url: `${srv.base}/slow` }));

    await until(() => clock.pending === 1, 'the client waits for Retry-After');
    await clock.advance(9_999);
    assert.equal(srv.seen.length, 1, 'no retry before Retry-After');
    assert.equal(clock.pending, 1);
    assert.equal(req.settled(), false);
    await clock.advance(1);
    const res = await req.result;
    assert.equal(res.status, 200);
    assert.equal(srv.seen.length, 2);
  });

  it('does not wait for a Retry-After beyond maxDelayMs: the answer is returned with retryAt', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 503, '{}', { 'retry-after': '120' })));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, maxDelayMs: 30_000 }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/x` });
    assert.equal(res.status, 503);
    assert.equal(res.retryAt, clock.now() + 120_000);
    assert.equal(srv.seen.length, 1);
  });

  it('does not retry a POST on 503, and sends its JSON body', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 503, '{}')));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, retries: 3 }));
    const res = await c.request({ method: 'POST', url: `${srv.base}/actions/lock`, json: { data: { type: 'Lock' } } });
    assert.equal(res.status, 503);
    assert.equal(srv.seen.length, 1);
    assert.equal(c.attempts, 1);
    assert.equal(clock.pending, 0);
    assert.equal(srv.seen[0]?.method, 'POST');
    assert.equal(srv.seen[0]?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(srv.seen[0]?.body ?? ''), { data: { type: 'Lock' } });
  });

  it('does not retry a GET with retry: false', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 502, '{}')));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/x`, retry: false });
    assert.equal(res.status, 502);
    assert.equal(srv.seen.length, 1);
  });

  it('gives TIMEOUT when the server never answers', async () => {
    const srv = (server = await startServer(() => undefined));
    const c = (client = new HttpClient({ retries: 0 }));
    await assert.rejects(c.request({ method: 'GET', url: `${srv.base}/hang?secret=shh-1234`, timeoutMs: 200 }), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.transient, true);
      assert.match(e.message, /^GET 127\.0\.0\.1:\d+\/hang: no answer/);
      assert.ok(!e.message.includes('shh-1234'));
      return true;
    });
    assert.equal(srv.seen.length, 1);
  });

  it('keeps no timer per request once the answers are in: 40 requests leave the timers of one idle connection, not 40', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 200, '{"ok":true}')));
    const c = (client = new HttpClient({ retries: 0 }));
    // Every timer made while the requests run, and whether it is still live (both sides: client and server).
    const live = new Set<number>();
    const hook = createHook({
      init: (id, type) => void (type === 'Timeout' && live.add(id)),
      destroy: (id) => void live.delete(id),
    }).enable();
    try {
      for (let i = 0; i < 40; i++) await c.request({ method: 'GET', url: `${srv.base}/r${i}` });
    } finally {
      hook.disable();
    }
    // One keep-alive socket: its idle timer on each side, undici's shared tick, the server's
    // Date cache: a handful whatever the number of requests. A timer per request
    // (AbortSignal.timeout, 15 s) left 40 more.
    assert.ok(live.size <= 8, `${live.size} timers live`);
  });

  it('retries a GET after a network failure and then throws NETWORK', async () => {
    const probe = await startServer(() => undefined);
    const deadBase = probe.base;
    await probe.close();
    const clock = new ManualClock();
    const logged: string[] = [];
    const c = (client = new HttpClient({ clock, baseDelayMs: 1000, retries: 2, log: (l) => logged.push(l) }));
    const req = watch(c.request({ method: 'GET', url: `${deadBase}/x` }));
    await until(() => clock.pending === 1, 'the client waits before retry 1');
    await clock.advance(1000);
    await until(() => clock.pending === 1, 'the client waits before retry 2');
    await clock.advance(2000);
    const where = `GET ${new URL(deadBase).host}/x`;
    await assert.rejects(req.result, (e: unknown) => {
      assert.ok(e instanceof CarError && !(e instanceof AnswerLostError));
      assert.equal(e.code, 'NETWORK');
      assert.equal(e.message, `${where}: ECONNREFUSED`);
      return true;
    });
    assert.equal(c.attempts, 3);
    assert.deepEqual(logged, [`${where}: ECONNREFUSED; retry 1/2 in 750 ms`, `${where}: ECONNREFUSED; retry 2/2 in 1583 ms`]);
  });

  it('reports an HTML 502 page through parseJsonBody as UPSTREAM naming an HTML page', async () => {
    const srv = (server = await startServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1></body></html>');
    }));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/cars`, retry: false });
    assert.equal(res.status, 502);
    assert.throws(() => parseJsonBody(res, 'GET /cars'), (e: unknown) => {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'UPSTREAM');
      assert.equal(e.status, 502);
      assert.match(e.message, /an HTML page/);
      assert.match(e.message, /HTTP 502/);
      return true;
    });
  });

  it('parseJsonBody: empty and non-JSON text are UPSTREAM with the status; an HTML page is named as one; JSON parses', () => {
    const res = (status: number, text: string): HttpResponse => ({ status, headers: {}, text });
    const cases: [status: number, text: string, message: string][] = [
      [200, ' \n ', 'GET /x: empty answer (HTTP 200)'],
      [500, 'not json', 'GET /x: the server answered HTTP 500 with something that is not JSON'],
      // A '<' further on is not an HTML page; leading blanks before one are.
      [500, 'error: a < b', 'GET /x: the server answered HTTP 500 with something that is not JSON'],
      [502, '\n  <html><body>Bad Gateway</body></html>', 'GET /x: the server answered HTTP 502 with an HTML page'],
    ];
    for (const [status, text, message] of cases) {
      assert.throws(
        () => parseJsonBody(res(status, text), 'GET /x'),
        (e: unknown) => {
          assert.ok(e instanceof CarError);
          assert.deepEqual({ code: e.code, status: e.status, message: e.message }, { code: 'UPSTREAM', status, message });
          return true;
        },
        JSON.stringify(text),
      );
    }
    assert.deepEqual(parseJsonBody(res(200, '{"a":[1,2]}'), 'GET /x'), { a: [1, 2] });
  });

  it('returns a 429 (does not throw, does not retry) with retryAt from Retry-After', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 429, '{"error":"too many"}', { 'retry-after': '60' })));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/x` });
    assert.equal(res.status, 429);
    assert.equal(res.retryAt, clock.now() + 60_000);
    assert.equal(res.headers['retry-after'], '60');
    assert.equal(res.text, '{"error":"too many"}');
    assert.equal(srv.seen.length, 1);
  });

  it('takes Retry-After as an HTTP date', async () => {
    const at = 'Thu, 15 Jan 2026 09:00:00 GMT';
    const srv = (server = await startServer((_req, res) => send(res, 429, '{}', { 'retry-after': at })));
    const c = (client = new HttpClient({ clock: new ManualClock('2026-01-15T08:00:00Z') }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/x` });
    assert.equal(res.retryAt, Date.parse('2026-01-15T09:00:00Z'));
  });

  it('parseRetryAfter reads seconds and dates and ignores nonsense', () => {
    const now = Date.UTC(2026, 0, 15, 8);
    assert.equal(parseRetryAfter('30', now), now + 30_000);
    assert.equal(parseRetryAfter('0', now), now);
    assert.equal(parseRetryAfter('-5', now), now);
    assert.equal(parseRetryAfter('Thu, 15 Jan 2026 08:02:00 GMT', now), now + 120_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('calls onAttempt before every attempt; a throw stops the request before the wire', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 200, '{}')));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    let calls = 0;
    await c.request({ method: 'GET', url: `${srv.base}/x`, onAttempt: () => calls++ });
    assert.equal(calls, 1);
    const spent = new CarError('RATE_LIMITED', 'budget spent');
    await assert.rejects(
      c.request({
        method: 'GET',
        url: `${srv.base}/y`,
        onAttempt: () => {
          throw spent;
        },
      }),
      (e: unknown) => e === spent,
    );
    assert.equal(srv.seen.length, 1);
  });

  it('sends the query, headers and a url-encoded form', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 200, '{}')));
    const c = (client = new HttpClient({ clock: new ManualClock(), userAgent: 'test-agent' }));
    await c.request({
      method: 'POST',
      url: `${srv.base}/accounts.login?fixed=1`,
      query: { country: 'FR', skip: undefined, n: 2, yes: true },
      headers: { 'x-extra': 'e' },
      form: { loginID: 'me@example.com', password: 'p w&d', none: undefined },
    });
    const s = srv.seen[0];
    assert.ok(s);
    const url = new URL(s.url, srv.base);
    assert.equal(url.pathname, '/accounts.login');
    assert.deepEqual(Object.fromEntries(url.searchParams), { fixed: '1', country: 'FR', n: '2', yes: 'true' });
    assert.equal(s.headers['x-extra'], 'e');
    assert.equal(s.headers['user-agent'], 'test-agent');
    assert.equal(s.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(s.body)), { loginID: 'me@example.com', password: 'p w&d' });
  });

  it('sends its own user agent and accepts JSON unless told otherwise; a content type alone is sent without a body', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 200, '{}')));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    await c.request({ method: 'GET', url: `${srv.base}/a` });
    await c.request({ method: 'GET', url: `${srv.base}/b`, contentType: 'application/vnd.api+json' });
    const [plain, typed] = srv.seen;
    assert.equal(plain?.headers['user-agent'], 'node-red-contrib-connected-car');
    assert.equal(plain?.headers.accept, 'application/json');
    assert.equal(plain?.headers['content-type'], undefined);
    assert.equal(typed?.headers['content-type'], 'application/vnd.api+json');
    assert.equal(typed?.body, '');
  });

  it('returns the answer as it came: header names in lower case, repeated headers joined, bytes kept whole when asked for', async () => {
    // Not valid UTF-8: the text alone would lose these bytes.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]);
    const srv = (server = await startServer((req, res) => {
      if (req.url === '/image') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(png);
        return;
      }
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Trace', 'abc');
      send(res, 200, '{"ok":true}');
    }));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    const res = await c.request({ method: 'GET', url: `${srv.base}/cookies` });
    assert.equal(res.headers['set-cookie'], 'a=1, b=2');
    assert.equal(res.headers['x-trace'], 'abc');
    // Neither bytes (not asked for) nor retryAt (no Retry-After) is there at all.
    assert.deepEqual(Object.keys(res).sort(), ['headers', 'status', 'text']);
    const image = await c.request({ method: 'GET', url: `${srv.base}/image`, binary: true });
    assert.deepEqual(image.bytes, png);
    assert.equal(image.text, png.toString('utf8'));
  });

  it('retries for a Retry-After of exactly maxDelayMs', async () => {
    const srv = (server = await startServer((_req, res, n) => (n === 1 ? send(res, 503, '{}', { 'retry-after': '10' }) : send(res, 200, '{}'))));
    const clock = new ManualClock();
    const c = (client = new HttpClient({ clock, maxDelayMs: 10_000 }));
    const req = watch(c.request({ method: 'GET', url: `${srv.base}/x` }));
    await until(() => clock.pending === 1, 'the client waits for Retry-After');
    await clock.advance(10_000);
    assert.equal((await req.result).status, 200);
    assert.equal(srv.seen.length, 2);
  });

  it('a POST whose answer does not come within the client timeout: AnswerLostError TIMEOUT, sent once', async () => {
    const srv = (server = await startServer(() => undefined));
    const c = (client = new HttpClient({ timeoutMs: 200 }));
    const where = `POST ${new URL(srv.base).host}/actions/lock`;
    await assert.rejects(c.request({ method: 'POST', url: `${srv.base}/actions/lock`, json: {} }), (e: unknown) => {
      assert.ok(e instanceof AnswerLostError);
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `${where}: no answer within 200 ms`);
      return true;
    });
    assert.equal(srv.seen.length, 1);
  });

  it('a POST whose connection breaks after it went out: AnswerLostError NETWORK; one refused before: NETWORK, not lost', async () => {
    const srv = (server = await startServer((_req, res) => res.socket?.destroy()));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    await assert.rejects(c.request({ method: 'POST', url: `${srv.base}/actions/horn`, json: {} }), (e: unknown) => e instanceof AnswerLostError && e.code === 'NETWORK');
    assert.equal(srv.seen.length, 1);

    const probe = await startServer(() => undefined);
    await probe.close();
    await assert.rejects(c.request({ method: 'POST', url: `${probe.base}/actions/horn`, json: {} }), (e: unknown) => {
      assert.ok(e instanceof CarError && !(e instanceof AnswerLostError));
      assert.equal(e.code, 'NETWORK');
      assert.equal(e.message, `POST ${new URL(probe.base).host}/actions/horn: ECONNREFUSED`);
      return true;
    });
  });

  it('opens at most 8 connections to a cloud: 12 requests at once share them, without a warning', async () => {
    // The first 8 are held until all 8 are in: 8 connections at once, and the other 4 wait for one of them.
    const held: http.ServerResponse[] = [];
    const srv = (server = await startServer((_req, res) => {
      if (held.length === 8) return send(res, 200, '{}');
      held.push(res);
      if (held.length === 8) for (const r of held) send(r, 200, '{}');
    }));
    const c = (client = new HttpClient({ clock: new ManualClock() }));
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => c.request({ method: 'GET', url: `${srv.base}/r${i}` })));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array<number>(12).fill(200),
      );
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(srv.connections, 8);
    // 12 requests listen on the client's close signal at once: no "possible memory leak" warning in the user's log.
    assert.deepEqual(warnings, []);
  });

  it('close() ends the connections it opened, and leaves a dispatcher it was given open', async () => {
    const srv = (server = await startServer((_req, res) => send(res, 200, '{}')));
    const own = new HttpClient({ clock: new ManualClock() });
    await own.request({ method: 'GET', url: `${srv.base}/x` });
    assert.equal(srv.open(), 1, 'kept alive');
    await own.close();
    await until(() => srv.open() === 0, 'the connection is closed');

    const shared = new Agent();
    try {
      const borrowed = new HttpClient({ clock: new ManualClock(), dispatcher: shared });
      await borrowed.request({ method: 'GET', url: `${srv.base}/y` });
      await borrowed.close();
      const other = new HttpClient({ clock: new ManualClock(), dispatcher: shared });
      assert.equal((await other.request({ method: 'GET', url: `${srv.base}/z` })).status, 200);
      await other.close();
    } finally {
      await shared.close();
    }
  });

  describe('transport failures and cancellation', () => {
    /** A dispatcher each of whose requests fails with `failure` before any answer, as undici reports one. */
    class FailingDispatcher extends Dispatcher {
      constructor(private readonly failure: unknown) {
        super();
      }

      override dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        queueMicrotask(() => handler.onError?.(this.failure as Error));
        return true;
      }
    }

    /** Moves the clock on until the request ends, so that its retry pauses pass at once. */
    async function driven<T>(p: Promise<T>, clock: ManualClock): Promise<T> {
      const w = watch(p);
      while (!w.settled()) await clock.advance(60_000);
      return w.result;
    }

    const URL_ = 'https://cloud.test/api/x?token=secret-in-query';
    const withCode = (code: string, message = `failed: ${code}`): Error => Object.assign(new Error(message), { code });

    it('names a transport failure by its kind: TIMEOUT with the time allowed, else NETWORK with the code or message', async () => {
      const cases: [failure: unknown, timeoutMs: number | undefined, code: string, message: string][] = [
        [withCode('UND_ERR_HEADERS_TIMEOUT'), 999, 'TIMEOUT', 'no answer within 999 ms'],
        [withCode('UND_ERR_BODY_TIMEOUT'), 1000, 'TIMEOUT', 'no answer within 1 s'],
        [new DOMException('timed out', 'TimeoutError'), 1500, 'TIMEOUT', 'no answer within 2 s'],
        [new undiciErrors.RequestAbortedError(), undefined, 'TIMEOUT', 'no answer within 15 s'],
        [withCode('ECONNRESET', 'read ECONNRESET'), undefined, 'NETWORK', 'ECONNRESET'],
        [Object.assign(new TypeError('fetch failed'), { cause: withCode('ENOTFOUND') }), undefined, 'NETWORK', 'ENOTFOUND'],
        [Object.assign(new Error('socket hang up'), { name: '' }), undefined, 'NETWORK', 'socket hang up'],
        [{}, undefined, 'NETWORK', 'connection failed'],
      ];
      for (const [failure, timeoutMs, code, message] of cases) {
        const c = new HttpClient({ clock: new ManualClock(), dispatcher: new FailingDispatcher(failure) });
        await assert.rejects(
          c.request({ method: 'GET', url: URL_, retry: false, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }),
          (e: unknown) => {
            assert.ok(e instanceof CarError && !(e instanceof AnswerLostError));
            assert.deepEqual({ code: e.code, message: e.message }, { code, message: `GET cloud.test/api/x: ${message}` });
            return true;
          },
          message,
        );
      }
    });

    it('calls an answer lost only for a request that is not repeated, is not a GET, and may have gone out', async () => {
      const cases: [method: 'GET' | 'POST' | 'DELETE', retry: boolean | undefined, failure: Error, lost: boolean, code: string, attempts: number][] = [
        ['POST', undefined, withCode('UND_ERR_HEADERS_TIMEOUT'), true, 'TIMEOUT', 1],
        ['POST', undefined, withCode('ECONNRESET'), true, 'NETWORK', 1],
        ['DELETE', undefined, withCode('UND_ERR_SOCKET'), true, 'NETWORK', 1],
        // Refused or not connected: it never left.
        ['POST', undefined, withCode('ECONNREFUSED'), false, 'NETWORK', 1],
        // The name not found (or not now), no route to the network or host: no connection was made either.
        ['POST', undefined, withCode('ENOTFOUND'), false, 'NETWORK', 1],
        ['POST', undefined, withCode('EAI_AGAIN'), false, 'NETWORK', 1],
        ['POST', undefined, withCode('ENETUNREACH'), false, 'NETWORK', 1],
        ['POST', undefined, withCode('EHOSTUNREACH'), false, 'NETWORK', 1],
        ['POST', undefined, withCode('UND_ERR_CONNECT_TIMEOUT'), false, 'TIMEOUT', 1],
        // Repeated (a retried POST) or a GET: nothing is lost by trying again.
        ['POST', true, withCode('ECONNRESET'), false, 'NETWORK', 3],
        ['GET', undefined, withCode('ECONNRESET'), false, 'NETWORK', 3],
        ['GET', false, withCode('UND_ERR_HEADERS_TIMEOUT'), false, 'TIMEOUT', 1],
      ];
      for (const [method, retry, failure, lost, code, attempts] of cases) {
        const clock = new ManualClock();
        const c = new HttpClient({ clock, retries: 2, dispatcher: new FailingDispatcher(failure) });
        const what = `${method} retry=${String(retry)} ${String((failure as { code?: string }).code)}`;
        await assert.rejects(
          driven(c.request({ method, url: URL_, ...(retry !== undefined ? { retry } : {}) }), clock),
          (e: unknown) => {
            assert.ok(e instanceof CarError, what);
            assert.equal(e instanceof AnswerLostError, lost, what);
            assert.equal(e.code, code, what);
            return true;
          },
        );
        assert.equal(c.attempts, attempts, what);
      }
    });

    it('ends a request in flight when its caller aborts: TIMEOUT naming the reason; a POST so ended is an answer lost', async () => {
      const srv = (server = await startServer(() => undefined));
      const c = (client = new HttpClient({ clock: new ManualClock() }));
      const host = new URL(srv.base).host;
      const cases: [method: 'GET' | 'POST', reason: unknown, message: string, lost: boolean][] = [
        ['GET', new Error('flow deadline passed'), `GET ${host}/hang: cancelled (flow deadline passed)`, false],
        ['GET', undefined, `GET ${host}/hang: cancelled`, false],
        ['POST', new Error('flow deadline passed'), `POST ${host}/hang: cancelled (flow deadline passed)`, true],
      ];
      for (const [method, reason, message, lost] of cases) {
        const caller = new AbortController();
        const seen = srv.seen.length;
        const req = watch(c.request({ method, url: `${srv.base}/hang`, signal: caller.signal }));
        await until(() => srv.seen.length === seen + 1, 'the request is in');
        caller.abort(reason);
        await assert.rejects(req.result, (e: unknown) => {
          assert.ok(e instanceof CarError);
          assert.deepEqual({ code: e.code, message: e.message, lost: e instanceof AnswerLostError }, { code: 'TIMEOUT', message, lost });
          return true;
        });
      }
      // A CarError as the reason is what the caller gets.
      const quota = new CarError('QUOTA_EXCEEDED', 'no calls left today');
      const caller = new AbortController();
      const req = watch(c.request({ method: 'GET', url: `${srv.base}/hang`, signal: caller.signal }));
      await until(() => srv.seen.length === 4, 'the request is in');
      caller.abort(quota);
      await assert.rejects(req.result, (e: unknown) => e === quota);
    });

    it('a signal aborted before the request: nothing goes on the wire', async () => {
      const srv = (server = await startServer((_req, res) => send(res, 200, '{}')));
      const c = (client = new HttpClient({ clock: new ManualClock() }));
      const caller = new AbortController();
      caller.abort(new Error('too late'));
      let attempts = 0;
      await assert.rejects(c.request({ method: 'GET', url: `${srv.base}/x`, signal: caller.signal, onAttempt: () => attempts++ }), (e: unknown) => {
        assert.ok(e instanceof CarError);
        assert.deepEqual({ code: e.code, message: e.message }, { code: 'TIMEOUT', message: `GET ${new URL(srv.base).host}/x: cancelled (too late)` });
        return true;
      });
      assert.equal(attempts, 0);
      assert.equal(c.attempts, 0);
      assert.equal(srv.seen.length, 0);
    });

    it('an abort during the pause before a retry ends the request there', async () => {
      const srv = (server = await startServer((_req, res) => send(res, 503, '{}')));
      const clock = new ManualClock();
      const c = (client = new HttpClient({ clock }));
      const caller = new AbortController();
      const req = watch(c.request({ method: 'GET', url: `${srv.base}/x`, signal: caller.signal }));
      await until(() => clock.pending === 1, 'the client waits before retry 1');
      caller.abort(new Error('node closed'));
      await assert.rejects(req.result, (e: unknown) => e instanceof CarError && e.code === 'TIMEOUT' && e.message === `GET ${new URL(srv.base).host}/x: cancelled (node closed)`);
      assert.equal(clock.pending, 0);
      assert.equal(srv.seen.length, 1);
    });

    it('close() ends every request in flight at once: NETWORK "account closed"; a POST so ended is an answer lost', async () => {
      const srv = (server = await startServer(() => undefined));
      const c = (client = new HttpClient({ clock: new ManualClock() }));
      const caller = new AbortController();
      const get = watch(c.request({ method: 'GET', url: `${srv.base}/status`, signal: caller.signal }));
      const post = watch(c.request({ method: 'POST', url: `${srv.base}/actions/lock`, json: {} }));
      await until(() => srv.seen.length === 2, 'both requests are in');
      await c.close();
      const host = new URL(srv.base).host;
      for (const [req, where, lost] of [
        [get, `GET ${host}/status`, false],
        [post, `POST ${host}/actions/lock`, true],
      ] as const) {
        await assert.rejects(req.result, (e: unknown) => {
          assert.ok(e instanceof CarError);
          assert.deepEqual(
            { code: e.code, message: e.message, lost: e instanceof AnswerLostError },
            { code: 'NETWORK', message: `${where}: cancelled, the account was closed (redeploy)`, lost },
          );
          return true;
        });
      }
    });
  });
});
