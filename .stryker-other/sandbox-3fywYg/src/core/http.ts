// @ts-nocheck
import { setMaxListeners } from 'node:events';
import { Agent, request, type Dispatcher } from 'undici';
import { AnswerLostError, CarError } from './errors';
import { redact } from './redact';
import { systemClock, type Clock } from './clock';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** A JSON body (serialised here) or a form (sent url-encoded). */
  json?: unknown;
  form?: Record<string, string | number | boolean | undefined>;
  contentType?: string;
  timeoutMs?: number;
  /** Retry network failures and 502/503/504. Default: only for GET. Never for commands. */
  retry?: boolean;
  /** Called before every attempt that goes on the wire; throw to stop (e.g. budget spent). */
  onAttempt?: () => void;
  signal?: AbortSignal;
  /** The answer may be bytes (an image): keep them whole in HttpResponse.bytes (text is still set). */
  binary?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body as bytes, when the request asked for binary. */
  bytes?: Buffer;
  /** When the server asked the client to wait (Retry-After), as epoch ms. */
  retryAt?: number;
}

export interface HttpClientOptions {
  clock?: Clock;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
  /** Debug lines (already redacted). */
  log?: (line: string) => void;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ABORT_ERR', 'TimeoutError']);
/** Transport failures before the request left (no connection): nothing can have been carried out. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The one way out to a cloud: undici with keep-alive, undici's timeouts (no timer of our own), retry with
 * exponential backoff for idempotent requests (on the Clock, so tests can drive it), and
 * Retry-After honoured. Non-2xx answers are returned, not thrown, because only the provider
 * knows its error envelopes; only transport failures throw. Error texts name the method
 * and the path, never the query, the headers or the body, where secrets travel.
 */
export class HttpClient {
  private readonly clock: Clock;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly opts: Required<Omit<HttpClientOptions, 'clock' | 'dispatcher' | 'log'>>;
  private readonly log: (line: string) => void;
  /** Attempts put on the wire, for benchmarks and tests. */
  attempts = 0;
  /** Aborted by close(): every request in flight (and every retry pause) ends at once. */
  private readonly closing = new AbortController();

