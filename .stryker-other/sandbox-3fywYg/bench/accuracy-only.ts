/**
 * `node dist/bench/accuracy-only.js`: runs only the accuracy figures (issue 12) and writes them
 * into bench/results.json, leaving the other sections as they are.
 */
// @ts-nocheck

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { accuracy } from './accuracy';

async function main(): Promise<void> {
  const file = path.join(__dirname, '..', '..', 'bench', 'results.json');
  const results = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  results.accuracy = await accuracy();
  await fs.writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results.accuracy, null, 1));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
