/**
 * An example imported as it is, by a user with a real Renault account (the account's default
 * budget, 60 calls an hour, as Renault allows): every car-status node of the example keeps the
 * interval it sets. The plan is the one the nodes use (src/features/status.ts), with the real
 * cost of a read of the example's parts for the simulated car of the same VIN.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AccountRegistry, settingsFromDef, type AccountDef } from '../../src/features/accounts';
import { parseIntervalMinutes, parseParts, StatusPoller } from '../../src/features/status';
import { DEMO_RENAULT_PASSWORD, DEMO_RENAULT_USER } from '../../src/sim/renault';
import { renaultWorldEach } from '../renault-session';
import { PROJECT_ROOT } from '../helpers';
import { silentLogger } from '../../src/core';

interface FlowNode {
  id: string;
  type: string;
  [k: string]: unknown;
}


describe('the examples on a real Renault account (issue 14)', () => {
  const w = renaultWorldEach({ renault: { quota: { limit: 60, windowMs: 3_600_000, lockoutMs: 900_000 } } });

  it('keep every car-status interval they set within the default budget: no node is told to read less often', async () => {
    const dir = path.join(PROJECT_ROOT, 'examples');
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    let checked = 0;
    for (const file of files) {
      const nodes = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as FlowNode[];
      for (const account of nodes.filter((n) => n.type === 'car-account' && (n.provider ?? 'renault') === 'renault')) {
        const polling = nodes.filter((n) => n.type === 'car-status' && n.account === account.id && parseIntervalMinutes(n.interval, 0) > 0);
        if (polling.length === 0) continue;
        const def = account as unknown as AccountDef;
        assert.equal(def.budgetPerHour ?? '', '', `${file}: the account keeps the default budget`);
        const settings = settingsFromDef(def, { username: DEMO_RENAULT_USER, password: DEMO_RENAULT_PASSWORD });
        settings.servers = { gigya: w.sim.renault.gigyaUrl, kamereon: w.sim.renault.kamereonUrl };
        const registry = new AccountRegistry(w.dir, w.clock, 0);
        const session = registry.acquire(`budget-${file}`, settings, silentLogger);
        try {
          const pollers = [];
          for (const n of polling) {
            await session.vehicle(String(n.vin));
            const poller = new StatusPoller({ session, vin: String(n.vin), parts: parseParts(n.parts), intervalMs: parseIntervalMinutes(n.interval, 0) * 60_000, onlyOnChange: true, clock: w.clock, firstReadDelayMs: 3_600_000 });
            poller.start();
            pollers.push({ n, poller });
          }
          assert.equal(session.budget.limit, 60, `${file}: Renault's 60 calls an hour`);
          for (const { n, poller } of pollers) {
            const plan = poller.plan();
            assert.ok(plan.perRead > 0, `${file} ${n.id}: the cost of a read is known`);
            assert.equal(plan.limited, false, `${file} ${n.id}: every ${String(n.interval)} min at ${plan.perRead} calls a read, the example's nodes ask ${plan.wantedPerHour} of ${plan.callsPerHour} calls an hour`);
            assert.equal(plan.effectiveMs, Number(n.interval) * 60_000);
            checked++;
          }
          for (const { poller } of pollers) poller.stop();
        } finally {
          await registry.release(`budget-${file}`, session, true);
        }
      }
    }
    assert.ok(checked >= 7, `the Renault examples' polling nodes were checked (${checked})`);
  });
});
