import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule, DatabaseRole } from './database/database.module';
import { HealthModule } from './health/health.module';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { MfaModule } from './auth/mfa/mfa.module';
import { OAuthModule } from './auth/oauth/oauth.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RouteInventoryModule } from './common/routes/route-inventory';
import { MailModule } from './mail/mail.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { UsersModule } from './users/users.module';
import { ProfilesModule } from './profiles/profiles.module';
import { LoggingModule } from './logging/logging.module';
import { SharedStateModule } from './common/shared-state/shared-state.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** `service` serves HTTP and owns the embedded database; `command` runs one CLI command. */
  role: DatabaseRole;
  /** Run pending migrations at start (the service does; the `migrate` command does it itself). */
  migrate?: boolean;
}

/** The modules shared by the HTTP service and the CLI: one DI container for both. */
export function coreModules(options: AppModuleOptions) {
  return [
    ConfigModule.forRoot(options.config),
    LoggingModule,
    DatabaseModule.forRoot({ role: options.role, migrate: options.migrate ?? true }),
    SharedStateModule,
    RateLimitModule,
    RouteInventoryModule,
    AuditModule,
    MailModule,
    UsersModule,
    AuthModule,
    ApiKeysModule,
    MfaModule,
    OAuthModule,
    OrganizationsModule,
    ProfilesModule,
    AdminModule,
    HealthModule,
  ];
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: coreModules(options),
    };
  }
}
