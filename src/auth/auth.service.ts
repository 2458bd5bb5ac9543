import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditService } from '../audit/audit.service';
import { AppException } from '../common/errors/app.exception';
import { ClientInfo } from '../common/http/request-context';
import { MailService } from '../mail/mail.service';
import { MeService } from '../users/me.service';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { TokenResponseDto } from './dto/token-response.dto';
import { EmailTokensService } from './email-tokens.service';
import { LoginThrottle } from './login-throttle.service';
import { MfaChallengeResponseDto } from './mfa/dto/mfa-challenge-response.dto';
import { PasswordHasher } from './passwords/password-hasher';
import { PasswordPolicy } from './passwords/password-policy';
import { IssuedTokens, SessionsService } from './sessions.service';

export interface SignupInput {
  email: string;
  name: string;
  password: string;
  username?: string;
}

/** A second factor another module enforces at sign-in (the 2FA module registers itself). */
export interface SecondFactor {
  /** A scalar over the users row `u`: whether its 2FA is on (read with the sign-in lookup). */
  readonly enabledSelect: string;
  /** Starts the second step: the answer the client finishes at POST /login/mfa. */
  challenge(
    user: User,
    options: { rememberMe: boolean; method: string },
  ): Promise<MfaChallengeResponseDto>;
}

export type SignupResult =
  | { kind: 'verification_required'; email: string }
  | { kind: 'signed_in'; tokens: TokenResponseDto };

