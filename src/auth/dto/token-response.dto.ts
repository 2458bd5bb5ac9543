import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto';

/** "The token response": what signing in and refreshing return. */
export class TokenResponseDto {
  /** ES256 JWT (`typ: at+jwt`); verify it against /.well-known/jwks.json. */
  accessToken!: string;
  @ApiProperty({
    required: false,
    description:
      'Opaque; spend it once at /api/v1/auth/refresh. Always present, except in web-session ' +
      'mode (`X-Gatehouse-Client: web`), where it travels as the `gh_refresh` cookie instead.',
  })
  refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';
  /** Access-token lifetime in seconds. */
  expiresIn!: number;
  /** Refresh-token lifetime in seconds (never past the session's maximum age). */
  refreshExpiresIn!: number;
  user!: UserResponseDto;
}

export class SignupPendingResponseDto {
  @ApiProperty({ enum: ['verification_required'] })
  status!: 'verification_required';
  email!: string;
}
