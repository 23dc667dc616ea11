/**
 * The small HTTP vocabulary shared by every simulated provider: a provider sees a parsed
 * request and answers with a plain value; the router in index.ts does the Node plumbing.
 */
// @ts-nocheck

import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../core/clock';

export interface SimRequest {
  readonly method: string;
  /** Path below the provider's prefix, without query string (e.g. `/kamereon/commerce/v1/...`). */
  readonly path: string;
  /** Path as received (below the server root). */
  readonly fullPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface SimHttpResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
  /** Bytes to send instead of body (an image). */
  readonly bytes?: Buffer;
}

/** A response that never comes (until the client gives up or the simulator closes). */
export interface SimHang {
  readonly hang: true;
}

/** The connection is cut without an answer (a reset: the client sees a socket error at once). */
export interface SimReset {
  readonly reset: true;
}

export type SimResponse = SimHttpResponse | SimHang | SimReset;

/** What every provider gets from the simulator. */
export interface SimContext {
  readonly clock: Clock;
  /** World speed factor: world time elapsed = clock time elapsed x timeScale. */
  readonly timeScale: number;
  readonly log: (line: string) => void;
  /** http://host:port of the running server. */
  readonly baseUrl: string;
}

/** One cloud back end served under a path prefix (e.g. `/renault`). */
export interface SimProvider {
  /** Path prefix, starting with `/`, no trailing slash. */
  readonly prefix: string;
  readonly title: string;
  handle(req: SimRequest): SimResponse | Promise<SimResponse>;
  /** Lines for the index page (accounts, cars, URLs). */
  describe(): string[];
  close?(): void;
}

export function isHang(r: SimResponse): r is SimHang {
  return 'hang' in r;
}

export function isReset(r: SimResponse): r is SimReset {
  return 'reset' in r;
}

/** Neither hang nor reset: an answer that is sent. */
export function isAnswer(r: SimResponse): r is SimHttpResponse {
  return !isHang(r) && !isReset(r);
}

/** A well-formed answer whose JSON is cut in half (a proxy that gave up mid-body). */
export function truncated(res: SimHttpResponse): SimHttpResponse {
  return { ...res, body: res.body.slice(0, Math.max(1, Math.floor(res.body.length / 2))) };
}

export function jsonResponse(
  status: number,
  body: unknown,
  contentType = 'application/json;charset=UTF-8',
): SimHttpResponse {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
}

export function textResponse(status: number, body: string, contentType = 'text/plain; charset=utf-8'): SimHttpResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

/** Header value as one string (first of a repeated header). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Narrowing helper for parsed JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Whether a simulated fault aimed at `pattern` (all paths, a substring or a regular expression) hits `path`. */
export function faultHits(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return path.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(path);
}
