import type { Clock } from '../core';
import type { AccountDef, AccountRegistry } from '../features/accounts';
import type { SessionState } from '../features/session';
import { load } from './code';
import type { AccountNode } from './kit';
import type { AdminRequest, AdminResponse, NodeDef, RedApi, RedNode } from './red';

type CarAccountDef = NodeDef & AccountDef;

function isClock(v: unknown): v is Clock {
  const c = v as Partial<Clock> | undefined;
  return typeof c === 'object' && c !== null && typeof c.now === 'function' && typeof c.setTimeout === 'function' && typeof c.clearTimeout === 'function' && typeof c.sleep === 'function';
}

/** The config node: its session (shared with the other nodes of the same cloud account), or why it has none. */
type CarAccountNode = RedNode & AccountNode;

export = function register(RED: RedApi): void {
  // One session per cloud account, shared by the account nodes that name it; made with the first account node.
  // A redeploy takes up the sessions of the nodes it replaced within the grace period (no sign-in, no call).
  let registry: AccountRegistry | undefined;
  const accounts = (): AccountRegistry => {
    if (registry) return registry;
    const { ACCOUNT_GRACE_MS, AccountRegistry } = load.accounts();
    const grace = Number(RED.settings.connectedCarAccountGraceMs ?? ACCOUNT_GRACE_MS);
    // Test and tool hooks (the fault suite, the soak): a virtual clock, a short HTTP timeout, a status
    // read's deadline on that clock. Unset in a real Node-RED.
    const clock = isClock(RED.settings.connectedCarClock) ? RED.settings.connectedCarClock : undefined;
    const positive = (v: unknown): number | undefined => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : undefined);
    const httpTimeoutMs = positive(RED.settings.connectedCarHttpTimeoutMs);
    const statusDeadlineMs = positive(RED.settings.connectedCarStatusDeadlineMs);
    registry = new AccountRegistry(load.kit().userDirOf(RED), clock, Number.isFinite(grace) && grace >= 0 ? grace : ACCOUNT_GRACE_MS, {
      ...(httpTimeoutMs !== undefined ? { httpTimeoutMs } : {}),
      ...(statusDeadlineMs !== undefined ? { statusDeadlineMs } : {}),
    });
    return registry;
  };

  function CarAccount(this: CarAccountNode, def: CarAccountDef): void {
    const { missingSignIn, pointAtSimulator, settingsFromDef } = load.accounts();
    const { toCarError } = load.core();
    RED.nodes.createNode(this, def);
    const node = this;
    let settings = settingsFromDef(def, node.credentials);
    // A flow of an older version keeps the CarData client id in flows.json: it works, and the node says how to move it.
    if (def.provider === 'cardata' && def.clientId && !node.credentials?.cardataClientId) node.warn(RED._('car-account.errors.client-id-in-flow'));
    let simulatorError: string | undefined;
    try {
      // CONNECTED_CAR_SIMULATOR (the demo, the tests): empty server fields name the local simulator.
      const pointed = pointAtSimulator(settings);
      settings = pointed.settings;
      if (pointed.simulator) node.warn(RED._('car-account.errors.simulator', { url: pointed.simulator }));
    } catch (e) {
      simulatorError = toCarError(e).message;
    }
    const onState = (s: SessionState): void => {
      if ((s.phase === 'blocked' || s.phase === 'tfa_required') && !s.challenge) node.error(RED._('car-account.errors.signin-stopped', { reason: s.message ?? '' }));
    };
    // Why the stream is down (its errors name the stream), once per new reason (its retries do not repeat it), and its
    // return once: the dots say only that it is down, the log says why.
    let streamTrouble: string | undefined;
    const onStream = (e: { state: string; error?: { message: string } }): void => {
      if (e.error && e.error.message !== streamTrouble) {
        streamTrouble = e.error.message;
        node.warn(RED._('car-account.log.stream-down', { reason: e.error.message }));
      } else if (e.state === 'connected' && streamTrouble !== undefined) {
        streamTrouble = undefined;
        node.log(RED._('car-account.log.stream-back'));
      }
    };
    const missing = simulatorError ? undefined : missingSignIn(settings);
    if (simulatorError) {
      node.configError = simulatorError;
      node.error(RED._('car-account.errors.config', { reason: simulatorError }));
    } else if (missing) {
      // Nothing to sign in with yet (e.g. an imported example): say so once, try nothing.
      node.configError = RED._('car-account.errors.not-set-up', { missing });
      node.warn(node.configError);
    } else {
      try {
        node.session = accounts().acquire(node.id, settings, { debug: (m) => node.debug(m), info: (m) => node.log(m), warn: (m) => node.warn(m), error: (m) => node.warn(m) });
        // Reported once per change of state, not per failed call.
        // (A challenge waiting for the user is logged by the session itself, with its prompt.)
        node.session.on('state', onState);
        node.session.on('stream', onStream);
        void node.session.load();
      } catch (e) {
        node.configError = toCarError(e).message;
        node.error(RED._('car-account.errors.config', { reason: node.configError }));
      }
    }
    node.on('close', (removed, done) => {
      const session = node.session;
      node.session = undefined;
      void (async () => {
        try {
          // The last node of an account closes it; a deleted account takes its tokens with it.
          session?.off('state', onState);
          session?.off('stream', onStream);
          if (session) await accounts().release(node.id, session, removed);
        } finally {
          done();
        }
      })();
    });
  }

  RED.nodes.registerType('car-account', CarAccount as (this: RedNode, def: never) => void, {
    credentials: { username: { type: 'text' }, password: { type: 'password' }, jwt: { type: 'password' }, cardataClientId: { type: 'text' } },
  });

  const account = (req: AdminRequest): CarAccountNode | undefined => {
    const n = RED.nodes.getNode(req.params.id ?? '') as CarAccountNode | null;
    return n && n.type === 'car-account' ? n : undefined;
  };

  // What each brand offers (commands, parts, raw paths, budget, sign-in): the dialogs show only this.
  RED.httpAdmin.get('/connected-car/brands', RED.auth.needsPermission('car-account.read'), (_req: AdminRequest, res: AdminResponse) => {
    res.json(load.accounts().describeBrands());
  });

  RED.httpAdmin.get('/connected-car/accounts/:id/state', RED.auth.needsPermission('car-account.read'), (req: AdminRequest, res: AdminResponse) => {
    const node = account(req);
    res.json(load.accounts().publicState(node ? node.session : undefined, node ? node.configError : 'deploy the account first'));
  });

  // What the budget allows a status node before it is deployed: calls/hour, nodes sharing them, the interval.
  RED.httpAdmin.get('/connected-car/accounts/:id/budget', RED.auth.needsPermission('car-account.read'), (req: AdminRequest, res: AdminResponse) => {
    const node = account(req);
    if (!node?.session) {
      res.status(404).json({ code: 'BAD_INPUT', message: node?.configError ?? RED._('car-account.errors.deploy-first') });
      return;
    }
    const { toCarError } = load.core();
    try {
      const q = (name: string): string | undefined => req.query[name];
      const statusNode = RED.nodes.getNode(q('node') ?? '') as { type?: string } | null;
      res.json(load.status().budgetView(node.session, { interval: q('interval'), vin: q('vin'), parts: q('parts'), deployed: statusNode?.type === 'car-status' }));
    } catch (e) {
      const err = toCarError(e);
      res.status(400).json({ code: err.code, message: err.message });
    }
  });

  RED.httpAdmin.get('/connected-car/accounts/:id/vehicles', RED.auth.needsPermission('car-account.read'), (req: AdminRequest, res: AdminResponse) => {
    const node = account(req);
    if (!node?.session) {
      res.status(404).json({ code: 'BAD_INPUT', message: node?.configError ?? RED._('car-account.errors.deploy-first') });
      return;
    }
    const { toCarError } = load.core();
    node.session
      .vehicles({ force: req.query.refresh === 'true', kind: 'explicit' })
      .then((vehicles) =>
        res.json(
          vehicles.map((v) => {
            // What this car can do, so that a dialog narrows the brand's offer to it.
            const can = node.session?.connection.capabilities(v);
            return { vin: v.vin, name: v.name, model: v.model, brand: v.brand, drivetrain: v.drivetrain, parts: can?.parts, commands: can?.commands, charging: can ? { read: can.chargingRead, write: can.chargingWrite } : undefined };
          }),
        ),
      )
      .catch((e: unknown) => {
        const err = toCarError(e);
        res.status(502).json({ code: err.code, message: err.message });
      });
  });

  RED.httpAdmin.post('/connected-car/accounts/:id/retry', RED.auth.needsPermission('car-account.write'), (req: AdminRequest, res: AdminResponse) => {
    const node = account(req);
    if (!node?.session) {
      res.status(404).json({ code: 'BAD_INPUT', message: RED._('car-account.errors.deploy-first') });
      return;
    }
    const { publicState } = load.accounts();
    void node.session.unblock().then(() => res.json(publicState(node.session, node.configError)));
  });

  // The two-factor code from the e-mail: a secret, so POSTed (never in a URL) and never echoed.
  RED.httpAdmin.post('/connected-car/accounts/:id/code', RED.auth.needsPermission('car-account.write'), (req: AdminRequest, res: AdminResponse) => {
    const node = account(req);
    const session = node?.session;
    if (!node || !session) {
      res.status(404).json({ code: 'BAD_INPUT', message: node?.configError ?? RED._('car-account.errors.deploy-first') });
      return;
    }
    const { publicState, submitSignInCode } = load.accounts();
    const { toCarError } = load.core();
    submitSignInCode(session, req.body)
      .then((state) => res.json(state))
      .catch((e: unknown) => {
        const err = toCarError(e);
        res.status(err.code === 'BAD_INPUT' ? 400 : err.code === 'TFA_REQUIRED' || err.code === 'AUTH_FAILED' ? 409 : 502).json({ ...publicState(session, undefined), code: err.code, message: err.message });
      });
  });
};
