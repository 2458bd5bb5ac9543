import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HotQueries } from '../database/hot-queries';
import { JsonRow, jsonRowOf } from '../database/json-row';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  private readonly userRow: JsonRow<User>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hotQueries: HotQueries,
  ) {
    this.userRow = jsonRowOf(dataSource, User);
  }

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(User);
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ email });
  }

  /**
   * The user signing in with this (normalized) email or username, and `alsoSelect` (a scalar
   * over the row `u`, such as whether its 2FA is on) read by the same prepared statement. Like
   * the other hot statements' fragments, `alsoSelect` is fixed for the process's life.
   */
  async findForSignIn(
    by: 'email' | 'username',
    value: string,
    alsoSelect = 'NULL',
  ): Promise<{ user: User; also: unknown } | null> {
    const rows = await this.hotQueries.read<{ user: Record<string, unknown>; also: unknown }>(
      alsoSelect === 'NULL' ? `user_by_${by}` : `user_by_${by}_and_scalar`,
      `SELECT ${this.userRow.select('u')} AS "user", (${alsoSelect}) AS "also"
       FROM users u WHERE u.${by} = $1`,
      [value],
    );
    return rows[0] ? { user: this.userRow.read(rows[0].user), also: rows[0].also } : null;
  }

  /** Usernames equal to `base` or `base` followed by digits, to pick a free suffix. */
  async findUsernamesLike(base: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.repo(manager)
      .createQueryBuilder('user')
      .select('user.username', 'username')
      .where("user.username = :base OR user.username ~ ('^' || :base || '[0-9]+$')", { base })
      .getRawMany<{ username: string }>();
    return rows.map((row) => row.username);
  }

  insert(user: Partial<User>, manager: EntityManager): Promise<User> {
    return manager.getRepository(User).save(manager.getRepository(User).create(user));
  }

  async update(id: string, changes: Partial<User>, manager?: EntityManager): Promise<void> {
    await this.repo(manager).update({ id }, changes);
  }

  async delete(id: string, manager?: EntityManager): Promise<void> {
    await this.repo(manager).delete({ id });
  }
}
