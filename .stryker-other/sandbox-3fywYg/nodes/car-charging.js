// Node-RED loads this file; the node is written in TypeScript and compiled to dist/.
module.exports = require('../dist/src/nodes/car-charging.js');
