/**
 * The simulator in a process of its own, for figures that count what the plugin's process holds
 * (timers): prints its URLs as one JSON line, runs until its stdin closes.
 */
// @ts-nocheck

import { startSimulator } from '../src/sim';

void startSimulator({ port: 0, host: '127.0.0.1', renault: { quota: false } }).then((sim) => {
  process.stdout.write(`${JSON.stringify({ gigya: sim.renault.gigyaUrl, kamereon: sim.renault.kamereonUrl })}\n`);
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
  process.stdin.resume();
});
