// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, VehicleStatusSchema, type Vehicle } from '../../src/core';
import type { AccountSession } from '../../src/features/session';
import { AUSTRAL, R5, SPRING, ZE40, ZE50, rejection, renaultWorld, renaultWorldEach, reported } from '../renault-session';

describe('Renault reads against the simulator', () => {
  const world = renaultWorldEach();

  const session = (locale = 'fr_FR'): AccountSession => world.session({ locale });

  const calls = (name: string): number => world.sim.renault.stats.byEndpoint[name] ?? 0;

  it('lists every car of every account of the person (MYRENAULT and MYDACIA), never asks the CRM account', async () => {
    const s = session();
    const vehicles = await s.vehicles();
    assert.deepEqual(vehicles.map((v) => v.vin).sort(), [AUSTRAL, SPRING, ZE40, ZE50, R5].sort());
    assert.equal(vehicles.find((v) => v.vin === SPRING)?.accountId, world.sim.renault.accountIds.myDacia);
    assert.equal(vehicles.find((v) => v.vin === ZE50)?.accountId, world.sim.renault.accountIds.myRenault);
    assert.equal(calls('vehicles'), 2, 'two accounts with cars asked, SFDC skipped');
  });

  it('maps tyres, and alerts into the status where the model has them, and lists what it lacks', async () => {
    const s = session();
    const zoe = await s.readStatus(ZE50, ['tires', 'lock', 'doors', 'windows', 'battery'], { kind: 'explicit' });
    assert.ok(VehicleStatusSchema.safeParse(zoe).success);
    assert.ok(zoe.tires?.frontLeft?.pressureKpa !== undefined && zoe.tires.frontLeft.pressureKpa > 150 && zoe.tires.frontLeft.pressureKpa < 400, 'kPa, not mbar');
    assert.equal(calls('pressure'), 1);
    assert.equal(calls('lock-status'), 0, 'lock-status is known not to work: not called');
    assert.deepEqual(zoe.missing?.map((m) => [m.part, m.code]).sort(), [['doors', 'NOT_SUPPORTED'], ['lock', 'NOT_SUPPORTED'], ['windows', 'NOT_SUPPORTED']]);
    const r5 = await s.readStatus(R5, ['messages'], { kind: 'explicit' });
    assert.equal(r5.messages?.[0]?.kind, 'alert');
    assert.equal(r5.messages?.[0]?.code, 'tyrepressurelow');
    assert.equal(r5.messages?.[0]?.severity, 'medium');
    const cost = s.connection.status.cost(await s.vehicle(ZE50), ['battery', 'charging', 'mileage', 'position', 'climate', 'tires', 'lock', 'messages']);
    assert.equal(cost, 6, 'battery-status, cockpit, location, hvac-status, pressure, and alerts (undocumented for the ZE50: tried); never lock-status');
    // Undocumented for the model: tried once, then remembered as missing.
    const alerts = calls('alerts');
    const first = await s.readStatus(ZE50, ['messages', 'battery'], { kind: 'explicit' });
    assert.equal(first.missing?.[0]?.part, 'messages');
    assert.equal(calls('alerts'), alerts + 1);
    await s.readStatus(ZE50, ['messages', 'battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(calls('alerts'), alerts + 1, 'not asked again');
  });

  it('reads every named endpoint of the spec, and answers NOT_SUPPORTED without a call where the model lacks it', async () => {
    const s = session();
    await s.vehicles();
    const before = world.sim.renault.stats.kamereon;
    for (const name of ['charge-mode', 'ev/soc-levels', 'lock-status', 'res-state', 'charge-schedule']) {
      await assert.rejects(s.readEndpoint(ZE50, name), (e: unknown) => e instanceof CarError && e.code === 'NOT_SUPPORTED' && /not available for this ZOE \(X102VE\)/.test(e.message), name);
    }
    assert.equal(world.sim.renault.stats.kamereon, before, 'nothing was called');
    const settings = await s.readEndpoint(ZE50, 'charging-settings');
    assert.equal(settings.calledEndpoint, 'charging-settings');
    assert.ok(['always', 'scheduled'].includes((settings.mapped as { mode: string }).mode));
    assert.ok((settings.raw as { data: { attributes: unknown } }).data.attributes, 'the raw body is there for whoever asks');
    const hvac = await s.readEndpoint(ZE50, 'hvac-settings');
    assert.ok(Array.isArray((hvac.mapped as { departureTimers: unknown[] }).departureTimers));
    const ze40 = await s.readEndpoint(ZE40, 'charge-mode');
    assert.equal((ze40.mapped as { mode: string }).mode, 'scheduled', 'the ZE40 says schedule_mode');
    const car = (await s.readEndpoint(ZE50, 'car-adapter')).mapped as { modelCode: string; privacyMode: boolean };
    assert.deepEqual([car.modelCode, car.privacyMode], ['X102VE', false]);
    const details = (await s.readEndpoint(ZE50, 'details')).mapped as Vehicle;
    assert.equal(details.vin, ZE50);
    const contracts = (await s.readEndpoint(ZE50, 'contracts')).mapped as { type: string; active: boolean }[];
    assert.ok(contracts.some((c) => c.type === 'CONNECTED_SERVICES' && c.active));
    const soc = await s.readEndpoint(R5, 'soc-levels');
    assert.equal(soc.endpoint, 'ev/soc-levels');
    assert.equal((soc.mapped as { targetSocPercent: number }).targetSocPercent, 80);
    await assert.rejects(s.readEndpoint(ZE50, 'battery'), { code: 'BAD_INPUT', message: /allowed: battery-status, cockpit/ });
    await assert.rejects(s.readEndpoint(ZE50, 'cockpit', { start: '20260101' }), { code: 'BAD_INPUT', message: /cockpit takes no parameters/ });
  });

  it('reads the charge schedule of a KCM car from ev/settings, as the model takes it', async () => {
    const s = session();
    const r = await s.readEndpoint(R5, 'charge-schedule');
    assert.equal(r.endpoint, 'charge-schedule');
    assert.equal(r.calledEndpoint, 'ev/settings');
    assert.equal(calls('ev/settings'), 1);
    assert.equal(calls('charge-schedule'), 0);
    assert.ok(['always', 'scheduled'].includes((r.mapped as { mode: string }).mode));
  });

  it('puts what a settings read says (charge mode, target) into the cached status of the car', async () => {
    const s = session();
    await s.readStatus(R5, ['charging'], { kind: 'explicit' });
    await s.readEndpoint(R5, 'ev/soc-levels');
    const cached = s.cachedStatus(R5);
    assert.equal(cached?.charging?.targetSocPercent, 80);
    assert.ok(cached?.charging?.state, 'the part read from battery-status is kept whole');
  });

  it('a settings read patching a few fields of an old part leaves its age: the part is read again when it is too old', async () => {
    const s = session();
    await s.readStatus(R5, ['charging'], { kind: 'explicit' });
    const readAt = world.clock.now();
    await world.clock.advance(20 * 60_000);
    await s.readEndpoint(R5, 'ev/soc-levels');
    const cached = s.cachedStatus(R5);
    assert.equal(cached?.charging?.targetSocPercent, 80, 'the patch is in');
    assert.equal(cached?.fetchedAt, new Date(readAt).toISOString(), 'and the part is as old as its last whole read');
    const batteryReads = calls('battery-status');
    const again = await s.readStatus(R5, ['charging'], { kind: 'explicit', maxAgeMs: 10 * 60_000 });
    assert.equal(calls('battery-status'), batteryReads + 1, 'twenty minutes old is too old for ten');
    assert.equal(again.fetchedAt, new Date(world.clock.now()).toISOString());
  });

  it('reads history at most hourly per car: the same dates from the cache, other dates in the background refused', async () => {
    const s = session();
    const sim0 = world.sim.renault.car(ZE50);
    assert.ok(sim0.chargeCount >= 0);
    const first = await s.readEndpoint(ZE50, 'charges', { start: '2026-11-01', end: '20261120' }, { kind: 'background' });
    assert.equal(calls('charges'), 1);
    assert.ok(Array.isArray((first.mapped as { charges?: unknown[] }).charges ?? []));
    await world.clock.advance(10 * 60_000);
    const again = await s.readEndpoint(ZE50, 'charges', { start: '20261101', end: '2026-11-20' }, { kind: 'background' });
    assert.equal(calls('charges'), 1, 'served from the hourly cache');
    assert.equal(again.readAt, first.readAt);
    const err = await s.readEndpoint(ZE50, 'charges', { start: '20261001', end: '20261120' }, { kind: 'background' }).catch((e: unknown) => e);
    assert.ok(err instanceof CarError && err.code === 'RATE_LIMITED');
    assert.equal(err.retryAt, first.readAt + 3_600_000);
    await s.readEndpoint(ZE50, 'charges', { start: '20261001', end: '20261120' }, { kind: 'explicit' });
    assert.equal(calls('charges'), 2, 'an explicit request for other dates is read');
    await world.clock.advance(61 * 60_000);
    await s.readEndpoint(ZE50, 'charges', { start: '20261101', end: '20261120' }, { kind: 'background' });
    assert.equal(calls('charges'), 3, 'after the hour, read again');
    const history = await s.readEndpoint(ZE50, 'charge-history', { type: 'month', start: '202601', end: '202611' });
    assert.equal(history.calledEndpoint, 'charge-history');
    await assert.rejects(s.readEndpoint(ZE50, 'charge-history', { type: 'week' }), { code: 'BAD_INPUT', message: /type must be day or month/ });
    await assert.rejects(s.readEndpoint(ZE50, 'charges', { start: 'yesterday' }), { code: 'BAD_INPUT', message: /start must be a date/ });
  });

  it('tries the endpoints of an unknown model once and remembers what it lacks', async () => {
    const s = session();
    const zoe = await s.vehicle(ZE50);
    const unknown: Vehicle = { ...zoe, modelCode: 'ZZ9NEW', model: 'NEW CAR' };
    const read = (name: string) => s.connection.raw.readEndpoint(unknown, name, {}, { kind: 'explicit' });
    await assert.rejects(read('lock-status'), { code: 'NOT_SUPPORTED' });
    assert.equal(calls('lock-status'), 1, 'tried, since the model is unknown');
    await assert.rejects(read('lock-status'), { code: 'NOT_SUPPORTED' });
    assert.equal(calls('lock-status'), 1, 'remembered: not asked again');
    // Privacy mode may be switched off again: not remembered.
    world.sim.renault.car(ZE50).privacy = true;
    await assert.rejects(read('cockpit'), { code: 'NOT_SUPPORTED', message: /privacy mode is on/ });
    world.sim.renault.car(ZE50).privacy = false;
    const cockpit = await read('cockpit');
    assert.ok((cockpit.mapped as { mileageKm: number }).mileageKm > 1000);
  });

  it('asks again with back-off (1 h, 3 h, ...) for what a car answered notFound, and forgets it once the car answers', async () => {
    const s = session();
    await s.vehicles();
    world.sim.renault.setSupport('X102VE', 'hvac-status', 'notFound'); // asleep, or just changed
    const first = await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'background' });
    assert.equal(calls('hvac-status'), 1);
    const miss = first.missing?.find((m) => m.part === 'climate');
    assert.equal(miss?.code, 'NOT_SUPPORTED');
    assert.match(miss?.message ?? '', /no data from the car for this now.*asked again after 2026-11-20T09:00:00Z/);
    // Within the hour: not asked, and the status cache does not give up on the part either.
    await world.clock.advance(59 * 60_000);
    await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'background', maxAgeMs: 0 });
    assert.equal(calls('hvac-status'), 1, 'not asked within the back-off');
    await world.clock.advance(60_000);
    await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'background', maxAgeMs: 0 });
    assert.equal(calls('hvac-status'), 2, 'asked again after an hour');
    // Refused again: three hours this time.
    await world.clock.advance(2 * 3_600_000);
    await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'background', maxAgeMs: 0 });
    assert.equal(calls('hvac-status'), 2);
    await world.clock.advance(3_600_000);
    world.sim.renault.setSupport('X102VE', 'hvac-status', undefined); // the car answers again
    const back = await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'background', maxAgeMs: 0 });
    assert.equal(calls('hvac-status'), 3);
    assert.equal(back.climate?.state, reported(world.sim, ZE50).climate, 'the part is back');
    assert.equal(back.missing, undefined);
    // A read of that part alone is a list of what is missing, not an error of the whole read.
    world.sim.renault.setSupport('X102VE', 'hvac-status', 'notFound');
    await world.clock.advance(60_000);
    const alone = await s.readStatus(ZE50, ['climate'], { kind: 'background', maxAgeMs: 0 });
    assert.equal(alone.missing?.[0]?.part, 'climate');
    assert.equal(alone.climate?.state, back.climate?.state, 'the last value the car gave is kept');
    await world.clock.advance(30 * 60_000);
    const named = await rejection(s.readEndpoint(ZE50, 'hvac-status'));
    assert.equal(named.code, 'NOT_SUPPORTED');
    assert.equal(named.retryAt, Date.parse('2026-11-20T13:01:00Z'), 'a named read says when it is asked again');
    assert.match(named.message, /refused it before; asked again after 2026-11-20T13:01:00Z/);
    assert.equal(calls('hvac-status'), 4);
  });

  it('keeps answers that say "never" (forbidden by contract, not supported by the gateway) for as long as the account is open', async () => {
    const s = session();
    await s.vehicles();
    world.sim.renault.setSupport('X102VE', 'hvac-status', 'notSupported');
    await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'explicit' });
    assert.equal(calls('hvac-status'), 1);
    await world.clock.advance(48 * 3_600_000);
    world.sim.renault.setSupport('X102VE', 'hvac-status', undefined);
    const later = await s.readStatus(ZE50, ['climate', 'battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(calls('hvac-status'), 1, 'not asked again');
    assert.equal(later.climate, undefined, 'the status cache gave up on the part');
    await assert.rejects(s.readEndpoint(ZE50, 'hvac-status'), { code: 'NOT_SUPPORTED', message: /refused it before\)$/ });
    assert.equal(calls('hvac-status'), 1, 'nor for a named read');
  });

  it('keeps what the car says while it waits for current (remaining time, plugStatus 3) and the climate threshold', async () => {
    const s = session();
    const zoe = world.sim.renault.car(ZE50);
    zoe.plugged = true;
    zoe.socTarget = 100;
    zoe.soc = 40;
    zoe.noCurrent = true; // the wallbox holds the current back
    const waiting = await s.readStatus(ZE50, ['charging', 'climate'], { kind: 'explicit' });
    assert.equal(waiting.charging?.state, 'waiting_for_current');
    assert.equal(waiting.charging?.plug, 'plugged', 'plugStatus 3 while waiting for current');
    assert.ok((waiting.charging?.remainingMinutes ?? 0) > 60, 'the remaining time is kept');
    assert.equal(waiting.charging?.endsAt, undefined, 'no end time while no current flows');
    assert.equal(waiting.charging?.powerKw, undefined);
    assert.equal(waiting.climate?.socThresholdPercent, 40);
    zoe.noCurrent = false;
    await world.clock.advance(60_000);
    const flowing = await s.readStatus(ZE50, ['charging'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(flowing.charging?.state, 'charging');
    assert.ok(flowing.charging?.endsAt);
  });

  it("maps what the simulated car reported: state of charge, range, power in kW (a ZE40's GDC gateway says W), mileage, position", async () => {
    const s = session();
    // The simulator's profiles (src/sim/renault/data.ts): ZE40 41 kWh at 16 kWh/100 km, ZE50 52 kWh at 17.
    for (const [vin, kw, kwh, per100km] of [
      [ZE40, 7.4, 41, 16],
      [ZE50, 11, 52, 17],
    ] as const) {
      const car = world.sim.renault.car(vin);
      Object.assign(car, { plugged: true, socTarget: 100, soc: 42.4, chargeMode: 'always', noCurrent: false, chargePowerKw: kw });
      const got = await s.readStatus(vin, ['battery', 'charging', 'mileage', 'position'], { kind: 'explicit', maxAgeMs: 0 });
      const b = car.reportedBattery;
      assert.equal(got.charging?.state, 'charging', vin);
      assert.equal(got.battery?.socPercent, Math.round(b.soc), vin);
      assert.equal(got.battery?.rangeKm, Math.round((((b.soc / 100) * kwh) / per100km) * 100), vin);
      // The report jitters by up to ±0.15 kW around the charger's power; W on the ZE40, 0.1 kW on the ZE50.
      const reported = vin === ZE40 ? Math.round(b.powerKw * 1000) / 1000 : Math.round(b.powerKw * 10) / 10;
      assert.equal(got.charging?.powerKw, reported, vin);
      assert.ok(Math.abs((got.charging?.powerKw ?? 0) - kw) <= 0.15, `${vin}: ${String(got.charging?.powerKw)} kW`);
      assert.equal(got.mileageKm, Math.round(car.reportedPosition.odometerKm * 100) / 100, vin);
      if (vin === ZE50) assert.deepEqual([got.position?.latitude, got.position?.longitude], [car.reportedPosition.lat, car.reportedPosition.lon]);
      else assert.equal(got.position, undefined, 'a ZE40 has no GPS');
    }
  });

  it('maps lock and doors from lock-status when a car answers it', async () => {
    const answering = await renaultWorld({ renault: { quota: false, capabilityOverrides: { X102VE: { 'lock-status': 'ok' } } } });
    try {
      const s = answering.session({ locale: 'en_GB' });
      const zoe = await s.vehicle(ZE50);
      answering.sim.renault.car(ZE50).locked = true;
      // Every known model lacks lock-status; a model the grid does not know is tried.
      const unknown: Vehicle = { ...zoe, modelCode: 'ZZ9NEW' };
      const r = await s.connection.raw.readEndpoint(unknown, 'lock-status', {}, { kind: 'explicit' });
      const mapped = r.mapped as { lock: { state: string }; doors: { frontRight: string; anyOpen: boolean } };
      assert.equal(mapped.lock.state, 'locked');
      assert.equal(mapped.doors.frontRight, 'closed');
      assert.equal(mapped.doors.anyOpen, false);
      assert.deepEqual(r.status, r.mapped, 'a whole status part');
    } finally {
      await answering.close();
    }
  });
});
