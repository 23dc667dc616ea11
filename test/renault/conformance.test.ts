import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema, type StatusFragment } from '../../src/core';
import { mapRead } from '../../src/brands/renault';
import { parseRenault } from '../../src/brands/renault/parse';
import type { ReadName } from '../../src/brands/renault/api';
import { listFixtures, readFixture, readJsonFixture } from '../helpers';

const DATA = 'renault/kamereon/vehicle_data';

/** A fragment must be a valid part of a VehicleStatus. */
function assertValid(fragment: StatusFragment): void {
  const parsed = VehicleStatusSchema.safeParse({ vin: 'VF1TEST', provider: 'renault', fetchedAt: new Date().toISOString(), ...fragment });
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
}

async function mapFixture(read: ReadName, file: string, modelCode?: string): Promise<StatusFragment> {
  return mapRead(read, await readJsonFixture(DATA, file), modelCode);
}

describe('Renault conformance: every recorded read maps to the core model', () => {
  for (const read of ['battery-status', 'cockpit', 'location', 'hvac-status'] as ReadName[]) {
    it(`maps every ${read} fixture`, async () => {
      const files = await listFixtures(DATA, new RegExp(`^${read}\\.`));
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
    assert.equal(charging.battery?.socPercent, 60);
    assert.equal(charging.battery?.rangeKm, 141);
    assert.equal(charging.battery?.temperatureC, 20);
    assert.equal(charging.battery?.availableEnergyKwh, 31);
    assert.equal(charging.battery?.updatedAt, '2020-01-12T21:40:16.000Z');
    assert.equal(charging.charging?.plug, 'plugged');
    assert.equal(charging.charging?.state, 'charging');
    assert.equal(charging.charging?.remainingMinutes, 145);
    assert.equal(charging.charging?.powerKw, 27);
    assert.equal(charging.charging?.endsAt, '2020-01-13T00:05:16.000Z');
    assert.equal(charging.rangeKm, 141);

    const parked = await mapFixture('battery-status', 'battery-status.1.json', 'X101VE');
    assert.equal(parked.battery?.socPercent, 50);
    assert.equal(parked.battery?.rangeKm, 128);
    // "0 kWh available" at 50 % is the car not reporting: absent, never 0.
    assert.equal(parked.battery?.availableEnergyKwh, undefined);
    assert.equal(parked.charging?.plug, 'unplugged');
    assert.equal(parked.charging?.state, 'not_charging', 'ZE40 says -1 when simply not charging');
    // +01:00 offset normalised to UTC.
    assert.equal(parked.battery?.updatedAt, '2020-11-17T08:06:48.000Z');

    const r5 = await mapFixture('battery-status', 'battery-status.renault_5.json', 'R5E1VE');
    assert.equal(r5.battery?.socPercent, 49);
    assert.equal(r5.battery?.rangeKm, 169);
    assert.equal(r5.charging?.state, 'not_charging');
    assert.equal(r5.charging?.remainingMinutes, undefined, 'no remaining time when not charging');
  });

  it('reads mileage and fuel from cockpit', async () => {
    assert.equal((await mapFixture('cockpit', 'cockpit.zoe.json')).mileageKm, 49114.27);
    const austral = await mapFixture('cockpit', 'cockpit.austral_XHN1SU.json');
    assert.equal(austral.mileageKm, 2698);
    assert.deepEqual(austral.fuel, { quantityLiters: 18, rangeKm: 348 });
  });

  it('reads the position from location', async () => {
    const loc = await mapFixture('location', 'location.1.json');
    assert.deepEqual(loc.position, { latitude: 48.1234567, longitude: 11.1234567, updatedAt: '2020-02-18T16:58:38.000Z' });
    assert.equal(loc.positionUnknown, false);
    const austral = await mapFixture('location', 'location.austral_XHN1SU.json');
    assert.equal(austral.position?.latitude, 47.9434236511121);
    assert.equal(austral.position?.longitude, 5.61293738888839);
  });

  it('treats 91/181 as no fix, not as a position', () => {
    const f = mapRead('location', { data: { id: 'X', attributes: { gpsLatitude: 91, gpsLongitude: 181, lastUpdateTime: '2026-09-07T10:00:00Z' } } });
    assert.equal(f.position, undefined);
    assert.equal(f.positionUnknown, true);
  });

  it('reads the climate from hvac-status', async () => {
    const zoe = await mapFixture('hvac-status', 'hvac-status.zoe.json');
    assert.deepEqual(zoe.climate, { state: 'off', outsideTemperatureC: 8 });
    assert.equal((await mapFixture('hvac-status', 'hvac-status.zoe_50.json')).climate?.state, 'on');
    const r5 = await mapFixture('hvac-status', 'hvac-status.renault_5.json');
    assert.equal(r5.climate?.insideTemperatureC, 15);
    assert.equal(r5.climate?.updatedAt, '2025-03-24T18:57:22.000Z');
  });

  it('treats a read without attributes as empty, not as an error', async () => {
    assert.deepEqual(await mapFixture('battery-status', 'no_data.json'), {});
  });

  it('maps every vehicle list to vehicles with VIN, brand, model code and drivetrain', async () => {
    const files = await listFixtures('renault/kamereon/vehicles', /\.json$/);
    assert.ok(files.length >= 10);
    for (const f of files) {
      const vehicles = parseRenault('vehicles', await readFixture('renault/kamereon/vehicles', f)) as { vin: string; brand?: string; modelCode?: string; drivetrain: string }[];
      assert.ok(vehicles.length >= 1, f);
      for (const v of vehicles) {
        assert.match(v.vin, /^[A-Z0-9]{16,17}$/, f);
        assert.ok(v.brand === 'renault' || v.brand === 'dacia', `${f}: brand ${v.brand}`);
        assert.ok(v.modelCode, `${f}: model code`);
      }
    }
    const spring = parseRenault('vehicles', await readFixture('renault/kamereon/vehicles', 'spring.1.json')) as { brand: string; modelCode: string; drivetrain: string }[];
    assert.deepEqual([spring[0]?.brand, spring[0]?.modelCode, spring[0]?.drivetrain], ['dacia', 'XBG1VE', 'electric']);
    const captur = parseRenault('vehicles', await readFixture('renault/kamereon/vehicles', 'captur_ii.2.json')) as { drivetrain: string }[];
    assert.equal(captur[0]?.drivetrain, 'plugin_hybrid');
  });

  it('lists the accounts of a person', async () => {
    const person = parseRenault('person', await readFixture('renault/kamereon/person.json')) as { personId: string; accounts: { accountId: string; type: string }[] };
    assert.equal(person.personId, 'person-id-1');
    assert.ok(person.accounts.some((a) => a.type === 'MYRENAULT'));
  });

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
  it('maps every recorded Kamereon error to its code', async () => {
    const files = await listFixtures('renault/kamereon/error', /./);
    for (const f of files) {
      const expected = ERRORS[f];
      assert.ok(expected, `no expectation for error fixture ${f}`);
      const out = parseRenault('error', await readFixture('renault/kamereon/error', f)) as { error: { code: string; message: string } };
      assert.equal(out.error.code, expected, f);
      assert.ok(out.error.message.length > 10, `${f}: a message in words`);
    }
  });
});
