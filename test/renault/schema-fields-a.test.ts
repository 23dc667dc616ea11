/**
 * The fields each Renault body schema declares (src/brands/renault/schemas.ts, the Gigya answers, Kamereon's error
 * and action envelopes, the person) and the helpers they are made of. A loose object keeps a key it does not know as
 * it came, so a declared field shows only by being read: each row gives every declared field in the form only its
 * reader converts (a number for a text field, a numeric text for a number field) and the whole value expected.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  ActionEchoSchema,
  ContractsSchema,
  FAIL,
  GigyaAccountInfoSchema,
  GigyaBaseSchema,
  GigyaBootstrapSchema,
  GigyaJwtSchema,
  GigyaLoginSchema,
  KamereonErrorSchema,
  PersonSchema,
  fields,
  kcaData,
  readerOf,
} from '../../src/brands/renault/schemas';
import { assertSchemaRow, type SchemaRow } from './schema-rows';

/** A Gigya answer's common fields, each in its convertible form (values of the recorded shapes, numbers as text or the other way). */
const GIGYA_BASE_BODY = {
  callId: 5071,
  errorCode: '403101',
  errorMessage: 404,
  errorDetails: 12,
  regToken: 900,
  apiVersion: '2',
  statusCode: '403',
  statusReason: 403,
  time: 1780312000,
  UID: 4711,
  profile: { email: 'driver@example.org' },
};
const GIGYA_BASE_READ = {
  callId: '5071',
  errorCode: 403101,
  errorMessage: '404',
  errorDetails: '12',
  regToken: '900',
  apiVersion: 2,
  statusCode: 403,
  statusReason: '403',
  time: '1780312000',
  UID: '4711',
  profile: { email: 'driver@example.org' },
};

/** A probe of attributes, one number field, for the `{data: {type, id, attributes}}` envelope. */
const LevelData = kcaData(fields({ num: ['level'] }));

describe('Renault body schemas: every declared field is read by its kind (schemas.ts)', () => {
  it("Gigya's answers read their texts from numbers and their numbers from texts, in the body and its sessionInfo and data", () => {
    const ROWS: SchemaRow[] = [
      { name: 'base', schema: GigyaBaseSchema, reader: false, body: GIGYA_BASE_BODY, expected: GIGYA_BASE_READ },
      {
        name: 'login',
        schema: GigyaLoginSchema,
        reader: false,
        body: { ...GIGYA_BASE_BODY, sessionInfo: { cookieName: 7, cookieValue: 8, expires_in: 3600 }, data: { personId: 31, gigyaDataCenter: 1 } },
        expected: { ...GIGYA_BASE_READ, sessionInfo: { cookieName: '7', cookieValue: '8', expires_in: '3600' }, data: { personId: '31', gigyaDataCenter: '1' } },
      },
      {
        name: 'account info',
        schema: GigyaAccountInfoSchema,
        reader: false,
        body: { errorCode: 0, data: { personId: 32, gigyaDataCenter: 2, other: 3 } },
        expected: { errorCode: 0, data: { personId: '32', gigyaDataCenter: '2', other: 3 } },
      },
      { name: 'jwt', schema: GigyaJwtSchema, reader: false, body: { errorCode: 0, UID: 5, id_token: 6 }, expected: { errorCode: 0, UID: '5', id_token: '6' } },
      {
        name: 'bootstrap',
        schema: GigyaBootstrapSchema,
        reader: false,
        body: { errorCode: 0, callId: 9, gmid: 10, ucid: 11 },
        expected: { errorCode: 0, callId: '9', gmid: '10', ucid: '11' },
      },
    ];
    for (const row of ROWS) assertSchemaRow(row);
  });

  it("Kamereon's error, the action echo and the person read their texts from numbers, and data's type and id too", () => {
    const ROWS: SchemaRow[] = [
      {
        name: 'kamereon error',
        schema: KamereonErrorSchema,
        reader: false,
        body: { type: 1, error_reference: 2, error: 3, error_description: 4, messages: [{ code: 5, message: 'm' }], errors: [{ errorCode: 6, errorMessage: 'e' }] },
        expected: { type: '1', error_reference: '2', error: '3', error_description: '4', messages: [{ code: 5, message: 'm' }], errors: [{ errorCode: 6, errorMessage: 'e' }] },
      },
      {
        name: 'action echo, KCM command',
        schema: ActionEchoSchema,
        reader: false,
        body: { commandId: 17, type: 18, status: 19 },
        expected: { commandId: '17', type: '18', status: '19' },
      },
      {
        name: 'action echo, JSON:API',
        schema: ActionEchoSchema,
        reader: false,
        body: { data: { type: 20, id: 21, attributes: { action: 'schedule_mode' }, links: 22 } },
        expected: { data: { type: '20', id: '21', attributes: { action: 'schedule_mode' }, links: 22 } },
      },
      { name: 'person', schema: PersonSchema, reader: false, body: { personId: 23, country: 'FR', accounts: [] }, expected: { personId: '23', country: 'FR', accounts: [] } },
      {
        name: 'kcaData',
        schema: LevelData,
        reader: true,
        body: { data: { type: 24, id: 25, attributes: { level: '52' } }, meta: 26 },
        expected: { data: { type: '24', id: '25', attributes: { level: 52 } }, meta: 26 },
      },
    ];
    for (const row of ROWS) assertSchemaRow(row);
  });

  it("an action echo's attributes that are no object (text, null, a list) are absent; the echo and its id are kept", () => {
    for (const attributes of ['none', null, [1, 2]]) {
      assert.deepStrictEqual(
        ActionEchoSchema.parse({ data: { type: 'ChargeMode', id: 'a-1', attributes } }),
        { data: { type: 'ChargeMode', id: 'a-1', attributes: undefined } },
        JSON.stringify(attributes),
      );
    }
  });
});

