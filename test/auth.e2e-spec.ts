import { DataSource } from 'typeorm';
import { startSmtpServer, TestSmtpServer } from './support/smtp-server';
import { startTestApp, TestApp } from './support/test-app';

const PASSWORD = 'correct horse battery staple 9';
let counter = 0;
const uniqueEmail = (prefix = 'user') => `${prefix}${++counter}x${Date.now() % 100000}@example.com`;

async function count(dataSource: DataSource, table: string): Promise<number> {
  const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe('accounts (EMAIL_VERIFICATION=mandatory, real SMTP)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ env: { SMTP_URL: smtp.url, RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function signUpAndVerify(email = uniqueEmail(), password = PASSWORD) {
    const signup = await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Test Person', password },
    });
    expect(signup.status).toBe(201);
    const mail = await smtp.waitFor((m) => m.to === email && m.subject.includes('Verify'));
    const verify = await t.request('POST', '/api/v1/auth/verify-email', {
      body: { token: smtp.tokenIn(mail, '/verify-email') },
    });
    expect(verify.status).toBe(200);
    return { email, password };
  }

  it('signs up, verifies by email, signs in by email and username, refreshes and logs out', async () => {
    const email = uniqueEmail('flow');
    const signup = await t.request('POST', '/api/v1/auth/signup', {
      body: { email: `  ${email.toUpperCase()} `, name: 'Flow Person', password: PASSWORD },
    });
    expect(signup.status).toBe(201);
    expect(signup.body).toEqual({ status: 'verification_required', email });
    expect(signup.headers.get('cache-control')).toBe('no-store');

    const early = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    expect(early.status).toBe(403);
    expect(early.body.code).toBe('email_not_verified');

    const mail = await smtp.waitFor((m) => m.to === email);
    const link = smtp.linkIn(mail, '/verify-email');
    expect(link.startsWith('http://gatehouse.test/verify-email?token=')).toBe(true);
    expect(mail.html).toContain('/verify-email?token=');
    const token = smtp.tokenIn(mail, '/verify-email');
    const verified = await t.request('POST', '/api/v1/auth/verify-email', { body: { token } });
    expect(verified.status).toBe(200);
    const again = await t.request('POST', '/api/v1/auth/verify-email', { body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('token_invalid');

    const byEmail = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.headers.get('cache-control')).toBe('no-store');
    expect(byEmail.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { email, emailVerified: true, isSuperuser: false, mfaEnabled: false, memberships: [] },
    });
    expect(byEmail.body.refreshExpiresIn).toBeGreaterThan(86_000);
    expect(byEmail.body.refreshExpiresIn).toBeLessThanOrEqual(86_400);
    const username = byEmail.body.user.username;
    expect(username).toMatch(/^flow\d+x\d+$/);

    const byUsername = await t.request('POST', '/api/v1/auth/login', {
      body: { username, password: PASSWORD, rememberMe: true },
    });
    expect(byUsername.status).toBe(200);
    expect(byUsername.body.refreshExpiresIn).toBeGreaterThan(29 * 86_400);

    const me = await t.request('GET', '/api/v1/users/me', { token: byEmail.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(byEmail.body.user);

    const refreshed = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: byEmail.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(byEmail.body.refreshToken);

    const logout = await t.request('POST', '/api/v1/auth/logout', {
      token: refreshed.body.accessToken,
    });
    expect(logout.status).toBe(204);
    const after = await t.request('GET', '/api/v1/users/me', { token: refreshed.body.accessToken });
    expect(after.status).toBe(401);
    const otherSession = await t.request('GET', '/api/v1/users/me', {
      token: byUsername.body.accessToken,
    });
    expect(otherSession.status).toBe(200);

    const actions = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE actor_id = $1 ORDER BY created_at`,
      [byEmail.body.user.id],
    );
    expect(actions.map((row: { action: string }) => row.action)).toEqual(
      expect.arrayContaining(['user.signup', 'user.email_verified', 'user.login', 'user.logout']),
    );
  });

  it('answers a signup for an existing email exactly like a new one, and tells the owner', async () => {
    const { email } = await signUpAndVerify();
    const users = await count(t.dataSource, 'users');
    const res = await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Intruder', password: 'another fine passphrase' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ status: 'verification_required', email });
    const notice = await smtp.waitFor((m) => m.to === email && /sign up/i.test(m.subject));
    expect(notice.text).not.toContain('token=');
    expect(await count(t.dataSource, 'users')).toBe(users);
  });

  it('refuses an explicit username that is taken, and suffixes generated ones', async () => {
    const first = uniqueEmail('same');
    const local = first.split('@')[0];
    const a = await t.request('POST', '/api/v1/auth/signup', {
      body: { email: first, name: 'A', password: PASSWORD, username: 'taken_name' },
    });
    expect(a.status).toBe(201);
    const b = await t.request('POST', '/api/v1/auth/signup', {
      body: { email: uniqueEmail(), name: 'B', password: PASSWORD, username: 'TAKEN_name' },
    });
    expect(b.status).toBe(409);
    expect(b.body.code).toBe('username_taken');
    const c = await t.request('POST', '/api/v1/auth/signup', {
      body: { email: `${local}@other.example`, name: 'C', password: PASSWORD },
    });
    expect(c.status).toBe(201);
    const [row] = await t.dataSource.query(`SELECT username FROM users WHERE email = $1`, [
      `${local}@other.example`,
    ]);
    expect(row.username).toBe(`${local}`);
    const d = await t.request('POST', '/api/v1/auth/signup', {
      body: { email: `${local}@third.example`, name: 'D', password: PASSWORD },
    });
    expect(d.status).toBe(201);
    const [rowD] = await t.dataSource.query(`SELECT username FROM users WHERE email = $1`, [
      `${local}@third.example`,
    ]);
    expect(rowD.username).toBe(`${local}2`);
  });

  it.each([
    ['a short password', { password: 'short1' }, 'password', /at least 8/],
    ['a common password', { password: 'password123' }, 'password', /too common/],
    [
      'the email in the password',
      { password: 'PolicyCheck77-rocks', email: 'policycheck77@example.com' },
      'password',
      /email|username/,
    ],
    ['an unknown field', { isSuperuser: true }, 'isSuperuser', /not an accepted field/],
    ['a malformed email', { email: 'not-an-email' }, 'email', /email/],
    ['an email with a display name', { email: 'Eve <eve@example.com>' }, 'email', /email/],
    ['a quoted local part', { email: '"eve"@example.com' }, 'email', /email/],
    ['an array for a string', { name: ['a'] }, 'name', /string/],
    ['a NUL byte in the name', { name: 'Eve\u0000' }, 'name', /control/],
    ['a right-to-left override', { name: 'Eve\u202Egnp.exe' }, 'name', /control|direction/],
    ['a 10 kB name', { name: 'x'.repeat(10_000) }, 'name', /shorter|100/],
    ['a bad username', { username: 'no spaces!' }, 'username', /a-z/],
    ['a missing name', { name: undefined }, 'name', /name/],
  ])('refuses signup with %s (400, nothing stored)', async (_case, override, field, message) => {
    const before = await count(t.dataSource, 'users');
    const body = { email: uniqueEmail('bad'), name: 'Valid Name', password: PASSWORD, ...override };
    const res = await t.request('POST', '/api/v1/auth/signup', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const messages = res.body.errors
      .filter((e: { field: string }) => e.field === field)
      .map((e: { message: string }) => e.message);
    expect(messages.join(' | ')).toMatch(message);
    expect(await count(t.dataSource, 'users')).toBe(before);
  });

  it('gives the same 401 for an unknown user and a wrong password', async () => {
    const { email } = await signUpAndVerify();
    const wrong = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: 'wrong password here' },
    });
    const unknown = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: 'nobody@example.com', password: 'wrong password here' },
    });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    expect(unknown.body.detail).toBe(wrong.body.detail);
    const missing = await t.request('POST', '/api/v1/auth/login', { body: { password: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('identifier');
  });

  it('resends verification and forgot-password with 202 whatever the email', async () => {
    for (const path of ['/api/v1/auth/verify-email/resend', '/api/v1/auth/password/forgot']) {
      const unknown = await t.request('POST', path, { body: { email: 'ghost@example.com' } });
      expect(unknown.status).toBe(202);
    }
    const email = uniqueEmail('resend');
    await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Resend', password: PASSWORD },
    });
    const first = await smtp.waitFor((m) => m.to === email);
    const res = await t.request('POST', '/api/v1/auth/verify-email/resend', { body: { email } });
    expect(res.status).toBe(202);
    const second = await smtp.waitFor((m) => m.to === email && m !== first);
    // The newer link replaces the older one.
    const old = await t.request('POST', '/api/v1/auth/verify-email', {
      body: { token: smtp.tokenIn(first, '/verify-email') },
    });
    expect(old.status).toBe(400);
    const fresh = await t.request('POST', '/api/v1/auth/verify-email', {
      body: { token: smtp.tokenIn(second, '/verify-email') },
    });
    expect(fresh.status).toBe(200);
  });

  it('resets a password from the emailed link, once, ending every session', async () => {
    const { email } = await signUpAndVerify();
    const session = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    await t.request('POST', '/api/v1/auth/password/forgot', { body: { email } });
    const older = await smtp.waitFor((m) => m.to === email && m.subject.includes('Reset'));
    await t.request('POST', '/api/v1/auth/password/forgot', { body: { email } });
    const newer = await smtp.waitFor(
      (m) => m.to === email && m.subject.includes('Reset') && m !== older,
    );
    const oldToken = smtp.tokenIn(older, '/reset-password');
    const token = smtp.tokenIn(newer, '/reset-password');

    const stale = await t.request('POST', '/api/v1/auth/password/reset', {
      body: { token: oldToken, newPassword: 'a brand new passphrase' },
    });
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe('token_invalid');

    const weak = await t.request('POST', '/api/v1/auth/password/reset', {
      body: { token, newPassword: 'password' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('newPassword');

    const reset = await t.request('POST', '/api/v1/auth/password/reset', {
      body: { token, newPassword: 'a brand new passphrase' },
    });
    expect(reset.status).toBe(204);
    const reuse = await t.request('POST', '/api/v1/auth/password/reset', {
      body: { token, newPassword: 'yet another passphrase' },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe('token_invalid');

    const oldAccess = await t.request('GET', '/api/v1/users/me', {
      token: session.body.accessToken,
    });
    expect(oldAccess.status).toBe(401);
    const oldPassword = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    expect(oldPassword.status).toBe(401);
    const newPassword = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: 'a brand new passphrase' },
    });
    expect(newPassword.status).toBe(200);
  });

  it('refuses an expired verification link', async () => {
    const email = uniqueEmail('expired');
    await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Late', password: PASSWORD },
    });
    const mail = await smtp.waitFor((m) => m.to === email);
    await t.dataSource.query(
      `UPDATE email_tokens SET expires_at = now() - interval '1 minute'
       WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [email],
    );
    const res = await t.request('POST', '/api/v1/auth/verify-email', {
      body: { token: smtp.tokenIn(mail, '/verify-email') },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('token_expired');
  });

  it('changes the password, keeping only the current session', async () => {
    const { email } = await signUpAndVerify();
    const current = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    const other = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    const wrong = await t.request('POST', '/api/v1/auth/password/change', {
      token: current.body.accessToken,
      body: { currentPassword: 'not it at all', newPassword: 'a changed passphrase' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    const changed = await t.request('POST', '/api/v1/auth/password/change', {
      token: current.body.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'a changed passphrase' },
    });
    expect(changed.status).toBe(204);
    expect(
      (await t.request('GET', '/api/v1/users/me', { token: current.body.accessToken })).status,
    ).toBe(200);
    expect(
      (await t.request('GET', '/api/v1/users/me', { token: other.body.accessToken })).status,
    ).toBe(401);
  });

  it('updates name, username and phone, refusing unknown fields and taken usernames', async () => {
    const { email } = await signUpAndVerify();
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    const token = login.body.accessToken;
    const patched = await t.request('PATCH', '/api/v1/users/me', {
      token,
      body: { name: 'New Name', username: 'Renamed_User', phone: '+15551234567' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'New Name',
      username: 'renamed_user',
      phone: '+15551234567',
    });
    const escalate = await t.request('PATCH', '/api/v1/users/me', {
      token,
      body: { isSuperuser: true, emailVerified: true },
    });
    expect(escalate.status).toBe(400);
    const [row] = await t.dataSource.query(`SELECT is_superuser FROM users WHERE email = $1`, [
      email,
    ]);
    expect(row.is_superuser).toBe(false);

    const { email: otherEmail } = await signUpAndVerify();
    const other = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: otherEmail, password: PASSWORD },
    });
    const clash = await t.request('PATCH', '/api/v1/users/me', {
      token: other.body.accessToken,
      body: { username: 'renamed_user' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('username_taken');
  });

  it('keeps secrets out of the database in clear', async () => {
    const { email } = await signUpAndVerify();
    const login = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    const dump = JSON.stringify(
      await Promise.all(
        ['users', 'sessions', 'refresh_tokens', 'email_tokens', 'signing_keys', 'audit_events'].map(
          (table) => t.dataSource.query(`SELECT * FROM ${table}`),
        ),
      ),
    );
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(login.body.refreshToken);
    expect(dump).not.toContain(login.body.accessToken);
    expect(dump).not.toContain('PRIVATE KEY');
    const [user] = await t.dataSource.query(`SELECT password_hash FROM users WHERE email = $1`, [
      email,
    ]);
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('accounts (EMAIL_VERIFICATION=optional)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { EMAIL_VERIFICATION: 'optional', RATE_LIMIT_ENABLED: 'false' },
    });
  });
  afterAll(() => t.close());

  it('signs the user in at once and refuses an existing email with 409', async () => {
    const email = uniqueEmail('optional');
    const res = await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Opt', password: PASSWORD },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', user: { email, emailVerified: false } });
    const me = await t.request('GET', '/api/v1/users/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    const dup = await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Dup', password: PASSWORD },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('email_taken');
  });

  it('refuses sign-in for a deactivated account with 401', async () => {
    const email = uniqueEmail('inactive');
    await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Gone', password: PASSWORD },
    });
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE email = $1`, [email]);
    const res = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    expect(res.status).toBe(401);
  });
});

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        EMAIL_VERIFICATION: 'optional',
        RATE_LIMIT_AUTH_PER_MINUTE: '5',
        LOGIN_FAILURES_BEFORE_BACKOFF: '3',
      },
    });
  });
  afterAll(() => t.close());

  it('limits each endpoint per client IP with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t.request('POST', '/api/v1/auth/password/forgot', {
        body: { email: 'someone@example.com' },
        // Without TRUST_PROXY, an invented X-Forwarded-For changes nothing.
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.code).toBe('rate_limited');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    // Buckets are per endpoint.
    const other = await t.request('POST', '/api/v1/auth/verify-email/resend', {
      body: { email: 'someone@example.com' },
    });
    expect(other.status).toBe(202);
  });

  it('locks an account after consecutive failures, even against parallel guesses', async () => {
    const email = uniqueEmail('locked');
    await t.request('POST', '/api/v1/auth/signup', {
      body: { email, name: 'Locked', password: PASSWORD },
    });
    // Fresh IP buckets would interfere; the per-account lock is what is measured here.
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.app
          .get(AuthServiceToken())
          .login(email, `wrong guess ${i}`, {
            rememberMe: false,
            client: { ip: null, userAgent: null },
          })
          .then(
            () => 200,
            (error: { status: number }) => error.status,
          ),
      ),
    );
    const wrongAnswers = guesses.filter((status) => status === 401).length;
    expect(wrongAnswers).toBeLessThanOrEqual(3);
    expect(guesses.filter((status) => status === 429).length).toBe(12 - wrongAnswers);

    const right = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: PASSWORD },
    });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('rate_limited');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(20);
  });
});

// Resolved lazily so the import stays next to its only use.
function AuthServiceToken() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../src/auth/auth.service').AuthService;
}
