import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** The claims a test wants the next sign-in at a provider to carry. */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** What the test makes the person at the provider do. */
export type Outcome = 'approve' | 'deny';

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// oidc-provider ships no type declarations; this is the little of it the tests use.
interface OidcProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
}

export interface TestOidcProvider {
  issuer: string;
  /** Who signs in next, and whether they approve. */
  next(account: TestAccount, outcome?: Outcome): void;
  /** Requests to the userinfo endpoint so far. */
  userinfoCalls: number;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider 7) on loopback, with one confidential client.
 * Its interaction logs in whoever `next()` named at once (no login form). With
 * `emailInIdToken: false`, email claims are only served by userinfo (the OIDC default).
 */
export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  emailInIdToken: boolean;
}): Promise<TestOidcProvider> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Provider = require('oidc-provider');
  // The bundled in-memory adapter, named as ours so the library does not warn about it.
  const MemoryAdapter = require('oidc-provider/lib/adapters/memory_adapter');
  /* eslint-enable @typescript-eslint/no-require-imports */
  class TestAdapter extends MemoryAdapter {}
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const accounts = new Map<string, TestAccount>();
  let nextAccount: TestAccount | null = null;
  let nextOutcome: Outcome = 'approve';
  let provider: OidcProviderInstance | null = null;
  const state = { userinfoCalls: 0 };

  const { server, url } = await listen((req, res) => {
    if (!provider) return void res.writeHead(503).end();
    if (req.url?.startsWith('/me')) state.userinfoCalls += 1;
    if (req.url?.startsWith('/interaction/')) {
      const account = nextAccount;
      const result =
        nextOutcome === 'deny' || !account
          ? { error: 'access_denied', error_description: 'The person said no' }
          : { login: { accountId: account.sub } };
      provider
        .interactionFinished(req, res, result, { mergeWithLastSubmission: false })
        .catch((error: Error) => res.writeHead(500).end(error.message));
      return;
    }
    provider.callback()(req, res);
  });

  provider = new Provider(url, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      return Promise.resolve(account && { accountId: id, claims: () => ({ ...account }) });
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: !options.emailInIdToken,
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    pkce: { methods: ['S256'], required: () => true },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    adapter: TestAdapter,
    jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
    // First-party client: consent is implied, so the login is the only interaction.
    async loadExistingGrant(ctx: any) {
      const { Grant } = ctx.oidc.provider;
      const grant = new Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });

  return {
    issuer: url,
    next(account, outcome = 'approve') {
      accounts.set(account.sub, account);
      nextAccount = account;
      nextOutcome = outcome;
    },
    get userinfoCalls() {
      return state.userinfoCalls;
    },
    close: () => close(server),
  };
}

export interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export interface TestGithub {
  /** Both OAUTH_GITHUB_BASE_URL and OAUTH_GITHUB_API_URL. */
  url: string;
  next(user: GithubUser, outcome?: Outcome): void;
  close(): Promise<void>;
}

/**
 * GitHub's documented OAuth endpoints, as a small stand-in: authorize (approves at once as
 * `next()`'s user), access_token (checks client secret, code, redirect URI and the PKCE
 * verifier), /user and /user/emails.
 */
export async function startGithubStandIn(options: {
  clientId: string;
  clientSecret: string;
}): Promise<TestGithub> {
  let nextUser: GithubUser | null = null;
  let nextOutcome: Outcome = 'approve';
  const codes = new Map<string, { user: GithubUser; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, GithubUser>();

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const { server, url } = await listen((req, res) => {
    const requestUrl = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && requestUrl.pathname === '/login/oauth/authorize') {
      const params = requestUrl.searchParams;
      const redirect = new URL(params.get('redirect_uri') ?? '');
      redirect.searchParams.set('state', params.get('state') ?? '');
      if (
        params.get('client_id') !== options.clientId ||
        params.get('code_challenge_method') !== 'S256' ||
        !nextUser
      ) {
        return json(res, 400, { error: 'bad request' });
      }
      if (nextOutcome === 'deny') {
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(10).toString('hex');
        codes.set(code, {
          user: nextUser,
          challenge: params.get('code_challenge') ?? '',
          redirectUri: params.get('redirect_uri') ?? '',
        });
        redirect.searchParams.set('code', code);
      }
      return void res.writeHead(302, { location: redirect.toString() }).end();
    }
    if (req.method === 'POST' && requestUrl.pathname === '/login/oauth/access_token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (
          !grant ||
          form.get('client_id') !== options.clientId ||
          form.get('client_secret') !== options.clientSecret ||
          form.get('redirect_uri') !== grant.redirectUri ||
          challenge !== grant.challenge
        ) {
          // GitHub's way: 200 with an error field.
          return json(res, 200, { error: 'bad_verification_code' });
        }
        const token = `gho_${randomBytes(16).toString('hex')}`;
        tokens.set(token, grant.user);
        json(res, 200, {
          access_token: token,
          token_type: 'bearer',
          scope: 'read:user,user:email',
        });
      });
      return;
    }
    const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return json(res, 401, { message: 'Bad credentials' });
    if (requestUrl.pathname === '/user') {
      return json(res, 200, { id: user.id, login: user.login, name: user.name });
    }
    if (requestUrl.pathname === '/user/emails') return json(res, 200, user.emails);
    json(res, 404, { message: 'Not Found' });
  });

  return {
    url,
    next(user, outcome = 'approve') {
      nextUser = user;
      nextOutcome = outcome;
    },
    close: () => close(server),
  };
}

/**
 * A browser as far as redirects and cookies go: follows nothing by itself, keeps cookies per
 * host (paths ignored: every cookie here is scoped to where it is used anyway).
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  async get(url: string): Promise<Response> {
    const host = new URL(url).host;
    const cookies = [...(this.jar.get(host) ?? new Map<string, string>())]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const response = await fetch(url, {
      redirect: 'manual',
      headers: cookies ? { cookie: cookies } : {},
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      const hostCookies = this.jar.get(host) ?? new Map<string, string>();
      if (expired || value === '') hostCookies.delete(name);
      else hostCookies.set(name, value);
      this.jar.set(host, hostCookies);
    }
    return response;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /** GETs `url` and follows redirects while `keepGoing(next)` says so; returns the last URL. */
  async follow(url: string, keepGoing: (next: string) => boolean): Promise<string> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.get(current);
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(`Expected a redirect from ${current}, got ${response.status}`);
      }
      const next = new URL(location, current).toString();
      if (!keepGoing(next)) return next;
      current = next;
    }
    throw new Error('Too many redirects');
  }
}
