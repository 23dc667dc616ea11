// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CAR_EVENT_NAMES, CarEventSchema, type CarEvent } from '../../src/core/events';
import type { VehicleStatus } from '../../src/core';
import { emptyEventState, eventOptionsFrom, nextTickAt, observe, tick, type EventState } from '../../src/features/car-events';

const VIN = 'VF1AG000X64000001';
const T0 = Date.parse('2026-11-02T08:00:00Z');
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const status = (minute: number, parts: Partial<VehicleStatus> = {}): VehicleStatus => ({
  vin: VIN,
  provider: 'renault',
  fetchedAt: iso(T0 + minute * MIN),
  updatedAt: iso(T0 + minute * MIN),
  ...parts,
});
/** Feeds statuses in order; returns every event told, each checked against the schema. */
function run(statuses: VehicleStatus[], def: Record<string, unknown> = {}, start: EventState = emptyEventState()): { events: CarEvent[]; state: EventState } {
  const o = eventOptionsFrom(def);
  let state = start;
  const events: CarEvent[] = [];
  for (const s of statuses) {
    const step = observe(state, s, o, Date.parse(s.fetchedAt));
    state = step.state;
    events.push(...step.events.map((e) => CarEventSchema.parse(e)));
  }
  return { events, state };
}
const names = (es: CarEvent[]): string[] => es.map((e) => e.name);
const charging = (state: NonNullable<VehicleStatus['charging']>['state'], plug: 'plugged' | 'unplugged' = 'plugged', target?: number) => ({
  state,
  plug,
  ...(target !== undefined ? { targetSocPercent: target } : {}),
});
const AT_HOME = { latitude: 48.8566, longitude: 2.3522 };
const north = (m: number) => ({ latitude: AT_HOME.latitude + m / 111_195, longitude: AT_HOME.longitude });

