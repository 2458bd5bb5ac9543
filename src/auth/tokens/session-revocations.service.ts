import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SharedState } from '../../common/shared-state/shared-state';
import { DATABASE_ROLE, DatabaseRole } from '../../database/database.module';
import { SessionsRepository } from '../sessions.repository';

const REVOKED_CHANNEL = 'sessions:revoked';
const POLL_INTERVAL_MS = 2_000;

/**
 * An in-memory view of revoked sessions, so checking an access token never queries the
 * database. Kept fresh by notices through the shared state (Redis: every instance, at once)
 * and, as a backstop for lost notices, by polling the sessions table every 2 s.
 * A session needs remembering only as long as an access token naming it can be unexpired.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRevocations.name);
  /** session id → when we may forget it (ms). */
  private readonly revoked = new Map<string, number>();
  private lastSeenRevocation = new Date(0);
  private pollTimer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    @Inject(SharedState) private readonly sharedState: SharedState,
    @Inject(DATABASE_ROLE) private readonly role: DatabaseRole,
  ) {}

  private get rememberForMs(): number {
    return (this.config.auth.accessTokenTtlSeconds + 60) * 1000;
  }

  async onModuleInit(): Promise<void> {
    // A management command may run before the schema exists (`migrate`); it loads on demand.
    if (this.role === 'command') return;
    this.lastSeenRevocation = new Date(Date.now() - this.rememberForMs);
    await this.poll();
    await this.sharedState.subscribe(REVOKED_CHANNEL, (message) =>
      this.remember(message.split(',')),
    );
    this.pollTimer = setInterval(() => void this.pollQuietly(), POLL_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pollTimer);
  }

  isRevoked(sessionId: string): boolean {
    const forgetAt = this.revoked.get(sessionId);
    if (forgetAt === undefined) return false;
    if (forgetAt < Date.now()) {
      this.revoked.delete(sessionId);
      return false;
    }
    return true;
  }

  /** Call after the revocation is committed: this instance at once, the others via notice. */
  async announce(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    this.remember(sessionIds);
    await this.sharedState.publish(REVOKED_CHANNEL, sessionIds.join(','));
  }

  private remember(sessionIds: string[]): void {
    const forgetAt = Date.now() + this.rememberForMs;
    for (const id of sessionIds) if (id) this.revoked.set(id, forgetAt);
  }

  private async poll(): Promise<void> {
    // Overlap by a second: commits are not visible in revoked_at order.
    const since = new Date(this.lastSeenRevocation.getTime() - 1000);
    const rows = await this.sessions.findRevokedSince(since);
    for (const row of rows) {
      if (row.revokedAt > this.lastSeenRevocation) this.lastSeenRevocation = row.revokedAt;
    }
    this.remember(rows.map((row) => row.id));
    for (const [id, forgetAt] of this.revoked) {
      if (forgetAt < Date.now()) this.revoked.delete(id);
    }
  }

  private async pollQuietly(): Promise<void> {
    try {
      await this.poll();
    } catch (error) {
      this.logger.warn(`Could not poll session revocations: ${(error as Error).message}`);
    }
  }
}
