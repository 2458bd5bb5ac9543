import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { MaybePromise } from '../common/maybe-promise';
import { SharedState } from '../common/shared-state/shared-state';
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
const USERS_CHANGED_CHANNEL = 'users:changed';
const SUMMARY_CACHE_LIMIT = 50_000;
const SUMMARY_TTL_MS = 60_000;

/** The few fields hot paths (`whoami`) need, cached so they cost no query. */
export interface UserSummary {
  id: string;
  email: string;
  username: string;
  isActive: boolean;
}

function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === PG_UNIQUE_VIOLATION ? (driverError.constraint ?? '') : null;
}

@Injectable()
export class UsersService implements OnModuleInit {
  private readonly createdHooks: UserCreatedHook[] = [];
  private readonly summaries = new Map<string, UserSummary & { loadedAt: number }>();

  constructor(
    private readonly users: UsersRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SharedState) private readonly sharedState: SharedState,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sharedState.subscribe(USERS_CHANGED_CHANNEL, (id) => this.summaries.delete(id));
  }

  /**
   * Cached; dropped on every instance when the user changes (and after a minute anyway). A
   * cached summary comes at once, not as a promise (see MaybePromise).
   */
  summary(id: string): MaybePromise<UserSummary | null> {
    const cached = this.summaries.get(id);
    if (cached && Date.now() - cached.loadedAt < SUMMARY_TTL_MS) return cached;
    return this.loadSummary(id);
  }

  private async loadSummary(id: string): Promise<UserSummary | null> {
    const user = await this.users.findById(id);
    if (!user) return null;
    if (this.summaries.size >= SUMMARY_CACHE_LIMIT) {
      const oldest = this.summaries.keys().next().value;
      if (oldest !== undefined) this.summaries.delete(oldest);
    }
    const entry = {
      id: user.id,
      email: user.email,
      username: user.username,
      isActive: user.isActive,
      loadedAt: Date.now(),
    };
    this.summaries.set(id, entry);
    return entry;
  }

  /** Tells every instance that a user changed (call after commit). */
  async changed(id: string): Promise<void> {
    this.summaries.delete(id);
    await this.sharedState.publish(USERS_CHANGED_CHANNEL, id);
  }

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
  async findByIdentifier(identifier: string): Promise<User | null> {
    return (await this.findForSignIn(identifier))?.user ?? null;
  }

  /**
   * The user of an email or username as typed at login, and `alsoSelect` (a scalar over the
   * users row `u`) read in the same statement, so a sign-in asks the database once before the
   * password check.
   */
  findForSignIn(
    identifier: string,
    alsoSelect?: string,
  ): Promise<{ user: User; also: unknown } | null> {
    const normalized = identifier.trim().toLowerCase();
    const by = normalized.includes('@') ? 'email' : 'username';
    return this.users.findForSignIn(by, normalized, alsoSelect);
  }

  /**
   * Creates a user (and, through the hooks, what belongs with it) in the caller's
   * transaction. A generated username takes the first free suffix; an explicit one that
   * is taken is a 409 `username_taken`, an email that is taken a 409 `email_taken`.
   */
  async create(input: NewUser, manager: EntityManager): Promise<User> {
    const base = usernameBase(input.email, input.name);
    const username =
      input.username ?? firstFreeUsername(base, await this.users.findUsernamesLike(base, manager));
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
    await this.changed(userId);
  }

  /** Inside a transaction, call `changed(userId)` after commit when cached fields changed. */
  async update(userId: string, changes: Partial<User>, manager?: EntityManager): Promise<void> {
    await this.users.update(userId, changes, manager);
    if (!manager) await this.changed(userId);
  }

  delete(userId: string, manager?: EntityManager): Promise<void> {
    return this.users.delete(userId, manager);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
