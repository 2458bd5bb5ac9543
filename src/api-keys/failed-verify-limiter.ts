import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { SharedState } from '../common/shared-state/shared-state';

const WINDOW_MS = 60_000;

/**
 * Only failed verifications count (RATE_LIMIT_AUTH_PER_MINUTE per client IP): a service
 * checking valid keys is never slowed, one guessing keys soon is.
 */
@Injectable()
export class FailedVerifyLimiter {
  constructor(
    private readonly config: AppConfig,
    @Inject(SharedState) private readonly state: SharedState,
  ) {}

  private key(ip: string): string {
    return `verify-failures:${ip}`;
  }

  /** Throws 429 once `ip` has failed too often; with limits off, returns without waiting. */
  admit(ip: string): void | Promise<void> {
    if (!this.config.rateLimit.enabled) return;
    return this.checkFailures(ip);
  }

  private async checkFailures(ip: string): Promise<void> {
    const failures = Number((await this.state.get(this.key(ip))) ?? 0);
    if (failures >= this.config.rateLimit.authPerMinute) {
      const ttl = (await this.state.ttl(this.key(ip))) ?? WINDOW_MS;
      throw new AppException('rate_limited', 'Too many failed verifications; try again later', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(ttl / 1000))) },
      });
    }
  }

  async recordFailure(ip: string): Promise<void> {
    if (!this.config.rateLimit.enabled) return;
    await this.state.increment(this.key(ip), WINDOW_MS);
  }
}
