#!/usr/bin/env node
// Writes (`write`) or verifies (`check`) the committed openapi.json against the built code.
// Run after `npm run build`: the Swagger CLI plugin documents DTOs only in the compiled output.
require('reflect-metadata');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

async function main() {
  const mode = process.argv[2];
  if (mode !== 'write' && mode !== 'check') throw new Error('usage: openapi.js write|check');
  const { loadConfig } = require('../dist/config/app-config');
  const { createApp } = require('../dist/app.factory');
  const { buildOpenApiDocument } = require('../dist/docs/openapi');
  const SwaggerParser = require('@apidevtools/swagger-parser');

  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: 'memory://',
    APP_URL: 'http://localhost:3000',
  });
  const app = await createApp(config);
  await app.init();
  const document = buildOpenApiDocument(app);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });

  await SwaggerParser.validate(structuredClone(document));
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const file = join(__dirname, '..', 'openapi.json');
  if (mode === 'write') {
    writeFileSync(file, text);
    console.log(`openapi.json written (${Object.keys(document.paths).length} paths)`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // Missing file: reported below as a mismatch.
  }
  if (committed !== text) {
    console.error('openapi.json is out of date: run `npm run build && npm run openapi:generate` and commit it.');
    process.exit(1);
  }
  console.log('openapi.json matches the code and is a valid OpenAPI 3 document.');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
