// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { ZE50, renaultWorldEach } from '../renault-session';

/**
 * Issue 15: a redeploy in the middle of a fault (the fault suite's "· redeploy" scenarios). The
 * closed account's sign-in must settle at once, not hold a promise (and a node's dot) on
 * "signing in" until a held socket times out, and the account opened by the new nodes must sign
 * in, read and say "ready" once the fault clears, from the tokens the closed one kept.
 */
describe('A redeploy in the middle of a token refresh against a hanging cloud', function () {
  this.timeout(20_000);
  const world = renaultWorldEach();
  const read = (s: ReturnType<typeof world.session>) => s.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });

  it('settles the refresh in flight when the account closes, and the next account is ready with the kept tokens', async () => {
    const first = world.session({ key: 'redeploy' });
    await read(first);
    const logins = world.sim.renault.stats.logins;
    // The JWT is due for a refresh, and Gigya holds the refresh's socket (the session's own HTTP: 15 s timeout).
    await world.clock.advance(65 * 60_000);
    world.sim.renault.injectGigyaFault({ method: 'accounts.getJWT', kind: 'hang', times: 1 });
    const states: string[] = [];
    first.on('state', (s: { phase: string }) => states.push(s.phase));
    const pending = read(first).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Wait for the refresh to be on its way (an event, no fixed sleep).
    await new Promise<void>((resolve) => {
      if (first.state.phase === 'signing_in') return resolve();
      first.on('state', (s: { phase: string }) => s.phase === 'signing_in' && resolve());
    });
    await first.close();
    const err = await pending;
    // Cancelled by the close (NETWORK), not left to the held socket's 15 s timeout (TIMEOUT).
    assert.ok(err instanceof CarError, String(err));
    assert.equal(err.code, 'NETWORK');
    assert.match(err.message, /closed/);

    world.sim.renault.clearFaults();
    const next = world.session({ key: 'redeploy' });
    const status = await read(next);
    assert.equal(typeof status.battery?.socPercent, 'number');
    assert.equal(next.state.phase, 'ready');
    assert.equal(world.sim.renault.stats.logins, logins, 'no new password sign-in: the closed account kept its tokens');
    assert.ok(states.includes('signing_in'));
  });
});
