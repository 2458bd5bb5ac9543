import { ApiKeyUsage } from '../api-keys/entities/api-key-usage.entity';
import { ApiKey } from '../api-keys/entities/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { EmailToken } from '../auth/entities/email-token.entity';
import { RefreshToken } from '../auth/entities/refresh-token.entity';
import { Session } from '../auth/entities/session.entity';
import { SigningKey } from '../auth/entities/signing-key.entity';
import { MfaLoginToken } from '../auth/mfa/entities/mfa-login-token.entity';
import { MfaRecoveryCode } from '../auth/mfa/entities/mfa-recovery-code.entity';
import { UserMfa } from '../auth/mfa/entities/user-mfa.entity';
import { OAuthExchangeCode } from '../auth/oauth/entities/oauth-exchange-code.entity';
import { UserIdentity } from '../auth/oauth/entities/user-identity.entity';
import { OutboxMessage } from '../mail/outbox-message.entity';
import { Invitation } from '../organizations/entities/invitation.entity';
import { Membership } from '../organizations/entities/membership.entity';
import { Organization } from '../organizations/entities/organization.entity';
import { Profile } from '../profiles/profile.entity';
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
  Organization,
  Membership,
  Invitation,
  UserMfa,
  MfaRecoveryCode,
  MfaLoginToken,
  UserIdentity,
  OAuthExchangeCode,
  Profile,
  ApiKey,
  ApiKeyUsage,
];
