import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseEndpoint } from './database-endpoint';

/**
 * The statements of the hottest routes (`/users/me`, refresh, the organization check), run as
 * named prepared statements on a PostgreSQL server: it plans each once per connection instead
 * of on every call, and planning is most of what these statements cost it (pgbench on the
 * `/users/me` statement: ~4× the rate prepared). The embedded database serves every
 * connection from one backend session, where the names would clash, so there they run unnamed.
 */
@Injectable()
export class HotQueries {
  private readonly pool: Pool | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    endpoint: DatabaseEndpoint,
  ) {
    this.pool =
      'url' in endpoint.connection ? ((dataSource.driver as PostgresDriver).master as Pool) : null;
  }

  /**
   * A single statement outside any transaction. `name` must stay with one SQL text for the
   * process's life (a connection keeps the statement under that name).
   */
  async query<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    if (!this.pool) return this.dataSource.query<T[]>(text, values);
    try {
      const result = await this.pool.query<T & object>({ name, text, values });
      return result.rows;
    } catch (error) {
      // The same error as through TypeORM, so constraint violations map alike.
      throw new QueryFailedError(text, values, error as Error);
    }
  }
}
