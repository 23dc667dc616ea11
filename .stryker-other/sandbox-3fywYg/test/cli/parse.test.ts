// @ts-nocheck
import { describe, it, before, after } from 'mocha';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initCliUtil } from '../../src/cli/nr-util';
import { parseCommand } from '../../src/cli/index';
import { removeDir, tempDir } from '../helpers';
import { renaultFixture } from '../renault/fixtures';

/** Runs `connected-car parse <args>` and collects what it prints. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await parseCommand(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

const K = (...p: string[]): string => renaultFixture('kamereon', ...p);

describe('connected-car parse renault <endpoint> <file>', () => {
  let dir: string;
  before(async () => {
    await initCliUtil('warn');
    dir = await tempDir('cc-parse-');
  });
  after(async () => {
    await removeDir(dir);
  });

  it('prints the model of a recorded read as JSON and exits 0', async () => {
    const r = await run(['renault', 'battery-status', K('vehicle_data', 'battery-status.2.json')]);
    assert.equal(r.code, 0, r.err);
    const model = JSON.parse(r.out) as { battery: { socPercent: number }; charging: { state: string } };
    assert.equal(model.battery.socPercent, 42);
    assert.equal(model.charging.state, 'charging');
  });

  const CASES: [string, string[], (m: unknown) => boolean][] = [
    ['cockpit', ['vehicle_data', 'cockpit.austral_XHN1SU.json'], (m) => (m as { mileageKm: number }).mileageKm === 8840],
    ['location', ['vehicle_data', 'location.1.json'], (m) => (m as { position: { latitude: number } }).position.latitude === 45.7640123],
    ['hvac-status', ['vehicle_data', 'hvac-status.zoe_50.json'], (m) => (m as { climate: { state: string } }).climate.state === 'on'],
    ['lock-status', ['vehicle_data', 'lock-status.1.json'], (m) => (m as { lock: { state: string } }).lock.state === 'locked'],
    ['pressure', ['vehicle_data', 'pressure.json'], (m) => (m as { tires: { frontLeft: { pressureKpa: number } } }).tires.frontLeft.pressureKpa === 238],
    ['alerts', ['vehicle_info', 'alerts.json'], (m) => (m as { messages: unknown[] }).messages.length === 1],
    ['charging-settings', ['vehicle_data', 'charging-settings.single.json'], (m) => (m as { mode: string }).mode === 'scheduled'],
    ['charge-mode', ['vehicle_data', 'charge-mode.json'], (m) => (m as { mode: string }).mode === 'always'],
    ['charges', ['vehicle_data', 'charges-megane.json'], (m) => (m as { charges: unknown[] }).charges.length === 2],
    ['charge-history', ['vehicle_data', 'charge-history.day.json'], (m) => (m as { chargeSummaries: unknown[] }).chargeSummaries.length === 2],
    ['ev/settings', ['vehicle_kcm_data', 'ev-settings.single.json'], (m) => (m as { mode: string }).mode === 'scheduled'],
    ['ev/soc-levels', ['vehicle_kcm_data', 'ev-soc-levels.json'], (m) => (m as { targetSocPercent: number }).targetSocPercent === 85],
    ['res-state', ['vehicle_data', 'res-state.1.json'], (m) => (m as { code: string }).code === '10'],
    ['car-adapter', ['vehicle_gateway', 'zoe_40.1.json'], (m) => (m as { powerInWatts: boolean }).powerInWatts === true],
    ['contracts', ['vehicle_contract', 'fr_FR.1.json'], (m) => Array.isArray(m) && m.length === 8],
    ['details', ['vehicle_details', 'zoe_40.1.json'], (m) => (m as { modelCode: string }).modelCode === 'X101VE'],
    ['vehicles', ['vehicles', 'renault_5.1.json'], (m) => (m as { modelCode: string }[])[0]?.modelCode === 'R5E1VE'],
    ['action', ['vehicle_action', 'hvac-start.start.json'], (m) => (m as { actionId: string }).actionId === '9c4e2a71-5b3d-4f08-a6e1-0d2c7b8f3e15'],
  ];
  for (const [endpoint, file, check] of CASES) {
    it(`parses ${endpoint}`, async () => {
      const r = await run(['renault', endpoint, K(...file)]);
      assert.equal(r.code, 0, r.err);
      assert.ok(check(JSON.parse(r.out)), r.out);
    });
  }

  it('prints the core error of a recorded error answer and exits 1', async () => {
    const r = await run(['renault', 'error', K('error', 'quota_limit.json')]);
    assert.equal(r.code, 1);
    assert.equal((JSON.parse(r.out) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    const html = await run(['renault', 'cockpit', K('error', 'bad_gateway.html')]);
    assert.equal(html.code, 1);
    assert.equal((JSON.parse(html.out) as { error: { code: string } }).error.code, 'UPSTREAM');
    const gigya = await run(['renault', 'gigya-login', renaultFixture('gigya', 'error', 'login.403042.json')]);
    assert.equal(gigya.code, 1);
    assert.equal((JSON.parse(gigya.out) as { error: { code: string } }).error.code, 'AUTH_FAILED');
  });

  it('says clearly, with a non-zero exit, when a file is broken or not that endpoint', async () => {
    const broken = path.join(dir, 'broken.json');
    await fs.writeFile(broken, '{"data": {"attributes": {"batteryLevel": 5');
    const r1 = await run(['renault', 'battery-status', broken]);
    assert.equal(r1.code, 1);
    const e1 = (JSON.parse(r1.out) as { error: { code: string; message: string } }).error;
    assert.equal(e1.code, 'UPSTREAM');
    assert.match(e1.message, /not valid JSON/);
    const wrong = path.join(dir, 'wrong.json');
    await fs.writeFile(wrong, '{"totalMileage": 1234}');
    const r2 = await run(['renault', 'cockpit', wrong]);
    assert.equal(r2.code, 1);
    assert.match(r2.err, /not a cockpit response/);
    const empty = path.join(dir, 'empty.json');
    await fs.writeFile(empty, '');
    const r3 = await run(['renault', 'location', empty]);
    assert.equal(r3.code, 1);
    assert.match(r3.out, /empty/);
  });

  it('refuses an unknown endpoint or a missing file with exit 2, listing what it knows', async () => {
    const r = await run(['renault', 'battery', K('vehicle_data', 'cockpit.zoe.json')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /battery-status/);
    const missing = await run(['renault', 'cockpit', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
  });
});
