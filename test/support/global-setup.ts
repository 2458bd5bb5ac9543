import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ensureMigratedTemplate } from '../../src/database/migrated-template';
import { migrations } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/migrator';
import {
  databaseUrl,
  templateDatabase,
  testDatabaseServerUrl,
  withAdminClient,
} from './test-database';

/**
 * Migrates a template once, which each test app's database copies: on PostgreSQL a template
 * database, on the embedded database the migrated cluster `npm run build` makes (made here
 * when a test run comes without a build).
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = testDatabaseServerUrl();
  if (!serverUrl) {
    await ensureMigratedTemplate();
    return;
  }
  process.env.GATEHOUSE_TEST_TEMPLATE = `gatehouse_template_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE "${templateDatabase()}"`),
  );
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl(serverUrl, templateDatabase()),
    migrations,
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
}
