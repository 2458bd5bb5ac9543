import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MemorySharedState } from './memory-shared-state';
import { SharedState } from './shared-state';

class SharedStateLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SharedState) private readonly state: SharedState) {}

  async onApplicationShutdown(): Promise<void> {
    await this.state.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: SharedState,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<SharedState> => {
        if (!config.redisUrl) return new MemorySharedState();
        // Loaded only when configured (start-up time without Redis).
        const { RedisSharedState } = await import('./redis-shared-state');
        return new RedisSharedState(config.redisUrl, config.redisKeyPrefix);
      },
    },
    SharedStateLifecycle,
  ],
  exports: [SharedState],
})
export class SharedStateModule {}
