/**
 * Every Renault answer of test/fixtures/renault, through every entry point that takes it, gives
 * one and the same model: `connected-car parse`, mapEndpoint, the connection's named read, its
 * status read and its charging read (and for errors, vehicle lists and the person: the parser
 * and the connection's calls agree).
 */
// @ts-nocheck

import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { CarError, type StatusPart, type Vehicle } from '../../src/core';
import { endpointByName, endpointPath, idsOf, mapEndpoint, type ReadEndpointName } from '../../src/brands/renault/endpoints';
import { parseRenault } from '../../src/brands/renault/parse';
import { ENDPOINT_OF_PART } from '../../src/brands/renault/reads';
import { RecordingHttp, connection, type StubAnswer } from '../charging/stub';
import { allRenaultFixtures, endpointOf, listRenault, readRenault } from './fixtures';

const NOW = Date.parse('2026-11-20T08:00:00Z'); // the stub connection's clock
/** A model the grid does not know: every read is tried, so each fixture reaches its endpoint. */
const UNKNOWN_MODEL = 'ZZ9TEST';
/** Reads that only some models route to themselves (the ZE40's calendar and mode, KCM settings). */
const MODEL_OF: Partial<Record<ReadEndpointName, string>> = { 'charge-schedule': 'X101VE', 'charge-mode': 'X101VE', 'ev/settings': 'R5E1VE' };

const vehicleFor = (name: ReadEndpointName): Vehicle => ({
  vin: 'VF1TESTZE50000002',
  accountId: 'acc-myrenault-1',
  brand: 'renault',
  modelCode: MODEL_OF[name] ?? UNKNOWN_MODEL,
  // Neither electric nor combustion: a status read keeps every part it is given.
  drivetrain: 'unknown',
});

/** A stub that answers the GET of these reads of the vehicle with these bodies (404 otherwise). */
function answering(vehicle: Vehicle, bodies: [ReadEndpointName, string, number?][]): RecordingHttp {
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RecordingHttp(bodies.map(([name, text, status]): StubAnswer => [new RegExp(`${escape(endpointPath(name, idsOf(vehicle)))}$`), 'GET', text, status]));
}

/** The status parts each status read serves. */
const PARTS_OF = new Map<ReadEndpointName, StatusPart[]>();
for (const [part, read] of Object.entries(ENDPOINT_OF_PART) as [StatusPart, ReadEndpointName | undefined][]) {
  if (read) PARTS_OF.set(read, [...(PARTS_OF.get(read) ?? []), part]);
}

/** What the charging read takes from each settings read, and what must answer beside it. */
const CHARGING: Partial<Record<ReadEndpointName, { takes: string[]; beside?: [ReadEndpointName, string] }>> = {
  'charging-settings': { takes: ['mode', 'schedules', 'timeZone'] },
  'charge-schedule': { takes: ['schedules', 'timeZone'] },
  'charge-mode': { takes: ['mode'], beside: ['charge-schedule', 'kamereon/vehicle_data/charge-schedule.single.json'] },
  'hvac-settings': { takes: ['departureTimers', 'timeZone'] },
  'ev/settings': { takes: ['mode', 'departureTimers'] },
  'ev/soc-levels': { takes: ['targetSocPercent', 'minSocPercent'] },
};

/** Every fixture that is the answer of a named read, with that read. */
async function readFixtures(): Promise<{ rel: string; name: ReadEndpointName; text: string }[]> {
  const out: { rel: string; name: ReadEndpointName; text: string }[] = [];
  for (const rel of await allRenaultFixtures()) {
    const name = endpointByName(endpointOf(rel) ?? '');
    if (name) out.push({ rel, name, text: await readRenault(rel) });
  }
  return out;
}

