import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ClientInfo } from '../common/http/request-context';
import { AuditActorType, AuditEvent } from './audit-event.entity';

export interface AuditActor {
  type: AuditActorType;
  id: string | null;
}

export interface AuditRecord {
  action: string;
  actor: AuditActor;
  organizationId?: string | null;
  target?: { type: string; id: string } | null;
  client?: ClientInfo | null;
  /** Never a secret: callers pass ids, names and reasons only. */
  metadata?: Record<string, unknown>;
}

/** An audit event as an `INSERT … SELECT` for a caller's own statement (one round trip). */
export interface AuditInsert {
  /** `INSERT INTO audit_events (…) SELECT $n, …` (add a FROM to insert once per row). */
  sql: string;
  values: unknown[];
}

/** Writes audit events, inside the caller's transaction when one is given. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(record: AuditRecord, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    // insert, not save: nothing to read back, and far less ORM work on every login.
    await repository.insert(
      // The metadata is arbitrary JSON: TypeORM's deep-partial type cannot describe it.
      repository.create({
        action: record.action,
        actorType: record.actor.type,
        actorId: record.actor.id,
        organizationId: record.organizationId ?? null,
        targetType: record.target?.type ?? null,
        targetId: record.target?.id ?? null,
        ip: record.client?.ip ?? null,
        userAgent: record.client?.userAgent ?? null,
        metadata: record.metadata ?? {},
      }) as QueryDeepPartialEntity<AuditEvent>,
    );
  }

  /** The event as SQL whose parameters are numbered from `firstParameter`. */
  insertSql(record: AuditRecord, firstParameter: number): AuditInsert {
    // [column, SQL type, value]: the casts let PostgreSQL type parameters of a SELECT list.
    const fields: Array<[string, string, unknown]> = [
      ['action', 'varchar', record.action],
      ['actor_type', 'varchar', record.actor.type],
      ['actor_id', 'uuid', record.actor.id],
      ['organization_id', 'uuid', record.organizationId ?? null],
      ['target_type', 'varchar', record.target?.type ?? null],
      ['target_id', 'varchar', record.target?.id ?? null],
      ['ip', 'varchar', record.client?.ip ?? null],
      ['user_agent', 'varchar', record.client?.userAgent ?? null],
      ['metadata', 'jsonb', JSON.stringify(record.metadata ?? {})],
    ];
    const columns = fields.map(([column]) => column).join(', ');
    const parameters = fields.map(([, type], i) => `$${firstParameter + i}::${type}`).join(', ');
    return {
      sql: `INSERT INTO audit_events (${columns}) SELECT ${parameters}`,
      values: fields.map(([, , value]) => value),
    };
  }
}
