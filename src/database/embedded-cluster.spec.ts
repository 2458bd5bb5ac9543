import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createCluster,
  EMBEDDED_POSTGRESQL_CONF,
  ensureClusterTemplate,
  migrationsKey,
} from './embedded-cluster';
import { ensureMigratedTemplate } from './migrated-template';
import { migrations } from './migrations';

describe('embedded cluster template', () => {
  let root: string;
  let templateDir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
    templateDir = join(root, 'cache', 'pglite-test-cluster');
    // Two makers at once, as two test workers or a build beside a start would be.
    const made = await Promise.all([
      ensureClusterTemplate(templateDir),
      ensureClusterTemplate(templateDir),
    ]);
    expect(made).toEqual([templateDir, templateDir]);
  }, 60_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is made once, in place, with nothing half-built left beside it', () => {
    expect(existsSync(join(templateDir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(join(root, 'cache'))).toEqual(['pglite-test-cluster']);
  });

  it('gives a new data directory a cluster PGlite opens and writes to', async () => {
    const dataDir = join(root, 'data');
    await createCluster(dataDir, { migrated: null, initialized: templateDir });
    const db = await PGlite.create({ dataDir, postgresqlconf: EMBEDDED_POSTGRESQL_CONF });
    try {
      await db.exec('CREATE TABLE copied (n int); INSERT INTO copied VALUES (1)');
      expect((await db.query('SELECT n FROM copied')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
    // The copy is the data directory's own: the template stays as it was.
    const template = await PGlite.create({ dataDir: templateDir });
    try {
      const found = await template.query("SELECT to_regclass('copied') AS found");
      expect(found.rows).toEqual([{ found: null }]);
    } finally {
      await template.close();
    }
  }, 60_000);

  it('takes an empty directory made beforehand', async () => {
    const dataDir = join(root, 'empty');
    mkdirSync(dataDir);
    await createCluster(dataDir, { migrated: null, initialized: templateDir });
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('refuses a directory that holds something else, and leaves it as it was', async () => {
    const dataDir = join(root, 'occupied');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await expect(
      createCluster(dataDir, { migrated: null, initialized: templateDir }),
    ).rejects.toThrow(/ENOTEMPTY|EEXIST/);
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
    expect(readdirSync(root).filter((name) => name.startsWith('occupied'))).toEqual(['occupied']);
  });

  it('falls back to initdb in the data directory when no template can be kept', async () => {
    // A file where the cache directory would go: the template cannot be made there.
    writeFileSync(join(root, 'read-only-install'), '');
    const dataDir = join(root, 'without-template');
    await createCluster(dataDir, {
      migrated: null,
      initialized: join(root, 'read-only-install', 'pglite-test-cluster'),
    });
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  }, 60_000);
});

describe('migrated cluster template', () => {
  const migration = (name: string, sql: string) => {
    const Migration = class implements MigrationInterface {
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(sql);
      }
      async down(): Promise<void> {}
    };
    Object.defineProperty(Migration, 'name', { value: name });
    return Migration;
  };

  it('is named by the SQL the migrations run, so an edit in place names a new schema', async () => {
    const first = migration('First1', 'CREATE TABLE a (n int)');
    const key = await migrationsKey([first]);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(await migrationsKey([first])).toBe(key);
    expect(await migrationsKey([migration('First1', 'CREATE TABLE a (n bigint)')])).not.toBe(key);
    expect(await migrationsKey([migration('Other1', 'CREATE TABLE a (n int)')])).not.toBe(key);
    expect(await migrationsKey([first, migration('Second2', 'SELECT 1')])).not.toBe(key);
  });

  it('has no name when a migration does more than run SQL', async () => {
    const builder = class implements MigrationInterface {
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable({ name: 'a' } as never);
      }
      async down(): Promise<void> {}
    };
    expect(await migrationsKey([builder])).toBeNull();
  });

  it('gives a new data directory every migration, with nothing left to run', async () => {
    const template = await ensureMigratedTemplate();
    expect(template).not.toBeNull();
    const root = mkdtempSync(join(tmpdir(), 'gatehouse-migrated-'));
    try {
      const dataDir = join(root, 'data');
      await createCluster(dataDir);
      const db = await PGlite.create({ dataDir, postgresqlconf: EMBEDDED_POSTGRESQL_CONF });
      try {
        const applied = await db.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
        expect(applied.rows.map((row) => row.name)).toEqual(
          (migrations as Array<{ name: string }>).map((each) => each.name),
        );
      } finally {
        await db.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
