import { ApiProperty } from '@nestjs/swagger';
import { Profile } from '../profile.entity';

export class EmailNotificationSettingsDto {
  security!: boolean;
  product!: boolean;
  marketing!: boolean;
}

export class NotificationSettingsDto {
  email!: EmailNotificationSettingsDto;
}

/** `GET /api/v1/profile`, and the `profile` of `GET /api/v1/users/me`. */
export class ProfileResponseDto {
  @ApiProperty({ example: 'Europe/Paris' })
  timezone!: string;

  @ApiProperty({ example: 'en-US' })
  locale!: string;

  notifications!: NotificationSettingsDto;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { theme: 'dark' } })
  preferences!: Record<string, unknown>;

  /** Absolute URL of the 256×256 WebP avatar, or null. */
  @ApiProperty({ type: String, format: 'uri', nullable: true })
  avatarUrl!: string | null;

  updatedAt!: Date;
}

export function toProfileResponse(profile: Profile, avatarUrl: string | null): ProfileResponseDto {
  return {
    timezone: profile.timezone,
    locale: profile.locale,
    notifications: {
      email: {
        security: profile.notifyEmailSecurity,
        product: profile.notifyEmailProduct,
        marketing: profile.notifyEmailMarketing,
      },
    },
    preferences: profile.preferences,
    avatarUrl,
    updatedAt: profile.updatedAt,
  };
}
