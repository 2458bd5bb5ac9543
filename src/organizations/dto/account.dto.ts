import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class ActiveOrganizationUpdateDto {
  /** An organization the user is a member of (404 otherwise). */
  @IsUUID()
  organizationId!: string;
}

export class AccountDeleteDto {
  /** The account's current password. */
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}
