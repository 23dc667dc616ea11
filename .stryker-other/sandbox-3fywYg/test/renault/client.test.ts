// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type ManualClock, type StatusPart } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { DEMO_RENAULT_PASSWORD } from '../../src/sim/renault';
import { ZE50, renaultWorldEach } from '../renault-session';

/** Resolves to the value or the error of p, advancing the manual clock while it is pending. */
async function settle<T>(p: Promise<T>, clock: ManualClock): Promise<T | unknown> {
  let done = false;
  const out = p.then(
    (v) => v,
    (e: unknown) => e,
  ).finally(() => {
    done = true;
  });
  for (let i = 0; i < 200 && !done; i++) await clock.advance(1_000);
  return out;
}
const ALL_READS: StatusPart[] = ['battery', 'charging', 'mileage', 'position', 'climate'];

describe('Renault client against the simulator', () => {
  const world = renaultWorldEach({ renault: { quota: { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 }, actionDelayMs: 1000 } });

  const session = (password = DEMO_RENAULT_PASSWORD): AccountSession => world.session({ password });

  it('signs in, lists the vehicles of every account with cars, and reads a status', async () => {
    const s = session();
    const vehicles = await s.vehicles();
    assert.ok(vehicles.length >= 4);
    assert.ok(vehicles.some((v) => v.brand === 'dacia'), 'the MYDACIA account is listed too');
    const zoe = vehicles.find((v) => v.vin === ZE50);
    assert.equal(zoe?.modelCode, 'X102VE');
    assert.equal(zoe?.drivetrain, 'electric');
    const status = await s.readStatus(ZE50, ALL_READS, { kind: 'explicit' });
    assert.equal(status.vin, ZE50);
    assert.equal(status.provider, 'renault');
    const car = world.sim.renault.car(ZE50);
    assert.equal(status.battery?.socPercent, Math.round(car.reportedBattery.soc));
    assert.equal(status.charging?.plug, 'plugged');
    // The ZE50's cockpit says kilometres with two decimals; its location the fix as it is.
    assert.equal(status.mileageKm, Math.round(car.reportedPosition.odometerKm * 100) / 100);
    assert.deepEqual([status.position?.latitude, status.position?.longitude], [car.reportedPosition.lat, car.reportedPosition.lon]);
    assert.equal(world.sim.renault.stats.logins, 1);
    assert.equal(status.fuel, undefined, 'an electric car has no fuel part, never 0 L');
  });

  it('lists only the cars of the chosen brand', async () => {
    const s = world.session({ key: 'dacia-only', config: { brand: 'dacia' } });
    const vehicles = await s.vehicles();
    assert.ok(vehicles.length >= 1);
    assert.ok(vehicles.every((v) => v.brand === 'dacia'));
  });

  it('re-mints the JWT when it expires, without a new login', async () => {
    const s = session();
    await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    const jwts = world.sim.renault.stats.getJwt;
    await world.clock.advance(16 * 60_000);
    await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    assert.equal(world.sim.renault.stats.getJwt, jwts + 1);
    assert.equal(world.sim.renault.stats.logins, 1);
    assert.equal(world.sim.renault.stats.rejected401, 0, 'refreshed before expiry, not after a 401');
  });

  it('re-mints the JWT once after a 401 and retries the read', async () => {
    const s = session();
    await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    const jwts = world.sim.renault.stats.getJwt;
    world.sim.renault.injectFault({ kind: 'unauthorized', path: 'battery-status' });
    const status = await s.readStatus(ZE50, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(status.battery?.socPercent, Math.round(world.sim.renault.car(ZE50).reportedBattery.soc));
    assert.equal(world.sim.renault.stats.getJwt, jwts + 1);
    assert.equal(world.sim.renault.stats.logins, 1);
  });

  it('survives a restart without signing in again', async () => {
    const first = session();
    await first.vehicles();
    await first.close();
    const again = session();
    const status = await again.readStatus(ZE50, ['mileage'], { kind: 'explicit' });
    assert.equal(status.mileageKm, Math.round(world.sim.renault.car(ZE50).reportedPosition.odometerKm * 100) / 100);
    assert.equal(world.sim.renault.stats.logins, 1);
  });

  it('stops after a wrong password: one attempt, then no more, also after a restart', async () => {
    const s = session('wrong-password');
    const first = await s.vehicles().catch((e: unknown) => e);
    assert.ok(first instanceof CarError);
    assert.equal(first.code, 'AUTH_FAILED');
    assert.match(first.message, /403042/);
    assert.ok(!first.message.includes('wrong-password'));
    for (let i = 0; i < 5; i++) await assert.rejects(s.vehicles({ force: true }), { code: 'AUTH_FAILED' });
    assert.equal(s.state.phase, 'blocked');
    await s.close();
    await assert.rejects(session('wrong-password').vehicles(), { code: 'AUTH_FAILED' });
    assert.equal(world.sim.renault.stats.logins, 1, 'exactly one login attempt in all');
    // A corrected password is a new configuration: it is tried.
    await session(DEMO_RENAULT_PASSWORD).vehicles();
    assert.equal(world.sim.renault.stats.logins, 2);
  });

  it('pauses the account on 429 overloaded and resumes after the pause', async () => {
    const s = session();
    await s.vehicles();
    world.sim.renault.injectFault({ kind: 'overloaded', times: 1 });
    const err = await s.readStatus(ZE50, ['battery'], { kind: 'explicit' }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'RATE_LIMITED');
    // 15 minutes (no time named), 0-10 % longer at random.
    const retryAt = err.retryAt ?? 0;
    assert.ok(retryAt >= world.clock.now() + 15 * 60_000 - 1 && retryAt <= world.clock.now() + 16.5 * 60_000, `${(retryAt - world.clock.now()) / 60_000} min`);
    const calls = world.sim.renault.stats.kamereon;
    // While paused, nothing reaches the cloud.
    await assert.rejects(s.readStatus(ZE50, ['battery'], { kind: 'explicit' }), { code: 'RATE_LIMITED' });
    assert.equal(world.sim.renault.stats.kamereon, calls);
    assert.equal(s.state.phase, 'rate_limited');
    await world.clock.advance(retryAt - world.clock.now() + 1000);
    const status = await s.readStatus(ZE50, ['battery'], { kind: 'explicit' });
    assert.equal(status.battery?.socPercent, Math.round(world.sim.renault.car(ZE50).reportedBattery.soc));
  });

  it('never goes past the budget, and says when the next call fits', async () => {
    const s = world.session({ key: 'small', budget: { limit: 8, reserve: 0 } });
    await s.vehicles(); // person + 2 accounts = 3 calls (SFDC skipped)
    await s.readStatus(ZE50, ALL_READS, { kind: 'explicit' }); // 4 calls
    const before = world.sim.renault.stats.kamereon;
    const err = await s.readStatus(ZE50, ALL_READS, { kind: 'explicit', maxAgeMs: 0 }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'RATE_LIMITED');
    assert.ok(err.retryAt !== undefined && err.retryAt > world.clock.now());
    assert.equal(world.sim.renault.stats.kamereon, before, 'a read that does not fit is not started');
  });

  it('shares one read between callers that ask at the same time', async () => {
    const s = session();
    await s.vehicles();
    const before = world.sim.renault.stats.kamereon;
    await Promise.all(Array.from({ length: 10 }, () => s.readStatus(ZE50, ALL_READS, { kind: 'background', maxAgeMs: 60_000 })));
    assert.equal(world.sim.renault.stats.kamereon - before, 4, 'battery, cockpit, location and hvac once');
  });

  it('turns an HTML 502 into UPSTREAM and keeps secrets out of the message', async () => {
    const s = session();
    await s.vehicles();
    world.sim.renault.injectFault({ kind: 'bad-gateway', times: 10 });
    const before = world.sim.renault.stats.kamereon;
    // GETs are retried twice with backoff on the session's clock: move it while the read waits.
    const err = await settle(s.readStatus(ZE50, ['mileage'], { kind: 'explicit' }), world.clock);
    assert.ok(err instanceof CarError);
    assert.equal(err.code, 'UPSTREAM');
    assert.match(err.message, /HTML/);
    assert.equal(world.sim.renault.stats.kamereon - before, 3, 'one call and two retries');
    const text = JSON.stringify({ m: err.message, s: err.stack, j: err.toJSON() });
    assert.ok(!/eyJ[\w-]+\.[\w-]+/.test(text), 'no JWT in the error');
  });
});
