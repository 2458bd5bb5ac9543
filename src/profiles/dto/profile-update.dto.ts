import { ApiPropertyOptional } from '@nestjs/swagger';
import { Exclude, Transform, Type } from 'class-transformer';
import { IsBoolean, IsObject, IsString, ValidateIf, ValidateNested } from 'class-validator';
import {
  IsLocale,
  IsPreferences,
  IsTimeZone,
  PREFERENCES_MAX_BYTES,
  PREFERENCES_MAX_DEPTH,
} from '../profile-validation';

/** Optional, but `null` is not "absent": it is validated (and refused) like any other value. */
const IfPresent = (): PropertyDecorator =>
  ValidateIf((_dto: object, value: unknown) => value !== undefined);

/**
 * An opaque stand-in that class-transformer copies nothing into. Client JSON is never walked
 * by class-transformer (which would drop `__proto__` keys, and throws on an object under a
 * `constructor` key); `@Transform` then puts the value back exactly as parsed, for the
 * validator to judge.
 */
@Exclude()
class UntouchedJson {}

export class EmailNotificationsUpdateDto {
  /** Sign-ins, password and 2FA changes. */
  @IfPresent()
  @IsBoolean()
  security?: boolean;

  /** Product news and changes. */
  @IfPresent()
  @IsBoolean()
  product?: boolean;

  @IfPresent()
  @IsBoolean()
  marketing?: boolean;
}

export class NotificationsUpdateDto {
  /** Only the given switches change; the others keep their value. */
  @IfPresent()
  @IsObject()
  @ValidateNested()
  @Type(() => EmailNotificationsUpdateDto)
  email?: EmailNotificationsUpdateDto;
}

export class ProfileUpdateDto {
  /** IANA time zone name. */
  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IfPresent()
  @IsString()
  @IsTimeZone()
  timezone?: string;

  /** BCP 47 language tag; stored in canonical form (`en-us` → `en-US`). */
  @ApiPropertyOptional({ example: 'en-US' })
  @IfPresent()
  @IsString()
  @IsLocale()
  locale?: string;

  /** Merged into the current settings. */
  @IfPresent()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationsUpdateDto)
  notifications?: NotificationsUpdateDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      `The client's own settings, replaced as a whole: a JSON object of at most ` +
      `${PREFERENCES_MAX_BYTES} bytes, nested at most ${PREFERENCES_MAX_DEPTH} levels, without ` +
      '`__proto__`, `constructor` or `prototype` keys at any depth.',
    example: { theme: 'dark' },
  })
  @IfPresent()
  @Type(() => UntouchedJson)
  @Transform(({ obj }: { obj: Record<string, unknown> }) => obj.preferences, {
    toClassOnly: true,
  })
  @IsPreferences()
  preferences?: Record<string, unknown>;
}
