/**
 * What reaches the editors beside a dot (issue 16): the runtime's text for Status nodes, and the
 * record of what it is made of (keys, parameters, times), retained while the node lives, so that
 * the editor can write the dot in the browser's language (resources/dialog.js; the browser side
 * is test/browser/dots.test.ts).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { CarError } from '../../src/core';
import { commonKey, DOT_TOPIC, dotWord, localDateTime, localTime, renderDot, StatusDot, type DotRecord } from '../../src/nodes/kit';
import type { NodeStatus, RedNode } from '../../src/nodes/red';

interface Published {
  topic: string;
  data: unknown;
  retain: boolean;
}

/** A RED whose texts are "key(params)", with comms that record what is published, and a node that can be closed. */
function setup(): { RED: { _: (key: string, params?: Record<string, string | number>) => string; comms: { publish(topic: string, data: unknown, retain: boolean): void } }; node: RedNode; dots: NodeStatus[]; published: Published[]; close: () => void } {
  const dots: NodeStatus[] = [];
  const published: Published[] = [];
  const closers: ((removed: boolean, done: () => void) => void)[] = [];
  const node = {
    id: 'n1',
    type: 'car-test',
    on: (event: string, cb: (removed: boolean, done: () => void) => void) => {
      if (event === 'close') closers.push(cb);
    },
    send: () => undefined,
    status: (s: NodeStatus) => dots.push(s),
    log: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  } as unknown as RedNode;
  return {
    RED: {
      _: (key, params) => (params ? `${key}(${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',')})` : key),
      comms: { publish: (topic, data, retain) => published.push({ topic, data, retain }) },
    },
    node,
    dots,
    published,
    close: () => closers.forEach((c) => c(false, () => undefined)),
  };
}

describe('a dot and its record for the editors', () => {
  it("gives Status nodes the runtime's text and the editors a retained record of the same dot, with its keys, parameters and times", () => {
    const { RED, node, dots, published } = setup();
    const dot = new StatusDot(RED, node);
    const at = Date.UTC(2026, 11, 3, 14, 5, 9);
    dot.ok([dot.text('car-trips.status.trip', { km: 12, at: dot.time(at) }), dot.text('car-trips.status.charges', { count: 3 })]);
    const text = `car-trips.status.trip(km=12,at=${localTime(at)}) · car-trips.status.charges(count=3)`;
    assert.deepEqual(dots.at(-1), { fill: 'green', shape: 'dot', text });
    const last = published.at(-1);
    assert.equal(last?.topic, `${DOT_TOPIC}n1`);
    assert.equal(last?.retain, true);
    assert.deepEqual(last?.data, {
      text,
      said: [
        { key: 'car-trips.status.trip', params: { km: 12, at: { time: at, as: 'time' } } },
        { key: 'car-trips.status.charges', params: { count: 3 } },
      ],
    } satisfies DotRecord);
  });

  it('follows the account in the record too, and drops the record when the dot is cleared and when the node closes', () => {
    const { RED, node, published, close } = setup();
    const account = new EventEmitter();
    const dot = new StatusDot(RED, node, account);
    dot.waiting();
    account.emit('state', { phase: 'rate_limited', code: 'RATE_LIMITED', until: 5_000 });
    assert.deepEqual((published.at(-1)?.data as DotRecord).said, { key: commonKey('status.rate-limited'), params: { until: { time: 5_000, as: 'time' } } });
    account.emit('state', { phase: 'ready' });
    assert.deepEqual((published.at(-1)?.data as DotRecord).said, { key: commonKey('status.waiting') });
    dot.clear();
    assert.deepEqual(published.at(-1), { topic: `${DOT_TOPIC}n1`, data: null, retain: false });
    dot.error(new CarError('NETWORK', 'x'), 'GET cockpit');
    assert.equal((published.at(-1)?.data as DotRecord).text, 'GET cockpit · node-red-contrib-connected-car/car-account:car-account.common.codes.NETWORK');
    close();
    assert.deepEqual(published.at(-1), { topic: `${DOT_TOPIC}n1`, data: null, retain: false }, 'a closed node leaves no retained record');
  });

  it('writes words inside a summary and each kind of time in the runtime, as the editor does in the browser', () => {
    const { RED } = setup();
    const at = Date.UTC(2026, 11, 3, 14, 5, 9);
    assert.equal(renderDot(RED, `${dotWord('car-status.words.locked')} · 80 %`), 'car-status.words.locked · 80 %');
    assert.equal(renderDot(RED, { key: 'k', params: { a: { time: at, as: 'seconds' }, b: { time: at, as: 'datetime' }, c: { time: at, as: 'ago' } } }), `k(a=${localTime(at, true)},b=${localDateTime(at)},c=${localDateTime(at)})`);
    assert.equal(renderDot(RED, { key: 'k', params: { event: { key: 'car-events.names.unlocked' } } }), 'k(event=car-events.names.unlocked)');
    assert.equal(renderDot(RED, ['', 'a', { key: 'b' }]), 'a · b');
  });

  it('works without comms (a RED with texts only): the dot alone', () => {
    const { node, dots } = setup();
    new StatusDot({ _: (key: string) => key }, node).busy();
    assert.equal(dots.at(-1)?.text, commonKey('status.reading'));
  });
});
