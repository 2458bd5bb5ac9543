import { Secret, TOTP } from 'otpauth';
import { SharedState } from '../src/common/shared-state/shared-state';
import { createUser, DEFAULT_PASSWORD, login } from './support/factories';
import {
  GithubUser,
  Outcome,
  startGithubStandIn,
  startOidcProvider,
  TestAccount,
  TestBrowser,
  TestGithub,
  TestOidcProvider,
} from './support/oauth-stand-ins';
import { startSmtpServer, TestSmtpServer } from './support/smtp-server';
import { startTestApp, TestApp } from './support/test-app';

const APP_URL = 'http://gatehouse.test';
const SUCCESS = `${APP_URL}/oauth/callback`;
const FLOW_COOKIE = 'gatehouse_oauth_flow';
const callbackOf = (provider: string) => `${APP_URL}/api/v1/auth/oauth/${provider}/callback`;

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}x${Date.now() % 100_000}`;

describe('social sign-in', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let corp: TestOidcProvider;
  let google: TestOidcProvider;
  let github: TestGithub;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // A generic OpenID Connect provider whose ID tokens carry no email (userinfo has it),
    // and a Google stand-in whose ID tokens do.
    corp = await startOidcProvider({
      clientId: 'gatehouse-corp',
      clientSecret: 'corp-secret-value',
      redirectUri: callbackOf('corp'),
      emailInIdToken: false,
    });
    google = await startOidcProvider({
      clientId: 'gatehouse-google',
      clientSecret: 'google-secret-value',
      redirectUri: callbackOf('google'),
      emailInIdToken: true,
    });
    github = await startGithubStandIn({
      clientId: 'gatehouse-github',
      clientSecret: 'github-secret-value',
    });
    t = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        RATE_LIMIT_AUTH_PER_MINUTE: '10000',
        OIDC_CORP_ISSUER: corp.issuer,
        OIDC_CORP_CLIENT_ID: 'gatehouse-corp',
        OIDC_CORP_CLIENT_SECRET: 'corp-secret-value',
        OIDC_CORP_DISPLAY_NAME: 'Corp SSO',
        OAUTH_GOOGLE_CLIENT_ID: 'gatehouse-google',
        OAUTH_GOOGLE_CLIENT_SECRET: 'google-secret-value',
        OAUTH_GOOGLE_ISSUER: google.issuer,
        OAUTH_GITHUB_CLIENT_ID: 'gatehouse-github',
        OAUTH_GITHUB_CLIENT_SECRET: 'github-secret-value',
        OAUTH_GITHUB_BASE_URL: github.url,
        OAUTH_GITHUB_API_URL: github.url,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([smtp?.close(), corp?.close(), google?.close(), github?.close()]);
  });

  /** APP_URL is not resolvable: the browser reaches this instance at its real address. */
  const local = (url: string) => url.replace(APP_URL, t.url);

  interface SignInRun {
    browser: TestBrowser;
    /** The provider's redirect back to our callback, not followed yet. */
    callbackUrl: string;
    /** Follows it (as the browser would) and returns where we sent the browser. */
    finish(url?: string): Promise<URL>;
  }

  /** Starts at our /start and goes through the provider up to (not into) our callback. */
  async function runToCallback(provider: string, query = ''): Promise<SignInRun> {
    const browser = new TestBrowser();
    const start = await browser.get(`${t.url}/api/v1/auth/oauth/${provider}/start${query}`);
    expect(start.status).toBe(302);
    const callbackUrl = await browser.follow(
      start.headers.get('location')!,
      (next) => !next.startsWith(APP_URL),
    );
    expect(callbackUrl.startsWith(callbackOf(provider))).toBe(true);
    return {
      browser,
      callbackUrl,
      finish: async (url = callbackUrl) => {
        const res = await browser.get(local(url));
        expect(res.status).toBe(302);
        expect(res.headers.get('cache-control')).toBe('no-store');
        return new URL(res.headers.get('location')!);
      },
    };
  }

  async function signIn(
    provider: 'corp' | 'google' | 'github',
    account: TestAccount | GithubUser,
    outcome: Outcome = 'approve',
  ): Promise<URL> {
    if (provider === 'github') github.next(account as GithubUser, outcome);
    else (provider === 'corp' ? corp : google).next(account as TestAccount, outcome);
    const run = await runToCallback(provider);
    return run.finish();
  }

  const exchange = (code: string) =>
    t.request('POST', '/api/v1/auth/oauth/exchange', { body: { code } });

  /** Signs in through `provider` and exchanges the code; returns the token response. */
  async function signInForTokens(provider: 'corp' | 'google' | 'github', account: any) {
    const landing = await signIn(provider, account);
    expect({ error: landing.searchParams.get('error') }).toEqual({ error: null });
    const res = await exchange(landing.searchParams.get('code')!);
    expect(res.status).toBe(200);
    return res.body;
  }

  const identitiesOf = (userId: string) =>
    t.dataSource.query(`SELECT provider, subject, email FROM user_identities WHERE user_id = $1`, [
      userId,
    ]);

  it('lists the configured providers, publicly', async () => {
    const res = await t.request('GET', '/api/v1/auth/oauth/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: 'google', name: 'Google' },
        { id: 'github', name: 'GitHub' },
        { id: 'corp', name: 'Corp SSO' },
      ],
    });
  });

  it('starts with a redirect carrying state, nonce and PKCE, bound by an HttpOnly cookie', async () => {
    const res = await fetch(`${t.url}/api/v1/auth/oauth/corp/start`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(corp.issuer);
    const params = location.searchParams;
    expect(params.get('client_id')).toBe('gatehouse-corp');
    expect(params.get('redirect_uri')).toBe(callbackOf('corp'));
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid email profile');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [cookie] = res.headers.getSetCookie();
    const [pair, ...attributes] = cookie.split('; ');
    const flowId = pair.slice(`${FLOW_COOKIE}=`.length);
    expect(pair.startsWith(`${FLOW_COOKIE}=`)).toBe(true);
    // The cookie holds a random id, not the state, nonce or verifier.
    expect(flowId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flowId).not.toBe(params.get('state'));
    expect(attributes).toEqual(
      expect.arrayContaining([
        'Path=/api/v1/auth/oauth',
        'Max-Age=600',
        'HttpOnly',
        'SameSite=Lax',
      ]),
    );
    expect(attributes).not.toContain('Secure');

    const unknown = await t.request('GET', '/api/v1/auth/oauth/nope/start');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('creates a user from a verified provider email, then signs the same identity in again', async () => {
    const email = `${unique('corpnew')}@example.com`;
    const account = { sub: unique('sub'), email, email_verified: true, name: 'Carla Corp' };
    const userinfoBefore = corp.userinfoCalls;
    const landing = await signIn('corp', account);
    expect(`${landing.origin}${landing.pathname}`).toBe(SUCCESS);
    const code = landing.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The ID token had no email: it came from userinfo.
    expect(corp.userinfoCalls).toBeGreaterThan(userinfoBefore);

    const res = await exchange(code);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      user: { email, name: 'Carla Corp', emailVerified: true, mfaEnabled: false },
    });
    expect(res.body.user.username).toMatch(/^corpnew\d+x\d+$/);
    const me = await t.request('GET', '/api/v1/users/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);

    const [row] = await t.dataSource.query(
      `SELECT password_hash, email_verified_at FROM users WHERE id = $1`,
      [res.body.user.id],
    );
    expect(row.password_hash).toBeNull();
    expect(row.email_verified_at).not.toBeNull();
    expect(await identitiesOf(res.body.user.id)).toEqual([
      { provider: 'corp', subject: account.sub, email },
    ]);
    const [{ n: codes }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM oauth_exchange_codes WHERE code_digest = sha256($1::bytea)`,
      [Buffer.from(code)],
    );
    expect(codes).toBe(1);

    // The code is single use, and a password sign-in is impossible for this account.
    const again = await exchange(code);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('token_invalid');
    const byPassword = await t.request('POST', '/api/v1/auth/login', {
      body: { identifier: email, password: DEFAULT_PASSWORD },
    });
    expect(byPassword.status).toBe(401);

    // The provider's email changed meanwhile: the link (by subject) still decides.
    const second = await signInForTokens('corp', { ...account, email: `moved-${email}` });
    expect(second.user.id).toBe(res.body.user.id);
    expect(await identitiesOf(res.body.user.id)).toEqual([
      { provider: 'corp', subject: account.sub, email: `moved-${email}` },
    ]);
    const actions = await t.dataSource.query(
      `SELECT action, metadata FROM audit_events WHERE actor_id = $1 ORDER BY created_at`,
      [res.body.user.id],
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: 'user.signup', metadata: { method: 'oauth:corp' } },
        { action: 'user.identity_linked', metadata: { provider: 'corp' } },
        { action: 'user.login', metadata: { rememberMe: false, method: 'oauth:corp' } },
      ]),
    );
  });

  it('expires the exchange code after 60 seconds', async () => {
    const landing = await signIn('corp', {
      sub: unique('sub'),
      email: `${unique('late')}@example.com`,
      email_verified: true,
    });
    const code = landing.searchParams.get('code')!;
    const [row] = await t.dataSource.query(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS lifetime
       FROM oauth_exchange_codes WHERE code_digest = sha256($1::bytea)`,
      [Buffer.from(code)],
    );
    expect(row.lifetime).toBeGreaterThanOrEqual(59);
    expect(row.lifetime).toBeLessThanOrEqual(61);
    await t.dataSource.query(
      `UPDATE oauth_exchange_codes SET expires_at = now() - interval '1 second'
       WHERE code_digest = sha256($1::bytea)`,
      [Buffer.from(code)],
    );
    const res = await exchange(code);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_expired');
    expect((await exchange('not-a-code')).status).toBe(401);
  });

  it('links a verified provider email to the existing verified account, and rememberMe carries', async () => {
    const { user } = await createUser(t);
    corp.next({ sub: unique('sub'), email: user.email, email_verified: true });
    const run = await runToCallback('corp', '?rememberMe=true');
    const landing = await run.finish();
    const res = await exchange(landing.searchParams.get('code')!);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
    expect(res.body.refreshExpiresIn).toBeGreaterThan(29 * 86_400);
    expect(await identitiesOf(user.id)).toHaveLength(1);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE email = $1`,
      [user.email],
    );
    expect(n).toBe(1);
  });

  it('never links an unverified provider email; a new account must verify it by our email', async () => {
    // An existing account's email, unverified at the provider: no link, no new account.
    const { user } = await createUser(t);
    const refused = await signIn('corp', {
      sub: unique('sub'),
      email: user.email,
      email_verified: false,
    });
    expect(refused.searchParams.get('error')).toBe('email_not_verified');
    expect(refused.searchParams.get('code')).toBeNull();
    expect(await identitiesOf(user.id)).toHaveLength(0);

    // A new email, unverified: the account is created unverified, and we send our own mail.
    const email = `${unique('unverified')}@example.com`;
    const sub = unique('sub');
    const landing = await signIn('corp', { sub, email, email_verified: false });
    expect(landing.searchParams.get('error')).toBe('email_not_verified');
    const [created] = await t.dataSource.query(
      `SELECT id, email_verified_at, password_hash FROM users WHERE email = $1`,
      [email],
    );
    expect(created.email_verified_at).toBeNull();
    expect(await identitiesOf(created.id)).toEqual([{ provider: 'corp', subject: sub, email }]);
    const mail = await smtp.waitFor((m) => m.to === email && m.subject.includes('Verify'));
    const verify = await t.request('POST', '/api/v1/auth/verify-email', {
      body: { token: smtp.tokenIn(mail, '/verify-email') },
    });
    expect(verify.status).toBe(200);

    // Once verified by us, the same identity signs in.
    const after = await signInForTokens('corp', { sub, email, email_verified: false });
    expect(after.user).toMatchObject({ id: created.id, emailVerified: true });

    // No email at all: nothing to verify, nothing created.
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM users`);
    const none = await signIn('corp', { sub: unique('sub') });
    expect(none.searchParams.get('error')).toBe('email_not_verified');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM users`)).toEqual(before);
  });

  it('refuses a callback whose state does not match the browser’s cookie', async () => {
    const email = `${unique('state')}@example.com`;
    const account = { sub: unique('sub'), email, email_verified: true };

    // Tampered state.
    corp.next(account);
    const tampered = await runToCallback('corp');
    const url = new URL(tampered.callbackUrl);
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    expect((await tampered.finish(url.toString())).searchParams.get('error')).toBe(
      'state_mismatch',
    );
    // The flow is spent: even the genuine callback fails now.
    expect((await tampered.finish()).searchParams.get('error')).toBe('state_mismatch');

    // Another browser (no cookie) cannot complete someone else's sign-in.
    corp.next(account);
    const victim = await runToCallback('corp');
    const attacker = new TestBrowser();
    const stolen = await attacker.get(local(victim.callbackUrl));
    const stolenTo = new URL(stolen.headers.get('location')!);
    expect(stolenTo.searchParams.get('error')).toBe('state_mismatch');
    // The cookie is cleared on the callback, whatever the outcome.
    expect(stolen.headers.getSetCookie()[0]).toMatch(new RegExp(`^${FLOW_COOKIE}=; .*Max-Age=0`));

    // Another provider's callback with this provider's flow.
    corp.next(account);
    const crossed = await runToCallback('corp');
    const otherProvider = crossed.callbackUrl.replace('/oauth/corp/', '/oauth/google/');
    expect((await crossed.finish(otherProvider)).searchParams.get('error')).toBe('state_mismatch');

    // A replayed, successful callback.
    corp.next(account);
    const ok = await runToCallback('corp');
    expect((await ok.finish()).searchParams.get('code')).toBeTruthy();
    expect((await ok.finish()).searchParams.get('error')).toBe('state_mismatch');

    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE email = $1`,
      [email],
    );
    expect(n).toBe(1);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const email = `${unique('nonce')}@example.com`;
    corp.next({ sub: unique('sub'), email, email_verified: true });
    const run = await runToCallback('corp');
    // The provider signed the nonce of the request; make our record of it differ.
    const flowId = run.browser.cookie(new URL(t.url).host, FLOW_COOKIE)!;
    const state = t.app.get(SharedState);
    const flow = JSON.parse((await state.get(`oauth-flow:${flowId}`))!);
    await state.set(
      `oauth-flow:${flowId}`,
      JSON.stringify({ ...flow, nonce: 'a-different-nonce' }),
      60_000,
    );
    const landing = await run.finish();
    expect(landing.searchParams.get('error')).toBe('invalid_request');
    const users = await t.dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    expect(users).toHaveLength(0);
  });

  it('reports a refusal at the provider as access_denied', async () => {
    const landing = await signIn('corp', { sub: unique('sub') }, 'deny');
    expect(landing.searchParams.get('error')).toBe('access_denied');
    const githubDenied = await signIn(
      'github',
      { id: 1, login: 'nobody', name: null, emails: [] },
      'deny',
    );
    expect(githubDenied.searchParams.get('error')).toBe('access_denied');
  });

  it('asks for the second factor after a social sign-in when 2FA is on', async () => {
    const email = `${unique('mfa')}@example.com`;
    const account = { sub: unique('sub'), email, email_verified: true };
    const first = await signInForTokens('corp', account);
    const token = first.accessToken;
    const setup = await t.request('POST', '/api/v1/auth/2fa/setup', { token });
    const secret = Secret.fromBase32(setup.body.secret);
    const code = (steps = 0) =>
      new TOTP({ secret }).generate({ timestamp: Date.now() + steps * 30_000 });
    expect(
      (await t.request('POST', '/api/v1/auth/2fa/enable', { token, body: { code: code(-1) } }))
        .status,
    ).toBe(200);

    const landing = await signIn('corp', account);
    const challenge = await exchange(landing.searchParams.get('code')!);
    expect(challenge.status).toBe(200);
    expect(Object.keys(challenge.body).sort()).toEqual(['mfaRequired', 'mfaToken']);
    const done = await t.request('POST', '/api/v1/auth/login/mfa', {
      body: { mfaToken: challenge.body.mfaToken, code: code() },
    });
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ id: first.user.id, mfaEnabled: true });
    const [audit] = await t.dataSource.query(
      `SELECT metadata FROM audit_events WHERE actor_id = $1 AND action = 'user.login'
       AND metadata->>'method' = 'oauth:corp+totp'`,
      [first.user.id],
    );
    expect(audit).toBeDefined();
  });

  it('signs in with Google from the ID token’s email, without userinfo', async () => {
    const email = `${unique('gmail')}@example.com`;
    const before = google.userinfoCalls;
    const body = await signInForTokens('google', {
      sub: unique('1098'),
      email,
      email_verified: true,
      name: 'Gina Google',
    });
    expect(body.user).toMatchObject({ email, name: 'Gina Google', emailVerified: true });
    expect(google.userinfoCalls).toBe(before);
    expect(await identitiesOf(body.user.id)).toEqual([
      expect.objectContaining({ provider: 'google', email }),
    ]);
  });

  it('signs in with GitHub by its primary verified email, with PKCE', async () => {
    const email = `${unique('octo')}@example.com`;
    const octo: GithubUser = {
      id: 4242 + counter,
      login: 'octocat',
      name: null,
      emails: [
        { email: `other-${email}`, primary: false, verified: true },
        { email, primary: true, verified: true },
      ],
    };
    const body = await signInForTokens('github', octo);
    expect(body.user).toMatchObject({ email, name: 'octocat', emailVerified: true });
    expect(await identitiesOf(body.user.id)).toEqual([
      { provider: 'github', subject: String(octo.id), email },
    ]);

    // An unverified primary email is treated as such.
    const unverified = await signIn('github', {
      id: 9000 + counter,
      login: 'newbie',
      name: 'New Bie',
      emails: [{ email: `${unique('newbie')}@example.com`, primary: true, verified: false }],
    });
    expect(unverified.searchParams.get('error')).toBe('email_not_verified');

    // A code GitHub does not know (here: replayed) fails the exchange.
    github.next(octo);
    const run = await runToCallback('github');
    expect((await run.finish()).searchParams.get('code')).toBeTruthy();
    github.next(octo);
    const fresh = await runToCallback('github');
    // The fresh flow's state with the old (spent) code.
    const swapped = new URL(fresh.callbackUrl);
    swapped.searchParams.set('code', new URL(run.callbackUrl).searchParams.get('code')!);
    expect((await fresh.finish(swapped.toString())).searchParams.get('error')).toBe(
      'invalid_request',
    );
  });

  it('lists and unlinks identities, never the last way to sign in', async () => {
    const email = `${unique('multi')}@example.com`;
    const viaCorp = await signInForTokens('corp', {
      sub: unique('sub'),
      email,
      email_verified: true,
    });
    const viaGithub = await signInForTokens('github', {
      id: 7000 + counter,
      login: 'multi',
      name: 'Multi',
      emails: [{ email, primary: true, verified: true }],
    });
    expect(viaGithub.user.id).toBe(viaCorp.user.id);
    const token = viaGithub.accessToken;

    const page1 = await t.request('GET', '/api/v1/auth/identities?limit=1', { token });
    expect(page1.status).toBe(200);
    expect(page1.body.items).toEqual([
      {
        id: expect.any(String),
        provider: 'corp',
        providerName: 'Corp SSO',
        email,
        createdAt: expect.any(String),
      },
    ]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.request(
      'GET',
      `/api/v1/auth/identities?limit=1&cursor=${page1.body.nextCursor}`,
      { token },
    );
    expect(page2.body.items.map((item: { provider: string }) => item.provider)).toEqual(['github']);
    expect(page2.body.nextCursor).toBeNull();
    const badLimit = await t.request('GET', '/api/v1/auth/identities?limit=0', { token });
    expect(badLimit.status).toBe(400);

    const [corpIdentity] = page1.body.items;
    const [githubIdentity] = page2.body.items;
    const { user: stranger, password } = await createUser(t);
    const strangerToken = (await login(t, stranger.email, password)).accessToken;
    const notYours = await t.request('DELETE', `/api/v1/auth/identities/${corpIdentity.id}`, {
      token: strangerToken,
    });
    expect(notYours.status).toBe(404);
    const notAnId = await t.request('DELETE', '/api/v1/auth/identities/xyz', { token });
    expect(notAnId.status).toBe(404);

    const unlink = await t.request('DELETE', `/api/v1/auth/identities/${corpIdentity.id}`, {
      token,
    });
    expect(unlink.status).toBe(204);
    const last = await t.request('DELETE', `/api/v1/auth/identities/${githubIdentity.id}`, {
      token,
    });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('conflict');
    expect(await identitiesOf(viaCorp.user.id)).toEqual([
      expect.objectContaining({ provider: 'github' }),
    ]);
    const actions = await t.dataSource.query(
      `SELECT metadata FROM audit_events WHERE actor_id = $1 AND action = 'user.identity_unlinked'`,
      [viaCorp.user.id],
    );
    expect(actions).toEqual([{ metadata: { provider: 'corp', identityId: corpIdentity.id } }]);

    // With a password, the last identity may go.
    await t.dataSource.query(`UPDATE users SET password_hash = 'x' WHERE id = $1`, [
      viaCorp.user.id,
    ]);
    const withPassword = await t.request('DELETE', `/api/v1/auth/identities/${githubIdentity.id}`, {
      token,
    });
    expect(withPassword.status).toBe(204);
  });

  it('keeps exchange codes and provider secrets out of the database in clear', async () => {
    const landing = await signIn('corp', {
      sub: unique('sub'),
      email: `${unique('dump')}@example.com`,
      email_verified: true,
    });
    const code = landing.searchParams.get('code')!;
    const dump = JSON.stringify(
      await Promise.all(
        ['oauth_exchange_codes', 'user_identities', 'audit_events'].map((table) =>
          t.dataSource.query(`SELECT * FROM ${table}`),
        ),
      ),
    );
    expect(dump).not.toContain(code);
    expect(dump).not.toContain('corp-secret-value');
    expect(dump).not.toContain('github-secret-value');
  });
});

describe('social sign-in behind https', () => {
  let t: TestApp;
  let github: TestGithub;
  beforeAll(async () => {
    github = await startGithubStandIn({ clientId: 'id', clientSecret: 'secret' });
    t = await startTestApp({
      env: {
        APP_URL: 'https://gatehouse.test',
        OAUTH_SUCCESS_REDIRECT: 'https://app.example/after-sign-in?from=gatehouse',
        OAUTH_GITHUB_CLIENT_ID: 'id',
        OAUTH_GITHUB_CLIENT_SECRET: 'secret',
        OAUTH_GITHUB_BASE_URL: github.url,
        OAUTH_GITHUB_API_URL: github.url,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await github?.close();
  });

  it('marks the flow cookie Secure and sends failures to OAUTH_SUCCESS_REDIRECT', async () => {
    const providers = await t.request('GET', '/api/v1/auth/oauth/providers');
    expect(providers.body).toEqual({ items: [{ id: 'github', name: 'GitHub' }] });
    const start = await fetch(`${t.url}/api/v1/auth/oauth/github/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.getSetCookie()[0].split('; ')).toContain('Secure');
    expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
      'https://gatehouse.test/api/v1/auth/oauth/github/callback',
    );
    const callback = await fetch(`${t.url}/api/v1/auth/oauth/github/callback?code=x&state=y`, {
      redirect: 'manual',
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(
      'https://app.example/after-sign-in?from=gatehouse&error=state_mismatch',
    );
    const unknown = await fetch(`${t.url}/api/v1/auth/oauth/corp/callback?code=x&state=y`, {
      redirect: 'manual',
    });
    expect(unknown.headers.get('location')).toBe(
      'https://app.example/after-sign-in?from=gatehouse&error=invalid_request',
    );
  });
});
