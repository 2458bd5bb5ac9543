import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsSafeText } from '../../common/validation/safe-text';
import { NormalizeEmail, Trim } from '../../common/validation/transforms';
import { USERNAME_PATTERN } from '../../users/username';

// Plain addresses only: no display names, comments, quoted or non-ASCII local parts, IPs.
const EMAIL_OPTIONS = {
  allow_display_name: false,
  allow_utf8_local_part: false,
  allow_ip_domain: false,
  require_tld: true,
} as const;

// A dot-atom local part only (RFC 5321's common form): no quotes, comments or spaces.
const PLAIN_EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9.-]+$/;
const PLAIN_EMAIL_MESSAGE = 'email must be a plain address such as name@example.com';

/** Passwords are checked against the policy by the service, which explains refusals. */
const PASSWORD_MAX = 256;

export class SignupDto {
  @NormalizeEmail()
  @IsEmail(EMAIL_OPTIONS)
  @Matches(PLAIN_EMAIL, { message: PLAIN_EMAIL_MESSAGE })
  @MaxLength(254)
  email!: string;

  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name!: string;

  @IsString()
  @MaxLength(PASSWORD_MAX)
  password!: string;

  /** 3–30 of `a-z`, `0-9`, `_`; generated from the email when absent. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-30 of a-z, 0-9 and _' })
  username?: string;
}

export class LoginDto {
  /** An email address or a username. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  identifier?: string;

  /** Accepted instead of `identifier`. */
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  /** Accepted instead of `identifier`. */
  @IsOptional()
  @IsString()
  @MaxLength(30)
  username?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password!: string;

  /** Longer refresh-token lifetime (REFRESH_TOKEN_TTL_REMEMBER). */
  @IsOptional()
  @IsBoolean()
  rememberMe?: boolean;
}

// Credentials have no length limit here (the body limit caps them): a malformed one is a
// 401 from the service, not a 400, as for any other invalid credential.
export class RefreshDto {
  // Web-session mode fills it from the `gh_refresh` cookie before validation (web-session-cookie.ts).
  @ApiProperty({
    required: false,
    description: 'Required, except in web-session mode (`X-Gatehouse-Client: web`): the cookie.',
  })
  @IsString()
  @MinLength(1)
  refreshToken!: string;
}

export class TokenVerifyDto {
  @IsString()
  @MinLength(1)
  token!: string;
}

export class EmailTokenDto {
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token!: string;
}

export class EmailOnlyDto {
  @NormalizeEmail()
  @IsEmail(EMAIL_OPTIONS)
  @Matches(PLAIN_EMAIL, { message: PLAIN_EMAIL_MESSAGE })
  @MaxLength(254)
  email!: string;
}

export class PasswordResetDto {
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token!: string;

  @IsString()
  @MaxLength(PASSWORD_MAX)
  newPassword!: string;
}

export class PasswordChangeDto {
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword!: string;

  @IsString()
  @MaxLength(PASSWORD_MAX)
  newPassword!: string;
}
