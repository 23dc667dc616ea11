// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { AnswerLostError, CarError, ManualClock, type CommandInput, type CommandName, type CommandResult, type CommandStep, type Vehicle } from '../../src/core';
import type { CommandProgress, CommandTicket, CommandsFacet } from '../../src/brands';
import { CommandRunner, CommandsInFlight, commandInputFrom, commandsInFlight, type RunHooks } from '../../src/features/commands';
import type { AccountSession } from '../../src/features/session';
import { deferred, recordingLogger, type RecordingLogger } from '../helpers';
import { rejection } from '../renault-session';
import { drive, pass } from '../commands/helpers';

/**
 * The command runner's values, on a stand-in account (no simulator): the texts of refusals and
 * timeouts, the steps and their details, when it looks, the lane of a vehicle, and what a
 * redeploy or a closed account does to a command. Fast, so that the mutation run can afford it.
 */

const VIN = 'VF1TEST0000000001';
const START = '2026-11-20T08:00:00.000Z';

function refused(payload: unknown, defaults = {}): string {
  try {
    commandInputFrom(payload, defaults);
  } catch (e) {
    assert.ok(e instanceof CarError, String(e));
    assert.equal(e.code, 'BAD_INPUT');
    return e.message;
  }
  assert.fail(`accepted ${JSON.stringify(payload)}`);
}

/** How the stand-in cloud answers one look: the look's number (1 first) and the ticket. */
type Look = (n: number, ticket: CommandTicket) => CommandProgress | Promise<CommandProgress>;

interface FakeOptions {
  vehicle?: Vehicle;
  offered?: CommandName[];
  /** false: the cloud takes no commands at all (no facet). */
  facet?: boolean;
  send?: (input: CommandInput, n: number) => Promise<CommandTicket>;
  look?: Look;
  lostTicket?: CommandsFacet['lostTicket'];
  /** Resolves the vehicle only when this promise does. */
  vehicleGate?: Promise<void>;
}

interface Fake {
  session: AccountSession;
  clock: ManualClock;
  log: RecordingLogger;
  sent: CommandInput[];
  /** Each look: ms since the start of the clock, and the action it looked at. */
  looks: { at: number; actionId?: string }[];
}

function fake(o: FakeOptions = {}): Fake {
  const clock = new ManualClock(START);
  const log = recordingLogger();
  const sent: CommandInput[] = [];
  const looks: Fake['looks'] = [];
  const t0 = clock.now();
  const lookCount = new Map<string, number>();
  const commands: CommandsFacet = {
    send: (_vehicle, input) => {
      sent.push(input);
      return o.send ? o.send(input, sent.length) : Promise.resolve({ command: input.command, actionId: `act-${sent.length}`, acceptedAt: clock.now() });
    },
    track: async (_vehicle, ticket) => {
      looks.push({ at: clock.now() - t0, ...(ticket.actionId ? { actionId: ticket.actionId } : {}) });
      const key = ticket.actionId ?? '';
      const n = (lookCount.get(key) ?? 0) + 1;
      lookCount.set(key, n);
      return o.look ? o.look(n, ticket) : { step: 'pending' };
    },
    intervalMs: () => 60_000,
    ...(o.lostTicket ? { lostTicket: o.lostTicket } : {}),
  };
  const vehicle: Vehicle = o.vehicle ?? { vin: VIN, drivetrain: 'electric' };
  const slots = new Map<symbol, unknown>();
  const session = {
    cloud: 'Kamereon',
    clock,
    log,
    connection: { capabilities: () => ({ commands: o.offered ?? ['lock', 'unlock', 'climate_start', 'charge_start', 'horn', 'refresh'] }) },
    facet(_name: string, what: string): CommandsFacet {
      if (o.facet === false) throw new CarError('NOT_SUPPORTED', `Kamereon cannot ${what}`, { transient: false });
      return commands;
    },
    local<T>(slot: symbol, make: () => T): T {
      if (!slots.has(slot)) slots.set(slot, make());
      return slots.get(slot) as T;
    },
    async vehicle(): Promise<Vehicle> {
      await o.vehicleGate;
      return vehicle;
    },
  };
  return { session: session as unknown as AccountSession, clock, log, sent, looks };
}

