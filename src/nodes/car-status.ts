import type { CarError, VehicleStatus } from '../core';
import type { IntervalPlan, StatusEvent } from '../features/status';
import { load } from './code';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarStatusDef extends NodeDef {
  account: string;
  vin: string;
  interval?: string | number;
  parts?: string;
  onlyOnChange?: boolean;
  adaptive?: boolean;
}

export = function register(RED: RedApi): void {
  function CarStatus(this: RedNode, def: CarStatusDef): void {
    const { accountGuard, checkSettings, handleInput, knownVehicle, reportError, StatusDot } = load.kit();
    const { isStale, parseParts, parseIntervalMinutes, StatusPoller, summarize } = load.status();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'required' });
    if (!guarded) return;
    const { session, vin } = guarded;
    const parts = checkSettings(node, () => parseParts(def.parts));
    if (!parts) return;
    // Empty or 0: only on input (no background reads).
    const minutes = checkSettings(node, () => parseIntervalMinutes(def.interval, 10));
    if (minutes === undefined) return;
    const poller = new StatusPoller({
      session,
      vin,
      parts,
      intervalMs: minutes * 60_000,
      onlyOnChange: def.onlyOnChange === true,
      adaptive: def.adaptive !== false,
    });
    const words = {
      locked: RED._('car-status.words.locked'),
      unlocked: RED._('car-status.words.unlocked'),
      charging: RED._('car-status.words.charging'),
      plugged: RED._('car-status.words.plugged'),
    };
    const dot = new StatusDot(RED, node, session);
    const vehicle = knownVehicle(session, vin);
    const topic = `car/${vin}/status`;

    const showStatus = (s: VehicleStatus): void => {
      const text = summarize(s, words);
      if (isStale(s, session.clock.now()) && s.updatedAt) {
        dot.set({ fill: 'grey', shape: 'dot', text: RED._('car-status.status.stale', { since: s.updatedAt.slice(0, 16).replace('T', ' '), summary: text }) });
      } else {
        dot.ok(text);
      }
    };
    const message = (s: VehicleStatus, base: NodeMessage = {}): NodeMessage => {
      const { missing, ...payload } = s as VehicleStatus & { missing?: unknown };
      return { ...base, topic, payload, vehicle: vehicle(), ...(missing ? { missing } : {}) };
    };

    poller.on('status', (e: StatusEvent) => {
      showStatus(e.status);
      node.send(message(e.status));
    });
    poller.on('waiting', (err: CarError) => dot.error(err));
    let warned = false;
    poller.on('interval', (plan: IntervalPlan) => {
      const every = Math.round(plan.effectiveMs / 60_000);
      dot.note(plan.limited ? RED._('car-status.status.quota-interval', { minutes: every }) : undefined);
      if (plan.limited && !warned) {
        warned = true;
        node.warn(
          RED._('car-status.errors.quota-interval', {
            set: Math.round(plan.setMs / 60_000),
            minutes: every,
            perHour: plan.callsPerHour,
            pollers: plan.pollers,
            perRead: plan.perRead,
          }),
        );
      }
    });
    poller.on('error', (err: CarError) => reportError(node, dot, topic, err));

    handleInput(node, dot, async (msg, send) => {
      dot.busy();
      const e = await poller.read('request');
      showStatus(e.status);
      send(message(e.status, msg));
    });

    node.on('close', (_removed, done) => {
      poller.stop();
      done();
    });

    if (poller.onlyOnInput) dot.set({ fill: 'grey', shape: 'ring', text: RED._('car-status.status.on-input') });
    else dot.waiting();
    poller.start();
  }

  RED.nodes.registerType('car-status', CarStatus as (this: RedNode, def: never) => void);
};
