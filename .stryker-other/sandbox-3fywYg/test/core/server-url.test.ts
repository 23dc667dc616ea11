// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { getProvider } from '../../src/brands';

const refused = (field: string) => (e: unknown): boolean => e instanceof CarError && e.code === 'BAD_INPUT' && e.message.startsWith(field);

describe('server URLs: https, or plain only to this machine (the simulator)', () => {
  it('Renault: https anywhere, http only to 127.0.0.1 or localhost, nothing that is not a URL', () => {
    const renault = getProvider('renault');
    const config = (gigya: string) => renault.resolveConfig({ provider: 'renault', locale: 'fr_FR', servers: { gigya } });
    assert.equal(config('https://gigya.example.com').servers.gigya, 'https://gigya.example.com');
    assert.equal(config('http://127.0.0.1:3000/gigya').servers.gigya, 'http://127.0.0.1:3000/gigya');
    assert.equal(config('http://localhost:1/gigya').servers.gigya, 'http://localhost:1/gigya');
    assert.throws(() => config('http://gigya.example.com'), refused('servers.gigya must start with https://'));
    assert.throws(() => config('http://192.168.1.10/gigya'), refused('servers.gigya must start with https://'));
    assert.throws(() => config('ftp://127.0.0.1/x'), refused('servers.gigya must start with https://'));
    assert.throws(() => config('gigya.example.com'), refused('servers.gigya: "gigya.example.com" is not a URL'));
  });

  it('CarData: https and mqtts, plain http and mqtt only to this machine', () => {
    const cardata = getProvider('cardata');
    const config = (servers: Record<string, string>) => cardata.resolveConfig({ provider: 'cardata', servers, keys: { clientId: '12345678-abcd-4ef0-9876-0123456789ab' } });
    assert.equal(config({ mqtt: 'mqtt://127.0.0.1:3001' }).servers.mqtt, 'mqtt://127.0.0.1:3001');
    assert.throws(() => config({ mqtt: 'mqtt://broker.example.com:1883' }), refused('servers.mqtt must start with mqtts://'));
    assert.throws(() => config({ api: 'http://api.example.com' }), refused('servers.api must start with https://'));
  });
});