/** A runner of 4 s (a look every second) and a late window of 2 s unless told. */
function runnerOf(f: Fake, options: { timeoutMs?: number; lateWindowMs?: number; allowUnlock?: boolean } = {}): CommandRunner {
  return new CommandRunner({ session: f.session, vin: VIN, timeoutMs: 4_000, lateWindowMs: 2_000, ...options });
}

function recorder(): { hooks: RunHooks; steps: CommandStep[]; queued: number[] } {
  const steps: CommandStep[] = [];
  const queued: number[] = [];
  return { hooks: { onStep: (s) => steps.push(s), onQueued: (n) => queued.push(n) }, steps, queued };
}

function result(outcome: CommandResult['outcome'], extra: Partial<CommandResult> = {}): CommandResult {
  return { vin: VIN, command: 'horn', outcome, startedAt: START, endedAt: START, steps: [], ...extra };
}

describe('car-command input: the values of its answers and refusals', () => {
  it('treats a null payload as a trigger for the node’s own command', () => {
    assert.deepEqual(commandInputFrom(null, { command: 'horn' }), { command: 'horn' });
  });

  it('trims a command name, and takes an empty or blank text as a trigger', () => {
    assert.deepEqual(commandInputFrom(' horn\n'), { command: 'horn' });
    assert.deepEqual(commandInputFrom('   ', { command: 'lock' }), { command: 'lock' });
    assert.deepEqual(commandInputFrom('', { command: 'lock' }), { command: 'lock' });
  });

  it('gives the node’s temperature to climate_start only, and adds no temperature when the node has none', () => {
    assert.deepEqual(commandInputFrom('horn', { temperatureC: 22 }), { command: 'horn' });
    assert.deepEqual(commandInputFrom('climate_start'), { command: 'climate_start' });
    assert.deepEqual(Object.keys(commandInputFrom('climate_start')), ['command']);
  });

  it('says "nothing" for a missing field, and names a too long poi address', () => {
    assert.equal(refused({ command: 'send_poi', poi: { longitude: 2 } }), 'poi.latitude must be a number from -90 to 90 (got nothing)');
    const address = 'a'.repeat(201);
    assert.equal(refused({ command: 'send_poi', poi: { latitude: 1, longitude: 2, address } }), `poi.address must be a text of at most 200 characters (got "${address}")`);
  });

  it('joins several problems with "; " and lists several unknown fields', () => {
    assert.equal(
      refused({ command: 'send_poi', poi: { latitude: 95, longitude: -200 } }),
      'poi.latitude must be a number from -90 to 90 (got 95); poi.longitude must be a number from -180 to 180 (got -200)',
    );
    assert.equal(refused({ command: 'horn', colour: 'red', volume: 3 }), 'unknown fields colour, volume in msg.payload; allowed: command, temperatureC, startAt, poi');
    assert.equal(refused({ command: 'horn', colour: 'red' }), 'unknown field colour in msg.payload; allowed: command, temperatureC, startAt, poi');
    // A misspelt field of the poi is refused by name, not dropped.
    assert.equal(refused({ command: 'send_poi', poi: { latitude: 1, longitude: 2, adress: 'x' } }), 'unknown field adress in msg.payload.poi; allowed: latitude, longitude, name, address');
    assert.equal(refused({ command: 'send_poi', poi: { latitude: 1, longitude: 2, adress: 'x', nom: 'y' } }), 'unknown fields adress, nom in msg.payload.poi; allowed: latitude, longitude, name, address');
    assert.equal(
      refused({ command: 'horn', temperatureC: 21, startAt: '2026-11-20T06:30:00Z' }),
      'temperatureC does not apply to horn; it is for: climate_start; startAt does not apply to horn; it is for: climate_start, charge_start',
    );
  });
});

