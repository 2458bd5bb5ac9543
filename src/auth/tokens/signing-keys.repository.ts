import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { SigningKey } from '../entities/signing-key.entity';

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keys still in use: the active ones and those retired less than `publishForMs` ago. */
  findPublished(publishForMs: number): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({
      where: [
        { retiredAt: IsNull() },
        { retiredAt: MoreThan(new Date(Date.now() - publishForMs)) },
      ],
      order: { createdAt: 'DESC' },
    });
  }

  /** Adds a new active key and retires the others, atomically. */
  async replaceActive(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(SigningKey, { retiredAt: IsNull() }, { retiredAt: () => 'now()' });
      await manager.insert(SigningKey, key);
    });
  }

  async insertIfNoneActive(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>): Promise<void> {
    // One statement, so instances starting together create at most one first key.
    await this.dataSource.query(
      `INSERT INTO signing_keys (id, algorithm, public_jwk, private_key_encrypted)
       SELECT $1, $2, $3, $4
       WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL)`,
      [key.id, key.algorithm, JSON.stringify(key.publicJwk), key.privateKeyEncrypted],
    );
  }
}
