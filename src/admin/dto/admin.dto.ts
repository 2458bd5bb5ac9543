import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsSafeText } from '../../common/validation/safe-text';
import { Trim } from '../../common/validation/transforms';
import {
  SUBSCRIPTION_TIERS,
  SubscriptionTier,
} from '../../organizations/entities/organization.entity';
import { User } from '../../users/user.entity';

export class AdminUserSearchDto extends PageQueryDto {
  /** Case-insensitive substring of email, username or name. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class AdminUserUpdateDto {
  /** false deactivates the account and ends every session at once. */
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @IsOptional()
  @IsBoolean()
  isSuperuser?: boolean;

  @IsOptional()
  @IsBoolean()
  emailVerified?: boolean;

  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name?: string;
}

export class AdminOrganizationUpdateDto {
  @IsOptional()
  @IsIn(SUBSCRIPTION_TIERS)
  subscriptionTier?: SubscriptionTier;

  /** API-key requests per calendar month. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  quotaLimit?: number;
}

export class AdminAuditQueryDto extends PageQueryDto {
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @IsOptional()
  @Matches(/^[a-z_.]{1,64}$/, { message: 'action must look like user.login' })
  action?: string;

  /** Inclusive, ISO 8601. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date-time' })
  from?: Date;

  /** Exclusive, ISO 8601. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date-time' })
  to?: Date;
}

export class AdminUserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  email!: string;
  username!: string;
  name!: string;
  emailVerified!: boolean;
  isActive!: boolean;
  isSuperuser!: boolean;
  @ApiProperty({ type: Date, nullable: true })
  lastLoginAt!: Date | null;
  createdAt!: Date;
}

export class AdminUserListResponseDto {
  items!: AdminUserResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class AdminOrganizationSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  name!: string;
  slug!: string;
  @ApiProperty({ format: 'uuid' })
  ownerId!: string;
  @ApiProperty({ enum: SUBSCRIPTION_TIERS })
  subscriptionTier!: SubscriptionTier;
  quotaLimit!: number;
  memberCount!: number;
  createdAt!: Date;
}

export class AdminOrganizationResponseDto extends AdminOrganizationSummaryDto {
  /** API-key requests this calendar month (UTC). */
  monthlyUsage!: number;
}

export class AdminOrganizationListResponseDto {
  items!: AdminOrganizationSummaryDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export function toAdminUserResponse(user: User): AdminUserResponseDto {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null,
    isActive: user.isActive,
    isSuperuser: user.isSuperuser,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}
