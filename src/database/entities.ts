import { AuditEvent } from '../audit/audit-event.entity';
import { EmailToken } from '../auth/entities/email-token.entity';
import { RefreshToken } from '../auth/entities/refresh-token.entity';
import { Session } from '../auth/entities/session.entity';
import { SigningKey } from '../auth/entities/signing-key.entity';
import { OutboxMessage } from '../mail/outbox-message.entity';
import { User } from '../users/user.entity';

/** Every entity, so tooling (migration generation, the schema check) sees the whole schema. */
export const entities = [
  User,
  Session,
  RefreshToken,
  SigningKey,
  EmailToken,
  OutboxMessage,
  AuditEvent,
];
