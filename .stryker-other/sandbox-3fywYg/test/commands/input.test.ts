// @ts-nocheck
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError } from '../../src/core';
import { CommandRunner, commandInputFrom } from '../../src/features/commands';
import type { AccountSession } from '../../src/features/session';

function refused(payload: unknown, defaults = {}): CarError {
  try {
    commandInputFrom(payload, defaults);
  } catch (e) {
    assert.ok(e instanceof CarError, String(e));
    assert.equal(e.code, 'BAD_INPUT');
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(payload)}`);
}

describe('car-command input (msg.payload)', () => {
  it('takes the command from the node when the message does not name one', () => {
    assert.deepEqual(commandInputFrom(1732089600000, { command: 'horn' }), { command: 'horn' });
    assert.deepEqual(commandInputFrom(undefined, { command: 'climate_start', temperatureC: 20 }), { command: 'climate_start', temperatureC: 20 });
  });

  it('takes a command name string, or an object with command and its fields', () => {
    assert.deepEqual(commandInputFrom('refresh'), { command: 'refresh' });
    assert.deepEqual(commandInputFrom({ command: 'climate_start', temperatureC: 19.5, startAt: '2026-11-20T06:30:00Z' }, { command: 'horn', temperatureC: 22 }), {
      command: 'climate_start',
      temperatureC: 19.5,
      startAt: '2026-11-20T06:30:00Z',
    });
    assert.deepEqual(commandInputFrom({ command: 'climate_start' }, { temperatureC: 22 }), { command: 'climate_start', temperatureC: 22 }, "the node's temperature");
  });

  it('ignores other payloads (a status from car-status) but reads their command fields', () => {
    const status = { vin: 'VF1', provider: 'renault', fetchedAt: '2026-11-20T08:00:00Z', lock: { state: 'unlocked' } };
    assert.deepEqual(commandInputFrom(status, { command: 'lock' }), { command: 'lock' });
    assert.deepEqual(commandInputFrom({ temperatureC: 18, other: 1 }, { command: 'climate_start', temperatureC: 22 }), { command: 'climate_start', temperatureC: 18 });
  });

  it('refuses a missing command, naming the allowed ones', () => {
    assert.match(refused({ temperatureC: 20 }).message, /no command: choose one in the node or send msg.payload.command, one of: lock, unlock, climate_start/);
  });

  it('refuses an unknown command', () => {
    assert.match(refused('hron').message, /command must be one of: lock, unlock, climate_start, .*refresh \(got "hron"\)/);
    assert.match(refused({ command: 42 }).message, /command must be one of: .* \(got 42\)/);
  });

  it('refuses a temperature out of range or not a number', () => {
    assert.match(refused({ command: 'climate_start', temperatureC: 40 }).message, /temperatureC must be a number of °C from 15 to 30 \(got 40\)/);
    assert.match(refused({ command: 'climate_start', temperatureC: 'warm' }).message, /temperatureC must be a number .*\(got "warm"\)/);
    assert.match(refused(undefined, { command: 'climate_start', temperatureC: 12 }).message, /temperatureC .* \(got 12\)/);
  });

  it('refuses a start time that is not an ISO time with a zone', () => {
    assert.match(refused({ command: 'climate_start', startAt: 'tomorrow 7:00' }).message, /startAt must be an ISO-8601 time with its zone, e\.g\. 2026-11-20T06:30:00Z \(got "tomorrow 7:00"\)/);
    assert.match(refused({ command: 'charge_start', startAt: '2026-11-20T06:30:00' }).message, /startAt must be an ISO-8601 time/);
  });

  it('refuses a bad poi, field by field', () => {
    assert.match(refused({ command: 'send_poi', poi: 'home' }).message, /poi must be an object \{latitude, longitude, name\?, address\?\}/);
    const both = refused({ command: 'send_poi', poi: { latitude: 95, longitude: -200 } }).message;
    assert.match(both, /poi\.latitude must be a number from -90 to 90 \(got 95\)/);
    assert.match(both, /poi\.longitude must be a number from -180 to 180 \(got -200\)/);
    assert.match(refused({ command: 'send_poi', poi: { latitude: 1, longitude: 2, name: 'x'.repeat(101) } }).message, /poi\.name must be a text of at most 100/);
    assert.match(refused({ command: 'send_poi' }).message, /send_poi needs poi/);
  });

  it('refuses unknown fields next to a command (a typo is not ignored)', () => {
    assert.match(refused({ command: 'climate_start', temperature: 21 }).message, /unknown field temperature in msg.payload; allowed: command, temperatureC, startAt, poi/);
  });

  it('refuses a field the command does not take', () => {
    assert.match(refused({ command: 'horn', temperatureC: 21 }).message, /temperatureC does not apply to horn; it is for: climate_start/);
    assert.match(refused({ command: 'climate_stop', startAt: '2026-11-20T06:30:00Z' }).message, /startAt does not apply to climate_stop; it is for: climate_start, charge_start/);
  });

  it('refuses a timeout outside 1 to 600 seconds', () => {
    const session = {} as AccountSession;
    assert.throws(() => new CommandRunner({ session, vin: 'x', timeoutMs: 0 }), /timeout must be from 1 to 600 seconds/);
    assert.throws(() => new CommandRunner({ session, vin: 'x', timeoutMs: 601_000 }), /timeout must be from 1 to 600 seconds/);
  });
});
