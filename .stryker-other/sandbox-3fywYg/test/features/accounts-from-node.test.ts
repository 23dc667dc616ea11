/**
 * The account node's settings as the registry gets them (src/features/accounts.ts): the editor's
 * definition and credentials turned into settings, the editor's view of a node without a session,
 * and CONNECTED_CAR_SIMULATOR filling in the empty server fields with the simulator on this machine.
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { pointAtSimulator, publicState, settingsFromDef, SIMULATOR_ENV, SIMULATOR_MQTT_ENV, type AccountSettings } from '../../src/features/accounts';

describe('features: account settings from the editor', () => {
  it('takes Renault for an empty provider, and keeps the brand and the pasted token without its blanks', () => {
    const s = settingsFromDef({ provider: '', brand: 'dacia', authMode: 'token', accountId: 'acc-1' }, { jwt: '  eyJhbGciOi.payload.sig \n' });
    assert.equal(s.provider, 'renault');
    assert.equal(s.brand, 'dacia');
    assert.equal(s.authMode, 'token');
    assert.equal(s.accessToken, 'eyJhbGciOi.payload.sig');
    assert.equal(s.accountId, 'acc-1');
  });

  it('sets a budget only when one is given, as a number', () => {
    assert.equal('budgetPerHour' in settingsFromDef({ provider: 'renault' }, undefined), false);
    assert.equal('budgetPerHour' in settingsFromDef({ provider: 'renault', budgetPerHour: '' }, undefined), false);
    assert.equal(settingsFromDef({ provider: 'renault', budgetPerHour: '30' }, undefined).budgetPerHour, 30);
  });

  it('shows a node without a session as a BAD_INPUT error: its configuration error, else "not configured"', () => {
    assert.deepEqual(publicState(undefined, undefined), { phase: 'error', code: 'BAD_INPUT', message: 'not configured' });
    assert.deepEqual(publicState(undefined, 'brand must be one of…'), { phase: 'error', code: 'BAD_INPUT', message: 'brand must be one of…' });
  });
});

describe('features: CONNECTED_CAR_SIMULATOR', () => {
  const renault: AccountSettings = { provider: 'renault', servers: {} };
  const cardata: AccountSettings = { provider: 'cardata', servers: {} };

  it('is not set when empty or blank: the settings are left alone', () => {
    assert.deepEqual(pointAtSimulator(renault, { [SIMULATOR_ENV]: '   ' }), { settings: renault });
    assert.deepEqual(pointAtSimulator(renault, { [SIMULATOR_ENV]: '' }), { settings: renault });
  });

  it('points Renault (also an empty provider) at its Gigya and Kamereon, keeping a server that is set and filling blank ones', () => {
    const r = pointAtSimulator({ provider: 'renault', servers: { gigya: 'https://accounts.example', kamereon: '  ' } }, { [SIMULATOR_ENV]: ' http://127.0.0.1:3000/sim// ' });
    assert.equal(r.simulator, 'http://127.0.0.1:3000/sim');
    assert.deepEqual(r.settings, { provider: 'renault', servers: { gigya: 'https://accounts.example', kamereon: 'http://127.0.0.1:3000/sim/renault/kamereon' } });
    const empty = pointAtSimulator({ provider: '', servers: undefined }, { [SIMULATOR_ENV]: 'http://localhost:3000/' });
    assert.equal(empty.simulator, 'http://localhost:3000');
    assert.deepEqual(empty.settings.servers, { gigya: 'http://localhost:3000/renault/gigya', kamereon: 'http://localhost:3000/renault/kamereon' });
  });

  it('points CarData at its API, GCDM and the MQTT broker on the next port (81 beside port 80)', () => {
    const c = pointAtSimulator(cardata, { [SIMULATOR_ENV]: 'http://localhost:2000' });
    assert.deepEqual(c.settings.servers, { api: 'http://localhost:2000/cardata/api', auth: 'http://localhost:2000/cardata/gcdm', mqtt: 'mqtt://localhost:2001' });
    const noPort = pointAtSimulator(cardata, { [SIMULATOR_ENV]: 'http://127.0.0.1/' });
    assert.equal(noPort.settings.servers?.mqtt, 'mqtt://127.0.0.1:81');
    const blank = pointAtSimulator(cardata, { [SIMULATOR_ENV]: 'http://localhost:2000', [SIMULATOR_MQTT_ENV]: '  ' });
    assert.equal(blank.settings.servers?.mqtt, 'mqtt://localhost:2001', 'a blank broker setting is none');
  });

  it('takes the broker CONNECTED_CAR_SIMULATOR_MQTT names, without a trailing slash', () => {
    const m = pointAtSimulator(cardata, { [SIMULATOR_ENV]: 'http://localhost:2000', [SIMULATOR_MQTT_ENV]: ' mqtt://127.0.0.1:4444/ ' });
    assert.equal(m.settings.servers?.mqtt, 'mqtt://127.0.0.1:4444');
    const plain = pointAtSimulator(cardata, { [SIMULATOR_ENV]: 'http://localhost:2000', [SIMULATOR_MQTT_ENV]: 'mqtt://localhost:4444' });
    assert.equal(plain.settings.servers?.mqtt, 'mqtt://localhost:4444');
  });

  it('refuses anything but a simulator on this machine, saying which setting and what it got', () => {
    const refused = (env: Record<string, string>): string => {
      try {
        pointAtSimulator(renault, env);
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'BAD_INPUT');
        return (e as Error).message;
      }
      assert.fail(`accepted ${JSON.stringify(env)}`);
    };
    // The message's example is the demo's default port (no test listens on it).
    assert.match(refused({ [SIMULATOR_ENV]: 'not a url' }), /^CONNECTED_CAR_SIMULATOR must be a URL like http:\/\/127\.0\.0\.1:\d+ \(got "not a url"\)$/);
    assert.equal(
      refused({ [SIMULATOR_ENV]: 'https://127.0.0.1:3000' }),
      'CONNECTED_CAR_SIMULATOR must name a simulator on this machine (http://127.0.0.1:<port> or localhost; got "https://127.0.0.1:3000")',
    );
    for (const value of ['http://10.0.0.2:3000', 'http://example.com', 'http://127.0.0.1.example.com:1', 'https://localhost:3000']) {
      assert.match(refused({ [SIMULATOR_ENV]: value }), /must name a simulator on this machine/, value);
    }
    assert.equal(
      refused({ [SIMULATOR_ENV]: 'http://127.0.0.1:1', [SIMULATOR_MQTT_ENV]: 'mqtt://broker.example:1883' }),
      'CONNECTED_CAR_SIMULATOR_MQTT must name a simulator on this machine (mqtt://127.0.0.1:<port> or localhost; got "mqtt://broker.example:1883")',
    );
    assert.match(refused({ [SIMULATOR_ENV]: 'http://127.0.0.1:1', [SIMULATOR_MQTT_ENV]: 'http://127.0.0.1:1883' }), /CONNECTED_CAR_SIMULATOR_MQTT must name a simulator/);
  });
});
