import { cpSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { ensureClusterTemplate, migratedTemplateDir } from './embedded-cluster';
import { openFileDatabase } from './embedded-postgres';
import { runMigrations } from './migrator';

/**
 * Makes the migrated template for the current migrations when it is missing (see
 * createCluster): a copy of the initialized template with every migration run on it, so a
 * first start on an empty DATA_DIR has nothing left to migrate (~0.8 s on PGlite here). Made
 * by `npm run build` and by the test suite's global setup; null when the migrations cannot
 * be named (see migrationsKey).
 */
export async function ensureMigratedTemplate(): Promise<string | null> {
  const template = await migratedTemplateDir();
  if (!template) return null;
  return ensureClusterTemplate(template, async (dir) => {
    // Only when it is missing: a migrated template does not need the initialized one kept.
    cpSync(await ensureClusterTemplate(), dir, { recursive: true });
    const endpoint = await openFileDatabase(dir, { join: false, waitMs: 0 });
    try {
      const connection = { socketDir: endpoint.socketDir };
      const dataSource = await new DataSource(dataSourceOptions({ connection })).initialize();
      try {
        await runMigrations(dataSource);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await endpoint.close();
    }
  });
}
