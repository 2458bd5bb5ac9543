import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { EmailTokensRepository } from './email-tokens.repository';
import { EmailTokensService } from './email-tokens.service';
import { EmailToken } from './entities/email-token.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { Session } from './entities/session.entity';
import { SigningKey } from './entities/signing-key.entity';
import { AuthGuard } from './guards/auth.guard';
import { JwksController } from './jwks.controller';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './passwords/password-hasher';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { AccessTokensService } from './tokens/access-tokens.service';
import { SessionRevocations } from './tokens/session-revocations.service';
import { SigningKeysRepository } from './tokens/signing-keys.repository';
import { SigningKeysService } from './tokens/signing-keys.service';
import { WhoamiRoute } from './whoami.route';

@Module({
  imports: [TypeOrmModule.forFeature([Session, RefreshToken, SigningKey, EmailToken])],
  controllers: [AuthController, JwksController],
  providers: [
    AuthService,
    SessionsService,
    SessionsRepository,
    SessionRevocations,
    AccessTokensService,
    SigningKeysService,
    SigningKeysRepository,
    EmailTokensService,
    EmailTokensRepository,
    PasswordHasher,
    LoginThrottle,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
    WhoamiRoute,
  ],
  exports: [
    AuthService,
    SessionsService,
    AccessTokensService,
    SigningKeysService,
    PasswordHasher,
    LoginThrottle,
  ],
})
export class AuthModule {}
