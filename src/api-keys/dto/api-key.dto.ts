import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsSafeText } from '../../common/validation/safe-text';
import { Trim } from '../../common/validation/transforms';
import { ApiKey } from '../entities/api-key.entity';

const SCOPE_PATTERN = /^[a-z][a-z0-9_.:-]{0,63}$/;
const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class ApiKeyCreateDto {
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @IsSafeText()
  name!: string;

  /** `org:read`, `members:read`, or free-form scopes for your own use (`a-z0-9_.:-`). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SCOPE_PATTERN, { each: true, message: 'each scope must match [a-z][a-z0-9_.:-]{0,63}' })
  scopes?: string[];

  /** ISO 8601; the key stops working then. */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;
}

export class ApiKeyRotateDto {
  /** How long the old key keeps working, 0 (default) to 604800 (7 days). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  expireOldInSeconds?: number;
}

export class ApiKeyUsageQueryDto {
  @Matches(DATE_PATTERN, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @Matches(DATE_PATTERN, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

export class ApiKeyVerifyDto {
  @IsString()
  @MaxLength(512)
  key!: string;

  /** Requests to count for this call, 0–1000 (default 1). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  cost?: number;
}

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  organizationId!: string;
  name!: string;
  /** The first characters of the key, to recognise it. */
  prefix!: string;
  scopes!: string[];
  @ApiProperty({ enum: ['active', 'expired', 'revoked', 'rotating'] })
  status!: 'active' | 'expired' | 'revoked' | 'rotating';
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy!: string | null;
  createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true })
  lastUsedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true })
  expiresAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true })
  revokedAt!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  rotatedFromId!: string | null;
  @ApiProperty({ type: Date, nullable: true })
  graceEndsAt!: Date | null;
}

/** Creation and rotation: the only answers that carry the key itself. */
export class ApiKeySecretResponseDto extends ApiKeyResponseDto {
  /** `gk_…` — shown once; store it now. */
  key!: string;
}

export class ApiKeyListResponseDto {
  items!: ApiKeyResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ApiKeyUsageDayDto {
  date!: string;
  requests!: number;
}

export class ApiKeyUsageResponseDto {
  items!: ApiKeyUsageDayDto[];
  total!: number;
}

export class QuotaDto {
  limit!: number;
  used!: number;
  remaining!: number;
}

export class ApiKeyVerifyResponseDto {
  valid!: boolean;
  @ApiProperty({ required: false, enum: ['not_found', 'revoked', 'expired', 'quota_exceeded'] })
  code?: 'not_found' | 'revoked' | 'expired' | 'quota_exceeded';
  @ApiProperty({ required: false, format: 'uuid' })
  keyId?: string;
  @ApiProperty({ required: false, format: 'uuid' })
  organizationId?: string;
  @ApiProperty({ required: false })
  scopes?: string[];
  @ApiProperty({ required: false })
  quota?: QuotaDto;
}

export function apiKeyStatus(key: ApiKey, now = Date.now()): ApiKeyResponseDto['status'] {
  if (key.revokedAt || (key.graceEndsAt && key.graceEndsAt.getTime() <= now)) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'expired';
  return key.graceEndsAt ? 'rotating' : 'active';
}

export function toApiKeyResponse(key: ApiKey): ApiKeyResponseDto {
  return {
    id: key.id,
    organizationId: key.organizationId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    status: apiKeyStatus(key),
    createdBy: key.createdBy,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    rotatedFromId: key.rotatedFromId,
    graceEndsAt: key.graceEndsAt,
  };
}
