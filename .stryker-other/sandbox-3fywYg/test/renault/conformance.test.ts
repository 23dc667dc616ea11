// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ChargingSettingsSchema, VehicleStatusSchema, type StatusFragment } from '../../src/core';
import { parseRenault } from '../../src/brands/renault/parse';
import { mapEndpoint, type ReadEndpointName } from '../../src/brands/renault/endpoints';
import { allRenaultFixtures, endpointOf, listRenault, readRenault, readRenaultJson } from './fixtures';

const DATA = 'kamereon/vehicle_data';
const NOW = Date.parse('2026-11-20T08:00:00Z');

/** A fragment must be a valid part of a VehicleStatus. */
function assertValid(fragment: StatusFragment, what = ''): void {
  const parsed = VehicleStatusSchema.safeParse({ vin: 'VF1TEST', provider: 'renault', fetchedAt: new Date(NOW).toISOString(), ...fragment });
  assert.ok(parsed.success, parsed.success ? '' : `${what} ${JSON.stringify(parsed.error.issues)}`);
}

function assertValidSettings(settings: unknown, what: string): void {
  const parsed = ChargingSettingsSchema.safeParse({ vin: 'VF1TEST', ...(settings as object) });
  assert.ok(parsed.success, parsed.success ? '' : `${what} ${JSON.stringify(parsed.error.issues)}`);
}

/** What a status read makes of a body (the model of mapEndpoint). */
function mapRead(read: ReadEndpointName, body: unknown, modelCode?: string): StatusFragment {
  return mapEndpoint(read, body, modelCode ? { modelCode } : {}).mapped as StatusFragment;
}

async function mapFixture(read: ReadEndpointName, file: string, modelCode?: string): Promise<StatusFragment> {
  return mapRead(read, await readRenaultJson(DATA, file), modelCode);
}

const STATUS_ENDPOINTS = new Set(['battery-status', 'cockpit', 'location', 'hvac-status', 'lock-status', 'pressure', 'alerts']);
const SETTINGS_ENDPOINTS = new Set(['charge-mode', 'charging-settings', 'charge-schedule', 'ev/settings', 'ev/soc-levels']);

/** Kamereon error files and the core code each becomes. */
const ERRORS: Record<string, string> = {
  'quota_limit.json': 'RATE_LIMITED',
  'forbidden.json': 'NOT_SUPPORTED',
  'not_supported.json': 'NOT_SUPPORTED',
  'resource_not_found.json': 'NOT_SUPPORTED',
  'access_denied.json': 'NOT_SUPPORTED',
  'privacy_on.json': 'NOT_SUPPORTED',
  'failed_forward.json': 'UPSTREAM',
  'invalid_upstream.json': 'UPSTREAM',
  'bad_gateway.html': 'UPSTREAM',
};

/** Gigya error files (and the empty answer) and the code each becomes. */
const GIGYA_ERRORS: Record<string, { code: string; upstream?: string }> = {
  'gigya/error/get_jwt.403005.json': { code: 'AUTH_FAILED', upstream: '403005' },
  'gigya/error/login.403042.json': { code: 'AUTH_FAILED', upstream: '403042' },
  'gigya/error/get_jwt.403013.json': { code: 'AUTH_FAILED', upstream: '403013' },
  'gigya/error/get_jwt.403048.json': { code: 'RATE_LIMITED', upstream: '403048' },
  // The real 403101 answer is a two-factor step, never "an unexpected shape".
  'gigya/error/login.403101.json': { code: 'TFA_REQUIRED', upstream: '403101' },
  'gigya/error/login.403120.json': { code: 'AUTH_FAILED', upstream: '403120' },
  'gigya/login_invalid.txt': { code: 'UPSTREAM' },
};

