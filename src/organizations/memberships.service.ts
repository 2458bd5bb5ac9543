import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { DEFAULT_PAGE_LIMIT } from '../common/pagination/page-query.dto';
import { MeService } from '../users/me.service';
import { UsersService } from '../users/users.service';
import { MemberResponseDto, toMemberResponse } from './dto/member.dto';
import { Membership } from './entities/membership.entity';
import { MembershipSummaryRow, MembershipsRepository } from './memberships.repository';
import { OrgAccessService, organizationNotFound, OrgScope } from './org-access.service';
import { OrgActor, OrgAudit } from './org-audit';
import { AssignableOrgRole, hasOrgRole } from './org-roles';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationWithRole } from './organizations.service';

function memberNotFound(): AppException {
  return new AppException('not_found', 'No such member in this organization');
}

/** Members of an organization: roles, removal, leaving, ownership, the active organization. */
@Injectable()
export class MembershipsService implements OnModuleInit {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly access: OrgAccessService,
    private readonly audit: OrgAudit,
    private readonly users: UsersService,
    private readonly me: MeService,
  ) {}

  onModuleInit(): void {
    // GET /users/me lists the user's memberships.
    this.me.contribute({
      select: this.memberships.summariesJsonSelect('u.id'),
      read: (json) => ({ memberships: json as MembershipSummaryRow[] }),
    });
  }

  async list(
    scope: OrgScope,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<MemberResponseDto>> {
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const { allowed, rows } = await this.memberships.listMembers(
      scope,
      limit + 1,
      decodeCursor(page.cursor),
    );
    if (!allowed) throw organizationNotFound();
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.membershipId }),
      toMemberResponse,
    );
  }

  /** The actor's and the target's memberships, read under the organization's lock. */
  private async target(
    manager: EntityManager,
    organizationId: string,
    userId: string,
  ): Promise<Membership> {
    const [membership] = await this.memberships.findInOrganization(manager, organizationId, [
      userId,
    ]);
    if (!membership) throw memberNotFound();
    return membership;
  }

  /**
   * Admins move members between `member` and `admin` (themselves and other admins too).
   * The owner's role changes only through a transfer of ownership.
   */
  async changeRole(
    actor: OrgActor,
    organizationId: string,
    userId: string,
    role: AssignableOrgRole,
  ): Promise<MemberResponseDto> {
    const changed = await this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'admin',
      async (manager) => {
        const target = await this.target(manager, organizationId, userId);
        if (hasOrgRole(target, 'owner')) {
          throw new AppException(
            'forbidden',
            "The owner's role cannot be changed; the owner can transfer ownership instead",
          );
        }
        if (target.role !== role) {
          await this.memberships.updateRole(manager, organizationId, userId, role);
          await this.audit.record(manager, actor, 'org.member_role_changed', organizationId, {
            target: { type: 'user', id: userId },
            metadata: { from: target.role, to: role },
          });
        }
        return { ...target, role };
      },
    );
    const user = await this.users.findById(userId);
    if (!user) throw memberNotFound();
    return toMemberResponse({
      userId,
      email: user.email,
      name: user.name,
      username: user.username,
      role: changed.role,
      joinedAt: changed.joinedAt,
    });
  }

  /** Admins remove members and other admins, never the owner. */
  async remove(actor: OrgActor, organizationId: string, userId: string): Promise<void> {
    await this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'admin',
      async (manager) => {
        const target = await this.target(manager, organizationId, userId);
        if (hasOrgRole(target, 'owner')) {
          throw new AppException('forbidden', 'The owner cannot be removed from the organization');
        }
        await this.end(manager, organizationId, userId);
        await this.audit.record(
          manager,
          actor,
          userId === actor.userId ? 'org.member_left' : 'org.member_removed',
          organizationId,
          { target: { type: 'user', id: userId }, metadata: { role: target.role } },
        );
      },
    );
  }

  /** Any member but the owner, who must transfer ownership first (409). */
  async leave(actor: OrgActor, organizationId: string): Promise<void> {
    await this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'member',
      async (manager, locked) => {
        if (hasOrgRole(locked.membership, 'owner')) {
          throw new AppException(
            'conflict',
            'The owner cannot leave the organization; transfer ownership first',
          );
        }
        await this.end(manager, organizationId, actor.userId);
        await this.audit.record(manager, actor, 'org.member_left', organizationId, {
          target: { type: 'user', id: actor.userId },
          metadata: { role: locked.membership.role },
        });
      },
    );
  }

  private async end(manager: EntityManager, organizationId: string, userId: string): Promise<void> {
    await this.memberships.delete(manager, organizationId, userId);
    await this.memberships.clearActiveOrganization(manager, organizationId, userId);
  }

  /**
   * The owner hands the organization to another member and becomes an admin. Under the
   * organization's lock, so of two simultaneous transfers the second finds its caller no
   * longer owner (403); the partial unique index backs the one-owner rule regardless.
   */
  async transferOwnership(
    actor: OrgActor,
    organizationId: string,
    userId: string,
  ): Promise<OrganizationWithRole> {
    return this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'owner',
      async (manager, locked) => {
        if (userId === actor.userId) {
          throw AppException.validation('userId', 'userId is already the owner');
        }
        await this.target(manager, organizationId, userId);
        // Demote first: the index allows one owner at any moment, even within a transaction.
        await this.memberships.updateRole(manager, organizationId, actor.userId, 'admin');
        await this.memberships.updateRole(manager, organizationId, userId, 'owner');
        await this.organizations.update(manager, organizationId, { ownerId: userId });
        await this.audit.record(manager, actor, 'org.ownership_transferred', organizationId, {
          target: { type: 'user', id: userId },
          metadata: { previousOwnerId: actor.userId },
        });
        return {
          organization: { ...locked.organization, ownerId: userId, updatedAt: new Date() },
          role: 'admin',
        };
      },
    );
  }

  /**
   * Only an organization the user is a member of (404 otherwise, as for any outsider).
   * Under the organization's lock, so it cannot race the end of the membership.
   */
  async setActiveOrganization(userId: string, organizationId: string): Promise<void> {
    await this.access.inLockedOrganization(organizationId, userId, 'member', (manager) =>
      this.users.update(userId, { activeOrganizationId: organizationId }, manager),
    );
  }
}
