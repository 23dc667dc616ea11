// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema, type StatusFragment } from '../../src/core';
import { TelematicState, legacyDate, lockState, opening, powerKw } from '../../src/brands/cardata/map';
import { mapChargingSession } from '../../src/brands/cardata/history';
import { vehicleOf } from '../../src/brands/cardata/connection';
import { BasicDataSchema, ChargingHistorySchema, StreamMessageSchema, TelematicDataSchema } from '../../src/brands/cardata/schemas';
import { cardataFixture } from './helpers';

const NOW = Date.parse('2026-11-20T08:00:00Z');
function valid(fragment: StatusFragment): void {
  const p = VehicleStatusSchema.safeParse({ vin: 'WBATEST', provider: 'cardata', fetchedAt: new Date(NOW).toISOString(), ...fragment });
  assert.ok(p.success, p.success ? '' : JSON.stringify(p.error.issues));
}

describe('CarData keys -> VehicleStatus', () => {
  it('reads the value spellings the catalogue lists for one meaning', () => {
    for (const v of [true, 'true', 'OPEN', 'ASN_isTrue']) assert.equal(opening({ value: v }), 'open', String(v));
    for (const v of [false, 'false', 'CLOSED', 'ASN_isFalse']) assert.equal(opening({ value: v }), 'closed', String(v));
    for (const v of ['INTERMEDIATE', 'OPEN_TILT']) assert.equal(opening({ value: v }), 'ajar');
    for (const v of ['INVALID', '-NA-', null]) assert.equal(opening({ value: v }), undefined);
    assert.equal(lockState({ value: 'SELECTIVE-LOCKED' }), 'partially_locked');
    assert.equal(lockState({ value: 'SECURED' }), 'secured');
    assert.equal(lockState({ value: 'oldDoorStatus: ASN_unlocked newDoorStatus: ASN_locked allDoorsLocked: ASN_isTrue' }), 'locked');
    assert.equal(legacyDate('01.03.2028 00:00 UTC'), '2028-03-01T00:00:00.000Z');
    assert.equal(legacyDate('03/01/2028 10:30 UTC'), '2028-03-01T10:30:00.000Z');
  });

  it('builds whole parts from keys that come one by one, newest first, in km', () => {
    const s = new TelematicState();
    const t = (min: number): string => new Date(NOW + min * 60_000).toISOString();
    s.apply({ 'vehicle.body.chargingPort.status': { value: 'CONNECTED', timestamp: t(0) } }, NOW);
    const charging = s.apply({ 'vehicle.drivetrain.electricEngine.charging.hvStatus': { value: 'CHARGING', timestamp: t(1) }, 'vehicle.powertrain.electric.battery.charging.power': { value: '7400', unit: 'W', timestamp: t(1) }, 'vehicle.drivetrain.electricEngine.charging.timeRemaining': { value: 90, unit: 'min', timestamp: t(1) } }, NOW);
    assert.deepEqual(charging.fragment.charging, { state: 'charging', plug: 'plugged', powerKw: 7.4, remainingMinutes: 90, endsAt: t(91), updatedAt: t(1) });
    // A late message older than what is known changes nothing.
    s.apply({ 'vehicle.drivetrain.electricEngine.charging.hvStatus': { value: 'NOT_CHARGING', timestamp: t(-5) } }, NOW);
    assert.equal(s.fragment(['charging']).charging?.state, 'charging');
    // Two keys saying "plugged": the fresher one wins.
    s.apply({ 'vehicle.powertrain.tractionBattery.charging.port.anyPosition.isPlugged': { value: false, timestamp: t(2) } }, NOW);
    assert.equal(s.fragment(['charging']).charging?.plug, 'unplugged');
    // Miles become km.
    const m = s.apply({ 'vehicle.vehicle.travelledDistance': { value: '1000', unit: 'mi', timestamp: t(3) } }, NOW);
    assert.equal(m.fragment.mileageKm, 1609.3);
    // Total range of a hybrid: what the car says, else electric + fuel.
    const r = s.apply({ 'vehicle.drivetrain.electricEngine.kombiRemainingElectricRange': { value: 40 }, 'vehicle.cabin.infotainment.navigation.remainingRange': { value: 430 } }, NOW);
    assert.equal(r.fragment.rangeKm, 470);
    assert.equal(s.apply({ 'vehicle.drivetrain.lastRemainingRange': { value: 476 } }, NOW).fragment.rangeKm, 476);
    // Check-control and service lists come as JSON text from REST.
    const msg = s.apply({ 'vehicle.status.checkControlMessages': { value: '[{"type":"ENGINE_OIL","severity":"HIGH","description":"Oil level low"}]' } }, NOW);
    assert.deepEqual(msg.fragment.messages, [{ kind: 'check_control', code: 'ENGINE_OIL', severity: 'high', description: 'Oil level low' }]);
    valid(s.fragment());
  });

  it('takes the SoC from batteryManagement.header, else stateOfCharge.displayed, and ranges in the documented order', async () => {
    const body = TelematicDataSchema.parse(await cardataFixture('telematic-data.json'));
    const s = new TelematicState();
    s.apply(body.telematicData, NOW);
    const f = s.fragment();
    // header (71, older) wins over displayed (70, newer): the clients' order, not the freshest.
    assert.equal(f.battery?.socPercent, 71);
    // kombiRemainingElectricRange (301, unit null: km) before remainingElectricRange (296, newer).
    assert.equal(f.battery?.rangeKm, 301);
    // lastRemainingRange before totalRemainingRange.
    assert.equal(f.rangeKm, 301);
    assert.equal(f.charging?.powerKw, 10.9, '10870 W');
    assert.equal(f.charging?.targetSocPercent, undefined, 'a key without data (null) is no value');
    assert.equal(f.lock, undefined);
    assert.equal(f.mileageKm, 23817);
    valid(f);
    // A Neue Klasse car has no header: displayed it is.
    const nk = new TelematicState();
    nk.apply({ 'vehicle.powertrain.electric.battery.stateOfCharge.displayed': { value: '55', unit: '%' } }, NOW);
    assert.equal(nk.fragment().battery?.socPercent, 55);
    // Without kombiRemainingElectricRange the other electric range; without lastRemainingRange the total one.
    const other = new TelematicState();
    other.apply(
      { 'vehicle.drivetrain.electricEngine.remainingElectricRange': { value: 120 }, 'vehicle.drivetrain.totalRemainingRange': { value: 410, unit: 'km' } },
      NOW,
    );
    assert.equal(other.fragment().battery?.rangeKm, 120);
    assert.equal(other.fragment().rangeKm, 410);
  });

  it('reads the charging power by the unit the value comes with', () => {
    assert.equal(powerKw({ value: '7400', unit: 'W' }), 7.4);
    assert.equal(powerKw({ value: 11, unit: 'kW' }), 11);
    assert.equal(powerKw({ value: '7.4', unit: 'kW' }), 7.4);
    assert.equal(powerKw({ value: 50_000, unit: null }), 50, 'no unit: the catalogue says W');
    assert.equal(powerKw({ value: '7.4', unit: null }), 7.4, 'decimals are no int32 of watts: kW');
    assert.equal(powerKw({ value: 'INVALID' }), undefined);
    assert.equal(powerKw({ value: -5, unit: 'W' }), undefined);
    const s = new TelematicState();
    const f = s.apply(
      {
        'vehicle.drivetrain.electricEngine.charging.hvStatus': { value: 'CHARGING' },
        'vehicle.powertrain.electric.battery.charging.power': { value: 150, unit: 'kW' },
      },
      NOW,
    ).fragment;
    assert.equal(f.charging?.powerKw, 150, 'a DC charge in kW is not divided by 1000');
  });

  it('reads a stream message: values as strings, numbers or booleans, timestamps with or without milliseconds', async () => {
    const msg = StreamMessageSchema.parse(await cardataFixture('stream-message.json'));
    const s = new TelematicState();
    const applied = s.apply(msg.data, NOW);
    const f = applied.fragment;
    assert.equal(f.battery?.socPercent, 73, 'header (a number) before displayed (a string)');
    assert.equal(f.battery?.updatedAt, '2026-11-20T08:02:39.000Z');
    assert.equal(f.charging?.state, 'charging');
    assert.equal(f.charging?.plug, 'plugged', 'a JSON boolean');
    assert.equal(f.charging?.powerKw, 7.4);
    assert.deepEqual(f.doors, { frontLeft: 'closed', frontRight: 'closed', trunk: 'open', anyOpen: true }, '"false", false and "asn_istrue"');
    assert.equal(f.mileageKm, 23818);
    assert.ok('vehicle.vehicle.deepSleepModeActive' in applied.unmapped, 'unmapped keys stay raw');
    assert.equal(s.snapshot()['vehicle.cabin.door.row1.driver.isOpen']?.timestamp, '2026-11-20T08:02:38.120Z');
    valid(f);
  });

  it("names the car by modelName and modelKey, never by basicData's prose body type; driveTrain before propulsionType", async () => {
    const basic = BasicDataSchema.parse(await cardataFixture('basic-data.json'));
    // An X2 M35i whose propulsionType says BE although it burns petrol (kvanbiesen#408's shape).
    assert.deepEqual(vehicleOf('WBA11AA0X0FCD0003', basic), {
      vin: 'WBA11AA0X0FCD0003',
      drivetrain: 'combustion',
      brand: 'bmw',
      model: 'X2 M35i xDrive',
      name: 'BMW X2 M35i xDrive',
      modelCode: '81GM',
    });
    assert.equal(vehicleOf('WMZ0000000000000X', { series: 'Countryman', brand: 'MINI' }).name, 'MINI Countryman');
    assert.equal(vehicleOf('WBA0000000000000X', { propulsionType: 'BEV' }).drivetrain, 'electric');
  });

  it('keeps what a charging history answer has: energy, mileage in its unit, the public charge point', async () => {
    const page = ChargingHistorySchema.parse(await cardataFixture('charging-history.json'));
    assert.equal(page.nextToken, 'eyJwYWdlIjoyfQ');
    const [pub, home] = page.sessions.map((x) => mapChargingSession('WBA11AA0X0FCD0003', x));
    assert.equal(pub?.energyKwh, 34.6);
    assert.equal(pub?.mileageKm, 23802.2, '14790 mi');
    assert.deepEqual(pub?.publicChargePoint, { provider: 'Beispiel Ladenetz', address: 'Beispielweg 1, 86150 Augsburg' });
    assert.equal(pub?.durationMin, 140);
    assert.equal(pub?.status, 'ok');
    // Numbers as strings, an unknown field, no public charge point: read leniently.
    assert.equal(home?.energyKwh, 25.1);
    assert.equal(home?.mileageKm, 14890);
    assert.equal(home?.socFromPercent, 45);
    assert.equal(home?.publicChargePoint, undefined);
    assert.equal(home?.startAt, new Date(1_795_240_000_000).toISOString());
  });

  it('maps a charging session, in seconds or milliseconds', () => {
    const base = {
      startTime: 1_784_628_184,
      endTime: 1_784_628_184 + 3600,
      energyConsumedFromPowerGridKwh: 15.92,
      displayedStartSoc: 66,
      displayedSoc: 82,
      chargingLocation: { formattedAddress: 'Professor-Otto-Zeiller-Straße 24, 2000 Stockerau', mapMatchedLatitude: 48.39092, mapMatchedLongitude: 16.22995 },
    };
    const s = mapChargingSession('WBY1', base);
    assert.deepEqual(s, {
      vin: 'WBY1',
      source: 'native',
      startAt: '2026-07-21T10:03:04.000Z',
      endAt: '2026-07-21T11:03:04.000Z',
      durationMin: 60,
      energyKwh: 15.92,
      socFromPercent: 66,
      socToPercent: 82,
      averagePowerKw: 15.9,
      status: 'ok',
      position: { latitude: 48.39092, longitude: 16.22995, address: 'Professor-Otto-Zeiller-Straße 24, 2000 Stockerau' },
    });
    assert.equal(mapChargingSession('WBY1', { ...base, startTime: base.startTime * 1000, endTime: base.endTime * 1000 })?.startAt, s?.startAt);
    assert.equal(mapChargingSession('WBY1', { ...base, startTime: undefined }), undefined);
  });
});
