/**
 * Mapping cost against JSON.parse of the same bytes (issue 17): for each payload kind, the time
 * of what the client does with a body (JSON.parse, the check, the mapping to the model) over
 * JSON.parse alone, in rounds that time JSON.parse before and after the mapping; the median
 * of the rounds. The payloads are the project's recorded answers (test/fixtures).
 * Times are CPU time (cpuMicros in stats.ts), not the wall clock.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mapTelematic, TelematicState } from '../src/brands/cardata/map';
import { readStreamMessage, readTelematicData } from '../src/brands/cardata/schemas';
import { mapEndpoint, type ReadEndpointName } from '../src/brands/renault/endpoints';
import { cpuMicros, median, round } from './stats';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures');

const renault = (endpoint: ReadEndpointName, file: string, modelCode?: string): [string, (text: string) => unknown] => [
  path.join('renault', 'kamereon', 'vehicle_data', file),
  (text) => mapEndpoint(endpoint, JSON.parse(text), { now: 0, ...(modelCode ? { modelCode } : {}) }),
];

/** Each kind: its recorded payload and the client's path from the text to the model. */
const KINDS: Record<string, [string, (text: string) => unknown]> = {
  renaultBattery: renault('battery-status', 'battery-status.renault_5.json', 'X1E1'),
  renaultCockpit: renault('cockpit', 'cockpit.renault_5.json'),
  renaultLocation: renault('location', 'location.1.json'),
  renaultHvac: renault('hvac-status', 'hvac-status.renault_5.json'),
  renaultCharges: renault('charges', 'charges.json'),
  // As the connection reads a telematicData answer (merge, then every part) and the stream a
  // message (the parts it touched), through the schemas' hand-written twins; a car's first message.
  cardataTelematic: [path.join('cardata', 'telematic-data.json'), (text) => mapTelematic(readTelematicData(JSON.parse(text))?.telematicData ?? {}, 0)],
  cardataStream: [path.join('cardata', 'stream-message.json'), (text) => new TelematicState().apply(readStreamMessage(JSON.parse(text))?.data ?? {}, 0)],
};

/** CPU µs per call. */
function perCall(fn: (text: string) => unknown, text: string, n: number): number {
  const t0 = cpuMicros();
  for (let i = 0; i < n; i++) fn(text);
  return (cpuMicros() - t0) / n;
}

export function mapping(rounds: number, perRound: number): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [kind, [file, map]] of Object.entries(KINDS)) {
    const text = readFileSync(path.join(FIXTURES, file), 'utf8');
    for (let i = 0; i < perRound; i++) {
      map(text);
      JSON.parse(text);
    }
    const ratios: number[] = [];
    const mapUs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const before = perCall(JSON.parse, text, perRound);
      const mapped = perCall(map, text, perRound);
      const after = perCall(JSON.parse, text, perRound);
      ratios.push((2 * mapped) / (before + after));
      mapUs.push(mapped);
    }
    out[kind] = { bytes: text.length, usPerPayload: round(median(mapUs), 2), ratioToJsonParse: round(median(ratios), 2) };
  }
  return out;
}
