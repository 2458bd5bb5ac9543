import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { SharedState } from '../shared-state/shared-state';

/** @nestjs/throttler counters kept in the shared state, so every instance counts together. */
@Injectable()
export class SharedStateThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(SharedState) private readonly state: SharedState) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const { count, ttlMs } = await this.state.increment(`throttle:${key}`, ttl);
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return {
      totalHits: count,
      timeToExpire: seconds,
      isBlocked: count > limit,
      timeToBlockExpire: count > limit ? seconds : 0,
    };
  }
}
