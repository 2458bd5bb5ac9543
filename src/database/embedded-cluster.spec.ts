import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createCluster, EMBEDDED_POSTGRESQL_CONF, ensureClusterTemplate } from './embedded-cluster';

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
    await createCluster(dataDir, templateDir);
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
    await createCluster(dataDir, templateDir);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('refuses a directory that holds something else, and leaves it as it was', async () => {
    const dataDir = join(root, 'occupied');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await expect(createCluster(dataDir, templateDir)).rejects.toThrow(/ENOTEMPTY|EEXIST/);
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
    expect(readdirSync(root).filter((name) => name.startsWith('occupied'))).toEqual(['occupied']);
  });

  it('falls back to initdb in the data directory when no template can be kept', async () => {
    // A file where the cache directory would go: the template cannot be made there.
    writeFileSync(join(root, 'read-only-install'), '');
    const dataDir = join(root, 'without-template');
    await createCluster(dataDir, join(root, 'read-only-install', 'pglite-test-cluster'));
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  }, 60_000);
});
