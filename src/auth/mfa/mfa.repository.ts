import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { HotQueries } from '../../database/hot-queries';
import { MfaLoginToken } from './entities/mfa-login-token.entity';
import { MfaRecoveryCode } from './entities/mfa-recovery-code.entity';
import { UserMfa } from './entities/user-mfa.entity';

/** Every query of two-factor authentication, named by intent. */
@Injectable()
export class MfaRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hotQueries: HotQueries,
  ) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findState(userId: string, manager?: EntityManager): Promise<UserMfa | null> {
    return this.manager(manager).findOneBy(UserMfa, { userId });
  }

  /** A subquery: whether the user whose id is `userIdColumn` has 2FA on. */
  enabledSelect(userIdColumn: string): string {
    return `SELECT EXISTS (SELECT 1 FROM user_mfa WHERE user_id = ${userIdColumn} AND enabled_at IS NOT NULL)`;
  }

  async isEnabled(userId: string): Promise<boolean> {
    // Asked on every password sign-in: a prepared statement.
    const rows = await this.hotQueries.read<unknown>(
      'mfa_enabled',
      'SELECT 1 FROM user_mfa WHERE user_id = $1 AND enabled_at IS NOT NULL',
      [userId],
    );
    return rows.length > 0;
  }

  /** Keeps a setup's secret until its first code enables it; a newer setup replaces it. */
  async savePendingSecret(userId: string, sealed: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_mfa (user_id, pending_secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET pending_secret_sealed = EXCLUDED.pending_secret_sealed`,
      [userId, sealed],
    );
  }

  /**
   * Promotes the pending secret that was checked (not a newer one from a parallel setup);
   * true for exactly one caller.
   */
  async enable(
    manager: EntityManager,
    userId: string,
    checkedPendingSealed: string,
    step: number,
  ): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE user_mfa SET secret_sealed = pending_secret_sealed, pending_secret_sealed = NULL,
              enabled_at = now(), last_used_step = $3
       WHERE user_id = $1 AND enabled_at IS NULL AND pending_secret_sealed = $2`,
      [userId, checkedPendingSealed, step],
    );
    return affected === 1;
  }

  /**
   * Records a TOTP time step as used, only if it is later than the last one: a code is
   * accepted once, and parallel requests with the same code have one winner.
   */
  async acceptStep(userId: string, step: number, manager?: EntityManager): Promise<boolean> {
    const [, affected] = await this.manager(manager).query<[unknown[], number]>(
      `UPDATE user_mfa SET last_used_step = $2
       WHERE user_id = $1 AND enabled_at IS NOT NULL
         AND (last_used_step IS NULL OR last_used_step < $2)`,
      [userId, step],
    );
    return affected === 1;
  }

  /** Removes every trace of 2FA: secrets, recovery codes, half-finished sign-ins. */
  async disable(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(MfaLoginToken, { userId });
    await manager.delete(MfaRecoveryCode, { userId });
    await manager.delete(UserMfa, { userId });
  }

  async replaceRecoveryCodes(
    manager: EntityManager,
    userId: string,
    digests: Buffer[],
  ): Promise<void> {
    await manager.delete(MfaRecoveryCode, { userId });
    await manager.insert(
      MfaRecoveryCode,
      digests.map((codeDigest) => ({ userId, codeDigest })),
    );
  }

  /** Spends an unused recovery code; true for exactly one caller. */
  async useRecoveryCode(userId: string, digest: Buffer, manager?: EntityManager): Promise<boolean> {
    const [, affected] = await this.manager(manager).query<[unknown[], number]>(
      `UPDATE mfa_recovery_codes SET used_at = now()
       WHERE user_id = $1 AND code_digest = $2 AND used_at IS NULL`,
      [userId, digest],
    );
    return affected === 1;
  }

  async countUnusedRecoveryCodes(userId: string, manager?: EntityManager): Promise<number> {
    return this.manager(manager).countBy(MfaRecoveryCode, { userId, usedAt: IsNull() });
  }

  /** Stores a new login token, dropping the user's long-expired ones on the way. */
  async addLoginToken(
    token: Pick<MfaLoginToken, 'userId' | 'tokenDigest' | 'rememberMe' | 'method' | 'expiresAt'>,
    manager?: EntityManager,
  ): Promise<void> {
    const target = this.manager(manager);
    await target.query(
      `DELETE FROM mfa_login_tokens WHERE user_id = $1 AND expires_at < now() - interval '1 hour'`,
      [token.userId],
    );
    await target.insert(MfaLoginToken, token);
  }

  findLoginToken(digest: Buffer): Promise<MfaLoginToken | null> {
    return this.dataSource.manager.findOneBy(MfaLoginToken, { tokenDigest: digest });
  }

  /** Uses a live login token up; true for exactly one caller. */
  async consumeLoginToken(id: string, manager?: EntityManager): Promise<boolean> {
    const [, affected] = await this.manager(manager).query<[unknown[], number]>(
      `UPDATE mfa_login_tokens SET consumed_at = now()
       WHERE id = $1 AND consumed_at IS NULL AND expires_at > now()`,
      [id],
    );
    return affected === 1;
  }
}
