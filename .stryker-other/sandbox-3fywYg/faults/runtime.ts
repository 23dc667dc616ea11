/**
 * A real Node-RED runtime (node-red-node-test-helper) beside the cloud simulator, both on one
 * virtual clock, for `npm run faults` and `npm run soak`: deploy flows, drive time, and see
 * everything a user could see (messages, Catch messages, status dots, log lines).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManualClock } from '../src/core/clock';
import { DEMO_CARDATA_CLIENT_ID, startSimulator, type Simulator, type SimulatorOptions } from '../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../src/sim/renault';
import type { Helper } from '../test/nodes/nr-helper';

export type Msg = Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('node-red-node-test-helper') as Helper;
helper.init(require.resolve('node-red'));

const NODES_DIR = path.resolve(__dirname, '..', '..', 'nodes');
export const NODE_TYPES = ['car-account', 'car-status', 'car-trips', 'car-charging', 'car-command', 'car-presence', 'car-request'] as const;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NODE_MODULES: unknown[] = NODE_TYPES.map((t) => require(path.join(NODES_DIR, `${t}.js`)) as unknown);

/** Home of the presence nodes: the simulator's Renault demo home (Paris area) is far enough either way. */
export const HOME = { latitude: 48.8566, longitude: 2.3522 };

/** JSON for anything a flow may hold: BigInt as text, cycles cut, a 5 MB string kept whole. */
export function visible(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return `${v.toString()}n`;
        if (v instanceof Error) return { name: v.name, message: v.message, ...(v as unknown as Record<string, unknown>) };
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[cycle]';
          seen.add(v);
        }
        return v;
      }) ?? ''
    );
  } catch (e) {
    return String(e);
  }
}

export interface RuntimeOptions {
  sim?: SimulatorOptions;
  /** One HTTP attempt's timeout (real time: sockets do not run on the virtual clock). */
  httpTimeoutMs?: number;
  /**
   * A status read's deadline, on the virtual clock (the product's default is 30 s of real time,
   * which outlasts the suite's wait): long enough for a read of the simulator while the clock is driven.
   */
  statusDeadlineMs?: number;
}

export class Runtime {
  readonly clock = new ManualClock(Date.UTC(2026, 10, 2, 6, 0, 0));
  sim!: Simulator;
  userDir = '';
  private outputs = new Map<string, Msg[]>();
  /** Unhandled rejections and uncaught exceptions since the start. */
  readonly unhandled: unknown[] = [];
  readonly crashes: unknown[] = [];
  private readonly onUnhandled = (reason: unknown): void => void this.unhandled.push(reason);
  private readonly onCrash = (err: unknown): void => void this.crashes.push(err);

  constructor(private readonly options: RuntimeOptions = {}) {}

  async start(): Promise<void> {
    process.on('unhandledRejection', this.onUnhandled);
    process.on('uncaughtException', this.onCrash);
    this.sim = await startSimulator({ port: 0, clock: this.clock, ...this.options.sim });
    this.userDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-faults-'));
    helper.settings({
      userDir: this.userDir,
      connectedCarAccountGraceMs: 0,
      connectedCarClock: this.clock,
      // Long enough that a busy machine's simulator answers in time: a refresh reply cut here is a lost one (CarData rotates the refresh token).
      connectedCarHttpTimeoutMs: this.options.httpTimeoutMs ?? 1_000,
      connectedCarStatusDeadlineMs: this.options.statusDeadlineMs ?? 60_000,
      carPresenceHome: HOME,
      logging: { console: { level: 'off' } },
    });
    await helper.startServer();
  }

