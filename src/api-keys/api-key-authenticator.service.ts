import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SharedState } from '../common/shared-state/shared-state';
import { MaybePromise } from '../common/maybe-promise';
import { SingleFlight } from '../common/single-flight';
import { tokenDigestHex } from '../common/crypto/tokens';
import { DATABASE_ROLE, DatabaseRole } from '../database/database.module';
import { isWellFormedApiKey } from './api-key-format';
import { ApiKeysRepository } from './api-keys.repository';

export const API_KEYS_CHANGED_CHANNEL = 'api-keys:changed';
const POLL_INTERVAL_MS = 2_000;
const CACHE_LIMIT = 50_000;
const ORGANIZATION_TTL_MS = 5_000;

export interface LiveApiKey {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: number | null;
  revokedAt: number | null;
  graceEndsAt: number | null;
}

export interface OrganizationSummary {
  id: string;
  name: string;
  slug: string;
  quotaLimit: number;
}

export type ApiKeyRefusal = 'not_found' | 'revoked' | 'expired';

/** The key if it can be used now (expiry is checked on every use). */
function usable(live: LiveApiKey | null): LiveApiKey | ApiKeyRefusal {
  if (!live) return 'not_found';
  const now = Date.now();
  if (live.revokedAt !== null || (live.graceEndsAt !== null && live.graceEndsAt <= now)) {
    return 'revoked';
  }
  if (live.expiresAt !== null && live.expiresAt <= now) return 'expired';
  return live;
}

/**
 * Finds keys by digest with a cache in front, so a steady caller costs no query. Changes
 * (revocation, rotation) reach every instance at once through a notice, and within 2 s
 * through a poll of changed keys; expiry is checked on every use.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  /** digest (hex) → key, or null for a digest known not to exist. */
  private readonly byDigest = new Map<string, LiveApiKey | null>();
  private readonly organizations = new Map<string, OrganizationSummary & { loadedAt: number }>();
  private readonly organizationLoads = new SingleFlight<string, OrganizationSummary>();
  private lastChange = new Date();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: ApiKeysRepository,
    @Inject(SharedState) private readonly sharedState: SharedState,
    @Inject(DATABASE_ROLE) private readonly role: DatabaseRole,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.role !== 'service') return;
    await this.sharedState.subscribe(API_KEYS_CHANGED_CHANNEL, (id) => this.evict(id));
    this.timer = setInterval(() => void this.poll(), POLL_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * The live key, or why it is not usable; at once for a key the cache knows. A malformed key
   * never reaches the database (nor the cache, which holds only well-formed keys' digests).
   */
  authenticate(key: string): MaybePromise<LiveApiKey | ApiKeyRefusal> {
    const cacheKey = tokenDigestHex(key);
    const cached = this.byDigest.get(cacheKey);
    if (cached !== undefined) return usable(cached);
    if (!isWellFormedApiKey(key)) return 'not_found';
    return this.load(cacheKey).then(usable);
  }

  private async load(cacheKey: string): Promise<LiveApiKey | null> {
    const row = await this.repository.findByDigest(Buffer.from(cacheKey, 'hex'));
    const live = row
      ? {
          id: row.id,
          organizationId: row.organizationId,
          name: row.name,
          prefix: row.prefix,
          scopes: row.scopes,
          expiresAt: row.expiresAt?.getTime() ?? null,
          revokedAt: row.revokedAt?.getTime() ?? null,
          graceEndsAt: row.graceEndsAt?.getTime() ?? null,
        }
      : null;
    this.remember(cacheKey, live);
    return live;
  }

  /**
   * Name, slug and quota of a key's organization, at most a few seconds old. A stale entry
   * still answers while one background read (shared by concurrent callers) renews it.
   */
  organization(id: string): MaybePromise<OrganizationSummary> {
    const cached = this.organizations.get(id);
    if (!cached) return this.loadOrganization(id);
    if (Date.now() - cached.loadedAt >= ORGANIZATION_TTL_MS) {
      void this.loadOrganization(id).catch((error: Error) =>
        this.logger.warn(`Could not reload organization ${id}: ${error.message}`),
      );
    }
    return cached;
  }

  private loadOrganization(id: string): Promise<OrganizationSummary> {
    return this.organizationLoads.run(id, async () => {
      const summary = await this.repository.findOrganizationSummary(id);
      if (!summary) {
        this.organizations.delete(id);
        throw new Error(`Organization ${id} of an API key is gone`);
      }
      const entry = { ...summary, loadedAt: Date.now() };
      this.organizations.set(id, entry);
      return entry;
    });
  }

  /** After a change is committed: this instance now, the others by notice. */
  async announce(keyId: string): Promise<void> {
    this.evict(keyId);
    await this.sharedState.publish(API_KEYS_CHANGED_CHANNEL, keyId);
  }

  private remember(cacheKey: string, live: LiveApiKey | null): void {
    if (this.byDigest.size >= CACHE_LIMIT) {
      const oldest = this.byDigest.keys().next().value;
      if (oldest !== undefined) this.byDigest.delete(oldest);
    }
    this.byDigest.set(cacheKey, live);
  }

  private evict(keyId: string): void {
    for (const [digest, live] of this.byDigest) {
      if (live?.id === keyId) this.byDigest.delete(digest);
    }
  }

  private async poll(): Promise<void> {
    try {
      // Overlap by a second: commits do not become visible in updated_at order.
      const changed = await this.repository.findChangedSince(
        new Date(this.lastChange.getTime() - 1000),
      );
      for (const row of changed) {
        if (row.updatedAt > this.lastChange) this.lastChange = row.updatedAt;
        this.evict(row.id);
      }
    } catch (error) {
      this.logger.warn(`Could not poll API-key changes: ${(error as Error).message}`);
    }
  }
}
