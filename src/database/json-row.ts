import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

const TIMESTAMP_TYPES = new Set(['timestamptz', 'timestamp', 'timestamp with time zone', 'date']);

/**
 * Reading an entity as one JSON value inside a larger query (a subquery of `/users/me`, say),
 * so several tables come back in one round trip. `select` is the SQL expression; `read` turns
 * the JSON back into the entity (timestamps become Dates again, as TypeORM would give them).
 */
export interface JsonRow<T> {
  select(alias: string): string;
  read(json: Record<string, unknown>): T;
}

export function jsonRowOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
): JsonRow<T> {
  const metadata = dataSource.getMetadata(target);
  const columns = metadata.columns.map((column) => ({
    property: column.propertyName,
    column: column.databaseName,
    timestamp: TIMESTAMP_TYPES.has(String(column.type)),
  }));
  // Built once per alias: hot queries call `select` on every request.
  const selects = new Map<string, string>();
  return {
    select: (alias) => {
      let sql = selects.get(alias);
      if (sql === undefined) {
        sql = `json_build_object(${columns
          .map(({ property, column }) => `'${property}', ${alias}."${column}"`)
          .join(', ')})`;
        selects.set(alias, sql);
      }
      return sql;
    },
    read: (json) => {
      const entity = metadata.create() as T;
      for (const { property, timestamp } of columns) {
        const value = json[property];
        (entity as Record<string, unknown>)[property] =
          timestamp && typeof value === 'string' ? new Date(value) : value;
      }
      return entity;
    },
  };
}
