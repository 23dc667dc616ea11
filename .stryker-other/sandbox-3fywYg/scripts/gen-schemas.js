#!/usr/bin/env node
// Writes docs/schemas/<name>.schema.json from the zod schemas (run after the build; a test
// checks that the committed files are current).
const fs = require('node:fs');
const path = require('node:path');
const { payloadJsonSchemas } = require('../dist/src/core/json-schemas.js');

const dir = path.resolve(__dirname, '..', 'docs', 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(payloadJsonSchemas())) {
  fs.writeFileSync(path.join(dir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(payloadJsonSchemas()).length} schemas to docs/schemas`);
