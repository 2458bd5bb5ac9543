import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  registerDecorator,
} from 'class-validator';
import { parseDurationSeconds } from './duration';

function IsDuration(maxSeconds?: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const seconds = parseDurationSeconds(value);
          return seconds !== null && (maxSeconds === undefined || seconds <= maxSeconds);
        },
        defaultMessage: () =>
          `must be a whole number of seconds or a number with a unit s, m, h or d (e.g. 15m)${
            maxSeconds === undefined ? '' : `, at most ${maxSeconds}s`
          }`,
      },
    });
}

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * Every environment variable Gatehouse reads, with its default. Validated once at start;
 * features read the typed `AppConfig` built from it, never `process.env`.
 */
export class EnvDto {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  APP_URL = 'http://localhost:3000';

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** Empty: embedded PGlite under DATA_DIR; `memory://`; or `postgres://…`. */
  @IsOptional()
  @Matches(/^(memory:\/\/|postgres(ql)?:\/\/[^\s]+)$/, {
    message: 'must be memory:// or a postgres:// connection URL',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  @Matches(/^[\w:.-]{1,64}$/, { message: 'must be 1-64 letters, digits, or _ : . -' })
  REDIS_KEY_PREFIX = 'gatehouse:';

  @ValidateIf((env: EnvDto) => env.NODE_ENV === 'production' || env.APP_SECRET !== undefined)
  @IsString({ message: 'is required when NODE_ENV=production' })
  @MinLength(32, { message: 'must be at least 32 characters' })
  APP_SECRET?: string;

  /** Comma-separated list of origins allowed by CORS; empty disables CORS. */
  @IsOptional()
  @Matches(/^(\s*https?:\/\/[^\s,]+\s*)(,\s*https?:\/\/[^\s,]+\s*)*$/, {
    message: 'must be a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;

  /**
   * `false`, `true`, or a comma-separated list of proxy addresses/CIDRs. Not a hop count: it
   * cannot tell a proxy from a client that sends enough X-Forwarded-For entries itself.
   */
  @Matches(/^(?!\d+$)(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'must be true, false or a list of proxy addresses/CIDRs (not a hop count)',
  })
  TRUST_PROXY = 'false';

  @IsOptional()
  @IsString()
  @MinLength(1)
  JWT_ISSUER?: string;

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'gatehouse';

  @IsDuration()
  ACCESS_TOKEN_TTL = '15m';

  @IsDuration()
  REFRESH_TOKEN_TTL = '1d';

  @IsDuration()
  REFRESH_TOKEN_TTL_REMEMBER = '30d';

  @IsDuration()
  SESSION_MAX_AGE = '90d';

  @IsDuration(60)
  REFRESH_REUSE_GRACE = '0s';

  @IsIn(['mandatory', 'optional'])
  EMAIL_VERIFICATION: 'mandatory' | 'optional' = 'mandatory';

  @Transform(toInt)
  @IsInt()
  @Min(8)
  @Max(256)
  PASSWORD_MIN_LENGTH = 8;

  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_AUTH_PER_MINUTE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_FAILURES_BEFORE_BACKOFF = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MaxLength(320)
  MAIL_FROM = 'Gatehouse <no-reply@localhost>';

  @IsIn(['local', 's3'])
  STORAGE_DRIVER: 'local' | 's3' = 'local';

  @ValidateIf((env: EnvDto) => env.STORAGE_DRIVER === 's3')
  @IsString({ message: 'is required when STORAGE_DRIVER=s3' })
  @MinLength(1)
  S3_BUCKET?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  S3_ENDPOINT?: string;

  @IsString()
  S3_LOCATION = '';

  @Transform(toBool)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  S3_PUBLIC_URL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OAUTH_SUCCESS_REDIRECT?: string;

  // Social sign-in. Each provider needs both its id and secret, or neither (not offered).
  // Generic OpenID Connect providers (OIDC_<NAME>_*) are dynamic: see config/oauth-config.ts.
  @ValidateIf((env: EnvDto) => env.OAUTH_GOOGLE_CLIENT_SECRET !== undefined)
  @IsString({ message: 'is required when OAUTH_GOOGLE_CLIENT_SECRET is set' })
  OAUTH_GOOGLE_CLIENT_ID?: string;

  @ValidateIf((env: EnvDto) => env.OAUTH_GOOGLE_CLIENT_ID !== undefined)
  @IsString({ message: 'is required when OAUTH_GOOGLE_CLIENT_ID is set' })
  OAUTH_GOOGLE_CLIENT_SECRET?: string;

  /** Google's issuer, discovered at first use; overridable for tests and proxies. */
  @IsString()
  OAUTH_GOOGLE_ISSUER = 'https://accounts.google.com';

  @ValidateIf((env: EnvDto) => env.OAUTH_GITHUB_CLIENT_SECRET !== undefined)
  @IsString({ message: 'is required when OAUTH_GITHUB_CLIENT_SECRET is set' })
  OAUTH_GITHUB_CLIENT_ID?: string;

  @ValidateIf((env: EnvDto) => env.OAUTH_GITHUB_CLIENT_ID !== undefined)
  @IsString({ message: 'is required when OAUTH_GITHUB_CLIENT_ID is set' })
  OAUTH_GITHUB_CLIENT_SECRET?: string;

  /** GitHub's web base (authorize, token); overridable for tests and GitHub Enterprise. */
  @IsString()
  OAUTH_GITHUB_BASE_URL = 'https://github.com';

  /** GitHub's REST API base (`/user`, `/user/emails`). */
  @IsString()
  OAUTH_GITHUB_API_URL = 'https://api.github.com';
}
