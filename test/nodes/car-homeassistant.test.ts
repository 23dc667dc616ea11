/**
 * Home Assistant discovery against a real broker: Mosquitto from Debian, started on a free port
 * of 127.0.0.1; the test subscribes as Home Assistant would and checks every config against the
 * fields HA requires (home-assistant.io integrations/mqtt; core sensor/const.py).
 */
import { describe, it, before, after, afterEach } from 'mocha';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import { ManualClock } from '../../src/core';
import { collect, helper, helpers, nodeModule, until, untilDriving, useNodeRed, type NodeRedFixture } from './nr-helper';
import { HA_BROKER_ENV } from '../../src/features/home-assistant';

const ZOE = 'VF1AG000862Z50001';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttNodes = require('@node-red/nodes/core/network/10-mqtt.js') as unknown;
const nodes = [nodeModule('car-account'), nodeModule('car-homeassistant'), mqttNodes];

/** A port nobody listens on now (Mosquitto cannot be told to take port 0). */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function startMosquitto(): Promise<{ proc: ChildProcess; port: number; dir: string }> {
  const which = spawnSync('sh', ['-c', 'command -v mosquitto || ls /usr/sbin/mosquitto'], { encoding: 'utf8' });
  const bin = which.stdout.trim().split('\n')[0];
  if (!bin) throw new Error('Mosquitto is needed for this test: apt-get install -y mosquitto');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  await fs.writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const proc = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    'Mosquitto listening',
    50,
  );
  return { proc, port, dir };
}

/** Home Assistant's side: every retained config and state as it arrives. */
class FakeHomeAssistant {
  readonly retained = new Map<string, string>();
  readonly received: { topic: string; payload: string; retain: boolean }[] = [];
  private constructor(readonly client: MqttClient) {}
  static async connect(port: number): Promise<FakeHomeAssistant> {
    const { connectAsync } = await import('mqtt');
    const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `ha-${process.pid}-${Date.now()}`, reconnectPeriod: 0 });
    const ha = new FakeHomeAssistant(client);
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      ha.received.push({ topic, payload: text, retain: packet.retain });
      if (text === '') ha.retained.delete(topic);
      else ha.retained.set(topic, text);
    });
    await client.subscribeAsync(['homeassistant/#', 'nrcc/#'], { qos: 1 });
    return ha;
  }
  configs(): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const [t, p] of this.retained) if (t.startsWith('homeassistant/') && t.endsWith('/config')) out.set(t, JSON.parse(p) as Record<string, unknown>);
    return out;
  }
  /** Published by the running node itself (a broker replays retained messages with the retain flag set). */
  live(topic: string, payload?: string): boolean {
    return this.received.some((r) => !r.retain && r.topic === topic && (payload === undefined || r.payload === payload));
  }
  /** Empties every retained topic seen, so the next test starts from a clean broker. */
  async clear(): Promise<void> {
    for (const topic of [...this.retained.keys()]) await this.client.publishAsync(topic, '', { retain: true, qos: 1 });
  }
  json(topic: string): Record<string, unknown> | undefined {
    const p = this.retained.get(topic);
    return p ? (JSON.parse(p) as Record<string, unknown>) : undefined;
  }
}

/** Units and state classes HA accepts with each device class (core sensor/const.py). */
const SENSOR_CLASSES: Record<string, { units: (string | undefined)[]; stateClasses: (string | undefined)[] }> = {
  battery: { units: ['%'], stateClasses: ['measurement'] },
  distance: { units: ['km'], stateClasses: ['measurement', 'total', 'total_increasing'] },
  power: { units: ['kW', 'W'], stateClasses: ['measurement'] },
  duration: { units: ['min', 's', 'h', 'd'], stateClasses: ['measurement', 'total', 'total_increasing'] },
  temperature: { units: ['°C'], stateClasses: ['measurement'] },
  timestamp: { units: [undefined], stateClasses: [undefined] },
};
const BINARY_CLASSES = ['plug', 'battery_charging', 'lock', 'door', 'window'];

