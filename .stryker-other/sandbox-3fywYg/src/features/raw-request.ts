/**
 * What car-request does, without Node-RED: build a raw request from the node's settings and
 * the message (zod-checked), check its path against the provider's own prefixes before any
 * call, and send it once through the account session with the managed token.
 */
// @ts-nocheck

import { z } from 'zod';
import { CarError, type Vehicle } from '../core';
import type { RawRequest, RawResponse } from '../brands';
import { describeIssue } from './charging';
import type { AccountSession } from './session';

/** car-request only reads: acting on the car is car-command's (tracked, unlock only when allowed), changing charging car-charging's. */
export const RAW_METHODS = ['GET'] as const;
const READS_ONLY = 'car-request only reads (GET); to act on the car use car-command, to change the charging settings car-charging';
/** What every provider fills in (brands/provider.ts): the vehicle's account and VIN, the signed-in person. */
export const RAW_PLACEHOLDERS = ['{accountId}', '{vin}', '{personId}'] as const;

const MethodSchema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(RAW_METHODS));
const PathSchema = z.string().trim().min(1, 'a path such as /commerce/v1/persons/{personId}').max(2_000);
const QuerySchema = z.record(
  z.string().min(1),
  z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
);

const RawInputSchema = z.object({
  method: MethodSchema,
  path: PathSchema,
  query: QuerySchema.optional(),
  body: z.unknown().optional(),
});

export interface RawDefaults {
  method?: string;
  path?: string;
}

/** What the message may set: msg.method, msg.path, msg.query (msg.payload is not sent: a read has no body). */
export interface RawMessage {
  method?: unknown;
  path?: unknown;
  query?: unknown;
  payload?: unknown;
}

/** The request: the message's method/path/query win over the node's settings; a read sends no body. */
export function buildRawRequest(defaults: RawDefaults, msg: RawMessage): RawRequest {
  const method = msg.method ?? (defaults.method || 'GET');
  if (typeof method === 'string' && method.trim().toUpperCase() !== 'GET') {
    throw new CarError('BAD_INPUT', `method: ${READS_ONLY} (got ${JSON.stringify(method)})`, { transient: false });
  }
  // zod's record drops a "__proto__" key without a word: refuse it here, as any other bad key.
  if (typeof msg.query === 'object' && msg.query !== null && Object.prototype.hasOwnProperty.call(msg.query, '__proto__')) {
    throw new CarError('BAD_INPUT', 'query: "__proto__" is not a query parameter name', { transient: false });
  }
  const input = {
    method,
    path: msg.path ?? defaults.path ?? '',
    ...(msg.query !== undefined ? { query: msg.query } : {}),
  };
  const parsed = RawInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CarError('BAD_INPUT', issue ? describeIssue(issue, input) : 'invalid request', { transient: false });
  }
  const req: RawRequest = { method: parsed.data.method, path: parsed.data.path };
  if (parsed.data.query && Object.keys(parsed.data.query).length) req.query = parsed.data.query;
  return req;
}

/** The placeholders a provider's prefixes use, e.g. {accountId}, {vin}, {personId}. */
export function placeholders(prefixes: readonly string[]): string[] {
  return [...new Set(prefixes.flatMap((p) => p.match(/\{[A-Za-z]+\}/g) ?? []))];
}

/**
 * A first check against the provider's prefixes, before the vehicle is looked up: the
 * provider checks again with the real ids (other accounts, traversal, other hosts).
 */
export function checkRawPath(path: string, prefixes: readonly string[]): void {
  const known = [...new Set([...RAW_PLACEHOLDERS, ...placeholders(prefixes)])];
  const allowed = `allowed: paths under ${prefixes.join(', ')}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw new CarError('BAD_INPUT', `path: give a path, not a URL (${allowed})`, { transient: false });
  }
  if (!path.startsWith('/')) throw new CarError('BAD_INPUT', `path must start with "/" (${allowed})`, { transient: false });
  for (const p of path.match(/\{[^}]*\}/g) ?? []) {
    if (!known.includes(p)) throw new CarError('BAD_INPUT', `path: unknown placeholder ${p}; known: ${known.join(', ')}`, { transient: false });
  }
  const segs = path.split('/');
  if (segs.some((s) => s === '..' || s === '.' || /%2e%2e|%2f|%5c/i.test(s))) {
    throw new CarError('BAD_INPUT', 'path: "." and ".." segments and encoded slashes are not allowed', { transient: false });
  }
  // A literal id may stand where a placeholder is: each placeholder matches one segment.
  const matches = prefixes.some((prefix) => {
    const want = prefix.replace(/\/$/, '').split('/');
    if (segs.length < want.length || (prefix.endsWith('/') && segs.length === want.length)) return false;
    return want.every((w, i) => w === segs[i] || (/^\{[A-Za-z]+\}$/.test(w) && segs[i] !== undefined && segs[i] !== ''));
  });
  if (!matches) throw new CarError('BAD_INPUT', `path is outside the provider's API (${allowed})`, { transient: false });
}

/**
 * Sends a raw request once with the account's token: an explicit call of the account's budget.
 * `vin` fills {vin} and {accountId}; without it only person-level paths work.
 */
export async function sendRawRequest(session: AccountSession, vin: string | undefined, req: RawRequest): Promise<RawResponse> {
  checkRawPath(req.path, session.connection.raw.paths);
  const vehicle: Vehicle | undefined = vin ? await session.vehicle(vin) : undefined;
  return session.connection.raw.request(vehicle, req, { kind: 'explicit' });
}
