/**
 * car-status (issue 13): the interval the budget allows in the dot and once in the log, only
 * on input with an empty interval, and the budget the dialog shows before deploy.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { helper, helpers, lastStatus, nodeModule, reply, until, useNodeRed } from './nr-helper';

const ZOE = 'VF1AG000862Z50001';
const nodes = [nodeModule('car-account'), nodeModule('car-status')];

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
const admin = (): { get(url: string): PromiseLike<Answer> } => helper.request() as unknown as { get(url: string): PromiseLike<Answer> };

/** Waits until cond holds; the test's mocha timeout is the deadline (a busy machine makes it slower, never wrong). */
function waitFor(cond: () => boolean, what: string): Promise<void> {
  return until(cond, what);
}

describe('car-status node: the interval kept, only on input', () => {
  const fx = useNodeRed();
  const flow = (extra: Record<string, unknown> = {}, account: Record<string, unknown> = {}): unknown[] =>
    fx.flow([{ id: 'status', type: 'car-status', account: 'acc', vin: ZOE, interval: 10, parts: 'battery', onlyOnChange: false, wires: [['out']], ...extra }, ...helpers('out')], fx.renaultAccount('acc', account));

  it('says in its dot when the budget cannot keep the interval, and warns once with the numbers', async () => {
    // 6 calls an hour, 1 kept for explicit reads: one read every 12 minutes, not every 10.
    await helper.load(nodes, flow({}, { budgetPerHour: 6 }), fx.credentials());
    // (The test helper's runtime answers texts with their keys.)
    await waitFor(() => /\d+ % · .*car-status\.status\.quota-interval/.test(lastStatus('status').text ?? ''), 'the interval after the summary in the dot');
    assert.equal(lastStatus('status').fill, 'green');
    const warn = helper.getNode('status').warn as unknown as { args?: unknown[][] };
    const warnings = (warn.args ?? []).map((a) => String(a[0])).filter((t) => /car-status\.errors\.quota-interval/.test(t));
    assert.equal(warnings.length, 1, 'warned once');
  });

  it('shows no note when the interval fits the budget', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    await waitFor(() => lastStatus('status').fill === 'green', 'the first read');
    assert.doesNotMatch(lastStatus('status').text ?? '', /quota/);
  });

  it('reads only on input with an empty interval: no background read', async () => {
    await helper.load(nodes, flow({ interval: '' }), fx.credentials());
    assert.match(lastStatus('status').text ?? '', /car-status\.status\.on-input/);
    // That nothing is read by itself, however long the clock runs, is tested on the test's clock
    // (test/features/status.test.ts); here: the first battery read is the one a message asks for.
    const msg = await reply('status', { payload: 'go' });
    assert.equal(fx.sim.renault.stats.byEndpoint['battery-status'], 1);
    assert.equal((msg.payload as { battery?: { socPercent?: number } }).battery?.socPercent, Math.round(fx.sim.renault.car(ZOE).reportedBattery.soc));
  });

  it('tells the dialog what the budget allows before deploy', async () => {
    await helper.load(nodes, flow(), fx.credentials());
    const answer = await admin().get(`/connected-car/accounts/acc/budget?interval=1&vin=${ZOE}&parts=battery,mileage,position&node=new-node`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.callsPerHour, 54);
    // In the budget's own unit, for the dialog's words (CarData's would be a day).
    assert.equal(answer.body.calls, 54);
    assert.equal(answer.body.per, 'hour');
    assert.equal(answer.body.pollers, 2, 'the deployed node and the new one');
    assert.equal(answer.body.limited, true);
    assert.ok(Number(answer.body.minutes) > 1);
    const manual = await admin().get('/connected-car/accounts/acc/budget?interval=');
    assert.equal(manual.body.onlyOnInput, true);
    // 0 is refused as at deploy, with the reason the dialog can show.
    const zero = await admin().get('/connected-car/accounts/acc/budget?interval=0');
    assert.equal(zero.status, 400);
    assert.match(String(zero.body.message), /empty for only on input/);
    const missing = await admin().get('/connected-car/accounts/nope/budget');
    assert.equal(missing.status, 404);
  });
});
