// @ts-nocheck
import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, ChargeSessionSchema, silentLogger, type ChargeSession, type Vehicle } from '../../src/core';
import { RenaultConnection } from '../../src/brands/renault';
import type { ChargeCount } from '../../src/brands/renault/history';
import { documentedUnit, inferUnit, mapChargeHistory, mapCharges } from '../../src/brands/renault/history-map';
import { ChargeHistorySchema, ChargesSchema } from '../../src/brands/renault/schemas';
import type { AccountSession } from '../../src/features/session';
import { AUSTRAL, R5, ZE40, ZE50, renaultWorldEach } from '../renault-session';
import { listRenault, readRenaultJson } from '../renault/fixtures';
import { settle } from './sim-history';
import { TripRecorder } from '../../src/features/trip-recorder';
import { nodeFile } from '../../src/features/trip-store';

const DIR = 'kamereon/vehicle_data';

describe('Renault charges and charge-history, over the recorded responses', () => {
  it('maps every charges*.json fixture to valid sessions whose durations agree with their dates', async () => {
    const files = await listRenault(DIR, /^charges.*\.json$/);
    assert.ok(files.length >= 2, `charges fixtures found: ${files.join(', ')}`);
    for (const f of files) {
      const parsed = ChargesSchema.safeParse(await readRenaultJson(DIR, f));
      assert.ok(parsed.success, f);
      const unit = inferUnit(parsed.data);
      assert.ok(unit, `${f}: the unit is judged from the dates`);
      const sessions = mapCharges(parsed.data, 'VIN', unit);
      const raw = parsed.data.data.attributes?.charges ?? [];
      assert.equal(sessions.length, raw.length, f);
      for (const [i, s] of sessions.entries()) {
        assert.ok(ChargeSessionSchema.safeParse(s).success, `${f} #${i}`);
        assert.equal(s.source, 'native');
        const fromDates = (Date.parse(s.endAt ?? '') - Date.parse(s.startAt)) / 60_000;
        const reported = (raw[i]?.chargeDuration ?? NaN) / (unit === 'seconds' ? 60 : 1);
        assert.ok(Math.abs(fromDates - reported) <= 1, `${f} #${i}: ${fromDates} min by the dates, ${reported} by chargeDuration`);
      }
    }
  });

  it('reads the ZE40 session of charges.json (minutes, levels, no energy)', async () => {
    const parsed = ChargesSchema.parse(await readRenaultJson(DIR, 'charges.json'));
    assert.equal(inferUnit(parsed), 'minutes');
    assert.deepEqual(mapCharges(parsed, 'VF1', 'minutes'), [
      {
        vin: 'VF1',
        source: 'native',
        startAt: '2026-01-09T22:14:50.000Z',
        endAt: '2026-01-10T05:02:26.000Z',
        durationMin: 407.6,
        socFromPercent: 22,
        socToPercent: 81,
        status: 'ok',
      },
    ]);
  });

  it('reads the energy and the average power of charges-megane.json', async () => {
    const parsed = ChargesSchema.parse(await readRenaultJson(DIR, 'charges-megane.json'));
    const [a, b] = mapCharges(parsed, 'VF1', inferUnit(parsed) ?? 'seconds');
    assert.equal(a?.energyKwh, 5.3);
    assert.equal(a?.durationMin, 97.8);
    assert.equal(a?.averagePowerKw, 3.3);
    assert.equal(b?.energyKwh, 11.7);
    assert.equal(b?.socToPercent, 71);
  });

  it('takes seconds for a ZE50-style answer and counts from charge-history.day.json', async () => {
    const body = { data: { attributes: { charges: [{ chargeStartDate: '2024-01-01T20:00:00Z', chargeEndDate: '2024-01-01T22:00:00Z', chargeDuration: 7200 }, { chargeStartDate: '2024-01-02T20:00:00Z', chargeDuration: 5400, chargeEndStatus: 'error' }, 'garbage'] } } };
    const parsed = ChargesSchema.parse(body);
    assert.equal(inferUnit(parsed), 'seconds');
    const [, second] = mapCharges(parsed, 'V', 'seconds');
    assert.equal(second?.durationMin, 90, 'no end date: the duration in seconds gives it');
    assert.equal(second?.endAt, '2024-01-02T21:30:00.000Z');
    assert.equal(second?.status, 'error');
    assert.equal(documentedUnit('X101VE'), 'minutes');
    assert.equal(documentedUnit('X102VE'), 'seconds');

    const history = ChargeHistorySchema.parse(await readRenaultJson(DIR, 'charge-history.day.json'));
    assert.deepEqual(mapChargeHistory(history, 'day', 'minutes'), [
      { period: '2026-01-09', count: 1, durationMin: 408, errors: 0 },
      { period: '2026-01-12', count: 2, durationMin: 380, errors: 0 },
    ]);
    const months = ChargeHistorySchema.parse(await readRenaultJson(DIR, 'charge-history.month.json'));
    assert.deepEqual(mapChargeHistory(months, 'month', 'minutes'), [{ period: '2026-01', count: 9, durationMin: 2950, errors: 1 }]);
    assert.deepEqual(mapChargeHistory(ChargeHistorySchema.parse({ data: { attributes: {} } }), 'day', 'minutes'), [], 'no chargeSummaries: no charges');
  });
});

