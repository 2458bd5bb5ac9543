import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsSafeText } from '../../common/validation/safe-text';
import { Trim } from '../../common/validation/transforms';
import {
  Organization,
  SUBSCRIPTION_TIERS,
  SubscriptionTier,
} from '../entities/organization.entity';
import { ORG_ROLES, OrgRole } from '../org-roles';
import { SLUG_PATTERN } from '../slug';

const SLUG_MESSAGE = 'slug must be 1-50 of a-z and 0-9 in groups joined by single hyphens';

const LowerCaseTrim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

export class OrganizationCreateDto {
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name!: string;

  /** Lower-case `a-z`, `0-9` and `-`; generated from the name when absent. */
  @IsOptional()
  @LowerCaseTrim()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug?: string;
}

export class OrganizationUpdateDto {
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name?: string;

  /** Lower-case `a-z`, `0-9` and `-`; unique (409 when taken). */
  @IsOptional()
  @LowerCaseTrim()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug?: string;
}

export class OrganizationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  name!: string;
  slug!: string;
  @ApiProperty({ format: 'uuid' })
  ownerId!: string;
  @ApiProperty({ enum: SUBSCRIPTION_TIERS })
  subscriptionTier!: SubscriptionTier;
  /** API-key requests allowed per calendar month. */
  quotaLimit!: number;
  createdAt!: Date;
  /** The caller's role in the organization; null for an API key. */
  @ApiProperty({ enum: ORG_ROLES, nullable: true })
  role!: OrgRole | null;
}

export class OrganizationListResponseDto {
  items!: OrganizationResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export function toOrganizationResponse(
  organization: Organization,
  role: OrgRole | null,
): OrganizationResponseDto {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ownerId: organization.ownerId,
    subscriptionTier: organization.subscriptionTier,
    quotaLimit: organization.quotaLimit,
    createdAt: organization.createdAt,
    role,
  };
}
