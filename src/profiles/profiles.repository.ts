import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { JsonRow, jsonRowOf } from '../database/json-row';
import { Profile } from './profile.entity';

export type ProfileChanges = Partial<
  Pick<
    Profile,
    | 'timezone'
    | 'locale'
    | 'notifyEmailSecurity'
    | 'notifyEmailProduct'
    | 'notifyEmailMarketing'
    | 'preferences'
  >
>;

@Injectable()
export class ProfilesRepository {
  private readonly jsonRow: JsonRow<Profile>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.jsonRow = jsonRowOf(dataSource, Profile);
  }

  /** A subquery: the profile of the user whose id is `userIdColumn`, as JSON (or NULL). */
  jsonSelect(userIdColumn: string): string {
    return `SELECT ${this.jsonRow.select('p')} FROM profiles p WHERE p.user_id = ${userIdColumn}`;
  }

  fromJson(json: unknown): Profile {
    return this.jsonRow.read(json as Record<string, unknown>);
  }

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(Profile);
  }

  /** A profile with the defaults; nothing when the user already has one. */
  async insertDefault(userId: string, manager?: EntityManager): Promise<void> {
    await this.repo(manager)
      .createQueryBuilder()
      .insert()
      .into(Profile)
      .values({ userId })
      .orIgnore()
      .execute();
  }

  findByUserId(userId: string): Promise<Profile | null> {
    return this.repo().findOneBy({ userId });
  }

  async update(userId: string, changes: ProfileChanges): Promise<void> {
    // jsonb takes any JSON value; TypeORM's deep-partial type cannot express that.
    await this.repo().update({ userId }, changes as QueryDeepPartialEntity<Profile>);
  }

  /**
   * Sets the avatar key under a row lock and returns the key it replaced, so of two concurrent
   * uploads each learns exactly the key it displaced. `undefined`: the user has no profile.
   */
  replaceAvatarKey(userId: string, avatarKey: string | null): Promise<string | null | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const profiles = manager.getRepository(Profile);
      const current = await profiles.findOne({
        where: { userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) return undefined;
      await profiles.update({ userId }, { avatarKey });
      return current.avatarKey;
    });
  }
}
