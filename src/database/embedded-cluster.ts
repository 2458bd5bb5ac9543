import { execFile } from 'node:child_process';
import {
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
 * Where the freshly initialized cluster is kept: beside the installed PGlite, in
 * `node_modules/.cache`, named by PGlite's version (a cluster is only valid for the Postgres
 * build that made it), so reinstalling or upgrading starts over.
 */
export function clusterTemplateDir(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const marker = `${sep}node_modules${sep}`;
  const modules = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  const manifest = join(modules, '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return join(modules, '.cache', 'gatehouse', `pglite-${version}-cluster`);
}

/**
 * The template cluster's directory, made once (initdb takes ~4 s here; copying its ~40 MB
 * takes ~0.2 s). Built in a private directory and renamed into place, so a reader never sees
 * half a cluster and concurrent makers (test workers, a build beside a start) do not collide.
 */
export async function ensureClusterTemplate(template = clusterTemplateDir()): Promise<string> {
  if (isCluster(template)) return template;
  const building = `${template}.${process.pid}-${Date.now()}`;
  mkdirSync(dirname(template), { recursive: true });
  try {
    await initializeCluster(building);
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
 * Creates the cluster of a new embedded database in `dataDir` (absent or empty) by copying
 * the template, beside it first so an interrupted copy never looks like a cluster. When the
 * template cannot be kept (a read-only install), runs initdb into `dataDir` itself.
 */
export async function createCluster(
  dataDir: string,
  templateDir = clusterTemplateDir(),
): Promise<void> {
  const template = await ensureClusterTemplate(templateDir).catch(() => null);
  if (!template) return initializeCluster(dataDir);
  const copying = `${dataDir}.${process.pid}-${Date.now()}`;
  try {
    cpSync(template, copying, { recursive: true });
    // An empty directory made beforehand gives way; anything else in it stops here.
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(copying, dataDir);
  } finally {
    rmSync(copying, { recursive: true, force: true });
  }
}
