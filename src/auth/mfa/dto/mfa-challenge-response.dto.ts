import { ApiProperty } from '@nestjs/swagger';

/**
 * The answer to a sign-in whose first factor passed while 2FA is on: finish it at
 * POST /api/v1/auth/login/mfa with this token and a code.
 */
export class MfaChallengeResponseDto {
  @ApiProperty({ enum: [true] })
  mfaRequired!: true;
  /** Opaque, single use, valid 5 minutes; not an access token. */
  mfaToken!: string;
}
