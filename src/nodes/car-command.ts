import { CarError, COMMANDS, ERROR_CODES, toCarError, type CommandResult, type CommandStep, type ErrorCode } from '../core';
import { CommandRunner, commandInputFrom, DEFAULT_COMMAND_TIMEOUT_MS, type CommandDefaults } from '../features/commands';
import type { AccountSession, SessionState } from '../features/session';
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

interface AccountNodeLike {
  session?: AccountSession;
  configError?: string;
}

type VehicleInfo = { vin: string; brand?: string; model?: string; name?: string };

export = function register(RED: RedApi): void {
  function CarCommand(this: RedNode, def: CarCommandDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = RED.nodes.getNode(def.account) as AccountNodeLike | null;
    const session = account?.session;
    const refuseAll = (err: CarError): void => {
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.on('input', (_msg, _send, done) => done(err));
    };
    if (!session) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('car-command.status.no-account') });
      node.on('input', (_msg, _send, done) => done(new CarError('BAD_INPUT', account?.configError ?? RED._('car-command.errors.no-account'))));
      return;
    }

    let runner: CommandRunner;
    const defaults: CommandDefaults = {};
    try {
      if (!def.vin) throw new CarError('BAD_INPUT', RED._('car-command.errors.no-vehicle'));
      if (def.command) {
        if (!(COMMANDS as readonly string[]).includes(def.command)) throw new CarError('BAD_INPUT', `command must be one of: ${COMMANDS.join(', ')} (got "${def.command}")`);
        defaults.command = def.command;
      }
      if (def.temperatureC !== undefined && String(def.temperatureC).trim() !== '') {
        const t = Number(def.temperatureC);
        if (!Number.isFinite(t) || t < 15 || t > 30) throw new CarError('BAD_INPUT', `temperature must be a number of °C from 15 to 30 (got "${String(def.temperatureC)}")`);
        defaults.temperatureC = t;
      }
      const seconds = def.timeout === undefined || String(def.timeout).trim() === '' ? DEFAULT_COMMAND_TIMEOUT_MS / 1000 : Number(def.timeout);
      runner = new CommandRunner({ session, vin: def.vin, allowUnlock: def.allowUnlock === true, timeoutMs: seconds * 1000 });
    } catch (e) {
      const err = toCarError(e, 'BAD_INPUT');
      node.error(err);
      refuseAll(err);
      return;
    }
    const withSteps = def.steps === true;
    const topic = `car/${def.vin}/command`;

    let vehicleInfo: VehicleInfo | undefined;
    void session
      .vehicle(def.vin)
      .then((v) => {
        vehicleInfo = { vin: v.vin, ...(v.brand ? { brand: v.brand } : {}), ...(v.model ? { model: v.model } : {}), ...(v.name ? { name: v.name } : {}) };
      })
      .catch(() => undefined);

    const hhmm = (iso: string): string => new Date(iso).toTimeString().slice(0, 8);
    const stepStatus = (s: CommandStep): NodeStatus => {
      const text = RED._(`car-command.status.${s.step}`, { command: s.command, time: hhmm(s.at) }) + (s.late ? ` (${RED._('car-command.status.late')})` : '');
      if (s.step === 'executed') return { fill: 'green', shape: 'dot', text };
      if (s.step === 'failed' || s.step === 'timed_out') return { fill: 'red', shape: 'ring', text };
      return { fill: 'yellow', shape: 'ring', text };
    };
    const showError = (err: CarError): void => {
      if ((err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') && err.retryAt !== undefined) {
        node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-command.status.rate-limited', { until: new Date(err.retryAt).toTimeString().slice(0, 5) }) });
      } else {
        node.status({ fill: 'red', shape: 'ring', text: err.code });
      }
    };
    const out = (msg: NodeMessage, payload: CommandResult | CommandStep): NodeMessage => ({
      ...msg,
      topic,
      payload,
      vehicle: vehicleInfo ?? { vin: def.vin },
    });

    let closed = false;
    node.on('input', (msg, send, done) => {
      let input;
      try {
        input = commandInputFrom(msg.payload, defaults);
      } catch (e) {
        const err = toCarError(e, 'BAD_INPUT');
        showError(err);
        done(err);
        return;
      }
      runner
        .run(input, {
          onQueued: (ahead) => {
            if (!closed) node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-command.status.queued', { command: input.command, ahead }) });
          },
          onStep: (s) => {
            if (closed) return;
            node.status(stepStatus(s));
            if (withSteps) send([null, out(msg, s)]);
          },
        })
        .then((result) => {
          if (closed) return done();
          send([out(msg, result), null]);
          if (result.outcome === 'executed') return done();
          // Failed and timed-out commands reach Catch nodes too.
          const code = (ERROR_CODES as readonly string[]).includes(result.error?.code ?? '') ? (result.error?.code as ErrorCode) : 'UPSTREAM';
          done(new CarError(code, result.error?.message ?? result.outcome));
        })
        .catch((e: unknown) => {
          if (closed) return done();
          const err = toCarError(e);
          showError(err);
          done(err);
        });
    });

    const onState = (s: SessionState): void => {
      if (s.phase === 'blocked' || s.phase === 'tfa_required') node.status({ fill: 'red', shape: 'ring', text: s.code ?? 'AUTH_FAILED' });
    };
    session.on('state', onState);

    node.on('close', (_removed, done) => {
      closed = true;
      runner.close();
      session.off('state', onState);
      done();
    });

    node.status({});
  }

  RED.nodes.registerType('car-command', CarCommand as (this: RedNode, def: never) => void);
};
