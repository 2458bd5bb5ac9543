import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseEndpoint } from './database-endpoint';

const FIRST_RUN_AFTER_MS = 5 * 60_000;
const INTERVAL_MS = 60 * 60_000;

/**
 * The embedded database has no autovacuum: without this, dead row versions (every refresh
 * spends a token) are never reclaimed and the planner keeps the statistics of an empty schema.
 * A PostgreSQL server does both itself. Registered for the service only, not for commands.
 */
@Injectable()
export class EmbeddedMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmbeddedMaintenance.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly endpoint: DatabaseEndpoint,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.endpoint.isEmbedded) return;
    this.schedule(FIRST_RUN_AFTER_MS);
  }

  /** Whether passes are scheduled: on the embedded database, until shutdown. */
  get isScheduled(): boolean {
    return this.timer !== undefined && !this.stopped;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.vacuum().finally(() => {
        if (!this.stopped) this.schedule(INTERVAL_MS);
      });
    }, delayMs).unref();
  }

  async vacuum(): Promise<void> {
    const started = performance.now();
    try {
      await this.dataSource.query('VACUUM (ANALYZE)');
      this.logger.debug(`VACUUM (ANALYZE) took ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      this.logger.warn(`VACUUM (ANALYZE) failed: ${(error as Error).message}`);
    }
  }
}
