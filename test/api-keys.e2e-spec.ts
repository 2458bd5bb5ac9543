import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { UsageMeter } from '../src/api-keys/usage-meter.service';
import { ApiKeyCredentials } from '../src/common/auth/api-key-credentials';
import { addMember, createOrganization, createUser, login } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const today = () => new Date().toISOString().slice(0, 10);

/** A new user's new organization and an API key of it, issued through the API. */
async function organizationWithKey(app: TestApp, name: string) {
  const { user, password } = await createUser(app);
  const org = await createOrganization(app, user.id);
  const token = (await login(app, user.email, password)).accessToken;
  const created = await app.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
    token,
    body: { name },
  });
  expect(created.status).toBe(201);
  return { org, token, key: created.body.key as string, keyId: created.body.id as string };
}

describe('organization API keys', () => {
  let t: TestApp;
  let org: { id: string };
  let otherOrg: { id: string };
  let owner: string;
  let admin: string;
  let member: string;
  let outsider: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
    const ownerUser = await createUser(t);
    const adminUser = await createUser(t);
    const memberUser = await createUser(t);
    const outsiderUser = await createUser(t);
    org = await createOrganization(t, ownerUser.user.id);
    otherOrg = await createOrganization(t, outsiderUser.user.id);
    await addMember(t, org.id, adminUser.user.id, 'admin');
    await addMember(t, org.id, memberUser.user.id, 'member');
    owner = (await login(t, ownerUser.user.email, ownerUser.password)).accessToken;
    admin = (await login(t, adminUser.user.email, adminUser.password)).accessToken;
    member = (await login(t, memberUser.user.email, memberUser.password)).accessToken;
    outsider = (await login(t, outsiderUser.user.email, outsiderUser.password)).accessToken;
  });
  afterAll(() => t.close());

  async function createKey(token = admin, body: object = { name: 'ci' }, orgId = org.id) {
    const res = await t.request('POST', `/api/v1/organizations/${orgId}/api-keys`, { token, body });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('issues a key once, keeping only its digest', async () => {
    const res = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
      token: admin,
      body: { name: 'deploy bot', scopes: ['org:read', 'deploy:write'] },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.key).toMatch(/^gk_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      name: 'deploy bot',
      prefix: res.body.key.slice(0, 11),
      scopes: ['org:read', 'deploy:write'],
      status: 'active',
      organizationId: org.id,
    });
    const listed = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys`, {
      token: admin,
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(res.body.key);
    const one = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys/${res.body.id}`, {
      token: owner,
    });
    expect(one.status).toBe(200);
    expect(one.body.key).toBeUndefined();

    const dump = JSON.stringify(
      await Promise.all(
        ['api_keys', 'api_key_usage', 'audit_events'].map((table) =>
          t.dataSource.query(`SELECT * FROM ${table}`),
        ),
      ),
    );
    expect(dump).not.toContain(res.body.key);
    expect(dump).not.toContain(res.body.key.slice(3));
    const [audit] = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE target_id = $1`,
      [res.body.id],
    );
    expect(audit.action).toBe('apikey.created');
  });

  it.each([
    ['owner', () => owner, 201],
    ['admin', () => admin, 201],
    ['member', () => member, 403],
    ['outsider', () => outsider, 404],
    ['anonymous', () => '', 401],
  ])('answers %s creating a key with the right status', async (_role, token, status) => {
    const res = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
      token: token() || undefined,
      body: { name: 'matrix' },
    });
    expect(res.status).toBe(status);
  });

  it('authenticates whoami with the key, by header or bearer, and counts each use', async () => {
    const { key, id } = await createKey();
    const byHeader = await t.request('GET', '/api/v1/whoami', { headers: { 'x-api-key': key } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.body).toEqual({
      type: 'api_key',
      apiKey: { id, name: 'ci', prefix: key.slice(0, 11), scopes: [] },
      organization: { id: org.id, name: expect.any(String), slug: expect.any(String) },
    });
    const byBearer = await t.request('GET', '/api/v1/whoami', { token: key });
    expect(byBearer.status).toBe(200);

    const asUser = await t.request('GET', '/api/v1/whoami', { token: member });
    expect(asUser.status).toBe(200);
    expect(asUser.body).toEqual({
      type: 'user',
      user: { id: expect.any(String), email: expect.any(String), username: expect.any(String) },
      sessionId: expect.any(String),
    });

    const usage = await t.request(
      'GET',
      `/api/v1/organizations/${org.id}/api-keys/${id}/usage?from=${today()}&to=${today()}`,
      { token: admin },
    );
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({ items: [{ date: today(), requests: 2 }], total: 2 });
    const one = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys/${id}`, {
      token: admin,
    });
    expect(one.body.lastUsedAt).not.toBeNull();
  });

  it('refuses malformed, unknown and user-only uses of keys', async () => {
    const { key } = await createKey();
    for (const bad of ['gk_short', `gk_${'A'.repeat(43)}`]) {
      const res = await t.request('GET', '/api/v1/whoami', { headers: { 'x-api-key': bad } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
    const me = await t.request('GET', '/api/v1/users/me', { headers: { 'x-api-key': key } });
    expect(me.status).toBe(401);
    const manage = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys`, {
      headers: { 'x-api-key': key },
    });
    expect(manage.status).toBe(401);
  });

  it('stops a revoked key from the next request on', async () => {
    const { key, id } = await createKey();
    expect((await t.request('GET', '/api/v1/whoami', { token: key })).status).toBe(200);
    const revoked = await t.request('DELETE', `/api/v1/organizations/${org.id}/api-keys/${id}`, {
      token: admin,
    });
    expect(revoked.status).toBe(204);
    expect((await t.request('GET', '/api/v1/whoami', { token: key })).status).toBe(401);
    const verify = await t.request('POST', '/api/v1/api-keys/verify', { body: { key } });
    expect(verify.body).toEqual({ valid: false, code: 'revoked' });
  });

  it('rotates with a grace period: the old key works, then stops', async () => {
    const { key: oldKey, id } = await createKey(admin, { name: 'rotating', scopes: ['x:y'] });
    const rotated = await t.request(
      'POST',
      `/api/v1/organizations/${org.id}/api-keys/${id}/rotate`,
      { token: admin, body: { expireOldInSeconds: 2 } },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ rotatedFromId: id, scopes: ['x:y'], name: 'rotating' });
    expect(rotated.body.key).not.toBe(oldKey);
    expect((await t.request('GET', '/api/v1/whoami', { token: oldKey })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/whoami', { token: rotated.body.key })).status).toBe(
      200,
    );
    await new Promise((wake) => setTimeout(wake, 2200));
    expect((await t.request('GET', '/api/v1/whoami', { token: oldKey })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/whoami', { token: rotated.body.key })).status).toBe(
      200,
    );

    const immediate = await t.request(
      'POST',
      `/api/v1/organizations/${org.id}/api-keys/${rotated.body.id}/rotate`,
      { token: admin, body: {} },
    );
    expect(immediate.status).toBe(201);
    expect((await t.request('GET', '/api/v1/whoami', { token: rotated.body.key })).status).toBe(
      401,
    );

    const tooLong = await t.request(
      'POST',
      `/api/v1/organizations/${org.id}/api-keys/${immediate.body.id}/rotate`,
      { token: admin, body: { expireOldInSeconds: 7 * 86400 + 1 } },
    );
    expect(tooLong.status).toBe(400);
  });

  it('refuses a key once it has expired (checked on every use)', async () => {
    const { key } = await createKey(admin, {
      name: 'short-lived',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await t.request('GET', '/api/v1/whoami', { token: key })).status).toBe(200);
    await new Promise((wake) => setTimeout(wake, 1600));
    expect((await t.request('GET', '/api/v1/whoami', { token: key })).status).toBe(401);
    const verify = await t.request('POST', '/api/v1/api-keys/verify', { body: { key } });
    expect(verify.body).toEqual({ valid: false, code: 'expired' });
    const past = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
      token: admin,
      body: { name: 'past', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
  });

  it('answers verify with 200 and counts cost', async () => {
    const { key, id } = await createKey(admin, { name: 'verify', scopes: ['a:b'] });
    const ok = await t.request('POST', '/api/v1/api-keys/verify', { body: { key, cost: 5 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      valid: true,
      keyId: id,
      organizationId: org.id,
      scopes: ['a:b'],
      quota: { limit: 10000 },
    });
    expect(ok.body.quota.used + ok.body.quota.remaining).toBe(10000);
    for (const body of [{ key: 'nonsense' }, { key: `gk_${'b'.repeat(43)}` }]) {
      const res = await t.request('POST', '/api/v1/api-keys/verify', { body });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ valid: false, code: 'not_found' });
    }
    const badCost = await t.request('POST', '/api/v1/api-keys/verify', {
      body: { key, cost: 1001 },
    });
    expect(badCost.status).toBe(400);
    // Prototype keys are refused like any unknown field (Nest's pipe would drop them), and
    // such a call counts nothing.
    for (const raw of [
      JSON.stringify({ key, cost: 7, constructor: 'x' }),
      JSON.stringify({ key, cost: 7, prototype: 1 }),
    ]) {
      const refused = await t.request('POST', '/api/v1/api-keys/verify', { raw });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'validation_failed' });
    }
    const usage = await t.request(
      'GET',
      `/api/v1/organizations/${org.id}/api-keys/${id}/usage?from=${today()}&to=${today()}`,
      { token: admin },
    );
    expect(usage.body.total).toBe(5);
  });

  it('checks a key its caches know without waiting for anything', async () => {
    const { key, id } = await createKey(admin, { name: 'cached', scopes: ['a:b'] });
    const service = t.app.get(ApiKeysService);
    const credentials = t.app.get(ApiKeyCredentials);
    // The first use loads the key (and its organization's month, when new).
    const first = await service.verify(key, 1);
    expect(first).toMatchObject({ valid: true, keyId: id });
    const verified = service.verify(key, 1);
    expect(verified).not.toBeInstanceOf(Promise);
    expect(verified).toMatchObject({
      valid: true,
      keyId: id,
      quota: { used: first.quota!.used + 1 },
    });
    const principal = credentials.authenticate(key, 'a:b');
    expect(principal).not.toBeInstanceOf(Promise);
    expect(principal).toMatchObject({ type: 'api_key', keyId: id, organizationId: org.id });
    // A refusal from the cache is at once as well, and still a refusal.
    expect(() => credentials.authenticate(key, 'c:d')).toThrow('lacks the scope c:d');
  });

  it('keeps keys of one organization out of another', async () => {
    const { key, id } = await createKey();
    const foreign = await t.request('GET', `/api/v1/organizations/${otherOrg.id}/api-keys/${id}`, {
      token: admin,
    });
    expect(foreign.status).toBe(404);
    const wrongOrgId = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys/${id}`, {
      token: outsider,
    });
    expect(wrongOrgId.status).toBe(404);
    const keyOnOther = await t.request('GET', `/api/v1/organizations/${otherOrg.id}`, {
      headers: { 'x-api-key': key },
    });
    expect(keyOnOther.status).toBe(404);
  });

  it('reads its own organization and members with the matching scopes only', async () => {
    const { key: reader } = await createKey(admin, {
      name: 'reader',
      scopes: ['org:read', 'members:read'],
    });
    const { key: plain } = await createKey(admin, { name: 'plain', scopes: [] });
    const orgRes = await t.request('GET', `/api/v1/organizations/${org.id}`, {
      headers: { 'x-api-key': reader },
    });
    expect(orgRes.status).toBe(200);
    expect(orgRes.body).toMatchObject({ id: org.id, role: null });
    const members = await t.request('GET', `/api/v1/organizations/${org.id}/members`, {
      headers: { 'x-api-key': reader },
    });
    expect(members.status).toBe(200);
    expect(members.body.items.length).toBe(3);
    for (const path of [
      `/api/v1/organizations/${org.id}`,
      `/api/v1/organizations/${org.id}/members`,
    ]) {
      const noScope = await t.request('GET', path, { headers: { 'x-api-key': plain } });
      expect(noScope.status).toBe(403);
    }
    const other = await t.request('GET', `/api/v1/organizations/${otherOrg.id}`, {
      headers: { 'x-api-key': reader },
    });
    expect(other.status).toBe(404);
    const rename = await t.request('PATCH', `/api/v1/organizations/${org.id}`, {
      headers: { 'x-api-key': reader },
      body: { name: 'hijacked' },
    });
    expect(rename.status).toBe(401);
  });

  it('counts exactly under concurrency and loses nothing on shutdown', async () => {
    const { key, id } = await createKey(admin, { name: 'busy' });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () => t.request('GET', '/api/v1/whoami', { token: key })),
    );
    expect(statuses.every((res) => res.status === 200)).toBe(true);
    await t.app.get(UsageMeter).beforeApplicationShutdown();
    const [row] = await t.dataSource.query(
      `SELECT sum(requests)::int AS n FROM api_key_usage WHERE api_key_id = $1`,
      [id],
    );
    expect(row.n).toBe(60);
  });
});