describe('car events', () => {
  it('tells nothing at start for states that already are, unless asked', () => {
    const first = status(0, { charging: charging('charging'), lock: { state: 'unlocked' }, battery: { socPercent: 12 } });
    assert.deepEqual(run([first]).events, []);
    const told = run([first], { emitInitial: true }).events;
    assert.deepEqual(names(told), ['plugged', 'unlocked', 'charging_started', 'battery_low']);
    assert.ok(told.every((e) => e.initial === true));
  });

  it('tells a plug, a lock and a charge once each, however often the same status is read', () => {
    const parked = status(0, { charging: charging('not_charging', 'unplugged'), lock: { state: 'locked' }, battery: { socPercent: 50 } });
    const plugged = status(5, { charging: charging('charging'), lock: { state: 'locked' }, battery: { socPercent: 51 } });
    const { events } = run([parked, plugged, plugged, { ...plugged, fetchedAt: iso(T0 + 6 * MIN) }, status(7, { lock: { state: 'unlocked' } }), status(8, { lock: { state: 'secured' } })]);
    assert.deepEqual(names(events), ['plugged', 'charging_started', 'unlocked', 'locked']);
  });

  it('ends a charge as finished at the target, with duration, state of charge and energy', () => {
    const e = run([
      status(0, { charging: charging('not_charging', 'plugged', 80), battery: { socPercent: 40, availableEnergyKwh: 20 } }),
      status(10, { charging: charging('charging', 'plugged', 80), battery: { socPercent: 41, availableEnergyKwh: 20.5 } }),
      status(100, { charging: charging('charging', 'plugged', 80), battery: { socPercent: 80, availableEnergyKwh: 40 } }),
      status(110, { charging: charging('fully_charged', 'plugged', 80), battery: { socPercent: 80, availableEnergyKwh: 40 } }),
    ]).events;
    assert.deepEqual(names(e), ['charging_started', 'target_reached', 'charging_finished']);
    const done = e[2];
    assert.ok(done?.name === 'charging_finished');
    assert.deepEqual([done.startedAt, done.durationMin, done.socFromPercent, done.socToPercent, done.energyKwh], [iso(T0 + 10 * MIN), 100, 41, 80, 19.5]);
  });

  it('calls a charge that stops below the target interrupted, with the state the car gave', () => {
    const e = run([
      status(0, { charging: charging('charging', 'plugged', 90), battery: { socPercent: 30 } }),
      status(20, { charging: charging('charging', 'plugged', 90), battery: { socPercent: 35 } }),
      status(30, { charging: charging('error', 'plugged', 90), battery: { socPercent: 36 } }),
    ]).events;
    assert.deepEqual(names(e), ['charging_interrupted']);
    assert.ok(e[0]?.name === 'charging_interrupted');
    assert.deepEqual([e[0].chargingState, e[0].socToPercent, e[0].durationMin], ['error', 36, 30]);
  });

  it('does not take an unknown charging state for the end of a charge', () => {
    const e = run([
      status(0, { charging: charging('not_charging') }),
      status(5, { charging: charging('charging') }),
      status(10, { charging: charging('unknown') }),
      status(15, { charging: charging('charging') }),
    ]).events;
    assert.deepEqual(names(e), ['charging_started']);
  });

  it('tells "battery low" once when it crosses the threshold, again only after rising 2 points above it', () => {
    const socs = [25, 19, 18, 20, 21, 19, 23, 15];
    const e = run(socs.map((soc, i) => status(i * 10, { battery: { socPercent: soc } })), { batteryLowPercent: 20 }).events;
    assert.deepEqual(e.map((x) => (x.name === 'battery_low' ? x.socPercent : -1)), [19, 15]);
  });

  it('tells "left open" once after the set minutes while parked, from the clock alone', () => {
    const o = eventOptionsFrom({ leftOpenMinutes: 15 });
    let st = observe(emptyEventState(), status(0, { mileageKm: 1000, doors: { frontLeft: 'closed', anyOpen: false } }), o, T0).state;
    st = observe(st, status(2, { mileageKm: 1000, doors: { frontLeft: 'open', anyOpen: true }, windows: { sunroof: 'ajar' } }), o, T0 + 2 * MIN).state;
    assert.equal(nextTickAt(st, o), T0 + 17 * MIN);
    assert.deepEqual(tick(st, o, VIN, T0 + 16 * MIN).events, []);
    const step = tick(st, o, VIN, T0 + 17 * MIN);
    assert.equal(step.events.length, 1);
    const ev = CarEventSchema.parse(step.events[0]);
    assert.ok(ev.name === 'left_open');
    assert.deepEqual([ev.openings, ev.openSince, ev.minutes], [['doors.frontLeft', 'windows.sunroof'], iso(T0 + 2 * MIN), 15]);
    assert.deepEqual(tick(step.state, o, VIN, T0 + 60 * MIN).events, [], 'told once');
    // Closing re-arms it; opening again counts from the new opening.
    st = observe(step.state, status(70, { doors: { frontLeft: 'closed' }, windows: { sunroof: 'closed' } }), o, T0 + 70 * MIN).state;
    assert.equal(st.openSince, undefined);
    assert.equal(nextTickAt(st, o), T0 + 70 * MIN + 24 * 3_600_000, 'only the stale-data check still waits');
  });

  it('tells a move while parked after two fixes away (a tow), not for one GPS outlier, not for a drive', () => {
    const outlier = run(
      [
        status(0, { mileageKm: 5000, position: AT_HOME }),
        status(60, { mileageKm: 5000, position: north(600) }),
        status(120, { mileageKm: 5000, position: north(20) }),
      ],
      { movedMetres: 300 },
    ).events;
    assert.deepEqual(outlier, [], 'a single outlier is not a move');
    const drive = run([status(0, { mileageKm: 5000, position: AT_HOME }), status(30, { mileageKm: 5012, position: north(8000) }), status(40, { mileageKm: 5012, position: north(8010) })], {
      movedMetres: 300,
    }).events;
    assert.deepEqual(drive, [], 'driven kilometres make it a drive');
    const positionOnly = run([status(0, { mileageKm: 5000, position: AT_HOME }), status(30, { position: north(8000) }), status(40, { position: north(8000) })]).events;
    assert.deepEqual(positionOnly, [], 'without the mileage of the same reading nothing is judged');
    const tow = run([status(0, { mileageKm: 5000, position: AT_HOME }), status(30, { mileageKm: 5000, position: north(2000) }), status(35, { mileageKm: 5000.1, position: north(2500) })], {
      movedMetres: 300,
    }).events;
    assert.deepEqual(names(tow), ['moved_while_parked']);
    assert.ok(tow[0]?.name === 'moved_while_parked');
    assert.equal(tow[0].distanceM, 2500);
  });

  it('tells stale data once after the set hours without a newer report, again after fresh data went stale', () => {
    const o = eventOptionsFrom({ staleHours: 12 });
    let st = observe(emptyEventState(), status(0, { battery: { socPercent: 60 } }), o, T0).state;
    assert.equal(nextTickAt(st, o), T0 + 12 * 3_600_000);
    const stale = tick(st, o, VIN, T0 + 12 * 3_600_000);
    assert.deepEqual(names(stale.events), ['data_stale']);
    assert.deepEqual(tick(stale.state, o, VIN, T0 + 20 * 3_600_000).events, []);
    // The same old report read again is no news.
    st = observe(stale.state, { ...status(0, { battery: { socPercent: 60 } }), fetchedAt: iso(T0 + 21 * 3_600_000) }, o, T0 + 21 * 3_600_000).state;
    assert.equal(nextTickAt(st, o), undefined);
    st = observe(st, status(22 * 60, { battery: { socPercent: 60 } }), o, T0 + 22 * 3_600_000).state;
    assert.deepEqual(names(tick(st, o, VIN, T0 + 34 * 3_600_000).events), ['data_stale']);
  });

  it('keeps quiet at start about data that is already stale, unless asked, and does not re-tell an old report', () => {
    const o = eventOptionsFrom({ staleHours: 12 });
    const old = status(0, { battery: { socPercent: 60 } });
    const later = T0 + 30 * 3_600_000;
    let step = observe(emptyEventState(), old, o, later);
    assert.deepEqual(step.events, []);
    step = observe(step.state, status(60, { battery: { socPercent: 60 } }), o, later);
    assert.deepEqual(step.events, [], 'a newer report that is itself 29 hours old is no news');
    assert.deepEqual(names(observe(emptyEventState(), old, eventOptionsFrom({ staleHours: 12, emitInitial: true }), later).events), ['data_stale']);
  });

  it('tells only the events that are ticked', () => {
    const e = run([status(0, { charging: charging('not_charging', 'unplugged'), lock: { state: 'locked' } }), status(5, { charging: charging('charging'), lock: { state: 'unlocked' } })], {
      events: ['unlocked'],
    }).events;
    assert.deepEqual(names(e), ['unlocked']);
  });

  it('refuses settings out of range, naming the field', () => {
    assert.throws(() => eventOptionsFrom({ leftOpenMinutes: 0 }), /leftOpenMinutes/);
    assert.throws(() => eventOptionsFrom({ batteryLowPercent: 120 }), /batteryLowPercent/);
    assert.throws(() => eventOptionsFrom({ events: [] }), /events/);
    assert.throws(() => eventOptionsFrom({ events: ['Plugged'] }), /events/);
    assert.equal(eventOptionsFrom({}).enabled.size, CAR_EVENT_NAMES.length);
  });
});
