import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { firstFreeUsername, usernameBase } from './username';

export interface NewUser {
  email: string;
  name: string;
  username?: string;
  passwordHash: string | null;
  emailVerified: boolean;
  isSuperuser?: boolean;
}

/** Runs inside the transaction that creates a user (e.g. the profile module adds a profile). */
export type UserCreatedHook = (user: User, manager: EntityManager) => Promise<void>;

const PG_UNIQUE_VIOLATION = '23505';

function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === PG_UNIQUE_VIOLATION ? (driverError.constraint ?? '') : null;
}

@Injectable()
export class UsersService {
  private readonly createdHooks: UserCreatedHook[] = [];

  constructor(
    private readonly users: UsersRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Lets another module act on every new user, in the same transaction. */
  onUserCreated(hook: UserCreatedHook): void {
    this.createdHooks.push(hook);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.users.findByEmail(email, manager);
  }

  /** An email (contains `@`) or a username, as typed at login. */
  findByIdentifier(identifier: string): Promise<User | null> {
    const normalized = identifier.trim().toLowerCase();
    return normalized.includes('@')
      ? this.users.findByEmail(normalized)
      : this.users.findByUsername(normalized);
  }

  /**
   * Creates a user (and, through the hooks, what belongs with it) in the caller's
   * transaction. A generated username takes the first free suffix; an explicit one that
   * is taken is a 409 `username_taken`, an email that is taken a 409 `email_taken`.
   */
  async create(input: NewUser, manager: EntityManager): Promise<User> {
    const username =
      input.username ??
      firstFreeUsername(
        usernameBase(input.email, input.name),
        await this.users.findUsernamesLike(usernameBase(input.email, input.name), manager),
      );
    let user: User;
    try {
      // A savepoint, so a lost race on a unique index leaves the outer transaction usable.
      user = await manager.transaction((inner) =>
        this.users.insert(
          {
            email: input.email,
            name: input.name,
            username,
            passwordHash: input.passwordHash,
            emailVerifiedAt: input.emailVerified ? new Date() : null,
            isSuperuser: input.isSuperuser ?? false,
          },
          inner,
        ),
      );
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'UQ_users_email') {
        throw new AppException('email_taken', 'An account with this email already exists');
      }
      if (constraint === 'UQ_users_username') {
        if (input.username) throw new AppException('username_taken', 'This username is taken');
        // Someone took the generated name meanwhile: pick again.
        return this.create({ ...input, username: undefined }, manager);
      }
      throw error;
    }
    for (const hook of this.createdHooks) await hook(user, manager);
    return user;
  }

  async updateProfileFields(
    userId: string,
    changes: { name?: string; username?: string; phone?: string | null },
  ): Promise<void> {
    try {
      await this.users.update(userId, changes);
    } catch (error) {
      if (uniqueViolation(error) === 'UQ_users_username') {
        throw new AppException('username_taken', 'This username is taken');
      }
      throw error;
    }
  }

  update(userId: string, changes: Partial<User>, manager?: EntityManager): Promise<void> {
    return this.users.update(userId, changes, manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
