/**
 * `npm run faults` (issue 15): the fault matrix and the bad input, in a real Node-RED beside the
 * simulator on a virtual clock. Prints every failed check, then one summary line; exits non-zero
 * when a check failed. `--only <text>` runs the scenarios whose fault name contains the text.
 */
import { runBadInput } from './bad-input';
import { newTally, summary } from './checks';
import { FAULTS, NODE_KINDS, runFault, signInAll } from './matrix';
import { Runtime } from './runtime';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '') : '';
  const started = Date.now();
  const rt = new Runtime({ sim: { renault: { quota: false }, cardata: { autoApproveMs: 1_000, quota: false, streamIntervalMs: 60_000 } } });
  await rt.start();
  const t = newTally();
  try {
    await signInAll(rt);
    for (const fault of FAULTS.filter((f) => !only || `${f.brand} ${f.name}`.includes(only))) {
      for (const kind of NODE_KINDS) for (const redeploy of [false, true]) await runFault(rt, t, fault, kind, redeploy);
      process.stderr.write(`  ${fault.brand} ${fault.name}: done (${t.scenarios} scenarios, ${Math.round((Date.now() - started) / 1000)} s)\n`);
    }
    if (!only || 'bad input'.includes(only)) await runBadInput(rt, t);
  } finally {
    await rt.stop();
  }
  for (const line of t.lines) console.log(line);
  if (t.failed) console.log(`faults: ${t.failed} scenarios failed another check (code, writes to the car, calls)`);
  console.log(`faults: ${t.unmet} fault scenarios were served without meeting the fault (cache or stream), ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(summary(t));
  return t.crashes || t.unhandled || t.leaks || t.lost || t.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
