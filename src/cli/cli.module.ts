import { DynamicModule, Module } from '@nestjs/common';
import { coreModules } from '../app.module';
import { AppConfig } from '../config/app-config';
import { KeysRotateCommand } from './keys-rotate.command';
import { MigrateCommand } from './migrate.command';
import { ProjectReportCommand } from './project-report.command';
import {
  ChangePasswordCommand,
  CreateSuperuserCommand,
  UpgradeToSuperuserCommand,
} from './user-commands';

/** The same modules as the service, without HTTP; the database is joined, not owned. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [...coreModules({ config, role: 'command', migrate: false })],
      providers: [
        MigrateCommand,
        CreateSuperuserCommand,
        ChangePasswordCommand,
        UpgradeToSuperuserCommand,
        KeysRotateCommand,
        ProjectReportCommand,
      ],
    };
  }
}
