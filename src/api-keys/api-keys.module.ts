import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyCredentials } from '../common/auth/api-key-credentials';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { ApiKeyCredentialsService } from './api-key-credentials.service';
import { ApiKeyVerifyController } from './api-key-verify.controller';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyUsage } from './entities/api-key-usage.entity';
import { ApiKey } from './entities/api-key.entity';
import { FailedVerifyRateLimitGuard } from './failed-verify-rate-limit.guard';
import { UsageMeter } from './usage-meter.service';
import { WhoamiController } from './whoami.controller';

/** Global: the auth guard checks keys through `ApiKeyCredentials`. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey, ApiKeyUsage])],
  controllers: [ApiKeysController, ApiKeyVerifyController, WhoamiController],
  providers: [
    ApiKeysService,
    ApiKeysRepository,
    ApiKeyAuthenticator,
    UsageMeter,
    FailedVerifyRateLimitGuard,
    { provide: ApiKeyCredentials, useClass: ApiKeyCredentialsService },
  ],
  exports: [ApiKeyCredentials, ApiKeysService, ApiKeyAuthenticator, UsageMeter],
})
export class ApiKeysModule {}
