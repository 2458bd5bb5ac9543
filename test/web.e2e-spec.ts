import { readFileSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  docScreenshot,
  launchBrowser,
  newPerson,
  resetScreenshots,
  screenshot,
  seriousViolations,
  WEB_INDEX,
} from './support/browser';
import {
  addMember,
  createOrganization,
  createUser,
  DEFAULT_PASSWORD,
  login,
} from './support/factories';
import { solidImage } from './support/images';
import { startOidcProvider, TestOidcProvider } from './support/oauth-stand-ins';
import { freePort } from './support/processes';
import { startSmtpServer, TestSmtpServer } from './support/smtp-server';
import { httpRequest, startTestApp, TestApp } from './support/test-app';

const WEB = { 'X-Gatehouse-Client': 'web' };

/** The README's pictures (docs/screenshots/), rewritten with UPDATE_DOC_SCREENSHOTS=1. */
const DOC_SCREENSHOTS = new Set([
  'account',
  'organization-members',
  'api-key-usage',
  'sign-in-phone-dark',
]);

/** The code an authenticator app shows for `secret`, `steps` periods from now. */
function totp(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + steps * 30_000,
  });
}

function cookieOf(setCookie: string | null, name: string): string | null {
  const match = new RegExp(`(?:^|, )${name}=([^;]*)`).exec(setCookie ?? '');
  return match ? match[1] : null;
}

