import { Secret, TOTP } from 'otpauth';
import { createUser, login } from './support/factories';
import { startTestApp, TestApp, TestResponse } from './support/test-app';

const STEP_MS = 30_000;

/** The code an authenticator app shows for `secret`, `steps` periods from now. */
function totp(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + steps * STEP_MS,
  });
}

/** A well-formed code that is not valid now (nor one step either side). */
function wrongCode(secret: string, seed = 0): string {
  const valid = new Set([-1, 0, 1].map((steps) => totp(secret, steps)));
  for (let n = seed + 1; ; n++) {
    const code = String((n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/**
 * Parallel requests only where the database can take them: the embedded database's socket
 * multiplexer (pglite-socket 0.2.17) interleaves the extended-protocol messages of
 * concurrent connections outside transactions ("portal does not exist", parameters of one
 * query bound to another), which breaks any parallel test there, the existing
 * auth.e2e-spec "parallel guesses" one included. On PostgreSQL they run.
 */
const itInParallel = process.env.TEST_DATABASE_URL ? it : it.skip;

async function auditActions(t: TestApp, userId: string): Promise<string[]> {
  const rows: Array<{ action: string }> = await t.dataSource.query(
    `SELECT action FROM audit_events WHERE actor_id = $1 ORDER BY created_at, id`,
    [userId],
  );
  return rows.map((row) => row.action);
}

describe('two-factor authentication (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_AUTH_PER_MINUTE: '10000', LOGIN_FAILURES_BEFORE_BACKOFF: '5' },
    });
  });
  afterAll(() => t.close());

  /** Lets the next code of the current step be accepted again (tests reuse one period). */
  const forgetUsedStep = (userId: string) =>
    t.dataSource.query(`UPDATE user_mfa SET last_used_step = NULL WHERE user_id = $1`, [userId]);

  /** A verified user with 2FA on: their secret, recovery codes and a signed-in token. */
  async function userWithMfa() {
    const { user, password } = await createUser(t);
    const session = await login(t, user.email, password);
    const setup = await t.request('POST', '/api/v1/auth/2fa/setup', {
      token: session.accessToken,
    });
    expect(setup.status).toBe(200);
    const enable = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token: session.accessToken,
      body: { code: totp(setup.body.secret) },
    });
    expect(enable.status).toBe(200);
    await forgetUsedStep(user.id);
    return {
      user,
      password,
      accessToken: session.accessToken,
      secret: setup.body.secret as string,
      recoveryCodes: enable.body.recoveryCodes as string[],
    };
  }

  async function startLogin(
    identifier: string,
    password: string,
    rememberMe = false,
  ): Promise<string> {
    const res = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier, password, rememberMe },
    });
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 200,
      body: { mfaRequired: true },
    });
    return res.body.mfaToken;
  }

  const finishLogin = (mfaToken: string, code: string): Promise<TestResponse> =>
    t.request('POST', '/api/v1/auth/login/mfa', { body: { mfaToken, code } });

  it('sets up, enables, signs in with a code and disables, with audit events', async () => {
    const { user, password } = await createUser(t);
    const session = await login(t, user.email, password);
    const token = session.accessToken;
    expect(session.user.mfaEnabled).toBe(false);

    const setup = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(setup.body).sort()).toEqual(['otpauthUrl', 'qrCodeSvg', 'secret']);
    const secret: string = setup.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(setup.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(decodeURIComponent(url.pathname)).toContain(user.email);
    expect(setup.body.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    // Pending until enabled: sign-in is unchanged, the secret is sealed at rest.
    const [pending] = await t.dataSource.query(`SELECT * FROM user_mfa WHERE user_id = $1`, [
      user.id,
    ]);
    expect(pending.enabled_at).toBeNull();
    expect(pending.secret_sealed).toBeNull();
    expect(pending.pending_secret_sealed).toMatch(/^v1\./);
    expect(pending.pending_secret_sealed).not.toContain(secret);
    const stillPlain = await login(t, user.email, password);
    expect(stillPlain.accessToken).toBeDefined();

    const wrong = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: wrongCode(secret) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');

    const enable = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: totp(secret) },
    });
    expect(enable.status).toBe(200);
    expect(enable.headers.get('cache-control')).toBe('no-store');
    const codes: string[] = enable.body.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    codes.forEach((code) => expect(code.replace(/-/g, '').length).toBeGreaterThanOrEqual(10));
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [user.id],
    );
    expect(n).toBe(10);

    const again = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const me = await t.request('GET', '/api/v1/users/me', { token });
    expect(me.body.mfaEnabled).toBe(true);

    // The password alone now answers with a challenge, not tokens.
    const first = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: user.username, password, rememberMe: true },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(first.body).sort()).toEqual(['mfaRequired', 'mfaToken']);
    expect(first.body.mfaRequired).toBe(true);
    const mfaToken: string = first.body.mfaToken;
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The mfaToken is no access token or refresh token, and an access token is no mfaToken.
    expect((await t.request('GET', '/api/v1/users/me', { token: mfaToken })).status).toBe(401);
    const asRefresh = await t.request('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: mfaToken },
    });
    expect(asRefresh.status).toBe(401);
    const asMfa = await finishLogin(token, totp(secret));
    expect(asMfa.status).toBe(401);
    expect(asMfa.body.code).toBe('token_invalid');

    await forgetUsedStep(user.id);
    const done = await finishLogin(mfaToken, totp(secret));
    expect(done.status).toBe(200);
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(done.body).toMatchObject({
      tokenType: 'Bearer',
      user: { id: user.id, mfaEnabled: true },
    });
    // Bound to the login's rememberMe.
    expect(done.body.refreshExpiresIn).toBeGreaterThan(29 * 86_400);
    const reused = await finishLogin(mfaToken, totp(secret, 1));
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('token_invalid');

    const noPassword = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { code: totp(secret, 1) },
    });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.errors[0].field).toBe('password');
    const wrongPassword = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { password: 'not the password', code: totp(secret, 1) },
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body.code).toBe('invalid_credentials');
    await forgetUsedStep(user.id);
    const disable = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { password, code: totp(secret) },
    });
    expect(disable.status).toBe(204);

    expect((await t.request('GET', '/api/v1/users/me', { token })).body.mfaEnabled).toBe(false);
    const plain = await login(t, user.email, password);
    expect(plain.user.mfaEnabled).toBe(false);
    for (const table of ['user_mfa', 'mfa_recovery_codes', 'mfa_login_tokens']) {
      const rows = await t.dataSource.query(`SELECT 1 FROM ${table} WHERE user_id = $1`, [user.id]);
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
    const disabledAgain = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { password, code: totp(secret) },
    });
    expect(disabledAgain.status).toBe(409);

    const actions = await auditActions(t, user.id);
    expect(actions).toEqual(
      expect.arrayContaining(['user.mfa_enabled', 'user.mfa_disabled', 'user.login']),
    );
    const [mfaLogin] = await t.dataSource.query(
      `SELECT metadata FROM audit_events WHERE actor_id = $1 AND action = 'user.login'
       AND metadata->>'method' = 'password+totp'`,
      [user.id],
    );
    expect(mfaLogin.metadata).toMatchObject({ rememberMe: true });
  });

  it('refuses enabling without a setup, and a second setup replaces the pending secret', async () => {
    const { user, password } = await createUser(t);
    const { accessToken: token } = await login(t, user.email, password);
    const early = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: '123456' },
    });
    expect(early.status).toBe(409);
    const older = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    const newer = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    expect(newer.body.secret).not.toBe(older.body.secret);
    // The older secret's code, unless it happens to be valid for the newer one too.
    const olderCode = totp(older.body.secret);
    const newerCodes = [-1, 0, 1].map((steps) => totp(newer.body.secret, steps));
    const stale = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: newerCodes.includes(olderCode) ? wrongCode(newer.body.secret) : olderCode },
    });
    expect(stale.status).toBe(401);
    const unknownField = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: totp(newer.body.secret), enabled: true },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.code).toBe('validation_failed');
    const ok = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: totp(newer.body.secret) },
    });
    expect(ok.status).toBe(200);
  });

  it('accepts a TOTP code once: a replay is refused', async () => {
    const { user, password, secret } = await userWithMfa();
    const first = await startLogin(user.email, password);
    const second = await startLogin(user.email, password);
    const code = totp(secret);
    expect((await finishLogin(first, code)).status).toBe(200);
    const replay = await finishLogin(second, code);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
    // A code of an earlier step than the last accepted one is refused too.
    const earlier = await finishLogin(second, totp(secret, -1));
    expect(earlier.status).toBe(401);
    const [row] = await t.dataSource.query(
      `SELECT last_used_step FROM user_mfa WHERE user_id = $1`,
      [user.id],
    );
    expect(row.last_used_step).toBeGreaterThanOrEqual(Math.floor(Date.now() / STEP_MS) - 1);
    // The refused mfaToken still works with a right code.
    await forgetUsedStep(user.id);
    expect((await finishLogin(second, totp(secret))).status).toBe(200);
  });

  itInParallel('accepts a TOTP code once even when it is sent in parallel', async () => {
    const { user, password, secret } = await userWithMfa();
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push(await startLogin(user.email, password));
    const code = totp(secret);
    const answers = await Promise.all(tokens.map((token) => finishLogin(token, code)));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401]);
  });

  it('signs in with a recovery code once, and regenerating replaces them all', async () => {
    const { user, password, secret, recoveryCodes, accessToken } = await userWithMfa();
    const [first, second] = recoveryCodes;

    const typed = ` ${first.toUpperCase().replace('-', ' - ')} `;
    const ok = await finishLogin(await startLogin(user.email, password), typed);
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(user.id);
    const [used] = await t.dataSource.query(
      `SELECT metadata FROM audit_events WHERE actor_id = $1 AND action = 'user.recovery_code_used'`,
      [user.id],
    );
    expect(used.metadata).toEqual({ remaining: 9 });

    const reuse = await finishLogin(await startLogin(user.email, password), first);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('invalid_credentials');

    const wrongPassword = await t.request('POST', '/api/v1/auth/2fa/recovery-codes', {
      token: accessToken,
      body: { password: 'not it' },
    });
    expect(wrongPassword.status).toBe(401);
    const regenerated = await t.request('POST', '/api/v1/auth/2fa/recovery-codes', {
      token: accessToken,
      body: { password },
    });
    expect(regenerated.status).toBe(200);
    expect(regenerated.headers.get('cache-control')).toBe('no-store');
    const fresh: string[] = regenerated.body.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(second);

    const old = await finishLogin(await startLogin(user.email, password), second);
    expect(old.status).toBe(401);
    const now = await finishLogin(await startLogin(user.email, password), fresh[0]);
    expect(now.status).toBe(200);

    // A recovery code also turns 2FA off.
    const disable = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token: accessToken,
      body: { password, code: fresh[1] },
    });
    expect(disable.status).toBe(204);
    expect(await auditActions(t, user.id)).toEqual(
      expect.arrayContaining([
        'user.recovery_code_used',
        'user.recovery_codes_regenerated',
        'user.mfa_disabled',
      ]),
    );
    expect(secret).toBeDefined();
  });

  it('expires the mfaToken after 5 minutes and keeps only its digest', async () => {
    const { user, password, secret } = await userWithMfa();
    const mfaToken = await startLogin(user.email, password);
    const [row] = await t.dataSource.query(
      `SELECT token_digest, remember_me, method,
              extract(epoch FROM expires_at - created_at)::int AS lifetime
       FROM mfa_login_tokens WHERE user_id = $1`,
      [user.id],
    );
    expect(row.lifetime).toBeGreaterThanOrEqual(299);
    expect(row.lifetime).toBeLessThanOrEqual(301);
    expect(row.remember_me).toBe(false);
    expect(row.method).toBe('password');
    expect(Buffer.from(row.token_digest).toString('base64url')).not.toBe(mfaToken);

    await t.dataSource.query(
      `UPDATE mfa_login_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );
    const late = await finishLogin(mfaToken, totp(secret));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('token_expired');
    const bogus = await finishLogin('x'.repeat(43), totp(secret));
    expect(bogus.status).toBe(401);
    expect(bogus.body.code).toBe('token_invalid');
  });

  it('counts wrong codes toward the account lockout; a right password does not reset it', async () => {
    const { user, password, secret } = await userWithMfa();
    const token = await startLogin(user.email, password);
    for (let i = 0; i < 4; i++) {
      const res = await finishLogin(token, wrongCode(secret, i));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
    }
    // Signing in with the password again does not start the count over: the 5th failure locks.
    const second = await startLogin(user.email, password);
    const fifth = await finishLogin(second, wrongCode(secret, 4));
    expect(fifth.status).toBe(401);
    const locked = await finishLogin(second, totp(secret));
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(20);
    const passwordToo = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: user.email, password },
    });
    expect(passwordToo.status).toBe(429);
    const failures = await t.dataSource.query(
      `SELECT 1 FROM audit_events WHERE actor_id = $1 AND action = 'user.login_failed'
       AND metadata->>'reason' = 'wrong_mfa_code'`,
      [user.id],
    );
    expect(failures).toHaveLength(5);
  });

  itInParallel(
    'lets at most the threshold of parallel wrong codes through before locking',
    async () => {
      const { user, password, secret } = await userWithMfa();
      const token = await startLogin(user.email, password);
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, i) => finishLogin(token, wrongCode(secret, i))),
      );
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(
        true,
      );
    },
  );

  it('lets an account without a password manage 2FA with codes', async () => {
    const { user, password } = await createUser(t);
    const { accessToken: token } = await login(t, user.email, password);
    const setup = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    const enable = await t.request('POST', '/api/v1/auth/2fa/enable', {
      token,
      body: { code: totp(setup.body.secret) },
    });
    expect(enable.status).toBe(200);
    // As if the account came from social sign-in.
    await t.dataSource.query(`UPDATE users SET password_hash = NULL WHERE id = $1`, [user.id]);
    const missing = await t.request('POST', '/api/v1/auth/2fa/recovery-codes', {
      token,
      body: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('code');
    const regenerated = await t.request('POST', '/api/v1/auth/2fa/recovery-codes', {
      token,
      body: { code: enable.body.recoveryCodes[0] },
    });
    expect(regenerated.status).toBe(200);
    const disable = await t.request('POST', '/api/v1/auth/2fa/disable', {
      token,
      body: { code: regenerated.body.recoveryCodes[0] },
    });
    expect(disable.status).toBe(204);
  });

  it('keeps TOTP secrets, recovery codes and mfaTokens out of the database in clear', async () => {
    const { user, password, secret, recoveryCodes } = await userWithMfa();
    const mfaToken = await startLogin(user.email, password);
    const dump = JSON.stringify(
      await Promise.all(
        ['user_mfa', 'mfa_recovery_codes', 'mfa_login_tokens', 'audit_events'].map((table) =>
          t.dataSource.query(`SELECT * FROM ${table}`),
        ),
      ),
    );
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(mfaToken);
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }
  });
});

describe('two-factor sign-in rate limit per IP', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } })));
  afterAll(() => t.close());

  it('limits POST /login/mfa per client IP like /login', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.request('POST', '/api/v1/auth/login/mfa', {
        body: { mfaToken: 'not-a-token', code: '123456' },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
