import { DataSource, Migration } from 'typeorm';

// Any fixed number: instances starting together take turns running migrations.
const MIGRATION_LOCK_ID = 7_312_004_311;

/** Runs pending migrations under a PostgreSQL advisory lock, so concurrent starts are safe. */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      // Statistics for a schema that just changed; afterwards a server's autovacuum (or, on
      // PGlite, EmbeddedMaintenance) keeps them current. Not on every start: on a large
      // database a full ANALYZE takes a while.
      if (applied.length > 0) await runner.query('ANALYZE');
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
