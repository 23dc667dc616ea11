#!/usr/bin/env node
// Adds up the mutation reports of the groups (reports/mutation/<group>.json, see stryker.config.mjs) into one score
// per file and in total, and fails below the 85 %. A file found in several reports is taken from the newest;
// when the newer report tested only some of its mutants (a re-run of the survivors, `--ranges`) and the file's source is
// the same, each of those replaces the same mutant of the older report and the others keep their older result.
// Score as Stryker counts it: killed and timed-out mutants of those that compiled and ran (survived, no coverage).
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

// `--survivors [part of a path]` lists the mutants no test noticed instead, one a line, with the code they change.
// `--ranges [part of a path]` prints them as Stryker's `--mutate` line ranges instead, to re-test only those (an
// incremental run re-tests every mutant whose tests changed, so after new tests it is nearly a whole run).
// `--exact` with `--ranges`: one range per survivor's own code (line and column) instead of its whole line, so that a
// re-run tests the survivors and what lies inside them, not every mutant of their lines (a third as many, 2026-12-05).
// `--static` with `--ranges`: the static mutants a run left out (Ignored: it ran without MUTATE_STATIC=1) instead of the
// survivors, to run just those with MUTATE_STATIC=1 (README); their results then take the place of the Ignored ones.
// Without either, the one argument is the least score (default 85). `--reports <dir>`: another folder of reports;
// `--root <dir>`: the project whose sources and stryker.config.mjs the reports are compared with (default: this one).
// A score stands for the code it was measured on: a file whose source changed since its newest report, and a configured
// file that no report holds, are named and fail the score (2026-12-05: accounts.ts and session.ts had changed since
// their run and were still shown with its figures).
const { values, positionals } = parseArgs({
  options: {
    survivors: { type: 'boolean', default: false },
    ranges: { type: 'boolean', default: false },
    exact: { type: 'boolean', default: false },
    static: { type: 'boolean', default: false },
    reports: { type: 'string' },
    root: { type: 'string' },
  },
  allowPositionals: true,
});
const root = path.resolve(values.root ?? path.join(__dirname, '..'));
const dir = path.resolve(values.reports ?? path.join(root, 'reports', 'mutation'));
const survivors = values.survivors || values.ranges;
const minimum = survivors ? 0 : Number(positionals[0] ?? 85);
const only = survivors ? positionals[0] : undefined;
if (!Number.isFinite(minimum)) {
  console.error(`The least score must be a number (a percentage), not "${positionals[0]}".`);
  process.exit(2);
}
const reports = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ file: f, mtimeMs: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => a.mtimeMs - b.mtimeMs)
  : [];
if (reports.length === 0) {
  console.error(`No reports in ${dir}: run \`npm run mutate\` first (README, "Mutation testing").`);
  process.exit(2);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The same mutant in two runs of the same source: where it is, what it does. */
const keyOf = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
const files = new Map();
for (const { file } of reports) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const [name, result] of Object.entries(report.files)) {
    const older = files.get(name);
    if (older === undefined || older.source !== result.source) {
      files.set(name, { report: file, mutants: result.mutants, source: result.source });
      continue;
    }
    // Of the same source, a mutant detected before stays detected: a re-run with fewer tests (a static mutant's range
    // with its own file's tests) may not run the test that killed it, and a new test does not make an old one pass.
    const detectedBefore = new Set(older.mutants.filter((m) => DETECTED.has(m.status)).map(keyOf));
    const retested = new Set(result.mutants.map(keyOf));
    const kept = older.mutants.filter((m) => !retested.has(keyOf(m)));
    const taken = result.mutants.map((m) => (UNDETECTED.has(m.status) && detectedBefore.has(keyOf(m)) ? older.mutants.find((o) => keyOf(o) === keyOf(m)) : m));
    files.set(name, { report: kept.length > 0 ? `${older.report} + ${file}` : file, mutants: [...kept, ...taken], source: result.source });
  }
}

if (values.ranges) {
  // One range per line that holds a survivor: Stryker tests every mutant that lies within it.
  const ranges = [];
  for (const [name, { mutants }] of files) {
    if (only && !name.includes(only)) continue;
    // The report counts lines and columns from 1; Stryker's ranges count columns from 0 (lines from 1). A range takes
    // every mutant whose code lies inside it.
    const rangeOf = ({ start, end }) => (values.exact ? `${start.line}:${start.column - 1}-${end.line}:${end.column - 1}` : `${start.line}-${end.line}`);
    const wanted = values.static ? (m) => m.status === 'Ignored' : (m) => UNDETECTED.has(m.status);
    const lines = new Set(mutants.filter(wanted).map((m) => rangeOf(m.location)));
    for (const l of [...lines].sort((a, b) => parseInt(a, 10) - parseInt(b, 10))) ranges.push(`${name}:${l}`);
  }
  console.log(ranges.join(','));
  process.exit(0);
}

