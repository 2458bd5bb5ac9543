import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyCredentials } from '../common/auth/api-key-credentials';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { ApiKeyCredentialsService } from './api-key-credentials.service';
import { ApiKeyVerifyRoute } from './api-key-verify.route';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyUsage } from './entities/api-key-usage.entity';
import { ApiKey } from './entities/api-key.entity';
import { FailedVerifyLimiter } from './failed-verify-limiter';
import { UsageMeter } from './usage-meter.service';

/** Global: the auth guard checks keys through `ApiKeyCredentials`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey, ApiKeyUsage])],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysService,
    ApiKeysRepository,
    ApiKeyAuthenticator,
    UsageMeter,
    FailedVerifyLimiter,
    ApiKeyVerifyRoute,
    { provide: ApiKeyCredentials, useClass: ApiKeyCredentialsService },
  ],
  exports: [ApiKeyCredentials, ApiKeysService, ApiKeyAuthenticator, UsageMeter],
})
export class ApiKeysModule {}
