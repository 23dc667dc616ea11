import { CarError, toCarError, type VehicleStatus } from '../core';
import { isStale, parseParts, StatusPoller, summarize, type StatusEvent } from '../features/status';
import type { AccountSession, SessionState } from '../features/session';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarStatusDef extends NodeDef {
  account: string;
  vin: string;
  interval?: string | number;
  parts?: string;
  onlyOnChange?: boolean;
  adaptive?: boolean;
}

interface AccountNodeLike {
  session?: AccountSession;
  configError?: string;
}

export = function register(RED: RedApi): void {
  function CarStatus(this: RedNode, def: CarStatusDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = RED.nodes.getNode(def.account) as AccountNodeLike | null;
    const session = account?.session;
    if (!session) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('car-status.status.no-account') });
      node.on('input', (_msg, _send, done) => done(new CarError('BAD_INPUT', account?.configError ?? RED._('car-status.errors.no-account'))));
      return;
    }
    if (!def.vin) {
      // A first deploy of a new account comes before a vehicle can be picked: not an error yet.
      node.status({ fill: 'grey', shape: 'ring', text: RED._('car-status.status.pick-vehicle') });
      node.on('input', (_msg, _send, done) => done(new CarError('BAD_INPUT', RED._('car-status.errors.no-vehicle'))));
      return;
    }
    let parts;
    try {
      parts = parseParts(def.parts);
    } catch (e) {
      const err = toCarError(e, 'BAD_INPUT');
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.error(err);
      node.on('input', (_msg, _send, done) => done(err));
      return;
    }
    const minutes = Number(def.interval ?? 10);
    const poller = new StatusPoller({
      session,
      vin: def.vin,
      parts,
      intervalMs: (Number.isFinite(minutes) && minutes > 0 ? minutes : 10) * 60_000,
      onlyOnChange: def.onlyOnChange === true,
      adaptive: def.adaptive !== false,
    });
    const words = {
      locked: RED._('car-status.words.locked'),
      unlocked: RED._('car-status.words.unlocked'),
      charging: RED._('car-status.words.charging'),
      plugged: RED._('car-status.words.plugged'),
    };
    const hhmm = (t: number): string => new Date(t).toTimeString().slice(0, 5);

    const showStatus = (s: VehicleStatus): void => {
      const text = summarize(s, words);
      if (isStale(s, session.clock.now()) && s.updatedAt) {
        node.status({ fill: 'grey', shape: 'dot', text: RED._('car-status.status.stale', { since: s.updatedAt.slice(0, 16).replace('T', ' '), summary: text }) });
      } else {
        node.status({ fill: 'green', shape: 'dot', text: text || RED._('car-status.status.ok') });
      }
    };
    const showError = (err: CarError): void => {
      if ((err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') && err.retryAt !== undefined) {
        node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-status.status.rate-limited', { until: hhmm(err.retryAt) }) });
      } else {
        node.status({ fill: 'red', shape: 'ring', text: err.code });
      }
    };
    const message = (s: VehicleStatus, base: NodeMessage = {}): NodeMessage => {
      const { missing, ...payload } = s as VehicleStatus & { missing?: unknown };
      const v = vehicleInfo;
      return {
        ...base,
        topic: `car/${s.vin}/status`,
        payload,
        vehicle: v ?? { vin: s.vin },
        ...(missing ? { missing } : {}),
      };
    };
    let vehicleInfo: { vin: string; brand?: string; model?: string; name?: string } | undefined;
    void session
      .vehicle(def.vin)
      .then((v) => {
        vehicleInfo = { vin: v.vin, ...(v.brand ? { brand: v.brand } : {}), ...(v.model ? { model: v.model } : {}), ...(v.name ? { name: v.name } : {}) };
      })
      .catch(() => undefined);

    poller.on('status', (e: StatusEvent) => {
      showStatus(e.status);
      node.send(message(e.status));
    });
    poller.on('waiting', (err: CarError) => showError(err));
    poller.on('error', (err: CarError) => {
      showError(err);
      node.error(err, { topic: `car/${def.vin}/status`, payload: undefined, error: err.toJSON() });
    });
    const onState = (s: SessionState): void => {
      if (s.phase === 'signing_in') node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-status.status.signing-in') });
      else if (s.phase === 'blocked' || s.phase === 'tfa_required') node.status({ fill: 'red', shape: 'ring', text: s.code ?? 'AUTH_FAILED' });
    };
    session.on('state', onState);

    node.on('input', (msg, send, done) => {
      node.status({ fill: 'blue', shape: 'dot', text: RED._('car-status.status.reading') });
      poller
        .read('request')
        .then((e) => {
          showStatus(e.status);
          send(message(e.status, msg));
          done();
        })
        .catch((e: unknown) => {
          const err = toCarError(e);
          showError(err);
          done(err);
        });
    });

    node.on('close', (_removed, done) => {
      poller.stop();
      session.off('state', onState);
      done();
    });

    node.status({ fill: 'grey', shape: 'ring', text: RED._('car-status.status.waiting') });
    poller.start();
  }

  RED.nodes.registerType('car-status', CarStatus as (this: RedNode, def: never) => void);
};