describe('web pages', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let corp: TestOidcProvider;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const port = await freePort();
    // APP_URL is the address the browser uses, so emailed links and avatar URLs work there.
    const appUrl = `http://127.0.0.1:${port}`;
    corp = await startOidcProvider({
      clientId: 'gatehouse-corp',
      clientSecret: 'corp-secret-value',
      redirectUri: `${appUrl}/api/v1/auth/oauth/corp/callback`,
      emailInIdToken: true,
    });
    t = await startTestApp({
      port,
      env: {
        SMTP_URL: smtp.url,
        APP_URL: appUrl,
        OIDC_CORP_ISSUER: corp.issuer,
        OIDC_CORP_CLIENT_ID: 'gatehouse-corp',
        OIDC_CORP_CLIENT_SECRET: 'corp-secret-value',
        OIDC_CORP_DISPLAY_NAME: 'Corp SSO',
        // Every page signs in from 127.0.0.1: the per-IP limit (tested in auth.e2e-spec) would
        // otherwise depend on how fast this file runs.
        RATE_LIMIT_AUTH_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await corp?.close();
  });

  describe('serving the single-page app', () => {
    it.each(['/', '/sign-in', '/account', '/organizations/x/y', '/verify-email?token=abc'])(
      'answers the app route %s with index.html, revalidated, under the strict CSP',
      async (path) => {
        const res = await t.request('GET', path);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(res.text).toBe(readFileSync(WEB_INDEX, 'utf8'));
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(/script-src 'self'(;|$)/);
        expect(csp).toContain("script-src-attr 'none'");
        expect(csp).toContain("object-src 'none'");
      },
    );

    it('builds index.html without inline scripts (every script is a same-origin file)', () => {
      const html = readFileSync(WEB_INDEX, 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
        expect(body.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+=/i);
    });

    it('serves hashed assets with a year of caching', async () => {
      const html = readFileSync(WEB_INDEX, 'utf8');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
      const res = await t.request('GET', script);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    });

    it.each([
      '/api/v1/nothing-here',
      '/api',
      '/docs/nothing',
      '/media/avatars/none',
      '/health/nothing',
      '/.well-known/nothing',
      '/assets/missing.js',
      '/favicon.ico',
    ])('keeps the problem+json 404 for %s', async (path) => {
      const res = await t.request('GET', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
    });

    it('answers other methods on app routes as the API does (404, not the page)', async () => {
      const res = await t.request('POST', '/account', { body: {} });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    });
  });

  describe('web-session mode (X-Gatehouse-Client: web)', () => {
    it('puts the refresh token in an HttpOnly, SameSite=Strict cookie on the auth path, not in the body', async () => {
      const { user, password } = await createUser(t);
      const res = await t.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.email, password },
        headers: WEB,
      });
      expect(res.status).toBe(200);
      expect(res.body.refreshToken).toBeUndefined();
      expect(typeof res.body.accessToken).toBe('string');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(
        /^gh_refresh=[^;]{40,}; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict$/,
      );
      // Without "remember me" the cookie ends with the browser session (no Max-Age).
      expect(setCookie).not.toMatch(/Max-Age|Secure/);
    });

    it('keeps "remember me" sessions in a persistent cookie', async () => {
      const { user, password } = await createUser(t);
      const res = await t.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.username, password, rememberMe: true },
        headers: WEB,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(
        new RegExp(`; Max-Age=${res.body.refreshExpiresIn}$`),
      );
    });

    it('leaves the JSON API unchanged for other clients', async () => {
      const { user, password } = await createUser(t);
      const res = await t.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.email, password },
      });
      expect(typeof res.body.refreshToken).toBe('string');
      expect(res.headers.get('set-cookie')).toBeNull();
      const refreshed = await t.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: res.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      expect(typeof refreshed.body.refreshToken).toBe('string');
      expect(refreshed.headers.get('set-cookie')).toBeNull();
      const missing = await t.request('POST', '/api/v1/auth/refresh', { body: {} });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'validation_failed' });
    });

    it('refreshes from the cookie only with the header, rotates it, and clears a spent one', async () => {
      const { user, password } = await createUser(t);
      const signIn = await t.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.email, password },
        headers: WEB,
      });
      const first = cookieOf(signIn.headers.get('set-cookie'), 'gh_refresh')!;

      // The cookie alone (a cross-site form could make the browser send it) is not enough.
      const noHeader = await t.request('POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { cookie: `gh_refresh=${first}` },
      });
      expect(noHeader.status).toBe(400);
      expect(noHeader.headers.get('set-cookie')).toBeNull();

      const rotated = await t.request('POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { ...WEB, cookie: `other=1; gh_refresh=${first}` },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.refreshToken).toBeUndefined();
      expect(rotated.body.user).toMatchObject({ id: user.id });
      const second = cookieOf(rotated.headers.get('set-cookie'), 'gh_refresh')!;
      expect(second).not.toBe(first);

      // Replaying the spent cookie is reuse: the session dies and the cookie is cleared.
      const replay = await t.request('POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { ...WEB, cookie: `gh_refresh=${first}` },
      });
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ code: 'token_reused' });
      expect(replay.headers.get('set-cookie')).toMatch(/^gh_refresh=; .*Max-Age=0$/);
      const afterReuse = await t.request('POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { ...WEB, cookie: `gh_refresh=${second}` },
      });
      expect(afterReuse.status).toBe(401);
    });

    it('answers 401 to a web refresh without a cookie', async () => {
      const res = await t.request('POST', '/api/v1/auth/refresh', { body: {}, headers: WEB });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
    });

    it('clears the cookie on logout and ends the session', async () => {
      const { user, password } = await createUser(t);
      const signIn = await t.request('POST', '/api/v1/auth/login', {
        body: { identifier: user.email, password },
        headers: WEB,
      });
      const cookie = cookieOf(signIn.headers.get('set-cookie'), 'gh_refresh')!;
      const out = await t.request('POST', '/api/v1/auth/logout', {
        token: signIn.body.accessToken,
        headers: WEB,
      });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toBe(
        'gh_refresh=; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=0',
      );
      const refresh = await t.request('POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { ...WEB, cookie: `gh_refresh=${cookie}` },
      });
      expect(refresh.status).toBe(401);
    });

    it('documents the header on the routes that honour it', async () => {
      const doc = (await t.request('GET', '/docs-json')).body;
      const routes: Array<[string, string]> = [
        ['/api/v1/auth/login', 'post'],
        ['/api/v1/auth/login/mfa', 'post'],
        ['/api/v1/auth/refresh', 'post'],
        ['/api/v1/auth/oauth/exchange', 'post'],
        ['/api/v1/auth/logout', 'post'],
      ];
      for (const [path, method] of routes) {
        const parameters = doc.paths[path][method].parameters ?? [];
        expect(parameters).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ name: 'X-Gatehouse-Client', in: 'header' }),
          ]),
        );
      }
    });
  });

  describe('in a browser', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      resetScreenshots();
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close()));
      await browser?.close();
    });

    async function person(options: Parameters<typeof newPerson>[2] = {}) {
      const opened = await newPerson(browser, t.url, options);
      contexts.push(opened.context);
      return opened.page;
    }

    async function heading(page: Page, name: string | RegExp): Promise<void> {
      await page.getByRole('heading', { level: 1, name }).waitFor();
    }

    /**
     * Screenshot, then axe: no serious or critical violation on the page as it stands, or in
     * the part named by `scope` when only that changed (a dialog, a panel). `axe: false` for a
     * state of a page already checked.
     */
    async function check(
      page: Page,
      name: string,
      options: { scope?: string; axe?: boolean } = {},
    ): Promise<void> {
      await screenshot(page, name);
      if (DOC_SCREENSHOTS.has(name)) await docScreenshot(page, name);
      if (options.axe === false) return;
      const violations = await seriousViolations(page, options.scope);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    }

    async function signIn(page: Page, identifier: string, password: string): Promise<void> {
      await page.getByLabel('Email or username').fill(identifier);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    // Page-side code as strings: the server's TypeScript setup has no DOM types.
    const focusedName = (page: Page) =>
      page.evaluate<string | null>("document.activeElement?.getAttribute('name') ?? null");

    it('signs up, confirms the email, signs in, turns on 2FA, and signs in again with a code', async () => {
      const page = await person();
      const email = `ada.${Date.now()}@example.com`;
      await page.goto('/sign-up');
      await heading(page, 'Create your account');
      await check(page, 'sign-up', { axe: false });

      // A weak password: the policy's own message, from the API's problem+json, inline.
      const refused = await httpRequest(t.url, 'POST', '/api/v1/auth/signup', {
        body: { email: 'x@example.com', name: 'X', password: 'short' },
      });
      const policyMessage: string = refused.body.errors[0].message;
      await page.getByLabel('Name').fill('Ada Lovelace');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText(policyMessage).waitFor();
      expect(await focusedName(page)).toBe('password');
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      await check(page, 'sign-up-weak-password');

      await page.getByLabel('Password').fill('a long and unusual passphrase 7');
      await page.getByRole('button', { name: 'Create account' }).click();
      await heading(page, 'Check your email');
      await check(page, 'sign-up-check-email', { axe: false });

      const mail = await smtp.waitFor((m) => m.to === email && m.text.includes('/verify-email'));
      const link = smtp.linkIn(mail, '/verify-email');
      expect(link.startsWith(`${t.url}/verify-email?token=`)).toBe(true);
      await page.goto(link);
      await heading(page, 'Email confirmed');
      await check(page, 'verify-email-confirmed');

      // The same link again: already used.
      const again = await person();
      await again.goto(link);
      await heading(again, 'This link cannot be used');
      await check(again, 'verify-email-used', { axe: false });

      await page.getByRole('link', { name: 'Sign in' }).click();
      await heading(page, 'Sign in');
      await check(page, 'sign-in');
      await signIn(page, email, 'a long and unusual passphrase 7');
      await heading(page, 'Your account');
      await check(page, 'account');

      // The refresh token is an HttpOnly cookie; nothing readable by scripts holds a token.
      const cookies = await page.context().cookies();
      const refresh = cookies.find((c) => c.name === 'gh_refresh')!;
      expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
      expect(await page.evaluate<string>('document.cookie')).not.toContain('gh_refresh');
      const stored = await page.evaluate<string>(
        'JSON.stringify({ ...localStorage, ...sessionStorage })',
      );
      expect(stored).not.toMatch(/eyJ|gh_refresh/);

      // A reload keeps the session (the cookie brings a new access token).
      await page.reload();
      await heading(page, 'Your account');

      await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
      const qr = page.getByRole('img', { name: /QR code/ });
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      await page.getByText("Can't scan it?").click();
      const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
      await check(page, 'two-factor-setup', { scope: '#two-factor' });
      await page.getByLabel('Enter the 6-digit code the app shows').fill(totp(secret));
      await page.getByRole('button', { name: 'Turn on', exact: true }).click();
      await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
      expect(
        await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count(),
      ).toBe(10);
      await check(page, 'two-factor-recovery-codes', { scope: '#two-factor' });
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.locator('#two-factor').getByText('On', { exact: true }).waitFor();

      await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
      await heading(page, 'Sign in');
      expect((await page.context().cookies()).find((c) => c.name === 'gh_refresh')).toBeUndefined();

      await signIn(page, email, 'a long and unusual passphrase 7');
      await heading(page, 'Two-step verification');
      await check(page, 'sign-in-two-factor');
      // A wrong code: the message is announced and focus goes back to the field.
      await page.getByLabel('Authentication code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('That code did not work').waitFor();
      expect(await focusedName(page)).toBe('code');
      // The next period's code: the one used to turn 2FA on cannot be used twice.
      await page.getByLabel('Authentication code').fill(totp(secret, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await heading(page, 'Your account');

      // New recovery codes (password), then 2FA off with one of them.
      const twoFactor = page.locator('#two-factor');
      await twoFactor.getByRole('button', { name: 'Get new recovery codes' }).click();
      await twoFactor.getByLabel('Password').fill('a long and unusual passphrase 7');
      await twoFactor.getByRole('button', { name: 'Create new codes' }).click();
      const codes = twoFactor.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
      await codes.first().waitFor();
      const recoveryCode = (await codes.first().textContent())!.trim();
      await twoFactor.getByRole('button', { name: 'I have saved them' }).click();
      await twoFactor.getByRole('button', { name: 'Turn off' }).click();
      await twoFactor.getByLabel('Password').fill('a long and unusual passphrase 7');
      await twoFactor.getByLabel('Authentication code').fill(recoveryCode);
      await twoFactor.getByRole('button', { name: 'Turn off two-step verification' }).click();
      await twoFactor.getByText('Off', { exact: true }).waitFor();

      // And a new password: a wrong current one is explained, then the change goes through.
      const passwordCard = page.locator('#password');
      await passwordCard.getByLabel('Current password').fill('not my password');
      await passwordCard.getByLabel('New password').fill('another long passphrase 8');
      await passwordCard.getByRole('button', { name: 'Change password' }).click();
      await passwordCard.getByText('Your current password is not right.').waitFor();
      await passwordCard.getByLabel('Current password').fill('a long and unusual passphrase 7');
      await passwordCard.getByRole('button', { name: 'Change password' }).click();
      await passwordCard.getByText('Your password is changed.').waitFor();
      const mfa = await t.dataSource.query(
        `SELECT m.enabled_at FROM users u LEFT JOIN user_mfa m ON m.user_id = u.id WHERE u.email = $1`,
        [email],
      );
      expect(mfa).toEqual([{ enabled_at: null }]);
    }, 90_000);

    it('offers a new confirmation link when the emailed one has expired', async () => {
      const email = `late.${Date.now()}@example.com`;
      const signup = await httpRequest(t.url, 'POST', '/api/v1/auth/signup', {
        body: { email, name: 'Lee Late', password: 'a long and unusual passphrase 7' },
      });
      expect(signup.status).toBe(201);
      const first = await smtp.waitFor((m) => m.to === email && m.text.includes('/verify-email'));
      await t.dataSource.query(
        `UPDATE email_tokens SET expires_at = now() - interval '1 minute'
         WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
        [email],
      );
      const page = await person();
      await page.goto(smtp.linkIn(first, '/verify-email'));
      await heading(page, 'This link has expired');
      await page.getByLabel('Your email address').fill(email);
      await page.getByRole('button', { name: 'Send a new link' }).click();
      await page.getByText(`If ${email} has an account waiting for confirmation`).waitFor();
      await check(page, 'verify-email-expired');
      const second = await smtp.waitFor(
        (m) => m !== first && m.to === email && m.text.includes('/verify-email'),
      );
      await page.goto(smtp.linkIn(second, '/verify-email'));
      await heading(page, 'Email confirmed');
    }, 60_000);

    it('resets a forgotten password from the emailed link', async () => {
      const { user } = await createUser(t);
      const page = await person();
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await heading(page, 'Forgot your password?');
      await check(page, 'forgot-password');
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await heading(page, 'Check your email');

      const mail = await smtp.waitFor(
        (m) => m.to === user.email && m.text.includes('/reset-password'),
      );
      await page.goto(smtp.linkIn(mail, '/reset-password'));
      await heading(page, 'Choose a new password');
      await check(page, 'reset-password');
      await page.getByLabel('New password').fill('a brand new passphrase 42');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await heading(page, 'Password changed');

      await page.getByRole('link', { name: 'Sign in' }).click();
      await signIn(page, user.username, DEFAULT_PASSWORD);
      await page.getByText('The email, username or password is not right.').waitFor();
      await check(page, 'sign-in-wrong-password', { axe: false });
      await page.getByLabel('Password', { exact: true }).fill('a brand new passphrase 42');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading(page, 'Your account');

      // The account page: profile, preferences and a picture, saved through the API.
      await page.getByLabel('Name', { exact: true }).fill('Rosa Reset');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Your profile is saved.').waitFor();
      await page.getByLabel('Time zone').selectOption('Europe/Paris');
      await page.getByRole('switch', { name: 'News and offers' }).check();
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByText('Your preferences are saved.').waitFor();

      const picture = page.getByLabel('Choose a picture');
      await picture.setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('<html>not an image</html>'),
      });
      await page.getByRole('button', { name: 'Upload picture' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: /image|type|format/i });
      await refusal.waitFor();
      await picture.setInputFiles({
        name: 'me.png',
        mimeType: 'image/png',
        buffer: await solidImage('png', 64, 64),
      });
      await page.getByRole('img', { name: 'Preview of the chosen picture' }).waitFor();
      await page.getByRole('button', { name: 'Upload picture' }).click();
      await page.getByText('Your new picture is saved.').waitFor();
      const avatar = page.getByRole('img', { name: 'Your current picture' });
      const avatarUrl = await avatar.getAttribute('src');
      expect(avatarUrl).toMatch(new RegExp(`^${t.url}/media/`));
      expect(
        await page.evaluate<number>(
          `(async () => { const img = document.querySelector('img[alt="Your current picture"]');
            await img.decode(); return img.naturalWidth; })()`,
        ),
      ).toBe(256);

      const token = (await login(t, user.email, 'a brand new passphrase 42')).accessToken;
      const me = await t.request('GET', '/api/v1/users/me', { token });
      expect(me.body).toMatchObject({
        name: 'Rosa Reset',
        profile: {
          timezone: 'Europe/Paris',
          avatarUrl,
          notifications: { email: { marketing: true } },
        },
      });
    }, 60_000);

    it('creates an organization, invites a person who accepts from the email, changes roles, and manages an API key', async () => {
      const owner = await createUser(t, { name: 'Olive Owner' });
      const invitee = await createUser(t, { name: 'Ivan Invitee' });
      const page = await person();
      await page.goto('/organizations');
      await heading(page, 'Sign in');
      await signIn(page, owner.user.email, owner.password);
      await heading(page, 'Organizations');

      await page.getByLabel('Name', { exact: true }).fill('Acme Rockets');
      await page.getByRole('button', { name: 'Create organization' }).click();
      await heading(page, 'Acme Rockets');
      await check(page, 'organization', { axe: false });

      await page.getByLabel('Email address').fill(invitee.user.email);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitation sent to ${invitee.user.email}.`).waitFor();

      // The invitee opens the emailed link, signs in, and accepts.
      const mail = await smtp.waitFor(
        (m) => m.to === invitee.user.email && m.text.includes('/invitations/accept'),
      );
      const other = await person();
      await other.goto(smtp.linkIn(mail, '/invitations/accept'));
      await heading(other, 'You are invited');
      await check(other, 'invitation-signed-out');
      await other.getByRole('link', { name: 'Sign in to accept' }).click();
      await signIn(other, invitee.user.email, invitee.password);
      await heading(other, 'Accept the invitation');
      await other.getByRole('button', { name: 'Accept invitation' }).click();
      await heading(other, 'Welcome to Acme Rockets');
      await check(other, 'invitation-accepted', { axe: false });

      // The owner sees the new member and makes them an admin.
      await page.reload();
      await heading(page, 'Acme Rockets');
      const role = page.getByLabel('Role of Ivan Invitee');
      await role.selectOption('admin');
      await page.getByText('Ivan Invitee is now admin.').waitFor();
      const orgId = new URL(page.url()).pathname.split('/').pop()!;
      const ownerToken = (await login(t, owner.user.email, owner.password)).accessToken;
      const members = await t.request('GET', `/api/v1/organizations/${orgId}/members`, {
        token: ownerToken,
      });
      expect(members.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: invitee.user.id, role: 'admin' }),
          expect.objectContaining({ userId: owner.user.id, role: 'owner' }),
        ]),
      );
      await check(page, 'organization-members');

      // An API key for the active organization: shown once, works, then revoked.
      await page.getByRole('link', { name: 'API keys' }).click();
      await heading(page, 'API keys');
      await check(page, 'api-keys', { axe: false });
      await page.getByLabel('Name', { exact: true }).fill('CI deploys');
      await page.getByLabel('Read the organization (org:read)').check();
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('you will not see it again').waitFor();
      const key = await page.getByLabel('API key').inputValue();
      expect(key).toMatch(/^gk_[A-Za-z0-9_-]{43,}$/);
      await check(page, 'api-key-created');

      const whoami = await httpRequest(t.url, 'GET', '/api/v1/whoami', {
        headers: { 'x-api-key': key },
      });
      expect(whoami.status).toBe(200);
      expect(whoami.body).toMatchObject({
        type: 'api_key',
        apiKey: { name: 'CI deploys', scopes: ['org:read'] },
        organization: { id: orgId, name: 'Acme Rockets' },
      });

      await page.getByRole('button', { name: 'I have stored it' }).click();
      expect(await page.getByLabel('API key').count()).toBe(0);
      await page.getByRole('button', { name: 'Usage of CI deploys' }).click();
      await page.getByRole('img', { name: /Requests per day with CI deploys/ }).waitFor();
      await page.getByText(/This month, all keys of the organization/).waitFor();
      await check(page, 'api-key-usage', { scope: '.usage' });

      await page.getByRole('button', { name: 'Revoke CI deploys' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke “CI deploys”?' });
      await dialog.waitFor();
      await check(page, 'api-key-revoke-dialog', { scope: 'dialog[open]' });
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      await page.getByText('“CI deploys” is revoked').waitFor();
      const refused = await httpRequest(t.url, 'GET', '/api/v1/whoami', {
        headers: { 'x-api-key': key },
      });
      expect(refused.status).toBe(401);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await heading(page, 'Audit log');
      await page
        .getByRole('cell', { name: /revoked/ })
        .first()
        .waitFor();
      await page.getByRole('cell', { name: 'Olive Owner (you)' }).first().waitFor();
      await page.getByRole('cell', { name: 'Ivan Invitee' }).first().waitFor();
      await check(page, 'audit-log');
    }, 90_000);

    it('signs in with a configured social provider through its button', async () => {
      const email = `sso.${Date.now()}@example.com`;
      corp.next({ sub: `corp-${Date.now()}`, email, email_verified: true, name: 'Sol Social' });
      const page = await person();
      await page.goto('/sign-in');
      const button = page.getByRole('link', { name: 'Continue with Corp SSO' });
      await button.waitFor();
      await check(page, 'sign-in-social', { axe: false });
      await button.click();
      // The provider signs the person in at once and sends them back with a one-time code.
      await heading(page, 'Your account');
      await page.getByText(`Signed in as ${email}`).waitFor();
      const cookie = (await page.context().cookies()).find((c) => c.name === 'gh_refresh');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    }, 60_000);

    it('explains a social sign-in that the provider refused', async () => {
      const page = await person();
      await page.goto('/oauth/callback?error=access_denied');
      await heading(page, 'Sign-in did not finish');
      await page.getByText('The sign-in was cancelled at the provider.').waitFor();
      await check(page, 'oauth-callback-refused');
    });

    it("handles an owner's chores: revoke an invitation, rotate a key with a grace period, hand over and leave", async () => {
      const owner = await createUser(t, { name: 'Owen Chores' });
      const member = await createUser(t, { name: 'Mia Member' });
      const org = await createOrganization(t, owner.user.id, { name: 'Chores Inc' });
      await addMember(t, org.id, member.user.id, 'member');
      const token = (await login(t, owner.user.email, owner.password)).accessToken;
      await t.request('PUT', '/api/v1/users/me/active-organization', {
        token,
        body: { organizationId: org.id },
      });
      const created = await t.request('POST', `/api/v1/organizations/${org.id}/api-keys`, {
        token,
        body: { name: 'Billing' },
      });
      const oldKey: string = created.body.key;

      const page = await person();
      await page.goto(`/organizations/${org.id}`);
      await signIn(page, owner.user.email, owner.password);
      await heading(page, 'Chores Inc');
      await page.getByLabel('Email address').fill('nobody@example.com');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText('Invitation sent to nobody@example.com.').waitFor();
      await page
        .getByRole('button', { name: 'Revoke the invitation to nobody@example.com' })
        .click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await page.getByText('The invitation to nobody@example.com is revoked.').waitFor();
      await page.getByText('No open invitations.').waitFor();

      await page.getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('button', { name: 'Rotate Billing' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rotate “Billing”?' });
      await dialog
        .getByLabel('The old key')
        .selectOption({ label: 'Keep the old key working for 1 hour' });
      await check(page, 'api-key-rotate-dialog', { axe: false });
      await dialog.getByRole('button', { name: 'Create the new key' }).click();
      const newKey = await page.getByLabel('API key', { exact: true }).inputValue();
      expect(newKey).not.toBe(oldKey);
      await page.getByText('Rotating out').waitFor();
      for (const key of [oldKey, newKey]) {
        const res = await httpRequest(t.url, 'GET', '/api/v1/whoami', {
          headers: { 'x-api-key': key },
        });
        expect(res.status).toBe(200);
      }

      await page.getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('link', { name: 'Chores Inc' }).click();
      await heading(page, 'Chores Inc');
      await page
        .getByLabel('Hand this organization to')
        .selectOption({ label: `Mia Member (${member.user.email})` });
      await page.getByRole('button', { name: 'Transfer ownership' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Transfer' }).click();
      await page.getByText('Your role: Admin').waitFor();
      await page.getByRole('button', { name: 'Leave organization' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Leave' }).click();
      await heading(page, 'Organizations');
      const memberships = await t.dataSource.query(
        `SELECT user_id, role FROM memberships WHERE organization_id = $1`,
        [org.id],
      );
      expect(memberships).toEqual([{ user_id: member.user.id, role: 'owner' }]);
    }, 60_000);

    it('lists sessions, signs one out, and "sign out everywhere" ends the others too', async () => {
      const { user, password } = await createUser(t, { name: 'Sam Sessions' });
      const laptop = await person();
      const phone = await person({
        userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile',
      });
      for (const page of [laptop, phone]) {
        await page.goto('/sign-in');
        await signIn(page, user.email, password);
        await heading(page, 'Your account');
      }
      await laptop.reload();
      const sessions = laptop.locator('#sessions');
      await sessions.getByText('Chrome on Android', { exact: true }).waitFor();
      await check(laptop, 'account-sessions', { axe: false });

      // Signing the phone out from the laptop: the phone's next request finds no session.
      await sessions.getByRole('button', { name: 'Sign out Chrome on Android' }).click();
      await laptop.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
      await sessions.getByText('Chrome on Android is signed out.').waitFor();
      await phone.getByRole('button', { name: 'Save profile' }).click();
      await heading(phone, 'Sign in');

      // And everywhere, from the phone after signing in again: the laptop is signed out too.
      await signIn(phone, user.email, password);
      await heading(phone, 'Your account');
      await phone.getByRole('button', { name: 'Sign out everywhere' }).click();
      await phone.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
      await heading(phone, 'Sign in');
      await laptop.getByRole('button', { name: 'Save profile' }).click();
      await heading(laptop, 'Sign in');
      const active = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`,
        [user.id],
      );
      expect(active[0].n).toBe(0);
    }, 60_000);

    it('renews a refused access token from the cookie and retries, without the person noticing', async () => {
      const { user, password } = await createUser(t);
      const page = await person();
      await page.goto('/sign-in');
      await signIn(page, user.email, password);
      await heading(page, 'Your account');
      // The next save carries a token the API refuses, as it refuses an expired one (401).
      let refused = false;
      await page.route('**/api/v1/users/me', async (route) => {
        if (refused || route.request().method() !== 'PATCH') return route.continue();
        refused = true;
        await route.continue({
          headers: { ...route.request().headers(), authorization: 'Bearer expired.access.token' },
        });
      });
      const renewed = page.waitForResponse(
        (response) => response.url().endsWith('/api/v1/auth/refresh') && response.status() === 200,
      );
      await page.getByLabel('Name', { exact: true }).fill('Still Here');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await renewed;
      await page.getByText('Your profile is saved.').waitFor();
      expect(refused).toBe(true);
      const me = await t.request('GET', '/api/v1/users/me', {
        token: (await login(t, user.email, password)).accessToken,
      });
      expect(me.body.name).toBe('Still Here');
    }, 60_000);

    it('fits a 360 px screen and follows the dark system theme', async () => {
      const { user, password } = await createUser(t);
      const phone = await person({ viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
      await phone.goto('/sign-in');
      await heading(phone, 'Sign in');
      const background = await phone.evaluate<string>(
        'getComputedStyle(document.body).backgroundColor',
      );
      expect(background).toBe('rgb(15, 18, 22)');
      await check(phone, 'sign-in-phone-dark');
      await signIn(phone, user.email, password);
      await heading(phone, 'Your account');
      for (const path of ['/account', '/organizations']) {
        await phone.goto(path);
        await phone.getByRole('heading', { level: 1 }).waitFor();
        const overflow = await phone.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect({ path, overflow }).toEqual({ path, overflow: 0 });
      }
      await check(phone, 'organizations-phone-dark');
    }, 60_000);
  });
});
