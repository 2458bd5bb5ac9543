import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { MembershipsRepository } from './memberships.repository';
import { hasOrgRole, OrgRole } from './org-roles';
import { OrganizationsRepository } from './organizations.repository';

/** The organization of a route's `:orgId`, and the caller's place in it. */
export interface OrgAccess {
  organization: Organization;
  /** The caller's membership; null for an API key, which acts for the organization by scope. */
  membership: Membership | null;
}

/**
 * A read's claim to an organization that its own statement checks (routes marked
 * `@OrgAccessCheckedByQuery()`): the check and the read share one round trip and one snapshot.
 * A member must still be one; an API key (its organization already matched by the guard)
 * needs the organization to exist. Such a statement answers "not allowed" with a 404.
 */
export interface OrgScope {
  organizationId: string;
  caller: { kind: 'member'; userId: string } | { kind: 'organization-key' };
}

/** What changes work with: always a member, re-read under the organization's lock. */
export interface LockedOrgAccess extends OrgAccess {
  membership: Membership;
}

/** Thrown for anyone outside the organization, whatever the reason: ids leak nothing. */
export function organizationNotFound(): AppException {
  return new AppException('not_found', 'Organization not found');
}

export function roleRequired(least: OrgRole): AppException {
  return new AppException('forbidden', `This needs the ${least} role in the organization`);
}

/**
 * Who may act in an organization: the one place that resolves a caller to an organization
 * (used by `OrgRoleGuard`, and re-checked under the organization's lock for changes).
 */
@Injectable()
export class OrgAccessService {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly organizations: OrganizationsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * What the caller may claim in the organization before any query: null when the id is not
   * even a UUID, or a key names another organization than its own (a key acts only for its own).
   */
  scope(principal: Principal, organizationId: string): OrgScope | null {
    if (!isUUID(organizationId)) return null;
    switch (principal.type) {
      case 'user':
        return { organizationId, caller: { kind: 'member', userId: principal.userId } };
      case 'api_key':
        if (principal.organizationId !== organizationId) return null;
        return { organizationId, caller: { kind: 'organization-key' } };
      default: {
        // Every kind of credential is classified here, and nowhere else.
        const unhandled: never = principal;
        throw new Error(`No organization access for principal ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * The organization and the caller's membership, in one query; null when the caller is not
   * in it, it does not exist, or the id is not even a UUID (all answer 404 alike).
   */
  async resolve(principal: Principal, organizationId: string): Promise<OrgAccess | null> {
    const scope = this.scope(principal, organizationId);
    if (!scope) return null;
    if (scope.caller.kind === 'member') {
      const membership = await this.memberships.findWithOrganization(
        organizationId,
        scope.caller.userId,
      );
      if (!membership?.organization) return null;
      return { organization: membership.organization, membership };
    }
    const organization = await this.organizations.findById(organizationId);
    return organization ? { organization, membership: null } : null;
  }

  /**
   * Runs `work` in a transaction holding the organization's row lock, after checking again,
   * under that lock, that the user still has `least`: the guard's answer may be stale by
   * then (a concurrent transfer, demotion or removal). 404 when the organization or the
   * membership is gone, 403 when the role no longer suffices.
   */
  inLockedOrganization<T>(
    organizationId: string,
    userId: string,
    least: OrgRole,
    work: (manager: EntityManager, access: LockedOrgAccess) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await this.organizations.lockById(manager, organizationId);
      if (!organization) throw organizationNotFound();
      const [membership] = await this.memberships.findInOrganization(manager, organizationId, [
        userId,
      ]);
      if (!membership) throw organizationNotFound();
      if (!hasOrgRole(membership, least)) throw roleRequired(least);
      return work(manager, { organization, membership });
    });
  }
}
