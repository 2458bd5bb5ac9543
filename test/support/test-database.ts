import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Per test run (set by global setup, inherited by workers), so concurrent runs never collide. */
export function templateDatabase(): string {
  const name = process.env.GATEHOUSE_TEST_TEMPLATE;
  if (!name) throw new Error('GATEHOUSE_TEST_TEMPLATE is set by test/support/global-setup.ts');
  return name;
}

/** The PostgreSQL server tests use, when TEST_DATABASE_URL is set; else PGlite in memory. */
export function testDatabaseServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(
  serverUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template: milliseconds instead of a migration run. */
export async function createTestDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`),
  );
  return {
    url: databaseUrl(serverUrl, name),
    drop: () =>
      withAdminClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
