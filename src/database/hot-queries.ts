import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseEndpoint } from './database-endpoint';
import { StatementPipeline } from './statement-pipeline';

/**
 * The statements of the hottest routes (`/users/me`, refresh, the organization check), run as
 * named prepared statements on a PostgreSQL server: it plans each once per connection instead
 * of on every call, and planning is most of what these statements cost it (pgbench on the
 * `/users/me` statement: ~4× the rate prepared), on one pipelined connection of their own
 * (`StatementPipeline`). The embedded database serves every connection from one backend
 * session, where the names would clash, so there they run unnamed through TypeORM's pool.
 */
@Injectable()
export class HotQueries implements OnApplicationShutdown {
  private readonly pipeline: StatementPipeline | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    endpoint: DatabaseEndpoint,
  ) {
    // The pool's own settings (URL, TLS, timeouts), as TypeORM resolved them.
    this.pipeline =
      'url' in endpoint.connection
        ? new StatementPipeline(((dataSource.driver as PostgresDriver).master as Pool).options)
        : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipeline?.close();
  }

  /**
   * A single statement outside any transaction. `name` must stay with one SQL text for the
   * process's life (a connection keeps the statement under that name).
   */
  async query<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    if (!this.pipeline) return this.dataSource.query<T[]>(text, values);
    try {
      return await this.pipeline.query<T & object>({ name, text, values });
    } catch (error) {
      // The same error as through TypeORM, so constraint violations map alike.
      throw new QueryFailedError(text, values, error as Error);
    }
  }
}