function checkConfig(topic: string, c: Record<string, unknown>): void {
  const m = /^homeassistant\/(sensor|binary_sensor|device_tracker|button)\/(nrcc_[A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/config$/.exec(topic);
  assert.ok(m, `topic ${topic}`);
  const [, component, nodeId, objectId] = m;
  assert.equal(c.unique_id, `${nodeId}_${objectId}`, `${topic}: unique_id from the VIN and key`);
  assert.equal(c.object_id, undefined, 'object_id is deprecated (HA 2025.10)');
  assert.match(String(c.default_entity_id), new RegExp(`^${component}\\.[a-z0-9_]+$`));
  const device = c.device as Record<string, unknown>;
  assert.ok(Array.isArray(device.identifiers) && device.identifiers.length === 1 && typeof device.name === 'string', `${topic}: full device block`);
  assert.equal((c.origin as Record<string, unknown>).name, 'node-red-contrib-connected-car');
  const availability = c.availability as { topic: string }[];
  assert.ok(Array.isArray(availability) && typeof availability[0]?.topic === 'string' && c.availability_topic === undefined, `${topic}: availability list only`);
  if (component === 'sensor') {
    assert.equal(typeof c.state_topic, 'string', `${topic}: state_topic`);
    if (c.device_class !== undefined) {
      const allowed = SENSOR_CLASSES[String(c.device_class)];
      assert.ok(allowed, `${topic}: device_class ${String(c.device_class)}`);
      assert.ok(allowed.units.includes(c.unit_of_measurement as string | undefined), `${topic}: unit ${String(c.unit_of_measurement)}`);
      assert.ok(allowed.stateClasses.includes(c.state_class as string | undefined), `${topic}: state_class ${String(c.state_class)}`);
    }
  } else if (component === 'binary_sensor') {
    assert.equal(typeof c.state_topic, 'string');
    assert.ok(BINARY_CLASSES.includes(String(c.device_class)), `${topic}: device_class`);
    assert.deepEqual([c.payload_on, c.payload_off], ['ON', 'OFF']);
  } else if (component === 'device_tracker') {
    assert.equal(typeof c.json_attributes_topic, 'string');
    assert.equal(c.state_topic, undefined, 'state_topic is deprecated for device_tracker');
  } else {
    assert.equal(typeof c.command_topic, 'string', `${topic}: command_topic`);
    assert.equal(c.payload_press, 'PRESS');
    assert.equal(c.retain, undefined, 'command topics are never retained');
  }
  assert.doesNotMatch(String(c.name ?? ''), /ZOE|Zoe/, 'entity names do not repeat the car name');
}

/** Mosquitto for the describe, a fake Home Assistant for each test (cleared after it), and the flow under test. */
function useHomeAssistantRig(fx: NodeRedFixture): { readonly port: number; connect(): Promise<FakeHomeAssistant>; flow(): unknown[] } {
  let broker: { proc: ChildProcess; port: number; dir: string } | undefined;
  let ha: FakeHomeAssistant | undefined;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    broker?.proc.kill();
    if (broker) await fs.rm(broker.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await ha?.clear();
    await ha?.client.endAsync(true);
    ha = undefined;
  });
  const rig = {
    get port(): number {
      if (!broker) throw new Error('Mosquitto starts in before()');
      return broker.port;
    },
    async connect(): Promise<FakeHomeAssistant> {
      ha = await FakeHomeAssistant.connect(rig.port);
      return ha;
    },
    flow: (): unknown[] =>
      fx.flow([
        { id: 'mqtt', type: 'mqtt-broker', broker: '127.0.0.1', port: String(rig.port), clientid: '', autoConnect: true, usetls: false, protocolVersion: '4', keepalive: '60', cleansession: true },
        { id: 'ha', type: 'car-homeassistant', account: 'acc', vin: ZOE, broker: 'mqtt', prefix: 'homeassistant', base: 'nrcc', wires: [['out']] },
        ...helpers('out'),
      ]),
  };
  return rig;
}

describe('car-homeassistant node (against Mosquitto)', function () {
  this.timeout(30_000);
  const fx = useNodeRed();
  const rig = useHomeAssistantRig(fx);
  const flow = (): unknown[] => rig.flow();

  it('publishes retained configs HA accepts, the state and location they read, and availability', async () => {
    const ha = await rig.connect();
    await helper.load(nodes, flow(), fx.credentials());
    const car = fx.sim.renault.car(ZOE);
    await until(() => ha.live(`nrcc/${ZOE}/availability`, 'online'));
    // A status read by any node of the account reaches HA.
    const session = (helper.getNode('acc') as unknown as { session: import('../../src/features/session').AccountSession }).session;
    await session.readStatus(ZOE, ['battery', 'charging', 'lock', 'position', 'mileage', 'climate'], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => ha.json(`nrcc/${ZOE}/state`)?.soc !== undefined && ha.json(`nrcc/${ZOE}/location`) !== undefined);
    const configs = ha.configs();
    for (const [t, c] of configs) checkConfig(t, c);
    const keys = [...configs.keys()].map((t) => t.split('/').slice(1, 2).concat(t.split('/')[3] ?? '').join('/')).sort();
    // The ZOE reports no lock state (Renault's grid): no lock entity for it.
    assert.ok(!keys.includes('binary_sensor/lock'));
    for (const want of ['sensor/soc', 'sensor/range', 'sensor/mileage', 'binary_sensor/plugged', 'binary_sensor/charging', 'device_tracker/location', 'button/climate_start']) {
      assert.ok(keys.includes(want), `${want} in ${keys.join(', ')}`);
    }
    assert.ok(!keys.some((k) => /unlock|\/lock$/.test(k) && k.startsWith('button')), 'no unlock or lock button');
    // Values are the simulated car's, as JSON numbers; lock inverted by the template only.
    const state = ha.json(`nrcc/${ZOE}/state`)!;
    assert.equal(state.soc, car.reportedBattery.soc);
    assert.equal(typeof state.range_km, 'number');
    assert.equal(state.plugged, car.reportedBattery.plugged);
    const loc = ha.json(`nrcc/${ZOE}/location`)!;
    assert.deepEqual([typeof loc.latitude, typeof loc.longitude], ['number', 'number']);
    assert.ok(Math.abs((loc.latitude as number) - car.reportedPosition.lat) < 1e-6);
    // Retained: HA connecting later gets every config, the state and the location.
    const later = await FakeHomeAssistant.connect(rig.port);
    try {
      await until(() => later.configs().size === configs.size && later.json(`nrcc/${ZOE}/state`)?.soc === state.soc && later.json(`nrcc/${ZOE}/location`) !== undefined);
    } finally {
      await later.client.endAsync(true);
    }
  });

  it('sends every config again when HA announces itself online (its birth message is not retained)', async () => {
    const ha = await rig.connect();
    await helper.load(nodes, flow(), fx.credentials());
    await until(() => ha.live(`nrcc/${ZOE}/availability`, 'online'));
    const count = (): number => ha.received.filter((r) => r.topic.endsWith('/config') && r.payload !== '').length;
    const before = count();
    await ha.client.publishAsync('homeassistant/status', 'online');
    await until(() => count() >= before + ha.configs().size);
  });

  it('publishes the configs and the newest state again when its broker connection comes back (a status read while it was down included)', async () => {
    const ha = await rig.connect();
    const clientId = `nrcc-reconnect-${process.pid}`;
    await helper.load(nodes, flow().map((n) => ((n as { id?: string }).id === 'mqtt' ? { ...(n as object), clientid: clientId } : n)), fx.credentials());
    const session = (helper.getNode('acc') as unknown as { session: import('../../src/features/session').AccountSession }).session;
    const car = fx.sim.renault.car(ZOE);
    await session.readStatus(ZOE, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    await until(() => ha.json(`nrcc/${ZOE}/state`)?.soc === car.reportedBattery.soc, 'the first state');
    const configs = (): number => ha.received.filter((r) => r.topic.endsWith('/config') && r.payload !== '').length;
    const before = configs();
    // Another client with the node's client id: Mosquitto hands the session over and drops the node's connection.
    const broker = helper.getNode('mqtt') as unknown as { connected: boolean };
    const { connectAsync } = await import('mqtt');
    const other = await connectAsync(`mqtt://127.0.0.1:${rig.port}`, { clientId, reconnectPeriod: 0 });
    await until(() => !broker.connected, 'the node disconnected');
    await other.endAsync(true);
    // While it is down the car's state of charge changes and is read: nothing can be published yet.
    const old = ha.json(`nrcc/${ZOE}/state`)?.soc;
    car.soc = Number(old) > 50 ? 30 : 70;
    await session.readStatus(ZOE, ['battery'], { kind: 'explicit', maxAgeMs: 0 });
    assert.equal(ha.json(`nrcc/${ZOE}/state`)?.soc, old, 'not published while the broker was away');
    await until(() => broker.connected, 'the node connected again');
    await until(() => configs() >= before + ha.configs().size && ha.json(`nrcc/${ZOE}/state`)?.soc === car.reportedBattery.soc, 'configs and the newest state again');
    assert.notEqual(car.reportedBattery.soc, old);
  });

  it('refuses a command HA cannot send (unlock) and acts on nothing', async () => {
    const ha = await rig.connect();
    await helper.load(nodes, flow(), fx.credentials());
    await until(() => ha.live(`nrcc/${ZOE}/availability`, 'online'));
    const acts = (): number => Object.entries(fx.sim.renault.stats.byEndpoint).filter(([k]) => k.startsWith('actions/') || k.startsWith('kcm/')).reduce((n, [, c]) => n + c, 0);
    const actions = acts();
    const caught = collect(helper.getNode('caught'));
    await ha.client.publishAsync(`nrcc/${ZOE}/command/unlock`, 'PRESS');
    await until(() => caught.length === 1);
    assert.equal((caught[0]?.error as { code?: string }).code, 'BAD_INPUT');
    assert.equal(acts(), actions, 'nothing sent to the car');
  });

  it('publishes to the broker CONNECTED_CAR_HA_BROKER names, whatever the broker node says (the demo\'s broker for an imported example), and warns once', async () => {
    const ha = await rig.connect();
    process.env[HA_BROKER_ENV] = `mqtt://127.0.0.1:${rig.port}`;
    try {
      const nodesOfFlow = (flow() as Record<string, unknown>[]).map((n) => (n.id === 'mqtt' ? { ...n, broker: 'homeassistant.invalid', port: '1883' } : n));
      await helper.load(nodes, nodesOfFlow, fx.credentials());
      await until(() => ha.live(`nrcc/${ZOE}/availability`, 'online'));
      const warn = helper.getNode('ha').warn as unknown as { args?: unknown[][] };
      assert.equal((warn.args ?? []).filter((a) => /car-homeassistant\.errors\.broker-env/.test(String(a[0]))).length, 1);
    } finally {
      delete process.env[HA_BROKER_ENV];
    }
  });

  it('removes its entities (empty retained configs and states) when the node is deleted', async () => {
    const ha = await rig.connect();
    await helper.load(nodes, flow(), fx.credentials());
    await until(() => ha.live(`nrcc/${ZOE}/availability`, 'online') && ha.configs().size > 3);
    await (helper.getNode('ha') as unknown as { close(removed: boolean): Promise<void> }).close(true);
    await until(() => ha.configs().size === 0 && !ha.retained.has(`nrcc/${ZOE}/availability`));
  });
});

describe('car-homeassistant node on a clock the test moves (against Mosquitto)', function () {
  this.timeout(30_000);
  // The simulated car shares the clock, so that its answers carry the times the runner waits for.
  const clock = new ManualClock(Date.now());
  const fx = useNodeRed({ sim: { clock }, settings: { connectedCarClock: clock } });
  const rig = useHomeAssistantRig(fx);
  const flow = (): unknown[] => rig.flow();

  it('runs a press of "Start climate" through car-command\'s runner and publishes the outcome', async () => {
    const ha = await rig.connect();
    await helper.load(nodes, flow(), fx.credentials());
    const out = collect(helper.getNode('out'));
    await until(() => ha.live(`homeassistant/button/nrcc_${ZOE}/climate_start/config`));
    const car = fx.sim.renault.car(ZOE);
    car.hvacOn = false;
    await ha.client.publishAsync(`nrcc/${ZOE}/command/climate_start`, 'PRESS');
    // The runner looks at the car on the account's clock (every 15 s for the default 120 s timeout).
    await untilDriving(clock, () => out.length === 1, 'the outcome');
    assert.equal((out[0]?.payload as { outcome?: string }).outcome, 'executed');
    assert.equal(car.hvacOn, true);
    await until(() => ha.json(`nrcc/${ZOE}/command/result`)?.outcome === 'executed');
    assert.equal(ha.json(`nrcc/${ZOE}/command/result`)?.command, 'climate_start');
  });
});
