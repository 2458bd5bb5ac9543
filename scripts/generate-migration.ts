// Usage: npm run migration:generate -- <PascalCaseName>
// Diffs the entities against a fresh embedded database with every existing migration applied,
// and writes the difference as a new migration under src/database/migrations/ for review.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startMemoryDatabase } from '../src/database/embedded-postgres';
import { entities } from '../src/database/entities';
import { migrations } from '../src/database/migrations';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('usage: generate-migration <PascalCaseName>');
  const endpoint = await startMemoryDatabase();
  const dataSource = new DataSource({
    type: 'postgres',
    host: endpoint.socketDir,
    port: 5432,
    username: 'postgres',
    database: 'postgres',
    entities,
    migrations,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  const sql = await dataSource.driver.createSchemaBuilder().log();
  await dataSource.destroy();
  await endpoint.close();
  if (sql.upQueries.length === 0) {
    console.log('The entities and the migrations agree: nothing to generate.');
    return;
  }
  const timestamp = Date.now();
  const toCalls = (queries: { query: string }[]) =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q.query)});`).join('\n');
  const fileName = `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`;
  const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${toCalls(sql.upQueries)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${toCalls([...sql.downQueries].reverse())}
  }
}
`;
  writeFileSync(join(__dirname, '..', 'src', 'database', 'migrations', fileName), source);
  console.log(`Wrote src/database/migrations/${fileName}; add it to migrations/index.ts.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
