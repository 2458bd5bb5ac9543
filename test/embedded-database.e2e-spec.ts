import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runCli, runNode, startService } from './support/processes';

/** Connects to a running service's embedded database the way a management command does. */
async function embeddedClient(dataDir: string): Promise<Client> {
  const lock = JSON.parse(readFileSync(join(dataDir, 'pglite.lock'), 'utf8')) as {
    socketDir: string;
  };
  const client = new Client({
    host: lock.socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  await client.connect();
  return client;
}

jest.setTimeout(180_000);

describe('the service on the embedded database (built code, real processes)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its data across a restart and lets a command in while it runs', async () => {
    const first = await startService({ DATA_DIR: dataDir });
    const client = await embeddedClient(dataDir);
    await client.query('CREATE TABLE survivor (note text)');
    await client.query(`INSERT INTO survivor VALUES ('still here')`);
    await client.end();

    const migrate = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/No pending migrations|Applied/);

    expect(await first.stop()).toBe(0);

    const second = await startService({ DATA_DIR: dataDir });
    const again = await embeddedClient(dataDir);
    const rows = await again.query<{ note: string }>('SELECT note FROM survivor');
    await again.end();
    expect(rows.rows).toEqual([{ note: 'still here' }]);
    expect(await second.stop()).toBe(0);
  });

  it('runs a command on its own when the service is not running', async () => {
    const migrate = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.code).toBe(0);
    const again = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No pending migrations');
  });
});

describe('start-up checks', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-startup-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'nonsense'],
    ['ACCESS_TOKEN_TTL', 'forever'],
  ])('exits non-zero naming %s when it is %p', async (name, value) => {
    const result = await runNode('main.js', [], { [name]: value, DATA_DIR: dataDir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${name}:`);
  });

  it('lists the commands with --help', async () => {
    const result = await runCli(['--help'], { DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('migrate');
  });

  /** What the service process runs with: its command line and environment, from /proc. */
  function launched(pid: number) {
    const read = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0');
    return { argv: read('cmdline'), env: read('environ') };
  }

  it('is started by bin/serve (npm start) with its memory settings, in the same process', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    const { argv, env } = launched(service.child.pid!);
    expect(await service.stop()).toBe(0);
    expect(argv).toContain('--max-old-space-size=512');
    expect(argv).toContain('--min-semi-space-size=16');
    expect(argv.some((arg) => arg.endsWith('dist/main.js'))).toBe(true);
    expect(env).toContain('MALLOC_ARENA_MAX=2');
  });

  it('leaves the heap sizes to NODE_OPTIONS when it sets them', async () => {
    const service = await startService({
      DATA_DIR: dataDir,
      NODE_OPTIONS: '--max-old-space-size=300 --max-semi-space-size=8',
      MALLOC_ARENA_MAX: '4',
    });
    const { argv, env } = launched(service.child.pid!);
    expect(await service.stop()).toBe(0);
    expect(argv.filter((arg) => /^--(max-old-space|min-semi-space)-size/.test(arg))).toEqual([]);
    expect(env).toContain('MALLOC_ARENA_MAX=4');
  });
});
