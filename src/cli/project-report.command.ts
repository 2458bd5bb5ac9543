import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { RouteInventory } from '../common/routes/route-inventory';

/** Generated from TypeORM's metadata and Nest's router: never a hand-kept list. */
@Command({
  name: 'generate_project_report',
  description: 'Print every entity (table, columns, relations) and every route as JSON',
})
export class ProjectReportCommand extends CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routes: RouteInventory,
  ) {
    super();
  }

  run(): Promise<void> {
    const entities = this.dataSource.entityMetadatas
      .map((entity) => ({
        name: entity.name,
        table: entity.tableName,
        columns: entity.columns.map((column) => ({
          property: column.propertyName,
          column: column.databaseName,
          type:
            typeof column.type === 'string'
              ? column.type
              : ((column.type as { name?: string }).name?.toLowerCase() ?? String(column.type)),
          length: column.length || undefined,
          nullable: column.isNullable,
          primary: column.isPrimary,
          generated: column.isGenerated || undefined,
          default: typeof column.default === 'function' ? column.default() : column.default,
        })),
        relations: entity.relations.map((relation) => ({
          property: relation.propertyName,
          type: relation.relationType,
          target: relation.inverseEntityMetadata.name,
          onDelete: relation.onDelete,
        })),
        indices: entity.indices.map((index) => ({
          name: index.name,
          columns: index.columns.map((column) => column.databaseName),
          unique: index.isUnique,
        })),
      }))
      .sort((a, b) => a.table.localeCompare(b.table));
    const routes = this.routes.list().map((route) => ({
      method: route.method,
      path: route.path,
      controller: route.controller,
      handler: route.handler,
      guards: route.guards,
      access: route.access === 'public' ? 'public' : 'authenticated',
      requiredRole: route.requiredRole,
      superuser: route.access !== 'public' && route.access?.superuser === true,
    }));
    process.stdout.write(`${JSON.stringify({ entities, routes }, null, 2)}\n`);
    return Promise.resolve();
  }
}
