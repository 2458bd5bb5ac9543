import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { ApiKey } from './entities/api-key.entity';

export interface UsageIncrement {
  apiKeyId: string;
  organizationId: string;
  day: string;
  requests: number;
  lastUsedAt: Date;
}

/** Every query of the API-key feature, named by intent. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private keys(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ApiKey);
  }

  insert(key: Partial<ApiKey>, manager?: EntityManager): Promise<ApiKey> {
    const repository = this.keys(manager);
    return repository.save(repository.create(key));
  }

  findByDigest(digest: Buffer): Promise<ApiKey | null> {
    return this.keys().findOneBy({ keyDigest: digest });
  }

  findInOrganization(organizationId: string, id: string): Promise<ApiKey | null> {
    return this.keys().findOneBy({ organizationId, id });
  }

  findById(id: string, organizationId?: string): Promise<ApiKey | null> {
    return this.keys().findOneBy(organizationId ? { id, organizationId } : { id });
  }

  /** Newest first, keyset-paginated on (created_at, id); all organizations when null. */
  async listForOrganization(
    organizationId: string | null,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<ApiKey>> {
    const after = decodeCursor(cursor);
    const query = this.keys()
      .createQueryBuilder('key')
      .addSelect(cursorTimestampSql('key.created_at'), 'cursor_at');
    if (organizationId) query.andWhere('key.organization_id = :organizationId', { organizationId });
    if (after) {
      query.andWhere('(key.created_at, key.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: after.at,
        afterId: after.id,
      });
    }
    const { raw, entities } = await query
      .orderBy('key.created_at', 'DESC')
      .addOrderBy('key.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ key_id: string; cursor_at: string }>();
    const cursorById = new Map(raw.map((row) => [row.key_id, row.cursor_at]));
    return toPage(
      entities,
      limit,
      (key) => ({ at: cursorById.get(key.id)!, id: key.id }),
      (key) => key,
    );
  }

  /** Revokes a live key; true when this call did it. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.keys()
      .createQueryBuilder()
      .update(ApiKey)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** The old key keeps working until `graceEndsAt` (revoked at once when that is now). */
  async retire(manager: EntityManager, id: string, graceSeconds: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ApiKey)
      .set(
        graceSeconds > 0
          ? { graceEndsAt: () => `now() + make_interval(secs => ${Math.floor(graceSeconds)})` }
          : { revokedAt: () => 'now()' },
      )
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Keys changed since `since` (revoked, rotated): caches evict them. */
  findChangedSince(since: Date): Promise<Array<{ id: string; updatedAt: Date }>> {
    return this.dataSource.query(
      `SELECT id, updated_at AS "updatedAt" FROM api_keys WHERE updated_at > $1`,
      [since],
    );
  }

  /** Adds counted requests: one statement per batch, whatever the number of keys. */
  async addUsage(batch: UsageIncrement[]): Promise<void> {
    if (batch.length === 0) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO api_key_usage (api_key_id, organization_id, day, requests)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::bigint[])
         ON CONFLICT (api_key_id, day)
         DO UPDATE SET requests = api_key_usage.requests + EXCLUDED.requests`,
        [
          batch.map((entry) => entry.apiKeyId),
          batch.map((entry) => entry.organizationId),
          batch.map((entry) => entry.day),
          batch.map((entry) => entry.requests),
        ],
      );
      // Moves forward only, so a slow flush never sets an older time.
      await manager.query(
        `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
        [batch.map((entry) => entry.apiKeyId), batch.map((entry) => entry.lastUsedAt)],
      );
    });
  }

  async usageByDay(
    apiKeyId: string,
    from: string,
    to: string,
  ): Promise<Array<{ date: string; requests: number }>> {
    const rows = await this.dataSource.query<Array<{ date: string; requests: string }>>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, requests FROM api_key_usage
       WHERE api_key_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day`,
      [apiKeyId, from, to],
    );
    return rows.map((row) => ({ date: row.date, requests: Number(row.requests) }));
  }

  /** Requests across the organization's keys from `monthStart` (a UTC date) on. */
  async monthlyUsage(organizationId: string, monthStart: string): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ total: string | null }>>(
      `SELECT sum(requests) AS total FROM api_key_usage WHERE organization_id = $1 AND day >= $2`,
      [organizationId, monthStart],
    );
    return Number(row?.total ?? 0);
  }

  findOrganizationSummary(
    id: string,
  ): Promise<{ id: string; name: string; slug: string; quotaLimit: number } | undefined> {
    return this.dataSource
      .query<Array<{ id: string; name: string; slug: string; quotaLimit: number }>>(
        `SELECT id, name, slug, quota_limit AS "quotaLimit" FROM organizations WHERE id = $1`,
        [id],
      )
      .then((rows) => rows[0]);
  }
}
