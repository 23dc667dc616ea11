// @ts-nocheck
import { describe, it, beforeEach, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, CommandResultSchema, type CommandResult } from '../../src/core';
import { CommandRunner } from '../../src/features/commands';
import type { AccountSession } from '../../src/features/session';
import { R5, ZE40, ZE50, renaultWorldEach } from '../renault-session';
import { TrackedHttp, drive as driveOn, pass as passOn } from './helpers';
import { recordingLogger, type RecordingLogger } from '../helpers';

/**
 * Issue 15, point 6: a command that went out and whose answer was lost has the outcome
 * "unknown" (then followed by the car's state where Renault allows), never failed/NETWORK, and
 * is never sent again; a command in flight outlives its node (a redeploy) and its outcome
 * reaches the vehicle's next node, and the log.
 */
describe('Commands whose answer is lost, and commands across a redeploy (Renault simulator)', () => {
  const world = renaultWorldEach({ renault: { quota: false, actionDelayMs: 10_000 } });
  let session: AccountSession;
  let http: TrackedHttp;
  let log: RecordingLogger;
  const drive = <T>(p: Promise<T>): Promise<T> => driveOn(p, world.clock, http);
  const pass = (ms: number): Promise<void> => passOn(world.clock, ms, http);
  const sends = (endpoint: string): number => world.sim.renault.stats.byEndpoint[endpoint] ?? 0;

  beforeEach(async () => {
    // A lost answer: the HTTP client gives up after 300 ms of real time.
    http = new TrackedHttp({ clock: world.clock, timeoutMs: 300 });
    log = recordingLogger();
    session = world.session({ key: 'acc', http, log });
    await drive(session.vehicles());
  });

  afterEach(() => http.close());

  for (const kind of ['lost-reply', 'lost-reset'] as const) {
    it(`${kind}: climate_start ran, its answer was lost: unknown, then executed as the car's state shows, never sent again`, async () => {
      world.sim.renault.injectFault({ path: 'actions/hvac-start', kind });
      const runner = new CommandRunner({ session, vin: ZE50 });
      const result = await drive(runner.run({ command: 'climate_start', temperatureC: 21 }));
      CommandResultSchema.parse(result);
      assert.equal(result.outcome, 'executed');
      assert.deepEqual(
        result.steps.map((s) => s.step),
        ['sent', 'unknown', 'executed'],
      );
      const unknown = result.steps[1];
      assert.equal(unknown?.error?.code, kind === 'lost-reply' ? 'TIMEOUT' : 'NETWORK');
      assert.match(unknown?.detail ?? '', /may have been carried out; it is not sent again, the car's state is watched/);
      assert.equal(result.steps[2]?.source, 'hvac-status re-read');
      assert.equal(sends('actions/hvac-start'), 1, 'sent once');
      assert.ok(world.sim.renault.car(ZE50).hvacOn, 'the car did it');
    });
  }

  it('a lost answer where nothing can follow the command (horn): outcome unknown at once, not failed', async () => {
    world.sim.renault.setActionDelay(1_000);
    world.sim.renault.car(R5).autopilot = false;
    world.sim.renault.injectFault({ path: 'actions/horn-lights', kind: 'lost-reset' });
    const runner = new CommandRunner({ session, vin: R5 });
    const result = await drive(runner.run({ command: 'horn' }));
    assert.equal(result.outcome, 'unknown');
    assert.deepEqual(
      result.steps.map((s) => s.step),
      ['sent', 'unknown'],
    );
    assert.equal(result.error?.code, 'NETWORK');
    assert.equal(sends('actions/horn-lights'), 1, 'sent once, never again');
  });

  it('a lost answer and a car whose state never shows the effect: unknown after the timeout, not timed_out or failed', async () => {
    // A Zoe ZE40 ignores charge stop; the answer to it is lost as well.
    const car = world.sim.renault.car(ZE40);
    car.autopilot = false;
    car.plugged = true;
    car.charging = true;
    world.sim.renault.injectFault({ path: 'pause-resume', kind: 'lost-reply' });
    world.sim.renault.injectFault({ path: 'charging-start', kind: 'lost-reply' });
    const runner = new CommandRunner({ session, vin: ZE40, timeoutMs: 60_000, lateWindowMs: 0 });
    const result = await drive(runner.run({ command: 'charge_stop' }));
    assert.equal(result.outcome, 'unknown');
    assert.equal(result.steps[result.steps.length - 1]?.step, 'unknown');
    assert.ok(!result.steps.some((s) => s.step === 'failed' || s.step === 'timed_out'));
    assert.equal(result.error?.code, 'TIMEOUT');
    assert.match(result.error?.message ?? '', /the answer to the command was lost, and nothing showed within 60 s that it took effect/);
  });

  it('a command in flight outlives its node: the next node of the vehicle gets its outcome, and the log says it', async () => {
    const first = new CommandRunner({ session, vin: ZE50 });
    const steps: string[] = [];
    const running = first.run({ command: 'climate_start', temperatureC: 20 }, { onStep: (s) => steps.push(s.step) });
    running.catch(() => undefined);
    // It went out and the cloud took it; then the flow is redeployed.
    for (let i = 0; i < 100 && !steps.includes('accepted'); i++) await pass(100);
    assert.ok(steps.includes('accepted'));
    first.close();
    const second = new CommandRunner({ session, vin: ZE50 });
    const adopted: CommandResult[] = [];
    second.adoptOrphans((r) => adopted.push(r));
    for (let i = 0; i < 400 && adopted.length === 0; i++) await pass(500);
    assert.equal(adopted.length, 1, 'the new node got the outcome');
    assert.equal(adopted[0]?.command, 'climate_start');
    assert.equal(adopted[0]?.outcome, 'executed');
    assert.deepEqual(steps, ['sent', 'accepted'], 'the closed node heard nothing after it closed');
    assert.ok(log.lines.some((l) => /^info climate_start for VF1AG000862Z50001, sent by a car-command node that was redeployed since: executed/.test(l)), log.lines.join('\n'));
    assert.equal(sends('actions/hvac-start'), 1);
  });

  it('an outcome that comes while no node is there waits for the next node of the vehicle, once', async () => {
    const first = new CommandRunner({ session, vin: ZE50 });
    const steps: string[] = [];
    first.run({ command: 'climate_start', temperatureC: 20 }, { onStep: (s) => steps.push(s.step) }).catch(() => undefined);
    for (let i = 0; i < 100 && !steps.includes('accepted'); i++) await pass(100);
    first.close();
    for (let i = 0; i < 400 && !log.lines.some((l) => l.includes('redeployed since')); i++) await pass(500);
    const later = new CommandRunner({ session, vin: ZE50 });
    const adopted: CommandResult[] = [];
    later.adoptOrphans((r) => adopted.push(r));
    assert.deepEqual(
      adopted.map((r) => r.outcome),
      ['executed'],
    );
    const another = new CommandRunner({ session, vin: ZE50 });
    const none: CommandResult[] = [];
    another.adoptOrphans((r) => none.push(r));
    assert.equal(none.length, 0, 'handed on once');
  });

  it('commands still waiting in the lane when their node closes are never sent', async () => {
    world.sim.renault.setActionDelay(60_000);
    const runner = new CommandRunner({ session, vin: ZE50 });
    const a = runner.run({ command: 'climate_start', temperatureC: 20 });
    const b = runner.run({ command: 'refresh' });
    a.catch(() => undefined);
    await pass(1_000);
    runner.close();
    await assert.rejects(b, (e: unknown) => e instanceof CarError && /before the command was sent; it was not sent/.test(e.message));
    await drive(a);
    assert.equal(sends('actions/refresh-location'), 0);
  });
});
