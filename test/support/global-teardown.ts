import { templateDatabase, testDatabaseServerUrl, withAdminClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = testDatabaseServerUrl();
  if (!serverUrl) return;
  await withAdminClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${templateDatabase()}" WITH (FORCE)`),
  );
}