/** Sign-up, sign-in, and the emailed-token flows (verification, password reset). */
@Injectable()
export class AuthService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuthService.name);
  private readonly background = new Set<Promise<void>>();
  private readonly policy: PasswordPolicy;
  private secondFactor: SecondFactor | null = null;

  constructor(
    private readonly users: UsersService,
    private readonly me: MeService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly emailTokens: EmailTokensService,
    private readonly throttle: LoginThrottle,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {
    this.policy = new PasswordPolicy(config.auth.passwordMinLength);
  }

  private link(path: string, token: string): string {
    // Links come from APP_URL only, never from the request's Host header.
    return `${this.config.http.appUrl}${path}?token=${encodeURIComponent(token)}`;
  }

  /** Lets the 2FA module ask for a code after a correct password. */
  useSecondFactor(secondFactor: SecondFactor): void {
    this.secondFactor = secondFactor;
  }

  private get verificationMandatory(): boolean {
    return this.config.auth.emailVerification === 'mandatory';
  }

  /** 400 `validation_failed` on `field` when the password breaks the policy. */
  checkPassword(password: string, user: { email: string; username?: string }, field = 'password') {
    const problem = this.policy.check(password, user);
    if (problem) throw AppException.validation(field, problem);
  }

  async signup(input: SignupInput, client: ClientInfo): Promise<SignupResult> {
    this.checkPassword(input.password, input);
    // Hash first, whatever happens next: an existing email must cost the same time.
    const passwordHash = await this.hasher.hash(input.password);

    const outcome = await this.users.transaction(async (manager) => {
      const existing = await this.users.findByEmail(input.email, manager);
      if (existing) {
        if (!this.verificationMandatory) {
          throw new AppException('email_taken', 'An account with this email already exists');
        }
        // No enumeration: answer as for a new account, and tell the owner instead.
        await this.mail.enqueue(manager, existing.email, {
          template: 'signup_existing_account',
          params: {
            name: existing.name,
            signInLink: `${this.config.http.appUrl}/sign-in`,
            resetLink: `${this.config.http.appUrl}/forgot-password`,
          },
        });
        return { user: existing, created: false };
      }
      const user = await this.users.create(
        {
          email: input.email,
          name: input.name,
          username: input.username,
          passwordHash,
          emailVerified: false,
        },
        manager,
      );
      const token = await this.emailTokens.issue(manager, user.id, 'verify_email');
      await this.mail.enqueue(manager, user.email, {
        template: 'verify_email',
        params: { name: user.name, link: this.link('/verify-email', token) },
      });
      await this.auditSelf(user.id, 'user.signup', client, manager);
      return { user, created: true };
    });

    if (this.verificationMandatory) {
      return { kind: 'verification_required', email: input.email };
    }
    const tokens = await this.sessions.start(outcome.user.id, { rememberMe: false, client });
    return { kind: 'signed_in', tokens: await this.tokenResponse(tokens) };
  }

  async login(
    identifier: string,
    password: string,
    options: { rememberMe: boolean; client: ClientInfo },
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    const found = await this.users.findForSignIn(identifier, this.secondFactor?.enabledSelect);
    const user = found?.user ?? null;
    // Unknown identifiers get a counter of their own, so they behave like accounts.
    const attempt = await this.throttle.begin(
      user ? user.id : `unknown:${identifier.toLowerCase()}`,
    );
    let passwordOk: boolean;
    try {
      passwordOk = user?.passwordHash
        ? await this.hasher.verify(user.passwordHash, password)
        : await this.hasher.verifyDummy(password);
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
    if (!user || !passwordOk) {
      await attempt.failed();
      await this.audit.record({
        action: 'user.login_failed',
        actor: { type: 'user', id: user?.id ?? null },
        target: user ? { type: 'user', id: user.id } : null,
        client: options.client,
        metadata: { reason: user ? 'wrong_password' : 'unknown_user' },
      });
      throw new AppException('invalid_credentials', 'The email, username or password is wrong');
    }
    const secondFactorOn = found?.also === true;
    // With 2FA on, a right password neither counts nor resets: only a right code resets.
    await (secondFactorOn ? attempt.abandoned() : attempt.succeeded());
    if (!user.isActive) {
      throw new AppException('unauthorized', 'This account is deactivated', { status: 401 });
    }
    if (this.verificationMandatory && !user.emailVerifiedAt) {
      throw new AppException('email_not_verified', 'Verify your email address to sign in');
    }
    if (secondFactorOn && this.secondFactor) {
      if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
        await this.users.update(user.id, { passwordHash: await this.hasher.hash(password) });
      }
      return this.secondFactor.challenge(user, {
        rememberMe: options.rememberMe,
        method: 'password',
      });
    }
    return this.completeLogin(user, password, options);
  }

  /**
   * Signs in a user whose credentials another module verified (a 2FA code, a social
   * provider): the same session, audit event and token response as a password login.
   */
  async completeSignIn(
    user: User,
    options: { rememberMe: boolean; client: ClientInfo; method: string },
  ): Promise<TokenResponseDto> {
    return this.signIn(user, options, { rememberMe: options.rememberMe, method: options.method });
  }

  /** Queues a verification email in the caller's transaction (e.g. a social sign-up). */
  async queueVerificationEmail(manager: EntityManager, user: User): Promise<void> {
    const token = await this.emailTokens.issue(manager, user.id, 'verify_email');
    await this.mail.enqueue(manager, user.email, {
      template: 'verify_email',
      params: { name: user.name, link: this.link('/verify-email', token) },
    });
  }

  private async completeLogin(
    user: User,
    password: string,
    options: { rememberMe: boolean; client: ClientInfo },
  ): Promise<TokenResponseDto> {
    const rehashed =
      user.passwordHash && this.hasher.needsRehash(user.passwordHash)
        ? await this.hasher.hash(password)
        : null;
    return this.signIn(user, options, { rememberMe: options.rememberMe }, rehashed);
  }

  /**
   * The session, the last sign-in time, a rehashed password if any and the `user.login` audit
   * event in one statement (atomic without a transaction), which also reads the user's
   * `/users/me` columns for the response.
   */
  private async signIn(
    user: User,
    options: { rememberMe: boolean; client: ClientInfo },
    metadata: Record<string, unknown>,
    rehashedPassword: string | null = null,
  ): Promise<TokenResponseDto> {
    const { userRow, ...tokens } = await this.sessions.signIn(
      user.id,
      options,
      rehashedPassword,
      (firstParameter) =>
        this.audit.insertSql(
          {
            action: 'user.login',
            actor: { type: 'user', id: user.id },
            target: { type: 'user', id: user.id },
            client: options.client,
            metadata,
          },
          firstParameter,
        ),
      this.me.selectList,
    );
    return this.tokenResponse(tokens, userRow);
  }

  /** `userRow`: the user's `/users/me` columns, when a statement has already read them. */
  async tokenResponse(
    tokens: IssuedTokens,
    userRow?: Record<string, unknown>,
  ): Promise<TokenResponseDto> {
    const described = userRow
      ? await this.me.describeRow(userRow)
      : await this.me.describe(tokens.userId);
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: 'Bearer',
      expiresIn: tokens.expiresIn,
      refreshExpiresIn: tokens.refreshExpiresIn,
      user: described,
    };
  }

  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const { userRow, ...tokens } = await this.sessions.refresh(refreshToken, this.me.selectList);
    try {
      return await this.tokenResponse(tokens, userRow);
    } catch (error) {
      // The account was deleted or deactivated since the session began.
      if (!(error instanceof AppException && error.code === 'unauthorized')) throw error;
      await this.sessions.revoke({ id: tokens.sessionId }, 'deactivated');
      throw new AppException('token_invalid', 'The refresh token is not valid', { status: 401 });
    }
  }

  async verifyEmail(token: string, client: ClientInfo): Promise<void> {
    const found = await this.emailTokens.find(token, 'verify_email');
    await this.users.transaction(async (manager) => {
      await this.emailTokens.consume(manager, found);
      await this.users.update(found.userId, { emailVerifiedAt: new Date() }, manager);
      await this.auditSelf(found.userId, 'user.email_verified', client, manager);
    });
  }

  /**
   * 202 whatever the email: the work happens after the answer, so neither the status nor
   * the timing tells whether the account exists.
   */
  resendVerification(email: string): void {
    this.inBackground('resend verification', async () => {
      const user = await this.users.findByEmail(email);
      if (!user || user.emailVerifiedAt || !user.isActive) return;
      await this.users.transaction(async (manager) => {
        const token = await this.emailTokens.issue(manager, user.id, 'verify_email');
        await this.mail.enqueue(manager, user.email, {
          template: 'verify_email',
          params: { name: user.name, link: this.link('/verify-email', token) },
        });
      });
    });
  }

  forgotPassword(email: string, client: ClientInfo): void {
    this.inBackground('password reset request', async () => {
      const user = await this.users.findByEmail(email);
      if (!user || !user.isActive) return;
      await this.users.transaction(async (manager) => {
        const token = await this.emailTokens.issue(manager, user.id, 'reset_password');
        await this.mail.enqueue(manager, user.email, {
          template: 'reset_password',
          params: { name: user.name, link: this.link('/reset-password', token) },
        });
        await this.auditSelf(user.id, 'user.password_reset_requested', client, manager);
      });
    });
  }

  async resetPassword(token: string, newPassword: string, client: ClientInfo): Promise<void> {
    const found = await this.emailTokens.find(token, 'reset_password');
    const user = await this.users.findById(found.userId);
    if (!user) {
      throw new AppException('token_invalid', 'This link is not valid or was already used');
    }
    await this.replacePassword(user, newPassword, client, {
      action: 'user.password_reset',
      reason: 'password_reset',
      // Proving control of the mailbox also verifies it.
      changes: { emailVerifiedAt: user.emailVerifiedAt ?? new Date() },
      inTransaction: (manager) => this.emailTokens.consume(manager, found),
    });
  }

  async changePassword(
    userId: string,
    sessionId: string,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppException('unauthorized', 'Not signed in');
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new AppException('invalid_credentials', 'The current password is wrong');
    }
    await this.replacePassword(user, newPassword, client, {
      action: 'user.password_changed',
      reason: 'password_changed',
      keepSessionId: sessionId,
    });
  }

  /**
   * Sets a new password (after the policy), tells the owner by email, audits, and ends the
   * user's sessions (all, or all but `keepSessionId`) — in one transaction.
   */
  private async replacePassword(
    user: User,
    newPassword: string,
    client: ClientInfo,
    options: {
      action: string;
      reason: 'password_reset' | 'password_changed';
      keepSessionId?: string;
      changes?: Partial<User>;
      inTransaction?: (manager: EntityManager) => Promise<void>;
    },
  ): Promise<void> {
    this.checkPassword(newPassword, user, 'newPassword');
    const passwordHash = await this.hasher.hash(newPassword);
    const revoked = await this.users.transaction(async (manager) => {
      await options.inTransaction?.(manager);
      await this.users.update(user.id, { passwordHash, ...options.changes }, manager);
      await this.mail.enqueue(manager, user.email, {
        template: 'password_changed',
        params: { name: user.name },
      });
      await this.auditSelf(user.id, options.action, client, manager);
      return this.sessions.revoke(
        { userId: user.id, exceptId: options.keepSessionId },
        options.reason,
        manager,
      );
    });
    await this.sessions.announce(revoked);
  }

  /** An audit event of a user acting on their own account. */
  private auditSelf(
    userId: string,
    action: string,
    client: ClientInfo,
    manager?: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      { action, actor: { type: 'user', id: userId }, target: { type: 'user', id: userId }, client },
      manager,
    );
  }

  async logout(userId: string, sessionId: string, client: ClientInfo, all: boolean): Promise<void> {
    await this.sessions.revoke(
      all ? { userId } : { id: sessionId, userId },
      all ? 'logout_all' : 'logout',
    );
    await this.audit.record({
      action: all ? 'user.logout_all' : 'user.logout',
      actor: { type: 'user', id: userId },
      target: { type: 'session', id: sessionId },
      client,
    });
  }

  async revokeSession(userId: string, sessionId: string, client: ClientInfo): Promise<void> {
    const revoked = await this.sessions.revoke({ id: sessionId, userId }, 'revoked_by_user');
    if (revoked.length === 0) throw new AppException('not_found', 'No such active session');
    await this.audit.record({
      action: 'user.session_revoked',
      actor: { type: 'user', id: userId },
      target: { type: 'session', id: sessionId },
      client,
    });
  }

  private inBackground(what: string, work: () => Promise<void>): void {
    const running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) =>
        this.logger.error(`Background ${what} failed: ${(error as Error).message}`),
      )
      .finally(() => this.background.delete(running));
    this.background.add(running);
  }

  /** Lets queued background work finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.background]);
  }
}
