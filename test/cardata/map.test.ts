import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { VehicleStatusSchema, type StatusFragment } from '../../src/core';
import { MAPPED_KEYS, REST_ONLY_KEYS } from '../../src/brands/cardata';
import { TelematicState, legacyDate, lockState, opening } from '../../src/brands/cardata/map';
import { mapChargingSession } from '../../src/brands/cardata/history';
import { readJsonFixture } from '../helpers';

interface CatalogueEntry {
  technical_identifier: string;
  data_type: string;
  typical_value_range: string[] | string;
  unit: string | null;
  streaming_capable: boolean;
}

const NOW = Date.parse('2026-11-20T08:00:00Z');
/**
 * Mapped keys whose catalogue value list is not what the key carries: charging.status lists
 * selection modes, while its description (and the cars) give NOCHARGING, CHARGINGACTIVE...
 * Such values are kept raw.
 */
const NOT_READABLE = new Set(['vehicle.drivetrain.electricEngine.charging.status']);
const NUMERIC = new Set(['float', 'double', 'uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32']);

/** A value of the kind the catalogue says the key carries. */
function sample(e: CatalogueEntry): unknown {
  const r = e.typical_value_range;
  const text = Array.isArray(r) ? (r.find((x) => !/INVALID|UNKNOWN|-NA-/i.test(x)) ?? r[0] ?? '') : r;
  if (NUMERIC.has(e.data_type) || (!Array.isArray(r) && /percent|%|km|kPa|°|degrees/.test(e.unit ?? ''))) {
    // "0-1000 kPa": a dash between digits is a range, not a minus sign.
    const nums = (text.replace(/(\d)\s*[-–]\s*(\d)/g, '$1 to $2').match(/-?\d+(?:[.,]\d+)?/g) ?? []).map((n) => Number(n.replace(',', '.')));
    if (nums.length > 0) {
      const [a = 1, b = a] = nums;
      return Math.round(((a + b) / 2) * 10) / 10 || 1;
    }
  }
  if (e.data_type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (/dd\.mm\.yyyy/.test(text)) return '01.03.2028 10:00 UTC';
  return text === 'None' ? 'sample' : text;
}

function valid(fragment: StatusFragment): void {
  const p = VehicleStatusSchema.safeParse({ vin: 'WBATEST', provider: 'cardata', fetchedAt: new Date(NOW).toISOString(), ...fragment });
  assert.ok(p.success, p.success ? '' : JSON.stringify(p.error.issues));
}

describe('CarData keys -> VehicleStatus', () => {
  it('maps or keeps raw every key type of the catalogue, and the result is a valid status', async () => {
    const catalogue = (await readJsonFixture('cardata', 'telematic-catalogue.json')) as CatalogueEntry[];
    const streamable = catalogue.filter((e) => e.streaming_capable);
    assert.ok(streamable.length > 200);
    const all: Record<string, { value: unknown; unit?: string; timestamp: string }> = {};
    let mapped = 0;
    for (const e of streamable) {
      const kv = { value: sample(e), ...(e.unit ? { unit: e.unit } : {}), timestamp: new Date(NOW - 60_000).toISOString() };
      all[e.technical_identifier] = kv;
      const one = new TelematicState();
      const applied = one.apply({ [e.technical_identifier]: kv }, NOW);
      const key = e.technical_identifier;
      const raw = key in applied.unmapped;
      const known = key in MAPPED_KEYS;
      // Each key is either read by the model, or kept raw; never silently dropped.
      assert.ok(known || raw, `${key} (${JSON.stringify(kv.value)}) is neither mapped nor raw`);
      if (!NOT_READABLE.has(key)) assert.ok(!(known && raw), `${key} (${JSON.stringify(kv.value)}) is mapped but its value was not read`);
      else assert.ok(raw, `${key}: the catalogue's sample lands raw`);
      assert.ok(one.snapshot()[key] !== undefined, `${key} is kept`);
      valid(applied.fragment);
      if (known) mapped++;
    }
    assert.ok(mapped >= 45, `most status keys are mapped (${mapped})`);
    // Every catalogue type at once: one valid status with every part.
    const state = new TelematicState();
    const applied = state.apply(all, NOW);
    valid(applied.fragment);
    const f = state.fragment();
    for (const part of ['battery', 'fuel', 'charging', 'lock', 'doors', 'windows', 'tires', 'climate', 'position', 'mileageKm', 'messages'] as const) {
      assert.ok(f[part] !== undefined, `${part} is filled from the catalogue's keys`);
    }
    // And the REST-only keys the container asks for are the catalogue's non-streamable ones.
    for (const k of REST_ONLY_KEYS) assert.equal(catalogue.find((e) => e.technical_identifier === k)?.streaming_capable, false, k);
    for (const k of Object.keys(MAPPED_KEYS)) assert.ok(catalogue.some((e) => e.technical_identifier === k), `${k} is a catalogue key`);
  });

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
