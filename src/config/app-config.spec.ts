import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { parseDurationSeconds } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    ['90', 90],
    ['15m', 900],
    ['1h', 3600],
    ['30d', 2_592_000],
    ['0s', 0],
  ])('parses %s', (input, seconds) => expect(parseDurationSeconds(input)).toBe(seconds));

  it.each(['forever', '1.5h', '-1s', '15 minutes', '', '1w'])('refuses %p', (input) =>
    expect(parseDurationSeconds(input)).toBeNull(),
  );
});

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir, ...env });

  it('applies the documented defaults', () => {
    const config = load({});
    expect(config.http.port).toBe(3000);
    expect(config.http.appUrl).toBe('http://localhost:3000');
    expect(config.database).toEqual({ kind: 'embedded', dataDir: join(dataDir, 'pglite') });
    expect(config.auth).toMatchObject({
      issuer: 'http://localhost:3000',
      audience: 'gatehouse',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 86_400,
      refreshTokenTtlRememberSeconds: 2_592_000,
      sessionMaxAgeSeconds: 7_776_000,
      refreshReuseGraceSeconds: 0,
      emailVerification: 'mandatory',
      passwordMinLength: 8,
    });
    expect(config.rateLimit).toEqual({
      enabled: true,
      authPerMinute: 20,
      loginFailuresBeforeBackoff: 10,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'nonsense'],
    ['ACCESS_TOKEN_TTL', 'forever'],
    ['REFRESH_REUSE_GRACE', '61s'],
    ['EMAIL_VERIFICATION', 'sometimes'],
    ['APP_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost'],
    ['RATE_LIMIT_ENABLED', 'maybe'],
    ['PASSWORD_MIN_LENGTH', '4'],
    ['CORS_ORIGINS', 'javascript:alert(1)'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(new RegExp(`^[\\s\\S]*${name}:`));
  });

  it('requires APP_SECRET in production', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/APP_SECRET/);
    const config = load({ NODE_ENV: 'production', APP_SECRET: 'x'.repeat(32) });
    expect(config.appSecret).toBe('x'.repeat(32));
    expect(existsSync(join(dataDir, 'app-secret'))).toBe(false);
  });

  it('generates APP_SECRET once outside production and keeps it private', () => {
    const first = load({}).appSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(load({}).appSecret).toBe(first);
    const file = join(dataDir, 'app-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('parses run modes and proxy trust', () => {
    expect(load({ DATABASE_URL: 'memory://' }).database).toEqual({ kind: 'memory' });
    expect(load({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(() => load({ TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY: .*not a hop count/);
    expect(load({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(
      load({ CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).http.corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
  });
});
