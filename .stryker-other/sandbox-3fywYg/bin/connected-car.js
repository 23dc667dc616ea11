#!/usr/bin/env node
// The `connected-car` command: demo, simulator, parse. Compiled from src/cli.
require('../dist/src/cli/index.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((err) => { console.error(err && err.message ? err.message : err); process.exitCode = 1; });
