/** Wire-format helpers for the simulated Kamereon API: error envelopes (spec §7.1) and dates. */
// @ts-nocheck

import { randomUUID } from 'node:crypto';
import { jsonResponse, textResponse, type SimHttpResponse } from '../http';

export const KAMEREON_JSON = 'application/json;charset=UTF-8';
export const JSON_API = 'application/vnd.api+json;charset=UTF-8';

/** 2026-01-15T08:00:00Z (no milliseconds, like most car-reported timestamps). */
export function isoZ(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** 2026-01-15T09:00:00+01:00: the same instant written with a fixed UTC offset (ZE40 style). */
export function isoOffset(ms: number, offsetMin: number): string {
  const local = isoZ(ms + offsetMin * 60_000).slice(0, -1);
  const sign = offsetMin >= 0 ? '+' : '-';
  const a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** 2026-01-15T08:00:00.123Z */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** YYYYMMDD (UTC) */
export function ymd(ms: number): string {
  return isoZ(ms).slice(0, 10).replace(/-/g, '');
}

export interface EnvelopeOptions {
  /** errors[0].errorCode when it differs from messages[0].code (e.g. "409001"). */
  readonly errorCode?: string;
  readonly errorType?: 'functional' | 'technical';
  readonly errorLevel?: 'error';
  /** error_reference; omitted when null. Defaults to the envelope type. */
  readonly reference?: string | null;
}

/** The Kamereon error envelope. */
export function kamereonError(
  status: number,
  type: 'FUNCTIONAL' | 'TECHNICAL',
  code: string,
  message: string,
  opts: EnvelopeOptions = {},
): SimHttpResponse {
  const err: Record<string, unknown> = { errorCode: opts.errorCode ?? code, errorMessage: message };
  if (opts.errorType) err.errorType = opts.errorType;
  if (opts.errorLevel) err.errorLevel = opts.errorLevel;
  const body: Record<string, unknown> = { type, messages: [{ code, message }], errors: [err] };
  const ref = opts.reference === undefined ? type : opts.reference;
  if (ref !== null) body.error_reference = ref;
  return jsonResponse(status, body, KAMEREON_JSON);
}

/** A JSON string as found inside errorMessage (`{"errors":[...]}`). */
function nested(errors: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ errors, ...extra });
}

export const errors = {
  unauthorized: (): SimHttpResponse =>
    kamereonError(401, 'FUNCTIONAL', 'err.func.wired.unauthorized', 'The access is unauthorized'),
  forbidden: (): SimHttpResponse => kamereonError(403, 'FUNCTIONAL', 'err.func.wired.forbidden', 'The access is forbidden'),
  /** Resource-level "no data" (404). Newer cars wrap a nested payload. */
  notFound: (nestedStyle: boolean): SimHttpResponse =>
    nestedStyle
      ? kamereonError(
          404,
          'FUNCTIONAL',
          'err.func.wired.notFound',
          nested(
            [{ errorCode: 404, errorMessage: 'There is no data for this vin and uid', errorLevel: 'error', errorType: 'functional' }],
            { error_reference: randomUUID() },
          ),
        )
      : kamereonError(404, 'FUNCTIONAL', 'err.func.wired.notFound', 'Resource not found'),
  /** Unknown route or version. */
  routeNotFound: (): SimHttpResponse =>
    kamereonError(404, 'FUNCTIONAL', 'err.func.wired.not-found', 'The specified url does not exist'),
  accessDenied: (): SimHttpResponse =>
    kamereonError(
      403,
      'FUNCTIONAL',
      'err.func.403',
      nested([{ status: '403', code: 'security.access', detail: 'Access is denied for this resource' }]),
    ),
  overloaded: (): SimHttpResponse =>
    kamereonError(429, 'FUNCTIONAL', 'err.func.wired.overloaded', 'You have reached your quota limit', {
      errorType: 'functional',
      reference: null,
    }),
  kamereonProxy: (): SimHttpResponse =>
    kamereonError(500, 'TECHNICAL', 'err.tech.wired.kamereon-proxy', 'Failed to forward request to remote service.'),
  invalidUpstream: (): SimHttpResponse =>
    kamereonError(
      500,
      'TECHNICAL',
      'err.tech.500',
      nested([
        {
          status: 'Internal Server Error',
          code: '500',
          title: 'Invalid response from the upstream server (The request sent to the GDC is erroneous) ; 502 Bad Gateway',
        },
      ]),
    ),
  notSupported: (): SimHttpResponse =>
    kamereonError(
      501,
      'TECHNICAL',
      'err.tech.501',
      nested([{ status: '501', code: 'error.internal', detail: 'This feature is not technically supported by this gateway' }]),
    ),
  privacy: (): SimHttpResponse =>
    kamereonError(403, 'FUNCTIONAL', 'err.func.privacy.on', 'Privacy mode currently ON', { errorType: 'functional', reference: null }),
  inProgress: (): SimHttpResponse =>
    kamereonError(409, 'FUNCTIONAL', 'err.func.vcps.ev.charge-mode.error', 'A remote CHARGE_MODE is already in progress', {
      errorCode: '409001',
      errorType: 'functional',
      errorLevel: 'error',
      reference: null,
    }),
  invalidInput: (pointer: string, detail: string): SimHttpResponse =>
    kamereonError(
      400,
      'FUNCTIONAL',
      'err.func.400',
      nested([{ status: '400', code: 'validation.error', title: 'Invalid input', source: { pointer }, detail }]),
    ),
  invalidBody: (detail: string): SimHttpResponse =>
    kamereonError(400, 'FUNCTIONAL', 'err.func.wired.invalid-body-format', `Invalid body format: ${detail}`),
  missingParam: (name: string): SimHttpResponse =>
    kamereonError(400, 'FUNCTIONAL', 'err.func.wired.missingRequestParam', `Missing request parameter: ${name}`),
  /** Wrong Kamereon apikey: not a Kamereon envelope. */
  apiKey: (): SimHttpResponse =>
    jsonResponse(403, { error: 'access_denied', error_description: 'Unauthorized' }, 'application/json'),
  badGateway: (): SimHttpResponse =>
    textResponse(
      502,
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
      'text/html',
    ),
};
