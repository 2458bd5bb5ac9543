#!/usr/bin/env node
// Part of `npm run build`: makes the embedded database's template cluster once per PGlite
// install (node_modules/.cache), so a first start on an empty DATA_DIR copies it instead of
// running initdb. A failure only costs that speed-up: the service falls back to initdb.
const { clusterTemplateDir, ensureClusterTemplate } = require('../dist/database/embedded-cluster');

const started = Date.now();
const existed = require('node:fs').existsSync(clusterTemplateDir());
ensureClusterTemplate().then(
  (dir) => {
    if (!existed) console.log(`embedded database template: ${dir} (${Date.now() - started} ms)`);
  },
  (error) => console.warn(`embedded database template not made: ${error.message}`),
);
