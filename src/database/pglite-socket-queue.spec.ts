import { Client } from 'pg';
import { EmbeddedEndpoint, startMemoryDatabase } from './embedded-postgres';

// Several connections mixing transactions with row locks and plain parameterized queries:
// without keepProtocolBatchesWhole, pglite-socket interleaves their extended-protocol
// batches (wrong rows, "unnamed prepared statement does not exist") or stalls for good.
describe('embedded database under concurrent connections', () => {
  let endpoint: EmbeddedEndpoint;
  let clients: Client[];

  beforeAll(async () => {
    endpoint = await startMemoryDatabase();
    clients = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const client = new Client({
          host: endpoint.socketDir,
          port: 5432,
          user: 'postgres',
          database: 'postgres',
        });
        await client.connect();
        return client;
      }),
    );
    await clients[0].query('CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)');
    await clients[0].query('INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await endpoint.close();
  });

  it('keeps every connection’s queries whole and answers each with its own rows', async () => {
    const ROUNDS = 100;
    const mismatches: string[] = [];
    await Promise.all(
      clients.map(async (client, n) => {
        for (let i = 0; i < ROUNDS; i++) {
          if (n % 2 === 0) {
            await client.query('BEGIN');
            const locked = await client.query(
              `SELECT id, $1::int AS round, ${n} AS who FROM counters WHERE id = $2 FOR UPDATE`,
              [i, (i % 10) + 1],
            );
            if (locked.rows[0]?.who !== n || locked.rows[0]?.round !== i) {
              mismatches.push(`tx ${n}/${i}: ${JSON.stringify(locked.rows)}`);
            }
            await client.query('UPDATE counters SET value = value + 1 WHERE id = $1', [
              (i % 10) + 1,
            ]);
            await client.query('COMMIT');
          } else {
            const plain = await client.query(`SELECT $1::text AS round, ${n} AS who`, [`r${i}`]);
            if (plain.rows[0]?.who !== n || plain.rows[0]?.round !== `r${i}`) {
              mismatches.push(`plain ${n}/${i}: ${JSON.stringify(plain.rows)}`);
            }
          }
        }
      }),
    );
    expect(mismatches).toEqual([]);
    const [{ total }] = (
      await clients[1].query<{ total: number }>('SELECT sum(value)::int AS total FROM counters')
    ).rows;
    expect(total).toBe(2 * ROUNDS);
  }, 30_000);
});
