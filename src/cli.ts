import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';
import { describeFailure } from './cli/command-input';
import { ConfigError, loadConfig } from './config/app-config';

// Every command but the report needs a database that outlives the command.
const WORKS_IN_MEMORY = new Set(['generate_project_report', 'help', '--help', '-h']);

async function run(): Promise<void> {
  const config = loadConfig();
  const command = process.argv[2];
  if (config.database.kind === 'memory' && command && !WORKS_IN_MEMORY.has(command)) {
    throw new Error(
      `DATABASE_URL=memory:// keeps nothing after the command ends; '${command}' needs a persistent database (unset DATABASE_URL or use postgres://)`,
    );
  }
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: ['error'],
    cliName: 'gatehouse',
    // Commander reports --help and usage errors as errors carrying the exit code to use.
    errorHandler: (error: Error & { exitCode?: number; code?: string }) => {
      // Commander has already printed its own message.
      if (!error.code?.startsWith('commander.')) process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode ?? 1);
    },
    serviceErrorHandler: (error: Error) => {
      process.stderr.write(`error: ${describeFailure(error)}\n`);
      process.exit(1);
    },
  });
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${error instanceof ConfigError ? message : `error: ${message}`}\n`);
  process.exit(1);
});
