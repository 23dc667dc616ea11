// @ts-nocheck
import { load } from './code';
import type { NodeDef, RedApi, RedNode } from './red';

interface CarRequestDef extends NodeDef {
  account: string;
  /** Optional: fills {vin} and {accountId}; without it only person-level paths work. */
  vin?: string;
  method?: string;
  path?: string;
}

/** The status names the endpoint (last path segment), never ids. */
const endpoint = (path: string): string => path.split('/').filter(Boolean).slice(-1)[0] ?? path;

export = function register(RED: RedApi): void {
  function CarRequest(this: RedNode, def: CarRequestDef): void {
    const { accountGuard, checkSettings, handleInput, StatusDot } = load.kit();
    const { buildRawRequest, checkRawPath, sendRawRequest } = load.rawRequest();
    const { toCarError } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    const guarded = accountGuard(RED, node, def, { account: 'required', vehicle: 'optional' });
    if (!guarded) return;
    const { session, vin } = guarded;
    // The node's own path, checked at deploy by the rule every message's path meets.
    const pathChecked = checkSettings(RED, node, () => {
      if (def.path) checkRawPath(def.path, session.connection.raw.paths);
      return true;
    });
    if (!pathChecked) return;
    const dot = new StatusDot(RED, node, session);

    handleInput(node, dot, async (msg, send, input) => {
      let req;
      try {
        req = buildRawRequest({ ...(def.method ? { method: def.method } : {}), ...(def.path ? { path: def.path } : {}) }, msg);
      } catch (e) {
        throw toCarError(e, 'BAD_INPUT');
      }
      const what = `${req.method} ${endpoint(req.path)}`;
      input.subject = what;
      dot.busy(what);
      try {
        const res = await sendRawRequest(session, vin, req);
        dot.ok(`${what} · ${res.status}`);
        send({ ...msg, topic: vin ? `car/${vin}/request` : 'car/request', payload: res.body, statusCode: res.status });
      } catch (e) {
        const err = toCarError(e);
        // Catch nodes get this msg: the HTTP status of a refusal helps exploring an endpoint.
        if (err.status !== undefined) msg.statusCode = err.status;
        throw err;
      }
    }, { reads: ['method', 'path', 'query'] });

    dot.clear();
  }

  RED.nodes.registerType('car-request', CarRequest as (this: RedNode, def: never) => void);
};
