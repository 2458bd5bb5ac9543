import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { NestPinoLogger } from './logging/nest-logger';

async function bootstrap(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });

  const logger = app.get(NestPinoLogger);
  logger.log(
    `Gatehouse listening on http://${config.http.host}:${config.http.port} ` +
      `(ready in ${Math.round(performance.now() - startedAt)} ms)`,
    'Bootstrap',
  );

  const stopHttpThenApp = async () => {
    await app.getHttpAdapter().close();
    await app.close();
  };
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`, 'Bootstrap');
    // HTTP first (no new requests; in-flight ones finish), then the modules' shutdown hooks:
    // background work is flushed before the database closes.
    stopHttpThenApp().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error, 'Bootstrap');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Gatehouse failed to start: ${(error as Error)?.stack ?? String(error)}\n`,
    );
  }
  process.exit(1);
});
