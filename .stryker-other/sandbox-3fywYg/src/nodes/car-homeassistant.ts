// @ts-nocheck
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CommandResult, Vehicle, VehicleStatus } from '../core';
import type { SessionState } from '../features/challenge';
import type { CommandRunner } from '../features/commands';
import type { HaMessage, HaOptions } from '../features/home-assistant';
import { load } from './code';
import type { NodeDef, NodeStatus, RedApi, RedNode } from './red';

interface CarHomeAssistantDef extends NodeDef {
  account: string;
  vin?: string;
  broker?: string;
  prefix?: string;
  base?: string;
}

/** The part of Node-RED's mqtt-broker config node (core 10-mqtt.js) this node uses. */
interface MqttBroker {
  connected: boolean;
  connecting?: boolean;
  /** Changes the broker's address before it connects (10-mqtt.js, since Node-RED 2.2). */
  setOptions?(opts: { broker: string; port: number; usetls: boolean }, init?: boolean): void;
  register(node: RedNode): void;
  deregister(node: RedNode, done: () => void, autoDisconnect: boolean): void;
  subscribe(topic: string, options: { qos: 0 | 1 | 2 }, cb: (topic: string, payload: Buffer) => void, ref: string): void;
  unsubscribe(topic: string, ref: string, removeClientSubscription: boolean): void;
  /** Does nothing, and never calls done, while disconnected. */
  publish(msg: { topic: string; payload: string; qos: 0 | 1; retain: boolean }, done?: (err?: unknown) => void): void;
}
const isBroker = (n: unknown): n is MqttBroker =>
  typeof n === 'object' && n !== null && ['register', 'deregister', 'subscribe', 'unsubscribe', 'publish'].every((f) => typeof (n as Record<string, unknown>)[f] === 'function');

