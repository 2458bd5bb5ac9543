import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { randomToken, tokenDigest } from '../common/crypto/tokens';
import { ClientInfo } from '../common/http/request-context';
import type { AuditInsert } from '../audit/audit.service';
import { Session } from './entities/session.entity';
import { SessionsRepository } from './sessions.repository';
import { AccessTokensService } from './tokens/access-tokens.service';
import { SessionRevocations } from './tokens/session-revocations.service';

export interface IssuedTokens {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'revoked_by_user'
  | 'refresh_reuse'
  | 'password_reset'
  | 'password_changed'
  | 'deactivated'
  | 'admin';

function secondsUntil(date: Date): number {
  return Math.max(0, Math.floor((date.getTime() - Date.now()) / 1000));
}

/** Sessions, refresh-token rotation with reuse detection, and revocation. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokensService,
    private readonly revocations: SessionRevocations,
    private readonly config: AppConfig,
  ) {}

  private refreshTtlSeconds(rememberMe: boolean): number {
    const { refreshTokenTtlSeconds, refreshTokenTtlRememberSeconds } = this.config.auth;
    return rememberMe ? refreshTokenTtlRememberSeconds : refreshTokenTtlSeconds;
  }

  /**
   * Signs the user in with one statement (see SessionsRepository.signIn): the tokens, and the
   * user's `userSelect` columns as they are after the sign-in. 401 when the user is gone.
   */
  async signIn(
    userId: string,
    options: { rememberMe: boolean; client: ClientInfo },
    rehashedPassword: string | null,
    auditFrom: (firstParameter: number) => AuditInsert,
    userSelect: string,
  ): Promise<IssuedTokens & { userRow: Record<string, unknown> }> {
    const { session, refresh, refreshToken } = this.newSession(userId, options);
    const signedIn = await this.sessions.signIn(
      session,
      refresh,
      rehashedPassword,
      auditFrom,
      userSelect,
    );
    if (!signedIn) throw new AppException('unauthorized', 'Not signed in');
    return {
      ...this.tokens(userId, signedIn.sessionId, refreshToken, refresh.expiresAt),
      userRow: signedIn.userRow,
    };
  }

  async start(
    userId: string,
    options: { rememberMe: boolean; client: ClientInfo },
    manager?: EntityManager,
  ): Promise<IssuedTokens> {
    const { session, refresh, refreshToken } = this.newSession(userId, options);
    const sessionId = await this.sessions.createWithRefreshToken(session, refresh, manager);
    return this.tokens(userId, sessionId, refreshToken, refresh.expiresAt);
  }

  /** A new session's row and its first refresh token (not stored yet). */
  private newSession(userId: string, options: { rememberMe: boolean; client: ClientInfo }) {
    const now = Date.now();
    const sessionExpiresAt = new Date(now + this.config.auth.sessionMaxAgeSeconds * 1000);
    const refreshExpiresAt = new Date(
      Math.min(now + this.refreshTtlSeconds(options.rememberMe) * 1000, sessionExpiresAt.getTime()),
    );
    const refreshToken = randomToken();
    return {
      session: {
        userId,
        rememberMe: options.rememberMe,
        userAgent: options.client.userAgent,
        ip: options.client.ip,
        expiresAt: sessionExpiresAt,
      },
      refresh: { digest: tokenDigest(refreshToken), expiresAt: refreshExpiresAt },
      refreshToken,
    };
  }

  /**
   * Spends a refresh token for a new pair. A spent token presented again revokes the whole
   * session, unless it comes within REFRESH_REUSE_GRACE of its first rotation (a client's
   * concurrent retry), which gets a fresh pair of the same session instead. The rotation also
   * reads `userSelect` (see MeService.selectList) for the session's user, as `userRow`.
   */
  async refresh(
    refreshToken: string,
    userSelect: string,
  ): Promise<IssuedTokens & { userRow?: Record<string, unknown> }> {
    const digest = tokenDigest(refreshToken);
    const nextToken = randomToken();
    const ttl = {
      normal: this.config.auth.refreshTokenTtlSeconds,
      remember: this.config.auth.refreshTokenTtlRememberSeconds,
    };
    const rotated = await this.sessions.rotate(digest, tokenDigest(nextToken), ttl, userSelect);
    if (rotated) {
      return {
        ...this.tokens(rotated.userId, rotated.sessionId, nextToken, rotated.refreshExpiresAt),
        userRow: rotated.userRow,
      };
    }

    const state = await this.sessions.findRefreshTokenState(digest);
    if (!state || state.sessionRevokedAt) {
      throw new AppException('token_invalid', 'The refresh token is not valid', { status: 401 });
    }
    if (state.spentAt) {
      const graceEndsAt =
        state.spentAt.getTime() + this.config.auth.refreshReuseGraceSeconds * 1000;
      if (Date.now() < graceEndsAt && state.sessionExpiresAt.getTime() > Date.now()) {
        const expiresAt = new Date(
          Math.min(
            Date.now() + this.refreshTtlSeconds(state.rememberMe) * 1000,
            state.sessionExpiresAt.getTime(),
          ),
        );
        await this.sessions.addRefreshToken(state.sessionId, tokenDigest(nextToken), expiresAt);
        return this.tokens(state.userId, state.sessionId, nextToken, expiresAt);
      }
      await this.revoke({ id: state.sessionId }, 'refresh_reuse');
      throw new AppException(
        'token_reused',
        'This refresh token was already used; the session has been revoked',
      );
    }
    throw new AppException('token_expired', 'The refresh token has expired', { status: 401 });
  }

  /** Revokes matching live sessions and makes their access tokens fail at once, everywhere. */
  async revoke(
    where: { id?: string; userId?: string; exceptId?: string },
    reason: RevocationReason,
    manager?: EntityManager,
  ): Promise<string[]> {
    const revoked = await this.sessions.revoke(where, reason, manager);
    // Inside a transaction, the caller announces after commit (see `announce`).
    if (!manager) await this.revocations.announce(revoked);
    return revoked;
  }

  announce(sessionIds: string[]): Promise<void> {
    return this.revocations.announce(sessionIds);
  }

  listActive(userId: string): Promise<Session[]> {
    return this.sessions.findActiveForUser(userId);
  }

  private tokens(
    userId: string,
    sessionId: string,
    refreshToken: string,
    refreshExpiresAt: Date,
  ): IssuedTokens {
    return {
      userId,
      sessionId,
      accessToken: this.accessTokens.issue(userId, sessionId),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      refreshExpiresIn: secondsUntil(refreshExpiresAt),
    };
  }
}
