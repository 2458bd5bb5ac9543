import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../../common/pagination/keyset';
import { User } from '../../users/user.entity';
import { OAuthExchangeCode } from './entities/oauth-exchange-code.entity';
import { UserIdentity } from './entities/user-identity.entity';

export type IdentityRow = Pick<UserIdentity, 'id' | 'provider' | 'email' | 'createdAt'> & {
  cursorAt: string;
};

/** Every query of social sign-in: linked identities and one-time exchange codes. */
@Injectable()
export class OAuthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findIdentity(
    provider: string,
    subject: string,
    manager: EntityManager,
  ): Promise<UserIdentity | null> {
    return manager.findOneBy(UserIdentity, { provider, subject });
  }

  /** The user an identity links to, read in the caller's transaction. */
  findLinkedUser(manager: EntityManager, userId: string): Promise<User | null> {
    return manager.findOneBy(User, { id: userId });
  }

  async addIdentity(
    manager: EntityManager,
    identity: Pick<UserIdentity, 'provider' | 'subject' | 'userId' | 'email'>,
  ): Promise<void> {
    await manager.insert(UserIdentity, identity);
  }

  /** Keeps the provider's latest email next to the link (shown in the identity list). */
  async refreshIdentityEmail(manager: EntityManager, id: string, email: string | null) {
    await manager.update(UserIdentity, { id }, { email });
  }

  /** The user's identities, oldest first. */
  listIdentities(
    userId: string,
    limit: number,
    after: KeysetPosition | null,
  ): Promise<IdentityRow[]> {
    return this.dataSource.query<IdentityRow[]>(
      `SELECT id, provider, email, created_at AS "createdAt",
              ${cursorTimestampSql('created_at')} AS "cursorAt"
       FROM user_identities
       WHERE user_id = $1
         AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
       ORDER BY created_at, id
       LIMIT $2`,
      [userId, limit, after?.at ?? null, after?.id ?? null],
    );
  }

  /**
   * Locks the user's row for an unlink and says what ways to sign in it has: two parallel
   * unlinks then cannot each remove one of the last two.
   */
  async lockSignInMethods(
    manager: EntityManager,
    userId: string,
  ): Promise<{ hasPassword: boolean; identities: number } | null> {
    const rows = await manager.query<Array<{ has_password: boolean }>>(
      'SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    if (rows.length === 0) return null;
    const identities = await manager.countBy(UserIdentity, { userId });
    return { hasPassword: rows[0].has_password, identities };
  }

  async findUserIdentity(
    manager: EntityManager,
    userId: string,
    id: string,
  ): Promise<UserIdentity | null> {
    return manager.findOneBy(UserIdentity, { id, userId });
  }

  async deleteIdentity(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(UserIdentity, { id });
  }

  /** Stores a new exchange code, dropping the user's long-expired ones on the way. */
  async addExchangeCode(
    code: Pick<
      OAuthExchangeCode,
      'userId' | 'codeDigest' | 'provider' | 'rememberMe' | 'expiresAt'
    >,
  ): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM oauth_exchange_codes WHERE user_id = $1 AND expires_at < now() - interval '1 hour'`,
      [code.userId],
    );
    await this.dataSource.manager.insert(OAuthExchangeCode, code);
  }

  findExchangeCode(digest: Buffer): Promise<OAuthExchangeCode | null> {
    return this.dataSource.manager.findOneBy(OAuthExchangeCode, { codeDigest: digest });
  }

  /** Uses a live exchange code up; true for exactly one caller. */
  async consumeExchangeCode(id: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE oauth_exchange_codes SET consumed_at = now()
       WHERE id = $1 AND consumed_at IS NULL AND expires_at > now()`,
      [id],
    );
    return affected === 1;
  }
}
