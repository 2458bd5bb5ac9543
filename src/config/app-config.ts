import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { parseDurationSeconds } from './duration';
import { EnvDto } from './env.dto';
import { OAuthSettings, parseOAuthSettings } from './oauth-config';

export type DatabaseMode =
  { kind: 'embedded'; dataDir: string } | { kind: 'memory' } | { kind: 'postgres'; url: string };

export type TrustProxy = boolean | string[];

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {}

/** The typed, validated configuration every module reads (inject `AppConfig`). */
export class AppConfig {
  readonly env!: EnvDto['NODE_ENV'];
  readonly http!: {
    port: number;
    host: string;
    appUrl: string;
    corsOrigins: string[];
    trustProxy: TrustProxy;
  };
  readonly dataDir!: string;
  readonly database!: DatabaseMode;
  readonly redisUrl!: string | undefined;
  readonly redisKeyPrefix!: string;
  readonly appSecret!: string;
  readonly logLevel!: string;
  readonly auth!: {
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    refreshTokenTtlRememberSeconds: number;
    sessionMaxAgeSeconds: number;
    refreshReuseGraceSeconds: number;
    emailVerification: 'mandatory' | 'optional';
    passwordMinLength: number;
  };
  readonly rateLimit!: {
    enabled: boolean;
    authPerMinute: number;
    loginFailuresBeforeBackoff: number;
  };
  readonly mail!: { smtpUrl: string | undefined; from: string };
  readonly storage!: {
    driver: 'local' | 's3';
    s3: {
      bucket: string | undefined;
      region: string;
      endpoint: string | undefined;
      location: string;
      forcePathStyle: boolean;
      publicUrl: string | undefined;
    };
  };
  readonly oauthSuccessRedirect!: string | undefined;
  readonly oauth!: OAuthSettings;

  constructor(values: Omit<AppConfig, 'isProduction'>) {
    Object.assign(this, values);
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((error) => {
      const messages = Object.values(error.constraints ?? {}).join('; ');
      return `${error.property}: ${messages}`;
    })
    .join('\n');
}

function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value.split(',').map((entry) => entry.trim());
}

function parseDatabase(url: string | undefined, dataDir: string): DatabaseMode {
  if (!url) return { kind: 'embedded', dataDir: join(dataDir, 'pglite') };
  if (url === 'memory://') return { kind: 'memory' };
  return { kind: 'postgres', url };
}

/** Reads the APP_SECRET kept under DATA_DIR, creating it once (outside production). */
function loadOrCreateAppSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

function seconds(value: string): number {
  // Already validated by EnvDto, so the parse cannot fail here.
  return parseDurationSeconds(value) as number;
}

/** Validates `source` (normally process.env) and builds the typed configuration. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvDto, known, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${describe(errors)}`);
  }

  const dataDir = resolve(env.DATA_DIR);
  const appUrl = env.APP_URL.replace(/\/+$/, '');
  const oauth = parseOAuthSettings(env, known, appUrl);
  if (oauth.problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${oauth.problems.join('\n')}`);
  }
  return new AppConfig({
    env: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      appUrl,
      corsOrigins: (env.CORS_ORIGINS ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
    },
    dataDir,
    database: parseDatabase(env.DATABASE_URL, dataDir),
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    appSecret: env.APP_SECRET ?? loadOrCreateAppSecret(dataDir),
    logLevel: env.LOG_LEVEL,
    auth: {
      issuer: env.JWT_ISSUER ?? appUrl,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: seconds(env.ACCESS_TOKEN_TTL),
      refreshTokenTtlSeconds: seconds(env.REFRESH_TOKEN_TTL),
      refreshTokenTtlRememberSeconds: seconds(env.REFRESH_TOKEN_TTL_REMEMBER),
      sessionMaxAgeSeconds: seconds(env.SESSION_MAX_AGE),
      refreshReuseGraceSeconds: seconds(env.REFRESH_REUSE_GRACE),
      emailVerification: env.EMAIL_VERIFICATION,
      passwordMinLength: env.PASSWORD_MIN_LENGTH,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      authPerMinute: env.RATE_LIMIT_AUTH_PER_MINUTE,
      loginFailuresBeforeBackoff: env.LOGIN_FAILURES_BEFORE_BACKOFF,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    storage: {
      driver: env.STORAGE_DRIVER,
      s3: {
        bucket: env.S3_BUCKET,
        region: env.S3_REGION,
        endpoint: env.S3_ENDPOINT,
        location: env.S3_LOCATION,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        publicUrl: env.S3_PUBLIC_URL,
      },
    },
    oauthSuccessRedirect: env.OAUTH_SUCCESS_REDIRECT,
    oauth: oauth.settings,
  });
}