  constructor(options: HttpClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 8, pipelining: 1 });
    this.opts = {
      timeoutMs: options.timeoutMs ?? 15_000,
      retries: options.retries ?? 2,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      userAgent: options.userAgent ?? 'node-red-contrib-connected-car',
    };
    this.log = options.log ?? (() => undefined);
    // Every request in flight listens on it (undici adds one listener each): more than 10 at once is no leak, and
    // Node's warning that it might be one would reach the user's log.
    setMaxListeners(0, this.closing.signal);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = `${req.method} ${url.host}${url.pathname}`;
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.form) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.set(k, String(v));
      body = form.toString();
      headers['content-type'] = req.contentType ?? 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = req.contentType ?? 'application/json';
    } else if (req.contentType) {
      headers['content-type'] = req.contentType;
    }
    const retries = (req.retry ?? req.method === 'GET') ? this.opts.retries : 0;
    const signal = req.signal ? AbortSignal.any([req.signal, this.closing.signal]) : this.closing.signal;

    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw this.abortError(where, req.signal);
      req.onAttempt?.();
      this.attempts++;
      let res: HttpResponse;
      try {
        res = await this.once(url, req, headers, body, signal);
      } catch (e) {
        // A request that is never repeated (an action) and may have gone out: its answer is what was lost.
        const lost = retries === 0 && req.method !== 'GET' && !NEVER_SENT.has(transportCode(e));
        if (signal.aborted) {
          const err = this.abortError(where, req.signal);
          throw lost && (err.code === 'NETWORK' || err.code === 'TIMEOUT') ? new AnswerLostError(err.code, err.message) : err;
        }
        const err = this.transportError(e, where, req.timeoutMs ?? this.opts.timeoutMs);
        if (lost && (err.code === 'NETWORK' || err.code === 'TIMEOUT')) throw new AnswerLostError(err.code, err.message);
        if (attempt < retries) {
          const delay = this.backoff(attempt);
          // The message names the method and path already.
          this.log(`${err.message}; retry ${attempt + 1}/${retries} in ${delay} ms`);
          await this.pause(delay, signal, where, req.signal);
          continue;
        }
        throw err;
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt < retries) {
        const wait = res.retryAt !== undefined ? Math.max(0, res.retryAt - this.clock.now()) : this.backoff(attempt);
        if (wait <= this.opts.maxDelayMs) {
          this.log(`${where}: HTTP ${res.status}; retry ${attempt + 1}/${retries} in ${wait} ms`);
          await this.pause(wait, signal, where, req.signal);
          continue;
        }
      }
      this.log(`${where}: HTTP ${res.status}`);
      return res;
    }
  }

  /** A pause between attempts that ends (as an error) when the request is aborted or the client closes. */
  private async pause(ms: number, signal: AbortSignal, where: string, own: AbortSignal | undefined): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch {
      throw this.abortError(where, own);
    }
  }

  /** Why a request ended early: the client closed (a redeploy), or its caller gave up (a deadline). */
  private abortError(where: string, own: AbortSignal | undefined): CarError {
    if (this.closing.signal.aborted) return new CarError('NETWORK', `${where}: cancelled, the account was closed (redeploy)`);
    const reason: unknown = own?.reason;
    if (reason instanceof CarError) return reason;
    return new CarError('TIMEOUT', `${where}: cancelled${reason instanceof Error && reason.name !== 'AbortError' ? ` (${redact(reason.message)})` : ''}`);
  }

  private async once(url: URL, req: HttpRequest, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<HttpResponse> {
    const timeout = req.timeoutMs ?? this.opts.timeoutMs;
    // undici's own timeouts (its shared timer wheel), not a timer per request: an
    // AbortSignal.timeout lived its whole 15 s after every answer (issue 17: 23 live timers).
    const res = await request(url, {
      method: req.method,
      headers,
      body,
      dispatcher: this.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      // The caller's deadline and the client's close, in one (see request()).
      signal,
    });
    const bytes = req.binary ? Buffer.from(await res.body.arrayBuffer()) : undefined;
    const text = bytes ? bytes.toString('utf8') : await res.body.text();
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const retryAt = parseRetryAfter(flat['retry-after'], this.clock.now());
    return { status: res.statusCode, headers: flat, text, ...(bytes ? { bytes } : {}), ...(retryAt !== undefined ? { retryAt } : {}) };
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** attempt);
    // Deterministic jitter (no Math.random) keeps runs repeatable: 75..100 % of exp.
    return Math.round(exp * (0.75 + 0.25 * (((attempt * 7919) % 13) / 12)));
  }

  private transportError(e: unknown, where: string, timeoutMs: number): CarError {
    const err = e as { code?: string; name?: string; message?: string };
    const code = transportCode(e);
    if (TIMEOUT_ERRORS.has(code) || err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new CarError('TIMEOUT', `${where}: no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`);
    }
    return new CarError('NETWORK', `${where}: ${redact(code || err.message || 'connection failed')}`);
  }

  /**
   * Ends every request in flight at once (they reject with NETWORK "cancelled") and the pool:
   * a redeploy never waits for a cloud that does not answer.
   */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }
}

/** The code of a transport failure (undici's, or the system's under it). */
function transportCode(e: unknown): string {
  const err = e as { code?: string; name?: string; cause?: { code?: string } } | undefined;
  return err?.code ?? err?.cause?.code ?? err?.name ?? '';
}

/** Retry-After as epoch ms: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return now + Math.max(0, seconds) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? date : undefined;
}

/** Parses a JSON body; a body that is not JSON is the cloud's fault, reported as UPSTREAM. */
export function parseJsonBody(res: HttpResponse, where: string): unknown {
  if (res.text.trim() === '') throw new CarError('UPSTREAM', `${where}: empty answer (HTTP ${res.status})`, { status: res.status });
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    const html = /^\s*</.test(res.text);
    throw new CarError('UPSTREAM', `${where}: the server answered HTTP ${res.status} with ${html ? 'an HTML page' : 'something that is not JSON'}`, {
      status: res.status,
    });
  }
}
