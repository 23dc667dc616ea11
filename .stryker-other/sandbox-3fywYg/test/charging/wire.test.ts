/**
 * The exact bodies the Renault connection's charging and raw requests put on the wire, against
 * a recording HTTP stub that answers with the answers of test/fixtures/renault.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type ChargingChange, type Vehicle } from '../../src/core';
import { readRenault } from '../renault/fixtures';
import { RecordingHttp, connection } from './stub';

const ECHO_ID = '9c4e2a71-5b3d-4f08-a6e1-0d2c7b8f3e15';
const zoe: Vehicle = { vin: 'VF1TESTZE50000002', accountId: 'account-1', modelCode: 'X102VE', drivetrain: 'electric', model: 'ZOE' };
const r5: Vehicle = { vin: 'VF1TESTR5E0000003', accountId: 'account-1', modelCode: 'R5E1VE', drivetrain: 'electric', model: 'R5 E-Tech' };

function fx(path: string): Promise<string> {
  return readRenault('kamereon', path);
}

/** A charging write through a connection that talks to http. */
function write(http: RecordingHttp, vehicle: Vehicle, change: ChargingChange) {
  return connection(http).charging.write(vehicle, change, { kind: 'explicit' });
}

describe('Renault charging on the wire (recorded responses)', () => {
  it('posts every schedule back with all seven day keys, null for days without a window', async () => {
    const http = new RecordingHttp([
      [/charging-settings/, 'GET', await fx('vehicle_data/charging-settings.single.json')],
      [/v2\/cars\/[^/]+\/actions\/charge-schedule/, 'POST', await fx('vehicle_action/charge-schedule.schedules.json')],
    ]);
    const out = await write(http, zoe, { schedules: [{ id: 2, enabled: true, days: { monday: { start: '22:30', durationMin: 480 } } }] });
    assert.deepEqual(out.actionIds, [ECHO_ID]);
    const post = http.sent.find((r) => r.method === 'POST');
    assert.ok(post);
    assert.equal(post.retry, false, 'an action is never retried');
    assert.match(post.url, /\/commerce\/v1\/accounts\/account-1\/kamereon\/kca\/car-adapter\/v2\/cars\/VF1TESTZE50000002\/actions\/charge-schedule$/);
    assert.equal(post.query?.country, 'DE');
    const body = post.json as { data: { type: string; attributes: { schedules: Record<string, unknown>[] } } };
    assert.equal(body.data.type, 'ChargeSchedule');
    const [one, two] = body.data.attributes.schedules;
    assert.deepEqual(one, {
      id: 1,
      activated: true,
      monday: { startTime: 'T06:00Z', duration: 30 },
      tuesday: { startTime: 'T05:15Z', duration: 360 },
      wednesday: { startTime: 'T23:00Z', duration: 360 },
      thursday: { startTime: 'T22:30Z', duration: 420 },
      friday: { startTime: 'T06:15Z', duration: 15 },
      saturday: { startTime: 'T07:30Z', duration: 45 },
      sunday: { startTime: 'T08:45Z', duration: 60 },
    });
    assert.deepEqual(two, {
      id: 2,
      activated: true,
      monday: { startTime: 'T22:30Z', duration: 480 },
      tuesday: null,
      wednesday: null,
      thursday: null,
      friday: null,
      saturday: null,
      sunday: null,
    });
  });

  it('sends the charge mode as always_charging / schedule_mode and returns the echo id', async () => {
    const http = new RecordingHttp([[/actions\/charge-mode/, 'POST', await fx('vehicle_action/charge-mode.schedule_mode.json')]]);
    const out = await write(http, zoe, { mode: 'scheduled' });
    assert.deepEqual(out.actionIds, [ECHO_ID]);
    assert.equal(http.sent.length, 1);
    assert.match(http.sent[0]?.url ?? '', /kca\/car-adapter\/v1\/cars\/VF1TESTZE50000002\/actions\/charge-mode$/);
    assert.deepEqual(http.sent[0]?.json, { data: { type: 'ChargeMode', attributes: { action: 'schedule_mode' } } });
  });

  it('posts ev/settings back whole with the changed mode and programs, unknown fields kept', async () => {
    const http = new RecordingHttp([
      [/ev\/settings/, 'GET', await fx('vehicle_kcm_data/ev-settings.single.inactive.json')],
      [/ev\/settings/, 'POST', await fx('vehicle_kcm_action/ev-settings.charge-start.json')],
    ]);
    const out = await write(http, r5, { mode: 'always', departureTimers: [{ id: 1, enabled: true, time: '07:00', days: ['monday'], action: 'climate' }] });
    assert.deepEqual(out.actionIds, [], 'ev/settings answers without an id');
    const post = http.sent.find((r) => r.method === 'POST');
    assert.match(post?.url ?? '', /kcm\/v1\/vehicles\/VF1TESTR5E0000003\/ev\/settings$/);
    const body = post?.json as Record<string, unknown>;
    assert.equal(body.chargeModeRq, 'ALWAYS');
    assert.equal(body.preconditioningTemperature, 21, 'fields we do not model go back unchanged');
    assert.equal(body.preconditioningHeatedLeftSeat, true);
    assert.equal(body.chargeDuration, 9000);
    assert.equal(body.lastSettingsUpdateTimestamp, undefined, 'the read-only timestamp is not sent');
    assert.deepEqual(body.programs, [
      {
        programActivationStatus: true,
        programType: 'PRECONDITIONING',
        programDepartureTime: '07:00',
        programActivationMonday: true,
        programActivationTuesday: false,
        programActivationWednesday: false,
        programActivationThursday: false,
        programActivationFriday: false,
        programActivationSaturday: false,
        programActivationSunday: false,
      },
    ]);
  });

  it('Megane E-Tech: charge schedules go to KCM charge/schedule with the same body', async () => {
    const megane: Vehicle = { vin: 'VF1TESTMEGAN00009', accountId: 'account-1', modelCode: 'XCB1VE', drivetrain: 'electric' };
    const http = new RecordingHttp([
      [/charging-settings/, 'GET', await fx('vehicle_data/charging-settings.always.json')],
      [/kcm\/v1\/vehicles\/[^/]+\/charge\/schedule$/, 'POST', await fx('vehicle_action/charge-schedule.schedules.json')],
    ]);
    const out = await write(http, megane, { schedules: [{ id: 1, enabled: false, days: {} }] });
    assert.deepEqual(out.actionIds, [ECHO_ID]);
    const post = http.sent.find((r) => r.method === 'POST');
    assert.deepEqual(post?.json, {
      data: {
        type: 'ChargeSchedule',
        attributes: { schedules: [{ id: 1, activated: false, monday: null, tuesday: null, wednesday: null, thursday: null, friday: null, saturday: null, sunday: null }] },
      },
    });
  });

  it('refuses a departure program id that would leave a gap, before posting', async () => {
    const http = new RecordingHttp([[/ev\/settings/, 'GET', await fx('vehicle_kcm_data/ev-settings.empty.json')]]);
    await assert.rejects(
      write(http, r5, { departureTimers: [{ id: 2, enabled: true, time: '07:00', days: ['monday'] }] }),
      /departureTimers: id 2 leaves a gap: the car has 0 program\(s\), so a new one is id 1/,
    );
    assert.ok(!http.sent.some((r) => r.method === 'POST'));
  });

  it('posts soc-levels as plain JSON and returns the commandId', async () => {
    const http = new RecordingHttp([
      [/ev\/soc-levels/, 'GET', await fx('vehicle_kcm_data/ev-soc-levels.json')],
      [/ev\/soc-levels/, 'POST', await fx('vehicle_kcm_action/ev-soc-levels.json')],
    ]);
    const out = await write(http, r5, { minSocPercent: 30 });
    assert.deepEqual(out.actionIds, ['cmd-5f2e9a0b']);
    assert.deepEqual(http.sent.find((r) => r.method === 'POST')?.json, { socMin: 30, socTarget: 85 });
  });

  it('sends nothing for bad input, even when called directly with an unchecked change', async () => {
    const http = new RecordingHttp([]);
    const bad = { targetSocPercent: '80' } as unknown as ChargingChange;
    await assert.rejects(write(http, r5, bad), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT' && /^targetSocPercent: /.test(e.message));
    assert.equal(http.sent.length, 0);
  });

  it('raw: fills in the placeholders, reads only (an action is refused without a call), and refuses a traversal without a call', async () => {
    const http = new RecordingHttp([[/cars\/VF1TESTZE50000002\/cockpit$/, 'GET', await fx('vehicle_data/cockpit.zoe.json')]]);
    const raw = connection(http).raw;
    await assert.rejects(
      raw.request(zoe, { method: 'POST', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/actions/refresh-location', body: { data: { type: 'RefreshLocation' } } }, { kind: 'explicit' }),
      /only read \(GET\); to act on the car use car-command/,
    );
    assert.equal(http.sent.length, 0, 'an action never goes out');
    // The VIN in the path is the node's own whatever its case, and goes out as the car's.
    const res = await raw.request(zoe, { method: 'GET', path: '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/vf1testze50000002/cockpit' }, { kind: 'explicit' });
    assert.equal(res.status, 200);
    assert.equal(http.sent.length, 1);
    assert.equal(http.sent[0]?.url, 'https://kamereon.invalid/commerce/v1/accounts/account-1/kamereon/kca/car-adapter/v1/cars/VF1TESTZE50000002/cockpit');
    for (const path of [
      '/commerce/v1/accounts/{accountId}/kamereon/../../persons/someone-else',
      '/commerce/v1/accounts/{accountId}/kamereon/%2e%2e/x',
      '/commerce/v1/accounts/{accountId}/kamereon/a%2Fb',
      'https://evil.example/commerce/v1/persons/{personId}',
      '//evil.example/commerce/v1/persons/{personId}',
      '/commerce/v1/accounts/account-2/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit',
      '/commerce/v1/persons/person-2',
      '/commerce/v1/persons/{personId}x',
      '/commerce/v1/accounts/{accountId}/kamereon',
      '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/VF1OTHERCAR000000/cockpit',
      '/commerce/v1/accounts/{accountId}/kamereon/kca/car-adapter/v1/cars/{vin}/cockpit?x=1',
      '/commerce/v1/accounts/{accountId}/kamereon/kca/{model}/x',
    ]) {
      await assert.rejects(raw.request(zoe, { method: 'GET', path }, { kind: 'explicit' }), (e: unknown) => e instanceof CarError && e.code === 'BAD_INPUT', path);
    }
    await assert.rejects(raw.request(zoe, { method: 'DELETE', path: '/commerce/v1/persons/{personId}' }, { kind: 'explicit' }), /only read \(GET\)/);
    await assert.rejects(raw.request(undefined, { method: 'GET', path: '/commerce/v1/accounts/{accountId}/vehicles' }, { kind: 'explicit' }), /choose a vehicle/);
    assert.equal(http.sent.length, 1, 'no refused request went out');
  });
});
