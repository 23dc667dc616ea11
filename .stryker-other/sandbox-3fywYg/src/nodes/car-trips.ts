// @ts-nocheck
import type { CarError } from '../core';
import type { Say } from '../features/texts';
import type { Recorded, TripText } from '../features/trip-recorder';
import { load } from './code';
import type { NodeDef, NodeMessage, RedApi, RedNode, SendFn } from './red';

interface CarTripsDef extends NodeDef {
  account?: string;
  vin?: string;
  capacityKwh?: string | number;
  timeZone?: string;
}

export = function register(RED: RedApi): void {
  const say: Say<TripText> = (key, values) => RED._(`car-trips.errors.${key}`, values);

  function CarTrips(this: RedNode, def: CarTripsDef): void {
    const { accountGuard, checkSettings, handleInput, reportError, StatusDot, userDirOf } = load.kit();
    const { tripInputFrom, TripRecorder, tripSettingsFrom } = load.tripRecorder();
    const { nodeFile } = load.tripStore();
    RED.nodes.createNode(this, def);
    const node = this;
    // Without an account the node learns its vehicle from the first status it receives.
    const guarded = accountGuard(RED, node, def, { account: 'optional', vehicle: 'required' });
    if (!guarded) return;
    const settings = checkSettings(RED, node, () => tripSettingsFrom(def, say));
    if (!settings) return;
    const { session, vin } = guarded;
    const dot = new StatusDot(RED, node, session);

    const showSummary = (): void => {
      const { samples, trips, charges } = recorder.counts;
      // Each count with its own plural ("1 trip · 3 charges").
      if (samples) dot.ok([dot.text('car-trips.status.trips', { count: trips }), dot.text('car-trips.status.charges', { count: charges })]);
      else dot.waiting(dot.text('car-trips.status.waiting'));
    };
    /** Trips on output 1, charges on output 2, each with a dot. */
    const sendRecorded = ({ trips, charges }: Recorded, send: SendFn): void => {
      for (const t of trips) {
        send([{ topic: `car/${t.vin}/trip`, payload: t, vehicle: recorder.vehicleInfo(t.vin) }, null, null]);
        dot.ok(dot.text('car-trips.status.trip', { km: t.distanceKm ?? '?', at: dot.time(t.endAt) }));
      }
      for (const c of charges) {
        send([null, { topic: `car/${c.vin}/charge`, payload: c, vehicle: recorder.vehicleInfo(c.vin) }, null]);
        dot.ok(dot.text('car-trips.status.charge', { kwh: c.energyKwh ?? '?', at: dot.time(c.endAt ?? c.startAt) }));
      }
      if (trips.length === 0 && charges.length === 0) showSummary();
    };
    const sendLater: SendFn = (m) => node.send(m as (NodeMessage | null)[]);

    const recorder = new TripRecorder({
      file: nodeFile(userDirOf(RED), 'history', node.id),
      ...(session ? { session } : {}),
      ...(vin ? { vin } : {}),
      ...settings,
      say,
      log: { warn: (m) => node.warn(m), debug: (m) => node.debug(m) },
      onRecorded: (recorded) => sendRecorded(recorded, sendLater),
      onError: (err: CarError, first) => (first ? reportError(node, dot, `car/${vin ?? ''}/trip`, err) : dot.error(err)),
    });
    void recorder.ready.then(showSummary);

    handleInput(node, dot, async (msg, send) => {
      const input = tripInputFrom(msg.payload, say);
      if (input.kind === 'status') {
        sendRecorded(await recorder.add(input.status), send);
        return;
      }
      const answer = await recorder.answer(input.request);
      send([null, null, { ...msg, topic: `car/${answer.vin}/${input.request.action}`, payload: answer.payload, vehicle: recorder.vehicleInfo(answer.vin) }]);
    });

    node.on('close', (removed, done) => {
      // A deleted node takes its history with it; a redeploy keeps it.
      void recorder.close(removed).finally(done);
    });
  }

  RED.nodes.registerType('car-trips', CarTrips as (this: RedNode, def: never) => void);
};
