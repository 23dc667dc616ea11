import type { CommandResult, CommandStep, ErrorCode } from '../core';
import type { CommandDefaults } from '../features/commands';
import { load } from './code';
import type { NodeDef, NodeMessage, NodeStatus, RedApi, RedNode } from './red';

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

/** The node's own settings, checked at deploy. */
function defaultsFrom(def: CarCommandDef): CommandDefaults {
  const { CarError, COMMANDS } = load.core();
  const defaults: CommandDefaults = {};
  if (def.command) {
    if (!(COMMANDS as readonly string[]).includes(def.command)) throw new CarError('BAD_INPUT', `command must be one of: ${COMMANDS.join(', ')} (got "${def.command}")`);
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
    const { accountGuard, checkSettings, handleInput, knownVehicle, localTime, StatusDot } = load.kit();
    const { CommandRunner, commandInputFrom, DEFAULT_COMMAND_TIMEOUT_MS } = load.commands();
    const { CarError, ERROR_CODES } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'required' });
    if (!guarded) return;
    const { session, vin } = guarded;
    const checked = checkSettings(node, () => {
      const seconds = def.timeout === undefined || String(def.timeout).trim() === '' ? DEFAULT_COMMAND_TIMEOUT_MS / 1000 : Number(def.timeout);
      return { defaults: defaultsFrom(def), runner: new CommandRunner({ session, vin, allowUnlock: def.allowUnlock === true, timeoutMs: seconds * 1000 }) };
    });
    if (!checked) return;
    const { defaults, runner } = checked;
    const withSteps = def.steps === true;
    const topic = `car/${vin}/command`;
    const dot = new StatusDot(RED, node, session);
    const vehicle = knownVehicle(session, vin);

    const stepStatus = (s: CommandStep): NodeStatus => {
      const text = RED._(`car-command.status.${s.step}`, { command: s.command, time: localTime(s.at, true) }) + (s.late ? ` (${RED._('car-command.status.late')})` : '');
      if (s.step === 'executed') return { fill: 'green', shape: 'dot', text };
      if (s.step === 'failed' || s.step === 'timed_out') return { fill: 'red', shape: 'ring', text };
      return { fill: 'yellow', shape: 'ring', text };
    };
    const out = (msg: NodeMessage, payload: CommandResult | CommandStep): NodeMessage => ({ ...msg, topic, payload, vehicle: vehicle() });

    let closed = false;
    handleInput(node, dot, async (msg, send) => {
      const input = commandInputFrom(msg.payload, defaults);
      const result = await runner.run(input, {
        onQueued: (ahead) => {
          if (!closed) dot.set({ fill: 'yellow', shape: 'ring', text: RED._('car-command.status.queued', { command: input.command, ahead }) });
        },
        onStep: (s) => {
          if (closed) return;
          dot.set(stepStatus(s));
          if (withSteps) send([null, out(msg, s)]);
        },
      });
      if (closed) return;
      send([out(msg, result), null]);
      if (result.outcome === 'executed') return;
      // Failed and timed-out commands reach Catch nodes too; the dot shows the step.
      const code = (ERROR_CODES as readonly string[]).includes(result.error?.code ?? '') ? (result.error?.code as ErrorCode) : 'UPSTREAM';
      return new CarError(code, result.error?.message ?? result.outcome);
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
