/**
 * The simulator's fault switches that `npm run faults` drives (issue 15): each one answers as
 * the fault it stands for, once, and the next call is served normally.
 */
// @ts-nocheck

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { request } from 'undici';
import { HttpClient } from '../../src/core';
import { CommandRunner } from '../../src/features/commands';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator } from '../../src/sim';
import { removeDir, tempDir } from '../helpers';
import { rejection, renaultWorldEach, reported, ZE50 } from '../renault-session';
import { BMW_VIN, session as cardataSession, signInSession, world, type World } from '../cardata/helpers';

describe('simulator fault switches (Renault)', () => {
  const w = renaultWorldEach();

  const cases = [
    { kind: 'retry-after', code: 'RATE_LIMITED' },
    { kind: 'html-500', code: 'UPSTREAM' },
    { kind: 'malformed-json', code: 'UPSTREAM' },
  ] as const;
  for (const c of cases) {
    it(`${c.kind}: one read fails with ${c.code}, the next one is served`, async () => {
      const s = w.session();
      await s.vehicles();
      w.sim.renault.injectFault({ kind: c.kind, path: 'battery-status' });
      const err = await rejection(s.readStatus(ZE50, ['battery'], { maxAgeMs: 0 }));
      assert.equal(err.code, c.code);
      // Retry-After: 60, with the budget's 0-10 % jitter on top (issue 13).
      if (c.kind === 'retry-after') assert.ok((err.retryAt ?? 0) >= w.clock.now() + 60_000 && (err.retryAt ?? 0) <= w.clock.now() + 66_000, 'Retry-After: 60 is carried');
      assert.equal(w.sim.renault.pendingFaults, 0);
      await w.clock.advance(67_000);
      const ok = await s.readStatus(ZE50, ['battery'], { maxAgeMs: 0 });
      assert.equal(ok.battery?.socPercent, reported(w.sim, ZE50).socPercent);
    });
  }

  it('unavailable and reset: every attempt of a read fails (503 HTML page, a cut connection) until the switch is used up', async () => {
    const s = w.session({ http: new HttpClient({ clock: w.clock, retries: 0 }) });
    await s.vehicles();
    w.sim.renault.injectFault({ kind: 'unavailable', path: 'battery-status' });
    assert.equal((await rejection(s.readStatus(ZE50, ['battery'], { maxAgeMs: 0 }))).code, 'UPSTREAM');
    w.sim.renault.injectFault({ kind: 'reset', path: 'battery-status' });
    assert.equal((await rejection(s.readStatus(ZE50, ['battery'], { maxAgeMs: 0 }))).code, 'NETWORK');
    assert.ok((await s.readStatus(ZE50, ['battery'], { maxAgeMs: 0 })).battery);
  });

  it('lost-reply: the action reaches the car, its answer never comes', async () => {
    const s = w.session({ http: new HttpClient({ clock: w.clock, timeoutMs: 200, retries: 0 }) });
    await s.vehicles();
    w.sim.renault.injectFault({ kind: 'lost-reply', path: 'actions/hvac-start' });
    const before = w.sim.renault.stats.byEndpoint['actions/hvac-start'] ?? 0;
    const runner = new CommandRunner({ session: s, vin: ZE50, timeoutMs: 5_000 });
    // A lost reply is no failure (issue 15): "unknown", or "executed" once the car's state shows the effect.
    let outcome: string | undefined;
    void runner.run({ command: 'climate_start', temperatureC: 20 }).then(
      (r) => (outcome = r.outcome),
      (e: unknown) => (outcome = (e as { code?: string }).code ?? 'thrown'),
    );
    // The tracking runs on the session's clock: move it until the command has its outcome.
    for (let i = 0; i < 400 && outcome === undefined; i++) {
      await w.clock.advance(500);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(outcome === 'unknown' || outcome === 'executed', `outcome ${outcome}`);
    assert.equal(w.sim.renault.stats.byEndpoint['actions/hvac-start'], before + 1, 'one call');
    assert.equal(w.sim.renault.stats.writes, 1, 'the action reached the simulated car');
    assert.equal(w.sim.renault.pendingFaults, 0);
  });
});

describe('simulator fault switches (CarData)', () => {
  let w: World;
  let dir: string;
  before(async () => {
    w = await world();
    dir = await tempDir('cc-sim-faults-');
  });
  after(async () => {
    await w.close();
    await removeDir(dir);
  });

  it('retry-after, unavailable, malformed-json and reset each spoil one REST call', async () => {
    // No stream: every read goes over REST (a streamed part would be served fresh from the cache).
    w.sim.cardata.setBrokerAvailable(false);
    const s = cardataSession(w, dir);
    await signInSession(w, s);
    const telematic = (): Promise<number> =>
      s.readStatus(BMW_VIN, ['battery'], { maxAgeMs: 0 }).then(
        () => 200,
        (e: unknown) => ((e as { code?: string }).code === undefined ? -1 : 0),
      );
    for (const kind of ['retry-after', 'unavailable', 'malformed-json', 'reset'] as const) {
      w.sim.cardata.injectFault({ kind, path: 'telematicData', times: 3 });
      assert.equal(await telematic(), 0, `${kind}: the read fails with a CarError`);
      w.sim.cardata.clearFaults();
      // Past Retry-After: 60 and its jitter.
      await w.clock.advance(67_000);
      assert.equal(await telematic(), 200, `${kind}: the next read is served`);
    }
    await s.close();
  });

  it('device-code-expired: the token endpoint answers expired_token for a code that is still young', async () => {
    const sim: Simulator = await startSimulator({ port: 0, cardata: { autoApproveMs: false } });
    try {
      const form = (f: Record<string, string>): string => new URLSearchParams(f).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const dc = await request(`${sim.cardata.authUrl}/oauth/device/code`, {
        method: 'POST',
        headers,
        body: form({ client_id: DEMO_CARDATA_CLIENT_ID, response_type: 'device_code', scope: 'authenticate_user openid cardata:api:read', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }),
      });
      const code = (await dc.body.json()) as { device_code: string };
      sim.cardata.injectFault({ kind: 'device-code-expired' });
      const res = await request(`${sim.cardata.authUrl}/oauth/token`, {
        method: 'POST',
        headers,
        body: form({ client_id: DEMO_CARDATA_CLIENT_ID, device_code: code.device_code, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', code_verifier: 'v' }),
      });
      assert.equal(res.statusCode, 401);
      assert.equal(((await res.body.json()) as { error: string }).error, 'expired_token');
    } finally {
      await sim.close();
    }
  });
});
