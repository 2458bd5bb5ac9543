import { Command, CommandRunner, Option } from 'nest-commander';
import { AuditService } from '../audit/audit.service';
import { AuthService } from '../auth/auth.service';
import { PasswordHasher } from '../auth/passwords/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { CommandError, passwordOption } from './command-input';

interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

const SYSTEM = { type: 'system', id: null } as const;

abstract class UserCommand extends CommandRunner {
  @Option({ flags: '--password <password>', description: 'the password (or use --password-stdin)' })
  parsePassword(value: string): string {
    return value;
  }

  @Option({ flags: '--password-stdin', description: 'read the password from standard input' })
  parsePasswordStdin(): boolean {
    return true;
  }
}

@Command({
  name: 'createsuperuserauto',
  description: 'Create a superuser with a verified email (fails if the email exists)',
})
export class CreateSuperuserCommand extends UserCommand {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'email address', required: true })
  parseEmail(value: string): string {
    return value.trim().toLowerCase();
  }

  @Option({ flags: '--username <username>', description: 'username (generated when absent)' })
  parseUsername(value: string): string {
    return value.trim().toLowerCase();
  }

  @Option({
    flags: '--name <name>',
    description: 'display name (defaults to the username part of the email)',
  })
  parseName(value: string): string {
    return value.trim();
  }

  async run(
    _args: string[],
    options: PasswordOptions & { email: string; username?: string; name?: string },
  ): Promise<void> {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email))
      throw new CommandError(`not an email address: ${options.email}`);
    if (options.username !== undefined && !/^[a-z0-9_]{3,30}$/.test(options.username)) {
      throw new CommandError('--username must be 3-30 of a-z, 0-9 and _');
    }
    if (await this.users.findByEmail(options.email)) {
      throw new CommandError(`a user with email ${options.email} already exists`);
    }
    const password = await passwordOption(options);
    this.auth.checkPassword(password, { email: options.email, username: options.username });
    const passwordHash = await this.hasher.hash(password);
    const user = await this.users.transaction(async (manager) => {
      if (await this.users.findByEmail(options.email, manager)) {
        throw new CommandError(`a user with email ${options.email} already exists`);
      }
      const created = await this.users.create(
        {
          email: options.email,
          name: options.name ?? options.email.split('@')[0],
          username: options.username,
          passwordHash,
          emailVerified: true,
          isSuperuser: true,
        },
        manager,
      );
      await this.audit.record(
        {
          action: 'user.superuser_created',
          actor: SYSTEM,
          target: { type: 'user', id: created.id },
        },
        manager,
      );
      return created;
    });
    process.stdout.write(
      `Created superuser ${user.email} (username ${user.username}, id ${user.id})\n`,
    );
  }
}

@Command({
  name: 'customchangepassword',
  description: "Set a user's password (by --email or --username) and end their sessions",
})
export class ChangePasswordCommand extends UserCommand {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'the user’s email' })
  parseEmail(value: string): string {
    return value.trim().toLowerCase();
  }

  @Option({ flags: '--username <username>', description: 'the user’s username' })
  parseUsername(value: string): string {
    return value.trim().toLowerCase();
  }

  async run(
    _args: string[],
    options: PasswordOptions & { email?: string; username?: string },
  ): Promise<void> {
    if ((options.email === undefined) === (options.username === undefined)) {
      throw new CommandError('give exactly one of --email or --username');
    }
    const user: User | null = await this.users.findByIdentifier(
      options.email ?? (options.username as string),
    );
    if (!user)
      throw new CommandError(
        `no user with ${options.email ? 'email' : 'username'} ${options.email ?? options.username}`,
      );
    const password = await passwordOption(options);
    this.auth.checkPassword(password, user);
    const passwordHash = await this.hasher.hash(password);
    const revoked = await this.users.transaction(async (manager) => {
      await this.users.update(user.id, { passwordHash }, manager);
      await this.audit.record(
        {
          action: 'user.password_changed',
          actor: SYSTEM,
          target: { type: 'user', id: user.id },
          metadata: { via: 'cli' },
        },
        manager,
      );
      return this.sessions.revoke({ userId: user.id }, 'password_changed', manager);
    });
    await this.sessions.announce(revoked);
    process.stdout.write(
      `Password changed for ${user.email}; ${revoked.length} session(s) ended\n`,
    );
  }
}

@Command({
  name: 'upgradetosuperuser',
  description: 'Make an existing verified, active user a superuser',
})
export class UpgradeToSuperuserCommand extends CommandRunner {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {
    super();
  }

  @Option({ flags: '--email <email>', description: 'the user’s email', required: true })
  parseEmail(value: string): string {
    return value.trim().toLowerCase();
  }

  async run(_args: string[], options: { email: string }): Promise<void> {
    const user = await this.users.findByEmail(options.email);
    if (!user) throw new CommandError(`no user with email ${options.email}`);
    if (!user.isActive) throw new CommandError(`${options.email} is deactivated`);
    if (!user.emailVerifiedAt)
      throw new CommandError(`${options.email} has not verified their email`);
    if (user.isSuperuser) {
      process.stdout.write(`${user.email} is already a superuser\n`);
      return;
    }
    await this.users.transaction(async (manager) => {
      await this.users.update(user.id, { isSuperuser: true }, manager);
      await this.audit.record(
        { action: 'user.superuser_granted', actor: SYSTEM, target: { type: 'user', id: user.id } },
        manager,
      );
    });
    process.stdout.write(`${user.email} is now a superuser\n`);
  }
}
