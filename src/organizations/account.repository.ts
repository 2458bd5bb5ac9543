import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { User } from '../users/user.entity';

/** The account deletion's own query. */
@Injectable()
export class AccountRepository {
  /** Sessions, tokens and memberships go with the user (ON DELETE CASCADE). */
  async deleteUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(User).delete({ id: userId });
  }
}
