import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { cursorTimestampSql, decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { DEFAULT_PAGE_LIMIT } from '../common/pagination/page-query.dto';
import { AuditEvent } from './audit-event.entity';

/** What to list; every field narrows the list. */
export interface AuditEventFilter {
  organizationId?: string;
  actorId?: string;
  action?: string;
  /** Inclusive lower bound of `createdAt`. */
  from?: Date;
  /** Exclusive upper bound of `createdAt`. */
  to?: Date;
}

/** Reading the audit log. */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Newest first, keyset-paginated on (created_at, id). */
  async listNewestFirst(
    filter: AuditEventFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<AuditEvent>> {
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const after = decodeCursor(page.cursor);
    const query = this.events
      .createQueryBuilder('event')
      .addSelect(cursorTimestampSql('event.created_at'), 'cursor_at');
    if (filter.organizationId) {
      query.andWhere('event.organization_id = :organizationId', {
        organizationId: filter.organizationId,
      });
    }
    if (filter.actorId) query.andWhere('event.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) query.andWhere('event.action = :action', { action: filter.action });
    if (filter.from) query.andWhere('event.created_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('event.created_at < :to', { to: filter.to });
    if (after) {
      query.andWhere('(event.created_at, event.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: after.at,
        afterId: after.id,
      });
    }
    const { raw, entities } = await query
      .orderBy('event.created_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ event_id: string; cursor_at: string }>();
    const cursorById = new Map(raw.map((row) => [row.event_id, row.cursor_at]));
    return toPage(
      entities,
      limit,
      (event) => ({ at: cursorById.get(event.id)!, id: event.id }),
      (event) => event,
    );
  }
}
