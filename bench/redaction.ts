/** Redaction cost per log line: with the live secrets of one account, and after a year of rotated tokens. */
import { performance } from 'node:perf_hooks';
import { forgetSecret, liveSecretCount, redact, registerSecret } from '../src/core';

const LINE = 'GET https://api.example.invalid/commerce/v1/accounts/abc/kamereon/kca/car-adapter/v2/cars/VF1AG000862Z50001/battery-status 200 in 182 ms';

function perLineMicros(lines: number): number {
  const t0 = performance.now();
  for (let i = 0; i < lines; i++) redact(`${LINE} #${i}`);
  return ((performance.now() - t0) * 1000) / lines;
}

export function redaction(): Record<string, number> {
  const live = Array.from({ length: 8 }, (_, i) => `live-secret-${i}-${'x'.repeat(24)}`);
  for (const s of live) registerSecret(s);
  perLineMicros(2_000); // warm up
  const fresh = perLineMicros(20_000);
  // A year of Renault JWTs (one every 15 minutes) registered and, once replaced, forgotten.
  for (let i = 0; i < 35_040; i++) {
    const token = `eyJrotated.${i}.${'y'.repeat(40)}`;
    registerSecret(token);
    if (i > 0) forgetSecret(`eyJrotated.${i - 1}.${'y'.repeat(40)}`);
  }
  const afterYear = perLineMicros(20_000);
  const liveAfterYear = liveSecretCount();
  for (const s of live) forgetSecret(s);
  forgetSecret(`eyJrotated.35039.${'y'.repeat(40)}`);
  return { freshMicrosPerLine: fresh, afterYearMicrosPerLine: afterYear, liveSecretsAfterYear: liveAfterYear, ratio: afterYear / fresh };
}
