// @ts-nocheck
import type { CarError } from '../core';
import type { PresenceEvent, PresenceUpdate } from '../core/presence';
import type { PresenceText, Tracked } from '../features/presence-tracker';
import type { Say } from '../features/texts';
import { load } from './code';
import type { AccountNode } from './kit';
import type { AdminRequest, AdminResponse, NodeDef, NodeMessage, RedApi, RedNode, SendFn } from './red';

interface CarPresenceDef extends NodeDef {
  account?: string;
  vin?: string;
  zones?: unknown;
  /** Seconds. */
  enterDwell?: string | number;
  leaveDwell?: string | number;
  /** Minutes. */
  maxAge?: string | number;
}

export = function register(RED: RedApi): void {
  const home = () => load.presence().homeFromSettings(RED.settings.carPresenceHome, process.env.CAR_PRESENCE_HOME);
  const say: Say<PresenceText> = (key, values) => RED._(`car-presence.errors.${key}`, values);
  const km = (m: number | undefined): string => (m === undefined ? '?' : m < 1000 ? `${m} m` : `${(m / 1000).toFixed(1)} km`);

  function CarPresence(this: RedNode, def: CarPresenceDef): void {
    const { accountGuard, checkSettings, clockOf, handleInput, reportError, StatusDot, userDirOf } = load.kit();
    const { PresenceTracker, presenceOptionsFrom } = load.presenceTracker();
    const { nodeFile } = load.tripStore();
    RED.nodes.createNode(this, def);
    const node = this;
    // Without an account or a vehicle, positions come from messages (a phone, OwnTracks, car-status).
    const guarded = accountGuard(RED, node, def, { account: 'optional', vehicle: 'optional' });
    if (!guarded) return;
    const { session, vin } = guarded;
    // The dead band and outlier slack start from the GPS noise of the account's brand.
    const options = checkSettings(RED, node, () => presenceOptionsFrom(def, home(), say, session?.provider.positionNoiseM));
    if (!options) return;
    const dot = new StatusDot(RED, node, session);

    const show = (u: PresenceUpdate): void => {
      const where = u.state === 'away' ? dot.word('car-presence.words.away') : u.state === 'unknown' ? dot.word('car-presence.words.unknown') : u.state;
      const text = `${where} · ${km(u.distanceM)}`;
      if (u.stale) dot.waiting(dot.text(`car-presence.status.${u.reason === 'no_fix' ? 'no-fix' : 'stale'}`, { summary: text }));
      else dot.set({ fill: u.present ? 'green' : 'blue', shape: 'dot', text });
    };
    const topic = (t: Tracked, base: NodeMessage | undefined): string => (t.vin ? `car/${t.vin}/presence` : typeof base?.topic === 'string' && base.topic ? base.topic : 'presence');
    /** The state on output 1, the zone events on output 2. */
    const sendTracked = (t: Tracked, send: SendFn, base?: NodeMessage): void => {
      const v = tracker.vehicleInfo();
      const vehicle = v ? { vehicle: v } : {};
      const events = t.events.map((e: PresenceEvent): NodeMessage => ({ topic: topic(t, base), payload: e, ...vehicle }));
      send([{ ...(base ?? {}), topic: topic(t, base), payload: t.update, ...vehicle }, events.length ? events : null]);
      show(t.update);
    };

    const tracker = new PresenceTracker({
      file: nodeFile(userDirOf(RED), 'presence', node.id),
      options,
      ...(session ? { session } : { clock: clockOf(RED) }),
      ...(vin ? { vin } : {}),
      say,
      log: { warn: (m) => node.warn(m) },
      onTracked: (t) => sendTracked(t, (m) => node.send(m as (NodeMessage | null)[])),
      onError: (err: CarError, first) => (first ? reportError(node, dot, `car/${vin ?? ''}/presence`, err) : dot.error(err)),
    });
    void tracker.ready.then(() => {
      const restored = tracker.restored;
      dot.waiting(restored ? dot.text('car-presence.status.restored', { state: restored }) : dot.text('car-presence.status.waiting'));
    });

    handleInput(node, dot, async (msg, send) => sendTracked(await tracker.input(msg), send, msg), {
      fallbackCode: 'BAD_INPUT',
      // A position may come as msg.location or as top-level fields (positionFromMessage).
      reads: ['location', 'latitude', 'longitude', 'lat', 'lon', 'lng', 'accuracy', 'accuracyM', 'acc', 'timestamp', 'tst', 'at', 'time', 'updatedAt'],
    });

    node.on('close', (removed, done) => {
      void tracker.close(removed).finally(done);
    });
  }

  RED.nodes.registerType('car-presence', CarPresence as (this: RedNode, def: never) => void);

  // The dialog's "Node-RED's home" and "where the car is now" buttons.
  RED.httpAdmin.get('/connected-car/presence/home', RED.auth.needsPermission('car-presence.read'), (_req: AdminRequest, res: AdminResponse) => {
    const h = home();
    if (!h) {
      res.status(404).json({ code: 'NOT_SUPPORTED', message: RED._('car-presence.errors.no-home') });
      return;
    }
    res.json(h);
  });

  RED.httpAdmin.get('/connected-car/presence/position', RED.auth.needsPermission('car-presence.read'), (req: AdminRequest, res: AdminResponse) => {
    const { commonKey } = load.kit();
    const { toCarError } = load.core();
    const accountNode = RED.nodes.getNode(req.query.account ?? '') as AccountNode | null;
    const session = accountNode && accountNode.type === 'car-account' ? accountNode.session : undefined;
    const vin = req.query.vin ?? '';
    if (!session) {
      res.status(404).json({ code: 'BAD_INPUT', message: RED._(commonKey('errors.not-deployed')) });
      return;
    }
    if (!vin) {
      res.status(400).json({ code: 'BAD_INPUT', message: RED._(commonKey('errors.no-vehicle')) });
      return;
    }
    const cached = session.cachedStatus(vin);
    // What the session read last costs nothing; otherwise one explicit read of the position.
    const read = cached?.position || cached?.positionUnknown ? Promise.resolve(cached) : session.readStatus(vin, ['position'], { kind: 'explicit', maxAgeMs: 10 * 60_000 });
    read
      .then((s) => {
        if (!s.position || s.positionUnknown) {
          res.status(404).json({ code: 'NOT_SUPPORTED', message: RED._('car-presence.errors.no-position') });
          return;
        }
        res.json({ latitude: s.position.latitude, longitude: s.position.longitude, ...(s.position.updatedAt ? { updatedAt: s.position.updatedAt } : {}) });
      })
      .catch((e: unknown) => {
        const err = toCarError(e);
        res.status(502).json({ code: err.code, message: err.message });
      });
  });
};