describe('Renault fixtures through every entry point', () => {
  it('parse, mapEndpoint and the named read give the same model and status patch', async () => {
    const fixtures = await readFixtures();
    assert.ok(fixtures.length >= 45, `${fixtures.length} read fixtures`);
    for (const { rel, name, text } of fixtures) {
      const vehicle = vehicleFor(name);
      const options = { modelCode: vehicle.modelCode ?? '', now: NOW };
      const parsed = parseRenault(name, text, options);
      const mapped = mapEndpoint(name, JSON.parse(text) as unknown, { ...options, rightHandDrive: false });
      assert.deepEqual(parsed, mapped.mapped, `${rel}: parse and mapEndpoint`);
      const http = answering(vehicle, [[name, text]]);
      const read = await connection(http).raw.readEndpoint(vehicle, name, {}, { kind: 'explicit' });
      assert.equal(http.sent.length, 1, `${rel}: one call`);
      assert.equal(read.calledEndpoint, name, rel);
      assert.deepEqual(read.mapped, mapped.mapped, `${rel}: the named read`);
      assert.deepEqual(read.status, mapped.status, `${rel}: the status patch`);
    }
  });

  it('a status read puts every part a status answer maps to into the status', async () => {
    let checked = 0;
    for (const { rel, name, text } of await readFixtures()) {
      const parts = PARTS_OF.get(name);
      if (!parts) continue;
      const vehicle = vehicleFor(name);
      const mapped = mapEndpoint(name, JSON.parse(text) as unknown, { modelCode: UNKNOWN_MODEL }).mapped as Record<string, unknown>;
      const read = await connection(answering(vehicle, [[name, text]])).status.read(vehicle, parts, { kind: 'explicit' });
      for (const [key, value] of Object.entries(mapped)) assert.deepEqual((read.status as Record<string, unknown>)[key], value, `${rel}: ${key}`);
      assert.deepEqual(read.raw[name], JSON.parse(text), rel);
      checked++;
    }
    assert.ok(checked >= 15, `${checked} status fixtures`);
  });

  it('a charging read takes from each settings answer what the one mapper makes of it', async () => {
    let checked = 0;
    for (const { rel, name, text } of await readFixtures()) {
      const charging = CHARGING[name];
      if (!charging) continue;
      const vehicle = vehicleFor(name);
      const mapped = mapEndpoint(name, JSON.parse(text) as unknown).mapped as Record<string, unknown>;
      const beside: [ReadEndpointName, string][] = charging.beside ? [[charging.beside[0], await readRenault(charging.beside[1])]] : [];
      const settings = (await connection(answering(vehicle, [[name, text], ...beside])).charging.read(vehicle, { kind: 'explicit' })) as Record<string, unknown>;
      for (const key of [...charging.takes, 'updatedAt']) assert.deepEqual(settings[key], mapped[key], `${rel}: ${key}`);
      checked++;
    }
    assert.ok(checked >= 12, `${checked} charging fixtures`);
  });

  it('an error answer is the same error to the parser and to the connection', async () => {
    const vehicle = vehicleFor('cockpit');
    for (const file of await listRenault('kamereon/error', /./)) {
      const text = await readRenault('kamereon/error', file);
      const status = file.endsWith('.html') ? 502 : 400;
      const parsed = parseRenault('error', text, { status }) as { error: { code: string; upstreamCode?: string } };
      const err = await connection(answering(vehicle, [['cockpit', text, status]]))
        .raw.readEndpoint(vehicle, 'cockpit', {}, { kind: 'explicit' })
        .then(() => assert.fail(`${file}: no error`), (e: unknown) => e);
      assert.ok(err instanceof CarError, file);
      assert.equal(err.code, parsed.error.code, file);
      assert.equal(err.upstreamCode, parsed.error.upstreamCode, file);
    }
  });

  it('a vehicle list is the same vehicles to the parser and to the connection', async () => {
    for (const file of await listRenault('kamereon/vehicles', /\.json$/)) {
      const text = await readRenault('kamereon/vehicles', file);
      const accountId = (JSON.parse(text) as { accountId: string }).accountId;
      const http = new RecordingHttp([[new RegExp(`/accounts/${accountId}/vehicles$`), 'GET', text]]);
      // A pasted token names its account: the vehicles are asked of it alone.
      const listed = await connection(http, { personId: '', accountId, jwt: 'jwt' }).listVehicles({ kind: 'explicit' });
      assert.deepEqual(listed, parseRenault('vehicles', text), file);
    }
  });

  it('the accounts the parser says hold cars are those the connection asks for vehicles', async () => {
    const text = await readRenault('kamereon/person.json');
    const person = parseRenault('person', text) as { personId: string; accounts: { accountId: string; holdsCars: boolean }[] };
    const http = new RecordingHttp([[new RegExp(`/persons/${person.personId}$`), 'GET', text]]);
    await connection(http, { loginToken: 'lt', personId: person.personId, jwt: 'jwt' })
      .listVehicles({ kind: 'explicit' })
      .catch((e: unknown) => assert.ok(e instanceof CarError && e.code === 'NOT_SUPPORTED', String(e)));
    const asked = http.sent.map((r) => /\/accounts\/([^/]+)\/vehicles$/.exec(r.url)?.[1]).filter((id) => id !== undefined);
    assert.deepEqual(asked, person.accounts.filter((a) => a.holdsCars).map((a) => a.accountId));
  });
});
