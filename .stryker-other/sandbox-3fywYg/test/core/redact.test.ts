// @ts-nocheck
import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CarError, MAX_ERROR_MESSAGE, toCarError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import { REDACTED, forgetSecret, forgetSecretsOf, redact, redactValue, registerSecret } from '../../src/core/redact';
import { redactingLogger } from '../../src/core/log';
import { recordingLogger } from '../helpers';

const PASSWORD = 'Hunter2-Correct-Horse!';
const TOKEN = 'tok_9f8e7d6c5b4a3210ffee';
/** Not registered: only the shapes around it can catch it. */
const FORM_PASSWORD = 'unregistered-pw-4711';
const ID_TOKEN = 'opaque-id-token-0815';
const BEARER = 'xyzBearerValue123456';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkcml2ZXIifQ.c2lnbmF0dXJlLXBhcnQ';
const ALL = [PASSWORD, TOKEN, FORM_PASSWORD, ID_TOKEN, BEARER, JWT];

/** Every place an error's text can surface. */
function surfaces(e: Error): string[] {
  return [e.message, e.stack ?? '', JSON.stringify(e), String(e)];
}

function assertClean(e: Error, secrets: string[] = ALL): void {
  for (const text of surfaces(e)) {
    for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
  }
}

/** A port on 127.0.0.1 that nothing listens on (it was bound and released). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}

describe('core/redact', () => {
  before(() => {
    registerSecret(PASSWORD);
    registerSecret(TOKEN);
  });

  after(() => {
    forgetSecret(PASSWORD);
    forgetSecret(TOKEN);
  });

  it('removes registered secrets from CarError message, stack and JSON', () => {
    const e = new CarError('AUTH_FAILED', `login with ${PASSWORD} failed; token ${TOKEN} was refused`, { status: 401, upstreamCode: '403042' });
    assertClean(e);
    assert.match(e.message, new RegExp(REDACTED));
    const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    assert.equal(json.code, 'AUTH_FAILED');
    assert.equal(json.status, 401);
    assert.equal(json.upstreamCode, '403042');
  });

  it('removes registered secrets also when URL-encoded', () => {
    const e = new CarError('UPSTREAM', `GET /x?u=me&p=${encodeURIComponent(PASSWORD)}`);
    assertClean(e);
  });

  it('removes a registered secret written raw, URL-encoded or form-encoded, and leaves what is around it', () => {
    // Characters that every encoding writes differently: @ space / + & = and a non-ASCII letter.
    const secret = 'p@ss w/rd+&é=1';
    const url = encodeURIComponent(secret);
    const form = new URLSearchParams({ p: secret }).toString().slice(2);
    assert.deepEqual([url, form], ['p%40ss%20w%2Frd%2B%26%C3%A9%3D1', 'p%40ss+w%2Frd%2B%26%C3%A9%3D1']);
    registerSecret(secret);
    try {
      assert.equal(redact(`sent ${secret} raw`), `sent ${REDACTED} raw`);
      assert.equal(redact(`GET /x?u=me&q=${url}&z=1`), `GET /x?u=me&q=${REDACTED}&z=1`);
      assert.equal(redact(`body u=me&q=${form}&z=1`), `body u=me&q=${REDACTED}&z=1`);
    } finally {
      forgetSecret(secret);
    }
  });

  it('removes a registered 6-digit 2FA code and a 4-character secret (the shortest kept)', () => {
    registerSecret('482913');
    registerSecret('w9Zq');
    try {
      assert.equal(redact('code 482913 sent'), `code ${REDACTED} sent`);
      assert.equal(redact('pin w9Zq.'), `pin ${REDACTED}.`);
      assert.equal(redact('code 4829 is another number'), 'code 4829 is another number');
    } finally {
      forgetSecret('482913');
      forgetSecret('w9Zq');
    }
    assert.equal(redact('code 482913 sent'), 'code 482913 sent');
  });

  it('removes secrets by their shape: password=, "id_token":"…", Bearer …, JWTs', () => {
    const texts = [
      `POST /accounts.login failed: loginID=me@example.com&password=${FORM_PASSWORD}&sessionExpiration=0`,
      `answer {"statusCode":200,"id_token":"${ID_TOKEN}","errorCode":0}`,
      `request had Authorization: Bearer ${BEARER}`,
      `header x-kamereon-authorization: Bearer ${BEARER}`,
      `JWT in the body: ${JWT} end`,
      `{"id_token":"${JWT}"}`,
      `password: '${FORM_PASSWORD}'`,
    ];
    for (const t of texts) {
      const e = new CarError('UPSTREAM', t);
      assertClean(e);
      assert.ok(e.message.includes(REDACTED), e.message);
    }
    // What is not secret survives, so the message stays useful.
    assert.match(redact(`loginID=me@example.com&password=${FORM_PASSWORD}&sessionExpiration=0`), /loginID=me@example\.com&password=«redacted»&sessionExpiration=0/);
    assert.equal(redact(`Authorization: Bearer ${BEARER}`).includes('Authorization'), true);
  });

  it('toCarError redacts a foreign error and a thrown string', () => {
    assertClean(toCarError(new Error(`socket hang up while sending password=${FORM_PASSWORD} and ${TOKEN}`)));
    assertClean(toCarError(`Bearer ${BEARER} refused (${PASSWORD})`, 'NETWORK'));
    assert.equal(toCarError(`x ${PASSWORD}`, 'NETWORK').code, 'NETWORK');
  });

  it('an HttpClient NETWORK error names method, host and path, never the query', async () => {
    const port = await closedPort();
    const client = new HttpClient({ retries: 0 });
    try {
      const err = await client
        .request({
          method: 'GET',
          url: `http://127.0.0.1:${port}/accounts.getJWT?apiKey=public-ish&login_token=${FORM_PASSWORD}`,
          query: { password: PASSWORD, access_token: TOKEN, sessionToken: ID_TOKEN },
          headers: { authorization: `Bearer ${BEARER}` },
        })
        .then(
          () => assert.fail('a request to a closed port cannot succeed'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof CarError);
      assert.equal(err.code, 'NETWORK');
      assert.match(err.message, new RegExp(`GET 127\\.0\\.0\\.1:${port}/accounts\\.getJWT`));
      assert.ok(!err.message.includes('?'), err.message);
      assert.ok(!err.message.includes('apiKey'), err.message);
      assertClean(err);
    } finally {
      await client.close();
    }
  });

  it('redactValue replaces secret-named fields at any depth and leaves the rest', () => {
    const input = {
      user: 'me@example.com',
      password: 'plain-field-password',
      nested: {
        tokens: [{ access_token: 'a-1', refreshToken: 'r-1', idToken: 'i-1', expires_in: 900 }],
        Authorization: 'Basic dXNlcjpwYXNz',
        note: `contains ${TOKEN} inline`,
        deeper: { secret: { any: 'shape' }, token: 42, loginToken: 'lt-1', cookieValue: 'cv' },
      },
      list: ['plain', `Bearer ${BEARER}`],
      count: 3,
      flag: true,
      none: null,
      missingPassword: undefined,
      pwdNull: { password: null },
    };
    const out = redactValue(input);
    assert.deepEqual(out, {
      user: 'me@example.com',
      password: REDACTED,
      nested: {
        tokens: [{ access_token: REDACTED, refreshToken: REDACTED, idToken: REDACTED, expires_in: 900 }],
        Authorization: REDACTED,
        note: `contains ${REDACTED} inline`,
        deeper: { secret: REDACTED, token: REDACTED, loginToken: REDACTED, cookieValue: REDACTED },
      },
      list: ['plain', `Bearer ${REDACTED}`],
      count: 3,
      flag: true,
      none: null,
      missingPassword: undefined,
      pwdNull: { password: null },
    });
    // A copy: the input is untouched.
    assert.equal(input.password, 'plain-field-password');
    assert.equal(input.nested.tokens[0]?.access_token, 'a-1');
    const text = JSON.stringify(out);
    for (const s of ['plain-field-password', 'a-1', 'r-1', 'i-1', 'lt-1', TOKEN, BEARER, 'dXNlcjpwYXNz']) assert.ok(!text.includes(s), s);
  });

  it('ignores too-short values and forgets a secret on request', () => {
    registerSecret('abc');
    registerSecret(undefined);
    registerSecret(null);
    assert.equal(redact('abc is not a secret'), 'abc is not a secret');
    const temp = 'temporary-secret-value';
    registerSecret(temp);
    assert.equal(redact(`x ${temp} y`), `x ${REDACTED} y`);
    forgetSecret(temp);
    assert.equal(redact(`x ${temp} y`), `x ${temp} y`);
  });

  it('removes a longer secret whole when it contains a shorter one', () => {
    const short = 'inner-secret';
    const long = `outer-${short}-tail`;
    registerSecret(short);
    registerSecret(long);
    try {
      assert.equal(redact(`v=${long}.`), `v=${REDACTED}.`);
    } finally {
      forgetSecret(short);
      forgetSecret(long);
    }
  });

  it('removes shapes whole: the whole JWT, a Bearer value after several blanks, a JWT that spells Basic', () => {
    assert.equal(redact(`jwt ${JWT} end`), `jwt ${REDACTED} end`);
    assert.equal(redact(`sent with Bearer \t ${BEARER}`), `sent with Bearer ${REDACTED}`);
    assert.equal(redact('t=eyJhbGciBasicX.eyJzdWIiOiJ4In0.c2lnbmF0dXJl;'), `t=${REDACTED};`);
  });

  it('redactValue takes field names whole: accessToken and codeVerifier are secrets, wantsPassword and tokenCount are not', () => {
    const out = redactValue({ accessToken: 'a', codeVerifier: 'c', wantsPassword: true, tokenCount: 2, password: undefined, idToken: null });
    assert.deepEqual(out, { accessToken: REDACTED, codeVerifier: REDACTED, wantsPassword: true, tokenCount: 2, password: undefined, idToken: null });
  });

  it('forgetSecretsOf forgets the strings of a replaced state but those the new state keeps', () => {
    const gone = 'replaced-refresh-token-1';
    const kept = 'kept-refresh-token-2';
    registerSecret(gone);
    registerSecret(kept);
    try {
      forgetSecretsOf({ auth: { refresh: gone, again: kept }, at: 5, none: null });
      assert.equal(redact(`${gone} ${kept}`), `${gone} ${kept}`, 'both forgotten without a kept state');
      registerSecret(gone);
      registerSecret(kept);
      forgetSecretsOf({ auth: { refresh: gone, again: kept } }, { auth: { again: kept }, n: 1 });
      assert.equal(redact(`${gone} ${kept}`), `${gone} ${REDACTED}`);
    } finally {
      forgetSecret(gone);
      forgetSecret(kept);
    }
  });

  it('removes a longer secret whole when a shorter one is its beginning', () => {
    const short = 'prefix-secret';
    const long = `${short}-and-more`;
    registerSecret(short);
    registerSecret(long);
    try {
      assert.equal(redact(`v=${long}.`), `v=${REDACTED}.`);
    } finally {
      forgetSecret(short);
      forgetSecret(long);
    }
  });

  it('redactingLogger passes every line through redact', () => {
    const sink = recordingLogger();
    const log = redactingLogger(sink);
    log.debug(`d ${PASSWORD}`);
    log.info(`i ${TOKEN}`);
    log.warn(`w Bearer ${BEARER}`);
    log.error(`e ${JWT}`);
    // Each line at its own level, and none with a secret.
    assert.deepEqual(sink.lines.map((l) => l.split(' ', 2).join(' ')), ['debug d', 'info i', 'warn w', 'error e']);
    for (const l of sink.lines) for (const s of ALL) assert.ok(!l.includes(s), l);
  });
});

describe('core/errors: what an error repeats', () => {
  it('cuts a message at MAX_ERROR_MESSAGE characters, so a huge input is not echoed into msg.error', () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const err = new CarError('BAD_INPUT', `payload: an object (got ${huge})`);
    assert.equal(err.message.length, MAX_ERROR_MESSAGE);
    assert.ok(err.message.startsWith('payload: an object (got xxx'));
    assert.ok(err.message.endsWith('…'));
    assert.equal(new CarError('BAD_INPUT', 'short').message, 'short');
  });
});
