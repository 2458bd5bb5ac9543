import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { SharedState } from '../common/shared-state/shared-state';

const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
const FIRST_LOCK_SECONDS = 30;
const MAX_LOCK_SECONDS = 15 * 60;

export interface LoginAttempt {
  /** Call when the password (or 2FA code) was wrong. */
  failed(): Promise<void>;
  /** Call on success: the count starts over. */
  succeeded(): Promise<void>;
  /** Call when the attempt ended without a verdict (e.g. an error): it does not count. */
  abandoned(): Promise<void>;
}

/**
 * Per-account backoff after consecutive failed sign-ins, shared by every instance.
 * Each attempt takes a numbered slot atomically before the password is checked, so fifty
 * parallel guesses cannot all pass a check made before any of them failed: once the
 * threshold is reached only one attempt at a time may proceed, and a failure there locks
 * the account for 30 s, doubling per further failure up to 15 min.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly config: AppConfig,
    @Inject(SharedState) private readonly state: SharedState,
  ) {}

  private get threshold(): number {
    return this.config.rateLimit.loginFailuresBeforeBackoff;
  }

  /** Throws 429 while the account is locked; otherwise returns the attempt to settle. */
  async begin(accountKey: string): Promise<LoginAttempt> {
    if (!this.config.rateLimit.enabled) {
      return { failed: async () => {}, succeeded: async () => {}, abandoned: async () => {} };
    }
    const failuresKey = `login-failures:${accountKey}`;
    const lockKey = `login-lock:${accountKey}`;
    await this.refuseWhileLocked(lockKey);

    const { count } = await this.state.increment(failuresKey, FAILURE_MEMORY_MS);
    if (count >= this.threshold) {
      // Past the threshold, a provisional lock makes this the only attempt in flight.
      const lockSeconds = Math.min(
        FIRST_LOCK_SECONDS * 2 ** (count - this.threshold),
        MAX_LOCK_SECONDS,
      );
      const mine = await this.state.setIfAbsent(lockKey, 'pending', lockSeconds * 1000);
      if (!mine) {
        await this.state.increment(failuresKey, FAILURE_MEMORY_MS, -1);
        await this.refuseWhileLocked(lockKey);
      }
      return {
        failed: async () => {}, // The lock simply stays.
        succeeded: () => this.reset(failuresKey, lockKey),
        abandoned: async () => {
          await this.state.increment(failuresKey, FAILURE_MEMORY_MS, -1);
          await this.state.delete(lockKey);
        },
      };
    }
    return {
      failed: async () => {},
      succeeded: () => this.reset(failuresKey, lockKey),
      abandoned: async () => {
        await this.state.increment(failuresKey, FAILURE_MEMORY_MS, -1);
      },
    };
  }

  private async refuseWhileLocked(lockKey: string): Promise<void> {
    const ttl = await this.state.ttl(lockKey);
    if (ttl !== null) {
      const seconds = Math.max(1, Math.ceil(ttl / 1000));
      throw new AppException('rate_limited', 'Too many failed sign-ins; try again later', {
        headers: { 'Retry-After': String(seconds) },
      });
    }
  }

  private async reset(failuresKey: string, lockKey: string): Promise<void> {
    await this.state.delete(failuresKey);
    await this.state.delete(lockKey);
  }
}