describe('CommandsInFlight: outcomes of commands whose node went', () => {
  it('logs an executed outcome as info, any other as a warning with its error', () => {
    const log = recordingLogger();
    const flight = new CommandsInFlight(log);
    flight.orphaned(result('executed'));
    flight.orphaned(result('failed', { error: { code: 'UPSTREAM', message: 'horn failed: busy' } }));
    flight.orphaned(result('timed_out'));
    assert.deepEqual(log.lines, [
      `info horn for ${VIN}, sent by a car-command node that was redeployed since: executed`,
      `warn horn for ${VIN}, sent by a car-command node that was redeployed since: failed (horn failed: busy)`,
      `warn horn for ${VIN}, sent by a car-command node that was redeployed since: timed_out`,
    ]);
  });

  it('keeps the last four outcomes nobody took, and hands them over once', () => {
    const flight = new CommandsInFlight(recordingLogger());
    const outcomes = ['executed', 'failed', 'timed_out', 'unknown', 'executed'] as const;
    outcomes.forEach((o, i) => flight.orphaned(result(o, { actionId: `a${i}` })));
    assert.deepEqual(
      flight.take(VIN).map((r) => r.actionId),
      ['a1', 'a2', 'a3', 'a4'],
    );
    assert.deepEqual(flight.take(VIN), []);
  });

  it('on close: aborts its signal, forgets what nobody took and its listeners', () => {
    const flight = new CommandsInFlight(recordingLogger());
    flight.orphaned(result('executed'));
    flight.on(`outcome:OTHER`, () => undefined);
    flight.close();
    assert.equal(flight.closing.signal.aborted, true);
    assert.deepEqual(flight.take(VIN), []);
    assert.equal(flight.listenerCount('outcome:OTHER'), 0);
  });
});

describe('CommandRunner: refusals before anything is sent', () => {
  it('takes a timeout of exactly 600 s and says a wrong one in seconds', () => {
    const f = fake();
    assert.equal(new CommandRunner({ session: f.session, vin: VIN, timeoutMs: 600_000 }).timeoutMs, 600_000);
    assert.throws(() => new CommandRunner({ session: f.session, vin: VIN, timeoutMs: 500 }), { message: 'timeout must be from 1 to 600 seconds (got 0.5)' });
  });

  it('a closed node sends nothing: closedError, not transient', async () => {
    const f = fake();
    const runner = runnerOf(f);
    runner.close();
    const e = await rejection(runner.run({ command: 'horn' }));
    assert.equal(e.code, 'NETWORK');
    assert.equal(e.message, 'the node was closed (redeploy) before the command was sent; it was not sent');
    assert.equal(e.transient, false);
    assert.equal((await rejection(runner.run({ command: 'unlock' }))).message, e.message, 'closed comes before any other refusal');
    assert.equal(f.sent.length, 0);
  });

  it('a node closed while the vehicle is looked up sends nothing', async () => {
    const g = deferred();
    const f = fake({ vehicleGate: g.promise });
    const runner = runnerOf(f);
    const p = runner.run({ command: 'horn' });
    runner.close();
    g.resolve();
    assert.match((await rejection(p)).message, /before the command was sent; it was not sent/);
    assert.equal(f.sent.length, 0);
  });

  it('refuses unlock when not allowed, not transient', async () => {
    const e = await rejection(runnerOf(fake()).run({ command: 'unlock' }));
    assert.equal(e.code, 'BAD_INPUT');
    assert.equal(e.transient, false);
  });

  it('refuses a start time that is now or past, naming it', async () => {
    const f = fake();
    const e = await rejection(runnerOf(f).run({ command: 'charge_start', startAt: START }));
    assert.equal(e.code, 'BAD_INPUT');
    assert.equal(e.message, `startAt must be in the future (got ${START})`);
    assert.equal(f.sent.length, 0);
  });

  it('says which command a cloud without commands cannot send', async () => {
    const e = await rejection(runnerOf(fake({ facet: false })).run({ command: 'horn' }));
    assert.equal(e.message, 'Kamereon cannot send the command horn');
  });

  it('names the vehicle by its name, else its model, else its VIN, and what it takes', async () => {
    const table: { vehicle: Vehicle; offered: CommandName[]; want: string }[] = [
      { vehicle: { vin: VIN, drivetrain: 'electric', name: 'Blue Zoe', model: 'ZOE' }, offered: ['lock', 'unlock'], want: 'Blue Zoe cannot horn through Kamereon; it takes: lock, unlock' },
      { vehicle: { vin: VIN, drivetrain: 'electric', model: 'ZOE' }, offered: ['lock'], want: 'ZOE cannot horn through Kamereon; it takes: lock' },
      { vehicle: { vin: VIN, drivetrain: 'electric' }, offered: [], want: `${VIN} cannot horn through Kamereon; it takes: no commands` },
    ];
    for (const t of table) {
      const e = await rejection(runnerOf(fake({ vehicle: t.vehicle, offered: t.offered })).run({ command: 'horn' }));
      assert.equal(e.code, 'NOT_SUPPORTED');
      assert.equal(e.message, t.want);
      assert.equal(e.transient, false);
    }
  });
});

