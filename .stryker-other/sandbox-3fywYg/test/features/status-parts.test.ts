/**
 * The status parts at runtime follow the dialog's rule (issue 16): no part chosen is refused,
 * naming the field and the parts there are; unset (a flow from before the setting, or every box
 * ticked) is every part.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { STATUS_PARTS } from '../../src/core';
import { parseParts } from '../../src/features/status';

describe('the status parts setting', () => {
  it('refuses a list that names no part, with the field and the parts there are', () => {
    for (const none of [[], ',', ' , ']) {
      assert.throws(
        () => parseParts(none),
        (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && e.message === `parts: choose at least one of: ${STATUS_PARTS.join(', ')}`,
        JSON.stringify(none),
      );
    }
  });

  it('takes every part when unset, and a chosen list once each', () => {
    assert.deepEqual(parseParts(undefined), [...STATUS_PARTS]);
    assert.deepEqual(parseParts(''), [...STATUS_PARTS]);
    assert.deepEqual(parseParts('battery, fuel,battery'), ['battery', 'fuel']);
  });
});
