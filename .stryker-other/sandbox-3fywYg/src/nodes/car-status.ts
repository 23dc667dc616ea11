// @ts-nocheck
import type { CarError, VehicleStatus } from '../core';
import type { StatusWithMissing } from '../features/session';
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
    const { areaRequestFrom, mapMarker, reachableArea } = load.map();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'required' });
    if (!guarded) return;
    const { session, vin } = guarded;
    const parts = checkSettings(RED, node, () => parseParts(def.parts));
    if (!parts) return;
    // Empty or 0: only on input (no background reads).
    const minutes = checkSettings(RED, node, () => parseIntervalMinutes(def.interval, 10));
    if (minutes === undefined) return;
    const poller = new StatusPoller({
      session,
      vin,
      parts,
      intervalMs: minutes * 60_000,
      onlyOnChange: def.onlyOnChange === true,
      adaptive: def.adaptive !== false,
    });
    const dot = new StatusDot(RED, node, session);
    const words = {
      locked: dot.word('car-status.words.locked'),
      unlocked: dot.word('car-status.words.unlocked'),
      charging: dot.word('car-status.words.charging'),
      plugged: dot.word('car-status.words.plugged'),
    };
    const vehicle = knownVehicle(session, vin);
    const topic = `car/${vin}/status`;

    const showStatus = (s: VehicleStatus): void => {
      const text = summarize(s, words);
      if (isStale(s, session.clock.now()) && s.updatedAt) {
        dot.set({ fill: 'grey', shape: 'dot', text: dot.text('car-status.status.stale', { since: dot.time(s.updatedAt, 'ago'), summary: text }) });
      } else {
        // Parts that failed this time (a hanging endpoint, an outage), not those the car lacks: say which.
        const failed = ((s as StatusWithMissing).missing ?? []).filter((m) => m.code !== 'NOT_SUPPORTED').map((m) => m.part);
        dot.ok(failed.length ? dot.text('car-status.status.partial', { summary: text, parts: failed.join(', ') }) : text);
      }
    };
    /** msg.map: the car as a worldmap marker; msg.area: the reachable area as GeoJSON, when the input asked for it. */
    const message = (s: VehicleStatus, base: NodeMessage = {}, area?: { roadFactor: number; points: number }): NodeMessage => {
      const { missing, ...payload } = s as VehicleStatus & { missing?: unknown };
      const marker = mapMarker(vehicle(), s);
      const reach = area ? reachableArea(s, area) : undefined;
      const { area: _asked, ...rest } = base;
      return { ...rest, topic, payload, vehicle: vehicle(), ...(missing ? { missing } : {}), ...(marker ? { map: marker } : {}), ...(reach ? { area: reach } : {}) };
    };

    poller.on('status', (e: StatusEvent) => {
      showStatus(e.status);
      node.send(message(e.status));
    });
    poller.on('waiting', (err: CarError) => dot.error(err));
    let warned = false;
    poller.on('interval', (plan: IntervalPlan) => {
      const every = Math.round(plan.effectiveMs / 60_000);
      dot.note(plan.limited ? dot.text('car-status.status.quota-interval', { minutes: every }) : undefined);
      if (plan.limited && !warned) {
        warned = true;
        node.warn(
          RED._('car-status.errors.quota-interval', {
            set: Math.round(plan.setMs / 60_000),
            minutes: every,
            perHour: plan.callsPerHour,
            wanted: plan.wantedPerHour,
            pollers: plan.pollers,
            perRead: plan.perRead,
          }),
        );
      }
    });
    poller.on('error', (err: CarError) => reportError(node, dot, topic, err));

    handleInput(node, dot, async (msg, send) => {
      const area = areaRequestFrom(msg.area);
      dot.busy();
      const e = await poller.read('request');
      showStatus(e.status);
      send(message(e.status, msg, area));
    });

    node.on('close', (_removed, done) => {
      poller.stop();
      done();
    });

    if (poller.onlyOnInput) dot.set({ fill: 'grey', shape: 'ring', text: dot.text('car-status.status.on-input') });
    else dot.waiting();
    poller.start();
  }

  RED.nodes.registerType('car-status', CarStatus as (this: RedNode, def: never) => void);
};
