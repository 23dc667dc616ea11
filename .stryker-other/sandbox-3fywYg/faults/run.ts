/**
 * `npm run faults` (issue 15): the fault matrix and the bad input, in a real Node-RED beside the
 * simulator on a virtual clock. Prints every failed check, then one summary line; exits non-zero
 * when a check failed (tally.ts, exitCode).
 *
 * The scenarios are independent, and most of their time is real I/O waits (HTTP timeouts of held
 * sockets): worker processes, each with its own Node-RED, simulator and clock (the test helper
 * is one per process), take jobs (a fault with every node type, or a share of the bad input)
 * until none is left. `--workers <n>` (default 4), `--only <text>`: the jobs whose name contains the text.
 */
import { fork } from 'node:child_process';
import { runBadInput } from './bad-input';
import { FAULTS, NODE_KINDS, runFault, signInAll } from './matrix';
import { Runtime } from './runtime';
import { addTally, exitCode, newTally, summary, type Tally } from './tally';

/** Shares of the bad input, as jobs of their own (about as long as one fault's jobs). */
const BAD_INPUT_PARTS = 6;

/** One job: a fault (by its index in FAULTS) with every node type, with and without a redeploy; or a share of the bad input. */
type Job = { fault: number } | { badInput: number };

function jobName(job: Job): string {
  if ('fault' in job) {
    const f = FAULTS[job.fault];
    return f ? `${f.brand} ${f.name}` : '?';
  }
  return `bad input ${job.badInput + 1}/${BAD_INPUT_PARTS}`;
}

/** Parent to worker: the next job, or none left. Worker to parent: ready for a job, or what a job counted. */
type ToWorker = { job: Job } | { done: true };
type FromWorker = { ready: true } | { tally: Tally; name: string };

async function worker(): Promise<void> {
  const send = (m: FromWorker): void => void process.send?.(m);
  const rt = new Runtime({ sim: { renault: { quota: false }, cardata: { autoApproveMs: 1_000, quota: false, streamIntervalMs: 60_000 } } });
  await rt.start();
  try {
    await signInAll(rt);
    const next = (): Promise<ToWorker> => new Promise((resolve) => process.once('message', (m: ToWorker) => resolve(m)));
    for (;;) {
      send({ ready: true });
      const m = await next();
      if ('done' in m) break;
      const t = newTally();
      const { job } = m;
      if ('fault' in job) {
        const fault = FAULTS[job.fault];
        if (fault) for (const kind of NODE_KINDS) for (const redeploy of [false, true]) await runFault(rt, t, fault, kind, redeploy);
      } else {
        await runBadInput(rt, t, { index: job.badInput, of: BAD_INPUT_PARTS });
      }
      send({ tally: t, name: jobName(job) });
    }
  } finally {
    await rt.stop();
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const only = option('--only') ?? '';
  const workers = Math.max(1, Math.min(16, Number(option('--workers') ?? 4) || 4));
  const started = Date.now();
  const jobs: Job[] = [...FAULTS.map((_f, fault) => ({ fault })), ...Array.from({ length: BAD_INPUT_PARTS }, (_x, badInput) => ({ badInput }))].filter((j) => !only || jobName(j).includes(only));
  // The longest first (a fault that ends the sign-in, then the bad input shares): the last job to start is a short one.
  const weight = (j: Job): number => ('fault' in j ? (FAULTS[j.fault]?.needsSignIn ? 3 : 1) : 2);
  jobs.sort((a, b) => weight(b) - weight(a));
  const t = newTally();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, () =>
      new Promise<void>((resolve) => {
        const child = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        child.on('message', (m: FromWorker) => {
          if ('tally' in m) {
            addTally(t, m.tally);
            process.stderr.write(`  ${m.name}: done (${t.scenarios} scenarios, ${seconds()} s)\n`);
            return;
          }
          const job = jobs.shift();
          child.send(job ? ({ job } satisfies ToWorker) : ({ done: true } satisfies ToWorker));
        });
        child.on('exit', (code) => {
          // A worker that died took its job with it: that is a crash of the suite, counted as one.
          if (code !== 0) failures.push(`a worker exited with code ${String(code)}`);
          resolve();
        });
      }),
    ),
  );
  for (const f of failures) {
    t.crashes++;
    t.lines.push(`  crash     ${f}`);
  }
  if (jobs.length) {
    t.lost += jobs.length;
    t.lines.push(`  lost      ${jobs.length} jobs were never run (${jobs.map(jobName).join(', ')})`);
  }
  for (const line of t.lines) console.log(line);
  if (t.failed) console.log(`faults: ${t.failed} scenarios failed another check (code, writes to the car, calls)`);
  console.log(`faults: ${t.unmet} fault scenarios were served without meeting the fault (cache or stream); ${workers} workers, ${seconds()} s`);
  console.log(summary(t));
  return exitCode(t, !only);
}

if (process.argv.includes('--worker')) {
  worker().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
} else {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(2);
    },
  );
}
