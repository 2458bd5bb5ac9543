import { EmbeddedMaintenance } from '../src/database/embedded-maintenance';
import { createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('embedded database maintenance', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  async function plannerRowEstimate(table: string): Promise<number> {
    const [row] = await t.dataSource.query<[{ reltuples: number }]>(
      'SELECT reltuples FROM pg_class WHERE oid = $1::regclass',
      [table],
    );
    return Number(row.reltuples);
  }

  it('refreshes the statistics the planner works from (nothing else does on PGlite)', async () => {
    await t.dataSource.query('ANALYZE users');
    const before = await plannerRowEstimate('users');
    for (let i = 0; i < 3; i++) await createUser(t);
    const [{ count }] = await t.dataSource.query<[{ count: string }]>('SELECT count(*) FROM users');
    expect(await plannerRowEstimate('users')).toBe(before);

    await t.app.get(EmbeddedMaintenance).vacuum();

    expect(await plannerRowEstimate('users')).toBe(Number(count));
  });

  it('is scheduled only on the embedded database', () => {
    expect(t.app.get(EmbeddedMaintenance).isScheduled).toBe(!process.env.TEST_DATABASE_URL);
  });
});
