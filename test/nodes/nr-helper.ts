/**
 * node-red-node-test-helper, typed for what the node tests use. The helper is a JS package
 * without types of its own; this keeps `any` out of the tests.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface HelperNode {
  id: string;
  on(event: 'input', cb: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { (s: unknown): void; lastCall?: { args: unknown[] }; args?: unknown[][] };
  error: { callCount?: number; args?: unknown[][] };
  [key: string]: unknown;
}

interface SuperTestRequest {
  get(url: string): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
  post(url: string): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
  expect(status: number): SuperTestRequest & PromiseLike<{ status: number; body: unknown }>;
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