describe('Renault charging sessions against the simulator', function () {
  this.timeout(30_000);
  const NOW = '2026-11-20T08:00:00Z';
  const world = renaultWorldEach({ start: NOW });
  let session: AccountSession;

  beforeEach(() => {
    // The quota out of the way: these tests count calls themselves.
    session = world.session({ key: 'trips', budget: { limit: 10_000, reserve: 1 } });
  });

  /** Charge counts through the Renault connection's history facet. */
  function chargeCounts(vehicle: Vehicle, from: string, to: string): Promise<ChargeCount[]> {
    const connection = session.connection;
    assert.ok(connection instanceof RenaultConnection);
    return settle(connection.history.chargeCounts(vehicle, 'day', from, to, { kind: 'explicit' }), world.clock);
  }

  async function chargeSessions(vin: string, from: string, to: string): Promise<ChargeSession[]> {
    const vehicle = await settle(session.vehicle(vin), world.clock);
    return settle(session.facet('history', 'list charging sessions').chargeSessions(vehicle, from, to, { kind: 'explicit' }), world.clock);
  }
  const calls = (): number => world.sim.renault.stats.byEndpoint.charges ?? 0;

  it('car-trips at start: a native charges request waits for the vehicle list and says the account\'s own error, never NOT_SUPPORTED', async () => {
    // Renault's sign-in is down when the node starts: the list of vehicles cannot be loaded yet.
    world.sim.renault.injectGigyaFault({ method: 'accounts.login', kind: 'server-error' });
    const recorder = new TripRecorder({
      file: nodeFile(world.dir, 'history', 'trips-start'),
      session,
      vin: R5,
      timeZone: 'UTC',
      say: (key) => `car-trips.errors.${key}`,
      log: silentLogger,
    });
    try {
      await recorder.ready;
      const first = await recorder.answer({ action: 'charges', source: 'native' }).then(
        () => assert.fail('no vehicle list yet'),
        (e: unknown) => e,
      );
      assert.ok(first instanceof CarError, String(first));
      assert.notEqual(first.code, 'NOT_SUPPORTED', first.message);
      assert.equal(first.code, 'UPSTREAM', 'the sign-in outage, as it is');
      // Once the sign-in's back-off is over, the same request loads the list and answers.
      await world.clock.advance(30_000);
      const answer = await settle(recorder.answer({ action: 'charges', source: 'native', from: '2026-10-15T00:00:00Z' }), world.clock);
      const list = answer.payload as ChargeSession[];
      assert.ok(list.length > 0 && list.every((s) => s.source === 'native'));
    } finally {
      await recorder.close(true);
    }
  });

  it('lists the Renault 5 history as native sessions, once per hour', async () => {
    const list = await chargeSessions(R5, '2026-10-15T00:00:00Z', NOW);
    assert.ok(list.length > 3, `sessions: ${list.length}`);
    assert.equal(list.length, world.sim.renault.car(R5).chargeCount, 'every session the car recorded in the window');
    for (const s of list) {
      assert.ok(ChargeSessionSchema.safeParse(s).success);
      assert.equal(s.source, 'native');
      assert.ok(s.energyKwh !== undefined && s.energyKwh > 0);
      assert.ok((s.socToPercent ?? 0) > (s.socFromPercent ?? 100));
      assert.ok(s.averagePowerKw !== undefined && s.averagePowerKw > 4 && s.averagePowerKw < 8, `power ${s.averagePowerKw}`);
      // The three figures hold together: the energy is the average power over the session's length (kWh, kW, h).
      const hours = (Date.parse(s.endAt ?? '') - Date.parse(s.startAt)) / 3_600_000;
      assert.ok(Math.abs(s.energyKwh - s.averagePowerKw * hours) <= 0.1 * s.energyKwh, `${s.energyKwh} kWh, ${s.averagePowerKw} kW over ${hours} h`);
    }
    assert.equal(calls(), 1);
    const narrower = await chargeSessions(R5, '2026-11-01T00:00:00Z', NOW);
    assert.equal(calls(), 1, 'a window inside the cached one within the hour: no call');
    assert.ok(narrower.every((s) => Date.parse(s.startAt) >= Date.parse('2026-11-01T00:00:00Z')));
    await chargeSessions(R5, '2026-09-01T00:00:00Z', NOW);
    assert.equal(calls(), 2, 'a wider window: one call');
    await chargeSessions(R5, '2026-10-15T00:00:00Z', NOW);
    assert.equal(calls(), 2, 'the widened cache answers the first window too');
    await world.clock.advance(3_600_000);
    await chargeSessions(R5, '2026-10-15T00:00:00Z', NOW);
    assert.equal(calls(), 3, 'an hour later: a fresh call');
  });

  it('learns seconds from the ZE50 and minutes from the ZE40, and their charge-history agrees', async () => {
    for (const vin of [ZE50, ZE40]) {
      const list = await chargeSessions(vin, '2026-10-15T00:00:00Z', NOW);
      assert.ok(list.length > 0, vin);
      const vehicle = await session.vehicle(vin);
      const counts = await chargeCounts(vehicle, '2026-10-15T00:00:00Z', NOW);
      assert.equal(counts.reduce((n, c) => n + c.count, 0), list.length, vin);
      for (const c of counts) {
        const sameDay = list.filter((s) => s.startAt.slice(0, 10) === c.period);
        const minutes = sameDay.reduce((m, s) => m + (s.durationMin ?? 0), 0);
        assert.ok(Math.abs((c.durationMin ?? NaN) - minutes) <= sameDay.length, `${vin} ${c.period}: ${c.durationMin} vs ${minutes}`);
      }
    }
  });

  it('answers NOT_SUPPORTED without a call where the car keeps no sessions, BAD_INPUT for a bad window', async () => {
    await assert.rejects(chargeSessions(AUSTRAL, '2026-10-15T00:00:00Z', NOW), (e: unknown) => e instanceof CarError && e.code === 'NOT_SUPPORTED');
    assert.equal(calls(), 0);
    const r5 = await session.vehicle(R5);
    await assert.rejects(chargeCounts(r5, '2026-10-15T00:00:00Z', NOW), (e: unknown) => e instanceof CarError && e.code === 'NOT_SUPPORTED');
    assert.equal(world.sim.renault.stats.byEndpoint['charge-history'] ?? 0, 0, 'the R5 keeps no charge history: not asked');
    await assert.rejects(chargeSessions(R5, 'last week', NOW), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /from must be an ISO-8601 time/.test(e.message));
    await assert.rejects(chargeSessions(R5, NOW, '2026-01-01T00:00:00Z'), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT');
    assert.equal(calls(), 0);
    assert.equal(session.connection.capabilities(r5).nativeChargeSessions, true);
    assert.equal(session.connection.capabilities(await session.vehicle(AUSTRAL)).nativeChargeSessions, false);
  });
});