describe('Renault conformance: the whole of test/fixtures/renault maps', () => {
  it('parses every answer to a model (and every error to its code), and fails on any it cannot place', async () => {
    const files = await allRenaultFixtures();
    assert.ok(files.length >= 90, `only ${files.length} fixture files found`);
    const seen = new Set<string>();
    for (const rel of files) {
      const endpoint = endpointOf(rel);
      assert.ok(endpoint, `no endpoint known for fixture ${rel}: teach endpointOf about it`);
      seen.add(endpoint);
      const text = await readRenault(rel);
      let model: unknown;
      try {
        model = parseRenault(endpoint, text, { now: NOW });
      } catch (e) {
        assert.fail(`${rel} (${endpoint}) did not map: ${(e as Error).message}`);
      }
      const isError = typeof model === 'object' && model !== null && 'error' in model;
      const expectedError = endpoint === 'error' ? ERRORS[path.posix.basename(rel)] : GIGYA_ERRORS[rel]?.code;
      if (endpoint === 'error') assert.ok(expectedError, `no expected code for error fixture ${rel}`);
      if (expectedError) {
        assert.ok(isError, `${rel} should map to an error`);
        const err = (model as { error: { code: string; message: string; upstreamCode?: string } }).error;
        assert.equal(err.code, expectedError, rel);
        assert.ok(err.message.length > 20 && /[a-z]{3} [a-z]{3}/.test(err.message), `${rel}: a message in words (${err.message})`);
        const upstream = GIGYA_ERRORS[rel]?.upstream;
        if (upstream) assert.equal(err.upstreamCode, upstream, rel);
        continue;
      }
      assert.ok(!isError, `${rel} mapped to an error: ${JSON.stringify(model)}`);
      if (STATUS_ENDPOINTS.has(endpoint)) assertValid(model as StatusFragment, rel);
      if (SETTINGS_ENDPOINTS.has(endpoint)) assertValidSettings(model, rel);
    }
    // The layout covers every endpoint family the fixtures hold.
    for (const e of ['battery-status', 'charges', 'charge-history', 'lock-status', 'pressure', 'alerts', 'contracts', 'car-adapter', 'details', 'ev/settings', 'ev/soc-levels', 'action', 'error']) {
      assert.ok(seen.has(e), `no fixture parsed as ${e}`);
    }
  });

  for (const read of ['battery-status', 'cockpit', 'location', 'hvac-status'] as ReadEndpointName[]) {
    it(`maps every ${read} fixture to something`, async () => {
      const files = await listRenault(DATA, new RegExp(`^${read}\\.`));
      assert.ok(files.length > 0, `no ${read} fixtures found`);
      for (const f of files) {
        const fragment = await mapFixture(read, f);
        assertValid(fragment);
        assert.ok(Object.keys(fragment).length > 0, `${f} mapped to nothing`);
      }
    });
  }

  it('reads state of charge, range, energy, plug and charge from battery-status', async () => {
    const charging = await mapFixture('battery-status', 'battery-status.2.json', 'X102VE');
    assert.equal(charging.battery?.socPercent, 42);
    assert.equal(charging.battery?.rangeKm, 118);
    assert.equal(charging.battery?.temperatureC, 14);
    assert.equal(charging.battery?.availableEnergyKwh, 22);
    assert.equal(charging.battery?.updatedAt, '2026-01-18T20:12:40.000Z');
    assert.equal(charging.charging?.plug, 'plugged');
    assert.equal(charging.charging?.state, 'charging');
    assert.equal(charging.charging?.remainingMinutes, 95);
    assert.equal(charging.charging?.powerKw, 11);
    assert.equal(charging.charging?.endsAt, '2026-01-18T21:47:40.000Z');
    assert.equal(charging.rangeKm, 118);

    const parked = await mapFixture('battery-status', 'battery-status.1.json', 'X101VE');
    assert.equal(parked.battery?.socPercent, 64);
    assert.equal(parked.battery?.rangeKm, 152);
    // "0 kWh available" at 64 % is the car not reporting: absent, never 0.
    assert.equal(parked.battery?.availableEnergyKwh, undefined);
    assert.equal(parked.charging?.plug, 'unplugged');
    assert.equal(parked.charging?.state, 'not_charging', 'ZE40 says -1 when simply not charging');
    // +01:00 offset normalised to UTC.
    assert.equal(parked.battery?.updatedAt, '2026-03-02T06:45:10.000Z');

    const r5 = await mapFixture('battery-status', 'battery-status.renault_5.json', 'R5E1VE');
    assert.equal(r5.battery?.socPercent, 73);
    assert.equal(r5.battery?.rangeKm, 251);
    assert.equal(r5.charging?.state, 'not_charging');
    assert.equal(r5.charging?.remainingMinutes, undefined, 'no remaining time when not charging');

    // Waiting for current: plugged (plugStatus 3 with a state that needs a cable), the remaining time kept, no end time.
    const waiting = await mapFixture('battery-status', 'battery-status.waiting.json', 'X071VE');
    assert.deepEqual(waiting.charging, { state: 'waiting_for_current', plug: 'plugged', remainingMinutes: 185, updatedAt: '2026-05-12T18:40:02.000Z' });
    // plugStatus 3 with "not charging" says nothing sure about the cable.
    const plug3 = await mapFixture('battery-status', 'battery-status.plug_3.json', 'XBG1VE');
    assert.equal(plug3.charging?.plug, 'unknown');
    assert.equal(plug3.charging?.remainingMinutes, undefined);
  });

  it('reads mileage and fuel from cockpit', async () => {
    assert.equal((await mapFixture('cockpit', 'cockpit.zoe.json')).mileageKm, 31877.42);
    const austral = await mapFixture('cockpit', 'cockpit.austral_XHN1SU.json');
    assert.equal(austral.mileageKm, 8840);
    assert.deepEqual(austral.fuel, { quantityLiters: 27, rangeKm: 512 });
  });

  it('reads the position from location', async () => {
    const loc = await mapFixture('location', 'location.1.json');
    assert.deepEqual(loc.position, { latitude: 45.7640123, longitude: 4.8356789, updatedAt: '2026-02-11T09:14:27.000Z' });
    assert.equal(loc.positionUnknown, false);
    const austral = await mapFixture('location', 'location.austral_XHN1SU.json');
    assert.equal(austral.position?.latitude, 43.2961743011925);
    assert.equal(austral.position?.longitude, 5.36978112340021);
  });

  it('treats 91/181 as no fix, not as a position', async () => {
    const f = await mapFixture('location', 'location.no_fix.json');
    assert.equal(f.position, undefined);
    assert.equal(f.positionUnknown, true);
  });

  it('reads the climate from hvac-status', async () => {
    const zoe = await mapFixture('hvac-status', 'hvac-status.zoe.json');
    assert.deepEqual(zoe.climate, { state: 'off', outsideTemperatureC: 4 });
    const ze50 = await mapFixture('hvac-status', 'hvac-status.zoe_50.json');
    assert.equal(ze50.climate?.state, 'on');
    assert.equal(ze50.climate?.socThresholdPercent, 40, 'socThreshold: the level below which the climate does not run');
    const r5 = await mapFixture('hvac-status', 'hvac-status.renault_5.json');
    assert.equal(r5.climate?.insideTemperatureC, 18);
    assert.equal(r5.climate?.updatedAt, '2026-04-10T16:11:42.000Z');
  });

  it('treats a read without attributes as empty, not as an error', async () => {
    assert.deepEqual(await mapFixture('battery-status', 'no_data.json'), {});
  });

  it('reads the lock and the doors from lock-status (driver side by locale)', async () => {
    const body = await readRenaultJson(DATA, 'lock-status.1.json');
    const f = mapEndpoint('lock-status', body).mapped as StatusFragment;
    assert.deepEqual(f.lock, { state: 'locked', updatedAt: '2026-02-20T17:05:31.000Z' });
    assert.deepEqual(f.doors, { frontLeft: 'closed', frontRight: 'closed', rearLeft: 'closed', rearRight: 'closed', trunk: 'closed', anyOpen: false });
    const open = { data: { id: 'X', attributes: { lockStatus: 'unlocked', doorStatusDriver: 'open', doorStatusPassenger: 'closed' } } };
    assert.equal((mapEndpoint('lock-status', open).mapped as StatusFragment).doors?.frontLeft, 'open');
    const uk = mapEndpoint('lock-status', open, { rightHandDrive: true }).mapped as StatusFragment;
    assert.equal(uk.doors?.frontRight, 'open', 'the driver sits on the right in the UK');
    assert.equal(uk.doors?.anyOpen, true);
    assert.equal(uk.lock?.state, 'unlocked');
  });

  it('reads the tyres from pressure in kPa (mbar / 10)', async () => {
    const f = mapEndpoint('pressure', await readRenaultJson(DATA, 'pressure.json')).mapped as StatusFragment;
    assert.deepEqual(f.tires?.frontLeft, { pressureKpa: 238, warning: 'ok' });
    assert.equal(f.tires?.frontRight?.pressureKpa, 241);
    assert.equal(f.tires?.rearLeft?.pressureKpa, 250);
    assert.equal(f.tires?.rearRight?.pressureKpa, 249);
  });

  it('reads the alerts as messages', async () => {
    const f = mapEndpoint('alerts', await readRenaultJson('kamereon/vehicle_info', 'alerts.json')).mapped as StatusFragment;
    assert.equal(f.messages?.length, 1);
    assert.deepEqual(f.messages?.[0], {
      kind: 'alert',
      code: 'brakepadwear',
      severity: 'high',
      title: 'Worn brake pads',
      description: 'The brake pads must be replaced',
      status: 'archived',
    });
    // renault-api wraps bare arrays as {data: [...]}: the same list.
    const wrapped = mapEndpoint('alerts', { data: await readRenaultJson('kamereon/vehicle_info', 'alerts.json') }).mapped as StatusFragment;
    assert.equal(wrapped.messages?.length, 1);
  });

  it('reads the charge mode, schedules and target levels as charging settings', async () => {
    assert.deepEqual(parseRenault('charge-mode', await readRenault(DATA, 'charge-mode.json')), { mode: 'always' });
    const always = parseRenault('charging-settings', await readRenault(DATA, 'charging-settings.always.json')) as { mode: string; schedules: unknown[]; updatedAt: string };
    assert.equal(always.mode, 'always');
    assert.deepEqual(always.schedules, []);
    assert.equal(always.updatedAt, '2026-05-21T18:40:00.000Z');
    const single = parseRenault('charging-settings', await readRenault(DATA, 'charging-settings.single.json')) as { schedules: { id: number; enabled: boolean; days: Record<string, { start: string; durationMin: number }> }[]; timeZone: string };
    assert.equal(single.timeZone, 'UTC');
    assert.equal(single.schedules[0]?.enabled, true);
    assert.deepEqual(single.schedules[0]?.days.tuesday, { start: '05:15', durationMin: 360 });
    assert.deepEqual(single.schedules[0]?.days.friday, { start: '06:15', durationMin: 15 });
    const calendar = parseRenault('charge-schedule', await readRenault(DATA, 'charge-schedule.single.json')) as { schedules: { enabled: boolean; days: Record<string, unknown> }[] };
    assert.deepEqual(calendar.schedules[0]?.days.sunday, { start: '22:30', durationMin: 450 });
    assert.equal(calendar.schedules[0]?.enabled, false);
    const soc = parseRenault('ev/soc-levels', await readRenault('kamereon/vehicle_kcm_data', 'ev-soc-levels.json'));
    assert.deepEqual(soc, { targetSocPercent: 85, minSocPercent: 25, updatedAt: '2026-03-06T17:40:05.000Z' });
    assert.deepEqual(parseRenault('soc-levels', await readRenault('kamereon/vehicle_kcm_data', 'ev-soc-levels.json')), soc, 'the alias names the same endpoint');
    const ev = parseRenault('ev/settings', await readRenault('kamereon/vehicle_kcm_data', 'ev-settings.single.json')) as { mode: string; departureTimers: unknown[] };
    assert.equal(ev.mode, 'scheduled');
    assert.deepEqual(ev.departureTimers, [
      { id: 1, enabled: true, time: '06:30', days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], action: 'charge_and_climate' },
    ]);
    const inactive = parseRenault('ev/settings', await readRenault('kamereon/vehicle_kcm_data', 'ev-settings.single.inactive.json')) as { departureTimers: { enabled: boolean }[] };
    assert.equal(inactive.departureTimers[0]?.enabled, false);
    const hvac = parseRenault('hvac-settings', await readRenault(DATA, 'hvac-settings.json')) as { departureTimers: unknown[] };
    assert.deepEqual(hvac.departureTimers, [{ id: 2, enabled: true, time: '06:30', days: ['thursday', 'saturday'], action: 'climate' }]);
    const dayTimes = parseRenault('hvac-settings', await readRenault(DATA, 'hvac-settings.day_times.json')) as { departureTimers: unknown[] };
    assert.deepEqual(dayTimes.departureTimers, [{ id: 1, enabled: true, time: '07:00', days: ['monday', 'tuesday', 'friday'], dayTimes: { friday: '08:15' }, action: 'climate' }], 'one timer per slot, a day of its own in dayTimes');
    const mixed = parseRenault('charge-schedule', await readRenault(DATA, 'charge-schedule.mixed.json')) as { schedules: { enabled: boolean; days: Record<string, unknown> }[] };
    assert.equal(mixed.schedules[0]?.enabled, true);
    assert.deepEqual(Object.keys(mixed.schedules[0]?.days ?? {}), ['monday', 'tuesday', 'wednesday', 'thursday', 'saturday', 'sunday'], 'the 10-minute Friday is left out, not the schedule');
    assert.deepEqual(parseRenault('charge-mode', await readRenault(DATA, 'charge-mode.schedule_mode.json')), { mode: 'scheduled' });
    // What settings say about the status: the mode and the target, nothing half-made.
    assert.deepEqual(mapEndpoint('ev/soc-levels', await readRenaultJson('kamereon/vehicle_kcm_data', 'ev-soc-levels.json')).status, { charging: { targetSocPercent: 85 } });
  });

  it('reads the history endpoints leniently (charges, charge-history, hvac-sessions)', async () => {
    const charges = parseRenault('charges', await readRenault(DATA, 'charges.json')) as { charges: { chargeDuration: number; chargeStartBatteryLevel: number }[] };
    assert.equal(charges.charges[0]?.chargeDuration, 408);
    assert.equal(charges.charges[0]?.chargeStartBatteryLevel, 22);
    const megane = parseRenault('charges', await readRenault(DATA, 'charges-megane.json')) as { charges: { chargeEnergyRecovered: number }[] };
    assert.equal(megane.charges.length, 2);
    assert.equal(megane.charges[1]?.chargeEnergyRecovered, 11.700001);
    const history = parseRenault('charge-history', await readRenault(DATA, 'charge-history.day.json')) as { chargeSummaries: { day: string; totalChargesNumber: number }[] };
    assert.deepEqual(history.chargeSummaries.map((s) => [s.day, s.totalChargesNumber]), [['20260112', 2], ['20260109', 1]]);
    assert.deepEqual(parseRenault('hvac-sessions', await readRenault(DATA, 'hvac-sessions.json')), {});
  });

  it('reads res-state, the car-adapter root, details and contracts', async () => {
    assert.deepEqual(parseRenault('res-state', await readRenault(DATA, 'res-state.1.json')), { code: '10', details: 'Stopped, ready for RES' });
    const ze40 = parseRenault('car-adapter', await readRenault('kamereon/vehicle_gateway', 'zoe_40.1.json')) as { modelCode: string; gateway: string; powerInWatts: boolean; privacyMode: boolean };
    assert.deepEqual([ze40.modelCode, ze40.gateway, ze40.powerInWatts, ze40.privacyMode], ['X101VE', 'GDC', true, false]);
    const ze50 = parseRenault('car-adapter', await readRenault('kamereon/vehicle_gateway', 'zoe_50.1.json')) as { powerInWatts: boolean };
    assert.equal(ze50.powerInWatts, false);
    const master = parseRenault('details', await readRenault('kamereon/vehicle_details', 'master_iv.1.json')) as { vin: string; modelCode: string; drivetrain: string };
    assert.deepEqual([master.vin, master.modelCode, master.drivetrain], ['VF1TESTMASTR00010', 'XDD1VE', 'electric']);
    const contracts = parseRenault('contracts', await readRenault('kamereon/vehicle_contract', 'fr_FR.1.json'), { now: NOW }) as { code: string; type: string; active: boolean }[];
    assert.equal(contracts.length, 8);
    const connected = contracts.find((c) => c.code === 'ZECONNECTP');
    assert.equal(connected?.type, 'CONNECTED_SERVICES');
    assert.equal(connected?.active, false, 'ended in 2022');
    assert.equal(contracts.find((c) => c.code === 'CorrosionWarranty')?.active, true);
  });

  it('maps every vehicle list to vehicles with VIN, brand, model code and drivetrain', async () => {
    const files = await listRenault('kamereon/vehicles', /\.json$/);
    assert.ok(files.length >= 10);
    for (const f of files) {
      const vehicles = parseRenault('vehicles', await readRenault('kamereon/vehicles', f)) as { vin: string; brand?: string; modelCode?: string; drivetrain: string }[];
      assert.ok(vehicles.length >= 1, f);
      for (const v of vehicles) {
        assert.match(v.vin, /^[A-Z0-9]{16,17}$/, f);
        assert.ok(v.brand === 'renault' || v.brand === 'dacia', `${f}: brand ${v.brand}`);
        assert.ok(v.modelCode, `${f}: model code`);
      }
    }
    const spring = parseRenault('vehicles', await readRenault('kamereon/vehicles', 'spring.1.json')) as { brand: string; modelCode: string; drivetrain: string }[];
    assert.deepEqual([spring[0]?.brand, spring[0]?.modelCode, spring[0]?.drivetrain], ['dacia', 'XBG1VE', 'electric']);
    const captur = parseRenault('vehicles', await readRenault('kamereon/vehicles', 'captur_ii.2.json')) as { drivetrain: string }[];
    assert.equal(captur[0]?.drivetrain, 'plugin_hybrid');
  });

  it('lists the accounts of a person, saying which can hold cars', async () => {
    const person = parseRenault('person', await readRenault('kamereon/person.json')) as { personId: string; accounts: { accountId: string; type: string; holdsCars: boolean }[] };
    assert.equal(person.personId, 'person-test-1');
    assert.ok(person.accounts.some((a) => a.type === 'MYRENAULT' && a.holdsCars));
    assert.ok(person.accounts.filter((a) => a.type === 'SFDC').every((a) => !a.holdsCars));
  });

  it('reads action echoes and notifications (the ids command tracking needs)', async () => {
    const echo = parseRenault('action', await readRenault('kamereon/vehicle_action', 'hvac-start.start.json')) as { actionId: string; type: string };
    assert.deepEqual([echo.actionId, echo.type], ['9c4e2a71-5b3d-4f08-a6e1-0d2c7b8f3e15', 'HvacStart']);
    const kcm = parseRenault('action', await readRenault('kamereon/vehicle_kcm_action', 'ev-soc-levels.json')) as { actionId: string; status: string };
    assert.deepEqual([kcm.actionId, kcm.status], ['cmd-5f2e9a0b', 'CREATED']);
    const notes = parseRenault('notifications', await readRenault('kamereon/person', 'notifications.1.json')) as { at: string; status?: string }[];
    assert.equal(notes[0]?.status, 'CREATED');
    assert.equal(notes[0]?.at, '2026-05-04T06:12:33.104Z', 'a time without zone is UTC');
  });

  it('survives shapes it was not written against: nulls, strings for numbers, new fields, broken items', () => {
    const battery = mapRead('battery-status', {
      data: { id: 'X', attributes: { batteryLevel: '81', batteryAutonomy: null, plugStatus: '1', chargingStatus: '1.0', timestamp: '2026-01-01T10:00:00+01:00', somethingNew: { deep: [1] } } },
    });
    assert.equal(battery.battery?.socPercent, 81);
    assert.equal(battery.battery?.rangeKm, undefined);
    assert.equal(battery.charging?.state, 'charging');
    assert.equal(battery.charging?.plug, 'plugged');
    assert.deepEqual(mapRead('cockpit', { data: { id: 'X', attributes: null } }), {});
    const alerts = mapEndpoint('alerts', [null, 'x', { alertCode: 42, criticity: '2' }]).mapped as StatusFragment;
    assert.deepEqual(alerts.messages, [{ kind: 'alert', code: '42', severity: 'medium' }]);
    const settings = mapEndpoint('charging-settings', { data: { attributes: { mode: 'SCHEDULED', schedules: [{ id: '1', activated: 'true', monday: { startTime: 'T07:00Z', duration: '60' }, tuesday: null }, 'junk'] } } }).mapped as {
      mode: string;
      schedules: { id: number; enabled: boolean; days: Record<string, unknown> }[];
    };
    assert.equal(settings.mode, 'scheduled');
    assert.deepEqual(settings.schedules, [{ id: 1, enabled: true, days: { monday: { start: '07:00', durationMin: 60 } } }]);
    const pressure = mapEndpoint('pressure', { data: { attributes: { flPressure: 0, frPressure: '2500', rlPressure: 65535 } } }).mapped as StatusFragment;
    assert.deepEqual(pressure.tires, { frontRight: { pressureKpa: 250 } }, 'zero and absurd pressures are not reported');
    // A damaged item is dropped where an id is needed; the others stay.
    const vehicles = parseRenault('vehicles', JSON.stringify({ accountId: 'acc', vehicleLinks: [{ brand: 'RENAULT' }, { vin: 'VF1TESTOK00000001', brand: 'RENAULT', extra: 1 }, null] })) as { vin: string }[];
    assert.deepEqual(vehicles.map((v) => v.vin), ['VF1TESTOK00000001']);
    const person = parseRenault('person', JSON.stringify({ personId: 'p', accounts: [{ accountType: 'MYRENAULT' }, { accountId: 12345, accountType: 'MYDACIA', accountStatus: 'ACTIVE' }] })) as {
      accounts: { accountId: string }[];
    };
    assert.deepEqual(person.accounts.map((a) => a.accountId), ['12345']);
    assert.throws(() => mapEndpoint('cockpit', { totalMileage: 3 }), { code: 'UPSTREAM', message: /not a cockpit response/ });
    assert.throws(() => mapEndpoint('alerts', { alerts: 'none' }), { code: 'UPSTREAM' });
  });
});
