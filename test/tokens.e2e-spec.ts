import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { SigningKeysService } from '../src/auth/tokens/signing-keys.service';
import { createUser, login, TokenResponse } from './support/factories';
import { startTestApp, TestApp, TestResponse } from './support/test-app';

const ME = '/api/v1/users/me';
const VERIFY = '/api/v1/auth/token/verify';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const LOGOUT_ALL = '/api/v1/auth/logout-all';
const SESSIONS = '/api/v1/auth/sessions';
const JWKS_PATH = '/.well-known/jwks.json';

const NO_RATE_LIMITS = { RATE_LIMIT_ENABLED: 'false' };
const DAY = 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;
type Signer = (signingInput: string) => Buffer;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64url = (value: Json | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS; `undefined` members are dropped by JSON.stringify (how we omit `kid`, `typ`…). */
function jwt(header: Json, payload: Json, signer?: Signer): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${signer ? signer(signingInput).toString('base64url') : ''}`;
}

const es256 =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });

const hs256 =
  (secret: string | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest();

/** Status and problem `code` as one value, so a failure shows both. */
function outcome(res: TestResponse): { status: number; code?: string } {
  const body = res.body as { code?: string } | string | undefined;
  return { status: res.status, code: typeof body === 'object' ? body?.code : undefined };
}

const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

const asUser = async (app: TestApp, token: string) =>
  outcome(await app.request('GET', ME, { token }));

const verifyToken = async (app: TestApp, token: string) =>
  outcome(await app.request('POST', VERIFY, { body: { token } }));

const refresh = (app: TestApp, refreshToken: string) =>
  app.request<TokenResponse>('POST', REFRESH, { body: { refreshToken } });

const OK = { status: 200 };
const DENIED = { status: 401, code: 'unauthorized' };
const INVALID = { status: 401, code: 'token_invalid' };
const REUSED = { status: 401, code: 'token_reused' };

/** A fresh verified user, signed in once. */
async function signedIn(app: TestApp, extra: { rememberMe?: boolean } = {}) {
  const { user, password } = await createUser(app);
  const tokens = await login(app, user.email, password, extra);
  return { user, password, tokens, sid: sidOf(tokens.accessToken) };
}

/** Every token of a session is dead: its access token on both checks, its refresh token. */
async function expectSessionDead(app: TestApp, tokens: TokenResponse) {
  expect(await asUser(app, tokens.accessToken)).toEqual(DENIED);
  expect(await verifyToken(app, tokens.accessToken)).toEqual(INVALID);
  expect(outcome(await refresh(app, tokens.refreshToken))).toEqual(INVALID);
}

// ---------------------------------------------------------------------------------------------
// Forgeries. Each builds a token from the context below; every one must be refused by the
// bearer guard (401 unauthorized) and by POST /token/verify (401 token_invalid).
// ---------------------------------------------------------------------------------------------

interface ForgeContext {
  /** Our active key (the real private half, through SigningKeysService) and its JWK. */
  kid: string;
  privateKey: KeyObject;
  jwk: Json & { x: string; y: string };
  publicPem: string;
  attacker: { kid: string; privateKey: KeyObject; jwk: Json; spkiDer: Buffer };
  attackerUrl: string;
  /** A live session's tokens: the claims below name it, so only the forged aspect is wrong. */
  tokens: TokenResponse;
  header(overrides?: Json): Json;
  claims(overrides?: Json): Json;
}

const ours = (c: ForgeContext) => es256(c.privateKey);
const theirs = (c: ForgeContext) => es256(c.attacker.privateKey);
const rawPoint = (c: ForgeContext) =>
  Buffer.concat([Buffer.from(c.jwk.x, 'base64url'), Buffer.from(c.jwk.y, 'base64url')]);

const forgeries: Array<[string, (c: ForgeContext) => string]> = [
  ['alg "none"', (c) => jwt(c.header({ alg: 'none' }), c.claims())],
  ['alg "None"', (c) => jwt(c.header({ alg: 'None' }), c.claims())],
  ['alg "NONE"', (c) => jwt(c.header({ alg: 'NONE' }), c.claims())],
  ['alg "none" without kid or typ', (c) => jwt({ alg: 'none' }, c.claims())],
  [
    'alg "none" keeping a real signature',
    (c) => {
      const real = jwt(c.header(), c.claims(), ours(c)).split('.')[2];
      return `${jwt(c.header({ alg: 'none' }), c.claims()).slice(0, -1)}.${real}`;
    },
  ],
  [
    'HS256 keyed with our public key as PEM',
    (c) => jwt(c.header({ alg: 'HS256' }), c.claims(), hs256(c.publicPem)),
  ],
  [
    'HS256 keyed with our public key as JWK JSON',
    (c) => jwt(c.header({ alg: 'HS256' }), c.claims(), hs256(JSON.stringify(c.jwk))),
  ],
  [
    'HS256 keyed with our raw public key x||y',
    (c) => jwt(c.header({ alg: 'HS256' }), c.claims(), hs256(rawPoint(c))),
  ],
  [
    'HS256 keyed with our uncompressed point 04||x||y',
    (c) =>
      jwt(
        c.header({ alg: 'HS256' }),
        c.claims(),
        hs256(Buffer.concat([Buffer.from([4]), rawPoint(c)])),
      ),
  ],
  [
    'an unknown kid (signed with our key)',
    (c) => jwt(c.header({ kid: 'no-such-key' }), c.claims(), ours(c)),
  ],
  ['no kid (signed with our key)', (c) => jwt(c.header({ kid: undefined }), c.claims(), ours(c))],
  ['a foreign P-256 key under our kid', (c) => jwt(c.header(), c.claims(), theirs(c))],
  [
    'a jku header pointing at the attacker JWKS',
    (c) =>
      jwt(
        c.header({ kid: c.attacker.kid, jku: `${c.attackerUrl}/jwks.json` }),
        c.claims(),
        theirs(c),
      ),
  ],
  [
    'a jku header under our kid',
    (c) => jwt(c.header({ jku: `${c.attackerUrl}/jwks.json` }), c.claims(), theirs(c)),
  ],
  [
    'an x5u header pointing at the attacker certificate',
    (c) =>
      jwt(
        c.header({ kid: c.attacker.kid, x5u: `${c.attackerUrl}/cert.pem` }),
        c.claims(),
        theirs(c),
      ),
  ],
  [
    'a jwk header embedding the attacker key',
    (c) => jwt(c.header({ kid: c.attacker.kid, jwk: c.attacker.jwk }), c.claims(), theirs(c)),
  ],
  [
    'a jwk header embedding the attacker key under our kid',
    (c) => jwt(c.header({ jwk: { ...c.attacker.jwk, kid: c.kid } }), c.claims(), theirs(c)),
  ],
  [
    'an x5c header carrying the attacker key',
    (c) =>
      jwt(
        c.header({ kid: c.attacker.kid, x5c: [c.attacker.spkiDer.toString('base64')] }),
        c.claims(),
        theirs(c),
      ),
  ],
  ['a wrong iss', (c) => jwt(c.header(), c.claims({ iss: 'https://evil.example' }), ours(c))],
  ['no iss', (c) => jwt(c.header(), c.claims({ iss: undefined }), ours(c))],
  ['a wrong aud', (c) => jwt(c.header(), c.claims({ aud: 'another-service' }), ours(c))],
  ['an aud list without ours', (c) => jwt(c.header(), c.claims({ aud: ['a', 'b'] }), ours(c))],
  ['typ "JWT"', (c) => jwt(c.header({ typ: 'JWT' }), c.claims(), ours(c))],
  ['no typ', (c) => jwt(c.header({ typ: undefined }), c.claims(), ours(c))],
  [
    'an expired token',
    (c) => jwt(c.header(), c.claims({ iat: nowSeconds() - 960, exp: nowSeconds() - 60 }), ours(c)),
  ],
  [
    'a token that expired a second ago',
    (c) => jwt(c.header(), c.claims({ iat: nowSeconds() - 901, exp: nowSeconds() - 1 }), ours(c)),
  ],
  [
    'a not-yet-valid token (iat an hour ahead)',
    (c) =>
      jwt(c.header(), c.claims({ iat: nowSeconds() + 3600, exp: nowSeconds() + 4500 }), ours(c)),
  ],
  [
    'a not-yet-valid token (nbf an hour ahead)',
    (c) => jwt(c.header(), c.claims({ nbf: nowSeconds() + 3600 }), ours(c)),
  ],
  ['no sid', (c) => jwt(c.header(), c.claims({ sid: undefined }), ours(c))],
  ['no exp', (c) => jwt(c.header(), c.claims({ exp: undefined }), ours(c))],
  [
    'a real token with its signature stripped',
    (c) => `${c.tokens.accessToken.split('.').slice(0, 2).join('.')}.`,
  ],
  [
    'a real token with another sub spliced in',
    (c) => {
      const [header, , signature] = c.tokens.accessToken.split('.');
      const payload = { ...decodeJwt(c.tokens.accessToken), sub: randomUUID() };
      return `${header}.${b64url(payload)}.${signature}`;
    },
  ],
  // base64url decoding skips what is not base64url: the same signature, another string.
  ['a real token with padding after its signature', (c) => `${c.tokens.accessToken}==`],
  [
    'a real token with a stray character in its signature',
    (c) => `${c.tokens.accessToken.slice(0, -4)}~${c.tokens.accessToken.slice(-4)}`,
  ],
  ['a refresh token', (c) => c.tokens.refreshToken],
  [
    'a 6 KB token (signed with our key)',
    (c) => jwt(c.header(), c.claims({ padding: 'x'.repeat(4 * 1024) }), ours(c)),
  ],
  [
    'a 10 KB token (signed with our key)',
    (c) => jwt(c.header(), c.claims({ padding: 'x'.repeat(10 * 1024) }), ours(c)),
  ],
  ['a payload that is not JSON', (c) => `${b64url(c.header())}.${b64url('not json')}.AAAA`],
  ['a payload that is a JSON array', (c) => jwt(c.header(), [] as unknown as Json, ours(c))],
];

const garbage = [
  'garbage',
  'a.b.c',
  'a.b',
  'a.b.c.d',
  '...',
  'e30.e30.',
  'eyJhbGciOiJFUzI1NiJ9',
  'not a token',
];

describe('access tokens, refresh tokens and sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: NO_RATE_LIMITS });
  });
  afterAll(() => t.close());

  describe('issued access tokens', () => {
    it('verify offline against the published JWKS (ES256, at+jwt, RFC 9068 claims)', async () => {
      const { user, tokens } = await signedIn(t);
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

      const jwks = createRemoteJWKSet(new URL(`${t.url}${JWKS_PATH}`));
      const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, jwks, {
        issuer: t.config.auth.issuer,
        audience: 'gatehouse',
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
      expect(payload).toEqual({
        iss: t.config.auth.issuer,
        aud: 'gatehouse',
        sub: user.id,
        sid: expect.stringMatching(UUID),
        jti: expect.stringMatching(UUID),
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(payload.exp! - payload.iat!).toBe(900);
      expect(Math.abs(payload.iat! - nowSeconds())).toBeLessThanOrEqual(5);
    });

    it('publishes only public halves in the JWKS', async () => {
      const res = await t.request('GET', JWKS_PATH);
      expect(res.status).toBe(200);
      const { kid } = t.app.get(SigningKeysService).signingKey();
      for (const key of res.body.keys) {
        expect(key).toEqual({
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.any(String),
          alg: 'ES256',
          use: 'sig',
        });
      }
      expect(res.body.keys.map((key: Json) => key.kid)).toContain(kid);
    });

    it('gives each login its own session and jti', async () => {
      const { user, password, tokens } = await signedIn(t);
      const again = await login(t, user.username, password);
      expect(sidOf(again.accessToken)).not.toBe(sidOf(tokens.accessToken));
      expect(decodeJwt(again.accessToken).jti).not.toBe(decodeJwt(tokens.accessToken).jti);
      expect(again.refreshToken).not.toBe(tokens.refreshToken);
    });
  });

  describe('forged and misused tokens', () => {
    let c: ForgeContext;
    let attackerServer: Server;
    const attackerHits: string[] = [];

    beforeAll(async () => {
      const { tokens } = await signedIn(t);
      const { kid, privateKey } = t.app.get(SigningKeysService).signingKey();
      const jwks = await t.request('GET', JWKS_PATH);
      const jwk = jwks.body.keys.find((key: Json) => key.kid === kid);

      const attackerPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const attackerKid = 'attacker-key';
      const attackerJwk = {
        ...attackerPair.publicKey.export({ format: 'jwk' }),
        kid: attackerKid,
        alg: 'ES256',
        use: 'sig',
      };
      // The attacker's own key server: Gatehouse must never ask it anything.
      attackerServer = createServer((req, res) => {
        attackerHits.push(`${req.method} ${req.url}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [attackerJwk] }));
      });
      await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
      const { port } = attackerServer.address() as AddressInfo;

      const claims = decodeJwt(tokens.accessToken);
      c = {
        kid,
        privateKey,
        jwk,
        publicPem: createPublicKey({ key: jwk, format: 'jwk' })
          .export({ format: 'pem', type: 'spki' })
          .toString(),
        attacker: {
          kid: attackerKid,
          privateKey: attackerPair.privateKey,
          jwk: attackerJwk,
          spkiDer: attackerPair.publicKey.export({ format: 'der', type: 'spki' }),
        },
        attackerUrl: `http://127.0.0.1:${port}`,
        tokens,
        header: (overrides = {}) => ({ alg: 'ES256', typ: 'at+jwt', kid, ...overrides }),
        claims: (overrides = {}) => ({
          ...claims,
          jti: randomUUID(),
          iat: nowSeconds(),
          exp: nowSeconds() + 900,
          ...overrides,
        }),
      };
    });
    afterAll(() => new Promise((resolve) => attackerServer.close(resolve)));

    it('accepts a token minted with our key and the same claims (control)', async () => {
      const token = jwt(c.header(), c.claims(), ours(c));
      expect(await asUser(t, token)).toEqual(OK);
      expect(await verifyToken(t, token)).toEqual(OK);
    });

    it.each(forgeries)('refuses %s', async (_case, forge) => {
      const token = forge(c);
      expect(await asUser(t, token)).toEqual(DENIED);
      expect(await verifyToken(t, token)).toEqual(INVALID);
    });

    it.each(garbage)('refuses the garbage string %j', async (token) => {
      expect(await asUser(t, token)).toEqual(DENIED);
      expect(await verifyToken(t, token)).toEqual(INVALID);
    });

    it('never fetched a key from jku, x5u, jwk or x5c', () => {
      expect(attackerHits).toEqual([]);
    });

    it('refuses a missing or non-bearer Authorization header', async () => {
      expect(outcome(await t.request('GET', ME))).toEqual(DENIED);
      const basic = await t.request('GET', ME, {
        headers: { authorization: `Basic ${c.tokens.accessToken}` },
      });
      expect(outcome(basic)).toEqual(DENIED);
    });

    it('refuses an access token presented as a refresh token', async () => {
      expect(outcome(await refresh(t, c.tokens.accessToken))).toEqual(INVALID);
      // The session itself is untouched by the attempt.
      expect(await asUser(t, c.tokens.accessToken)).toEqual(OK);
    });

    it('refuses an unknown refresh token', async () => {
      expect(outcome(await refresh(t, 'x'.repeat(43)))).toEqual(INVALID);
    });
  });

  describe('POST /token/verify', () => {
    it('answers { valid: true, claims } for a good token, and 401 once it is logged out', async () => {
      const { user, tokens } = await signedIn(t);
      const ok = await t.request('POST', VERIFY, { body: { token: tokens.accessToken } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ valid: true, claims: decodeJwt(tokens.accessToken) });
      expect(ok.body.claims.sub).toBe(user.id);

      const out = await t.request('POST', LOGOUT, { token: tokens.accessToken });
      expect(out.status).toBe(204);
      expect(await verifyToken(t, tokens.accessToken)).toEqual(INVALID);
    });
  });

  describe('refresh rotation', () => {
    it('returns a new pair of the same session and spends the old refresh token', async () => {
      const { user, tokens, sid } = await signedIn(t);
      // Opaque, at least 256 bits: not a JWT.
      expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);

      const res = await refresh(t, tokens.refreshToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { id: user.id },
      });
      expect(res.body.accessToken).not.toBe(tokens.accessToken);
      expect(res.body.refreshToken).not.toBe(tokens.refreshToken);
      expect(sidOf(res.body.accessToken)).toBe(sid);
      expect(await asUser(t, res.body.accessToken)).toEqual(OK);

      // The new refresh token rotates in turn.
      const next = await refresh(t, res.body.refreshToken);
      expect(next.status).toBe(200);
      expect(sidOf(next.body.accessToken)).toBe(sid);
    });

    it('lists a session as used at its last refresh, without writing its row', async () => {
      const { tokens, sid } = await signedIn(t);
      const lastUsedAt = async (accessToken: string): Promise<number> => {
        const res = await t.request('GET', SESSIONS, { token: accessToken });
        expect(res.status).toBe(200);
        const item = res.body.items.find((session: Json) => session.id === sid);
        return Date.parse(item.lastUsedAt);
      };
      const rowVersion = async (): Promise<string> => {
        const [row] = await t.dataSource.query(
          `SELECT xmin::text AS v FROM sessions WHERE id = $1`,
          [sid],
        );
        return row.v;
      };
      const atSignIn = await lastUsedAt(tokens.accessToken);
      const versionAtSignIn = await rowVersion();
      const before = Date.now();

      const res = await refresh(t, tokens.refreshToken);
      expect(res.status).toBe(200);
      const atRefresh = await lastUsedAt(res.body.accessToken);
      expect(atRefresh).toBeGreaterThan(atSignIn);
      expect(atRefresh).toBeGreaterThanOrEqual(before - 1000);
      expect(await rowVersion()).toBe(versionAtSignIn);
    });

    it('answers a spent refresh token with 401 token_reused and revokes the whole session', async () => {
      const { tokens } = await signedIn(t);
      const other = await signedIn(t);
      const rotated = await refresh(t, tokens.refreshToken);
      expect(rotated.status).toBe(200);

      expect(outcome(await refresh(t, tokens.refreshToken))).toEqual(REUSED);
      // Every token of the family is dead: the successor pair and the original access token.
      await expectSessionDead(t, rotated.body);
      expect(await asUser(t, tokens.accessToken)).toEqual(DENIED);
      // Another user's session is not affected.
      expect(await asUser(t, other.tokens.accessToken)).toEqual(OK);
    });

    it.each([
      ['without rememberMe', false, DAY],
      ['with rememberMe', true, 30 * DAY],
    ])(
      'gives refresh tokens %s a lifetime of REFRESH_TOKEN_TTL(_REMEMBER)',
      async (_case, rememberMe, ttl) => {
        const { tokens } = await signedIn(t, { rememberMe });
        expect(tokens.refreshExpiresIn).toBeLessThanOrEqual(ttl);
        expect(tokens.refreshExpiresIn).toBeGreaterThan(ttl - 60);
        const res = await refresh(t, tokens.refreshToken);
        expect(res.status).toBe(200);
        expect(res.body.refreshExpiresIn).toBeLessThanOrEqual(ttl);
        expect(res.body.refreshExpiresIn).toBeGreaterThan(ttl - 60);
      },
    );

    it('lets exactly one of two parallel refreshes with the same token win', async () => {
      const { tokens } = await signedIn(t);
      const results = await Promise.all([
        refresh(t, tokens.refreshToken),
        refresh(t, tokens.refreshToken),
      ]);
      const outcomes = results.map(outcome).sort((a, b) => a.status - b.status);
      expect(outcomes).toEqual([OK, REUSED]);
    });
  });

  describe('logout and sessions', () => {
    it('logout kills the access token at once and the refresh token, nothing else', async () => {
      const { user, password, tokens } = await signedIn(t);
      const otherDevice = await login(t, user.email, password);
      expect(await asUser(t, tokens.accessToken)).toEqual(OK);

      const out = await t.request('POST', LOGOUT, { token: tokens.accessToken });
      expect(out.status).toBe(204);
      await expectSessionDead(t, tokens);
      // A second logout with the dead token is itself refused.
      expect(outcome(await t.request('POST', LOGOUT, { token: tokens.accessToken }))).toEqual(
        DENIED,
      );
      expect(await asUser(t, otherDevice.accessToken)).toEqual(OK);
    });

    it('logout-all kills every session of the user and only theirs', async () => {
      const { user, password, tokens } = await signedIn(t);
      const second = await login(t, user.email, password, { rememberMe: true });
      const stranger = await signedIn(t);

      const out = await t.request('POST', LOGOUT_ALL, { token: tokens.accessToken });
      expect(out.status).toBe(204);
      await expectSessionDead(t, tokens);
      await expectSessionDead(t, second);
      expect(await asUser(t, stranger.tokens.accessToken)).toEqual(OK);
    });

    it('lists the active sessions, marking the caller’s as current', async () => {
      const { user, password, tokens, sid } = await signedIn(t);
      const second = await login(t, user.email, password);
      const dead = await login(t, user.email, password);
      expect((await t.request('POST', LOGOUT, { token: dead.accessToken })).status).toBe(204);

      const res = await t.request('GET', SESSIONS, { token: tokens.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items).toHaveLength(2);
      const byId = new Map(res.body.items.map((item: Json) => [item.id, item]));
      expect(byId.get(sid)).toEqual({
        id: sid,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        userAgent: expect.any(String),
        ip: expect.any(String),
        current: true,
      });
      expect(byId.get(sidOf(second.accessToken))).toMatchObject({ current: false });
      expect(byId.has(sidOf(dead.accessToken))).toBe(false);
    });

    it('DELETE /sessions/:id revokes another of the user’s sessions', async () => {
      const { user, password, tokens, sid } = await signedIn(t);
      const second = await login(t, user.email, password);
      const secondSid = sidOf(second.accessToken);

      const res = await t.request('DELETE', `${SESSIONS}/${secondSid}`, {
        token: tokens.accessToken,
      });
      expect(res.status).toBe(204);
      await expectSessionDead(t, second);
      expect(await asUser(t, tokens.accessToken)).toEqual(OK);

      const list = await t.request('GET', SESSIONS, { token: tokens.accessToken });
      expect(list.status).toBe(200);
      expect(list.body.items.map((item: Json) => item.id)).toEqual([sid]);

      // Already revoked: no longer an active session.
      const again = await t.request('DELETE', `${SESSIONS}/${secondSid}`, {
        token: tokens.accessToken,
      });
      expect(outcome(again)).toEqual({ status: 404, code: 'not_found' });
    });

    it.each([
      ['an unknown session id', () => randomUUID()],
      ['a malformed session id', () => 'not-a-uuid'],
    ])('DELETE /sessions/:id answers 404 for %s', async (_case, id) => {
      const { tokens } = await signedIn(t);
      const res = await t.request('DELETE', `${SESSIONS}/${id()}`, { token: tokens.accessToken });
      expect(outcome(res)).toEqual({ status: 404, code: 'not_found' });
    });

    it('DELETE /sessions/:id answers 404 for someone else’s session and leaves it alone', async () => {
      const me = await signedIn(t);
      const victim = await signedIn(t);
      const res = await t.request('DELETE', `${SESSIONS}/${victim.sid}`, {
        token: me.tokens.accessToken,
      });
      expect(outcome(res)).toEqual({ status: 404, code: 'not_found' });
      expect(await asUser(t, victim.tokens.accessToken)).toEqual(OK);
      expect((await refresh(t, victim.tokens.refreshToken)).status).toBe(200);
    });
  });

  // Last in this app: it adds a signing key.
  describe('signing-key rotation', () => {
    it('publishes both keys, keeps old tokens valid and signs new ones with the new key', async () => {
      const keys = t.app.get(SigningKeysService);
      const before = await signedIn(t);
      const oldKid = decodeProtectedHeader(before.tokens.accessToken).kid;
      const published = (await t.request('GET', JWKS_PATH)).body.keys.length;

      const newKid = await keys.rotate();
      expect(newKid).not.toBe(oldKid);

      const jwks = await t.request('GET', JWKS_PATH);
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys).toHaveLength(published + 1);
      expect(jwks.body.keys.map((key: Json) => key.kid)).toEqual(
        expect.arrayContaining([oldKid, newKid]),
      );

      // Issued before the rotation: still accepted, here and by an offline verifier.
      expect(await asUser(t, before.tokens.accessToken)).toEqual(OK);
      expect(await verifyToken(t, before.tokens.accessToken)).toEqual(OK);
      const remote = createRemoteJWKSet(new URL(`${t.url}${JWKS_PATH}`));
      const options = { issuer: t.config.auth.issuer, audience: 'gatehouse', typ: 'at+jwt' };
      await expect(jwtVerify(before.tokens.accessToken, remote, options)).resolves.toBeDefined();

      // Issued after: the new kid, by login and by refresh.
      const after = await login(t, before.user.email, before.password);
      expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
      expect(await asUser(t, after.accessToken)).toEqual(OK);
      await expect(jwtVerify(after.accessToken, remote, options)).resolves.toBeDefined();
      const refreshed = await refresh(t, before.tokens.refreshToken);
      expect(refreshed.status).toBe(200);
      expect(decodeProtectedHeader(refreshed.body.accessToken).kid).toBe(newKid);
    });
  });
});

