import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrations } from './migrations';

/**
 * PGlite's postgresql.conf, written at every open. Postgres's default 128 MB of shared buffers
 * is allocated and touched inside the WebAssembly memory at start (RSS 317 → 196 MB for PGlite
 * alone at 16 MB); one embedded session needs little, and the OS caches the files beneath.
 */
export const EMBEDDED_POSTGRESQL_CONF = ['shared_buffers = 16MB'];

function isCluster(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/**
 * Runs PGlite's initdb into `dataDir` in a child process. It leaves a few hundred MB of
 * WebAssembly memory behind, which an idle service keeps until a collection that never comes
 * (RSS 730 MB after a first start, 256 MB after a restart); a child returns it on exit.
 */
async function initializeCluster(dataDir: string): Promise<void> {
  const pglite = JSON.stringify(require.resolve('@electric-sql/pglite'));
  const conf = JSON.stringify(EMBEDDED_POSTGRESQL_CONF);
  const script =
    `require(${pglite}).PGlite.create({ dataDir: process.argv[1], postgresqlconf: ${conf} })` +
    `.then((db) => db.close())`;
  await promisify(execFile)(process.execPath, ['-e', script, dataDir]);
}

/**
 * Where a template cluster is kept: beside the installed PGlite, in `node_modules/.cache`,
 * named by PGlite's version (a cluster is only valid for the Postgres build that made it), so
 * reinstalling or upgrading starts over. `variant`: the initialized cluster, or a migrated one.
 */
export function clusterTemplateDir(variant = 'cluster'): string {
  const entry = require.resolve('@electric-sql/pglite');
  const marker = `${sep}node_modules${sep}`;
  const modules = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  const manifest = join(modules, '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return join(modules, '.cache', 'gatehouse', `pglite-${version}-${variant}`);
}

type MigrationClass = new () => MigrationInterface;

/**
 * Names the schema the migrations make: a digest of each one's name and of the SQL its `up`
 * runs (recorded, not executed), so editing a migration in place names a new schema. Null
 * when a migration does more than `queryRunner.query`.
 */
export async function migrationsKey(
  list = migrations as unknown as readonly MigrationClass[],
): Promise<string | null> {
  const digest = createHash('sha256');
  const recorder = {
    query: (sql: string, parameters?: unknown[]) => {
      digest
        .update(sql)
        .update(JSON.stringify(parameters ?? []))
        .update('\0');
      return Promise.resolve([]);
    },
  };
  try {
    for (const Migration of list) {
      digest.update(Migration.name).update('\0');
      await new Migration().up(recorder as unknown as QueryRunner);
    }
  } catch {
    return null;
  }
  return digest.digest('hex').slice(0, 16);
}

/** The template with every migration applied, when the build has made it for these migrations. */
export async function migratedTemplateDir(): Promise<string | null> {
  const key = await migrationsKey();
  return key ? clusterTemplateDir(`schema-${key}`) : null;
}

/**
 * A template cluster's directory, made once by `make` (by default initdb, ~4 s here; copying
 * its ~40 MB in ~1,000 files takes 0.2–0.9 s, mostly creating the files). Built in a private
 * directory and renamed into place, so a reader never sees half a cluster and concurrent
 * makers (test workers, a build beside a start) do not collide.
 */
export async function ensureClusterTemplate(
  template = clusterTemplateDir(),
  make: (dir: string) => Promise<void> = initializeCluster,
): Promise<string> {
  if (isCluster(template)) return template;
  const building = `${template}.${process.pid}-${Date.now()}`;
  mkdirSync(dirname(template), { recursive: true });
  try {
    await make(building);
    renameSync(building, template);
  } catch (error) {
    // Someone else's rename won: theirs is as good as ours.
    if (!isCluster(template)) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/**
 * Creates the cluster of a new embedded database in `dataDir` (absent or empty) by copying a
 * template, beside it first so an interrupted copy never looks like a cluster: the migrated
 * one when the build made it for these migrations (nothing left to migrate at start), else
 * the initialized one. When no template can be kept (a read-only install), runs initdb into
 * `dataDir` itself.
 */
export async function createCluster(
  dataDir: string,
  templates?: { migrated: string | null; initialized: string },
): Promise<void> {
  const { migrated, initialized } = templates ?? {
    migrated: await migratedTemplateDir(),
    initialized: clusterTemplateDir(),
  };
  const template =
    migrated && isCluster(migrated)
      ? migrated
      : await ensureClusterTemplate(initialized).catch(() => null);
  if (!template) return initializeCluster(dataDir);
  const copying = `${dataDir}.${process.pid}-${Date.now()}`;
  try {
    // A copy-on-write clone where the file system has them (btrfs, XFS), else a plain copy.
    cpSync(template, copying, { recursive: true, mode: constants.COPYFILE_FICLONE });
    // An empty directory made beforehand gives way; anything else in it stops here.
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(copying, dataDir);
  } finally {
    rmSync(copying, { recursive: true, force: true });
  }
}
