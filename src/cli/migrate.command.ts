import { Command, CommandRunner } from 'nest-commander';
import { DataSource } from 'typeorm';
import { runMigrations } from '../database/migrator';

@Command({ name: 'migrate', description: 'Apply pending database migrations' })
export class MigrateCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(): Promise<void> {
    const applied = await runMigrations(this.dataSource);
    process.stdout.write(
      applied.length === 0
        ? 'No pending migrations.\n'
        : `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}\n`,
    );
  }
}