describe('SESSION_MAX_AGE=1h', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ...NO_RATE_LIMITS, SESSION_MAX_AGE: '1h' } });
  });
  afterAll(() => t.close());

  it.each([
    ['without rememberMe', false],
    ['with rememberMe', true],
  ])('never lets refreshExpiresIn reach past the session (%s)', async (_case, rememberMe) => {
    const { tokens } = await signedIn(t, { rememberMe });
    expect(tokens.refreshExpiresIn).toBeLessThanOrEqual(3600);
    expect(tokens.refreshExpiresIn).toBeGreaterThan(3600 - 60);
    const res = await refresh(t, tokens.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.refreshExpiresIn).toBeLessThanOrEqual(tokens.refreshExpiresIn);
  });
});

describe('REFRESH_REUSE_GRACE=30s', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ...NO_RATE_LIMITS, REFRESH_REUSE_GRACE: '30s' } });
  });
  afterAll(() => t.close());

  it('gives a concurrent retry a working pair of the same session', async () => {
    const { tokens, sid } = await signedIn(t);
    const results = await Promise.all([
      refresh(t, tokens.refreshToken),
      refresh(t, tokens.refreshToken),
    ]);
    expect(results.map(outcome)).toEqual([OK, OK]);
    const [first, second] = results.map((res) => res.body);
    expect(first.refreshToken).not.toBe(second.refreshToken);
    for (const pair of [first, second]) {
      expect(sidOf(pair.accessToken)).toBe(sid);
      expect(await asUser(t, pair.accessToken)).toEqual(OK);
    }
    // Both successors rotate on their own.
    expect((await refresh(t, first.refreshToken)).status).toBe(200);
    expect((await refresh(t, second.refreshToken)).status).toBe(200);

    // A late retry inside the window still gets a pair of the same session.
    const late = await refresh(t, tokens.refreshToken);
    expect(late.status).toBe(200);
    expect(sidOf(late.body.accessToken)).toBe(sid);
  });
});

