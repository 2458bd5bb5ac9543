import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createCluster, EMBEDDED_POSTGRESQL_CONF } from './embedded-cluster';
import { keepProtocolBatchesWhole } from './pglite-socket-queue';

/** Where a `pg` client reaches an embedded database: a Unix socket directory (port 5432). */
export interface EmbeddedEndpoint {
  socketDir: string;
  /** True when this process runs the database; false when it borrows another process's. */
  owned: boolean;
  close(): Promise<void>;
}

interface LockFile {
  pid: number;
  socketDir: string;
}

const SOCKET_PORT = 5432;
const MAX_CONNECTIONS = 32;

function socketPath(socketDir: string): string {
  return join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

function readLock(lockPath: string): LockFile | null {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockFile;
  } catch {
    return null;
  }
}

/**
 * PGlite is a single-process database. The process that opens it serves it on a private
 * Unix socket through pglite-socket, whose multiplexer keeps each client's transaction
 * whole; every client — this process's own TypeORM pool included — talks to it with `pg`.
 * A second process (a management command while `npm start` runs) finds the socket through
 * the lock file under DATA_DIR and connects to the same database.
 */
async function serve(db: PGlite): Promise<{ socketDir: string; stop(): Promise<void> }> {
  // A short private directory: socket paths are limited to ~100 bytes.
  const socketDir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  const server = new PGLiteSocketServer({
    db,
    path: socketPath(socketDir),
    maxConnections: MAX_CONNECTIONS,
  });
  // Without this, concurrent connections corrupt each other's queries (see the file).
  keepProtocolBatchesWhole(server);
  await server.start();
  return {
    socketDir,
    stop: async () => {
      await server.stop();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * PGlite, its WebAssembly compiled once by V8's baseline compiler (Liftoff) and never again
 * by the optimizing one. By default V8 recompiles each function that warms up, and the
 * Postgres in PGlite warms up hundreds of them while it starts and runs its first queries: on
 * one core that was about a quarter of a start (embedded restarts 3.7–4.1 → 2.7–2.9 s,
 * alternating two builds, 2026-12-06; PGlite.create alone 800 → 540 ms of CPU). Queries ran no slower
 * after the first thousand (0.67–0.90 ms each either way, against 2.9 → 1.0–1.3 ms for the
 * first thousand). The flag is read when a module is compiled, so setting it before the first
 * is enough; it also keeps Node's own small wasm parsers unoptimized, which nothing here uses
 * on a hot path.
 */
function createPGlite(options: PGliteOptions): Promise<PGlite> {
  setFlagsFromString('--liftoff-only');
  return PGlite.create({ ...options, postgresqlconf: EMBEDDED_POSTGRESQL_CONF });
}

export async function startMemoryDatabase(): Promise<EmbeddedEndpoint> {
  const db = await createPGlite({});
  const { socketDir, stop } = await serve(db);
  return {
    socketDir,
    owned: true,
    close: async () => {
      await stop();
      await db.close();
    },
  };
}

/**
 * Opens the PGlite database in `dataDir`, or joins the process that already has it open.
 * `waitMs` bounds how long to wait for another owner (a short-lived command) to let go
 * when joining is not wanted.
 */
export async function openFileDatabase(
  dataDir: string,
  options: { join: boolean; waitMs: number },
): Promise<EmbeddedEndpoint> {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + options.waitMs;

  for (;;) {
    const holder = readLock(lockPath);
    if (holder && isAlive(holder.pid)) {
      const reachable = holder.socketDir !== '' && (await canConnect(socketPath(holder.socketDir)));
      if (reachable && options.join) {
        return { socketDir: holder.socketDir, owned: false, close: async () => {} };
      }
      if (Date.now() > deadline) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder.pid}; stop it or set DATABASE_URL`,
        );
      }
      // The holder is starting up, or is a short-lived command that will let go soon.
      await new Promise((wake) => setTimeout(wake, 200));
      continue;
    }
    // A lock left by a process that died is stale.
    if (holder) rmSync(lockPath, { force: true });
    try {
      writeFileSync(lockPath, JSON.stringify({ pid: process.pid, socketDir: '' }), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another process won the race; look again.
    }
  }

  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await createCluster(dataDir);
    const db = await createPGlite({ dataDir });
    const { socketDir, stop } = await serve(db);
    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, socketDir } satisfies LockFile));
    return {
      socketDir,
      owned: true,
      close: async () => {
        await stop();
        await db.close();
        rmSync(lockPath, { force: true });
      },
    };
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw error;
  }
}
