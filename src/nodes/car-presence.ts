import * as os from 'node:os';
import { CarError, toCarError, type Vehicle, type VehicleStatus } from '../core';
import type { PresenceEvent, PresenceUpdate } from '../core/presence';
import {
  emptyState,
  homeFromSettings,
  nextDueAt,
  positionFromMessage,
  PresenceStateSchema,
  resolveOptions,
  step,
  zonesFromDefs,
  type PresenceInput,
  type PresenceState,
  type ResolvedPresenceOptions,
} from '../features/presence';
import type { AccountSession } from '../features/session';
import { JsonFile, nodeFile } from '../features/trip-store';
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

interface AccountNodeLike {
  type?: string;
  session?: AccountSession;
  configError?: string;
}

/** Longest timer Node-RED's process should hold (a dwell time of days is still honoured by later inputs). */
const MAX_TIMER_MS = 2_147_483_647;

export = function register(RED: RedApi): void {
  const home = () => homeFromSettings(RED.settings.carPresenceHome, process.env.CAR_PRESENCE_HOME);

  function CarPresence(this: RedNode, def: CarPresenceDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = def.account ? (RED.nodes.getNode(def.account) as AccountNodeLike | null) : null;
    const session = account?.session;
    const vin = (def.vin ?? '').trim() || undefined;
    const userDir = typeof RED.settings.userDir === 'string' ? RED.settings.userDir : os.homedir();
    const file = new JsonFile<PresenceState>(nodeFile(userDir, 'presence', node.id), PresenceStateSchema);

    let options: ResolvedPresenceOptions;
    try {
      const seconds = (v: string | number | undefined, fallback: number, field: string): number => {
        if (v === undefined || String(v).trim() === '') return fallback * 1000;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new CarError('BAD_INPUT', RED._('car-presence.errors.number', { field, value: String(v) }));
        return n * 1000;
      };
      options = resolveOptions({
        zones: zonesFromDefs(def.zones, home()),
        enterDwellMs: seconds(def.enterDwell, 0, 'enterDwell'),
        leaveDwellMs: seconds(def.leaveDwell, 120, 'leaveDwell'),
        maxAgeMs: seconds(def.maxAge, 30, 'maxAge') * 60,
      });
      if (def.account && !session) throw new CarError('BAD_INPUT', account?.configError ?? RED._('car-presence.errors.no-account'));
    } catch (e) {
      const err = toCarError(e, 'BAD_INPUT');
      const accountMissing = Boolean(def.account && !session);
      node.status({ fill: 'red', shape: 'ring', text: accountMissing ? RED._('car-presence.status.no-account') : err.code });
      // The account node already said what it lacks; the node's own settings are reported here.
      if (!accountMissing) node.error(err);
      node.on('input', (_msg, _send, done) => done(err));
      return;
    }

    const clock = { now: (): number => session?.clock.now() ?? Date.now() };
    let state: PresenceState = emptyState();
    let vehicle: Vehicle | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let lastError = '';
    let knownVin = vin;

    const ready: Promise<void> = (async () => {
      try {
        const loaded = await file.load();
        if (loaded.damaged) node.warn(RED._('car-presence.errors.damaged', { file: file.file }));
        if (loaded.data) state = loaded.data;
      } catch (e) {
        node.warn(RED._('car-presence.errors.load', { reason: toCarError(e).message }));
      }
      await ensureVehicle();
      showState(undefined);
    })();

    /** The account's record of the vehicle, for msg.vehicle; retried until the list is there. */
    async function ensureVehicle(): Promise<void> {
      if (!vehicle && session && vin) vehicle = await session.vehicle(vin).catch(() => undefined);
    }

    const vehicleInfo = (): Record<string, string> | undefined => {
      if (!knownVin) return undefined;
      const v = vehicle;
      if (!v || v.vin !== knownVin) return { vin: knownVin };
      return { vin: v.vin, ...(v.brand ? { brand: v.brand } : {}), ...(v.model ? { model: v.model } : {}), ...(v.name ? { name: v.name } : {}) };
    };
    const km = (m: number | undefined): string => (m === undefined ? '?' : m < 1000 ? `${m} m` : `${(m / 1000).toFixed(1)} km`);

    function showState(u: PresenceUpdate | undefined): void {
      if (!u) {
        const known = state.lastState && state.lastState !== 'unknown';
        node.status(known ? { fill: 'grey', shape: 'ring', text: RED._('car-presence.status.restored', { state: state.lastState ?? '' }) } : { fill: 'grey', shape: 'ring', text: RED._('car-presence.status.waiting') });
        return;
      }
      const where = u.state === 'away' ? RED._('car-presence.words.away') : u.state === 'unknown' ? RED._('car-presence.words.unknown') : u.state;
      const text = `${where} · ${km(u.distanceM)}`;
      if (u.stale) node.status({ fill: 'grey', shape: 'ring', text: RED._(`car-presence.status.${u.reason === 'no_fix' ? 'no-fix' : 'stale'}`, { summary: text }) });
      else node.status({ fill: u.present ? 'green' : 'blue', shape: 'dot', text });
    }

    const topic = (base: NodeMessage | undefined): string => (knownVin ? `car/${knownVin}/presence` : typeof base?.topic === 'string' && base.topic ? base.topic : 'presence');

    const persist = (): void => {
      void file.save(state).catch((e: unknown) => node.warn(RED._('car-presence.errors.save', { reason: toCarError(e).message })));
    };

    function apply(input: PresenceInput, send: SendFn, base?: NodeMessage): void {
      const before = JSON.stringify(state);
      const r = step(state, input, clock.now(), options);
      state = r.state;
      if (JSON.stringify(state) !== before) persist();
      const v = vehicleInfo();
      const out1: NodeMessage = { ...(base ?? {}), topic: topic(base), payload: r.update, ...(v ? { vehicle: v } : {}) };
      const out2 = r.events.map((e: PresenceEvent): NodeMessage => ({ topic: topic(base), payload: e, ...(v ? { vehicle: v } : {}) }));
      send([out1, out2.length ? out2 : null]);
      showState(r.update);
      arm();
    }

    /** A timer for the next dwell time running out, so that a change is confirmed without a new position. */
    function arm(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const due = nextDueAt(state, options);
      if (due === undefined || closed) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!closed) apply({ kind: 'tick' }, (m) => node.send(m as (NodeMessage | null)[]));
      }, Math.min(MAX_TIMER_MS, Math.max(0, due - clock.now()) + 5));
    }

    const onStatus = (statusVin: string, status: VehicleStatus): void => {
      if (statusVin !== vin) return;
      ready
        .then(ensureVehicle)
        .then(() => {
          if (closed) return;
          const p = positionFromMessage({ payload: status }, clock.now());
          apply(p.input, (m) => node.send(m as (NodeMessage | null)[]));
          lastError = '';
        })
        .catch((e: unknown) => {
          const err = toCarError(e);
          node.status({ fill: 'red', shape: 'ring', text: err.code });
          if (err.message !== lastError) node.error(err, { topic: `car/${statusVin}/presence`, payload: undefined, error: err.toJSON() });
          lastError = err.message;
        });
    };
    if (session && vin) session.on('status', onStatus);

    node.on('input', (msg, send, done) => {
      ready
        .then(() => {
          const p = positionFromMessage(msg, clock.now());
          if (p.vin) {
            if (knownVin && p.vin !== knownVin) throw new CarError('BAD_INPUT', RED._('car-presence.errors.other-vin', { vin: p.vin, mine: knownVin }));
            knownVin = p.vin;
          }
          apply(p.input, send, msg);
          done();
        })
        .catch((e: unknown) => {
          const err = toCarError(e, 'BAD_INPUT');
          node.status({ fill: 'red', shape: 'ring', text: err.code });
          done(err);
        });
    });

    node.on('close', (removed, done) => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (session && vin) session.off('status', onStatus);
      void (async () => {
        try {
          await ready;
          if (removed) await file.remove();
          else await file.save(state);
        } catch {
          // nothing more to do on the way out
        } finally {
          done();
        }
      })();
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
    const accountNode = RED.nodes.getNode(req.query.account ?? '') as AccountNodeLike | null;
    const session = accountNode && accountNode.type === 'car-account' ? accountNode.session : undefined;
    const vin = req.query.vin ?? '';
    if (!session) {
      res.status(404).json({ code: 'BAD_INPUT', message: RED._('car-presence.errors.deploy-first') });
      return;
    }
    if (!vin) {
      res.status(400).json({ code: 'BAD_INPUT', message: RED._('car-presence.errors.no-vehicle') });
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
