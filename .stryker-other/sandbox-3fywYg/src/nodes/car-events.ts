// @ts-nocheck
import type { VehicleStatus } from '../core';
import type { CarEvent } from '../core/events';
import type { EventState, EventStep } from '../features/car-events';
import { load } from './code';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarEventsDef extends NodeDef {
  account?: string;
  vin?: string;
  events?: unknown;
  leftOpenMinutes?: string | number;
  batteryLowPercent?: string | number;
  movedMetres?: string | number;
  staleHours?: string | number;
  emitInitial?: boolean;
}

/** The longest a timer waits before the next look (setTimeout's own limit is about 24.8 days). */
const MAX_WAIT_MS = 6 * 3_600_000;

export = function register(RED: RedApi): void {
  function CarEvents(this: RedNode, def: CarEventsDef): void {
    const { accountGuard, checkSettings, handleInput, StatusDot, userDirOf } = load.kit();
    const { emptyEventState, eventOptionsFrom, nextTickAt, observe, statusInputFrom, StoredEventsSchema, tick } = load.carEvents();
    const { JsonFile, nodeFile } = load.tripStore();
    const { toCarError } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    // Without an account the node takes statuses on its input (from car-status, any brand).
    const guarded = accountGuard(RED, node, def, { account: 'optional', vehicle: 'optional' });
    if (!guarded) return;
    const options = checkSettings(RED, node, () => eventOptionsFrom(def as unknown as Record<string, unknown>));
    if (!options) return;
    const { session, vin } = guarded;
    const dot = new StatusDot(RED, node, session);
    const file = new JsonFile(nodeFile(userDirOf(RED), 'events', node.id), StoredEventsSchema);
    const states = new Map<string, EventState>();
    let told = 0;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const send = (events: CarEvent[], sendFn: (m: NodeMessage) => void, base?: NodeMessage): void => {
      for (const e of events) {
        sendFn({ ...(base ?? {}), topic: `car/${e.vin}/event/${e.name}`, payload: e });
        told += 1;
        dot.ok(dot.text('car-events.status.last', { count: told, event: dot.text(`car-events.names.${e.name}`), at: dot.time(e.at) }));
      }
    };
    const persist = (): void => {
      file.save({ version: 1, vins: Object.fromEntries(states) }).catch((e: unknown) => node.warn(toCarError(e).message));
    };
    const schedule = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (closed) return;
      const due = [...states.values()].map((s) => nextTickAt(s, options)).filter((t): t is number => t !== undefined);
      if (!due.length) return;
      const wait = Math.min(MAX_WAIT_MS, Math.max(0, Math.min(...due) - Date.now()));
      timer = setTimeout(onTick, wait);
    };
    const apply = (v: string, step: EventStep, sendFn: (m: NodeMessage) => void, base?: NodeMessage): void => {
      states.set(v, step.state);
      send(step.events, sendFn, base);
      persist();
      schedule();
    };
    function onTick(): void {
      timer = undefined;
      for (const [v, s] of states) {
        const step = tick(s, options!, v, Date.now());
        if (step.events.length) apply(v, step, (m) => node.send(m));
      }
      schedule();
    }
    const follow = (s: VehicleStatus, sendFn: (m: NodeMessage) => void, base?: NodeMessage): void => {
      apply(s.vin, observe(states.get(s.vin) ?? emptyEventState(), s, options, Date.now()), sendFn, base);
    };

    // States from before a restart or redeploy: a change while Node-RED was down is still told once.
    const ready = file.load().then(({ data, damaged }) => {
      if (damaged) node.warn(RED._('car-events.errors.damaged-file'));
      for (const [v, s] of Object.entries(data?.vins ?? {})) if (!states.has(v)) states.set(v, s);
      if (!told) dot.waiting(dot.text('car-events.status.waiting'));
      schedule();
    });
    const onStatus = (v: string, s: VehicleStatus): void => {
      if (vin && v.toUpperCase() !== vin.toUpperCase()) return;
      void ready.then(() => {
        if (!closed) follow(s, (m) => node.send(m));
      });
    };
    session?.on('status', onStatus);

    handleInput(node, dot, async (msg, sendFn) => {
      const s = statusInputFrom(msg.payload);
      await ready;
      follow(s, (m) => sendFn(m), msg);
    });

    node.on('close', (removed, done) => {
      closed = true;
      if (timer) clearTimeout(timer);
      session?.off('status', onStatus);
      // A deleted node takes its file with it; a redeploy keeps what was already told.
      void (removed ? file.remove() : Promise.resolve()).catch(() => undefined).finally(done);
    });
  }

  RED.nodes.registerType('car-events', CarEvents as (this: RedNode, def: never) => void);
};