describe('REFRESH_REUSE_GRACE=2s', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { ...NO_RATE_LIMITS, REFRESH_REUSE_GRACE: '2s' } });
  });
  afterAll(() => t.close());

  it('measures the window from the first rotation: retries do not extend it', async () => {
    const { tokens, sid } = await signedIn(t);
    const rotated = await refresh(t, tokens.refreshToken);
    expect(rotated.status).toBe(200);
    // Taken after the server recorded the rotation, so elapsed times below are lower bounds.
    const rotatedAt = Date.now();

    await sleep(rotatedAt + 1000 - Date.now());
    const retry = await refresh(t, tokens.refreshToken);
    expect(retry.status).toBe(200);
    expect(sidOf(retry.body.accessToken)).toBe(sid);

    // 2.3 s after the rotation, though only ~1.3 s after the retry: outside the window.
    await sleep(rotatedAt + 2300 - Date.now());
    expect(outcome(await refresh(t, tokens.refreshToken))).toEqual(REUSED);
    await expectSessionDead(t, rotated.body);
    await expectSessionDead(t, retry.body);
  });
});

// Two app instances only share sessions through a server database (and Redis when REDIS_URL
// is set): an embedded PGlite database lives inside one process, so a second instance cannot
// open it. Without TEST_DATABASE_URL there is nothing to test here.
const describeOnPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;
const itWithRedis = process.env.REDIS_URL ? it : it.skip;

