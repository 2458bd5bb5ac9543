import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/migrator';
import {
  databaseUrl,
  TEMPLATE_DATABASE,
  testDatabaseServerUrl,
  withAdminClient,
} from './test-database';

/** On PostgreSQL, migrate a template database once; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  const serverUrl = testDatabaseServerUrl();
  if (!serverUrl) return;
  await withAdminClient(serverUrl, async (client) => {
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'gatehouse_test_%'`,
    );
    for (const { datname } of stale.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  });
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl(serverUrl, TEMPLATE_DATABASE),
    migrations,
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
}
