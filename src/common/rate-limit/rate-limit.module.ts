import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import { SharedState } from '../shared-state/shared-state';
import { IpRateLimitGuard } from './ip-rate-limit.guard';
import { SharedStateThrottlerStorage } from './shared-state-throttler.storage';

@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, SharedState],
      useFactory: (config: AppConfig, sharedState: SharedState) => ({
        throttlers: [{ name: 'auth', ttl: 60_000, limit: config.rateLimit.authPerMinute }],
        storage: new SharedStateThrottlerStorage(sharedState),
        skipIf: () => !config.rateLimit.enabled,
        // Retry-After comes with our problem+json error, not as X-RateLimit-* on every answer.
        setHeaders: false,
      }),
    }),
  ],
  providers: [IpRateLimitGuard],
  exports: [ThrottlerModule, IpRateLimitGuard],
})
export class RateLimitModule {}
