import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { randomToken, tokenDigest } from '../common/crypto/tokens';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { DEFAULT_PAGE_LIMIT } from '../common/pagination/page-query.dto';
import { AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { Invitation } from './entities/invitation.entity';
import { InvitationsRepository } from './invitations.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrgAccessService } from './org-access.service';
import { OrgActor, OrgAudit } from './org-audit';
import { AssignableOrgRole } from './org-roles';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationWithRole } from './organizations.service';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

type PageRequest = { limit?: number; cursor?: string };

function tokenInvalid(): AppException {
  return new AppException('token_invalid', 'This invitation is not valid or was already used');
}

function tokenExpired(): AppException {
  return new AppException('token_expired', 'This invitation has expired');
}

function invitationNotFound(): AppException {
  return new AppException('not_found', 'Invitation not found');
}

/** 400 unless the invitation can still be accepted or declined. */
function assertPending(invitation: Invitation): void {
  if (invitation.acceptedAt || invitation.declinedAt || invitation.revokedAt) throw tokenInvalid();
  if (invitation.expiresAt.getTime() <= Date.now()) throw tokenExpired();
}

/** Invitations: admins send, list and revoke them; the invitee lists, accepts or declines. */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly access: OrgAccessService,
    private readonly audit: OrgAudit,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  private link(token: string): string {
    // Links come from APP_URL only, never from the request's Host header.
    return `${this.config.http.appUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
  }

  /**
   * Invites an email (409 if it already belongs to a member). A pending invitation to the
   * same email is revoked and replaced; the email goes out through the outbox, so it is
   * sent only if all of this commits.
   */
  async invite(
    actor: OrgActor,
    organizationId: string,
    input: { email: string; role: AssignableOrgRole },
  ): Promise<Invitation> {
    const inviter = await this.users.findById(actor.userId);
    if (!inviter) throw new AppException('unauthorized', 'Not signed in');
    const token = randomToken();
    return this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'admin',
      async (manager, locked) => {
        const invitee = await this.users.findByEmail(input.email, manager);
        if (invitee && (await this.memberships.exists(organizationId, invitee.id, manager))) {
          throw new AppException('conflict', 'This email belongs to a member already');
        }
        const replaced = await this.invitations.revokeOpenTo(manager, organizationId, input.email);
        const invitation = await this.invitations.insert(manager, {
          organizationId,
          email: input.email,
          role: input.role,
          tokenDigest: tokenDigest(token),
          invitedById: actor.userId,
          expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS),
        });
        for (const id of replaced) {
          await this.audit.record(manager, actor, 'org.invitation_revoked', organizationId, {
            target: { type: 'invitation', id },
            metadata: { email: input.email, reason: 'replaced', replacedBy: invitation.id },
          });
        }
        await this.audit.record(manager, actor, 'org.invitation_sent', organizationId, {
          target: { type: 'invitation', id: invitation.id },
          metadata: { email: input.email, role: input.role },
        });
        await this.mail.enqueue(manager, input.email, {
          template: 'organization_invitation',
          params: {
            organizationName: locked.organization.name,
            inviterName: inviter.name,
            role: input.role,
            link: this.link(token),
          },
        });
        invitation.organization = locked.organization;
        return invitation;
      },
    );
  }

  async listForOrganization(organizationId: string, page: PageRequest): Promise<Page<Invitation>> {
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.invitations.listOpenInOrganization(
      organizationId,
      limit + 1,
      decodeCursor(page.cursor),
    );
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.invitation.id }),
      (row) => row.invitation,
    );
  }

  /** Admins revoke an invitation of their organization that is not accepted or declined. */
  async revoke(actor: OrgActor, organizationId: string, invitationId: string): Promise<void> {
    const invitation = await this.invitations.findInOrganization(organizationId, invitationId);
    if (!invitation) throw invitationNotFound();
    await this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'admin',
      async (manager) => {
        if (!(await this.invitations.revoke(manager, organizationId, invitationId))) {
          throw new AppException(
            'conflict',
            'This invitation was already accepted, declined or revoked',
          );
        }
        await this.audit.record(manager, actor, 'org.invitation_revoked', organizationId, {
          target: { type: 'invitation', id: invitationId },
          metadata: { email: invitation.email, reason: 'revoked' },
        });
      },
    );
  }

  /** The caller, whose verified email an invitation must match. */
  private async invitee(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
    return user;
  }

  /** Pending invitations to the caller's verified email (none while it is unverified). */
  async listForInvitee(userId: string, page: PageRequest): Promise<Page<Invitation>> {
    const user = await this.invitee(userId);
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const after = decodeCursor(page.cursor);
    if (!user.emailVerifiedAt) return { items: [], nextCursor: null };
    const rows = await this.invitations.listPendingTo(user.email, limit + 1, after);
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.invitation.id }),
      (row) => row.invitation,
    );
  }

  /** With the emailed token: 400 for a token that is unknown or spent, 403 for another email. */
  async acceptByToken(actor: OrgActor, token: string): Promise<OrganizationWithRole> {
    const invitation = await this.invitations.findByDigest(tokenDigest(token));
    if (!invitation) throw tokenInvalid();
    assertPending(invitation);
    const user = await this.invitee(actor.userId);
    if (!user.emailVerifiedAt || user.email !== invitation.email) {
      throw new AppException('forbidden', 'This invitation is for another email address');
    }
    return this.accept(actor, invitation);
  }

  /** By id, from the invitee's list: someone else's invitation is a 404. */
  async acceptById(actor: OrgActor, invitationId: string): Promise<OrganizationWithRole> {
    const invitation = await this.ownInvitation(actor.userId, invitationId);
    assertPending(invitation);
    return this.accept(actor, invitation);
  }

  async decline(actor: OrgActor, invitationId: string): Promise<void> {
    const invitation = await this.ownInvitation(actor.userId, invitationId);
    assertPending(invitation);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.invitations.markDeclined(manager, invitation.id))) {
        throw this.lostRace(invitation);
      }
      await this.audit.record(
        manager,
        actor,
        'org.invitation_declined',
        invitation.organizationId,
        {
          target: { type: 'invitation', id: invitation.id },
          metadata: { email: invitation.email },
        },
      );
    });
  }

  /** 404 unless the invitation is to the caller's email; 403 while that email is unverified. */
  private async ownInvitation(userId: string, invitationId: string): Promise<Invitation> {
    const [user, invitation] = await Promise.all([
      this.invitee(userId),
      this.invitations.findById(invitationId),
    ]);
    if (!invitation || invitation.email !== user.email) throw invitationNotFound();
    if (!user.emailVerifiedAt) {
      throw new AppException('forbidden', 'Verify your email address to answer invitations');
    }
    return invitation;
  }

  /**
   * Single use under races: the conditional update lets one acceptance through; the other
   * finds it spent. The organization's lock keeps it from being deleted meanwhile.
   */
  private async accept(actor: OrgActor, invitation: Invitation): Promise<OrganizationWithRole> {
    const organization = await this.dataSource.transaction(async (manager) => {
      const locked = await this.organizations.lockById(manager, invitation.organizationId);
      if (!locked) throw tokenInvalid();
      if (!(await this.invitations.markAccepted(manager, invitation.id))) {
        throw this.lostRace(invitation);
      }
      if (await this.memberships.exists(locked.id, actor.userId, manager)) {
        throw new AppException('conflict', 'You are a member of this organization already');
      }
      await this.memberships.insert(manager, {
        organizationId: locked.id,
        userId: actor.userId,
        role: invitation.role,
      });
      await this.audit.record(manager, actor, 'org.invitation_accepted', locked.id, {
        target: { type: 'invitation', id: invitation.id },
        metadata: { email: invitation.email, role: invitation.role },
      });
      return locked;
    });
    return { organization, role: invitation.role };
  }

  /** What a conditional update that changed nothing means: spent meanwhile, or just expired. */
  private lostRace(invitation: Invitation): AppException {
    return invitation.expiresAt.getTime() <= Date.now() ? tokenExpired() : tokenInvalid();
  }
}
