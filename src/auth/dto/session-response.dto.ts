import { ApiProperty } from '@nestjs/swagger';
import { Session } from '../entities/session.entity';

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  createdAt!: Date;
  lastUsedAt!: Date;
  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;
  /** The session of the token making this request. */
  current!: boolean;
}

export class SessionListResponseDto {
  items!: SessionResponseDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export function toSessionResponse(session: Session, currentSessionId: string): SessionResponseDto {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastUsedAt: session.lastUsedAt,
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.id === currentSessionId,
  };
}

export class TokenVerifyResponseDto {
  @ApiProperty({ enum: [true] })
  valid!: true;
  @ApiProperty({ type: Object, description: 'iss, aud, sub, sid, jti, iat, exp' })
  claims!: Record<string, unknown>;
}
