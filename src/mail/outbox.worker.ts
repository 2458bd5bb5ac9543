import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DATABASE_ROLE, DatabaseRole } from '../database/database.module';
import { MailTransport } from './mail-transport';
import { ClaimedMessage, OutboxRepository } from './outbox.repository';

const POLL_INTERVAL_MS = 500;
const BATCH_SIZE = 20;
export const MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 60 * 60 * 1000;
const ERROR_MAX_LENGTH = 500;

/** Delay before the next attempt after `attempts` failed ones: 5 s, 10 s, 20 s… up to 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_MAX_MS);
}

/** The error's message only (never the body), within the column's length. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return Array.from(message || 'Unknown error')
    .slice(0, ERROR_MAX_LENGTH)
    .join('');
}

/** The sender's domain (what receivers expect in a Message-ID), else the app's host. */
function messageIdHost(config: AppConfig): string {
  const domain = /@([\w.-]+)>?\s*$/.exec(config.mail.from)?.[1];
  return domain ?? new URL(config.http.appUrl).hostname;
}

/**
 * Sends queued mail in the background. Messages are claimed with a lease in one statement
 * and sent with no transaction open, so slow SMTP never holds a database connection or
 * (on PGlite) blocks other transactions.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxWorker.name);
  private readonly messageIdHost: string;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Polling runs in the service only: a CLI command leaves its mail to the service. */
  private polling = false;
  private readonly wakeTimers = new Set<NodeJS.Timeout>();
  /** Set once shutdown begins; before it, `drain()` works even if polling never started. */
  private stopping = false;
  /** The one running send loop of this process, if any. */
  private loop: Promise<void> | null = null;
  /** Set when someone asks for another look at the queue while the loop runs. */
  private lookAgain = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly config: AppConfig,
    @Inject(DATABASE_ROLE) private readonly role: DatabaseRole,
  ) {
    this.messageIdHost = messageIdHost(config);
  }

  onApplicationBootstrap(): void {
    if (this.role !== 'service') return;
    this.polling = true;
    this.pollTimer = setInterval(() => this.wake(), POLL_INTERVAL_MS).unref();
    this.wake();
  }

  /** Stops polling and waits for the batch in flight; claims left behind wait out their lease. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.polling = false;
    clearInterval(this.pollTimer);
    for (const timer of this.wakeTimers) clearTimeout(timer);
    this.wakeTimers.clear();
    await this.loop?.catch(() => undefined);
  }

  /** Looks for due messages now, or after `delayMs` (to let the caller's transaction commit). */
  wake(delayMs = 0): void {
    if (!this.polling) return;
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.wakeTimers.delete(timer);
        this.wake();
      }, delayMs).unref();
      this.wakeTimers.add(timer);
      return;
    }
    this.drain().catch((error: unknown) =>
      this.logger.error(`Outbox poll failed: ${describeError(error)}`),
    );
  }

  /** Sends batches until nothing is due (messages waiting for a retry are not due). */
  async drain(): Promise<void> {
    do {
      this.lookAgain = true;
      this.loop ??= this.sendUntilEmpty().finally(() => (this.loop = null));
      await this.loop;
      // A request that arrived as the loop was finishing has not been served yet.
    } while (this.lookAgain && !this.stopping);
  }

  private async sendUntilEmpty(): Promise<void> {
    while (this.lookAgain && !this.stopping) {
      this.lookAgain = false;
      let claimed: ClaimedMessage[];
      do {
        claimed = await this.outbox.claimDue(BATCH_SIZE);
        for (const message of claimed) await this.deliver(message);
      } while (claimed.length > 0 && !this.stopping);
    }
  }

  private async deliver(message: ClaimedMessage): Promise<void> {
    try {
      await this.transport.send({
        from: this.config.mail.from,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody ?? '',
        html: message.htmlBody ?? '',
        messageId: `<${message.id}@${this.messageIdHost}>`,
      });
    } catch (error) {
      await this.recordFailure(message, describeError(error));
      return;
    }
    await this.outbox.markSent(message.id);
  }

  private async recordFailure(message: ClaimedMessage, error: string): Promise<void> {
    if (message.attempts >= MAX_ATTEMPTS) {
      this.logger.error(
        `Giving up on mail ${message.id} (${message.template}) ` +
          `after ${message.attempts} attempts: ${error}`,
      );
      await this.outbox.markFailed(message.id, error);
      return;
    }
    const delayMs = retryDelayMs(message.attempts);
    this.logger.warn(
      `Mail ${message.id} (${message.template}) failed, attempt ${message.attempts}; ` +
        `retrying in ${Math.round(delayMs / 1000)} s: ${error}`,
    );
    await this.outbox.markRetry(message.id, new Date(Date.now() + delayMs), error);
  }
}
