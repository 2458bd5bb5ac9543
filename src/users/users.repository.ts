import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { User } from './user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(User);
  }

  findById(id: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.repo(manager).findOneBy({ email });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.repo().findOneBy({ username });
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
