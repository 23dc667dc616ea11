/**
 * The form of a sign-in code or captcha answer (challenge.ts ANSWER, issue 19's static mutants): the whole text must
 * be 4 to 64 printable characters without spaces, not merely hold such a run.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { ANSWER } from '../../src/features/challenge';

describe('sign-in code form (values)', () => {
  it('takes 4 to 64 letters, digits and . _ ~ - as the whole answer, and refuses one with anything before or after', () => {
    const rows: [string, boolean][] = [
      ['1234', true],
      ['Ab-9_x.y~', true],
      ['x'.repeat(64), true],
      ['123', false],
      ['x'.repeat(65), false],
      [' 123456', false],
      ['123456 ', false],
      ['12 3456', false],
      ['123456\n', false],
      ['code:123456', false],
      ['123456!', false],
    ];
    for (const [answer, taken] of rows) assert.equal(ANSWER.test(answer), taken, JSON.stringify(answer));
  });
});