/** HA announces itself here (not retained): configs and states are sent again. */
const BIRTH_DELAY_MS = { min: 500, spread: 1_500 };
const VERSION = ((): string => {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export = function register(RED: RedApi): void {
  function CarHomeAssistant(this: RedNode, def: CarHomeAssistantDef): void {
    const { accountGuard, checkSettings, PACKAGE, StatusDot, userDirOf } = load.kit();
    const { commandFromTopic, discoveryConfigs, haBrokerOverride, HaPublishedSchema, HaSettingsSchema, locationDocument, removals, stateDocument, topics } = load.homeAssistant();
    const { CommandRunner } = load.commands();
    const { JsonFile, nodeFile } = load.tripStore();
    const { CarError, toCarError } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'optional' });
    if (!guarded) return;
    const { session } = guarded;
    const only = guarded.vin?.toUpperCase();
    const checked = checkSettings(RED, node, () => {
      const broker: unknown = def.broker ? RED.nodes.getNode(def.broker) : null;
      if (!isBroker(broker)) throw new CarError('BAD_INPUT', 'broker: choose an MQTT broker (a mqtt-broker config node)');
      const parsed = HaSettingsSchema.safeParse({ prefix: def.prefix || 'homeassistant', base: def.base || 'nrcc' });
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw new CarError('BAD_INPUT', `${i?.path.join('.') ?? 'prefix'}: ${i?.message ?? 'invalid'}`);
      }
      const options: HaOptions = { ...parsed.data, origin: { name: PACKAGE, sw_version: VERSION, support_url: 'https://github.com/connected-car/node-red-contrib-connected-car' } };
      return { broker, options, override: haBrokerOverride() };
    });
    if (!checked) return;
    const { broker, options, override } = checked;
    // CONNECTED_CAR_HA_BROKER (the demo): the broker on this machine, whatever the flow's broker node names.
    if (override && broker.setOptions && !broker.connected && !broker.connecting) {
      broker.setOptions({ broker: override.host, port: override.port, usetls: false });
      node.warn(RED._('car-homeassistant.errors.broker-env', { url: override.url }));
    }
    const dot = new StatusDot(RED, node, session);
    const file = new JsonFile(nodeFile(userDirOf(RED), 'homeassistant', node.id), HaPublishedSchema);
    const cars = new Map<string, Vehicle>();
    const merged = new Map<string, VehicleStatus>();
    /** The config topics last published per VIN, and their JSON: sent again only when they change (or HA asks). */
    const published = new Map<string, { topics: string[]; json: string }>();
    const runners = new Map<string, CommandRunner>();
    const timers = new Set<NodeJS.Timeout>();
    let closed = false;
    let lastPublishAt: number | undefined;

    const publish = (m: HaMessage): void => {
      if (!broker.connected || closed) return;
      broker.publish({ topic: m.topic, payload: typeof m.payload === 'string' ? m.payload : JSON.stringify(m.payload), qos: m.qos, retain: m.retain });
      lastPublishAt = Date.now();
    };
    const showOk = (): void => {
      if (!broker.connected) return;
      dot.ok(dot.text('car-homeassistant.status.published', { count: cars.size, at: lastPublishAt ? dot.time(lastPublishAt) : '' }));
    };
    const available = (s: SessionState): boolean => s.phase !== 'blocked' && s.phase !== 'tfa_required';
    const save = (): void => {
      const configs = Object.fromEntries([...published].map(([vin, p]) => [vin, p.topics]));
      file.save({ version: 1, configs }).catch((e: unknown) => node.warn(toCarError(e).message));
    };

    /** Configs when they changed (or `force`), then availability, state and location of one car. */
    const publishCar = (vin: string, force: boolean): void => {
      const v = cars.get(vin);
      if (!v || !broker.connected) return;
      const status = merged.get(vin);
      const doc = status ? stateDocument(status) : {};
      const configs = discoveryConfigs(options, v, doc, Boolean(status?.position), session.connection.capabilities(v).commands);
      const json = JSON.stringify(configs);
      const before = published.get(vin);
      if (force || before?.json !== json) {
        // Entities gone from the car's reports are deleted, not left as ghosts.
        const now = new Set(configs.map((c) => c.topic));
        for (const t of before?.topics ?? []) if (!now.has(t)) publish({ topic: t, payload: '', retain: true, qos: 1 });
        for (const c of configs) publish(c);
        published.set(vin, { topics: [...now], json });
        save();
      }
      const t = topics(options, vin);
      publish({ topic: t.availability, payload: available(session.state) ? 'online' : 'offline', retain: true, qos: 1 });
      if (status) {
        publish({ topic: t.state, payload: doc, retain: true, qos: 1 });
        const loc = locationDocument(status);
        if (loc) publish({ topic: t.location, payload: loc, retain: true, qos: 1 });
      }
      showOk();
    };
    const publishAll = (force: boolean): void => {
      for (const vin of cars.keys()) publishCar(vin, force);
    };

    const onStatus = (vin: string, s: VehicleStatus): void => {
      const key = vin.toUpperCase();
      if (!cars.has(key)) return;
      // A read may hold only some parts: keep the others from earlier reads.
      merged.set(key, { ...(merged.get(key) ?? {}), ...s });
      publishCar(key, false);
    };
    const onState = (s: SessionState): void => {
      for (const vin of cars.keys()) publish({ topic: topics(options, vin).availability, payload: available(s) ? 'online' : 'offline', retain: true, qos: 1 });
    };

    const runCommand = (topic: string, payload: Buffer): void => {
      let vin = '';
      let command = '';
      try {
        const press = commandFromTopic(options, topic, payload.toString('utf8'));
        vin = press.vin.toUpperCase();
        command = press.command;
        if (!cars.has(vin)) throw new CarError('BAD_INPUT', `this node publishes no car with VIN ${press.vin.slice(0, 20)}`);
      } catch (e) {
        const err = toCarError(e, 'BAD_INPUT');
        node.error(err, { topic, payload: undefined, error: err.toJSON() });
        return;
      }
      let runner = runners.get(vin);
      // unlock is never among HA's commands; the runner refuses it anyway (allowUnlock false).
      if (!runner) runners.set(vin, (runner = new CommandRunner({ session, vin, allowUnlock: false })));
      const t = topics(options, vin);
      void runner
        .run({ command: command as CommandResult['command'] }, {
          onStep: (s) => {
            if (!closed) publish({ topic: t.commandResult, payload: { command: s.command, outcome: s.step, at: s.at }, retain: true, qos: 1 });
          },
        })
        .then((result) => {
          if (closed) return;
          publish({ topic: t.commandResult, payload: { command: result.command, outcome: result.outcome, at: new Date().toISOString(), ...(result.error ? { code: result.error.code } : {}) }, retain: true, qos: 1 });
          node.send({ topic: `car/${vin}/command`, payload: result });
          if (result.outcome !== 'executed') node.error(new CarError('UPSTREAM', `${result.command}: ${result.outcome}${result.error ? ` (${result.error.code})` : ''}`), { topic: `car/${vin}/command`, payload: result });
        })
        .catch((e: unknown) => {
          if (closed) return;
          const err = toCarError(e);
          node.error(err, { topic: `car/${vin}/command`, payload: undefined, error: err.toJSON() });
        });
    };

    // The broker tells its users about its connection through their status: that is the only
    // connect event Node-RED's mqtt-broker offers. Configs go out on every (re)connect.
    const ownStatus = node.status.bind(node);
    node.status = (s: NodeStatus): void => {
      const text = s.text ?? '';
      if (!text.startsWith('node-red:common.status.')) return ownStatus(s);
      if (text.endsWith('.connected')) {
        publishAll(true);
        if (!cars.size) dot.waiting(dot.text('car-homeassistant.status.waiting'));
      } else if (!closed) dot.set({ fill: s.fill === 'red' ? 'red' : 'yellow', shape: 'ring', text: RED._(text.endsWith('.connecting') ? 'car-homeassistant.status.broker-connecting' : 'car-homeassistant.status.broker-down') });
    };

    const birthTopic = `${options.prefix}/status`;
    const commandTopic = `${options.base}/+/command/+`;
    broker.register(node);
    broker.subscribe(birthTopic, { qos: 0 }, (_t, payload) => {
      if (payload.toString('utf8') !== 'online') return;
      // HA's advice: a small random delay, so that all integrations do not answer at once.
      const timer = setTimeout(() => {
        timers.delete(timer);
        publishAll(true);
      }, BIRTH_DELAY_MS.min + Math.random() * BIRTH_DELAY_MS.spread);
      timers.add(timer);
    }, node.id);
    broker.subscribe(commandTopic, { qos: 1 }, runCommand, node.id);
    session.on('status', onStatus);
    session.on('state', onState);

    void (async () => {
      const stored = await file.load();
      const list = await session.vehicles();
      if (closed) return;
      for (const v of list) {
        const vin = v.vin.toUpperCase();
        if (only && vin !== only) continue;
        cars.set(vin, v);
        const cached = session.cachedStatus(v.vin);
        if (cached) merged.set(vin, cached);
      }
      // A car that left the account (or the node's choice) takes its entities with it.
      for (const [vin, configTopics] of Object.entries(stored.data?.configs ?? {})) {
        if (cars.has(vin)) published.set(vin, { topics: configTopics, json: '' });
        else for (const m of removals(configTopics, options, vin)) publish(m);
      }
      save();
      publishAll(false);
    })().catch((e: unknown) => {
      if (closed) return;
      const err = toCarError(e);
      dot.error(err);
      node.error(err, { topic: 'homeassistant', payload: undefined, error: err.toJSON() });
    });

    node.on('close', (removed, done) => {
      for (const timer of timers) clearTimeout(timer);
      session.off('status', onStatus);
      session.off('state', onState);
      for (const r of runners.values()) r.close();
      // Deleted: HA's entities go too (empty retained configs and states). Redeployed: unavailable until the new node publishes.
      for (const vin of cars.keys()) {
        if (removed) for (const m of removals(published.get(vin)?.topics ?? [], options, vin)) publish(m);
        else publish({ topic: topics(options, vin).availability, payload: 'offline', retain: true, qos: 1 });
      }
      closed = true;
      broker.unsubscribe(birthTopic, node.id, removed);
      broker.unsubscribe(commandTopic, node.id, removed);
      const finish = (): void => {
        broker.deregister(node, done, removed);
      };
      if (removed) void file.remove().catch(() => undefined).finally(finish);
      else finish();
    });
  }

  RED.nodes.registerType('car-homeassistant', CarHomeAssistant as (this: RedNode, def: never) => void);
};