  async stop(): Promise<void> {
    await helper.unload().catch(() => undefined);
    await helper.stopServer();
    await this.sim.close();
    await fs.rm(this.userDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    process.off('unhandledRejection', this.onUnhandled);
    process.off('uncaughtException', this.onCrash);
  }

  renaultAccount(id = 'acc'): Msg {
    return { id, type: 'car-account', provider: 'renault', locale: 'fr_FR', gigyaUrl: this.sim.renault.gigyaUrl, kamereonUrl: this.sim.renault.kamereonUrl };
  }

  cardataAccount(id = 'acc'): Msg {
    const c = this.sim.cardata;
    return { id, type: 'car-account', provider: 'cardata', apiUrl: c.apiUrl, authUrl: c.authUrl, mqttUrl: c.brokerUrl };
  }

  /** The CarData client id is a credential of car-account. */
  cardataCredentials(id = 'acc'): Record<string, unknown> {
    return { [id]: { cardataClientId: DEMO_CARDATA_CLIENT_ID } };
  }

  renaultCredentials(id = 'acc'): Record<string, unknown> {
    return { [id]: { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD } };
  }

  /** Deploys nodes (each wired output named by a helper id) with the accounts, and a Catch node wired to 'caught'. */
  async deploy(accounts: Msg[], nodes: Msg[], outIds: string[], credentials: Record<string, unknown> = {}): Promise<void> {
    this.outputs = new Map();
    const flow = [
      { id: 'tab', type: 'tab' },
      ...accounts,
      ...nodes.map((n) => ({ z: 'tab', ...n })),
      ...outIds.map((id) => ({ id, z: 'tab', type: 'helper' })),
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
    await helper.load(NODE_MODULES, flow, credentials);
    for (const id of [...outIds, 'caught']) {
      const got: Msg[] = [];
      this.outputs.set(id, got);
      helper.getNode(id)?.on('input', (m) => got.push(m));
    }
  }

  /** Everything shown so far by this deployment (log, dots, node errors and warnings), as text. */
  shown(): string[] {
    const lines: string[] = [];
    for (const a of helper._logSpy?.args ?? []) lines.push(visible(a));
    for (const m of ['status', 'error', 'warn', 'log', 'send'] as const) for (const a of helper._NodePrototype?.[m]?.args ?? []) lines.push(visible(a));
    for (const got of this.outputs.values()) for (const msg of got) lines.push(visible(msg));
    return lines;
  }

  /** Forgets what was shown so far (a long run: the test helper's spies keep every call). */
  forget(): void {
    helper._logSpy?.resetHistory?.();
    for (const m of ['status', 'error', 'warn', 'log', 'send', 'receive', 'on', 'emit', 'debug', 'trace', 'metric'] as const) helper._NodePrototype?.[m]?.resetHistory?.();
    for (const got of this.outputs.values()) got.length = 0;
  }

  /** Log records of this deployment (Node-RED's log objects). */
  logRecords(): { level?: number; msg?: unknown }[] {
    return (helper._logSpy?.args ?? []).map((a) => (a[0] ?? {}) as { level?: number; msg?: unknown });
  }

  async undeploy(): Promise<void> {
    await helper.unload();
  }

  received(id: string): Msg[] {
    return this.outputs.get(id) ?? [];
  }

  send(id: string, msg: Msg): void {
    const node = helper.getNode(id);
    if (!node) throw new Error(`no node ${id}`);
    node.receive(msg);
  }

  async accountPhase(id = 'acc'): Promise<string> {
    const res = await helper.request().get(`/connected-car/accounts/${id}/state`);
    return (res.body as { phase?: string }).phase ?? '';
  }

  /** What the account dialog asks when it opens: the vehicles (a call that signs in when needed). */
  async listVehicles(id = 'acc'): Promise<number> {
    return (await helper.request().get(`/connected-car/accounts/${id}/vehicles`)).status;
  }

  /** What the user does in the account dialog: "Sign in again". */
  async retrySignIn(id = 'acc'): Promise<void> {
    await helper.request().post(`/connected-car/accounts/${id}/retry`).send({});
  }

  /**
   * Lets real I/O run and moves the virtual clock by stepMs each turn until done() holds or
   * maxVirtualMs of clock time passed (or maxRealMs of real time). True when done() held.
   */
  async drive(done: () => boolean | Promise<boolean>, maxVirtualMs: number, stepMs = 1_000, maxRealMs = 8_000, realWaitMs = 3): Promise<boolean> {
    const end = this.clock.now() + maxVirtualMs;
    const realEnd = Date.now() + maxRealMs;
    while (this.clock.now() < end && Date.now() < realEnd) {
      if (await done()) return true;
      await new Promise((r) => setTimeout(r, realWaitMs));
      if (await done()) return true;
      await this.clock.advance(stepMs);
    }
    return done();
  }

  /** Lets real I/O run without moving the clock. */
  async settle(ms = 30): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }

  /** String values of the account files that are secrets (tokens, codes, verifiers), to look for in what was shown. */
  async storedSecrets(): Promise<string[]> {
    const dir = path.join(this.userDir, 'connected-car');
    const out = new Set<string>();
    const files = await fs.readdir(dir).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      const text = await fs.readFile(path.join(dir, f), 'utf8').catch(() => '');
      let data: unknown;
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        continue;
      }
      const walk = (v: unknown, key: string): void => {
        if (typeof v === 'string') {
          // The user code is shown on purpose (the user types it at BMW); the rest never.
          if (v.length >= 12 && /token|jwt|secret|verifier|device_?code|password|cookie|gmid/i.test(key) && !/user_?code|expires|at$/i.test(key)) out.add(v);
          return;
        }
        if (Array.isArray(v)) v.forEach((x) => walk(x, key));
        else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
      };
      walk(data, '');
    }
    return [...out];
  }
}
