import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { SharedState } from '../common/shared-state/shared-state';
import { andThen, MaybePromise } from '../common/maybe-promise';
import { SingleFlight } from '../common/single-flight';
import { DATABASE_ROLE, DatabaseRole } from '../database/database.module';
import { ApiKeyAuthenticator, LiveApiKey } from './api-key-authenticator.service';
import { ApiKeysRepository, UsageIncrement } from './api-keys.repository';

const FLUSH_INTERVAL_MS = 1_000;
const QUOTA_REFRESH_MS = 5_000;

/** What counting requests against an organization's monthly quota came to. */
export interface QuotaCharge {
  allowed: boolean;
  /** This month's requests, these included when allowed. */
  used: number;
  limit: number;
}

interface MonthUsage {
  month: string;
  /** Requests in the database at the last refresh, plus what this instance flushed since. */
  stored: number;
  refreshedAt: number;
}

const DAY_MS = 86_400_000;
let today = { day: '', endsAt: 0 };

/** The UTC day (`YYYY-MM-DD`) of `now`; today's is formatted once per day, not per request. */
export function utcDay(now = Date.now()): string {
  if (now >= today.endsAt || now < today.endsAt - DAY_MS) {
    const day = new Date(now).toISOString().slice(0, 10);
    today = { day, endsAt: Date.parse(day) + DAY_MS };
  }
  return today.day;
}

function monthStartOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * Counts API-key requests in memory and writes them in batches (about once a second, and on
 * shutdown), so the request path never writes. Monthly quotas are checked against the
 * stored total (refreshed every few seconds, so instances see each other's counts) plus this
 * instance's unflushed counts.
 */
@Injectable()
export class UsageMeter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageMeter.name);
  private pending = new Map<string, UsageIncrement>();
  private readonly pendingByOrganization = new Map<string, number>();
  private readonly months = new Map<string, MonthUsage>();
  private readonly refreshing = new SingleFlight<string, MonthUsage>();
  private timer?: NodeJS.Timeout;
  /** Flushes and quota refreshes run one at a time. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly audit: AuditService,
    @Inject(SharedState) private readonly sharedState: SharedState,
    @Inject(DATABASE_ROLE) private readonly role: DatabaseRole,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role !== 'service') return;
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Counts `cost` requests for the key when its organization's month stays within the quota
   * (the request that reaches the limit passes); `allowed: false` when it is exhausted. At once
   * while the organization and this month's stored total are in memory.
   */
  consume(key: LiveApiKey, cost = 1): MaybePromise<QuotaCharge> {
    const day = utcDay();
    return andThen(this.authenticator.organization(key.organizationId), ({ quotaLimit }) =>
      andThen(this.monthlyUsed(key.organizationId, day), (used) =>
        this.count(key, day, used, quotaLimit, cost),
      ),
    );
  }

  private count(
    key: LiveApiKey,
    day: string,
    used: number,
    limit: number,
    cost: number,
  ): QuotaCharge {
    if (cost > 0 && used + cost > limit) {
      void this.auditQuotaExceeded(key.organizationId, day);
      return { allowed: false, used, limit };
    }
    if (cost === 0 && used >= limit) return { allowed: false, used, limit };
    const slot = `${key.id}|${day}`;
    const entry = this.pending.get(slot);
    if (entry) {
      entry.requests += cost;
      entry.lastUsedAt = new Date();
    } else {
      this.pending.set(slot, {
        apiKeyId: key.id,
        organizationId: key.organizationId,
        day,
        requests: cost,
        lastUsedAt: new Date(),
      });
    }
    this.pendingByOrganization.set(
      key.organizationId,
      (this.pendingByOrganization.get(key.organizationId) ?? 0) + cost,
    );
    return { allowed: true, used: used + cost, limit };
  }

  /** This month's requests for the organization, as far as this instance knows. */
  monthlyUsed(organizationId: string, day = utcDay()): MaybePromise<number> {
    const month = monthStartOf(day);
    const usage = this.months.get(organizationId);
    if (!usage || usage.month !== month) {
      return this.refreshMonth(organizationId, month).then((fresh) =>
        this.withPending(organizationId, fresh),
      );
    }
    if (Date.now() - usage.refreshedAt > QUOTA_REFRESH_MS) {
      // Stale but of this month: answer from it and refresh in the background, so requests
      // never queue behind the read (the figure is a few seconds old either way).
      void this.refreshMonth(organizationId, month).catch((error: Error) =>
        this.logger.warn(`Could not refresh the monthly usage: ${error.message}`),
      );
    }
    return this.withPending(organizationId, usage);
  }

  private withPending(organizationId: string, usage: MonthUsage): number {
    return usage.stored + (this.pendingByOrganization.get(organizationId) ?? 0);
  }

  /** One read per organization at a time: concurrent callers share it. */
  private refreshMonth(organizationId: string, month: string): Promise<MonthUsage> {
    // Serialized with flushes, so a batch is never counted twice or missed.
    return this.refreshing.run(`${organizationId}|${month}`, () =>
      this.serialize(async () => {
        const fresh = {
          month,
          stored: await this.repository.monthlyUsage(organizationId, month),
          refreshedAt: Date.now(),
        };
        this.months.set(organizationId, fresh);
        return fresh;
      }),
    );
  }

  /** Writes the counted requests; the next batch starts empty at once. */
  flush(): Promise<void> {
    return this.serialize(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.repository.addUsage(batch);
      } catch (error) {
        // Put the counts back: none is lost, the next flush retries.
        for (const entry of batch) {
          const slot = `${entry.apiKeyId}|${entry.day}`;
          const current = this.pending.get(slot);
          if (current) current.requests += entry.requests;
          else this.pending.set(slot, entry);
        }
        this.logger.warn(`Could not write API-key usage: ${(error as Error).message}`);
        return;
      }
      for (const entry of batch) {
        const left = (this.pendingByOrganization.get(entry.organizationId) ?? 0) - entry.requests;
        if (left > 0) this.pendingByOrganization.set(entry.organizationId, left);
        else this.pendingByOrganization.delete(entry.organizationId);
        const usage = this.months.get(entry.organizationId);
        if (usage && usage.month === monthStartOf(entry.day)) usage.stored += entry.requests;
      }
    });
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async auditQuotaExceeded(organizationId: string, day: string): Promise<void> {
    try {
      // Once per organization and day, across instances.
      const first = await this.sharedState.setIfAbsent(
        `quota-exceeded:${organizationId}:${day}`,
        '1',
        26 * 60 * 60 * 1000,
      );
      if (!first) return;
      await this.audit.record({
        action: 'apikey.quota_exceeded',
        actor: { type: 'system', id: null },
        organizationId,
        target: { type: 'organization', id: organizationId },
        metadata: { day },
      });
    } catch (error) {
      this.logger.warn(`Could not audit an exceeded quota: ${(error as Error).message}`);
    }
  }
}
