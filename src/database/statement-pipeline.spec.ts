import { Socket } from 'node:net';
import { Client } from 'pg';
import { StatementPipeline } from './statement-pipeline';

// The pipeline serves a PostgreSQL server only (the embedded database runs hot statements
// through TypeORM's pool), so without TEST_DATABASE_URL there is nothing to test here.
const serverUrl = process.env.TEST_DATABASE_URL;
const describeOnPostgres = serverUrl ? describe : describe.skip;

describeOnPostgres('statement pipeline', () => {
  let pipeline: StatementPipeline;
  let admin: Client;

  const numberAndBackend = (n: number) =>
    pipeline.query<{ n: number; pid: number }>({
      name: 'pipeline_spec_number',
      text: 'SELECT $1::int AS n, pg_backend_pid() AS pid',
      values: [n],
    });

  beforeAll(async () => {
    admin = new Client({ connectionString: serverUrl });
    await admin.connect();
  });
  afterAll(() => admin.end());
  beforeEach(() => {
    pipeline = new StatementPipeline({ connectionString: serverUrl });
  });
  afterEach(() => pipeline.close());

  it('sends the statements of one turn in one write, on one backend, each with its own rows', async () => {
    const [warm] = await numberAndBackend(0);
    const writes = jest.spyOn(Socket.prototype, '_writev');
    const singleWrites = jest.spyOn(Socket.prototype, '_write');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => numberAndBackend(i)));
      expect(answers.map(([row]) => row.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(new Set(answers.map(([row]) => row.pid))).toEqual(new Set([warm.pid]));
      expect(writes.mock.calls.length + singleWrites.mock.calls.length).toBe(1);
    } finally {
      writes.mockRestore();
      singleWrites.mockRestore();
    }
  });

  it('fails a failing statement alone', async () => {
    const results = await Promise.allSettled([
      numberAndBackend(1),
      pipeline.query({ name: 'pipeline_spec_divide', text: 'SELECT 1 / $1::int', values: [0] }),
      numberAndBackend(3),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22012' });
    expect((results[2] as PromiseFulfilledResult<{ n: number }[]>).value[0].n).toBe(3);
  });

  it('fails the statements in flight on a lost connection and opens another for the next', async () => {
    const [before] = await numberAndBackend(1);
    const sleeping = pipeline.query({ text: 'SELECT pg_sleep(30)' });
    await admin.query('SELECT pg_terminate_backend($1)', [before.pid]);
    await expect(sleeping).rejects.toThrow();
    const [after] = await numberAndBackend(2);
    expect(after.n).toBe(2);
    expect(after.pid).not.toBe(before.pid);
  });

  it('replaces a connection left idle longer than the idle timeout, keeps one used within it', async () => {
    await pipeline.close();
    pipeline = new StatementPipeline({ connectionString: serverUrl, idleTimeoutMillis: 200 });
    const [first] = await numberAndBackend(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [soon] = await numberAndBackend(2);
    expect(soon.pid).toBe(first.pid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [later] = await numberAndBackend(3);
    expect(later.pid).not.toBe(first.pid);
    // The idle one is closed, not left open beside its successor.
    const backendAlive = async (pid: number) =>
      (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;
    for (let tries = 0; tries < 50 && (await backendAlive(first.pid)); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await backendAlive(first.pid)).toBe(false);
    expect(await backendAlive(later.pid)).toBe(true);
  });

  it('lets the statements in flight finish when closed, and refuses new ones', async () => {
    await numberAndBackend(0);
    const inFlight = pipeline.query<{ done: boolean }>({
      text: 'SELECT true AS done FROM pg_sleep(0.1)',
    });
    await pipeline.close();
    await expect(inFlight).resolves.toEqual([{ done: true }]);
    await expect(numberAndBackend(1)).rejects.toThrow('The statement pipeline is closed');
  });
});
