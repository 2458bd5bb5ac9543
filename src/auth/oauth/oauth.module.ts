import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth.module';
import { MfaModule } from '../mfa/mfa.module';
import { OAuthExchangeCode } from './entities/oauth-exchange-code.entity';
import { UserIdentity } from './entities/user-identity.entity';
import { IdentitiesService } from './identities.service';
import { OAuthController } from './oauth.controller';
import { OAuthFlows } from './oauth-flows';
import { OAuthProviders } from './oauth-providers';
import { OAuthRepository } from './oauth.repository';
import { OAuthService } from './oauth.service';

/** Sign-in through Google, GitHub and OpenID Connect providers; linked identities. */
@Module({
  imports: [AuthModule, MfaModule, TypeOrmModule.forFeature([UserIdentity, OAuthExchangeCode])],
  controllers: [OAuthController],
  providers: [OAuthService, IdentitiesService, OAuthProviders, OAuthFlows, OAuthRepository],
})
export class OAuthModule {}
