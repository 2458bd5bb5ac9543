import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset';
import { HotQueries } from '../database/hot-queries';
import { JsonRow, jsonRowOf } from '../database/json-row';
import { User } from '../users/user.entity';
import { Membership } from './entities/membership.entity';
import { Organization, SubscriptionTier } from './entities/organization.entity';
import type { OrgScope } from './org-access.service';
import { OrgRole } from './org-roles';

/** A member as listed: the membership with the user's public fields (one query, no N+1). */
export interface MemberRow {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  username: string;
  role: OrgRole;
  joinedAt: Date;
  cursorAt: string;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** One of a user's organizations, with the user's role in it. */
export interface MyOrganizationRow {
  organization: Organization;
  membershipId: string;
  role: OrgRole;
  cursorAt: string;
}

export interface MembershipSummaryRow {
  organizationId: string;
  name: string;
  slug: string;
  role: OrgRole;
}

/** Queries about memberships, named by intent. */
@Injectable()
export class MembershipsRepository {
  private readonly membershipRow: JsonRow<Membership>;
  private readonly organizationRow: JsonRow<Organization>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hotQueries: HotQueries,
  ) {
    this.membershipRow = jsonRowOf(dataSource, Membership);
    this.organizationRow = jsonRowOf(dataSource, Organization);
  }

  /** The user's membership with its organization, in one prepared query (what the guard needs). */
  async findWithOrganization(organizationId: string, userId: string): Promise<Membership | null> {
    const rows = await this.hotQueries.read<{
      membership: Record<string, unknown>;
      organization: Record<string, unknown>;
    }>(
      'membership_with_organization',
      `SELECT ${this.membershipRow.select('m')} AS membership,
              ${this.organizationRow.select('o')} AS organization
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.organization_id = $1 AND m.user_id = $2`,
      [organizationId, userId],
    );
    if (!rows[0]) return null;
    const membership = this.membershipRow.read(rows[0].membership);
    membership.organization = this.organizationRow.read(rows[0].organization);
    return membership;
  }

  exists(organizationId: string, userId: string, manager?: EntityManager): Promise<boolean> {
    return (manager ?? this.dataSource.manager)
      .getRepository(Membership)
      .exists({ where: { organizationId, userId } });
  }

  /** The memberships of some users in one organization (e.g. the actor and the target). */
  findInOrganization(
    manager: EntityManager,
    organizationId: string,
    userIds: string[],
  ): Promise<Membership[]> {
    return manager
      .getRepository(Membership)
      .findBy({ organizationId, userId: In([...new Set(userIds)]) });
  }

  async insert(
    manager: EntityManager,
    values: Pick<Membership, 'organizationId' | 'userId' | 'role'>,
  ): Promise<void> {
    await manager.getRepository(Membership).insert(values);
  }

  async updateRole(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    role: OrgRole,
  ): Promise<void> {
    await manager.getRepository(Membership).update({ organizationId, userId }, { role });
  }

