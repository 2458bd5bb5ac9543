import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrations } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/migrator';
import {
  databaseUrl,
  templateDatabase,
  testDatabaseServerUrl,
  withAdminClient,
} from './test-database';

/** On PostgreSQL, migrate a template database once; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  const serverUrl = testDatabaseServerUrl();
  if (!serverUrl) return;
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