if (survivors) {
  for (const [name, { mutants, source }] of files) {
    if (only && !name.includes(only)) continue;
    const lines = source.split('\n');
    for (const m of mutants.filter((x) => UNDETECTED.has(x.status)).sort((a, b) => a.location.start.line - b.location.start.line)) {
      const { start, end } = m.location;
      const original = start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)}…`;
      console.log(`${name}:${start.line}:${start.column} ${m.status} ${m.mutatorName}: ${original.trim().slice(0, 120)} -> ${String(m.replacement ?? '').trim().slice(0, 120)}`);
    }
  }
  process.exit(0);
}

/** A glob of stryker.config.mjs (`**`, `*`, one `{a,b}`) as a test of a path relative to the root. */
function globTest(glob) {
  const source = glob
    .split(/(\*\*\/|\*|\{[^{}]*\})/)
    .map((piece) => {
      if (piece === '**/') return '(?:.*/)?';
      if (piece === '*') return '[^/]*';
      if (piece.startsWith('{')) return `(?:${piece.slice(1, -1).split(',').map(escapeRegExp).join('|')})`;
      return escapeRegExp(piece);
    })
    .join('');
  const re = new RegExp(`^${source}$`);
  return (file) => re.test(file);
}
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function filesUnder(folder) {
  const out = [];
  if (!fs.existsSync(path.join(root, folder))) return out;
  for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const name = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(name));
    else out.push(name);
  }
  return out;
}

/** Every file the groups of the root's stryker.config.mjs mutate (none without that file). */
async function configuredFiles() {
  const config = path.join(root, 'stryker.config.mjs');
  if (!fs.existsSync(config)) return [];
  const { groups } = await import(require('node:url').pathToFileURL(config).href);
  const patterns = Object.values(groups).flatMap((g) => g.mutate);
  const wanted = patterns.filter((p) => !p.startsWith('!')).map(globTest);
  const excluded = [...patterns.filter((p) => p.startsWith('!')).map((p) => globTest(p.slice(1))), globTest('src/**/index.ts')];
  return filesUnder('src').filter((f) => wanted.some((t) => t(f)) && !excluded.some((t) => t(f)));
}

async function main() {
const total = { detected: 0, undetected: 0, notRun: 0, ignored: 0 };
const rows = [];
for (const [name, { report, mutants }] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const count = { detected: 0, undetected: 0, notRun: 0, ignored: 0 };
  for (const m of mutants) {
    if (DETECTED.has(m.status)) count.detected++;
    else if (UNDETECTED.has(m.status)) count.undetected++;
    else count.notRun++; // CompileError, RuntimeError, Ignored (static): not part of the score
    if (m.status === 'Ignored') count.ignored++;
  }
  for (const k of Object.keys(total)) total[k] += count[k];
  rows.push({ name, report, ...count });
}

const changed = rows.filter((r) => {
  const file = path.join(root, r.name);
  return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== files.get(r.name).source;
});
const unreported = (await configuredFiles()).filter((f) => !files.has(f));
const score = (c) => (c.detected + c.undetected === 0 ? undefined : (100 * c.detected) / (c.detected + c.undetected));
const shown = (c) => (score(c) === undefined ? 'n/a' : score(c).toFixed(1)).padStart(5);
const pad = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) {
  // n/a: every mutant of the file runs at module load (static) and was left out, or none compiled.
  const mark = changed.includes(r) ? '  CHANGED since its report: run it again' : '';
  console.log(`${r.name.padEnd(pad)}  ${shown(r)} %  ${String(r.detected).padStart(4)} detected  ${String(r.undetected).padStart(3)} not  ${String(r.notRun).padStart(3)} not run  (${r.report})${mark}`);
}
for (const name of unreported) console.log(`${name.padEnd(pad)}    n/a  no report: run its group`);
const all = score(total) ?? 100;
console.log(`${'total'.padEnd(pad)}  ${shown(total)} %  ${total.detected} detected, ${total.undetected} not, ${total.notRun} not run (${total.ignored} static and left out, ${total.notRun - total.ignored} did not compile)`);
let failed = false;
if (all < minimum) {
  console.error(`below ${minimum} %`);
  failed = true;
}
if (changed.length > 0) {
  console.error(`${changed.length} file(s) changed since their report, so their figures are not of today's code: ${changed.map((r) => r.name).join(', ')}`);
  failed = true;
}
if (unreported.length > 0) {
  console.error(`${unreported.length} configured file(s) in no report: ${unreported.join(', ')}`);
  failed = true;
}
process.exit(failed ? 1 : 0);
}
main().catch((e) => {
  console.error(e);
  process.exit(2);
});
