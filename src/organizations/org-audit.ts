import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ClientInfo } from '../common/http/request-context';

/** Who does something, from where: what every audit event of this module names. */
export interface OrgActor {
  userId: string;
  client: ClientInfo;
}

export type OrgAuditAction =
  | 'org.created'
  | 'org.updated'
  | 'org.deleted'
  | 'org.member_role_changed'
  | 'org.member_removed'
  | 'org.member_left'
  | 'org.ownership_transferred'
  | 'org.invitation_sent'
  | 'org.invitation_accepted'
  | 'org.invitation_declined'
  | 'org.invitation_revoked';

/** Audit events of an organization, always written in the transaction of the change. */
@Injectable()
export class OrgAudit {
  constructor(private readonly audit: AuditService) {}

  record(
    manager: EntityManager,
    actor: OrgActor,
    action: OrgAuditAction,
    organizationId: string,
    details: { target?: { type: string; id: string }; metadata?: Record<string, unknown> } = {},
  ): Promise<void> {
    return this.audit.record(
      {
        action,
        actor: { type: 'user', id: actor.userId },
        organizationId,
        target: details.target ?? null,
        client: actor.client,
        metadata: details.metadata,
      },
      manager,
    );
  }
}
