import { ApiProperty } from '@nestjs/swagger';

/** A provider account linked to the user. */
export class IdentityResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  /** `google`, `github`, or a configured OpenID Connect provider's id. */
  provider!: string;
  providerName!: string;
  /** The email the provider reported at the last sign-in. */
  @ApiProperty({ type: String, nullable: true })
  email!: string | null;
  createdAt!: Date;
}

export class IdentityListResponseDto {
  items!: IdentityResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
