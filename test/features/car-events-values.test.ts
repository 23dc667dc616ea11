import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarEventSchema, type CarEvent } from '../../src/core/events';
import { CarError, type VehicleStatus } from '../../src/core';
import { emptyEventState, eventOptionsFrom, nextTickAt, observe, statusInputFrom, tick, type EventOptions, type EventState } from '../../src/features/car-events';
import { distanceM } from '../../src/features/presence';

const VIN = 'VF1AG000X64000002';
const T0 = Date.parse('2026-11-03T08:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const at = (minute: number): string => iso(T0 + minute * MIN);
const status = (minute: number, parts: Partial<VehicleStatus> = {}): VehicleStatus => ({ vin: VIN, provider: 'renault', fetchedAt: at(minute), updatedAt: at(minute), ...parts });
type ChargingState = NonNullable<VehicleStatus['charging']>['state'];
type LockState = NonNullable<VehicleStatus['lock']>['state'];
const charging = (state: ChargingState, target?: number): NonNullable<VehicleStatus['charging']> => ({
  state,
  plug: 'plugged',
  ...(target !== undefined ? { targetSocPercent: target } : {}),
});

/** Feeds statuses in order, each at its own fetch time; returns the events of each step (each valid) and the last state. */
function steps(statuses: VehicleStatus[], o: EventOptions | Record<string, unknown> = {}, start: EventState = emptyEventState()): { told: CarEvent[][]; state: EventState } {
  const options = 'enabled' in o ? (o as EventOptions) : eventOptionsFrom(o);
  let state = start;
  const told: CarEvent[][] = [];
  for (const s of statuses) {
    const step = observe(state, s, options, Date.parse(s.fetchedAt));
    for (const e of step.events) CarEventSchema.parse(e);
    state = step.state;
    told.push(step.events);
  }
  return { told, state };
}
const names = (es: CarEvent[]): string[] => es.map((e) => e.name);
const allNames = (told: CarEvent[][]): string[][] => told.map(names);

describe('car events: values', () => {
  describe('lock and plug', () => {
    const cases: [LockState, LockState, string[]][] = [
      ['unlocked', 'locked', ['locked']],
      ['unlocked', 'secured', ['locked']],
      ['locked', 'unlocked', ['unlocked']],
      ['locked', 'partially_locked', ['unlocked']],
      ['secured', 'locked', []],
      ['unlocked', 'partially_locked', []],
      ['locked', 'unknown', []],
    ];
    for (const [from, to, want] of cases) {
      it(`reads a lock going from ${from} to ${to} as ${want.join(', ') || 'no change'}`, () => {
        const { told } = steps([status(0, { lock: { state: from } }), status(5, { lock: { state: to } })]);
        assert.deepEqual(allNames(told), [[], want]);
      });
    }

    it('keeps the last lock and plug through statuses that do not tell them, so the same state is not told again', () => {
      const known = { lock: { state: 'locked' as const }, charging: { state: 'not_charging' as const, plug: 'plugged' as const } };
      const { told, state } = steps([status(0, known), status(5, { battery: { socPercent: 60 } }), status(6, { lock: { state: 'unknown' }, charging: { state: 'unknown', plug: 'unknown' } }), status(10, known)]);
      assert.deepEqual(allNames(told), [[], [], [], []]);
      assert.deepEqual([state.lock, state.plug], ['locked', 'plugged']);
    });
  });

  describe('charging', () => {
    it('tells the target reached at the reading that reaches it while charging, the finish at the next', () => {
      const { told } = steps([
        status(0, { charging: charging('not_charging', 80), battery: { socPercent: 70 } }),
        status(10, { charging: charging('charging', 80), battery: { socPercent: 75 } }),
        status(40, { charging: charging('charging', 80), battery: { socPercent: 80 } }),
        status(45, { charging: charging('fully_charged', 80), battery: { socPercent: 80 } }),
      ]);
      assert.deepEqual(allNames(told), [[], ['charging_started'], ['target_reached'], ['charging_finished']]);
      assert.deepEqual(told[2], [{ name: 'target_reached', vin: VIN, at: at(40), socPercent: 80, targetSocPercent: 80 }]);
    });

    for (const end of ['fully_charged', 'ended'] as const) {
      it(`tells the target reached, then the finish, when the charge ends as ${end} at the target`, () => {
        const { told } = steps([status(0, { charging: charging('not_charging', 80), battery: { socPercent: 70 } }), status(10, { charging: charging('charging', 80), battery: { socPercent: 75 } }), status(60, { charging: charging(end, 80), battery: { socPercent: 80 } })]);
        assert.deepEqual(allNames(told), [[], ['charging_started'], ['target_reached', 'charging_finished']]);
      });
    }

    it('does not tell the target reached for a state of charge at the target in a reading that does not say charging', () => {
      const { told, state } = steps([status(0, { charging: charging('not_charging', 80), battery: { socPercent: 70 } }), status(10, { charging: charging('charging', 80), battery: { socPercent: 75 } }), status(60, { charging: charging('unknown', 80), battery: { socPercent: 80 } })]);
      assert.deepEqual(allNames(told), [[], ['charging_started'], []]);
      assert.equal(state.charge?.targetTold, false);
    });

    it('keeps quiet at start about a charge already at its target, unless asked', () => {
      const first = status(0, { charging: charging('charging', 80), battery: { socPercent: 80 } });
      assert.deepEqual(steps([first]).told, [[]]);
      assert.deepEqual(steps([first], { emitInitial: true }).told, [
        [
          { name: 'plugged', vin: VIN, at: at(0), initial: true },
          { name: 'charging_started', vin: VIN, at: at(0), socPercent: 80, initial: true },
          { name: 'target_reached', vin: VIN, at: at(0), socPercent: 80, targetSocPercent: 80, initial: true },
        ],
      ]);
    });

    const ends: [ChargingState, string][] = [
      ['fully_charged', 'charging_finished'],
      ['ended', 'charging_finished'],
      ['not_charging', 'charging_interrupted'],
      ['error', 'charging_interrupted'],
      ['flap_open', 'charging_interrupted'],
    ];
    for (const [end, want] of ends) {
      it(`calls a charge without a target that ends as ${end} ${want === 'charging_finished' ? 'finished' : 'interrupted'}`, () => {
        const { told } = steps([status(0, { charging: charging('not_charging') }), status(10, { charging: charging('charging') }), status(70, { charging: charging(end) })]);
        assert.deepEqual(told[2], [
          { name: want, vin: VIN, at: at(70), startedAt: at(10), durationMin: 60, ...(want === 'charging_interrupted' ? { chargingState: end } : {}) } as CarEvent,
        ]);
      });
    }

    it('does not take "unavailable" for the end of a charge', () => {
      const { told, state } = steps([status(0, { charging: charging('charging') }), status(5, { charging: charging('charging') }), status(10, { charging: charging('unavailable') }), status(15, { charging: charging('charging') })]);
      assert.deepEqual(allNames(told), [[], [], [], []]);
      assert.equal(state.charge?.startedAt, at(0));
    });

    it('tells the state of charge at the start of a charge, and leaves it out where the car does not give it', () => {
      const withSoc = steps([status(0, { charging: charging('not_charging') }), status(10, { charging: charging('charging'), battery: { socPercent: 41 } })]).told;
      assert.deepEqual(withSoc[1], [{ name: 'charging_started', vin: VIN, at: at(10), socPercent: 41 }]);
      const without = steps([status(0, { charging: charging('not_charging') }), status(10, { charging: charging('charging') })]).told;
      assert.deepEqual(without[1], [{ name: 'charging_started', vin: VIN, at: at(10) }]);
    });

    it('leaves out the figures of a finished charge that the car did not give at its start or end', () => {
      const noStartSoc = steps([status(0, { charging: charging('not_charging') }), status(10, { charging: charging('charging') }), status(40, { charging: charging('fully_charged'), battery: { socPercent: 90 } })]).told;
      assert.deepEqual(noStartSoc[2], [{ name: 'charging_finished', vin: VIN, at: at(40), startedAt: at(10), durationMin: 30, socToPercent: 90 }]);
      const noEndSoc = steps([status(0, { charging: charging('not_charging') }), status(10, { charging: charging('charging'), battery: { socPercent: 50 } }), status(40, { charging: charging('fully_charged') })]).told;
      assert.deepEqual(noEndSoc[2], [{ name: 'charging_finished', vin: VIN, at: at(40), startedAt: at(10), durationMin: 30, socFromPercent: 50 }]);
    });

    it('counts 0 kWh for a charge that added no energy, and gives no energy when the battery holds less than at the start', () => {
      const energyOf = (from: number, to: number): CarEvent | undefined =>
        steps([
          status(0, { charging: charging('not_charging') }),
          status(10, { charging: charging('charging'), battery: { socPercent: 50, availableEnergyKwh: from } }),
          status(40, { charging: charging('error'), battery: { socPercent: 50, availableEnergyKwh: to } }),
        ]).told[2]?.[0];
      const figures = { name: 'charging_interrupted', vin: VIN, at: at(40), startedAt: at(10), durationMin: 30, socFromPercent: 50, socToPercent: 50, chargingState: 'error' };
      assert.deepEqual(energyOf(25, 25), { ...figures, energyKwh: 0 });
      assert.deepEqual(energyOf(25, 23), figures);
      assert.deepEqual(energyOf(25, 27.5), { ...figures, energyKwh: 2.5 });
    });
  });

  describe('battery low', () => {
    it('does not call a state of charge at the threshold low', () => {
      assert.deepEqual(allNames(steps([status(0, { battery: { socPercent: 25 } }), status(10, { battery: { socPercent: 20 } })], { batteryLowPercent: 20 }).told), [[], []]);
    });

    it('arms again at exactly 2 points above the threshold', () => {
      const socs = [25, 19, 22, 19];
      const { told } = steps(
        socs.map((soc, i) => status(i * 10, { battery: { socPercent: soc } })),
        { batteryLowPercent: 20 },
      );
      assert.deepEqual(told, [[], [{ name: 'battery_low', vin: VIN, at: at(10), socPercent: 19, thresholdPercent: 20 }], [], [{ name: 'battery_low', vin: VIN, at: at(30), socPercent: 19, thresholdPercent: 20 }]]);
    });
  });

  describe('left open', () => {
    const o = eventOptionsFrom({ leftOpenMinutes: 10 });
    const open = { frontLeft: 'open' as const };
    /** The state after the statuses, and what the clock tells at `minute`. */
    const after = (statuses: VehicleStatus[], minute: number, options: EventOptions = o): { state: EventState; told: CarEvent[] } => {
      const { state } = steps(statuses, options);
      return { state, told: tick(state, options, VIN, T0 + minute * MIN).events };
    };

    it('counts from the first reading of an opening, not from each reading that still has it open', () => {
      const { told } = after([status(0, { mileageKm: 1000 }), status(2, { mileageKm: 1000, doors: open }), status(8, { mileageKm: 1000, doors: open })], 12);
      assert.deepEqual(told, [{ name: 'left_open', vin: VIN, at: at(12), openings: ['doors.frontLeft'], openSince: at(2), minutes: 10 }]);
    });

    const drives: [string, VehicleStatus[]][] = [
      ['10 km', [status(0, { mileageKm: 1000, doors: open }), status(8, { mileageKm: 1010, doors: open })]],
      ['exactly 0.5 km', [status(0, { mileageKm: 1000, doors: open }), status(8, { mileageKm: 1000.5, doors: open })]],
      ['10 km, with a reading without mileage between', [status(0, { mileageKm: 1000, doors: open }), status(4, { doors: open }), status(8, { mileageKm: 1010, doors: open })]],
    ];
    for (const [what, statuses] of drives) {
      it(`counts again from a reading ${what} further, the car having driven`, () => {
        const { state, told } = after(statuses, 12);
        assert.deepEqual(told, []);
        assert.equal(state.openSince, at(8));
        assert.equal(nextTickAt(state, o), T0 + 18 * MIN);
      });
    }

    it('does not count again for less than 0.5 km', () => {
      const { state } = after([status(0, { mileageKm: 1000, doors: open }), status(8, { mileageKm: 1000.4, doors: open })], 12);
      assert.equal(state.openSince, at(0));
    });

    for (const part of ['doors', 'windows'] as const) {
      it(`keeps the ${part} open through a reading that does not tell them`, () => {
        const { told } = after([status(0, { [part]: { frontLeft: 'ajar' } }), status(5, { battery: { socPercent: 50 } })], 10);
        assert.deepEqual(told, [{ name: 'left_open', vin: VIN, at: at(10), openings: [`${part}.frontLeft`], openSince: at(0), minutes: 10 }]);
      });
    }

    // A car first read with a door open since an hour: that opening is a state that already was at start.
    const openAnHour = { ...status(0, { doors: open }), fetchedAt: at(60) };

    it('keeps an opening already left open long enough at the first reading quiet at start, and does not tell it later', () => {
      const { state, told } = steps([openAnHour], o);
      assert.deepEqual(told, [[]]);
      assert.equal(state.openTold, true);
      assert.equal(nextTickAt(state, o), T0 + o.staleHours * HOUR, 'the clock waits only for stale data');
      assert.deepEqual(steps([{ ...status(61, { doors: open }), fetchedAt: at(70) }], o, state).told, [[]]);
    });

    it('tells an opening already left open long enough at the first reading, marked initial, when the states at start are asked for', () => {
      const asked = eventOptionsFrom({ leftOpenMinutes: 10, emitInitial: true });
      assert.deepEqual(steps([openAnHour], asked).told, [[{ name: 'left_open', vin: VIN, at: at(60), openings: ['doors.frontLeft'], openSince: at(0), minutes: 60, initial: true }]]);
    });

    it('tells an opening seen open at start once it has been open long enough afterwards, as news', () => {
      const { state, told } = steps([{ ...status(0, { doors: open }), fetchedAt: at(4) }], o);
      assert.deepEqual(told, [[]]);
      assert.equal(nextTickAt(state, o), T0 + 10 * MIN);
      assert.deepEqual(tick(state, o, VIN, T0 + 10 * MIN).events, [{ name: 'left_open', vin: VIN, at: at(10), openings: ['doors.frontLeft'], openSince: at(0), minutes: 10 }]);
    });

    it('tells neither "left open" nor "data stale" when they are not ticked, yet counts them as told', () => {
      const only = eventOptionsFrom({ events: ['locked'], leftOpenMinutes: 10, staleHours: 1 });
      const { state, told } = after([status(0, { doors: open })], 90, only);
      assert.deepEqual(told, []);
      const { state: ticked } = tick(state, only, VIN, T0 + 90 * MIN);
      assert.deepEqual([ticked.openTold, ticked.staleTold], [true, true]);
    });
  });

  describe('moved while parked', () => {
    const HOME = { latitude: 48.8566, longitude: 2.3522 };
    const north = (m: number) => ({ latitude: HOME.latitude + m / 111_195, longitude: HOME.longitude });

    it('re-anchors at a position read after 0.5 km or more driven since the anchor, even in small steps', () => {
      for (const [between, after] of [
        [5000.3, 5000.6],
        [5000.2, 5000.5],
      ]) {
        const { told, state } = steps([status(0, { mileageKm: 5000, position: HOME }), status(10, { mileageKm: between }), status(20, { mileageKm: after, position: north(3000) }), status(30, { mileageKm: after, position: north(3000) })], {
          movedMetres: 300,
        });
        assert.deepEqual(allNames(told), [[], [], [], []], `${between} then ${after} km`);
        assert.deepEqual(state.anchor, { ...north(3000), mileageKm: after });
      }
    });

    it('does not call a move of exactly the set distance a move', () => {
      const far = north(800);
      const o: EventOptions = { ...eventOptionsFrom({}), movedMetres: distanceM(HOME.latitude, HOME.longitude, far.latitude, far.longitude) };
      const { told, state } = steps([status(0, { mileageKm: 5000, position: HOME }), status(10, { mileageKm: 5000, position: far }), status(20, { mileageKm: 5000, position: far })], o);
      assert.deepEqual(allNames(told), [[], [], []]);
      assert.equal(state.moveCandidate, undefined);
    });
  });

  describe('data stale', () => {
    const o = eventOptionsFrom({ staleHours: 12 });

    /** The state once "stale" was told for a report made at T0 (a tick 12 h later). */
    const toldStale = (): EventState => {
      const told = tick(steps([status(0)], o).state, o, VIN, T0 + 12 * HOUR);
      assert.deepEqual(names(told.events), ['data_stale']);
      return told.state;
    };

    it('counts a newer report read an hour after it was made as news: "stale" is told again the set hours after it', () => {
      const newer = observe(toldStale(), { ...status(13 * 60), fetchedAt: at(14 * 60) }, o, T0 + 14 * HOUR);
      assert.deepEqual(newer.events, []);
      assert.equal(nextTickAt(newer.state, o), T0 + 25 * HOUR);
      assert.deepEqual(tick(newer.state, o, VIN, T0 + 25 * HOUR).events, [{ name: 'data_stale', vin: VIN, at: iso(T0 + 25 * HOUR), lastUpdateAt: at(13 * 60), hours: 12 }]);
    });

    it('takes a newer report exactly the set hours old when read as no news: "stale" is not told again for it', () => {
      const newer = observe(toldStale(), { ...status(60), fetchedAt: at(13 * 60) }, o, T0 + 13 * HOUR);
      assert.deepEqual(newer.events, []);
      assert.equal(newer.state.lastUpdateAt, at(60));
      assert.equal(nextTickAt(newer.state, o), undefined);
    });

    it('waits from the newest report: an older one read later does not move the wait', () => {
      const { state } = steps([status(60), { ...status(0), fetchedAt: at(61) }], o);
      assert.equal(state.lastUpdateAt, at(60));
      assert.equal(nextTickAt(state, o), T0 + 60 * MIN + 12 * HOUR);
    });

    it('waits for the set hours from a report read a minute after it was made', () => {
      const { state, told } = steps([{ ...status(0), fetchedAt: at(1) }], o);
      assert.deepEqual(told, [[]]);
      assert.equal(nextTickAt(state, o), T0 + 12 * HOUR);
    });

    it('takes a first report exactly the set hours old as already stale, told only when asked', () => {
      const old = { ...status(0), fetchedAt: iso(T0 + 12 * HOUR) };
      const quiet = steps([old], o);
      assert.deepEqual(quiet.told, [[]]);
      assert.equal(nextTickAt(quiet.state, o), undefined);
      assert.deepEqual(steps([old], { staleHours: 12, emitInitial: true }).told, [[{ name: 'data_stale', vin: VIN, at: iso(T0 + 12 * HOUR), lastUpdateAt: at(0), hours: 12, initial: true }]]);
    });

    it('tells stale data at start once when asked, and not again for a newer report that is itself old', () => {
      const asked = { staleHours: 12, emitInitial: true };
      const { told, state } = steps([{ ...status(0), fetchedAt: iso(T0 + 30 * HOUR) }, { ...status(60), fetchedAt: iso(T0 + 30 * HOUR + MIN) }], asked);
      assert.deepEqual(told, [[{ name: 'data_stale', vin: VIN, at: iso(T0 + 30 * HOUR), lastUpdateAt: at(0), hours: 30, initial: true }], []]);
      assert.equal(nextTickAt(state, eventOptionsFrom(asked)), undefined);
    });

    it('does not count the same report read again as news, even after the hours were set longer', () => {
      const told = tick(steps([status(0)], o).state, o, VIN, T0 + 13 * HOUR);
      assert.deepEqual(names(told.events), ['data_stale']);
      const longer = eventOptionsFrom({ staleHours: 24 });
      const again = observe(told.state, { ...status(0), fetchedAt: iso(T0 + 14 * HOUR) }, longer, T0 + 14 * HOUR);
      assert.deepEqual(again.events, []);
      assert.equal(nextTickAt(again.state, longer), undefined);
    });

    it('tells an old first dated report as stale when the reports before it had no time', () => {
      const undated: VehicleStatus = { vin: VIN, provider: 'renault', fetchedAt: iso(T0 + 30 * HOUR), battery: { socPercent: 60 } };
      const { told } = steps([undated, { ...status(0), fetchedAt: iso(T0 + 30 * HOUR + MIN) }], o);
      assert.deepEqual(told, [[], [{ name: 'data_stale', vin: VIN, at: iso(T0 + 30 * HOUR + MIN), lastUpdateAt: at(0), hours: 30 }]]);
    });

    it('gives the hours without news rounded to a tenth', () => {
      const { state } = steps([status(0)], o);
      assert.deepEqual(tick(state, o, VIN, T0 + 12 * HOUR + 20 * MIN).events, [{ name: 'data_stale', vin: VIN, at: iso(T0 + 12 * HOUR + 20 * MIN), lastUpdateAt: at(0), hours: 12.3 }]);
    });
  });

  describe('settings and input', () => {
    for (const blank of [null, '', undefined]) {
      it(`takes ${JSON.stringify(blank) ?? 'undefined'} for each number as its default`, () => {
        const o = eventOptionsFrom({ leftOpenMinutes: blank, batteryLowPercent: blank, movedMetres: blank, staleHours: blank });
        assert.deepEqual([o.leftOpenMinutes, o.batteryLowPercent, o.movedMetres, o.staleHours, o.emitInitial], [10, 20, 500, 24, false]);
      });
    }

    const refusal = (f: () => unknown): CarError => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof CarError);
        assert.equal(e.code, 'BAD_INPUT');
        return e;
      }
      assert.fail('no refusal');
    };

    it("refuses a setting with the field and zod's own words", () => {
      assert.equal(refusal(() => eventOptionsFrom({ leftOpenMinutes: 0 })).message, 'leftOpenMinutes: Too small: expected number to be >=1');
      // As the dialog: at least one minute, at least one hour.
      assert.equal(refusal(() => eventOptionsFrom({ leftOpenMinutes: 0.5 })).message, 'leftOpenMinutes: Too small: expected number to be >=1');
      assert.equal(refusal(() => eventOptionsFrom({ staleHours: '0.9' })).message, 'staleHours: Too small: expected number to be >=1');
      assert.deepEqual([eventOptionsFrom({ leftOpenMinutes: 1, staleHours: 1 }).leftOpenMinutes, eventOptionsFrom({ staleHours: 720 }).staleHours], [1, 720]);
    });

    it('refuses a status naming the nested field with dots, and a payload that is no object as "payload"', () => {
      const bad = { vin: VIN, provider: 'renault', fetchedAt: at(0), doors: { frontLeft: 'wide' } };
      assert.match(refusal(() => statusInputFrom(bad)).message, /^doors\.frontLeft: Invalid option/);
      assert.match(refusal(() => statusInputFrom('plugged')).message, /^payload: Invalid input: expected object, received string$/);
    });
  });
});
