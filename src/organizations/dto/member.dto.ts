import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { MemberRow } from '../memberships.repository';
import { ASSIGNABLE_ORG_ROLES, AssignableOrgRole, ORG_ROLES, OrgRole } from '../org-roles';

export class MemberResponseDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;
  email!: string;
  name!: string;
  username!: string;
  @ApiProperty({ enum: ORG_ROLES })
  role!: OrgRole;
  joinedAt!: Date;
}

export class MemberListResponseDto {
  items!: MemberResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class MemberRoleUpdateDto {
  /** `member` or `admin`; ownership changes only by transfer. */
  @ApiProperty({ enum: ASSIGNABLE_ORG_ROLES })
  @IsIn(ASSIGNABLE_ORG_ROLES, { message: 'role must be member or admin' })
  role!: AssignableOrgRole;
}

export class OwnershipTransferDto {
  /** A member of the organization, who becomes its owner; the current owner becomes an admin. */
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId!: string;
}

export function toMemberResponse(
  row: Omit<MemberRow, 'membershipId' | 'cursorAt'>,
): MemberResponseDto {
  return {
    userId: row.userId,
    email: row.email,
    name: row.name,
    username: row.username,
    role: row.role,
    joinedAt: row.joinedAt,
  };
}
