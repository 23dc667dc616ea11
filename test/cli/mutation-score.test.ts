/**
 * scripts/mutation-score.js (issue 19): adds the mutation groups' reports into one score per file, takes a file from
 * the newest report that has it, lists survivors, and fails below the least score.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, tempDir } from '../helpers';

const run = promisify(execFile);
const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'mutation-score.js');

function mutant(status: string, line: number, replacement = 'false'): Record<string, unknown> {
  return { status, mutatorName: 'ConditionalExpression', replacement, location: { start: { line, column: 5 }, end: { line, column: 11 } } };
}

/** The project's own copy of a source file, as the reports are compared with it. */
async function writeSource(dir: string, name: string, source: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
  await fs.writeFile(path.join(dir, name), source);
}

async function score(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    // The folder is both the reports' and the project's (its src/ holds the sources the reports were made from).
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, '--reports', dir, '--root', dir, ...args]);
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('mutation-score script', () => {
  it('scores each file from its newest report, leaves static and uncompiled mutants out, and fails below the least score', async () => {
    const dir = await tempDir('cc-mutation-');
    const source = 'line one\nif (a && b) x();\n';
    // An older report of a.ts (all survived), then a newer one (3 of 4 detected) with b.ts (static only).
    await fs.writeFile(path.join(dir, 'old.json'), JSON.stringify({ files: { 'src/a.ts': { source, mutants: [mutant('Survived', 2), mutant('Survived', 2)] } } }));
    await fs.utimes(path.join(dir, 'old.json'), new Date(1_000_000), new Date(1_000_000));
    const newer = {
      'src/a.ts': { source, mutants: [mutant('Killed', 2), mutant('Timeout', 2), mutant('Killed', 2), mutant('NoCoverage', 2), mutant('CompileError', 2)] },
      'src/b.ts': { source, mutants: [mutant('Ignored', 1)] },
    };
    await fs.writeFile(path.join(dir, 'new.json'), JSON.stringify({ files: newer }));
    await writeSource(dir, 'src/a.ts', source);
    await writeSource(dir, 'src/b.ts', source);

    const passed = await score(dir, '70');
    assert.equal(passed.code, 0, passed.err);
    assert.match(passed.out, /src\/a\.ts\s+75\.0 %\s+3 detected\s+1 not\s+1 not run\s+\(new\.json\)/);
    assert.match(passed.out, /src\/b\.ts\s+n\/a %\s+0 detected\s+0 not\s+1 not run/);
    assert.match(passed.out, /total\s+75\.0 %\s+3 detected, 1 not, 2 not run \(1 static and left out, 1 did not compile\)/);
    // --static: the static mutants left out, to run them alone (MUTATE_STATIC=1).
    assert.equal((await score(dir, '--ranges', '--static', '--exact')).out, 'src/b.ts:1:4-1:10\n');

    const failed = await score(dir);
    assert.equal(failed.code, 1, 'below the default 85 %');
    assert.match(failed.err, /below 85 %/);

    const listed = await score(dir, '--survivors', 'a.ts');
    assert.equal(listed.code, 0);
    assert.equal(listed.out, 'src/a.ts:2:5 NoCoverage ConditionalExpression: a && b -> false\n');

    assert.equal((await score(dir, 'much')).code, 2, 'a least score that is no number');
    assert.equal((await score(path.join(dir, 'none'))).code, 2, 'no reports');
  });

  it('takes a re-run of the survivors over the same mutants of an older run of the same source, and keeps the rest', async () => {
    const dir = await tempDir('cc-mutation-');
    const source = 'const a = 1;\nif (a && b) x();\nif (c || d) y();\n';
    const group = { 'src/a.ts': { source, mutants: [mutant('Killed', 1), mutant('Killed', 1, 'true'), mutant('Survived', 2), mutant('NoCoverage', 3), mutant('Survived', 3, 'true')] } };
    await fs.writeFile(path.join(dir, 'group.json'), JSON.stringify({ files: group }));
    await fs.utimes(path.join(dir, 'group.json'), new Date(1_000_000), new Date(1_000_000));
    await writeSource(dir, 'src/a.ts', source);

    // The lines to re-test, as Stryker's --mutate takes them: one range per line that holds a survivor.
    const ranges = await score(dir, '--ranges');
    assert.equal(ranges.code, 0, ranges.err);
    assert.equal(ranges.out, 'src/a.ts:2-2,src/a.ts:3-3\n');
    // --exact: each survivor's own code, its columns counted from 0 as Stryker's ranges count them (the report's from 1).
    assert.equal((await score(dir, '--ranges', '--exact')).out, 'src/a.ts:2:4-2:10,src/a.ts:3:4-3:10\n');

    // The re-run of those lines: two now killed, one still surviving.
    // Line 1's first mutant, killed in the group's run, survives the re-run (run with fewer tests): it stays killed.
    const rerun = { 'src/a.ts': { source, mutants: [mutant('Killed', 2), mutant('Timeout', 3), mutant('Survived', 3, 'true'), mutant('Survived', 1)] } };
    await fs.writeFile(path.join(dir, 'rerun.json'), JSON.stringify({ files: rerun }));
    const merged = await score(dir, '0');
    assert.match(merged.out, /src\/a\.ts\s+80\.0 %\s+4 detected\s+1 not\s+0 not run\s+\(group\.json \+ rerun\.json\)/);
    assert.equal((await score(dir, '--survivors')).out, 'src/a.ts:3:5 Survived ConditionalExpression: c || d -> true\n');

    // A newer run of changed source stands alone: the older results are of other code.
    await fs.writeFile(path.join(dir, 'rerun.json'), JSON.stringify({ files: { 'src/a.ts': { ...rerun['src/a.ts'], source: `${source}// changed\n` } } }));
    // (line 1's survivor counts now: a kill of other code says nothing of this code)
    assert.match((await score(dir, '0')).out, /src\/a\.ts\s+50\.0 %\s+2 detected\s+2 not\s+0 not run\s+\(rerun\.json\)/);
  });

  it("names a file whose source changed since its report and a configured file no report holds, and fails on either", async () => {
    const dir = await tempDir('cc-mutation-');
    const source = 'if (a && b) x();\n';
    await fs.writeFile(path.join(dir, 'group.json'), JSON.stringify({ files: { 'src/a.ts': { source, mutants: [mutant('Killed', 1)] } } }));
    // The groups as stryker.config.mjs has them: a.ts and c.ts are configured, c.ts has no report; index files never count.
    await fs.writeFile(path.join(dir, 'stryker.config.mjs'), "export const groups = { g: { mutate: ['src/{a,c}.ts', 'src/deep/**/*.ts'], spec: [] } };\n");
    await writeSource(dir, 'src/a.ts', source);
    await writeSource(dir, 'src/c.ts', source);
    await writeSource(dir, 'src/deep/more/d.ts', source);
    await writeSource(dir, 'src/deep/index.ts', source);
    await writeSource(dir, 'src/other.ts', source);

    const unreported = await score(dir, '0');
    assert.equal(unreported.code, 1);
    assert.match(unreported.out, /src\/a\.ts\s+100\.0 %.*\(group\.json\)\n/);
    assert.match(unreported.out, /src\/c\.ts\s+n\/a\s+no report: run its group/);
    assert.match(unreported.err, /2 configured file\(s\) in no report: src\/c\.ts, src\/deep\/more\/d\.ts\n/);
    assert.doesNotMatch(unreported.out, /index\.ts|other\.ts/);

    await fs.writeFile(path.join(dir, 'stryker.config.mjs'), "export const groups = { g: { mutate: ['src/a.ts'], spec: [] } };\n");
    assert.equal((await score(dir, '0')).code, 0, 'every configured file in a report of its source');
    await writeSource(dir, 'src/a.ts', `${source}// changed\n`);
    const changed = await score(dir, '0');
    assert.equal(changed.code, 1);
    assert.match(changed.out, /src\/a\.ts\s+100\.0 %.*CHANGED since its report: run it again/);
    assert.match(changed.err, /1 file\(s\) changed since their report.*: src\/a\.ts/);
  });
});
