import { createHash } from 'node:crypto';
import { User } from '../src/users/user.entity';
import {
  addMember,
  createOrganization,
  createUser,
  login,
  UserOverrides,
} from './support/factories';
import { ReceivedMail, startSmtpServer, TestSmtpServer } from './support/smtp-server';
import { startTestApp, TestApp, TestResponse } from './support/test-app';

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

interface Caller {
  user: User;
  token: string;
}

function expectProblem(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
}

// EMAIL_VERIFICATION=optional, so that a user with an unverified email can sign in and be
// refused an invitation to that email.
describe('organization invitations (real SMTP)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let counter = 0;
  let owner: Caller;
  let admin: Caller;
  let orgId: string;
  let orgName: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({
      env: { SMTP_URL: smtp.url, RATE_LIMIT_ENABLED: 'false', EMAIL_VERIFICATION: 'optional' },
    });
    owner = await signedIn({ name: 'Olivia Owner' });
    admin = await signedIn({ name: 'Adam Admin' });
    const org = await createOrganization(t, owner.user.id, { name: 'Invite & Co' });
    orgId = org.id;
    orgName = org.name;
    await addMember(t, orgId, admin.user.id, 'admin');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function signedIn(overrides: UserOverrides = {}): Promise<Caller> {
    const { user, password } = await createUser(t, overrides);
    const tokens = await login(t, user.email, password);
    return { user, token: tokens.accessToken };
  }

  const freshEmail = () => `invitee${++counter}x${Date.now() % 100000}@example.com`;

  async function invite(
    email: string,
    role: 'member' | 'admin' = 'member',
    by: Caller = admin,
    organizationId = orgId,
  ): Promise<TestResponse> {
    return t.request('POST', `/api/v1/organizations/${organizationId}/invitations`, {
      token: by.token,
      body: { email, role },
    });
  }

  /** The invitation mail to `email` whose text matches `text`, and the token of its link. */
  async function mailTo(
    email: string,
    text: RegExp = /./,
  ): Promise<{ mail: ReceivedMail; token: string }> {
    const mail = await smtp.waitFor((m) => m.to === email && text.test(m.text));
    return { mail, token: smtp.tokenIn(mail, '/invitations/accept') };
  }

  async function invitationRow(id: string) {
    const [row] = await t.dataSource.query(`SELECT * FROM organization_invitations WHERE id = $1`, [
      id,
    ]);
    return row;
  }

  async function roleOf(userId: string, organizationId = orgId): Promise<string | null> {
    const rows = await t.dataSource.query(
      `SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`,
      [organizationId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async function auditFor(invitationId: string): Promise<string[]> {
    const rows = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE target_type = 'invitation' AND target_id = $1
       ORDER BY created_at, id`,
      [invitationId],
    );
    return rows.map((row: { action: string }) => row.action);
  }

  it('emails a link built from APP_URL, stores only a digest, and lets the invitee accept once', async () => {
    const email = freshEmail();
    const res = await t.request('POST', `/api/v1/organizations/${orgId}/invitations`, {
      token: admin.token,
      body: { email: `  ${email.toUpperCase()} `, role: 'admin' },
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      organization: { id: orgId, name: orgName, slug: expect.any(String) },
      email,
      role: 'admin',
      status: 'pending',
      invitedById: admin.user.id,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    const lifetime = Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt);
    expect(Math.abs(lifetime - 7 * 24 * 3600 * 1000)).toBeLessThan(60_000);
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);

    const { mail, token } = await mailTo(email);
    expect(mail.subject).toBe(`Adam Admin invited you to join ${orgName}`);
    expect(mail.text).toContain('as an admin');
    expect(smtp.linkIn(mail, '/invitations/accept')).toBe(
      `http://gatehouse.test/invitations/accept?token=${encodeURIComponent(token)}`,
    );
    expect(mail.html).toContain('Invite &amp; Co');

    const row = await invitationRow(res.body.id);
    expect(Buffer.from(row.token_digest).equals(createHash('sha256').update(token).digest())).toBe(
      true,
    );
    expect(JSON.stringify(row)).not.toContain(token);
    const [audit] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE metadata::text LIKE $1`,
      [`%${token}%`],
    );
    expect(audit.n).toBe(0);

    const invitee = await signedIn({ email });
    const pending = await t.request('GET', '/api/v1/invitations', { token: invitee.token });
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      items: [expect.objectContaining({ id: res.body.id, status: 'pending', role: 'admin' })],
      nextCursor: null,
    });

    const accepted = await t.request('POST', '/api/v1/invitations/accept', {
      token: invitee.token,
      body: { token },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: orgId, role: 'admin', ownerId: owner.user.id });
    expect(await roleOf(invitee.user.id)).toBe('admin');
    expect((await invitationRow(res.body.id)).accepted_at).not.toBeNull();
    expect(await auditFor(res.body.id)).toEqual(['org.invitation_sent', 'org.invitation_accepted']);
    const me = await t.request('GET', '/api/v1/users/me', { token: invitee.token });
    expect(me.body.memberships).toEqual([
      { organizationId: orgId, name: orgName, slug: expect.any(String), role: 'admin' },
    ]);

    const again = await t.request('POST', '/api/v1/invitations/accept', {
      token: invitee.token,
      body: { token },
    });
    expectProblem(again, 400, 'token_invalid');
    const listAfter = await t.request('GET', '/api/v1/invitations', { token: invitee.token });
    expect(listAfter.body.items).toEqual([]);
  });

  it('refuses another user (403), an unverified email (403) and anonymous callers (401)', async () => {
    const email = freshEmail();
    expect((await invite(email)).status).toBe(201);
    const { token } = await mailTo(email);

    const stranger = await signedIn();
    const wrongUser = await t.request('POST', '/api/v1/invitations/accept', {
      token: stranger.token,
      body: { token },
    });
    expectProblem(wrongUser, 403, 'forbidden');

    const unverified = await signedIn({ email, emailVerified: false });
    const unverifiedAccept = await t.request('POST', '/api/v1/invitations/accept', {
      token: unverified.token,
      body: { token },
    });
    expectProblem(unverifiedAccept, 403, 'forbidden');
    const unverifiedList = await t.request('GET', '/api/v1/invitations', {
      token: unverified.token,
    });
    expect(unverifiedList.body).toEqual({ items: [], nextCursor: null });

    const anonymous = await t.request('POST', '/api/v1/invitations/accept', { body: { token } });
    expectProblem(anonymous, 401, 'unauthorized');

    expect(await roleOf(stranger.user.id)).toBeNull();
    expect(await roleOf(unverified.user.id)).toBeNull();
    const [row] = await t.dataSource.query(
      `SELECT accepted_at FROM organization_invitations WHERE email = $1`,
      [email],
    );
    expect(row.accepted_at).toBeNull();
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['an empty-looking token', ' '],
  ])('answers 400 token_invalid for %s', async (_case, token) => {
    const caller = await signedIn();
    const res = await t.request('POST', '/api/v1/invitations/accept', {
      token: caller.token,
      body: { token },
    });
    expectProblem(res, 400, 'token_invalid');
  });

  it('answers 400 token_expired after 7 days, by token and by id', async () => {
    const email = freshEmail();
    const created = await invite(email);
    const { token } = await mailTo(email);
    await t.dataSource.query(
      `UPDATE organization_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [created.body.id],
    );
    const invitee = await signedIn({ email });
    expectProblem(
      await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.token,
        body: { token },
      }),
      400,
      'token_expired',
    );
    expectProblem(
      await t.request('POST', `/api/v1/invitations/${created.body.id}/accept`, {
        token: invitee.token,
      }),
      400,
      'token_expired',
    );
    const mine = await t.request('GET', '/api/v1/invitations', { token: invitee.token });
    expect(mine.body.items).toEqual([]);
    const adminList = await t.request('GET', `/api/v1/organizations/${orgId}/invitations`, {
      token: admin.token,
    });
    expect(adminList.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: created.body.id, status: 'expired' })]),
    );
    expect(await roleOf(invitee.user.id)).toBeNull();
  });

  it('lets an admin revoke; the token is then invalid, and a second revoke is a 409', async () => {
    const email = freshEmail();
    const created = await invite(email);
    const { token } = await mailTo(email);
    const revoked = await t.request(
      'DELETE',
      `/api/v1/organizations/${orgId}/invitations/${created.body.id}`,
      { token: admin.token },
    );
    expect(revoked.status).toBe(204);
    expect((await invitationRow(created.body.id)).revoked_at).not.toBeNull();
    expect(await auditFor(created.body.id)).toEqual([
      'org.invitation_sent',
      'org.invitation_revoked',
    ]);

    const invitee = await signedIn({ email });
    expectProblem(
      await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.token,
        body: { token },
      }),
      400,
      'token_invalid',
    );
    expectProblem(
      await t.request('DELETE', `/api/v1/organizations/${orgId}/invitations/${created.body.id}`, {
        token: owner.token,
      }),
      409,
      'conflict',
    );
    for (const id of [NO_SUCH_ID, 'not-a-uuid']) {
      expectProblem(
        await t.request('DELETE', `/api/v1/organizations/${orgId}/invitations/${id}`, {
          token: owner.token,
        }),
        404,
        'not_found',
      );
    }
  });

  it('replaces a pending invitation to the same email; the replaced one counts as revoked', async () => {
    const email = freshEmail();
    const first = await invite(email, 'member');
    const { token: firstToken } = await mailTo(email, /as a member/);
    const second = await invite(email, 'admin', owner);
    expect(second.status).toBe(201);
    const { token: secondToken } = await mailTo(email, /as an admin/);
    expect(secondToken).not.toBe(firstToken);

    expect((await invitationRow(first.body.id)).revoked_at).not.toBeNull();
    const [replacedEvent] = await t.dataSource.query(
      `SELECT actor_id, metadata FROM audit_events
       WHERE action = 'org.invitation_revoked' AND target_id = $1`,
      [first.body.id],
    );
    expect(replacedEvent).toEqual({
      actor_id: owner.user.id,
      metadata: { email, reason: 'replaced', replacedBy: second.body.id },
    });
    const list = await t.request('GET', `/api/v1/organizations/${orgId}/invitations`, {
      token: admin.token,
    });
    const listed = list.body.items.filter((item: { email: string }) => item.email === email);
    expect(listed.map((item: { id: string }) => item.id)).toEqual([second.body.id]);

    const invitee = await signedIn({ email });
    expectProblem(
      await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.token,
        body: { token: firstToken },
      }),
      400,
      'token_invalid',
    );
    const accepted = await t.request('POST', '/api/v1/invitations/accept', {
      token: invitee.token,
      body: { token: secondToken },
    });
    expect(accepted.status).toBe(200);
    expect(await roleOf(invitee.user.id)).toBe('admin');
  });

  it('refuses to invite a member (409) and bad bodies (400), changing nothing', async () => {
    const member = await createUser(t);
    await addMember(t, orgId, member.user.id, 'member');
    const [before] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM organization_invitations`,
    );
    expectProblem(await invite(member.user.email.toUpperCase()), 409, 'conflict');
    expectProblem(await invite(owner.user.email), 409, 'conflict');
    for (const body of [
      { email: freshEmail(), role: 'owner' },
      { email: freshEmail(), role: 'superuser' },
      { email: freshEmail() },
      { email: 'not-an-email', role: 'member' },
      { email: 'Eve <eve@example.com>', role: 'member' },
      { email: freshEmail(), role: 'member', organizationId: NO_SUCH_ID },
      { email: freshEmail(), role: 'member', expiresAt: '2999-01-01T00:00:00Z' },
    ]) {
      const res = await t.request('POST', `/api/v1/organizations/${orgId}/invitations`, {
        token: admin.token,
        body,
      });
      expectProblem(res, 400, 'validation_failed');
    }
    const [after] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM organization_invitations`,
    );
    expect(after.n).toBe(before.n);
  });

  it('accepts and declines by id; someone else’s invitation is a 404', async () => {
    const email = freshEmail();
    const toAccept = await invite(email, 'member');
    const otherOrg = await createOrganization(t, owner.user.id, { name: 'Second Org' });
    const toDecline = await invite(email, 'admin', owner, otherOrg.id);
    const { token: declinedToken } = await mailTo(email, /Second Org/);
    const invitee = await signedIn({ email });
    const stranger = await signedIn();

    const mine = await t.request('GET', '/api/v1/invitations?limit=1', { token: invitee.token });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].id).toBe(toDecline.body.id);
    const rest = await t.request(
      'GET',
      `/api/v1/invitations?limit=1&cursor=${encodeURIComponent(mine.body.nextCursor)}`,
      { token: invitee.token },
    );
    expect(rest.body.items.map((item: { id: string }) => item.id)).toEqual([toAccept.body.id]);
    expect(rest.body.nextCursor).toBeNull();

    for (const action of ['accept', 'decline']) {
      for (const id of [toAccept.body.id, NO_SUCH_ID, 'not-a-uuid']) {
        expectProblem(
          await t.request('POST', `/api/v1/invitations/${id}/${action}`, { token: stranger.token }),
          404,
          'not_found',
        );
      }
    }

    const declined = await t.request('POST', `/api/v1/invitations/${toDecline.body.id}/decline`, {
      token: invitee.token,
    });
    expect(declined.status).toBe(204);
    expect((await invitationRow(toDecline.body.id)).declined_at).not.toBeNull();
    expect(await auditFor(toDecline.body.id)).toEqual([
      'org.invitation_sent',
      'org.invitation_declined',
    ]);
    expectProblem(
      await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.token,
        body: { token: declinedToken },
      }),
      400,
      'token_invalid',
    );
    expectProblem(
      await t.request('POST', `/api/v1/invitations/${toDecline.body.id}/accept`, {
        token: invitee.token,
      }),
      400,
      'token_invalid',
    );

    const accepted = await t.request('POST', `/api/v1/invitations/${toAccept.body.id}/accept`, {
      token: invitee.token,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: orgId, role: 'member' });
    expect(await roleOf(invitee.user.id)).toBe('member');
    expect(await roleOf(invitee.user.id, otherOrg.id)).toBeNull();
  });

  it('makes the token of a deleted organization invalid', async () => {
    const doomed = await createOrganization(t, owner.user.id, { name: 'Doomed Org' });
    const email = freshEmail();
    expect((await invite(email, 'member', owner, doomed.id)).status).toBe(201);
    const { token } = await mailTo(email, /Doomed Org/);
    const deleted = await t.request('DELETE', `/api/v1/organizations/${doomed.id}`, {
      token: owner.token,
    });
    expect(deleted.status).toBe(204);
    const invitee = await signedIn({ email });
    expectProblem(
      await t.request('POST', '/api/v1/invitations/accept', {
        token: invitee.token,
        body: { token },
      }),
      400,
      'token_invalid',
    );
  });

  it('lets exactly one of two simultaneous acceptances through', async () => {
    for (let round = 0; round < 3; round++) {
      const email = freshEmail();
      const created = await invite(email, 'member');
      const { token } = await mailTo(email);
      const invitee = await signedIn({ email });
      const results = await Promise.all([
        t.request('POST', '/api/v1/invitations/accept', { token: invitee.token, body: { token } }),
        round === 0
          ? t.request('POST', '/api/v1/invitations/accept', {
              token: invitee.token,
              body: { token },
            })
          : t.request('POST', `/api/v1/invitations/${created.body.id}/accept`, {
              token: invitee.token,
            }),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([200, 400]);
      expect(results.find((res) => res.status === 400)!.body.code).toBe('token_invalid');
      const rows = await t.dataSource.query(
        `SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`,
        [orgId, invitee.user.id],
      );
      expect(rows).toEqual([{ role: 'member' }]);
      expect(await auditFor(created.body.id)).toEqual([
        'org.invitation_sent',
        'org.invitation_accepted',
      ]);
    }
  });
});
