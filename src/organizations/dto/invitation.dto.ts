import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NormalizeEmail } from '../../common/validation/transforms';
import { Invitation, invitationStatus, InvitationStatus } from '../entities/invitation.entity';
import { ASSIGNABLE_ORG_ROLES, AssignableOrgRole } from '../org-roles';

// Plain addresses only, as at signup: the invitee signs up or in with this exact address.
const EMAIL_OPTIONS = {
  allow_display_name: false,
  allow_utf8_local_part: false,
  allow_ip_domain: false,
  require_tld: true,
} as const;
const PLAIN_EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9.-]+$/;
const PLAIN_EMAIL_MESSAGE = 'email must be a plain address such as name@example.com';

const INVITATION_STATUSES: InvitationStatus[] = [
  'pending',
  'accepted',
  'declined',
  'revoked',
  'expired',
];

export class InvitationCreateDto {
  @NormalizeEmail()
  @IsEmail(EMAIL_OPTIONS)
  @Matches(PLAIN_EMAIL, { message: PLAIN_EMAIL_MESSAGE })
  @MaxLength(254)
  email!: string;

  /** `member` or `admin`. */
  @ApiProperty({ enum: ASSIGNABLE_ORG_ROLES })
  @IsIn(ASSIGNABLE_ORG_ROLES, { message: 'role must be member or admin' })
  role!: AssignableOrgRole;
}

export class InvitationAcceptDto {
  /** The `token` of the emailed link. */
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  token!: string;
}

export class InvitationOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  name!: string;
  slug!: string;
}

export class InvitationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  organization!: InvitationOrganizationDto;
  email!: string;
  @ApiProperty({ enum: ASSIGNABLE_ORG_ROLES })
  role!: AssignableOrgRole;
  @ApiProperty({ enum: INVITATION_STATUSES })
  status!: InvitationStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  invitedById!: string | null;
  createdAt!: Date;
  expiresAt!: Date;
}

export class InvitationListResponseDto {
  items!: InvitationResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

/** Never the token: only its digest is stored, and it is never shown again. */
export function toInvitationResponse(invitation: Invitation): InvitationResponseDto {
  const organization = invitation.organization;
  if (!organization) throw new Error('toInvitationResponse needs the invitation organization');
  return {
    id: invitation.id,
    organization: { id: organization.id, name: organization.name, slug: organization.slug },
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation),
    invitedById: invitation.invitedById,
    createdAt: invitation.createdAt,
    expiresAt: invitation.expiresAt,
  };
}