  /** True when a membership was deleted. */
  async delete(manager: EntityManager, organizationId: string, userId: string): Promise<boolean> {
    const result = await manager.getRepository(Membership).delete({ organizationId, userId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Clears `activeOrganizationId` of users whose active organization it was: one user's
   * when their membership ends, everyone's when the organization is deleted.
   */
  async clearActiveOrganization(
    manager: EntityManager,
    organizationId: string,
    userId?: string,
  ): Promise<void> {
    const where = userId
      ? { id: userId, activeOrganizationId: organizationId }
      : { activeOrganizationId: organizationId };
    await manager.getRepository(User).update(where, { activeOrganizationId: null });
  }

  /**
   * Members oldest first, with the user's public fields, if the caller may see them: the
   * access check (`scope`) and the page in one statement. `allowed` is false for a caller
   * outside the organization, or when it no longer exists.
   */
  async listMembers(
    scope: OrgScope,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<{ allowed: boolean; rows: MemberRow[] }> {
    // The access row always comes back; the page joins it only when access is granted.
    const rows = await this.hotQueries.read<{ allowed: boolean } & Nullable<MemberRow>>(
      'organization_members_page',
      `SELECT access.allowed, page.*
       FROM (SELECT CASE WHEN $5::uuid IS NULL
                         THEN EXISTS (SELECT 1 FROM organizations WHERE id = $1)
                         ELSE EXISTS (SELECT 1 FROM memberships
                                      WHERE organization_id = $1 AND user_id = $5)
                    END AS allowed) access
       LEFT JOIN LATERAL (
         SELECT m.id AS "membershipId", m.user_id AS "userId", u.email, u.name, u.username,
                m.role, m.joined_at AS "joinedAt",
                ${cursorTimestampSql('m.joined_at')} AS "cursorAt"
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.organization_id = $1
           AND ($3::timestamptz IS NULL OR (m.joined_at, m.id) > ($3::timestamptz, $4::uuid))
         ORDER BY m.joined_at, m.id
         LIMIT $2
       ) page ON access.allowed
       ORDER BY page."joinedAt", page."membershipId"`,
      [
        scope.organizationId,
        limit,
        after?.at ?? null,
        after?.id ?? null,
        scope.caller.kind === 'member' ? scope.caller.userId : null,
      ],
    );
    const allowed = rows[0]?.allowed === true;
    return {
      allowed,
      rows: allowed ? rows.filter((row): row is typeof row & MemberRow => !!row.membershipId) : [],
    };
  }

  /** The user's organizations in the order they joined them, with their role in each. */
  async listOrganizationsOf(
    userId: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<MyOrganizationRow[]> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        name: string;
        slug: string;
        ownerId: string;
        subscriptionTier: SubscriptionTier;
        quotaLimit: number;
        createdAt: Date;
        updatedAt: Date;
        membershipId: string;
        role: OrgRole;
        cursorAt: string;
      }>
    >(
      `SELECT o.id, o.name, o.slug, o.owner_id AS "ownerId",
              o.subscription_tier AS "subscriptionTier", o.quota_limit AS "quotaLimit",
              o.created_at AS "createdAt", o.updated_at AS "updatedAt",
              m.id AS "membershipId", m.role, ${cursorTimestampSql('m.joined_at')} AS "cursorAt"
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = $1
         AND ($3::timestamptz IS NULL OR (m.joined_at, m.id) > ($3::timestamptz, $4::uuid))
       ORDER BY m.joined_at, m.id
       LIMIT $2`,
      [userId, limit, after?.at ?? null, after?.id ?? null],
    );
    return rows.map(({ membershipId, role, cursorAt, ...organization }) => ({
      organization: Object.assign(new Organization(), organization),
      membershipId,
      role,
      cursorAt,
    }));
  }

  /** Every membership of a user, for `GET /users/me`. */
  /** A subquery: `summariesOf` as one JSON array, for the user whose id is `userIdColumn`. */
  summariesJsonSelect(userIdColumn: string): string {
    return `SELECT coalesce(json_agg(json_build_object(
         'organizationId', m.organization_id, 'name', o.name, 'slug', o.slug, 'role', m.role)
         ORDER BY m.joined_at, m.id), '[]'::json)
       FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.user_id = ${userIdColumn}`;
  }

  async organizationIdsOf(manager: EntityManager, userId: string): Promise<string[]> {
    const rows = await manager
      .getRepository(Membership)
      .find({ select: { organizationId: true }, where: { userId } });
    return rows.map((row) => row.organizationId);
  }

  /** The user's memberships with how many members each organization has. */
  async listWithMemberCounts(
    manager: EntityManager,
    userId: string,
  ): Promise<Array<{ organizationId: string; role: OrgRole; memberCount: number }>> {
    return manager.query(
      `SELECT m.organization_id AS "organizationId", m.role,
              (SELECT count(*)::int FROM memberships other
               WHERE other.organization_id = m.organization_id) AS "memberCount"
       FROM memberships m
       WHERE m.user_id = $1
       ORDER BY m.organization_id`,
      [userId],
    );
  }
}