describe('CommandRunner: steps, looks and timeouts', () => {
  it('accepted: from the cloud, with or without its id', async () => {
    for (const actionId of ['act-9', undefined]) {
      const f = fake({
        send: (input) => Promise.resolve({ command: input.command, ...(actionId ? { actionId } : {}), acceptedAt: 0 }),
        look: () => ({ step: 'executed', source: 'notification' }),
      });
      const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
      const accepted = r.steps.find((s) => s.step === 'accepted');
      assert.equal(accepted?.source, 'cloud');
      assert.equal(accepted?.detail, actionId ? 'the cloud accepted the command' : 'the cloud accepted the command (it gives no id)');
    }
  });

  it('looks every second up to the deadline, the last look at the deadline itself, then 2 s more for a late one', async () => {
    const f = fake();
    const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
    assert.equal(r.outcome, 'timed_out');
    await pass(f.clock, 10_000);
    assert.deepEqual(
      f.looks.map((l) => l.at),
      [1_000, 2_000, 3_000, 4_000, 5_000, 6_000],
    );
  });

  it('a confirmation at the deadline itself counts', async () => {
    const f = fake({ look: (n) => (n === 4 ? { step: 'executed', source: 'notification' } : { step: 'pending' }) });
    const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
    assert.equal(r.outcome, 'executed');
    assert.equal(r.error, undefined);
  });

  it('a timeout says what the looks showed, in its step and its outcome', async () => {
    const f = fake();
    const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
    const message = 'horn: no confirmation within 4 s; it was not sent again';
    assert.deepEqual(r.error, { code: 'TIMEOUT', message });
    assert.deepEqual(r.steps.at(-1)?.error, { code: 'TIMEOUT', message });
    assert.equal(r.steps.at(-1)?.step, 'timed_out');

    const g = fake({ look: (n) => (n === 1 ? { step: 'delivered', source: 'notification', detail: 'on its way' } : n === 2 ? { step: 'delivered' } : { step: 'pending', detail: 'waiting for the car' }) });
    const rec = recorder();
    const r2 = await drive(runnerOf(g).run({ command: 'horn' }, rec.hooks), g.clock);
    assert.equal(r2.error?.message, 'horn: no confirmation within 4 s; the cloud handed it to the car, but nothing shows that it took effect (last look: waiting for the car); it was not sent again');
    const delivered = r2.steps.filter((s) => s.step === 'delivered');
    assert.equal(delivered.length, 1, 'delivered once');
    assert.equal(delivered[0]?.detail, 'on its way');
    assert.equal(delivered[0]?.source, 'notification');
  });

  it('a look that fails is the last look, not the command failing', async () => {
    const f = fake({
      look: (n) => {
        if (n === 4) throw new CarError('QUOTA_EXCEEDED', 'too many calls');
        return { step: 'pending', detail: 'waiting' };
      },
    });
    const r = await drive(runnerOf(f, { lateWindowMs: 0 }).run({ command: 'horn' }), f.clock);
    assert.equal(r.outcome, 'timed_out');
    assert.equal(r.error?.message, 'horn: no confirmation within 4 s (last look: too many calls); it was not sent again');
  });

  it('a failure the cloud reports without a word gets a sentence, in the step and the outcome', async () => {
    const f = fake({ look: () => ({ step: 'failed', source: 'event status' }) });
    const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
    assert.equal(r.outcome, 'failed');
    assert.deepEqual(r.error, { code: 'UPSTREAM', message: 'horn failed: the cloud reported a failure' });
    assert.deepEqual(r.steps.at(-1), {
      vin: VIN,
      command: 'horn',
      step: 'failed',
      at: '2026-11-20T08:00:01.000Z',
      actionId: 'act-1',
      source: 'event status',
      error: { code: 'UPSTREAM', message: 'horn failed: the cloud reported a failure' },
    });
  });

  it('a lost answer with nothing to follow it: unknown, with a detail that promises no watching', async () => {
    const f = fake({ send: () => Promise.reject(new AnswerLostError('NETWORK', 'socket hang up')) });
    const r = await drive(runnerOf(f).run({ command: 'horn' }), f.clock);
    assert.equal(r.outcome, 'unknown');
    assert.equal(r.steps[1]?.detail, 'the answer to the command was lost: it may have been carried out; it is not sent again');
  });

  it('a lost answer whose effect shows: executed, with no error', async () => {
    const f = fake({
      send: () => Promise.reject(new AnswerLostError('TIMEOUT', 'no answer')),
      lostTicket: (_v, input, sentAt) => ({ command: input.command, acceptedAt: sentAt }),
      look: () => ({ step: 'executed', source: 'hvac-status re-read' }),
    });
    const r = await drive(runnerOf(f).run({ command: 'climate_start' }), f.clock);
    assert.equal(r.outcome, 'executed');
    assert.equal(r.error, undefined);
    assert.equal(r.steps[1]?.detail, "the answer to the command was lost: it may have been carried out; it is not sent again, the car's state is watched for its effect");
  });
});