describe('monthly quota', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('lets the request that reaches the limit pass and refuses the next', async () => {
    const { org, token, key } = await organizationWithKey(t, 'quota');
    await t.dataSource.query(`UPDATE organizations SET quota_limit = 3 WHERE id = $1`, [org.id]);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await t.request('GET', '/api/v1/whoami', { token: key })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await t.request('GET', '/api/v1/whoami', { token: key });
    expect(refused.body.code).toBe('quota_exceeded');
    const verify = await t.request('POST', '/api/v1/api-keys/verify', { body: { key } });
    expect(verify.body).toEqual({ valid: false, code: 'quota_exceeded' });
    const quota = await t.request('GET', `/api/v1/organizations/${org.id}/api-keys/quota`, {
      token,
    });
    expect(quota.body).toEqual({ limit: 3, used: 3, remaining: 0 });
    await new Promise((wake) => setTimeout(wake, 100));
    const audits = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'apikey.quota_exceeded' AND organization_id = $1`,
      [org.id],
    );
    expect(audits[0].n).toBe(1);
  });
});

describe('failed verifications per client IP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  const verify = (key: string) => t.request('POST', '/api/v1/api-keys/verify', { body: { key } });

  it('counts only failed calls, then refuses every call from that IP with 429', async () => {
    const { key, keyId } = await organizationWithKey(t, 'checked elsewhere');

    // Valid keys never count towards the limit.
    for (let i = 0; i < 5; i++) expect((await verify(key)).body.valid).toBe(true);
    const guesses = [];
    for (let i = 0; i < 3; i++) guesses.push((await verify(`gk_${'x'.repeat(43)}`)).body);
    expect(guesses).toEqual(Array(3).fill({ valid: false, code: 'not_found' }));

    // The limit reached, a valid key from the same IP is refused too, and nothing is counted.
    const refused = await verify(key);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await t.app.get(UsageMeter).flush();
    const [row] = await t.dataSource.query(
      `SELECT coalesce(sum(requests), 0)::int AS n FROM api_key_usage WHERE api_key_id = $1`,
      [keyId],
    );
    expect(row.n).toBe(5);
  });
});

// Two instances need one server database to share; an embedded database is private to its app.
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

describeOnPostgres('usage counted by two instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
    const database = a.config.database;
    if (database.kind !== 'postgres') throw new Error('needs PostgreSQL');
    b = await startTestApp({
      databaseUrl: database.url,
      dataDir: a.dataDir,
      env: { RATE_LIMIT_ENABLED: 'false', REDIS_KEY_PREFIX: a.config.redisKeyPrefix },
    });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('adds up both instances’ counts in the database', async () => {
    const { key, keyId } = await organizationWithKey(a, 'shared');
    const calls = [
      ...Array.from({ length: 25 }, () => a.request('GET', '/api/v1/whoami', { token: key })),
      ...Array.from({ length: 35 }, () => b.request('GET', '/api/v1/whoami', { token: key })),
    ];
    expect((await Promise.all(calls)).every((res) => res.status === 200)).toBe(true);
    await a.app.get(UsageMeter).flush();
    await b.app.get(UsageMeter).flush();
    const [row] = await a.dataSource.query(
      `SELECT sum(requests)::int AS n FROM api_key_usage WHERE api_key_id = $1`,
      [keyId],
    );
    expect(row.n).toBe(60);
  });
});
