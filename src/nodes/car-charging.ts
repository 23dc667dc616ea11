import type { CarError, ChargingSettings } from '../core';
import type { IntervalPlan } from '../features/status';
import { load } from './code';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarChargingDef extends NodeDef {
  account: string;
  vin: string;
  /** Minutes between background reads; 0 or empty = only on input. */
  interval?: string | number;
  /** Seconds to wait after a write before reading the settings back. */
  reread?: string | number;
}

export = function register(RED: RedApi): void {
  function CarCharging(this: RedNode, def: CarChargingDef): void {
    const { accountGuard, checkSettings, handleInput, knownVehicle, reportError, StatusDot } = load.kit();
    const { ChargingPoller, chargingSettingsFrom, parseChargingInput, readCharging, summarizeCharging, writeAndReadBack } = load.charging();
    const { CarError } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'required' });
    if (!guarded) return;
    const { session, vin } = guarded;
    // Interval empty or 0: only on input (no background reads, no share of the budget).
    const settings = checkSettings(RED, node, () => chargingSettingsFrom(def));
    if (settings === undefined) return;
    const { minutes, rereadDelayMs } = settings;
    const dot = new StatusDot(RED, node, session);
    const words = {
      always: dot.word('car-charging.words.always'),
      scheduled: dot.word('car-charging.words.scheduled'),
      delayed: dot.word('car-charging.words.delayed'),
      ready: dot.word('car-charging.words.ready'),
    };
    const vehicle = knownVehicle(session, vin);
    const topic = `car/${vin}/charging`;
    const aborts = new Set<AbortController>();

    const showSettings = (s: ChargingSettings): void => dot.ok(summarizeCharging(s, words, session.clock.now()));
    const message = (s: ChargingSettings, base: NodeMessage = {}): NodeMessage => ({ ...base, topic, payload: s, vehicle: vehicle() });

    const poller = minutes > 0 ? new ChargingPoller(session, vin, minutes * 60_000) : undefined;
    poller?.on('settings', (s: ChargingSettings) => {
      showSettings(s);
      node.send(message(s));
    });
    poller?.on('error', (err: CarError) => reportError(node, dot, topic, err));
    let warned = false;
    poller?.on('interval', (plan: IntervalPlan) => {
      const every = Math.round(plan.effectiveMs / 60_000);
      dot.note(plan.limited ? dot.text('car-charging.status.quota-interval', { minutes: every }) : undefined);
      if (plan.limited && !warned) {
        warned = true;
        node.warn(RED._('car-charging.errors.quota-interval', { set: Math.round(plan.setMs / 60_000), minutes: every, perHour: plan.callsPerHour, wanted: plan.wantedPerHour, pollers: plan.pollers, perRead: plan.perRead }));
      }
    });

    handleInput(node, dot, async (msg, send) => {
      const request = parseChargingInput(msg.payload);
      if (request.action === 'read') {
        dot.busy();
        const s = await readCharging(session, vin, 'explicit');
        showSettings(s);
        send(message(s, msg));
        return;
      }
      dot.busy(dot.text('car-charging.status.writing'));
      const abort = new AbortController();
      aborts.add(abort);
      // Shown while the cloud passes the change on to the car.
      const onSent = (): void => dot.set({ fill: 'blue', shape: 'ring', text: dot.text('car-charging.status.sent', { seconds: Math.round(rereadDelayMs / 1000) }) });
      try {
        const r = await writeAndReadBack(session, vin, request.change, { rereadDelayMs, signal: abort.signal, onSent });
        if (r.applied) showSettings(r.settings);
        else dot.set({ fill: 'yellow', shape: 'ring', text: dot.text('car-charging.status.pending') });
        send({ ...message(r.settings, msg), actionIds: r.actionIds, applied: r.applied });
      } finally {
        aborts.delete(abort);
      }
    });

    node.on('close', (_removed, done) => {
      poller?.stop();
      for (const a of aborts) a.abort(new CarError('NETWORK', 'the node was closed (redeploy)'));
      aborts.clear();
      done();
    });

    if (poller) dot.waiting();
    else dot.set({ fill: 'grey', shape: 'ring', text: dot.text('car-charging.status.on-input') });
    poller?.start();
  }

  RED.nodes.registerType('car-charging', CarCharging as (this: RedNode, def: never) => void);
};
