import { Client } from 'pg';
import { addMember, createOrganization, createUser, login } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * What the hot paths cost the database, counted at pg's client (the real queries still run). Background jobs (revocation and key polls, the outbox, usage flushes) query on
 * their own clock, so each check counts only statements on the tables its route reads.
 */
describe('database work per request', () => {
  let t: TestApp;
  let statements: string[];
  /** The parameters each statement text last ran with. */
  const valuesOf = new Map<string, unknown[] | undefined>();
  const originalQuery = Client.prototype.query;

  beforeAll(async () => {
    t = await startTestApp();
    // pg's client: both TypeORM and the prepared hot statements (HotQueries) go through it.
    const query = originalQuery as (...args: unknown[]) => unknown;
    const counting = function (this: Client, ...args: unknown[]): unknown {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
      if (text !== undefined) {
        statements?.push(text);
        valuesOf.set(
          text,
          typeof first === 'string'
            ? (args[1] as unknown[])
            : (first as { values?: unknown[] }).values,
        );
      }
      return query.apply(this, args);
    };
    Object.defineProperty(Client.prototype, 'query', { value: counting, configurable: true });
  });
  afterAll(async () => {
    Object.defineProperty(Client.prototype, 'query', { value: originalQuery, configurable: true });
    await t.close();
  });

  /** The statements run while `work` runs that name one of `tables`. */
  async function statementsDuring(tables: string[], work: () => Promise<unknown>) {
    statements = [];
    await work();
    const touching = new RegExp(`\\b(${tables.join('|')})\\b`);
    return statements.filter((sql) => touching.test(sql));
  }

  it('whoami with an access token: no query once the token is known', async () => {
    const { user, password } = await createUser(t);
    const { accessToken } = await login(t, user.email, password);
    expect((await t.request('GET', '/api/v1/whoami', { token: accessToken })).status).toBe(200);
    const run = await statementsDuring(['users', 'sessions'], async () => {
      for (let i = 0; i < 20; i++) {
        expect((await t.request('GET', '/api/v1/whoami', { token: accessToken })).status).toBe(200);
      }
    });
    expect(run).toEqual([]);
  });

  it('whoami with an API key: no lookup of the key or its organization once known', async () => {
    const { user, password } = await createUser(t);
    const { accessToken } = await login(t, user.email, password);
    const org = await createOrganization(t, user.id);
    const created = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
      token: accessToken,
      body: { name: 'counted' },
    });
    const headers = { 'x-api-key': created.body.key as string };
    expect((await t.request('GET', '/api/v1/whoami', { headers })).status).toBe(200);
    const run = await statementsDuring(['token_digest', 'organizations'], async () => {
      for (let i = 0; i < 20; i++) {
        expect((await t.request('GET', '/api/v1/whoami', { headers })).status).toBe(200);
      }
    });
    expect(run).toEqual([]);
  });

  it('GET /users/me: one query for the user, profile, 2FA and memberships', async () => {
    const { user, password } = await createUser(t);
    const { accessToken } = await login(t, user.email, password);
    await createOrganization(t, user.id);
    let body: Record<string, unknown> = {};
    const run = await statementsDuring(
      ['users', 'profiles', 'memberships', 'user_mfa'],
      async () => {
        const res = await t.request('GET', '/api/v1/users/me', { token: accessToken });
        expect(res.status).toBe(200);
        body = res.body;
      },
    );
    expect(run).toHaveLength(1);
    expect(body).toMatchObject({
      id: user.id,
      mfaEnabled: false,
      profile: { timezone: 'UTC' },
      memberships: [expect.objectContaining({ role: 'owner' })],
    });
  });

  it('GET members: the access check and the page in one query, whatever the page size', async () => {
    const { user: owner, password } = await createUser(t);
    const { accessToken } = await login(t, owner.email, password);
    const org = await createOrganization(t, owner.id);
    for (let i = 0; i < 5; i++) {
      await addMember(t, org.id, (await createUser(t)).user.id, 'member');
    }
    const run = await statementsDuring(['memberships', 'users', 'organizations'], async () => {
      const res = await t.request('GET', `/api/v1/organizations/${org.id}/members`, {
        token: accessToken,
      });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(6);
    });
    expect(run).toHaveLength(1);

    // An outsider's 404 comes from that same one statement.
    const outsider = await createUser(t);
    const outsiderLogin = await login(t, outsider.user.email, outsider.password);
    const refused = await statementsDuring(['memberships', 'users', 'organizations'], async () => {
      const res = await t.request('GET', `/api/v1/organizations/${org.id}/members`, {
        token: outsiderLogin.accessToken,
      });
      expect(res.status).toBe(404);
    });
    expect(refused).toHaveLength(1);
  });

  it('POST /auth/login: the user with its 2FA state, then one statement for the whole sign-in', async () => {
    const { user, password } = await createUser(t);
    let body: Record<string, unknown> = {};
    const run = await statementsDuring(
      ['users', 'user_mfa', 'sessions', 'refresh_tokens', 'audit_events'],
      async () => {
        const res = await t.request('POST', '/api/v1/auth/login', {
          body: { identifier: user.email, password },
        });
        expect(res.status).toBe(200);
        body = res.body;
      },
    );
    expect(run).toHaveLength(2);
    expect(run[0]).toMatch(/FROM users u WHERE u\.email = \$1/);
    expect(run[0]).toMatch(/user_mfa/);
    expect(run[1]).toMatch(/INSERT INTO audit_events/);
    expect(body).toMatchObject({ user: { id: user.id, email: user.email } });
    const [signedIn] = await t.dataSource.query<Array<{ audited: number; at: Date | null }>>(
      `SELECT (SELECT count(*)::int FROM audit_events
               WHERE action = 'user.login' AND actor_id = $1) AS audited,
              (SELECT last_login_at FROM users WHERE id = $1) AS at`,
      [user.id],
    );
    expect(signedIn.audited).toBe(1);
    expect(signedIn.at).toBeInstanceOf(Date);
  });

  it('POST /auth/refresh: the rotation and the user in one statement', async () => {
    const { user, password } = await createUser(t);
    const { refreshToken } = await login(t, user.email, password);
    let body: Record<string, unknown> = {};
    const run = await statementsDuring(['refresh_tokens', 'users', 'profiles'], async () => {
      const res = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      expect(res.status).toBe(200);
      body = res.body;
    });
    expect(run).toHaveLength(1);
    expect(body).toMatchObject({ user: { id: user.id, profile: { locale: 'en' } } });
  });

  it('POST /auth/refresh: reads its one session by key, even on statistics of a small table', async () => {
    const { user, password } = await createUser(t);
    const { refreshToken } = await login(t, user.email, password);
    // Statistics taken when nearly every session was revoked; then many live ones arrive
    // (without autovacuum, as on the embedded database, nothing analyzes them).
    const addSessions = (count: number, revoked: boolean) =>
      t.dataSource.query(
        `INSERT INTO sessions (user_id, last_used_at, expires_at, revoked_at)
         SELECT $1, now(), now() + interval '1 day', ${revoked ? 'now()' : 'NULL'}
         FROM generate_series(1, ${count})`,
        [user.id],
      );
    await addSessions(500, true);
    await t.dataSource.query('ANALYZE sessions');
    await addSessions(2000, false);
    const [rotation] = await statementsDuring(['refresh_tokens'], async () => {
      const res = await t.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
      expect(res.status).toBe(200);
    });
    const [{ 'QUERY PLAN': plan }] = await t.dataSource.query<[{ 'QUERY PLAN': unknown }]>(
      `EXPLAIN (FORMAT JSON) ${rotation}`,
      valuesOf.get(rotation),
    );
    const sessionScans = JSON.stringify(plan).match(/\{[^{}]*"Relation Name":"sessions"[^{}]*\}/g);
    expect(sessionScans).not.toBeNull();
    for (const scan of sessionScans!) expect(scan).toMatch(/"Index Name":"PK_/);
  });
});
