// @ts-nocheck
import { CarError, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext, RawRequest, RawResponse } from '../provider';
import { kamereon } from './api';
import type { RenaultSession } from './auth';
import { API_ROOT, RAW_PREFIXES } from './endpoints';

const PLACEHOLDERS = ['{accountId}', '{vin}', '{personId}'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

function bad(message: string): CarError {
  return new CarError('BAD_INPUT', message, { transient: false });
}

const ALLOWED_TEXT = `allowed: paths under ${RAW_PREFIXES.join(', ')} (placeholders ${PLACEHOLDERS.join(', ')} are filled in)`;

/** The path's segments, decoded, with placeholders filled in; throws BAD_INPUT for anything suspicious. */
function segmentsOf(path: string, values: Partial<Record<Placeholder, string>>): string[] {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw bad(`path: give a path such as ${RAW_PREFIXES[2]}, not a URL; requests only go to the account's own Renault server`);
  }
  if (!path.startsWith('/')) throw bad(`path must start with "/" (${ALLOWED_TEXT})`);
  // eslint-disable-next-line no-control-regex
  if (/[?#\\\s\x00-\x1f\x7f]/.test(path)) throw bad('path: no query (?), fragment (#), backslash or spaces; put query parameters in msg.query');
  const body = path.length > 1 && path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  return body.split('/').map((seg) => {
    if (seg === '') throw bad('path: empty segment ("//")');
    if ((PLACEHOLDERS as readonly string[]).includes(seg)) {
      const v = values[seg as Placeholder];
      if (v === undefined) throw bad(`path uses ${seg}: choose a vehicle in the node so that it can be filled in`);
      return v;
    }
    if (/[{}]/.test(seg)) throw bad(`path: unknown placeholder in "${seg}"; known: ${PLACEHOLDERS.join(', ')} (each a whole segment)`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw bad(`path: "${seg}" is not valid percent-encoding`);
    }
    // eslint-disable-next-line no-control-regex
    if (decoded === '.' || decoded === '..' || /[/\\\x00-\x1f\x7f]/.test(decoded)) {
      throw bad('path: "." and ".." segments and encoded slashes are not allowed');
    }
    return decoded;
  });
}

function startsWith(segs: readonly string[], prefix: readonly string[], needsMore: boolean): boolean {
  if (segs.length < prefix.length || (needsMore && segs.length === prefix.length)) return false;
  return prefix.every((p, i) => segs[i] === p);
}

/** The segment after "cars" / "vehicles" names a car: it must be the node's own (in any case); it goes out as the car's VIN. */
function checkVin(segs: readonly string[], vehicle: Vehicle | undefined): string[] {
  return segs.map((s, i) => {
    const before = segs[i - 1];
    if (i < 5 || (before !== 'cars' && before !== 'vehicles')) return s;
    if (!vehicle) throw bad('path names a vehicle: choose that vehicle in the node and write {vin}');
    if (s.toUpperCase() !== vehicle.vin.toUpperCase()) throw bad("path names another vehicle than the node's: write {vin} for the node's vehicle");
    return vehicle.vin;
  });
}

/**
 * A raw Kamereon request with the managed token, only under the account's own paths: checks
 * method, path and body before any call (BAD_INPUT), fills in the placeholders, and sends the
 * request once through the account's budget. Reads only (GET): nothing here acts on the car.
 */
export async function rawRequest(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle | undefined, req: RawRequest, opts: CallOptions): Promise<RawResponse> {
  // Reads only: what acts on the car goes through car-command (tracked, unlock only when allowed).
  if (req.method !== 'GET') throw bad(`method: raw requests only read (GET); to act on the car use car-command (got "${String(req.method)}")`);
  if (typeof req.path !== 'string' || req.path === '') throw bad(`path is missing (${ALLOWED_TEXT})`);
  const values: Partial<Record<Placeholder, string>> = { '{personId}': auth.personId };
  if (vehicle) {
    values['{vin}'] = vehicle.vin;
    if (vehicle.accountId) values['{accountId}'] = vehicle.accountId;
  }
  const segs = segmentsOf(req.path, values);
  const allowed = RAW_PREFIXES.some((p) => {
    try {
      return startsWith(segs, segmentsOf(p, values), p.endsWith('/'));
    } catch {
      return false; // a prefix whose placeholder cannot be filled (no vehicle) allows nothing
    }
  });
  if (!allowed) throw bad(`path is outside this account's API (${ALLOWED_TEXT})`);
  const checked = checkVin(segs, vehicle);

  if (req.method === 'GET' && req.body !== undefined) throw bad('body: a GET takes no body');
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (typeof v !== 'string') throw bad(`query.${k}: must be a string`);
    query[k] = v;
  }
  // The path below the API root: kamereon() puts the root back.
  const path = '/' + checked.slice(API_ROOT.split('/').length - 1).map(encodeURIComponent).join('/');
  const body = await kamereon(ctx, auth, {
    method: req.method,
    path,
    ...(Object.keys(query).length ? { query } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
    kind: opts.kind,
  });
  // kamereon() answers only 2xx; everything else is a CarError carrying the status.
  return { status: 200, body };
}
