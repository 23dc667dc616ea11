/**
 * Redaction cost per log line (issue 12): with the live secrets of one account, after 30 days
 * and after a year of rotated tokens (a Renault JWT every 15 minutes, each forgotten once
 * replaced). Each figure is the median of `rounds` rounds of `lines` lines, in CPU time (stats.ts).
 */
// @ts-nocheck

import { forgetSecret, liveSecretCount, redact, registerSecret } from '../src/core';
import { cpuMicros, median, round } from './stats';

const LINE = 'GET https://api.example.invalid/commerce/v1/accounts/abc/kamereon/kca/car-adapter/v2/cars/VF1AG000862Z50001/battery-status 200 in 182 ms';
const ROTATIONS_PER_DAY = 96;

function perLineMicros(lines: number, rounds: number): number {
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMicros();
    for (let i = 0; i < lines; i++) redact(`${LINE} #${i}`);
    runs.push((cpuMicros() - t0) / lines);
  }
  return median(runs);
}

const rotated = (i: number): string => `eyJrotated.${i}.${'y'.repeat(40)}`;

export function redaction(rounds = 5, lines = 20_000): Record<string, number> {
  const live = Array.from({ length: 8 }, (_, i) => `live-secret-${i}-${'x'.repeat(24)}`);
  for (const s of live) registerSecret(s);
  perLineMicros(2_000, 1); // warm up
  const fresh = perLineMicros(lines, rounds);
  let rotations = 0;
  const rotateUntil = (days: number): void => {
    for (; rotations < days * ROTATIONS_PER_DAY; rotations++) {
      registerSecret(rotated(rotations));
      if (rotations > 0) forgetSecret(rotated(rotations - 1));
    }
  };
  rotateUntil(30);
  const after30Days = perLineMicros(lines, rounds);
  rotateUntil(365);
  const afterYear = perLineMicros(lines, rounds);
  const liveAfterYear = liveSecretCount();
  for (const s of live) forgetSecret(s);
  forgetSecret(rotated(rotations - 1));
  return {
    usPerLineFresh: round(fresh, 3),
    usPerLineAfter30Days: round(after30Days, 3),
    usPerLineAfterYear: round(afterYear, 3),
    liveSecretsAfterYear: liveAfterYear,
    ratioAfter30Days: round(after30Days / fresh, 2),
  };
}
