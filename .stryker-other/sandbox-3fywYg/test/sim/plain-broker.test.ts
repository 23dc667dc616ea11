// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { startPlainBroker } from '../../src/sim/plain-broker';

describe("the demo's plain MQTT broker (for the Home Assistant example)", () => {
  it('takes anyone, keeps retained messages for late subscribers, and closes', async () => {
    const broker = await startPlainBroker(0);
    assert.ok(broker, 'aedes is a dev dependency of this checkout');
    const { connectAsync } = await import('mqtt');
    const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await publisher.publishAsync('homeassistant/sensor/nrcc_X/soc/config', '{"unique_id":"nrcc_X_soc"}', { retain: true, qos: 1 });
    const late = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const got = new Promise<string>((resolve) => late.on('message', (_t, p) => resolve(p.toString())));
    await late.subscribeAsync('homeassistant/#', { qos: 1 });
    assert.equal(await got, '{"unique_id":"nrcc_X_soc"}');
    await publisher.endAsync(true);
    await late.endAsync(true);
    await broker.close();
  });
});
