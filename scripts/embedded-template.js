#!/usr/bin/env node
// Part of `npm run build`: makes the embedded database's templates under node_modules/.cache
// (an initialized cluster per PGlite install, and a migrated one per set of migrations), so a
// first start on an empty DATA_DIR copies a cluster instead of running initdb and every
// migration. A failure only costs that speed-up: the service falls back to doing both.
require('reflect-metadata');
const { existsSync, readdirSync, rmSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { migratedTemplateDir } = require('../dist/database/embedded-cluster');
const { ensureMigratedTemplate } = require('../dist/database/migrated-template');

async function main() {
  const started = Date.now();
  const planned = await migratedTemplateDir();
  if (planned && existsSync(planned)) return;
  const made = await ensureMigratedTemplate();
  if (!made) return;
  console.log(`embedded database template: ${made} (${Date.now() - started} ms)`);
  // Templates of earlier migrations (~40 MB each) are of no further use.
  const cache = dirname(made);
  for (const name of readdirSync(cache)) {
    if (/-schema-[0-9a-f]+$/.test(name) && name !== basename(made)) {
      rmSync(join(cache, name), { recursive: true, force: true });
    }
  }
}

main().catch((error) => console.warn(`embedded database template not made: ${error.message}`));
