import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth.module';
import { MfaLoginToken } from './entities/mfa-login-token.entity';
import { MfaRecoveryCode } from './entities/mfa-recovery-code.entity';
import { UserMfa } from './entities/user-mfa.entity';
import { MfaController } from './mfa.controller';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';

/** TOTP two-factor authentication; it registers itself with AuthService's sign-in. */
@Module({
  imports: [AuthModule, TypeOrmModule.forFeature([UserMfa, MfaRecoveryCode, MfaLoginToken])],
  controllers: [MfaController],
  providers: [MfaService, MfaRepository],
  exports: [MfaService],
})
export class MfaModule {}
