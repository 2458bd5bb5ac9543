import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsSafeText } from '../../common/validation/safe-text';
import { Trim } from '../../common/validation/transforms';
import { USERNAME_PATTERN } from '../username';

export class UserUpdateDto {
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name?: string;

  /** 3–30 of `a-z`, `0-9`, `_` (upper case is lowered). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-30 of a-z, 0-9 and _' })
  username?: string;

  /** E.164-style phone number, or null to clear it. */
  @ValidateIf((_dto, value) => value !== null)
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,31}$/, { message: 'phone must be a phone number such as +15551234567' })
  phone?: string | null;
}
