import { DataSourceOptions } from 'typeorm';
import { migrations } from './migrations';
import { DatabaseEndpoint } from './database-endpoint';

export function dataSourceOptions(
  endpoint: Pick<DatabaseEndpoint, 'connection'>,
): DataSourceOptions {
  const connection = endpoint.connection;
  return {
    type: 'postgres',
    ...('url' in connection
      ? { url: connection.url }
      : { host: connection.socketDir, port: 5432, username: 'postgres', database: 'postgres' }),
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
  };
}