describeOnPostgres('two instances sharing a database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ env: NO_RATE_LIMITS });
    const { database } = a.config;
    if (database.kind !== 'postgres') throw new Error('needs a PostgreSQL database');
    // Same database, same Redis prefix, same data dir (hence the same APP_SECRET, which
    // decrypts the shared signing keys). With `databaseUrl`/`dataDir` given, B's close()
    // neither drops the database nor deletes the directory: A owns both.
    b = await startTestApp({
      databaseUrl: database.url,
      dataDir: a.dataDir,
      env: { ...NO_RATE_LIMITS, REDIS_KEY_PREFIX: a.config.redisKeyPrefix },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('makes a logout on one instance stick on the other within 5 s', async () => {
    const { tokens } = await signedIn(a);
    // B has verified (and cached) the token before the logout.
    expect(await asUser(b, tokens.accessToken)).toEqual(OK);
    expect(await verifyToken(b, tokens.accessToken)).toEqual(OK);

    expect((await a.request('POST', LOGOUT, { token: tokens.accessToken })).status).toBe(204);
    const loggedOutAt = Date.now();
    expect(await asUser(a, tokens.accessToken)).toEqual(DENIED);

    let last = await asUser(b, tokens.accessToken);
    while (last.status !== 401 && Date.now() - loggedOutAt < 5000) {
      await sleep(100);
      last = await asUser(b, tokens.accessToken);
    }
    expect(last).toEqual(DENIED);
    expect(Date.now() - loggedOutAt).toBeLessThan(5000);
    expect(await verifyToken(b, tokens.accessToken)).toEqual(INVALID);
    expect(outcome(await refresh(b, tokens.refreshToken))).toEqual(INVALID);
  });

  // Instances learn of a rotation through a Redis notice; without Redis they only look
  // again on an unknown kid (refusing that request) or every minute.
  itWithRedis('lets the other instance verify tokens of a key rotated on one', async () => {
    const { user, password } = await createUser(a);
    const newKid = await a.app.get(SigningKeysService).rotate();
    const tokens = await login(a, user.email, password);
    expect(decodeProtectedHeader(tokens.accessToken).kid).toBe(newKid);
    expect(await asUser(b, tokens.accessToken)).toEqual(OK);
    expect(await verifyToken(b, tokens.accessToken)).toEqual(OK);
  });
});
