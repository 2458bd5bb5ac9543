import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { AppException } from '../common/errors/app.exception';
import { UsersService } from '../users/users.service';
import { AccountRepository } from './account.repository';
import { MembershipsRepository } from './memberships.repository';
import { OrgActor, OrgAudit } from './org-audit';
import { hasOrgRole } from './org-roles';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

/** Deleting one's account, which is mostly about what happens to one's organizations. */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly organizations: OrganizationsRepository,
    private readonly organizationsService: OrganizationsService,
    private readonly memberships: MembershipsRepository,
    private readonly orgAudit: OrgAudit,
    private readonly audit: AuditService,
    private readonly account: AccountRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Deletes the account with every organization it is the only member of. An owner of an
   * organization with other members must transfer it first (409). Sessions are revoked in
   * the same transaction and their access tokens refused everywhere once it commits.
   */
  async deleteAccount(actor: OrgActor, password: string): Promise<void> {
    const user = await this.users.findById(actor.userId);
    if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      throw new AppException('invalid_credentials', 'The password is not correct');
    }
    const revokedSessions = await this.dataSource.transaction(async (manager) => {
      // Lock first, then read the memberships: a transfer to this user cannot slip in between.
      const locked = await this.organizations.lockMany(
        manager,
        await this.memberships.organizationIdsOf(manager, user.id),
      );
      const memberships = await this.memberships.listWithMemberCounts(manager, user.id);
      if (memberships.some((m) => hasOrgRole(m, 'owner') && m.memberCount > 1)) {
        throw new AppException(
          'conflict',
          'You own an organization with other members: transfer its ownership before ' +
            'deleting your account',
        );
      }
      const lockedById = new Map(locked.map((organization) => [organization.id, organization]));
      for (const membership of memberships) {
        // One joined since the first read (e.g. just created) is locked now.
        const organization =
          lockedById.get(membership.organizationId) ??
          (await this.organizations.lockById(manager, membership.organizationId));
        if (!organization) continue;
        if (membership.memberCount === 1) {
          await this.organizationsService.deleteLocked(
            manager,
            actor,
            organization,
            'account_deleted',
          );
        } else {
          // The membership goes with the user (ON DELETE CASCADE); the organization's log says so.
          await this.orgAudit.record(manager, actor, 'org.member_left', organization.id, {
            target: { type: 'user', id: user.id },
            metadata: { role: membership.role, reason: 'account_deleted' },
          });
        }
      }
      const revoked = await this.sessions.revoke({ userId: user.id }, 'logout_all', manager);
      await this.audit.record(
        {
          action: 'user.deleted',
          actor: { type: 'user', id: user.id },
          target: { type: 'user', id: user.id },
          client: actor.client,
          metadata: { deletedOrganizations: memberships.filter((m) => m.memberCount === 1).length },
        },
        manager,
      );
      await this.account.deleteUser(manager, user.id);
      return revoked;
    });
    await this.sessions.announce(revokedSessions);
  }
}
