import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { HotQueries } from '../database/hot-queries';
import { JsonRow, jsonRowOf } from '../database/json-row';
import { toUserResponse, UserResponseDto } from './dto/user-response.dto';
import { UserUpdateDto } from './dto/user-update.dto';
import { User } from './user.entity';
import { UsersService } from './users.service';

/**
 * A module's part of `/users/me` (memberships, profile, mfaEnabled…): a scalar SQL expression
 * over the user row `u` (a subquery, typically returning JSON), and how to read its value.
 * Every part is one column of the same query, so `/users/me` costs one round trip.
 */
export interface MeContributor {
  select: string;
  read(value: unknown, user: User): Partial<UserResponseDto> | Promise<Partial<UserResponseDto>>;
}

/** `/users/me`: the user, plus what other modules contribute to it. */
@Injectable()
export class MeService {
  private readonly contributors: MeContributor[] = [];
  private readonly userRow: JsonRow<User>;
  /** The select list, built on first use (when every module has contributed). */
  private query?: string;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly hotQueries: HotQueries,
    private readonly users: UsersService,
  ) {
    this.userRow = jsonRowOf(dataSource, User);
  }

  contribute(contributor: MeContributor): void {
    this.contributors.push(contributor);
    this.query = undefined;
  }

  /**
   * The select list of `/users/me` over a users row aliased `u`: a statement of another module
   * can add it (`… JOIN LATERAL (SELECT <list> FROM users u WHERE u.id = …)`) and pass the
   * row to `describeRow`, saving the round trip of `describe`.
   */
  get selectList(): string {
    this.query ??= [
      `${this.userRow.select('u')} AS "user"`,
      ...this.contributors.map((contributor, i) => `(${contributor.select}) AS "part${i}"`),
    ].join(', ');
    return this.query;
  }

  async describe(userId: string): Promise<UserResponseDto> {
    const rows = await this.hotQueries.read<Record<string, unknown>>(
      'users_me',
      `SELECT ${this.selectList} FROM users u WHERE u.id = $1`,
      [userId],
    );
    return this.describeRow(rows[0]);
  }

  /** From a row with `selectList`'s columns; 401 when the user is gone or deactivated. */
  async describeRow(row: Record<string, unknown> | undefined): Promise<UserResponseDto> {
    if (!row?.user) throw new AppException('unauthorized', 'Not signed in');
    const user = this.userRow.read(row.user as Record<string, unknown>);
    if (!user.isActive) throw new AppException('unauthorized', 'Not signed in');
    const parts = await Promise.all(
      this.contributors.map(async (contributor, i) => contributor.read(row[`part${i}`], user)),
    );
    return Object.assign(toUserResponse(user), ...parts) as UserResponseDto;
  }

  async update(userId: string, changes: UserUpdateDto): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await this.users.updateProfileFields(userId, changes);
  }
}
