import { ApiProperty } from '@nestjs/swagger';
import { AuditActorType, AuditEvent } from '../audit-event.entity';

export class AuditEventResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  /** What happened, e.g. `org.member_removed`. */
  action!: string;
  @ApiProperty({ enum: ['user', 'api_key', 'system'] })
  actorType!: AuditActorType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId!: string | null;
  @ApiProperty({ type: String, nullable: true })
  targetType!: string | null;
  @ApiProperty({ type: String, nullable: true })
  targetId!: string | null;
  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;
  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata!: Record<string, unknown>;
  createdAt!: Date;
}

export class AuditEventListResponseDto {
  items!: AuditEventResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponseDto {
  return {
    id: event.id,
    action: event.action,
    actorType: event.actorType,
    actorId: event.actorId,
    organizationId: event.organizationId,
    targetType: event.targetType,
    targetId: event.targetId,
    ip: event.ip,
    userAgent: event.userAgent,
    metadata: event.metadata,
    createdAt: event.createdAt,
  };
}
