import { User } from '../src/users/user.entity';
import {
  addMember,
  createOrganization,
  createUser,
  login,
  UserOverrides,
} from './support/factories';
import { startTestApp, TestApp, TestResponse } from './support/test-app';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

interface Caller {
  user: User;
  password: string;
  token: string;
}

function expectProblem(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
}

describe('organizations', () => {
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  async function signedIn(overrides: UserOverrides = {}): Promise<Caller> {
    const { user, password } = await createUser(t, overrides);
    const tokens = await login(t, user.email, password);
    return { user, password, token: tokens.accessToken };
  }

  async function ownerCount(orgId: string): Promise<number> {
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1 AND role = 'owner'`,
      [orgId],
    );
    return row.n;
  }

  async function roleOf(orgId: string, userId: string): Promise<string | null> {
    const rows = await t.dataSource.query(
      `SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`,
      [orgId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async function auditActions(orgId: string): Promise<string[]> {
    const rows = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE organization_id = $1 ORDER BY created_at, id`,
      [orgId],
    );
    return rows.map((row: { action: string }) => row.action);
  }

  describe('creating and reading', () => {
    let alice: Caller;
    beforeAll(async () => {
      alice = await signedIn();
    });

    it('creates an organization whose creator is the owner', async () => {
      const res = await t.request('POST', '/api/v1/organizations', {
        token: alice.token,
        body: { name: '  Acme Rockets  ' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Acme Rockets',
        slug: 'acme-rockets',
        ownerId: alice.user.id,
        subscriptionTier: 'FREE',
        quotaLimit: 10000,
        createdAt: expect.any(String),
        role: 'owner',
      });
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
      expect(await roleOf(res.body.id, alice.user.id)).toBe('owner');
      expect(await auditActions(res.body.id)).toEqual(['org.created']);

      const read = await t.request('GET', `/api/v1/organizations/${res.body.id}`, {
        token: alice.token,
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('generates unique slugs with a numeric suffix, and refuses a taken explicit one', async () => {
      const name = `Suffix Co ${Date.now()}`;
      const slugs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.request('POST', '/api/v1/organizations', {
          token: alice.token,
          body: { name },
        });
        expect(res.status).toBe(201);
        slugs.push(res.body.slug);
      }
      const base = `suffix-co-${name.split(' ').pop()}`;
      expect(slugs).toEqual([base, `${base}-2`, `${base}-3`]);

      const clash = await t.request('POST', '/api/v1/organizations', {
        token: alice.token,
        body: { name: 'Other', slug: base.toUpperCase() },
      });
      expectProblem(clash, 409, 'conflict');

      const explicit = await t.request('POST', '/api/v1/organizations', {
        token: alice.token,
        body: { name: 'Ünïcode Näme', slug: `  Chosen-Slug-${Date.now()} ` },
      });
      expect(explicit.status).toBe(201);
      expect(explicit.body.slug).toMatch(/^chosen-slug-\d+$/);

      const fromAccents = await t.request('POST', '/api/v1/organizations', {
        token: alice.token,
        body: { name: 'Café Müller' },
      });
      expect(fromAccents.body.slug).toMatch(/^cafe-muller(-\d+)?$/);
    });

    it.each([
      ['an owner id', { name: 'Evil', ownerId: NO_SUCH_ID }, 'ownerId'],
      ['a role', { name: 'Evil', role: 'owner' }, 'role'],
      ['a subscription tier', { name: 'Evil', subscriptionTier: 'ENTERPRISE' }, 'subscriptionTier'],
      ['a quota', { name: 'Evil', quotaLimit: 1e9 }, 'quotaLimit'],
      ['a bad slug', { name: 'Evil', slug: 'no spaces' }, 'slug'],
      ['a slug with a leading hyphen', { name: 'Evil', slug: '-evil' }, 'slug'],
      ['a 51-character slug', { name: 'Evil', slug: 'a'.repeat(51) }, 'slug'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a 101-character name', { name: 'x'.repeat(101) }, 'name'],
      ['a NUL in the name', { name: 'Evil\u0000' }, 'name'],
      ['a right-to-left override', { name: 'Evil\u202Eexe' }, 'name'],
      ['an array for the name', { name: ['Evil'] }, 'name'],
    ])('refuses a create with %s (400, nothing stored)', async (_case, body, field) => {
      const [before] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations`);
      const res = await t.request('POST', '/api/v1/organizations', { token: alice.token, body });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      const [after] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations`);
      expect(after.n).toBe(before.n);
    });

    it('refuses prototype keys in the body', async () => {
      const res = await t.request('POST', '/api/v1/organizations', {
        token: alice.token,
        raw: '{"name":"Proto","__proto__":{"ownerId":"x"}}',
      });
      expect(res.status).toBe(400);
    });

    it('lists my organizations with my role, paginated', async () => {
      const bob = await signedIn();
      const own = await createOrganization(t, bob.user.id, { name: 'Bob One' });
      const other = await createOrganization(t, alice.user.id, { name: 'Alice Shared' });
      await addMember(t, other.id, bob.user.id, 'member');
      await createOrganization(t, alice.user.id, { name: 'Not Bob' });

      const first = await t.request('GET', '/api/v1/organizations?limit=1', { token: bob.token });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.items[0]).toMatchObject({ id: own.id, role: 'owner', slug: own.slug });
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const second = await t.request(
        'GET',
        `/api/v1/organizations?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
        { token: bob.token },
      );
      expect(second.status).toBe(200);
      expect(second.body.items.map((o: { id: string; role: string }) => [o.id, o.role])).toEqual([
        [other.id, 'member'],
      ]);
      expect(second.body.nextCursor).toBeNull();

      const all = await t.request('GET', '/api/v1/organizations', { token: bob.token });
      expect(all.body.items).toHaveLength(2);
      expect(all.body.nextCursor).toBeNull();
    });

    it.each([
      ['limit=0'],
      ['limit=201'],
      ['limit=1.5'],
      ['limit=-1'],
      ['limit=abc'],
      ['limit=1e2'],
      ['cursor=not-a-cursor'],
      ['cursor=WyIyMDI0IiwieCJd'],
      ['unknown=1'],
    ])('refuses ?%s with 400', async (query) => {
      const res = await t.request('GET', `/api/v1/organizations?${query}`, { token: alice.token });
      expectProblem(res, 400, 'validation_failed');
    });

    it('answers 404 for a malformed, unknown or foreign organization id', async () => {
      const foreign = await createOrganization(t, (await createUser(t)).user.id);
      for (const id of ['not-a-uuid', NO_SUCH_ID, foreign.id, `${foreign.id}x`]) {
        for (const suffix of ['', '/members', '/invitations', '/audit-events']) {
          const res = await t.request('GET', `/api/v1/organizations/${id}${suffix}`, {
            token: alice.token,
          });
          expectProblem(res, 404, 'not_found');
        }
      }
    });
  });

  describe('role matrix', () => {
    type Role = 'owner' | 'admin' | 'member' | 'outsider' | 'superuser' | 'anonymous';
    interface Fixture {
      orgId: string;
      targetId: string;
      invitationId: string;
    }
    interface RouteCase {
      route: string;
      method: string;
      path: (f: Fixture) => string;
      body?: (f: Fixture) => unknown;
      expected: Record<Role, number>;
      /** The fixture needs a pending invitation. */
      invitation?: boolean;
    }

    const callers = {} as Record<Exclude<Role, 'anonymous'>, Caller>;
    let target: Caller;

    beforeAll(async () => {
      callers.owner = await signedIn();
      callers.admin = await signedIn();
      callers.member = await signedIn();
      callers.outsider = await signedIn();
      callers.superuser = await signedIn({ isSuperuser: true });
      target = await signedIn();
      // The outsider belongs to an organization of its own: membership somewhere is not enough.
      await createOrganization(t, callers.outsider.user.id);
    });

    async function fixture(withInvitation: boolean): Promise<Fixture> {
      const org = await createOrganization(t, callers.owner.user.id);
      await addMember(t, org.id, callers.admin.user.id, 'admin');
      await addMember(t, org.id, callers.member.user.id, 'member');
      await addMember(t, org.id, target.user.id, 'member');
      let invitationId = NO_SUCH_ID;
      if (withInvitation) {
        const res = await t.request('POST', `/api/v1/organizations/${org.id}/invitations`, {
          token: callers.owner.token,
          body: { email: `matrix${++counter}@example.com`, role: 'member' },
        });
        expect(res.status).toBe(201);
        invitationId = res.body.id;
      }
      return { orgId: org.id, targetId: target.user.id, invitationId };
    }

    const anyone = (status: number): Record<Role, number> => ({
      owner: status,
      admin: status,
      member: status,
      outsider: status,
      superuser: status,
      anonymous: 401,
    });
    const org = (owner: number, admin: number, member: number): Record<Role, number> => ({
      owner,
      admin,
      member,
      outsider: 404,
      superuser: 404,
      anonymous: 401,
    });
    const base = (f: Fixture) => `/api/v1/organizations/${f.orgId}`;

    const routes: RouteCase[] = [
      {
        route: 'GET /organizations',
        method: 'GET',
        path: () => '/api/v1/organizations',
        expected: anyone(200),
      },
      {
        route: 'POST /organizations',
        method: 'POST',
        path: () => '/api/v1/organizations',
        body: () => ({ name: `Matrix ${++counter}` }),
        expected: anyone(201),
      },
      { route: 'GET /:orgId', method: 'GET', path: base, expected: org(200, 200, 200) },
      {
        route: 'PATCH /:orgId',
        method: 'PATCH',
        path: base,
        body: () => ({ name: 'Renamed' }),
        expected: org(200, 200, 403),
      },
      { route: 'DELETE /:orgId', method: 'DELETE', path: base, expected: org(204, 403, 403) },
      {
        route: 'GET /:orgId/members',
        method: 'GET',
        path: (f) => `${base(f)}/members`,
        expected: org(200, 200, 200),
      },
      {
        route: 'PATCH /:orgId/members/:userId',
        method: 'PATCH',
        path: (f) => `${base(f)}/members/${f.targetId}`,
        body: () => ({ role: 'admin' }),
        expected: org(200, 200, 403),
      },
      {
        route: 'DELETE /:orgId/members/:userId',
        method: 'DELETE',
        path: (f) => `${base(f)}/members/${f.targetId}`,
        expected: org(204, 204, 403),
      },
      {
        route: 'POST /:orgId/leave',
        method: 'POST',
        path: (f) => `${base(f)}/leave`,
        expected: org(409, 204, 204),
      },
      {
        route: 'POST /:orgId/transfer-ownership',
        method: 'POST',
        path: (f) => `${base(f)}/transfer-ownership`,
        body: (f) => ({ userId: f.targetId }),
        expected: org(200, 403, 403),
      },
      {
        route: 'POST /:orgId/invitations',
        method: 'POST',
        path: (f) => `${base(f)}/invitations`,
        body: () => ({ email: `invitee${++counter}@example.com`, role: 'member' }),
        expected: org(201, 201, 403),
      },
      {
        route: 'GET /:orgId/invitations',
        method: 'GET',
        path: (f) => `${base(f)}/invitations`,
        expected: org(200, 200, 403),
      },
      {
        route: 'DELETE /:orgId/invitations/:id',
        method: 'DELETE',
        path: (f) => `${base(f)}/invitations/${f.invitationId}`,
        expected: org(204, 204, 403),
        invitation: true,
      },
      {
        route: 'GET /:orgId/audit-events',
        method: 'GET',
        path: (f) => `${base(f)}/audit-events`,
        expected: org(200, 200, 403),
      },
      {
        route: 'PUT /users/me/active-organization',
        method: 'PUT',
        path: () => '/api/v1/users/me/active-organization',
        body: (f) => ({ organizationId: f.orgId }),
        expected: org(200, 200, 200),
      },
    ];

    const roles: Role[] = ['owner', 'admin', 'member', 'outsider', 'superuser', 'anonymous'];
    const cases = routes.flatMap((route) =>
      roles.map((role) => [route.route, role, route.expected[role], route] as const),
    );

    it.each(cases)('%s as %s → %i', async (_route, role, expected, route) => {
      const f = await fixture(route.invitation ?? false);
      const before = await auditActions(f.orgId);
      const res = await t.request(route.method, route.path(f), {
        token: role === 'anonymous' ? undefined : callers[role].token,
        body: route.body?.(f),
      });
      expect({ status: res.status, code: res.body?.code }).toMatchObject({ status: expected });
      if (expected === 404) expect(res.body.code).toBe('not_found');
      if (expected === 403) expect(res.body.code).toBe('forbidden');
      if (expected === 401) expect(res.body.code).toBe('unauthorized');
      if (expected >= 400) {
        // A refusal changes nothing (the org's log gains nothing).
        expect(await auditActions(f.orgId)).toEqual(before);
        expect(await ownerCount(f.orgId)).toBe(1);
      }
    });
  });

  describe('admins and the owner', () => {
    let owner: Caller;
    let admin: Caller;
    let otherAdmin: Caller;
    let member: Caller;
    let orgId: string;

    beforeEach(async () => {
      owner = await signedIn();
      admin = await signedIn();
      otherAdmin = await signedIn();
      member = await signedIn();
      orgId = (await createOrganization(t, owner.user.id)).id;
      await addMember(t, orgId, admin.user.id, 'admin');
      await addMember(t, orgId, otherAdmin.user.id, 'admin');
      await addMember(t, orgId, member.user.id, 'member');
    });

    const path = (suffix = '') => `/api/v1/organizations/${orgId}${suffix}`;

    it('lists members with their public fields, in the order they joined, paginated', async () => {
      const res = await t.request('GET', path('/members'), { token: member.token });
      expect(res.status).toBe(200);
      // Joined in this order, but within the same clock tick the order is by id: compare as a set.
      expect(res.body.items).toHaveLength(4);
      expect(res.body.items).toEqual(
        expect.arrayContaining(
          (
            [
              [owner, 'owner'],
              [admin, 'admin'],
              [otherAdmin, 'admin'],
              [member, 'member'],
            ] as Array<[Caller, string]>
          ).map(([caller, role]) => ({
            userId: caller.user.id,
            email: caller.user.email,
            name: caller.user.name,
            username: caller.user.username,
            role,
            joinedAt: expect.any(String),
          })),
        ),
      );
      const joined = res.body.items.map((item: { joinedAt: string }) => item.joinedAt);
      expect([...joined].sort()).toEqual(joined);
      expect(res.body.nextCursor).toBeNull();

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: TestResponse = await t.request('GET', path(`/members?limit=3${query}`), {
          token: member.token,
        });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { userId: string }) => item.userId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(res.body.items.map((item: { userId: string }) => item.userId));
    });

    it('lets an admin move members between member and admin, and audits it', async () => {
      const promote = await t.request('PATCH', path(`/members/${member.user.id}`), {
        token: admin.token,
        body: { role: 'admin' },
      });
      expect(promote.status).toBe(200);
      expect(promote.body).toMatchObject({ userId: member.user.id, role: 'admin' });
      const demote = await t.request('PATCH', path(`/members/${otherAdmin.user.id}`), {
        token: admin.token,
        body: { role: 'member' },
      });
      expect(demote.status).toBe(200);
      expect(await roleOf(orgId, otherAdmin.user.id)).toBe('member');
      const [event] = await t.dataSource.query(
        `SELECT * FROM audit_events WHERE organization_id = $1 AND action = 'org.member_role_changed'
         AND target_id = $2`,
        [orgId, otherAdmin.user.id],
      );
      expect(event).toMatchObject({
        actor_id: admin.user.id,
        target_type: 'user',
        metadata: { from: 'admin', to: 'member' },
      });
    });

    it('never lets anyone change or remove the owner, or make an owner by role change', async () => {
      for (const caller of [admin, owner]) {
        const change = await t.request('PATCH', path(`/members/${owner.user.id}`), {
          token: caller.token,
          body: { role: 'member' },
        });
        expectProblem(change, 403, 'forbidden');
        const remove = await t.request('DELETE', path(`/members/${owner.user.id}`), {
          token: caller.token,
        });
        expectProblem(remove, 403, 'forbidden');
      }
      const makeOwner = await t.request('PATCH', path(`/members/${member.user.id}`), {
        token: owner.token,
        body: { role: 'owner' },
      });
      expectProblem(makeOwner, 400, 'validation_failed');
      const unknownField = await t.request('PATCH', path(`/members/${member.user.id}`), {
        token: owner.token,
        body: { role: 'admin', organizationId: NO_SUCH_ID },
      });
      expectProblem(unknownField, 400, 'validation_failed');
      expect(await roleOf(orgId, owner.user.id)).toBe('owner');
      expect(await roleOf(orgId, member.user.id)).toBe('member');
    });

    it('answers 404 for a member that is not in this organization', async () => {
      const stranger = await createUser(t);
      for (const id of [stranger.user.id, NO_SUCH_ID, 'not-a-uuid']) {
        const change = await t.request('PATCH', path(`/members/${id}`), {
          token: admin.token,
          body: { role: 'admin' },
        });
        expectProblem(change, 404, 'not_found');
        const remove = await t.request('DELETE', path(`/members/${id}`), { token: admin.token });
        expectProblem(remove, 404, 'not_found');
      }
    });

    it('lets an admin remove another admin, which clears their active organization', async () => {
      const activate = await t.request('PUT', '/api/v1/users/me/active-organization', {
        token: otherAdmin.token,
        body: { organizationId: orgId },
      });
      expect(activate.status).toBe(200);
      expect(activate.body.activeOrganizationId).toBe(orgId);

      const res = await t.request('DELETE', path(`/members/${otherAdmin.user.id}`), {
        token: admin.token,
      });
      expect(res.status).toBe(204);
      expect(await roleOf(orgId, otherAdmin.user.id)).toBeNull();
      const me = await t.request('GET', '/api/v1/users/me', { token: otherAdmin.token });
      expect(me.body.activeOrganizationId).toBeNull();
      expect(me.body.memberships).toEqual([]);
      const gone = await t.request('GET', path(), { token: otherAdmin.token });
      expectProblem(gone, 404, 'not_found');
      // The member list checks membership in its own statement: no stale answer there either.
      const members = await t.request('GET', path('/members'), { token: otherAdmin.token });
      expectProblem(members, 404, 'not_found');
      expect(await auditActions(orgId)).toContain('org.member_removed');
    });

    it('lets members leave, but not the owner', async () => {
      const ownerLeaves = await t.request('POST', path('/leave'), { token: owner.token });
      expectProblem(ownerLeaves, 409, 'conflict');
      expect(await roleOf(orgId, owner.user.id)).toBe('owner');

      await t.request('PUT', '/api/v1/users/me/active-organization', {
        token: member.token,
        body: { organizationId: orgId },
      });
      const leaves = await t.request('POST', path('/leave'), { token: member.token });
      expect(leaves.status).toBe(204);
      expect(await roleOf(orgId, member.user.id)).toBeNull();
      const [row] = await t.dataSource.query(
        `SELECT active_organization_id FROM users WHERE id = $1`,
        [member.user.id],
      );
      expect(row.active_organization_id).toBeNull();
      const [event] = await t.dataSource.query(
        `SELECT actor_id, target_id FROM audit_events
         WHERE organization_id = $1 AND action = 'org.member_left'`,
        [orgId],
      );
      expect(event).toEqual({ actor_id: member.user.id, target_id: member.user.id });
    });

    it('transfers ownership to a member; the old owner becomes an admin', async () => {
      const res = await t.request('POST', path('/transfer-ownership'), {
        token: owner.token,
        body: { userId: member.user.id },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: orgId, ownerId: member.user.id, role: 'admin' });
      expect(await roleOf(orgId, member.user.id)).toBe('owner');
      expect(await roleOf(orgId, owner.user.id)).toBe('admin');
      expect(await ownerCount(orgId)).toBe(1);
      const [org] = await t.dataSource.query(`SELECT owner_id FROM organizations WHERE id = $1`, [
        orgId,
      ]);
      expect(org.owner_id).toBe(member.user.id);

      const [event] = await t.dataSource.query(
        `SELECT * FROM audit_events WHERE organization_id = $1
         AND action = 'org.ownership_transferred'`,
        [orgId],
      );
      expect(event).toMatchObject({
        actor_id: owner.user.id,
        target_id: member.user.id,
        metadata: { previousOwnerId: owner.user.id },
      });

      // The former owner is now an admin: no more owner powers.
      const again = await t.request('POST', path('/transfer-ownership'), {
        token: owner.token,
        body: { userId: admin.user.id },
      });
      expectProblem(again, 403, 'forbidden');
      const deleteOrg = await t.request('DELETE', path(), { token: owner.token });
      expectProblem(deleteOrg, 403, 'forbidden');
    });

    it('refuses a transfer to a non-member, to oneself, or with a malformed id', async () => {
      const stranger = await createUser(t);
      const toStranger = await t.request('POST', path('/transfer-ownership'), {
        token: owner.token,
        body: { userId: stranger.user.id },
      });
      expectProblem(toStranger, 404, 'not_found');
      const toSelf = await t.request('POST', path('/transfer-ownership'), {
        token: owner.token,
        body: { userId: owner.user.id },
      });
      expectProblem(toSelf, 400, 'validation_failed');
      const malformed = await t.request('POST', path('/transfer-ownership'), {
        token: owner.token,
        body: { userId: 'nope' },
      });
      expectProblem(malformed, 400, 'validation_failed');
      expect(await roleOf(orgId, owner.user.id)).toBe('owner');
      expect(await ownerCount(orgId)).toBe(1);
    });

    it('renames and re-slugs (admin), refusing a taken slug and unknown fields', async () => {
      const taken = await createOrganization(t, member.user.id);
      const res = await t.request('PATCH', path(), {
        token: admin.token,
        body: { name: 'New Name', slug: `new-slug-${Date.now()}` },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: orgId, name: 'New Name', role: 'admin' });
      const [event] = await t.dataSource.query(
        `SELECT metadata FROM audit_events WHERE organization_id = $1 AND action = 'org.updated'`,
        [orgId],
      );
      expect(event.metadata.changes.name.to).toBe('New Name');

      const clash = await t.request('PATCH', path(), {
        token: admin.token,
        body: { slug: taken.slug },
      });
      expectProblem(clash, 409, 'conflict');

      for (const body of [
        { subscriptionTier: 'ENTERPRISE' },
        { quotaLimit: 99999999 },
        { ownerId: admin.user.id },
        { name: 'Sneaky', quotaLimit: 1 },
      ]) {
        const refused = await t.request('PATCH', path(), { token: owner.token, body });
        expectProblem(refused, 400, 'validation_failed');
      }
      const [row] = await t.dataSource.query(
        `SELECT name, subscription_tier, quota_limit, owner_id FROM organizations WHERE id = $1`,
        [orgId],
      );
      expect(row).toEqual({
        name: 'New Name',
        subscription_tier: 'FREE',
        quota_limit: 10000,
        owner_id: owner.user.id,
      });
    });

    it('deletes the organization with its memberships and invitations (owner)', async () => {
      await t.request('PUT', '/api/v1/users/me/active-organization', {
        token: member.token,
        body: { organizationId: orgId },
      });
      const invite = await t.request('POST', path('/invitations'), {
        token: owner.token,
        body: { email: `gone${++counter}@example.com`, role: 'member' },
      });
      expect(invite.status).toBe(201);

      const res = await t.request('DELETE', path(), { token: owner.token });
      expect(res.status).toBe(204);
      for (const table of ['organizations', 'memberships', 'organization_invitations']) {
        const column = table === 'organizations' ? 'id' : 'organization_id';
        const [row] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`,
          [orgId],
        );
        expect({ table, n: row.n }).toEqual({ table, n: 0 });
      }
      const [user] = await t.dataSource.query(
        `SELECT active_organization_id FROM users WHERE id = $1`,
        [member.user.id],
      );
      expect(user.active_organization_id).toBeNull();
      expect(await auditActions(orgId)).toContain('org.deleted');
      const after = await t.request('GET', path(), { token: owner.token });
      expectProblem(after, 404, 'not_found');
    });

    it('shows the audit log to admins, newest first, paginated', async () => {
      await t.request('PATCH', path(), { token: admin.token, body: { name: 'Audited' } });
      await t.request('POST', path('/leave'), {
        token: member.token,
        headers: { 'user-agent': 'audit-test-agent' },
      });
      const res = await t.request('GET', path('/audit-events'), { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: { action: string }) => e.action)).toEqual([
        'org.member_left',
        'org.updated',
        'org.created',
      ]);
      expect(res.body.items[0]).toEqual({
        id: expect.any(String),
        action: 'org.member_left',
        actorType: 'user',
        actorId: member.user.id,
        organizationId: orgId,
        targetType: 'user',
        targetId: member.user.id,
        ip: expect.any(String),
        userAgent: 'audit-test-agent',
        metadata: { role: 'member' },
        createdAt: expect.any(String),
      });

      const first = await t.request('GET', path('/audit-events?limit=2'), { token: owner.token });
      expect(first.body.items).toHaveLength(2);
      const second = await t.request(
        'GET',
        path(`/audit-events?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`),
        { token: owner.token },
      );
      expect(second.body.items.map((e: { action: string }) => e.action)).toEqual(['org.created']);
      expect(second.body.nextCursor).toBeNull();
    });
  });

  describe('across organizations (IDOR)', () => {
    it('gives a member of A 404 for everything of B, and A ids cannot reach into B', async () => {
      const ownerA = await signedIn();
      const adminA = await signedIn();
      const ownerB = await signedIn();
      const memberB = await signedIn();
      const a = await createOrganization(t, ownerA.user.id);
      const b = await createOrganization(t, ownerB.user.id);
      await addMember(t, a.id, adminA.user.id, 'admin');
      await addMember(t, b.id, memberB.user.id, 'member');
      const invitationB = await t.request('POST', `/api/v1/organizations/${b.id}/invitations`, {
        token: ownerB.token,
        body: { email: `idor${++counter}@example.com`, role: 'admin' },
      });
      expect(invitationB.status).toBe(201);

      const B = `/api/v1/organizations/${b.id}`;
      const A = `/api/v1/organizations/${a.id}`;
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', B],
        ['PATCH', B, { name: 'Pwned' }],
        ['DELETE', B],
        ['GET', `${B}/members`],
        ['PATCH', `${B}/members/${memberB.user.id}`, { role: 'admin' }],
        ['DELETE', `${B}/members/${memberB.user.id}`],
        ['POST', `${B}/leave`],
        ['POST', `${B}/transfer-ownership`, { userId: adminA.user.id }],
        ['GET', `${B}/invitations`],
        ['POST', `${B}/invitations`, { email: 'x@example.com', role: 'admin' }],
        ['DELETE', `${B}/invitations/${invitationB.body.id}`],
        ['GET', `${B}/audit-events`],
        // A's routes with B's objects.
        ['PATCH', `${A}/members/${memberB.user.id}`, { role: 'admin' }],
        ['DELETE', `${A}/members/${memberB.user.id}`],
        ['DELETE', `${A}/invitations/${invitationB.body.id}`],
      ];
      for (const caller of [ownerA, adminA]) {
        for (const [method, url, body] of attempts) {
          const res = await t.request(method, url, { token: caller.token, body });
          expect({ method, url, status: res.status, code: res.body?.code }).toEqual({
            method,
            url,
            status: 404,
            code: 'not_found',
          });
        }
      }
      const transfer = await t.request('POST', `${A}/transfer-ownership`, {
        token: ownerA.token,
        body: { userId: memberB.user.id },
      });
      expectProblem(transfer, 404, 'not_found');
      const activate = await t.request('PUT', '/api/v1/users/me/active-organization', {
        token: adminA.token,
        body: { organizationId: b.id },
      });
      expectProblem(activate, 404, 'not_found');

      expect(await roleOf(b.id, memberB.user.id)).toBe('member');
      const [org] = await t.dataSource.query(`SELECT name FROM organizations WHERE id = $1`, [
        b.id,
      ]);
      expect(org.name).toBe(b.name);
      const [invitation] = await t.dataSource.query(
        `SELECT revoked_at FROM organization_invitations WHERE id = $1`,
        [invitationB.body.id],
      );
      expect(invitation.revoked_at).toBeNull();
      expect(await auditActions(b.id)).toEqual(['org.created', 'org.invitation_sent']);
    });
  });

  describe('/users/me', () => {
    it('lists memberships and sets the active organization (members only)', async () => {
      const user = await signedIn();
      const mine = await createOrganization(t, user.user.id, { name: 'Mine' });
      const theirs = await createOrganization(t, (await createUser(t)).user.id, { name: 'Theirs' });
      await addMember(t, theirs.id, user.user.id, 'admin');

      const me = await t.request('GET', '/api/v1/users/me', { token: user.token });
      expect(me.body.memberships).toEqual([
        { organizationId: mine.id, name: 'Mine', slug: mine.slug, role: 'owner' },
        { organizationId: theirs.id, name: 'Theirs', slug: theirs.slug, role: 'admin' },
      ]);
      expect(me.body.activeOrganizationId).toBeNull();

      const set = await t.request('PUT', '/api/v1/users/me/active-organization', {
        token: user.token,
        body: { organizationId: theirs.id },
      });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ id: user.user.id, activeOrganizationId: theirs.id });

      const foreign = await createOrganization(t, (await createUser(t)).user.id);
      for (const organizationId of [foreign.id, NO_SUCH_ID]) {
        const res = await t.request('PUT', '/api/v1/users/me/active-organization', {
          token: user.token,
          body: { organizationId },
        });
        expectProblem(res, 404, 'not_found');
      }
      for (const body of [{ organizationId: 'nope' }, {}, { organizationId: theirs.id, x: 1 }]) {
        const res = await t.request('PUT', '/api/v1/users/me/active-organization', {
          token: user.token,
          body,
        });
        expectProblem(res, 400, 'validation_failed');
      }
      const after = await t.request('GET', '/api/v1/users/me', { token: user.token });
      expect(after.body.activeOrganizationId).toBe(theirs.id);
    });

    it('deletes the account and the organizations it was alone in', async () => {
      const user = await signedIn();
      const other = await signedIn();
      const alone = await createOrganization(t, user.user.id);
      const shared = await createOrganization(t, other.user.id);
      await addMember(t, shared.id, user.user.id, 'admin');

      const wrong = await t.request('DELETE', '/api/v1/users/me', {
        token: user.token,
        body: { password: 'not the password at all' },
      });
      expectProblem(wrong, 401, 'invalid_credentials');
      const missing = await t.request('DELETE', '/api/v1/users/me', {
        token: user.token,
        body: {},
      });
      expectProblem(missing, 400, 'validation_failed');

      const res = await t.request('DELETE', '/api/v1/users/me', {
        token: user.token,
        body: { password: user.password },
      });
      expect(res.status).toBe(204);
      const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE id = $1`, [
        user.user.id,
      ]);
      expect(row.n).toBe(0);
      const [org] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM organizations WHERE id = $1`,
        [alone.id],
      );
      expect(org.n).toBe(0);
      expect(await roleOf(shared.id, user.user.id)).toBeNull();
      expect(await roleOf(shared.id, other.user.id)).toBe('owner');
      expect(await auditActions(alone.id)).toEqual(['org.created', 'org.deleted']);
      expect(await auditActions(shared.id)).toEqual(['org.created', 'org.member_left']);
      const [deleted] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'user.deleted' AND actor_id = $1`,
        [user.user.id],
      );
      expect(deleted.n).toBe(1);

      // The session is gone at once: its access token is refused.
      const me = await t.request('GET', '/api/v1/users/me', { token: user.token });
      expect(me.status).toBe(401);
    });

    it('refuses to delete an owner of an organization with other members (409)', async () => {
      const owner = await signedIn();
      const org = await createOrganization(t, owner.user.id);
      await addMember(t, org.id, (await createUser(t)).user.id, 'member');
      const res = await t.request('DELETE', '/api/v1/users/me', {
        token: owner.token,
        body: { password: owner.password },
      });
      expectProblem(res, 409, 'conflict');
      const me = await t.request('GET', '/api/v1/users/me', { token: owner.token });
      expect(me.status).toBe(200);
      expect(await roleOf(org.id, owner.user.id)).toBe('owner');
    });
  });

  describe('concurrency', () => {
    it('lets only one of two simultaneous ownership transfers through', async () => {
      for (let round = 0; round < 3; round++) {
        const owner = await signedIn();
        const a = await createUser(t);
        const b = await createUser(t);
        const org = await createOrganization(t, owner.user.id);
        await addMember(t, org.id, a.user.id, 'member');
        await addMember(t, org.id, b.user.id, 'member');
        const url = `/api/v1/organizations/${org.id}/transfer-ownership`;
        const results = await Promise.all(
          [a, b].map((target) =>
            t.request('POST', url, { token: owner.token, body: { userId: target.user.id } }),
          ),
        );
        expect(results.map((res) => res.status).sort()).toEqual([200, 403]);
        const winner = results.find((res) => res.status === 200)!.body.ownerId;
        const owners = await t.dataSource.query(
          `SELECT user_id FROM memberships WHERE organization_id = $1 AND role = 'owner'`,
          [org.id],
        );
        expect(owners).toEqual([{ user_id: winner }]);
        const [row] = await t.dataSource.query(`SELECT owner_id FROM organizations WHERE id = $1`, [
          org.id,
        ]);
        expect(row.owner_id).toBe(winner);
        expect(await roleOf(org.id, owner.user.id)).toBe('admin');
      }
    });

    it('keeps a role change racing a removal consistent', async () => {
      for (let round = 0; round < 3; round++) {
        const owner = await signedIn();
        const admin = await signedIn();
        const target = await createUser(t);
        const org = await createOrganization(t, owner.user.id);
        await addMember(t, org.id, admin.user.id, 'admin');
        await addMember(t, org.id, target.user.id, 'member');
        const url = `/api/v1/organizations/${org.id}/members/${target.user.id}`;
        const [change, removal] = await Promise.all([
          t.request('PATCH', url, { token: owner.token, body: { role: 'admin' } }),
          t.request('DELETE', url, { token: admin.token }),
        ]);
        expect(removal.status).toBe(204);
        expect([200, 404]).toContain(change.status);
        expect(await roleOf(org.id, target.user.id)).toBeNull();
        const [row] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM memberships WHERE organization_id = $1`,
          [org.id],
        );
        expect(row.n).toBe(2);
      }
    });

    it('keeps a demotion racing the demoted admin’s own change consistent', async () => {
      const owner = await signedIn();
      const admin = await signedIn();
      const target = await createUser(t);
      const org = await createOrganization(t, owner.user.id);
      await addMember(t, org.id, admin.user.id, 'admin');
      await addMember(t, org.id, target.user.id, 'member');
      const base = `/api/v1/organizations/${org.id}/members`;
      const [demotion, promotion] = await Promise.all([
        t.request('PATCH', `${base}/${admin.user.id}`, {
          token: owner.token,
          body: { role: 'member' },
        }),
        t.request('PATCH', `${base}/${target.user.id}`, {
          token: admin.token,
          body: { role: 'admin' },
        }),
      ]);
      expect(demotion.status).toBe(200);
      // Either the admin acted first, or found itself demoted under the lock.
      expect([200, 403]).toContain(promotion.status);
      expect(await roleOf(org.id, target.user.id)).toBe(
        promotion.status === 200 ? 'admin' : 'member',
      );
    });

    it('has the database refuse a second owner whatever the application does', async () => {
      const owner = await signedIn();
      const other = await createUser(t);
      const org = await createOrganization(t, owner.user.id);
      await expect(
        t.dataSource.query(
          `INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'owner')`,
          [org.id, other.user.id],
        ),
      ).rejects.toThrow(/UQ_memberships_one_owner|duplicate key/);
      await expect(
        t.dataSource.query(
          `INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'member')`,
          [org.id, owner.user.id],
        ),
      ).rejects.toThrow(/UQ_memberships_organization_user|duplicate key/);
      expect(await ownerCount(org.id)).toBe(1);
    });
  });
});
