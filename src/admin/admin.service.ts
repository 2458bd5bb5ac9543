import { Injectable } from '@nestjs/common';
import { UsageMeter } from '../api-keys/usage-meter.service';
import { AuditService } from '../audit/audit.service';
import { SessionsService } from '../auth/sessions.service';
import { AppException } from '../common/errors/app.exception';
import { ClientInfo } from '../common/http/request-context';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AdminRepository } from './admin.repository';
import {
  AdminOrganizationResponseDto,
  AdminOrganizationSummaryDto,
  AdminOrganizationUpdateDto,
  AdminUserUpdateDto,
} from './dto/admin.dto';

export interface AdminActor {
  userId: string;
  client: ClientInfo;
}

/** Superuser changes across tenants; every one is audited with the admin as actor. */
@Injectable()
export class AdminService {
  constructor(
    private readonly repository: AdminRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly meter: UsageMeter,
    private readonly audit: AuditService,
  ) {}

  async getUser(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new AppException('not_found', 'User not found');
    return user;
  }

  async updateUser(actor: AdminActor, id: string, changes: AdminUserUpdateDto): Promise<User> {
    const user = await this.getUser(id);
    const demotesSelf =
      id === actor.userId && (changes.isActive === false || changes.isSuperuser === false);
    if (demotesSelf) {
      throw new AppException('conflict', 'Admins cannot deactivate or demote themselves');
    }
    const update: Partial<User> = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.isActive !== undefined) update.isActive = changes.isActive;
    if (changes.isSuperuser !== undefined) update.isSuperuser = changes.isSuperuser;
    if (changes.emailVerified !== undefined) {
      update.emailVerifiedAt = changes.emailVerified ? (user.emailVerifiedAt ?? new Date()) : null;
    }
    const revoked = await this.users.transaction(async (manager) => {
      await this.users.update(id, update, manager);
      await this.audit.record(
        {
          action: 'admin.user_updated',
          actor: { type: 'user', id: actor.userId },
          target: { type: 'user', id },
          client: actor.client,
          metadata: { changes: { ...changes } },
        },
        manager,
      );
      // Deactivation ends every session at once.
      return changes.isActive === false
        ? this.sessions.revoke({ userId: id }, 'deactivated', manager)
        : [];
    });
    await this.sessions.announce(revoked);
    await this.users.changed(id);
    return this.getUser(id);
  }

  async deleteUser(actor: AdminActor, id: string): Promise<void> {
    if (id === actor.userId) throw new AppException('conflict', 'Admins cannot delete themselves');
    await this.getUser(id);
    const revoked = await this.users.transaction(async (manager) => {
      const sessionIds = await this.sessions.revoke({ userId: id }, 'admin', manager);
      await this.audit.record(
        {
          action: 'admin.user_deleted',
          actor: { type: 'user', id: actor.userId },
          target: { type: 'user', id },
          client: actor.client,
        },
        manager,
      );
      // An owner of an organization cannot go (RESTRICT): 409 until ownership moves.
      await this.users.delete(id, manager);
      return sessionIds;
    });
    await this.sessions.announce(revoked);
    await this.users.changed(id);
  }

  async describeOrganization(id: string): Promise<AdminOrganizationResponseDto> {
    const page = await this.repository.listOrganizations(1, undefined, id);
    const found = page.items[0];
    if (!found) throw new AppException('not_found', 'Organization not found');
    return {
      ...toOrganizationSummary(found.organization, found.memberCount),
      monthlyUsage: await this.meter.monthlyUsed(id),
    };
  }

  async updateOrganization(
    actor: AdminActor,
    id: string,
    changes: AdminOrganizationUpdateDto,
  ): Promise<AdminOrganizationResponseDto> {
    if (!(await this.repository.updateOrganization(id, { ...changes }))) {
      throw new AppException('not_found', 'Organization not found');
    }
    await this.audit.record({
      action: 'admin.organization_updated',
      actor: { type: 'user', id: actor.userId },
      organizationId: id,
      target: { type: 'organization', id },
      client: actor.client,
      metadata: { changes: { ...changes } },
    });
    return this.describeOrganization(id);
  }
}

export function toOrganizationSummary(
  organization: {
    id: string;
    name: string;
    slug: string;
    ownerId: string;
    subscriptionTier: AdminOrganizationResponseDto['subscriptionTier'];
    quotaLimit: number;
    createdAt: Date;
  },
  memberCount: number,
): AdminOrganizationSummaryDto {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    ownerId: organization.ownerId,
    subscriptionTier: organization.subscriptionTier,
    quotaLimit: organization.quotaLimit,
    memberCount,
    createdAt: organization.createdAt,
  };
}
