/**
 * Error texts name no class (issue 16): what a Catch node gets (msg.error.message, which Node-RED
 * makes with the error's toString) and what the log and the debug sidebar show read "method:
 * car-request only reads …", not "CarError: method: …"; the kind is msg.error.code.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { caughtError, helper, helpers, nodeModule, useNodeRed } from './nr-helper';

const ZE50 = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-request')];

describe('error texts without a class name', () => {
  const fx = useNodeRed();

  it('an error says its message alone, as a string and in a template', () => {
    const err = new CarError('NETWORK', 'the cloud did not answer');
    assert.equal(String(err), 'the cloud did not answer');
    assert.equal(`${err}`, 'the cloud did not answer');
  });

  it('a Catch node gets the message without "CarError:" (Node-RED logs an unhandled one with the same toString)', async () => {
    await helper.load(nodes, fx.flow([{ id: 'req', type: 'car-request', account: 'acc', vin: ZE50, method: 'GET', path: '/commerce/v1/persons/{personId}', wires: [['out']] }, ...helpers('out')]), fx.credentials());
    const error = await caughtError('req', { method: 'POST', path: '/commerce/v1/persons/{personId}' });
    assert.equal(error.code, 'BAD_INPUT');
    assert.match(error.message, /^method: car-request only reads \(GET\)/);
  });
});
