import { CarError, toCarError } from '../core';
import { buildRawRequest, sendRawRequest } from '../features/raw-request';
import type { AccountSession } from '../features/session';
import type { NodeDef, RedApi, RedNode } from './red';

interface CarRequestDef extends NodeDef {
  account: string;
  /** Optional: fills {vin} and {accountId}; without it only person-level paths work. */
  vin?: string;
  method?: string;
  path?: string;
}

interface AccountNodeLike {
  session?: AccountSession;
  configError?: string;
}

export = function register(RED: RedApi): void {
  function CarRequest(this: RedNode, def: CarRequestDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = RED.nodes.getNode(def.account) as AccountNodeLike | null;
    const session = account?.session;
    if (!session) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('car-request.status.no-account') });
      node.on('input', (_msg, _send, done) => done(new CarError('BAD_INPUT', account?.configError ?? RED._('car-request.errors.no-account'))));
      return;
    }
    const vin = def.vin || undefined;
    const hhmm = (t: number): string => new Date(t).toTimeString().slice(0, 5);
    /** The status names the endpoint (last path segment), never ids. */
    const endpoint = (path: string): string => path.split('/').filter(Boolean).slice(-1)[0] ?? path;

    node.on('input', (msg, send, done) => {
      let req;
      try {
        req = buildRawRequest({ ...(def.method ? { method: def.method } : {}), ...(def.path ? { path: def.path } : {}) }, msg);
      } catch (e) {
        const err = toCarError(e, 'BAD_INPUT');
        node.status({ fill: 'red', shape: 'ring', text: err.code });
        done(err);
        return;
      }
      const what = `${req.method} ${endpoint(req.path)}`;
      node.status({ fill: 'blue', shape: 'dot', text: what });
      sendRawRequest(session, vin, req)
        .then((res) => {
          node.status({ fill: 'green', shape: 'dot', text: `${what} · ${res.status}` });
          send({ ...msg, topic: vin ? `car/${vin}/request` : 'car/request', payload: res.body, statusCode: res.status });
          done();
        })
        .catch((e: unknown) => {
          const err = toCarError(e);
          // Catch nodes get this msg: the HTTP status of a refusal helps exploring an endpoint.
          if (err.status !== undefined) msg.statusCode = err.status;
          if ((err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') && err.retryAt !== undefined) {
            node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-request.status.rate-limited', { until: hhmm(err.retryAt) }) });
          } else {
            node.status({ fill: 'red', shape: 'ring', text: `${what} · ${err.code}` });
          }
          done(err);
        });
    });

    node.status({});
  }

  RED.nodes.registerType('car-request', CarRequest as (this: RedNode, def: never) => void);
};
