// Mutation testing (issue 19): `npm run mutate`, or one file group at a time while working on it:
//   npm run mutate -- --mutate src/core/redact.ts
// Stryker copies the project to a sandbox, writes the mutants into the TypeScript there, compiles it with tsc
// (buildCommand) and runs the compiled tests with mocha in its own process. Tests that start another process (CLI,
// demo, package install, editor in a browser, lazy loading) cannot see a mutant, so they are left out.
import process from 'node:process';

// The configured files in groups, so that the whole set (hours on 2 cores) can be run a group at a time, each with its
// own incremental file and report: `MUTATE_GROUP=core npm run mutate`. `npm run mutate:score` then adds up the
// groups' reports (reports/mutation/*.json) into one score per file and in total, and names each file of the groups that
// no report holds or whose source changed since its report (it reads `groups` from here).
// Each group runs with the tests that exercise it, not the whole suite: a mutant that runs at module load (a schema,
// a table) runs every test of the spec, so a small spec keeps those affordable.
export const groups = {
  core: {
    mutate: ['src/core/**/*.ts'],
    spec: ['core/*', 'charging/*', 'presence/*', 'features/car-events', 'commands/input', 'trips/{derive,summary,store,recorder,stream-gap}'],
  },
  'features-place': {
    mutate: ['src/features/{presence,presence-tracker,trip-recorder,trips,trip-store,car-events,map}.ts'],
    spec: ['presence/*', 'trips/*', 'features/{car-events,map,car-events-values,map-values}', 'nodes/{car-presence,car-trips,car-events}'],
  },
  'features-state': {
    // (texts.ts is a type alone: no code to mutate, and so in no report.)
    mutate: ['src/features/{status,status-cache,charging,commands,raw-request,home-assistant,vehicle-info}.ts'],
    spec: ['features/{status,status-parts,quota,deadline,status-poller-values,status-reads-values,status-cache-values,charging-values,commands-values,home-assistant-values,raw-request-values,state-static-values}', 'charging/*', 'commands/*', 'nodes/{car-command,car-status,car-status-interval,car-status-map,car-charging,car-request,car-homeassistant}'],
  },
  'features-account': {
    mutate: ['src/features/{session,session-stream,sign-in,accounts,account-file,device-code-poll,challenge}.ts'],
    // Every node test signs in through car-account (accounts.ts, session.ts): without them most of the group ran under
    // no test (18.9 %, 2026-12-04).
    spec: ['features/*', 'core/{session-single-flight,token-store}', 'renault/{token,tfa,tfa-trust,sign-in-requests,sign-in-answers,entry-points,client,errors,refusals}', 'cardata/{auth,stream,budget,quota}', 'nodes/*'],
  },
  renault: {
    mutate: ['src/brands/renault/{map,charging-map,history-map,schemas,auth}.ts'],
    spec: ['renault/*', 'charging/renault-charging', 'trips/renault-history'],
  },
  cardata: {
    mutate: ['src/brands/cardata/{map,schemas,auth}.ts'],
    spec: ['cardata/*'],
  },
};
/**
 * 'trips/{derive,summary}' -> ['trips/derive', 'trips/summary'], one brace group. Mocha (glob 10) counts a pattern as a
 * glob only for `*` and the like, not for braces, so a braced spec matched no file and its tests were left out of the
 * group's runs without a word (found 2026-12-04).
 */
function expandBraces(spec) {
  const match = /^(.*)\{([^{}]*)\}(.*)$/.exec(spec);
  return match ? match[2].split(',').map((alt) => `${match[1]}${alt}${match[3]}`) : [spec];
}
const group = process.env.MUTATE_GROUP;
if (group !== undefined && !(group in groups)) throw new Error(`MUTATE_GROUP must be one of ${Object.keys(groups).join(', ')}`);
// MUTATE_REPORT names a run's report apart from its group's, e.g. a re-run of the survivors only (README), so that
// `npm run mutate:score` takes its results over the group's and keeps the group's for the rest.
const reportName = process.env.MUTATE_REPORT ?? group ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Mutants are type-checked in groups (fast); a mutant that does not compile never runs and does not count.
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The sandbox marks these files @ts-nocheck, so the instrumented code compiles (tsconfig has noEmitOnError);
  // the TypeScript checker above is what refuses a mutant that does not type-check.
  disableTypeChecks: '{src,test,bench,conformance}/**/*.ts',
  buildCommand: 'tsc -p tsconfig.json',
  mutate: [...(group ? groups[group].mutate : Object.values(groups).flatMap((g) => g.mutate)), '!src/**/index.ts'],
  mochaOptions: {
    // MUTATE_TESTS narrows the tests to the group's own (a comma-separated list of globs), e.g.
    //   MUTATE_TESTS='dist/test/core/**/*.test.js' npm run mutate -- --mutate src/core/redact.ts
    // Code that every test passes through (redaction, the clock) is otherwise run by the whole suite per mutant.
    spec: process.env.MUTATE_TESTS
      ? process.env.MUTATE_TESTS.split(',')
      : group
        ? groups[group].spec.flatMap(expandBraces).map((t) => `dist/test/${t}.test.js`)
        : ['dist/test/{cardata,charging,commands,core,features,nodes,presence,renault,sim,trips}/**/*.test.js'],
    ignore: ['dist/test/core/lazy-load.test.js', 'dist/test/nodes/locales.test.js'],
  },
  coverageAnalysis: 'perTest',
  // A mutant that runs at module load (a schema, a table, a constant) runs every test of the spec, with every module
  // loaded afresh: on 2 cores about 10 s each, over half of a run's time for a fifth of its mutants. They are left out
  // (reported as Ignored, not in the score) unless MUTATE_STATIC=1, which the schema files' runs set (README).
  ignoreStatic: process.env.MUTATE_STATIC !== '1',
  // A re-run tests only the mutants whose code or covering tests changed. The file is not committed (see README).
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${reportName}.json`,
  // The build machines have 2 cores: run it with `nice`; MUTATE_CONCURRENCY=2 when the machine is otherwise idle.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  // On top of 1.5 x the covering tests' own time in the first run: a mutant that loops (a clock that never moves on) ends sooner.
  timeoutMS: 8000,
  ignorePatterns: ['dist', 'coverage', 'test-output', '.demo', 'reports', '.ci-work', '.stryker-*'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