describe('Renault schema helpers: what fields(), kcaData() and a list body declare and answer (schemas.ts)', () => {
  it('fields() declares exactly the fields it is given, none for a kind left out', () => {
    assert.deepEqual(Object.keys(fields({}).shape), []);
    assert.deepEqual(Object.keys(fields({ str: ['a'] }).shape), ['a']);
    assert.deepEqual(Object.keys(fields({ num: ['n'] }).shape), ['n']);
    assert.deepEqual(Object.keys(fields({ bool: ['b'] }).shape), ['b']);
    assert.deepEqual(Object.keys(fields({ str: ['a'] }, { more: z.string() }).shape), ['a', 'more']);
  });

  it('a "__proto__" key inside a body read by fields() is left out by its reader as by zod, and sets no prototype', () => {
    const schema = fields({ str: ['s'] });
    const reader = readerOf(schema) ?? assert.fail('fields() of plain kinds has a reader');
    const body = JSON.parse('{"__proto__":{"polluted":1},"s":2,"extra":3}') as unknown;
    assert.deepStrictEqual(schema.parse(body), { s: '2', extra: 3 });
    const read = reader(body);
    assert.deepStrictEqual(read, { s: '2', extra: 3 });
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
  });

  it("a status's data with a \"__proto__\" key: the reader leaves it out of data too", () => {
    const reader = readerOf(LevelData) ?? assert.fail('kcaData of fields() has a reader');
    const body = JSON.parse('{"data":{"__proto__":{"level":9},"type":"Car","id":"v1","attributes":{"level":"40"}}}') as unknown;
    const expected = { data: { type: 'Car', id: 'v1', attributes: { level: 40 } } };
    assert.deepStrictEqual(LevelData.parse(body), expected);
    const read = reader(body) as { data: object };
    assert.deepStrictEqual(read, expected);
    assert.equal(Object.getPrototypeOf(read.data), Object.prototype);
  });

  it('fields() with a nested object: a body whose nested value is no object fails both ways; an object is read', () => {
    const schema = fields({ str: ['s'] }, { inner: fields({ num: ['n'] }) });
    const reader = readerOf(schema) ?? assert.fail('fields() whose extra fields all have readers has one');
    for (const inner of ['x', 3, null, [1]]) {
      const body = { s: 1, inner };
      assert.equal(schema.safeParse(body).success, false, `zod: ${JSON.stringify(inner)}`);
      assert.equal(reader(body), FAIL, `reader: ${JSON.stringify(inner)}`);
    }
    assert.deepStrictEqual(reader({ s: 1, inner: { n: '4' } }), { s: '1', inner: { n: 4 } });
    assert.deepStrictEqual(schema.parse({ s: 1, inner: { n: '4' } }), { s: '1', inner: { n: 4 } });
  });

  it('a body that is no list is refused with the issue "a list"', () => {
    for (const body of [null, {}, { contractList: 'x' }, 'contracts']) {
      const p = ContractsSchema.safeParse(body);
      assert.deepEqual(
        p.error?.issues.map((i) => i.message),
        ['a list'],
        JSON.stringify(body),
      );
    }
  });
});
