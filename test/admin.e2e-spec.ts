import { createOrganization, createUser, login } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

describe('admin API', () => {
  let t: TestApp;
  let superToken: string;
  let superId: string;
  let userToken: string;
  let user: { id: string; email: string };
  let org: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
    const admin = await createUser(t, { isSuperuser: true, name: 'Root Admin' });
    superId = admin.user.id;
    superToken = (await login(t, admin.user.email, admin.password)).accessToken;
    const ordinary = await createUser(t, { name: 'Zed Ordinary' });
    user = ordinary.user;
    userToken = (await login(t, ordinary.user.email, ordinary.password)).accessToken;
    org = await createOrganization(t, ordinary.user.id);
  });
  afterAll(() => t.close());

  // Every row has three cells: with two, jest would pass its `done` callback as the third.
  const routes: Array<[string, string, object | undefined]> = [
    ['GET', '/api/v1/admin/users', undefined],
    ['GET', `/api/v1/admin/users/${SOME_ID}`, undefined],
    ['PATCH', `/api/v1/admin/users/${SOME_ID}`, { name: 'x' }],
    ['DELETE', `/api/v1/admin/users/${SOME_ID}`, undefined],
    ['GET', '/api/v1/admin/organizations', undefined],
    ['GET', `/api/v1/admin/organizations/${SOME_ID}`, undefined],
    ['PATCH', `/api/v1/admin/organizations/${SOME_ID}`, { quotaLimit: 5 }],
    ['GET', '/api/v1/admin/api-keys', undefined],
    ['DELETE', `/api/v1/admin/api-keys/${SOME_ID}`, undefined],
    ['GET', '/api/v1/admin/audit-events', undefined],
  ];

  it.each(routes)(
    '%s %s: 401 anonymous, 403 ordinary user, superuser allowed',
    async (method, path, body) => {
      const anonymous = await t.request(method, path, { body });
      expect(anonymous.status).toBe(401);
      const ordinary = await t.request(method, path, { body, token: userToken });
      expect(ordinary.status).toBe(403);
      expect(ordinary.body.code).toBe('forbidden');
      const admin = await t.request(method, path, { body, token: superToken });
      expect([200, 204, 404]).toContain(admin.status);
    },
  );

  it('searches users case-insensitively and paginates by cursor', async () => {
    const found = await t.request('GET', '/api/v1/admin/users?search=ZED', { token: superToken });
    expect(found.status).toBe(200);
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
    expect(found.body.items[0]).not.toHaveProperty('passwordHash');
    const first = await t.request('GET', '/api/v1/admin/users?limit=1', { token: superToken });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.request(
      'GET',
      `/api/v1/admin/users?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { token: superToken },
    );
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    for (const limit of ['0', '201', '1.5', '-1', 'abc']) {
      const bad = await t.request('GET', `/api/v1/admin/users?limit=${limit}`, {
        token: superToken,
      });
      expect(bad.status).toBe(400);
    }
    const wildcard = await t.request('GET', '/api/v1/admin/users?search=%25', {
      token: superToken,
    });
    expect(wildcard.body.items).toEqual([]);
  });

  it('deactivates a user, ending every session at once, and audits it', async () => {
    const victim = await createUser(t);
    const session = await login(t, victim.user.email, victim.password);
    const res = await t.request('PATCH', `/api/v1/admin/users/${victim.user.id}`, {
      token: superToken,
      body: { isActive: false },
    });
    expect(res.status).toBe(200);
    expect(res.body.isActive).toBe(false);
    const me = await t.request('GET', '/api/v1/users/me', { token: session.accessToken });
    expect(me.status).toBe(401);
    const refresh = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refresh.status).toBe(401);
    const again = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: victim.user.email, password: victim.password },
    });
    expect(again.status).toBe(401);
    const audit = await t.request(
      'GET',
      `/api/v1/admin/audit-events?action=admin.user_updated&actorId=${superId}`,
      { token: superToken },
    );
    expect(audit.body.items[0]).toMatchObject({
      actorType: 'user',
      actorId: superId,
      targetId: victim.user.id,
    });
    const unknownField = await t.request('PATCH', `/api/v1/admin/users/${victim.user.id}`, {
      token: superToken,
      body: { passwordHash: 'x' },
    });
    expect(unknownField.status).toBe(400);
  });

  it('refuses to let an admin lock themselves out', async () => {
    const res = await t.request('PATCH', `/api/v1/admin/users/${superId}`, {
      token: superToken,
      body: { isSuperuser: false },
    });
    expect(res.status).toBe(409);
  });

  it('grants superuser rights that take effect on the next request', async () => {
    const promoted = await createUser(t);
    const token = (await login(t, promoted.user.email, promoted.password)).accessToken;
    expect((await t.request('GET', '/api/v1/admin/users', { token })).status).toBe(403);
    await t.request('PATCH', `/api/v1/admin/users/${promoted.user.id}`, {
      token: superToken,
      body: { isSuperuser: true, emailVerified: true },
    });
    expect((await t.request('GET', '/api/v1/admin/users', { token })).status).toBe(200);
  });

  it('shows and changes an organization’s tier and quota', async () => {
    const res = await t.request('GET', `/api/v1/admin/organizations/${org.id}`, {
      token: superToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: org.id,
      memberCount: 1,
      monthlyUsage: 0,
      subscriptionTier: 'FREE',
    });
    const patched = await t.request('PATCH', `/api/v1/admin/organizations/${org.id}`, {
      token: superToken,
      body: { subscriptionTier: 'PRO', quotaLimit: 50_000 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ subscriptionTier: 'PRO', quotaLimit: 50_000 });
    const bad = await t.request('PATCH', `/api/v1/admin/organizations/${org.id}`, {
      token: superToken,
      body: { subscriptionTier: 'pro' },
    });
    expect(bad.status).toBe(400);
    const list = await t.request('GET', '/api/v1/admin/organizations', { token: superToken });
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(org.id);
  });

  it('lists and revokes API keys of any organization', async () => {
    const created = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
      token: userToken,
      body: { name: 'to revoke' },
    });
    expect(created.status).toBe(201);
    const list = await t.request('GET', '/api/v1/admin/api-keys', { token: superToken });
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
    const revoke = await t.request('DELETE', `/api/v1/admin/api-keys/${created.body.id}`, {
      token: superToken,
    });
    expect(revoke.status).toBe(204);
    expect((await t.request('GET', '/api/v1/whoami', { token: created.body.key })).status).toBe(
      401,
    );
  });

  it('deletes a user, but not one who owns an organization', async () => {
    const owner = await t.request('DELETE', `/api/v1/admin/users/${user.id}`, {
      token: superToken,
    });
    expect(owner.status).toBe(409);
    const plain = await createUser(t);
    const res = await t.request('DELETE', `/api/v1/admin/users/${plain.user.id}`, {
      token: superToken,
    });
    expect(res.status).toBe(204);
    const gone = await t.request('GET', `/api/v1/admin/users/${plain.user.id}`, {
      token: superToken,
    });
    expect(gone.status).toBe(404);
  });
});
