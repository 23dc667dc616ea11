// @ts-nocheck
import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCommand } from '../../src/cli';
import { initCliUtil } from '../../src/cli/nr-util';
import { rawParser } from '../../src/brands';
import { removeDir, tempDir } from '../helpers';

const FILES: Record<string, unknown> = {
  'telematic.json': {
    telematicData: {
      'vehicle.powertrain.electric.battery.stateOfCharge.displayed': { value: '64', unit: '%', timestamp: '2026-11-20T07:55:00Z' },
      'vehicle.drivetrain.electricEngine.kombiRemainingElectricRange': { value: '291', unit: 'km', timestamp: '2026-11-20T07:55:00Z' },
      'vehicle.body.chargingPort.combinedStatus': { value: 'CONNECTED', unit: null, timestamp: '2026-11-20T07:55:00Z' },
      'vehicle.drivetrain.electricEngine.charging.hvStatus': { value: 'CHARGING', unit: null, timestamp: '2026-11-20T07:55:00Z' },
      'vehicle.cabin.door.lock.status': { value: 'SECURED', unit: null, timestamp: '2026-11-20T07:50:00Z' },
      'vehicle.vehicle.travelledDistance': { value: '12500', unit: 'km', timestamp: '2026-11-20T07:50:00Z' },
      'vehicle.cabin.infotainment.navigation.currentLocation.altitude': { value: '519', unit: null, timestamp: '2026-11-20T07:50:00Z' },
      'vehicle.drivetrain.fuelSystem.level': { value: null, unit: null, timestamp: null },
    },
  },
  'stream.json': {
    vin: 'WBY31AW0X0FCD0001',
    entityId: 'e1',
    topic: 'gcid/WBY31AW0X0FCD0001',
    timestamp: '2026-11-20T08:00:00Z',
    data: { 'vehicle.powertrain.electric.battery.charging.preferenceSmartCharging': { timestamp: '2025-10-01T10:12:39Z', value: 'PRICE_OPTIMIZED' }, 'vehicle.cabin.door.row1.driver.isOpen': { timestamp: '2025-10-01T10:12:39Z', value: true } },
  },
  'mappings.json': [{ vin: 'WMZ21GA0X07CD0002', mappedSince: '2024-01-01T00:00:00Z', mappingType: 'PRIMARY' }],
  'basic.json': { vin: 'WBY31AW0X0FCD0001', brand: 'BMW', modelName: 'i4 eDrive40', modelKey: '31AW', bodyType: 'Gran Coupe', propulsionType: 'BEV' },
  'history.json': { data: [{ startTime: 1_784_628_184, endTime: 1_784_631_784, energyConsumedFromPowerGridKwh: 15.92, displayedStartSoc: 66, displayedSoc: 82 }], next_token: 'abc' },
  'quota.json': { exveErrorId: 'CU-429', exveErrorMsg: 'API rate limit reached' },
};

describe('connected-car parse cardata <kind> <file>', () => {
  let dir: string;

  before(async () => {
    await initCliUtil('warn');
    dir = await tempDir();
    for (const [name, body] of Object.entries(FILES)) await fs.writeFile(path.join(dir, name), JSON.stringify(body));
  });

  after(async () => {
    await removeDir(dir);
  });

  async function run(...args: string[]): Promise<{ code: number; out: unknown; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await parseCommand(args, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.length ? (JSON.parse(out.join('\n')) as unknown) : undefined, err: err.join('\n') };
  }

  it('is registered beside Renault', () => {
    assert.deepEqual([...(rawParser('cardata')?.endpoints ?? [])].sort(), ['basicData', 'chargingHistory', 'containers', 'error', 'mappings', 'stream', 'telematicData']);
  });

  it('maps a telematicData body and lists the keys it keeps raw', async () => {
    const r = await run('cardata', 'telematicData', path.join(dir, 'telematic.json'));
    assert.equal(r.code, 0, r.err);
    const out = r.out as { status: Record<string, unknown>; unmapped: Record<string, unknown> };
    assert.deepEqual(out.status.battery, { socPercent: 64, rangeKm: 291, updatedAt: '2026-11-20T07:55:00.000Z' });
    assert.deepEqual(out.status.charging, { state: 'charging', plug: 'plugged', updatedAt: '2026-11-20T07:55:00.000Z' });
    assert.deepEqual(out.status.lock, { state: 'secured', updatedAt: '2026-11-20T07:50:00.000Z' });
    assert.equal(out.status.mileageKm, 12500);
    assert.deepEqual(Object.keys(out.unmapped), ['vehicle.cabin.infotainment.navigation.currentLocation.altitude']);
  });

  it('maps a stream message, the mappings, basicData and a history page', async () => {
    const s = await run('cardata', 'stream', path.join(dir, 'stream.json'));
    assert.equal(s.code, 0, s.err);
    const stream = s.out as { vin: string; status: { doors?: unknown }; unmapped: Record<string, unknown> };
    assert.equal(stream.vin, 'WBY31AW0X0FCD0001');
    assert.deepEqual(stream.status.doors, { frontLeft: 'open', anyOpen: true });
    assert.ok('vehicle.powertrain.electric.battery.charging.preferenceSmartCharging' in stream.unmapped);
    const m = await run('cardata', 'mappings', path.join(dir, 'mappings.json'));
    assert.deepEqual(m.out, [{ vin: 'WMZ21GA0X07CD0002', mappingType: 'PRIMARY', brand: 'mini' }]);
    const b = await run('cardata', 'basicData', path.join(dir, 'basic.json'));
    assert.deepEqual(b.out, { vin: 'WBY31AW0X0FCD0001', brand: 'bmw', model: 'i4 eDrive40', modelCode: '31AW', drivetrain: 'electric' });
    const h = await run('cardata', 'chargingHistory', path.join(dir, 'history.json'));
    const hist = h.out as { sessions: { energyKwh: number; durationMin: number }[]; nextToken: string };
    assert.equal(hist.sessions[0]?.energyKwh, 15.92);
    assert.equal(hist.sessions[0]?.durationMin, 60);
    assert.equal(hist.nextToken, 'abc');
  });

  it('turns an error body into the CarError it becomes, exit code 1', async () => {
    const r = await run('cardata', 'error', path.join(dir, 'quota.json'));
    assert.equal(r.code, 1);
    const e = (r.out as { error: { code: string; upstreamCode: string } }).error;
    assert.equal(e.code, 'QUOTA_EXCEEDED');
    assert.equal(e.upstreamCode, 'CU-429');
  });

  it('refuses a kind it does not know, or a body of another kind', async () => {
    const r = await run('cardata', 'cockpit', path.join(dir, 'telematic.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /telematicData/);
    const wrong = await run('cardata', 'telematicData', path.join(dir, 'mappings.json'));
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /UPSTREAM/);
  });
});
