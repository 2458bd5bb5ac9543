import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { EmailToken, EmailTokenPurpose } from './entities/email-token.entity';

@Injectable()
export class EmailTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Retires the user's unused tokens of this purpose, then stores the new one. */
  async replace(
    manager: EntityManager,
    token: { userId: string; purpose: EmailTokenPurpose; digest: Buffer; expiresAt: Date },
  ): Promise<void> {
    await manager.update(
      EmailToken,
      { userId: token.userId, purpose: token.purpose, consumedAt: IsNull() },
      { consumedAt: () => 'now()' },
    );
    await manager.insert(EmailToken, {
      userId: token.userId,
      purpose: token.purpose,
      tokenDigest: token.digest,
      expiresAt: token.expiresAt,
    });
  }

  findByDigest(digest: Buffer, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
    return this.dataSource.getRepository(EmailToken).findOneBy({ tokenDigest: digest, purpose });
  }

  /** Marks a live token used; true for exactly one caller (single use under races). */
  async consume(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(EmailToken)
      .set({ consumedAt: () => 'now()' })
      .where('id = :id AND consumed_at IS NULL AND expires_at > now()', { id })
      .execute();
    return result.affected === 1;
  }
}
