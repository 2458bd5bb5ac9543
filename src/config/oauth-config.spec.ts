import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { issuerUrlProblem } from './oauth-config';

describe('social sign-in settings', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-oauth-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });

  it('offers no provider by default and sends the browser back to APP_URL/oauth/callback', () => {
    expect(load({ APP_URL: 'https://id.example.com/' }).oauth).toEqual({
      successRedirect: 'https://id.example.com/oauth/callback',
      google: null,
      github: null,
      oidc: [],
    });
    expect(load({ OAUTH_SUCCESS_REDIRECT: 'https://app.example/done' }).oauth.successRedirect).toBe(
      'https://app.example/done',
    );
  });

  it('reads Google, GitHub and any number of OpenID Connect providers', () => {
    const { oauth } = load({
      OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      OAUTH_GITHUB_CLIENT_ID: 'gh-id',
      OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
      OIDC_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/main',
      OIDC_KEYCLOAK_CLIENT_ID: 'kc-id',
      OIDC_KEYCLOAK_CLIENT_SECRET: 'kc-secret',
      OIDC_MY_IDP_ISSUER: 'http://127.0.0.1:4000',
      OIDC_MY_IDP_CLIENT_ID: 'mine',
      OIDC_MY_IDP_CLIENT_SECRET: 'mine-secret',
      OIDC_MY_IDP_DISPLAY_NAME: 'My Company',
    });
    expect(oauth.google).toEqual({
      clientId: 'g-id',
      clientSecret: 'g-secret',
      issuer: 'https://accounts.google.com',
    });
    expect(oauth.github).toEqual({
      clientId: 'gh-id',
      clientSecret: 'gh-secret',
      baseUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
    });
    expect(oauth.oidc).toEqual([
      {
        id: 'keycloak',
        name: 'Keycloak',
        issuer: 'https://sso.example.com/realms/main',
        clientId: 'kc-id',
        clientSecret: 'kc-secret',
      },
      {
        id: 'my_idp',
        name: 'My Company',
        issuer: 'http://127.0.0.1:4000',
        clientId: 'mine',
        clientSecret: 'mine-secret',
      },
    ]);
  });

  it.each([
    [{ OAUTH_GOOGLE_CLIENT_ID: 'x' }, 'OAUTH_GOOGLE_CLIENT_SECRET'],
    [{ OAUTH_GITHUB_CLIENT_SECRET: 'x' }, 'OAUTH_GITHUB_CLIENT_ID'],
    [
      { OIDC_ACME_ISSUER: 'https://acme.example', OIDC_ACME_CLIENT_ID: 'x' },
      'OIDC_ACME_CLIENT_SECRET',
    ],
    [{ OIDC_ACME_CLIENT_SECRET: 'x' }, 'OIDC_ACME_ISSUER'],
    [
      {
        OIDC_ACME_ISSUER: 'http://acme.example',
        OIDC_ACME_CLIENT_ID: 'x',
        OIDC_ACME_CLIENT_SECRET: 'y',
      },
      'OIDC_ACME_ISSUER',
    ],
    [
      { OAUTH_GOOGLE_CLIENT_ID: 'x', OAUTH_GOOGLE_CLIENT_SECRET: 'y', OAUTH_GOOGLE_ISSUER: 'nope' },
      'OAUTH_GOOGLE_ISSUER',
    ],
    [
      {
        OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
        OIDC_GOOGLE_CLIENT_ID: 'x',
        OIDC_GOOGLE_CLIENT_SECRET: 'y',
      },
      'OIDC_GOOGLE_ISSUER',
    ],
    [{ OIDC_ACME_SCOPE: 'openid' }, 'OIDC_ACME_SCOPE'],
  ])('refuses %p, naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(new RegExp(`^[\\s\\S]*${variable}:`));
  });

  it('allows plain http issuers only on loopback', () => {
    expect(issuerUrlProblem('https://accounts.google.com')).toBeNull();
    expect(issuerUrlProblem('http://localhost:8080/realms/x')).toBeNull();
    expect(issuerUrlProblem('http://127.0.0.1:4000')).toBeNull();
    expect(issuerUrlProblem('http://[::1]:4000')).toBeNull();
    expect(issuerUrlProblem('http://localhost.evil.example')).toMatch(/https/);
    expect(issuerUrlProblem('ftp://example.com')).toMatch(/https/);
    expect(issuerUrlProblem('not a url')).toMatch(/URL/);
  });
});
