import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CallBudget, CarError, ManualClock, TokenRejectedError, type HttpResponse } from '../../src/core';
import { mapKamereonError, permanentlyUnsupported } from '../../src/brands/renault/api';
import type { ProviderContext } from '../../src/brands/provider';

function envelope(code: string | number, message = 'x', status = 400, nested?: string): HttpResponse {
  const msg = nested ?? message;
  return { status, headers: {}, text: JSON.stringify({ type: 'FUNCTIONAL', messages: [{ code: String(code), message: msg }], errors: [{ errorCode: code, errorMessage: msg }] }) };
}

function ctxWith(budget: CallBudget): ProviderContext {
  return { budget } as unknown as ProviderContext;
}

function mapped(res: HttpResponse, ctx?: ProviderContext): CarError {
  const e = mapKamereonError(ctx, res, 'Renault GET battery-status');
  assert.ok(e instanceof CarError, `expected a CarError, got ${e.name}`);
  return e;
}

describe('Renault errors (spec §7): every code maps to a core code, in words', () => {
  const CASES: [string, HttpResponse, string, RegExp][] = [
    ['overloaded', envelope('err.func.wired.overloaded', 'You have reached your quota limit', 429), 'RATE_LIMITED', /quota/],
    ['forbidden', envelope('err.func.wired.forbidden', 'The access is forbidden', 403), 'NOT_SUPPORTED', /not available for this car/],
    ['access denied', envelope('err.func.403', '', 403, '{"errors":[{"status":"403","code":"security.access","detail":"Access is denied for this resource"}]}'), 'NOT_SUPPORTED', /Access is denied/],
    // Not "not available": real cars answer it while asleep or just after a change.
    ['not found', envelope('err.func.wired.notFound', 'Resource not found', 404), 'NOT_SUPPORTED', /no data from the car for this now \(Resource not found\).*while the car sleeps/],
    ['unknown url', envelope('err.func.wired.not-found', 'The specified url does not exist', 404), 'NOT_SUPPORTED', /no data from the car for this now/],
    ['bare 404', { status: 404, headers: {}, text: '{}' }, 'NOT_SUPPORTED', /HTTP 404 \(no data, or no such endpoint/],
    ['not supported (501)', envelope('err.tech.501', '', 501, '{"errors":[{"detail":"This feature is not technically supported by this gateway"}]}'), 'NOT_SUPPORTED', /gateway cannot do this/],
    ['no GDC gateway', envelope('400001', 'The vehicle does not have a GDC gateway', 400), 'NOT_SUPPORTED', /GDC/],
    ['method not allowed', envelope('err.func.wired.methodNotAllowed', "Request method 'GET' is not supported", 405), 'NOT_SUPPORTED', /not available/],
    ['vnext charge-schedule', envelope('err.func.vcps.ev.charge-schedule.error', '', 400, '{"errors":[{"errorCode":400002,"errorMessage":"For vnext vehicles, call endpoint: /v1/vehicles/{vin}/charging-settings"}]}'), 'NOT_SUPPORTED', /vnext/],
    ['hvac-settings tech', envelope('err.tech.vcps.ev.hvac-settings.error', 'x', 500), 'NOT_SUPPORTED', /not available/],
    ['privacy on', envelope('err.func.privacy.on', 'Privacy mode currently ON', 403), 'NOT_SUPPORTED', /privacy mode is on/],
    ['charge mode in progress', envelope(409001, 'A remote CHARGE_MODE is already in progress', 409), 'UPSTREAM', /already in progress/],
    ['invalid input', envelope('err.func.400', '', 400, '{"errors":[{"title":"Invalid date","source":{"pointer":"/data/attributes/startDateTime"},"detail":"must be a future date"}]}'), 'BAD_INPUT', /startDateTime must be a future date/],
    ['invalid body', envelope('err.func.wired.invalid-body-format', 'bad body', 400), 'BAD_INPUT', /refused the request/],
    ['missing param', envelope('err.func.wired.missingRequestParam', 'country', 400), 'BAD_INPUT', /refused/],
    ['kamereon proxy', envelope('err.tech.wired.kamereon-proxy', 'Failed to forward request to remote service.', 500), 'UPSTREAM', /could not reach the car service/],
    ['invalid upstream', envelope('err.tech.500', '', 500, '{"errors":[{"title":"Invalid response from the upstream server"}]}'), 'UPSTREAM', /no valid answer/],
    ['vnext internal', envelope('err.tech.502', 'VNEXT an internal error occured while processing request : 403 FORBIDDEN', 500), 'UPSTREAM', /internal error/],
    ['html 502', { status: 502, headers: {}, text: '<html><body><h1>502 Bad Gateway</h1></body></html>' }, 'UPSTREAM', /HTML page/],
    ['plain-text route error', { status: 404, headers: {}, text: "Requested route ('alliance-platform-caradapter-prod.apps.eu.kamereon.io') does not exist." }, 'UPSTREAM', /plain-text/],
    ['wrong api key', { status: 403, headers: {}, text: '{"error":"access_denied","error_description":"Unauthorized"}' }, 'AUTH_FAILED', /API key/],
    ['TFA pending on a Kamereon call', envelope('403102', 'Account Pending TFA Verification', 403), 'TFA_REQUIRED', /two-factor/],
    ['unknown 500', envelope('err.tech.999', 'boom', 500), 'UPSTREAM', /HTTP 500/],
  ];
  for (const [name, res, code, words] of CASES) {
    it(`${name} → ${code}`, () => {
      const e = mapped(res);
      assert.equal(e.code, code);
      assert.match(e.message, words);
      assert.match(e.message, /^Renault GET battery-status: /, 'names the endpoint, not the VIN');
    });
  }

  it('reads the code of an error item that has no message, or of a message that has no text (one missing key dropped the whole list)', () => {
    const privacy = (body: unknown): HttpResponse => ({ status: 403, headers: {}, text: JSON.stringify(body) });
    for (const body of [{ errors: [{ errorCode: 'err.func.privacy.on' }] }, { messages: [{ code: 'err.func.privacy.on' }] }]) {
      const e = mapped(privacy(body));
      assert.equal(e.code, 'NOT_SUPPORTED', JSON.stringify(body));
      assert.match(e.message, /privacy mode is on/, JSON.stringify(body));
    }
  });

  it('re-mints the token on 401 / err.func.wired.unauthorized instead of failing', () => {
    assert.ok(mapKamereonError(undefined, envelope('err.func.wired.unauthorized', 'The access is unauthorized', 401), 'x') instanceof TokenRejectedError);
    assert.ok(mapKamereonError(undefined, envelope('err.func.wired.unauthorized', 'The access is unauthorized', 403), 'x') instanceof TokenRejectedError);
  });

  it('pauses the account 15 minutes on "overloaded", 30 then 60 when it repeats, and honours Retry-After', () => {
    const clock = new ManualClock('2026-11-20T08:00:00Z');
    // No jitter: the sequence of pauses itself (the jitter has its own test in core/budget).
    const budget = new CallBudget({ limit: 60, windowMs: 3_600_000, clock, jitter: 0 });
    const t0 = clock.now();
    const first = mapped(envelope('err.func.wired.overloaded', 'quota', 429), ctxWith(budget));
    assert.equal(first.retryAt, t0 + 15 * 60_000);
    assert.equal(budget.pausedUntilMs(), t0 + 15 * 60_000);
    assert.match(first.message, /2026-11-20T08:15:00/);
    const second = mapped(envelope('err.func.wired.overloaded', 'quota', 429), ctxWith(budget));
    assert.equal(second.retryAt, t0 + 30 * 60_000);
    const third = mapped(envelope('err.func.wired.overloaded', 'quota', 429), ctxWith(budget));
    assert.equal(third.retryAt, t0 + 60 * 60_000);
    const named = mapped({ ...envelope('err.func.wired.overloaded', 'quota', 429), retryAt: t0 + 5 * 3_600_000 }, ctxWith(budget));
    assert.equal(named.retryAt, t0 + 5 * 3_600_000, 'a later time the server names wins');
  });

  it('says which NOT_SUPPORTED is permanent: not privacy mode, not an access denied that worked before, not notFound or a 404', () => {
    assert.equal(permanentlyUnsupported(mapped(envelope('err.func.wired.forbidden', 'x', 403)), false), true);
    assert.equal(permanentlyUnsupported(mapped(envelope('err.tech.501', 'x', 501)), false), true);
    for (const res of [envelope('err.func.wired.notFound', 'x', 404), envelope('err.func.wired.not-found', 'x', 404), { status: 404, headers: {}, text: '{}' }]) {
      const e = mapped(res);
      assert.equal(permanentlyUnsupported(e, false), false);
      assert.equal(e.transient, true, 'it may pass by itself');
    }
    assert.equal(permanentlyUnsupported(mapped(envelope('err.func.privacy.on', 'x', 403)), false), false);
    assert.equal(permanentlyUnsupported(mapped(envelope('err.func.403', 'x', 403)), false), true);
    assert.equal(permanentlyUnsupported(mapped(envelope('err.func.403', 'x', 403)), true), false);
    assert.equal(permanentlyUnsupported(mapped(envelope('err.tech.wired.kamereon-proxy', 'x', 500)), false), false);
  });
});
