import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset';
import { Invitation } from './entities/invitation.entity';

export interface InvitationRow {
  invitation: Invitation;
  cursorAt: string;
}

/** Neither accepted, declined nor revoked (it may have expired). */
const OPEN = 'i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL';

/** Queries about organization invitations, named by intent. */
@Injectable()
export class InvitationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query(manager?: EntityManager): SelectQueryBuilder<Invitation> {
    return (manager ?? this.dataSource.manager)
      .getRepository(Invitation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.organization', 'organization');
  }

  findByDigest(digest: Buffer): Promise<Invitation | null> {
    return this.query().where('i.token_digest = :digest', { digest }).getOne();
  }

  findById(id: string): Promise<Invitation | null> {
    return this.query().where('i.id = :id', { id }).getOne();
  }

  findInOrganization(organizationId: string, id: string): Promise<Invitation | null> {
    return this.query()
      .where('i.id = :id AND i.organization_id = :organizationId', { id, organizationId })
      .getOne();
  }

  /** Revokes the open invitations to this email (a newer one replaces them); returns their ids. */
  async revokeOpenTo(
    manager: EntityManager,
    organizationId: string,
    email: string,
  ): Promise<string[]> {
    const result = await manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ revokedAt: () => 'now()' })
      .where(
        'organization_id = :organizationId AND email = :email AND accepted_at IS NULL ' +
          'AND declined_at IS NULL AND revoked_at IS NULL',
        { organizationId, email },
      )
      .returning('id')
      .execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  insert(
    manager: EntityManager,
    values: Pick<
      Invitation,
      'organizationId' | 'email' | 'role' | 'tokenDigest' | 'invitedById' | 'expiresAt'
    >,
  ): Promise<Invitation> {
    const repository = manager.getRepository(Invitation);
    return repository.save(repository.create(values));
  }

  /** Single use under races: true for exactly one caller, and only while it is pending. */
  private async close(
    manager: EntityManager,
    id: string,
    field: 'acceptedAt' | 'declinedAt' | 'revokedAt',
    extra = '',
    parameters: Record<string, unknown> = {},
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ [field]: () => 'now()' })
      .where(
        `id = :id AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL${extra}`,
        { id, ...parameters },
      )
      .execute();
    return result.affected === 1;
  }

  markAccepted(manager: EntityManager, id: string): Promise<boolean> {
    return this.close(manager, id, 'acceptedAt', ' AND expires_at > now()');
  }

  markDeclined(manager: EntityManager, id: string): Promise<boolean> {
    return this.close(manager, id, 'declinedAt', ' AND expires_at > now()');
  }

  /** Revokes an open invitation of this organization (an expired one too). */
  revoke(manager: EntityManager, organizationId: string, id: string): Promise<boolean> {
    return this.close(manager, id, 'revokedAt', ' AND organization_id = :organizationId', {
      organizationId,
    });
  }

  /** The organization's open invitations (expired ones included), newest first. */
  listOpenInOrganization(
    organizationId: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<InvitationRow[]> {
    const query = this.query()
      .where(OPEN)
      .andWhere('i.organization_id = :organizationId', { organizationId });
    return this.newestFirst(query, limit, after);
  }

  /** Invitations to this email that can still be accepted, newest first. */
  listPendingTo(
    email: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<InvitationRow[]> {
    const query = this.query()
      .where(OPEN)
      .andWhere('i.email = :email AND i.expires_at > now()', { email });
    return this.newestFirst(query, limit, after);
  }

  private async newestFirst(
    query: SelectQueryBuilder<Invitation>,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<InvitationRow[]> {
    if (after) {
      query.andWhere('(i.created_at, i.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: after.at,
        afterId: after.id,
      });
    }
    const { raw, entities } = await query
      .addSelect(cursorTimestampSql('i.created_at'), 'cursor_at')
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(limit)
      .getRawAndEntities<{ i_id: string; cursor_at: string }>();
    const cursorById = new Map(raw.map((row) => [row.i_id, row.cursor_at]));
    return entities.map((invitation) => ({
      invitation,
      cursorAt: cursorById.get(invitation.id)!,
    }));
  }
}
