// Mutation testing (issue 19): `npm run mutate`, or one file group at a time while working on it:
//   npm run mutate -- --mutate src/core/redact.ts
// Stryker copies the project to a sandbox, writes the mutants into the TypeScript there, compiles it with tsc
// (buildCommand) and runs the compiled tests with mocha in its own process. Tests that start another process (CLI,
// demo, package install, editor in a browser, lazy loading) cannot see a mutant, so they are left out.
import process from 'node:process';

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
  mutate: [
    'src/core/**/*.ts',
    'src/features/**/*.ts',
    'src/brands/*/map.ts',
    'src/brands/*/charging-map.ts',
    'src/brands/*/history-map.ts',
    'src/brands/*/schemas.ts',
    'src/brands/*/auth.ts',
    '!src/**/index.ts',
  ],
  mochaOptions: {
    // MUTATE_TESTS narrows the tests to the group's own (a comma-separated list of globs), e.g.
    //   MUTATE_TESTS='dist/test/core/**/*.test.js' npm run mutate -- --mutate src/core/redact.ts
    // Code that every test passes through (redaction, the clock) is otherwise run by the whole suite per mutant.
    spec: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',') : ['dist/test/{cardata,charging,commands,core,features,nodes,presence,renault,sim,trips}/**/*.test.js'],
    ignore: ['dist/test/core/lazy-load.test.js', 'dist/test/nodes/locales.test.js'],
  },
  coverageAnalysis: 'perTest',
  // A re-run tests only the mutants whose code or covering tests changed. The file is not committed (see README).
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The build machines have 2 cores shared by several people: run it with `nice`, one worker.
  concurrency: 1,
  timeoutMS: 20000,
  ignorePatterns: ['dist', 'coverage', 'test-output', '.demo', 'reports', '.ci-work'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
