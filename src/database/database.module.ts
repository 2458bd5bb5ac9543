import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseEndpoint } from './database-endpoint';
import { EmbeddedMaintenance } from './embedded-maintenance';
import { HotQueries } from './hot-queries';
import { runMigrations } from './migrator';

export const DATABASE_ROLE = Symbol('DATABASE_ROLE');
export type DatabaseRole = 'service' | 'command';

export interface DatabaseModuleOptions {
  role: DatabaseRole;
  /** Run pending migrations while connecting (the service does; `migrate` does it itself). */
  migrate: boolean;
}

/** Opens the embedded server (if any) before TypeORM connects, and closes it after. */
class EndpointLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly endpoint: DatabaseEndpoint,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // The data source must be closed before the server it talks to.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.endpoint.close();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions) {
    const endpointProvider = {
      provide: DatabaseEndpoint,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => DatabaseEndpoint.open(config, options.role),
    };
    const lifecycleProvider = {
      provide: EndpointLifecycle,
      inject: [DatabaseEndpoint, ModuleRef],
      useFactory: (endpoint: DatabaseEndpoint, moduleRef: ModuleRef) =>
        new EndpointLifecycle(endpoint, moduleRef),
    };
    const endpointModule = {
      module: class DatabaseEndpointModule {},
      providers: [endpointProvider, lifecycleProvider],
      exports: [DatabaseEndpoint],
    };
    return {
      module: DatabaseModule,
      imports: [
        endpointModule,
        TypeOrmModule.forRootAsync({
          imports: [endpointModule],
          inject: [DatabaseEndpoint],
          useFactory: (endpoint: DatabaseEndpoint) => ({
            ...dataSourceOptions(endpoint),
            autoLoadEntities: true,
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            if (options.migrate) await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [
        { provide: DATABASE_ROLE, useValue: options.role },
        HotQueries,
        ...(options.role === 'service' ? [EmbeddedMaintenance] : []),
      ],
      exports: [endpointModule, DATABASE_ROLE, HotQueries],
    };
  }
}
