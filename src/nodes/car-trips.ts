import * as os from 'node:os';
import { z } from 'zod';
import { CarError, toCarError, VehicleStatusSchema, type ChargeSession, type Trip, type Vehicle, type VehicleStatus } from '../core';
import type { AccountSession } from '../features/session';
import { JsonFile, nodeFile, StoredHistorySchema, TripHistory, type StoredHistory } from '../features/trip-store';
import { isTimeZone, localTimeZone, parseBound, PERIODS, preferNative, readNativeCharges, sampleFromStatus, summarize, usableCapacityKwh } from '../features/trips';
import type { NodeDef, NodeMessage, RedApi, RedNode, SendFn } from './red';

interface CarTripsDef extends NodeDef {
  account?: string;
  vin?: string;
  capacityKwh?: string | number;
  timeZone?: string;
}

interface AccountNodeLike {
  session?: AccountSession;
  configError?: string;
}

const ACTIONS = ['summary', 'trips', 'charges'] as const;

const RequestSchema = z.object({
  action: z.enum(ACTIONS),
  period: z.enum(PERIODS).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  timeZone: z.string().optional(),
  /** charges: 'native' asks the cloud's own records (costs a call, at most hourly). */
  source: z.enum(['stored', 'native']).optional(),
});
type Request = z.infer<typeof RequestSchema>;

const SAVE_DELAY_MS = 1_000;
const DAY = 86_400_000;
/** How far back native charging sessions are asked for by default. */
const NATIVE_WINDOW_MS = 30 * DAY;

