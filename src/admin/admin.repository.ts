import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { cursorTimestampSql, decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { Organization } from '../organizations/entities/organization.entity';
import { User } from '../users/user.entity';

export interface OrganizationWithCounts {
  organization: Organization;
  memberCount: number;
}

/** The admin's cross-tenant reads. */
@Injectable()
export class AdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async searchUsers(
    search: string | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<User>> {
    const after = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .addSelect(cursorTimestampSql('user.created_at'), 'cursor_at');
    if (search) {
      // A substring, not a pattern: escape LIKE's wildcards.
      const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere(
        new Brackets((where) =>
          where
            .where('user.email LIKE :pattern', { pattern })
            .orWhere('user.username LIKE :pattern', { pattern })
            .orWhere('lower(user.name) LIKE :pattern', { pattern }),
        ),
      );
    }
    if (after) {
      query.andWhere('(user.created_at, user.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: after.at,
        afterId: after.id,
      });
    }
    const { raw, entities } = await query
      .orderBy('user.created_at', 'DESC')
      .addOrderBy('user.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ user_id: string; cursor_at: string }>();
    const cursorById = new Map(raw.map((row) => [row.user_id, row.cursor_at]));
    return toPage(
      entities,
      limit,
      (user) => ({ at: cursorById.get(user.id)!, id: user.id }),
      (user) => user,
    );
  }

  /** Organizations with their member counts, in one query. */
  async listOrganizations(
    limit: number,
    cursor?: string,
    id?: string,
  ): Promise<Page<OrganizationWithCounts>> {
    const after = decodeCursor(cursor);
    const query = this.dataSource
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .addSelect(cursorTimestampSql('organization.created_at'), 'cursor_at')
      .addSelect(
        '(SELECT count(*) FROM memberships m WHERE m.organization_id = organization.id)::int',
        'member_count',
      );
    if (id) query.andWhere('organization.id = :id', { id });
    if (after) {
      query.andWhere(
        '(organization.created_at, organization.id) < (:afterAt::timestamptz, :afterId::uuid)',
        { afterAt: after.at, afterId: after.id },
      );
    }
    const { raw, entities } = await query
      .orderBy('organization.created_at', 'DESC')
      .addOrderBy('organization.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ organization_id: string; cursor_at: string; member_count: number }>();
    const rawById = new Map(raw.map((row) => [row.organization_id, row]));
    return toPage(
      entities,
      limit,
      (organization) => ({ at: rawById.get(organization.id)!.cursor_at, id: organization.id }),
      (organization) => ({
        organization,
        memberCount: Number(rawById.get(organization.id)!.member_count),
      }),
    );
  }

  async updateOrganization(
    id: string,
    changes: Partial<Pick<Organization, 'subscriptionTier' | 'quotaLimit'>>,
  ): Promise<boolean> {
    const result = await this.dataSource.getRepository(Organization).update({ id }, changes);
    return (result.affected ?? 0) === 1;
  }
}
