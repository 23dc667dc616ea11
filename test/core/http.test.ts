import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../src/core/clock';
import { CarError } from '../../src/core/errors';
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
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
    const c = (client = new HttpClient({ clock, baseDelayMs: 1000, retries: 2 }));
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
    const c = (client = new HttpClient({ clock, baseDelayMs: 1000, retries: 2 }));
    const req = watch(c.request({ method: 'GET', url: `${deadBase}/x` }));
    await until(() => clock.pending === 1, 'the client waits before retry 1');
    await clock.advance(1000);
    await until(() => clock.pending === 1, 'the client waits before retry 2');
    await clock.advance(2000);
    await assert.rejects(req.result, (e: unknown) => e instanceof CarError && e.code === 'NETWORK');
    assert.equal(c.attempts, 3);
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

  it('parseJsonBody: empty and non-JSON text are UPSTREAM; JSON parses', () => {
    const res = (status: number, text: string): HttpResponse => ({ status, headers: {}, text });
    assert.throws(() => parseJsonBody(res(200, '  '), 'GET /x'), (e: unknown) => e instanceof CarError && e.code === 'UPSTREAM' && /empty answer/.test(e.message));
    assert.throws(() => parseJsonBody(res(200, 'not json'), 'GET /x'), (e: unknown) => e instanceof CarError && e.code === 'UPSTREAM' && /not JSON/.test(e.message));
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
});
