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
 * `/users/me` statement: ~4× the rate prepared). Reads share one pipelined connection
 * (`StatementPipeline`). Writes stay on TypeORM's pool: a statement that commits waits for its
 * WAL flush, and on one connection those waits would queue one behind another, where commits
 * from the pool's connections are flushed together (refresh on the pipeline: 2,080 → 1,718
 * req/s, `bench/ab.js`). The embedded database serves every connection from one backend
 * session, where the names would clash, so there both run unnamed through the pool.
 */
@Injectable()
export class HotQueries implements OnApplicationShutdown {
  private readonly pool: Pool | null;
  private readonly pipeline: StatementPipeline | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    endpoint: DatabaseEndpoint,
  ) {
    this.pool =
      'url' in endpoint.connection ? ((dataSource.driver as PostgresDriver).master as Pool) : null;
    // With the pool's own settings (URL, TLS, timeouts), as TypeORM resolved them.
    this.pipeline = this.pool ? new StatementPipeline(this.pool.options) : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pipeline?.close();
  }

  /**
   * A single statement that only reads, outside any transaction. `name` must stay with one SQL
   * text for the process's life (a connection keeps the statement under that name).
   */
  async read<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pipeline = this.pipeline;
    if (!pipeline) return this.dataSource.query<T[]>(text, values);
    return withTypeOrmErrors(text, values, () =>
      pipeline.query<T & object>({ name, text, values }),
    );
  }

  /** A single statement that writes (and commits on its own), named as for `read`. */
  async write<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pool = this.pool;
    if (!pool) return this.dataSource.query<T[]>(text, values);
    return withTypeOrmErrors(
      text,
      values,
      async () => (await pool.query<T & object>({ name, text, values })).rows,
    );
  }
}

/** The same error as through TypeORM, so constraint violations map alike. */
async function withTypeOrmErrors<T>(
  text: string,
  values: unknown[],
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
