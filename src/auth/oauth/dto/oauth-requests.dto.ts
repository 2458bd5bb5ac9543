import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';

export class OAuthExchangeDto {
  /** The `code` the callback put on OAUTH_SUCCESS_REDIRECT (single use, 60 s). */
  @IsString()
  @MinLength(1)
  code!: string;
}

export class OAuthStartQueryDto {
  /** Longer refresh-token lifetime for the session this sign-in starts. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  rememberMe?: boolean;
}
