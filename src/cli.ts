import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';
import { ConfigError, loadConfig } from './config/app-config';

async function run(): Promise<void> {
  const config = loadConfig();
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
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  });
}

run().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${error instanceof ConfigError ? message : `error: ${message}`}\n`);
  process.exit(1);
});
