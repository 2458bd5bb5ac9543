import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MemorySharedState } from './memory-shared-state';
import { RedisSharedState } from './redis-shared-state';
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
      useFactory: (config: AppConfig): SharedState =>
        config.redisUrl
          ? new RedisSharedState(config.redisUrl, config.redisKeyPrefix)
          : new MemorySharedState(),
    },
    SharedStateLifecycle,
  ],
  exports: [SharedState],
})
export class SharedStateModule {}
