// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CarError } from '../../src/core';
import { emailsOf, maskEmail } from '../../src/brands/renault/tfa';
import type { AccountSession } from '../../src/features/session';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { ZE50, renaultWorldEach, reported } from '../renault-session';
import { recordingLogger, type RecordingLogger } from '../helpers';

describe('Renault two-factor sign-in (spec §2.7) against the simulator', () => {
  const world = renaultWorldEach();
  let log: RecordingLogger;

  beforeEach(() => {
    world.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    log = recordingLogger();
  });

  function session(): AccountSession {
    return world.session({ key: 'tfa', log });
  }

  async function restart(old: AccountSession): Promise<AccountSession> {
    await old.close();
    return session();
  }

  it('sends one code, names the masked address, signs in with the code, and keeps the tokens across a restart', async () => {
    let s = session();
    const err = await s.vehicles().catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'TFA_REQUIRED');
    assert.match(err.message, /sent a sign-in code to d\*\*\*@example\.com/);
    assert.equal(s.state.phase, 'tfa_required');
    assert.deepEqual(s.state.challenge, { kind: 'code', hint: 'd***@example.com' });
    assert.ok(s.awaitingCode);
    const code = world.sim.renault.lastTfaCode;
    assert.ok(code && /^\d{6}$/.test(code));
    assert.equal(world.sim.renault.stats.logins, 1);

    // Nodes asking meanwhile neither log in again nor send another e-mail.
    for (let i = 0; i < 3; i++) await assert.rejects(s.readStatus(ZE50, ['battery']), { code: 'TFA_REQUIRED' });
    assert.equal(world.sim.renault.stats.logins, 1);
    assert.equal(world.sim.renault.lastTfaCode, code);

    // A restart while the code is on its way keeps the flow: the same code still works.
    s = await restart(s);
    await s.load();
    assert.equal(s.state.phase, 'tfa_required');
    assert.ok(s.awaitingCode);

    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await s.submitCode(wrong).catch((e: unknown) => e);
    assert.ok(refused instanceof CarError);
    assert.equal(refused.code, 'BAD_INPUT');
    assert.match(refused.message, /did not accept the sign-in code/);
    assert.ok(s.awaitingCode, 'a mistyped code may be typed again');
    assert.equal(s.state.phase, 'tfa_required');

    const state = await s.submitCode(` ${code} `);
    assert.equal(state.phase, 'ready');
    assert.equal(s.awaitingCode, false);
    assert.equal(world.sim.renault.stats.logins, 2, 'one login after the code');
    const status = await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    assert.equal(status.battery?.socPercent, reported(world.sim, ZE50).socPercent);

    // A restart needs no new code and no new login: the login token is kept.
    s = await restart(s);
    await s.readStatus(ZE50, ['mileage'], { kind: 'explicit' });
    assert.equal(world.sim.renault.stats.logins, 2);
    const file = await fs.readFile(path.join(world.dir, 'tfa.json'), 'utf8');
    assert.ok(!file.includes('"pending"'), 'the finished challenge is gone from the store');

    // The code is a secret: never in a log line.
    assert.ok(log.lines.length > 0);
    for (const l of log.lines) {
      assert.ok(!l.includes(code), `the code leaked into: ${l}`);
      assert.ok(!l.includes(DEMO_RENAULT_PASSWORD + ' '), 'no password');
    }
  });

  it('ends the flow after too many wrong codes; "Sign in again" sends a new code', async () => {
    const s = session();
    await assert.rejects(s.vehicles(), { code: 'TFA_REQUIRED' });
    const code = world.sim.renault.lastTfaCode ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await assert.rejects(s.submitCode(wrong), { code: 'BAD_INPUT' });
    await assert.rejects(s.submitCode(code), { code: 'TFA_REQUIRED', message: /Too many wrong codes: Renault ended this sign-in.*Sign in again/ });
    assert.equal(s.awaitingCode, false);
    await assert.rejects(s.submitCode(code), { code: 'BAD_INPUT', message: /no sign-in code is awaited/ });
    const sent = world.sim.renault.stats.codesSent;
    await s.unblock();
    await assert.rejects(s.vehicles(), { code: 'TFA_REQUIRED' });
    assert.equal(world.sim.renault.stats.codesSent, sent + 1, 'a new code was sent');
    assert.match(world.sim.renault.lastTfaCode ?? '', /^\d{6}$/);
    const fresh = world.sim.renault.lastTfaCode ?? '';
    assert.equal((await s.submitCode(fresh)).phase, 'ready');
    assert.ok((await s.vehicles()).length >= 4);
  });

  it('refuses an answer that cannot be a code without calling Renault', async () => {
    const s = session();
    await assert.rejects(s.vehicles(), { code: 'TFA_REQUIRED' });
    const other = world.sim.renault.stats.gigyaOther;
    await assert.rejects(s.submitCode('12 34'), { code: 'BAD_INPUT', message: /code: type the code/ });
    await assert.rejects(s.submitCode(''), { code: 'BAD_INPUT' });
    assert.equal(world.sim.renault.stats.gigyaOther, other);
  });

  it('reads the e-mail list in either shape Gigya uses, and masks plain addresses', () => {
    assert.deepEqual(emailsOf({ emails: [{ id: 'e1', obfuscated: 'c***@x.org' }] }), [{ id: 'e1', masked: 'c***@x.org' }]);
    assert.deepEqual(emailsOf({ emails: { verified: [{ id: 7, plain: 'camille@x.org' }], unverified: [] } }), [{ id: '7', plain: 'camille@x.org' }]);
    assert.deepEqual(emailsOf({ emails: ['a@b.c'] }), [{ plain: 'a@b.c' }]);
    assert.deepEqual(emailsOf({ emails: null }), []);
    assert.equal(maskEmail('camille@example.com'), 'c***@example.com');
  });
});
