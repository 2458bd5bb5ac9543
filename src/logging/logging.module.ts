import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { NestPinoLogger } from './nest-logger';
import { ROOT_LOGGER, createRootLogger } from './root-logger';

@Global()
@Module({
  providers: [
    {
      provide: ROOT_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createRootLogger(config.logLevel),
    },
    NestPinoLogger,
  ],
  exports: [ROOT_LOGGER, NestPinoLogger],
})
export class LoggingModule {}