/** A zod issue in words that name the field and what is allowed. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'msg.payload is invalid';
  const field = `msg.payload.${issue.path.join('.')}`;
  if (issue.path[0] === 'action') return `${field} must be one of: ${ACTIONS.join(', ')}`;
  if (issue.path[0] === 'period') return `${field} must be one of: ${PERIODS.join(', ')}`;
  if (issue.path[0] === 'source') return `${field} must be stored or native`;
  return `${field}: ${issue.message}`;
}

export = function register(RED: RedApi): void {
  function CarTrips(this: RedNode, def: CarTripsDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const account = def.account ? (RED.nodes.getNode(def.account) as AccountNodeLike | null) : null;
    const session = account?.session;
    const configuredVin = (def.vin ?? '').trim() || undefined;
    const userDir = typeof RED.settings.userDir === 'string' ? RED.settings.userDir : os.homedir();
    const file = new JsonFile<StoredHistory>(nodeFile(userDir, 'history', node.id), StoredHistorySchema);

    let configError: CarError | undefined;
    let capacityKwh: number | undefined;
    const capText = String(def.capacityKwh ?? '').trim();
    if (capText !== '') {
      const c = Number(capText);
      if (!Number.isFinite(c) || c <= 0 || c > 300) configError = new CarError('BAD_INPUT', RED._('car-trips.errors.capacity', { value: capText }));
      else capacityKwh = c;
    }
    const timeZone = (def.timeZone ?? '').trim() || localTimeZone();
    if (!isTimeZone(timeZone)) configError = new CarError('BAD_INPUT', RED._('car-trips.errors.timezone', { value: timeZone }));
    if (def.account && !session) configError = new CarError('BAD_INPUT', account?.configError ?? RED._('car-trips.errors.no-account'));
    if (session && !configuredVin) configError = new CarError('BAD_INPUT', RED._('car-trips.errors.no-vehicle'));
    if (configError) {
      const err = configError;
      const accountMissing = Boolean(def.account && !session);
      node.status({ fill: 'red', shape: 'ring', text: accountMissing ? RED._('car-trips.status.no-account') : err.code });
      // The account node already said what it lacks; the node's own settings are reported here.
      if (!accountMissing) node.error(err);
      node.on('input', (_msg, _send, done) => done(err));
      return;
    }

    let history = new TripHistory({ ...(configuredVin ? { vin: configuredVin } : {}), ...(capacityKwh !== undefined ? { capacityKwh } : {}) });
    let vehicle: Vehicle | undefined;
    let closed = false;
    let saveTimer: NodeJS.Timeout | undefined;
    let lastError = '';

    const ready: Promise<void> = (async () => {
      try {
        const loaded = await file.load();
        if (loaded.damaged) node.warn(RED._('car-trips.errors.damaged', { file: file.file }));
        history = new TripHistory(
          { ...(configuredVin ? { vin: configuredVin } : {}), ...(capacityKwh !== undefined ? { capacityKwh } : {}) },
          loaded.data,
        );
      } catch (e) {
        node.warn(RED._('car-trips.errors.load', { reason: toCarError(e).message }));
      }
      await ensureVehicle();
      showSummary();
    })();

    /** The account's record of the vehicle (model, capabilities); retried until the list is there. */
    async function ensureVehicle(): Promise<void> {
      if (vehicle || !session || !configuredVin) return;
      try {
        vehicle = await session.vehicle(configuredVin);
        // The model's usable capacity, when the user set none and the car reports no energy.
        if (capacityKwh === undefined) history.capacityKwh = usableCapacityKwh(vehicle.modelCode);
      } catch {
        // The vehicle list comes later (sign-in pending); the history works without it.
      }
    }

    const save = async (): Promise<void> => {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = undefined;
      await file.save(history.snapshot()).catch((e: unknown) => node.warn(RED._('car-trips.errors.save', { reason: toCarError(e).message })));
    };
    const scheduleSave = (): void => {
      if (saveTimer || closed) return;
      saveTimer = setTimeout(() => void save(), SAVE_DELAY_MS);
    };

    const vehicleInfo = (vin: string): Record<string, string> => {
      const v = vehicle;
      if (!v || v.vin !== vin) return { vin };
      return { vin, ...(v.brand ? { brand: v.brand } : {}), ...(v.model ? { model: v.model } : {}), ...(v.name ? { name: v.name } : {}) };
    };
    const hhmm = (iso: string): string => new Date(iso).toTimeString().slice(0, 5);

    function showSummary(): void {
      node.status({
        fill: history.sampleCount ? 'green' : 'grey',
        shape: history.sampleCount ? 'dot' : 'ring',
        text: history.sampleCount
          ? RED._('car-trips.status.counts', { trips: history.trips.length, charges: history.charges.length })
          : RED._('car-trips.status.waiting'),
      });
    }

    const tripMessage = (t: Trip): NodeMessage => ({ topic: `car/${t.vin}/trip`, payload: t, vehicle: vehicleInfo(t.vin) });
    const chargeMessage = (c: ChargeSession): NodeMessage => ({ topic: `car/${c.vin}/charge`, payload: c, vehicle: vehicleInfo(c.vin) });

    /** The cloud's own record of a charge that just ended, if it has one by now (cached hourly). */
    async function withNative(c: ChargeSession): Promise<ChargeSession> {
      if (!session || !vehicle || !session.connection.capabilities(vehicle).nativeChargeSessions) return c;
      const v = vehicle;
      const now = session.clock.now();
      // The same 30-day window as a {action: 'charges'} request: one cached answer serves both.
      const from = new Date(Math.min(Date.parse(c.startAt) - DAY, now - NATIVE_WINDOW_MS)).toISOString();
      const to = new Date(Math.max(now, Date.parse(c.endAt ?? c.startAt))).toISOString();
      try {
        const native = await readNativeCharges(session, v, from, to, 'background');
        const better = preferNative(c, native);
        if (better !== c) history.replaceCharge(c, better);
        return better;
      } catch (e) {
        node.debug(`native charging sessions not used: ${toCarError(e).message}`);
        return c;
      }
    }

    async function addStatus(status: VehicleStatus, send: SendFn): Promise<void> {
      await ready;
      await ensureVehicle();
      if (closed) return;
      if (history.vin && status.vin !== history.vin) {
        throw new CarError('BAD_INPUT', RED._('car-trips.errors.other-vin', { vin: status.vin, mine: history.vin }));
      }
      history.vin ??= status.vin;
      const sample = sampleFromStatus(status);
      if (!sample) return;
      const added = history.add(sample);
      scheduleSave();
      for (const t of added.trips) {
        send([tripMessage(t), null, null]);
        node.status({ fill: 'green', shape: 'dot', text: RED._('car-trips.status.trip', { km: t.distanceKm ?? '?', at: hhmm(t.endAt) }) });
      }
      for (const c0 of added.charges) {
        const c = await withNative(c0);
        send([null, chargeMessage(c), null]);
        node.status({ fill: 'green', shape: 'dot', text: RED._('car-trips.status.charge', { kwh: c.energyKwh ?? '?', at: hhmm(c.endAt ?? c.startAt) }) });
      }
      if (added.trips.length === 0 && added.charges.length === 0) showSummary();
    }

    const onStatus = (vin: string, status: VehicleStatus): void => {
      if (vin !== configuredVin) return;
      addStatus(status, (m) => node.send(m as (NodeMessage | null)[]))
        .then(() => {
          lastError = '';
        })
        .catch((e: unknown) => {
          const err = toCarError(e);
          node.status({ fill: 'red', shape: 'ring', text: err.code });
          // Once per distinct error, not at every poll.
          if (err.message !== lastError) node.error(err, { topic: `car/${vin}/trip`, payload: undefined, error: err.toJSON() });
          lastError = err.message;
        });
    };
    session?.on('status', onStatus);

    async function answer(req: Request, msg: NodeMessage, send: SendFn): Promise<void> {
      await ready;
      const vin = history.vin ?? configuredVin;
      if (!vin) throw new CarError('BAD_INPUT', RED._('car-trips.errors.no-history'));
      const tz = req.timeZone ?? timeZone;
      if (!isTimeZone(tz)) throw new CarError('BAD_INPUT', `msg.payload.timeZone must be an IANA time zone such as Europe/Paris (got ${JSON.stringify(tz)})`);
      const bound = (value: string | undefined, field: 'from' | 'to', fallback: number): number => {
        if (value === undefined) return fallback;
        const b = parseBound(value, field);
        if ('instant' in b) return b.instant;
        return Date.parse(b.day) + (field === 'to' ? DAY - 1 : 0);
      };
      let payload: unknown;
      if (req.action === 'summary') {
        payload = summarize(history.trips, history.charges, {
          vin,
          period: req.period ?? 'day',
          timeZone: tz,
          ...(req.from !== undefined ? { from: req.from } : {}),
          ...(req.to !== undefined ? { to: req.to } : {}),
        });
      } else {
        const now = session?.clock.now() ?? Date.now();
        const from = bound(req.from, 'from', -Infinity);
        const to = bound(req.to, 'to', Infinity);
        if (req.action === 'charges' && req.source === 'native') {
          if (!session || !vehicle) throw new CarError('NOT_SUPPORTED', RED._('car-trips.errors.native-needs-account'));
          const v = vehicle;
          const f = new Date(Number.isFinite(from) ? from : now - NATIVE_WINDOW_MS).toISOString();
          const t = new Date(Number.isFinite(to) ? to : now).toISOString();
          payload = await readNativeCharges(session, v, f, t, 'explicit');
        } else {
          const items = history.between(from, to);
          payload = req.action === 'trips' ? items.trips : items.charges;
        }
      }
      send([null, null, { ...msg, topic: `car/${vin}/${req.action}`, payload, vehicle: vehicleInfo(vin) }]);
    }

    node.on('input', (msg, send, done) => {
      const p = msg.payload;
      let work: Promise<void>;
      if (typeof p === 'object' && p !== null && 'action' in p) {
        const parsed = RequestSchema.safeParse(p);
        work = parsed.success ? answer(parsed.data, msg, send) : Promise.reject(new CarError('BAD_INPUT', describeIssue(parsed.error.issues[0])));
      } else if (typeof p === 'object' && p !== null && 'vin' in p) {
        const parsed = VehicleStatusSchema.safeParse(p);
        work = parsed.success
          ? addStatus(parsed.data, send)
          : Promise.reject(new CarError('BAD_INPUT', `msg.payload is not a valid VehicleStatus: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim()));
      } else {
        work = Promise.reject(new CarError('BAD_INPUT', RED._('car-trips.errors.bad-payload')));
      }
      work
        .then(() => done())
        .catch((e: unknown) => {
          const err = toCarError(e);
          node.status({ fill: 'red', shape: 'ring', text: err.code });
          done(err);
        });
    });

    node.on('close', (removed, done) => {
      closed = true;
      session?.off('status', onStatus);
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = undefined;
      void (async () => {
        try {
          await ready;
          // A deleted node takes its history with it; a redeploy keeps it.
          if (removed) await file.remove();
          else await save();
        } catch {
          // nothing more to do on the way out
        } finally {
          done();
        }
      })();
    });
  }

  RED.nodes.registerType('car-trips', CarTrips as (this: RedNode, def: never) => void);
};
