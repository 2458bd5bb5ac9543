import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** As in auth's DTOs: the service checks the password and explains refusals. */
const PASSWORD_MAX = 256;
/** A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx`); spaces and dashes are ignored. */
const CODE_MAX = 32;

export class MfaEnableDto {
  /** The current 6-digit code from the authenticator app. */
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code!: string;
}

export class MfaDisableDto {
  /** Required when the account has a password (accounts from social sign-in may not). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password?: string;

  /** A TOTP code or a recovery code. */
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code!: string;
}

export class MfaRecoveryCodesRegenerateDto {
  /** Required when the account has a password. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password?: string;

  /** Required instead of a password for accounts without one: a TOTP or recovery code. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code?: string;
}

export class MfaLoginDto {
  /** The `mfaToken` of the sign-in answer. */
  @IsString()
  @MinLength(1)
  mfaToken!: string;

  /** A TOTP code or a recovery code. */
  @IsString()
  @MinLength(1)
  @MaxLength(CODE_MAX)
  code!: string;
}
