import { CarError, toCarError, type ChargingSettings } from '../core';
import { ChargingPoller, parseChargingInput, readCharging, summarizeCharging, writeAndReadBack } from '../features/charging';
import type { AccountSession, SessionState } from '../features/session';
import type { NodeDef, NodeMessage, RedApi, RedNode } from './red';

interface CarChargingDef extends NodeDef {
  account: string;
  vin: string;
  /** Minutes between background reads; 0 or empty = only on input. */
  interval?: string | number;
  /** Seconds to wait after a write before reading the settings back. */
  reread?: string | number;
}

interface AccountNodeLike {
  session?: AccountSession;
  configError?: string;
}

export = function register(RED: RedApi): void {
  function CarCharging(this: RedNode, def: CarChargingDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = RED.nodes.getNode(def.account) as AccountNodeLike | null;
    const session = account?.session;
    if (!session) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('car-charging.status.no-account') });
      node.on('input', (_msg, _send, done) => done(new CarError('BAD_INPUT', account?.configError ?? RED._('car-charging.errors.no-account'))));
      return;
    }
    if (!def.vin) {
      const err = new CarError('BAD_INPUT', RED._('car-charging.errors.no-vehicle'));
      node.status({ fill: 'red', shape: 'ring', text: err.code });
      node.on('input', (_msg, _send, done) => done(err));
      return;
    }
    const vin = def.vin;
    const minutes = Number(def.interval || 0);
    const seconds = def.reread === undefined || def.reread === '' ? 30 : Number(def.reread);
    const rereadDelayMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
    const words = {
      always: RED._('car-charging.words.always'),
      scheduled: RED._('car-charging.words.scheduled'),
      delayed: RED._('car-charging.words.delayed'),
      ready: RED._('car-charging.words.ready'),
    };
    const hhmm = (t: number): string => new Date(t).toTimeString().slice(0, 5);
    const aborts = new Set<AbortController>();

    let vehicleInfo: { vin: string; brand?: string; model?: string; name?: string } | undefined;
    void session
      .vehicle(vin)
      .then((v) => {
        vehicleInfo = { vin: v.vin, ...(v.brand ? { brand: v.brand } : {}), ...(v.model ? { model: v.model } : {}), ...(v.name ? { name: v.name } : {}) };
      })
      .catch(() => undefined);

    const showSettings = (s: ChargingSettings): void => {
      node.status({ fill: 'green', shape: 'dot', text: summarizeCharging(s, words, session.clock.now()) || RED._('car-charging.status.ok') });
    };
    const showError = (err: CarError): void => {
      if ((err.code === 'RATE_LIMITED' || err.code === 'QUOTA_EXCEEDED') && err.retryAt !== undefined) {
        node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-charging.status.rate-limited', { until: hhmm(err.retryAt) }) });
      } else {
        node.status({ fill: 'red', shape: 'ring', text: err.code });
      }
    };
    const message = (s: ChargingSettings, base: NodeMessage = {}): NodeMessage => ({
      ...base,
      topic: `car/${vin}/charging`,
      payload: s,
      vehicle: vehicleInfo ?? { vin },
    });

    const poller = Number.isFinite(minutes) && minutes > 0 ? new ChargingPoller(session, vin, minutes * 60_000) : undefined;
    poller?.on('settings', (s: ChargingSettings) => {
      showSettings(s);
      node.send(message(s));
    });
    poller?.on('error', (err: CarError) => {
      showError(err);
      node.error(err, { topic: `car/${vin}/charging`, payload: undefined, error: err.toJSON() });
    });
    const onState = (s: SessionState): void => {
      if (s.phase === 'signing_in') node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-charging.status.signing-in') });
      else if (s.phase === 'blocked' || s.phase === 'tfa_required') node.status({ fill: 'red', shape: 'ring', text: s.code ?? 'AUTH_FAILED' });
    };
    session.on('state', onState);

    node.on('input', (msg, send, done) => {
      const fail = (e: unknown): void => {
        const err = toCarError(e);
        showError(err);
        done(err);
      };
      let request;
      try {
        request = parseChargingInput(msg.payload);
      } catch (e) {
        fail(e);
        return;
      }
      if (request.action === 'read') {
        node.status({ fill: 'blue', shape: 'dot', text: RED._('car-charging.status.reading') });
        readCharging(session, vin, 'explicit')
          .then((s) => {
            showSettings(s);
            send(message(s, msg));
            done();
          })
          .catch(fail);
        return;
      }
      node.status({ fill: 'blue', shape: 'dot', text: RED._('car-charging.status.writing') });
      const abort = new AbortController();
      aborts.add(abort);
      const onSent = (): void => {
        // Shown while the cloud passes the change on to the car.
        node.status({ fill: 'blue', shape: 'ring', text: RED._('car-charging.status.sent', { seconds: Math.round(rereadDelayMs / 1000) }) });
      };
      writeAndReadBack(session, vin, request.change, { rereadDelayMs, signal: abort.signal, onSent })
        .then((r) => {
          if (r.applied) showSettings(r.settings);
          else node.status({ fill: 'yellow', shape: 'ring', text: RED._('car-charging.status.pending') });
          send({ ...message(r.settings, msg), actionIds: r.actionIds, applied: r.applied });
          done();
        })
        .catch(fail)
        .finally(() => aborts.delete(abort));
    });

    node.on('close', (_removed, done) => {
      poller?.stop();
      for (const a of aborts) a.abort(new CarError('NETWORK', 'the node was closed (redeploy)'));
      aborts.clear();
      session.off('state', onState);
      done();
    });

    node.status({ fill: 'grey', shape: 'ring', text: RED._('car-charging.status.waiting') });
    poller?.start();
  }

  RED.nodes.registerType('car-charging', CarCharging as (this: RedNode, def: never) => void);
};
