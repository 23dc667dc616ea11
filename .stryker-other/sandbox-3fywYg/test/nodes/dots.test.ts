/**
 * Issue 13, rule 1 on deployed nodes: every node of an account shows what the account goes
 * through (a code to confirm, then its own state again), and recovers without a redeploy.
 */
// @ts-nocheck

import { describe, it, beforeEach } from 'mocha';
import assert from 'node:assert/strict';
import { commonKey } from '../../src/nodes/kit';
import { DEMO_RENAULT_USER } from '../../src/sim/renault';
import { caughtError, helper, helpers, nodeModule, until, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const HOME = { lat: 48.8566, lon: 2.3522 };
const nodes = ['car-account', 'car-status', 'car-charging', 'car-trips', 'car-presence'].map((n) => nodeModule(n));
const IDS = ['status', 'charging', 'trips', 'presence'];

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
const admin = (): { post(url: string): { send(body: unknown): PromiseLike<Answer> } } => helper.request() as unknown as { post(url: string): { send(body: unknown): PromiseLike<Answer> } };

type Dot = { fill?: string; shape?: string; text?: string };

/** The last dot a node showed (the helper's status spy is shared by the nodes: its calls are told apart by their node). */
function lastStatus(id: string): Dot {
  const node = helper.getNode(id);
  const spy = node.status as unknown as { getCalls(): { thisValue: unknown; args: unknown[] }[] };
  const mine = spy.getCalls().filter((c) => c.thisValue === node);
  return (mine.at(-1)?.args[0] ?? {}) as Dot;
}

/** Waits until every node's dot passes; the test's mocha timeout is the deadline. */
function dotsAre(test: (dot: Dot) => boolean, what: string): Promise<void> {
  return until(() => IDS.every((id) => test(lastStatus(id))), what);
}

describe('the dots of every node follow the account (issue 13)', () => {
  const fx = useNodeRed({ settings: { carPresenceHome: { latitude: HOME.lat, longitude: HOME.lon } } });
  beforeEach(() => fx.sim.renault.setTfa(DEMO_RENAULT_USER, false));
  const zone = { name: 'home', source: 'manual', latitude: String(HOME.lat), longitude: String(HOME.lon), radius: '100', margin: '', passive: false };
  const flow = (): unknown[] =>
    fx.flow([
      { id: 'status', type: 'car-status', account: 'acc', vin: ZOE, interval: 60, parts: 'battery', onlyOnChange: false, wires: [['out']] },
      { id: 'charging', type: 'car-charging', account: 'acc', vin: ZOE, interval: '', wires: [['out']] },
      { id: 'trips', type: 'car-trips', account: 'acc', vin: ZOE, capacityKwh: '50', timeZone: 'UTC', wires: [['out'], ['out'], ['out']] },
      { id: 'presence', type: 'car-presence', account: 'acc', vin: ZOE, zones: [zone], enterDwell: '0', leaveDwell: '0', maxAge: '30', wires: [['out'], ['out']] },
      ...helpers('out'),
    ]);

  it('all say "confirm the sign-in in the account" while a code is awaited, and all recover once it is given', async () => {
    fx.sim.renault.setTfa(DEMO_RENAULT_USER, true);
    await helper.load(nodes, flow(), fx.credentials());
    const error = await caughtError('status', { payload: 'go' });
    assert.equal(error.code, 'TFA_REQUIRED');
    await dotsAre((d) => d.fill === 'yellow' && d.text === commonKey('status.confirm'), 'the yellow "confirm" dot on every node');
    const code = fx.sim.renault.lastTfaCode ?? '';
    assert.ok(IDS.every((id) => !JSON.stringify(lastStatus(id)).includes(code)), 'no code in a dot');
    const accepted = await admin().post('/connected-car/accounts/acc/code').send({ code });
    assert.equal(accepted.status, 200);
    // Back to each node's own dot, without a redeploy.
    await dotsAre((d) => d.fill !== 'yellow' && d.fill !== 'red', 'every node to recover');
    // car-status reads again as soon as the account is ready (not 15 minutes later).
    await until(() => lastStatus('status').fill === 'green', 'the green dot of car-status');
    assert.deepEqual(lastStatus('charging'), { fill: 'grey', shape: 'ring', text: 'car-charging.status.on-input' }, "car-charging's own dot again");
  });
});