describe('CommandRunner: the lane of a vehicle', () => {
  it('queues behind the commands ahead (1, 2, 3), refuses a fifth, and starts again from an empty lane', async () => {
    const sends: { resolve: (t: CommandTicket) => void }[] = [];
    const f = fake({
      send: () => {
        const g = deferred<CommandTicket>();
        sends.push(g);
        return g.promise;
      },
      look: () => ({ step: 'executed' }),
    });
    const runner = runnerOf(f);
    const round = async (): Promise<void> => {
      const rec = recorder();
      const runs = [0, 1, 2, 3].map(() => runner.run({ command: 'horn' }, rec.hooks));
      await pass(f.clock, 0);
      const e = await rejection(runner.run({ command: 'lock' }));
      assert.equal(e.code, 'RATE_LIMITED');
      assert.equal(e.message, `3 commands for ${VIN} are already waiting; send this one when they are done`);
      assert.deepEqual(rec.queued, [1, 2, 3]);
      for (const r of runs) {
        await pass(f.clock, 0);
        sends.shift()?.resolve({ command: 'horn', acceptedAt: 0 });
        assert.equal((await drive(r, f.clock)).outcome, 'executed');
      }
    };
    await round();
    await round();
  });

  it('a node closed at any moment while its command waits in the lane either sends it and follows it to its end, or never sends it', async () => {
    const seen = new Set<number>();
    for (let hops = 0; hops < 16; hops++) {
      const f = fake({ look: () => ({ step: 'executed' }) });
      const runner = runnerOf(f);
      const closeLater = (): void => {
        let p = Promise.resolve();
        for (let i = 0; i < hops; i++) p = p.then(() => undefined);
        void p.then(() => runner.close());
      };
      const a = runner.run({ command: 'horn' }, { onStep: (s) => (s.step === 'executed' ? closeLater() : undefined) });
      const b = runner.run({ command: 'lock' }).then(
        (r) => r.outcome,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      assert.equal((await drive(a, f.clock)).outcome, 'executed');
      const second = await drive(b, f.clock);
      seen.add(f.sent.length);
      if (f.sent.length === 2) assert.equal(second, 'executed', `closed after ${hops} hops: sent, so followed to its end`);
      else assert.equal(second, 'the node was closed (redeploy) before the command was sent; it was not sent', `closed after ${hops} hops`);
    }
    assert.deepEqual([...seen].sort(), [1, 2], 'the close fell both before and after the second command went out');
  });

  it('a refused send frees the lane: the next command does not wait', async () => {
    const f = fake({
      send: (input, n) => (n === 1 ? Promise.reject(new CarError('UPSTREAM', 'busy')) : Promise.resolve({ command: input.command, acceptedAt: 0 })),
      look: () => ({ step: 'executed' }),
    });
    const runner = runnerOf(f);
    await rejection(runner.run({ command: 'horn' }));
    const rec = recorder();
    assert.equal((await drive(runner.run({ command: 'horn' }, rec.hooks), f.clock)).outcome, 'executed');
    assert.deepEqual(rec.queued, []);
    assert.deepEqual(f.log.lines, [], 'a failure of a node still there is its own, not logged as an orphan');
  });

  it('the next command ends the late tracking of the previous one, even a look under way', async () => {
    const held = deferred<CommandProgress>();
    const f = fake({ look: (n, t) => (t.actionId === 'act-1' && n === 5 ? held.promise : { step: 'pending' }) });
    const runner = runnerOf(f, { lateWindowMs: 60_000 });
    const rec = recorder();
    const first = await drive(runner.run({ command: 'horn' }, rec.hooks), f.clock);
    assert.equal(first.outcome, 'timed_out');
    await pass(f.clock, 1_000); // the first late look (the fifth) is under way
    const looksOfFirst = (): number => f.looks.filter((l) => l.actionId === 'act-1').length;
    assert.equal(looksOfFirst(), 5);
    const second = runner.run({ command: 'lock' });
    await pass(f.clock, 0);
    held.resolve({ step: 'executed', source: 'notification' });
    await pass(f.clock, 10_000);
    assert.equal(looksOfFirst(), 5, 'no look at the first command once the second started');
    assert.ok(!rec.steps.some((s) => s.late), 'no late step from a look that ended after the next command started');
    assert.equal((await drive(second, f.clock)).outcome, 'timed_out');
  });
});

describe('CommandRunner: redeploys and a closed account', () => {
  it('a closed node adopts nothing, and outcomes after its close wait for the next node', () => {
    const f = fake();
    const flight = commandsInFlight(f.session);
    const early = runnerOf(f);
    const heard: CommandResult[] = [];
    early.adoptOrphans((r) => heard.push(r));
    early.close();
    flight.orphaned(result('executed', { actionId: 'a1' }));
    const closed = runnerOf(f);
    closed.close();
    closed.adoptOrphans((r) => heard.push(r));
    assert.equal(heard.length, 0);
    const next = runnerOf(f);
    next.adoptOrphans((r) => heard.push(r));
    assert.deepEqual(
      heard.map((r) => r.actionId),
      ['a1'],
    );
  });

  it('a send that fails after its node went is logged with the node gone', async () => {
    const g = deferred<CommandTicket>();
    const f = fake({ send: () => g.promise });
    const runner = runnerOf(f);
    const p = runner.run({ command: 'horn' });
    await pass(f.clock, 0);
    runner.close();
    g.reject(new CarError('UPSTREAM', 'the car is busy'));
    assert.equal((await rejection(p)).message, 'the car is busy');
    assert.deepEqual(f.log.lines, [`warn horn for ${VIN}, sent by a car-command node that was redeployed since: the car is busy`]);
  });

  it('an account closed while a command is followed: the command ends with accountClosedError, not transient', async () => {
    const f = fake();
    const p = runnerOf(f).run({ command: 'horn' });
    await pass(f.clock, 1_500);
    commandsInFlight(f.session).close();
    const e = await rejection(drive(p, f.clock, undefined, 10_000));
    assert.equal(e.code, 'NETWORK');
    assert.equal(e.message, 'the account was closed before the outcome of the command was known; it was not sent again');
    assert.equal(e.transient, false);
  });
});
