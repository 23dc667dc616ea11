/**
 * node-red-node-test-helper, typed for what the node tests and the fault suite use (faults/runtime.ts
 * imports these types only: no mocha hook comes with them). The helper is a JS package
 * without types of its own; this keeps `any` out of the tests.
 */
import { after, afterEach, before, beforeEach } from 'mocha';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { startSimulator, DEMO_CARDATA_CLIENT_ID, type Simulator, type SimulatorOptions } from '../../src/sim';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import type { ManualClock } from '../../src/core';
import { eventually, tempDir } from '../helpers';

export interface HelperNode {
  id: string;
  on(event: 'input', cb: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { (s: unknown): void; lastCall?: { args: unknown[] }; args?: unknown[][] };
  error: { callCount?: number; args?: unknown[][] };
  warn: { callCount?: number; args?: unknown[][] };
  log: { callCount?: number; args?: unknown[][] };
  [key: string]: unknown;
}

interface SuperTestRequest {
  get(url: string): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
  post(url: string): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
  send(body: unknown): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
  expect(status: number): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
}

/** A sinon spy the helper puts on Node-RED's log and on every node's methods. */
export interface HelperSpy {
  args?: unknown[][];
  resetHistory?: () => void;
}

export interface Helper {
  init(nodeRedPath: string, userSettings?: Record<string, unknown>): void;
  settings(userSettings: Record<string, unknown>): void;
  load(nodes: unknown[], flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  getNode(id: string): HelperNode;
  request(): SuperTestRequest;
  /** What was logged (the fault suite reads what a user would see). */
  _logSpy?: HelperSpy;
  /** The spies on the node prototype's methods (status, error, warn, send...). */
  _NodePrototype?: Record<string, HelperSpy>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const helper = require('node-red-node-test-helper') as Helper;
helper.init(require.resolve('node-red'));

const NODES_DIR = path.resolve(__dirname, '..', '..', '..', 'nodes');

/** The node modules as Node-RED loads them (nodes/<type>.js -> dist). */
export function nodeModule(type: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(NODES_DIR, `${type}.js`)) as unknown;
}

/** Waits for the next message a helper node receives (rejects after ms). */
export function nextMessage(node: HelperNode, ms = 10_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no message on ${node.id} within ${ms} ms`)), ms);
    node.on('input', (msg) => {
      clearTimeout(t);
      resolve(msg);
    });
  });
}

/** The one account file under the user directory (named after the cloud account, not the node). */
export async function accountFile(userDir: string): Promise<string> {
  const dir = path.join(userDir, 'connected-car');
  const files = (await fs.readdir(dir)).filter((f) => /^(renault|cardata)-[0-9a-f]{16}\.json$/.test(f));
  if (files.length !== 1) throw new Error(`expected one account file in ${dir}, found: ${files.join(', ') || 'none'}`);
  return path.join(dir, files[0] ?? '');
}

/** Collects every message a helper node receives. */
export function collect(node: HelperNode): Record<string, unknown>[] {
  const got: Record<string, unknown>[] = [];
  node.on('input', (msg) => got.push(msg));
  return got;
}

/** Waits until check() holds (asked every everyMs of real time); the test's mocha timeout is the deadline. */
export function until(check: () => boolean | Promise<boolean>, what?: string, everyMs = 10): Promise<void> {
  return eventually(check, what, everyMs);
}

/**
 * Waits until check() holds while moving an account's manual clock (settings.connectedCarClock) towards its next timer,
 * at most stepMs at a time, with a moment of real time between steps for sockets. A clock without timers stands
 * still. The test's mocha timeout is the deadline.
 */
export function untilDriving(clock: ManualClock, check: () => boolean | Promise<boolean>, what?: string, stepMs = 1_000): Promise<void> {
  return eventually(
    async () => {
      if (await check()) return true;
      const next = clock.nextAt;
      if (next !== undefined) await clock.advance(Math.min(stepMs, Math.max(0, next - clock.now())));
      return false;
    },
    what,
    10,
  );
}

export interface Dot {
  fill?: string;
  shape?: string;
  text?: string;
}

/** The status dot a node shows last. */
export function lastStatus(nodeId: string): Dot {
  return (helper.getNode(nodeId).status.lastCall?.args[0] ?? {}) as Dot;
}

/** Sends msg to a node and waits for what reaches the helper node `outId`. */
export async function reply(nodeId: string, msg: Record<string, unknown>, outId = 'out', ms = 10_000): Promise<Record<string, unknown>> {
  const got = nextMessage(helper.getNode(outId), ms);
  helper.getNode(nodeId).receive(msg);
  return got;
}

export interface CaughtError {
  code: string;
  message: string;
}

/** Sends msg to a node and waits for the message its failure brings to the Catch node (wired to 'caught'). */
export function caught(nodeId: string, msg: Record<string, unknown>, ms = 10_000): Promise<Record<string, unknown>> {
  return reply(nodeId, msg, 'caught', ms);
}

/** msg.error of that failure. */
export async function caughtError(nodeId: string, msg: Record<string, unknown>, ms = 10_000): Promise<CaughtError> {
  return (await caught(nodeId, msg, ms)).error as CaughtError;
}

type NodeDef = Record<string, unknown>;

/** helper nodes (they record what they receive) with these ids. */
export function helpers(...ids: string[]): NodeDef[] {
  return ids.map((id) => ({ id, type: 'helper' }));
}

/**
 * A Node-RED of the test helper beside a cloud simulator, for the node tests of one describe:
 * the simulator runs for the describe, each test gets its own user directory and server.
 */
export class NodeRedFixture {
  private simulator?: Simulator;
  private dir?: string;

  get sim(): Simulator {
    if (!this.simulator) throw new Error('the simulator starts in before()');
    return this.simulator;
  }

  get userDir(): string {
    if (!this.dir) throw new Error('the user directory is made in beforeEach()');
    return this.dir;
  }

  /** A car-account node of the simulator's Renault demo user. */
  renaultAccount(id = 'acc', extra: NodeDef = {}): NodeDef {
    return { id, type: 'car-account', provider: 'renault', locale: 'fr_FR', gigyaUrl: this.sim.renault.gigyaUrl, kamereonUrl: this.sim.renault.kamereonUrl, ...extra };
  }

  /** A car-account node of the simulator's BMW CarData client (its client id in cardataCredentials; `legacy`: as a flow property, as older versions kept it). */
  cardataAccount(id = 'acc', legacy = false): NodeDef {
    const sim = this.sim.cardata;
    return { id, type: 'car-account', provider: 'cardata', ...(legacy ? { clientId: DEMO_CARDATA_CLIENT_ID } : {}), apiUrl: sim.apiUrl, authUrl: sim.authUrl, mqttUrl: sim.brokerUrl };
  }

  /** The simulator's CarData client id as the credential of the account nodes `ids`. */
  cardataCredentials(...ids: string[]): Record<string, unknown> {
    return Object.fromEntries(ids.map((id) => [id, { cardataClientId: DEMO_CARDATA_CLIENT_ID }]));
  }

  /** The Renault demo user's credentials for the account node `id`. */
  credentials(password = DEMO_RENAULT_PASSWORD, id = 'acc'): Record<string, unknown> {
    return { [id]: { username: DEMO_RENAULT_USER, password } };
  }

  /** A tab with the account node(s) (default: the Renault one, 'acc'), the nodes, and a Catch node wired to the helper 'caught'. */
  flow(nodes: NodeDef[], accounts: NodeDef | NodeDef[] = this.renaultAccount()): NodeDef[] {
    return [
      { id: 'tab', type: 'tab' },
      ...(Array.isArray(accounts) ? accounts : [accounts]),
      ...nodes.map((n) => ({ z: 'tab', ...n })),
      { id: 'catcher', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'tab', type: 'helper' },
    ];
  }

  async startSimulator(options: SimulatorOptions = {}): Promise<void> {
    this.simulator = await startSimulator({ port: 0, ...options });
  }

  async stopSimulator(): Promise<void> {
    await this.simulator?.close();
    this.simulator = undefined;
  }

  /** A fresh user directory and server, and the simulator's counts at zero. */
  async startNodeRed(settings: Record<string, unknown> = {}): Promise<void> {
    this.dir = await tempDir('cc-nodes-');
    // Accounts close with their last node (no grace period that would outlive the test).
    helper.settings({ userDir: this.dir, connectedCarAccountGraceMs: 0, ...settings });
    await helper.startServer();
    this.sim.renault.resetStats();
    this.sim.cardata.resetStats();
  }

  async stopNodeRed(): Promise<void> {
    await helper.unload();
    await helper.stopServer();
    // An account may still be saving the vehicle list it fetched when the node started.
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    this.dir = undefined;
  }
}

/** Registers the hooks of a NodeRedFixture in the calling describe (settings: more of Node-RED's settings). */
export function useNodeRed(options: { sim?: SimulatorOptions; settings?: Record<string, unknown> } = {}): NodeRedFixture {
  const fixture = new NodeRedFixture();
  before(() => fixture.startSimulator(options.sim));
  after(() => fixture.stopSimulator());
  beforeEach(() => fixture.startNodeRed(options.settings));
  afterEach(() => fixture.stopNodeRed());
  return fixture;
}
