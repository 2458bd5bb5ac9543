import { DynamicModule, Module } from '@nestjs/common';
import { coreModules } from '../app.module';
import { AppConfig } from '../config/app-config';
import { MigrateCommand } from './migrate.command';

/** The same modules as the service, without HTTP; the database is joined, not owned. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [...coreModules({ config, role: 'command', migrate: false })],
      providers: [MigrateCommand],
    };
  }
}
