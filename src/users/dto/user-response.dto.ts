import { ApiProperty } from '@nestjs/swagger';
import { User } from '../user.entity';

export class MembershipSummaryDto {
  organizationId!: string;
  name!: string;
  slug!: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] })
  role!: 'owner' | 'admin' | 'member';
}

/** `GET /api/v1/users/me`, and the `user` of the token response. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  email!: string;
  username!: string;
  name!: string;
  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;
  emailVerified!: boolean;
  isSuperuser!: boolean;
  mfaEnabled!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  activeOrganizationId!: string | null;
  createdAt!: Date;
  @ApiProperty({ type: Object, nullable: true, description: 'The profile (timezone, locale…)' })
  profile!: Record<string, unknown> | null;
  memberships!: MembershipSummaryDto[];
}

export function toUserResponse(
  user: User,
  extras: Partial<Pick<UserResponseDto, 'profile' | 'memberships' | 'mfaEnabled'>> = {},
): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    phone: user.phone,
    emailVerified: user.emailVerifiedAt !== null,
    isSuperuser: user.isSuperuser,
    mfaEnabled: extras.mfaEnabled ?? false,
    activeOrganizationId: user.activeOrganizationId,
    createdAt: user.createdAt,
    profile: extras.profile ?? null,
    memberships: extras.memberships ?? [],
  };
}
