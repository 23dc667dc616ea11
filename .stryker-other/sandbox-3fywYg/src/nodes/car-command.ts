// @ts-nocheck
import type { CommandResult, CommandStep, ErrorCode } from '../core';
import type { CommandDefaults } from '../features/commands';
import type { AccountSession } from '../features/session';
import { load } from './code';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarCommandDef extends NodeDef {
  account: string;
  vin: string;
  /** '' = msg.payload.command decides. */
  command?: string;
  temperatureC?: string | number;
  allowUnlock?: boolean;
  /** Seconds. */
  timeout?: string | number;
  /** Send every step on the second output. */
  steps?: boolean;
}

/** The node's own settings, checked at deploy: a command the account's brand cannot send is refused, with why. */
function defaultsFrom(def: CarCommandDef, session: AccountSession): CommandDefaults {
  const { CarError, COMMANDS } = load.core();
  const defaults: CommandDefaults = {};
  if (def.command) {
    if (!(COMMANDS as readonly string[]).includes(def.command)) throw new CarError('BAD_INPUT', `command must be one of: ${COMMANDS.join(', ')} (got "${def.command}")`);
    const offered: readonly string[] = session.provider.offer.commands;
    if (!offered.includes(def.command)) {
      const why = session.provider.offer.missing.commands;
      throw new CarError('NOT_SUPPORTED', offered.length === 0 ? `command: ${session.cloud} sends no command${why ? `: ${why}` : ''}` : `command must be one of: ${offered.join(', ')} for ${session.cloud} (got "${def.command}")`);
    }
    defaults.command = def.command;
  }
  if (def.temperatureC !== undefined && String(def.temperatureC).trim() !== '') {
    const t = Number(def.temperatureC);
    if (!Number.isFinite(t) || t < 15 || t > 30) throw new CarError('BAD_INPUT', `temperature must be a number of °C from 15 to 30 (got "${String(def.temperatureC)}")`);
    defaults.temperatureC = t;
  }
  return defaults;
}

export = function register(RED: RedApi): void {
  function CarCommand(this: RedNode, def: CarCommandDef): void {
    const { accountGuard, checkSettings, handleInput, knownVehicle, StatusDot } = load.kit();
    const { CommandRunner, commandInputFrom, DEFAULT_COMMAND_TIMEOUT_MS } = load.commands();
    const { CarError, ERROR_CODES } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'required' });
    if (!guarded) return;
    const { session, vin } = guarded;
    const checked = checkSettings(RED, node, () => {
      const seconds = def.timeout === undefined || String(def.timeout).trim() === '' ? DEFAULT_COMMAND_TIMEOUT_MS / 1000 : Number(def.timeout);
      return { defaults: defaultsFrom(def, session), runner: new CommandRunner({ session, vin, allowUnlock: def.allowUnlock === true, timeoutMs: seconds * 1000 }) };
    });
    if (!checked) return;
    const { defaults, runner } = checked;
    const withSteps = def.steps === true;
    const topic = `car/${vin}/command`;
    const dot = new StatusDot(RED, node, session);
    const vehicle = knownVehicle(session, vin);

    type Shown = Parameters<InstanceType<typeof StatusDot>['set']>[0];
    const stepStatus = (s: CommandStep): Shown => {
      const step = dot.text(`car-command.status.${s.step}`, { command: s.command, time: dot.time(s.at, 'seconds') });
      const text = s.late ? [step, dot.text('car-command.status.late')] : step;
      if (s.step === 'executed') return { fill: 'green', shape: 'dot', text };
      if (s.step === 'failed' || s.step === 'timed_out') return { fill: 'red', shape: 'ring', text };
      if (s.step === 'unknown') return { fill: 'yellow', shape: 'ring', text };
      return { fill: 'yellow', shape: 'ring', text };
    };
    const out = (msg: NodeMessage, payload: CommandResult | CommandStep): NodeMessage => ({ ...msg, topic, payload, vehicle: vehicle() });

    // Commands waiting behind the running one: the dot says how many ("2 queued") whatever step it shows.
    let queued = 0;
    let shown: Shown = {};
    const show = (status: Shown): void => {
      shown = status;
      const text = queued > 0 ? [status.text ?? '', dot.text('car-command.status.queue', { count: queued })] : status.text;
      dot.set({ ...status, ...(text !== undefined ? { text } : {}) });
    };
    const leaveQueue = (waiting: { queued: boolean }): void => {
      if (!waiting.queued) return;
      waiting.queued = false;
      queued--;
      if (!closed) show(shown);
    };

    let closed = false;
    handleInput(node, dot, async (msg, send) => {
      const input = commandInputFrom(msg.payload, defaults);
      const waiting = { queued: false };
      let result: CommandResult;
      try {
        result = await runner.run(input, {
          onQueued: (ahead) => {
            waiting.queued = true;
            queued++;
            if (!closed) show({ fill: 'yellow', shape: 'ring', text: dot.text('car-command.status.queued', { command: input.command, ahead }) });
          },
          onStep: (s) => {
            if (closed) return;
            if (waiting.queued) {
              waiting.queued = false;
              queued--;
            }
            show(stepStatus(s));
            if (withSteps) send([null, out(msg, s)]);
          },
        });
      } finally {
        leaveQueue(waiting);
      }
      if (closed) return;
      send([out(msg, result), null]);
      // Unknown is not a failure: a Catch node that sends the command again could run it twice.
      if (result.outcome === 'executed' || result.outcome === 'unknown') return;
      // Failed and timed-out commands reach Catch nodes too; the dot shows the step.
      const code = (ERROR_CODES as readonly string[]).includes(result.error?.code ?? '') ? (result.error?.code as ErrorCode) : 'UPSTREAM';
      return new CarError(code, result.error?.message ?? result.outcome);
    });

    // Commands this vehicle's previous node sent before a redeploy: their outcome comes out here.
    runner.adoptOrphans((result) => {
      const last = result.steps[result.steps.length - 1];
      if (last) dot.set(stepStatus(last));
      node.send([{ topic, payload: result, vehicle: vehicle(), sentBeforeRedeploy: true }, null]);
    });

    node.on('close', (_removed, done) => {
      closed = true;
      runner.close();
      done();
    });

    dot.clear();
  }

  RED.nodes.registerType('car-command', CarCommand as (this: RedNode, def: never) => void);
};
