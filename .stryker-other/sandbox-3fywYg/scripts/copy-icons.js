// Node-RED finds a node's icons in an icons/ folder next to the node's .js file (nodes/icons),
// while the project keeps them at the top level (icons/): the build copies them across.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const from = path.join(root, 'icons');
const to = path.join(root, 'nodes', 'icons');
// Afresh: an icon removed from icons/ does not linger in nodes/icons.
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(to, file));
