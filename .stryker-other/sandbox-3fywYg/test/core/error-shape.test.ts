// @ts-nocheck
// Mutation testing (issue 19): what a flow sees of an error (msg.error.code, toString, toJSON),
// which codes are worth retrying, and which hosts may have a plain-text server URL.
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { AnswerLostError, CarError, ERROR_CODES, MAX_ERROR_MESSAGE, TokenRejectedError, isCarError, toCarError, type ErrorCode } from '../../src/core/errors';
import { checkServerUrl } from '../../src/core/server-url';

describe('core/errors: what a flow sees', () => {
  it('marks exactly the codes that clear by waiting as transient', () => {
    const transient = ERROR_CODES.filter((code) => new CarError(code, 'x').transient);
    assert.deepEqual(transient, ['RATE_LIMITED', 'QUOTA_EXCEEDED', 'VEHICLE_ASLEEP', 'TIMEOUT', 'NETWORK', 'UPSTREAM']);
    assert.equal(new CarError('BAD_INPUT', 'x', { transient: true }).transient, true, 'an explicit option wins');
    assert.equal(new CarError('NETWORK', 'x', { transient: false }).transient, false);
  });

  it('carries code, status, upstream code and retry time, and writes them in toJSON with the time as ISO', () => {
    const retryAt = Date.UTC(2026, 0, 15, 9, 0, 0);
    const e = new CarError('RATE_LIMITED', 'slow down', { retryAt, status: 429, upstreamCode: 'err.func.wired.overloaded' });
    assert.equal(e.name, 'CarError');
    assert.equal(e.code, 'RATE_LIMITED');
    assert.ok(Object.prototype.hasOwnProperty.call(e, 'code'), 'an own property, copied to msg.error');
    assert.equal(e.status, 429);
    assert.equal(e.retryAt, retryAt);
    assert.equal(e.upstreamCode, 'err.func.wired.overloaded');
    assert.deepEqual(e.toJSON(), { code: 'RATE_LIMITED', message: 'slow down', retryAt: '2026-01-15T09:00:00.000Z', upstreamCode: 'err.func.wired.overloaded', status: 429 });
    assert.equal(String(e), 'slow down', 'toString is the message alone');

    const bare = new CarError('BAD_INPUT', 'mode: allowed "always"');
    assert.deepEqual(bare.toJSON(), { code: 'BAD_INPUT', message: 'mode: allowed "always"' });
    assert.deepEqual([bare.retryAt, bare.status, bare.upstreamCode], [undefined, undefined, undefined]);
  });

  it('keeps a message of exactly MAX_ERROR_MESSAGE characters whole and cuts one longer with an ellipsis', () => {
    const exact = 'a'.repeat(MAX_ERROR_MESSAGE);
    assert.equal(new CarError('BAD_INPUT', exact).message, exact);
    const cut = new CarError('BAD_INPUT', `${exact}b`).message;
    assert.equal(cut, `${'a'.repeat(MAX_ERROR_MESSAGE - 1)}…`);
  });

  it('a lost answer is a CarError with its own name', () => {
    const e = new AnswerLostError('TIMEOUT', 'no answer in 30 s', { status: 504 });
    assert.ok(isCarError(e));
    assert.equal(e.name, 'AnswerLostError');
    assert.equal(e.code, 'TIMEOUT');
    assert.equal(e.status, 504);
    assert.equal(e.transient, true);
  });

  it('toCarError keeps a CarError, turns a rejected token into AUTH_FAILED and anything else into the fallback code', () => {
    const original = new CarError('VEHICLE_ASLEEP', 'asleep');
    assert.equal(toCarError(original), original);
    const auth = toCarError(new TokenRejectedError());
    assert.equal(auth.code, 'AUTH_FAILED');
    assert.equal(auth.message, 'The cloud rejected the access token');
    assert.equal(new TokenRejectedError().message, 'access token rejected');
    assert.equal(new TokenRejectedError().name, 'TokenRejectedError');
    const foreign = toCarError(new Error('socket hang up'));
    assert.equal(foreign.code, 'UPSTREAM');
    assert.equal(foreign.message, 'socket hang up');
    assert.equal(toCarError(42, 'NETWORK').message, '42');
    assert.equal(isCarError(new Error('x')), false);
    const codes: ErrorCode[] = [...ERROR_CODES];
    assert.equal(codes.length, 11);
  });
});

describe('core/server-url: plain text only to this machine', () => {
  const check = (value: string): string | undefined => {
    try {
      checkServerUrl('servers.api', value, 'https:', 'http:');
      return undefined;
    } catch (e) {
      assert.ok(e instanceof CarError);
      assert.equal(e.code, 'BAD_INPUT');
      return e.message;
    }
  };

  it('allows the plain scheme to 127.0.0.1, localhost and [::1], not to another host', () => {
    for (const ok of ['http://127.0.0.1:3000', 'http://localhost/x', 'http://[::1]:8080/', 'https://api.example.com']) assert.equal(check(ok), undefined, ok);
    assert.equal(check('http://127.0.0.2/'), 'servers.api must start with https:// (http:// only to 127.0.0.1 or localhost, e.g. the simulator); got "http://127.0.0.2/"');
    assert.equal(check('http://localhost.example.com/'), 'servers.api must start with https:// (http:// only to 127.0.0.1 or localhost, e.g. the simulator); got "http://localhost.example.com/"');
  });

  it('names the field and the expected form when the value is not a URL', () => {
    assert.equal(check('api.example.com'), 'servers.api: "api.example.com" is not a URL; expected https://host[:port]');
  });
});
