/**
 * The slice of Node-RED's runtime API the nodes use. @types/node-red describes Node-RED 1.3;
 * these few interfaces describe what 4.x and 5.x give, without `any`.
 */
// @ts-nocheck

import type { IncomingMessage, ServerResponse } from 'node:http';

export type StatusFill = 'red' | 'green' | 'yellow' | 'blue' | 'grey';
export interface NodeStatus {
  fill?: StatusFill;
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  [key: string]: unknown;
}

export type SendFn = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[]) => void;
export type DoneFn = (err?: Error) => void;

export interface RedNode {
  readonly id: string;
  readonly type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', cb: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): void;
  on(event: 'close', cb: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | (NodeMessage | null)[]): void;
  status(status: NodeStatus): void;
  log(msg: string): void;
  warn(msg: string): void;
  error(err: string | Error, msg?: NodeMessage): void;
  debug(msg: string): void;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

export interface AdminRequest extends IncomingMessage {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body?: unknown;
}
export interface AdminResponse extends ServerResponse {
  json(body: unknown): void;
  status(code: number): AdminResponse;
}
export type AdminHandler = (req: AdminRequest, res: AdminResponse, next?: () => void) => void;

export interface RedApi {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    // Node-RED calls the constructor with `this` bound to the new node.
    registerType(type: string, ctor: (this: RedNode, def: never) => void, opts?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
    getNode(id: string): unknown;
  };
  settings: { userDir?: string; [key: string]: unknown };
  httpAdmin: {
    get(path: string, ...handlers: AdminHandler[]): void;
    post(path: string, ...handlers: AdminHandler[]): void;
  };
  auth: { needsPermission(permission: string): AdminHandler };
  log: { info(m: string): void; warn(m: string): void; error(m: string): void; debug(m: string): void };
  _: (key: string, substitutions?: Record<string, string | number>) => string;
  /** Messages to the editors over Node-RED's comms (a retained one also reaches an editor opened later). */
  comms?: { publish(topic: string, data: unknown, retain: boolean): void };
}
