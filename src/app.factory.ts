import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { computeSecurityHeaders } from './common/http/security-headers';
import { NestPinoLogger } from './logging/nest-logger';
import { registerRequestLogging } from './logging/request-logging';
import { ROOT_LOGGER, RootLogger } from './logging/root-logger';
import { RequestValidationPipe } from './common/validation/request-validation.pipe';
import { validationException } from './common/errors/validation';
import { setupDocs } from './docs/openapi';
import { registerWebSessionHooks } from './auth/web-session-cookie';
import { MULTIPART_LIMITS } from './storage/upload';
import { registerWebApp } from './web/web-app';

export const JSON_BODY_LIMIT_BYTES = 100 * 1024;
const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the HTTP application (not listening yet); shared by main.ts, tests and scripts. */
export async function createApp(
  config: AppConfig,
  rootModule: DynamicModule = AppModule.forRoot({ config, role: 'service' }),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    trustProxy: config.http.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // No Nest middleware (hooks and guards do that work): without middie no hook of its own
    // runs on every request, and a module adding middleware fails at start, not silently.
    skipMiddie: true,
    // A client's request id is kept when harmless, so logs can be correlated across services.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const supplied = request.headers[REQUEST_ID_HEADER];
      return typeof supplied === 'string' && SAFE_REQUEST_ID.test(supplied)
        ? supplied
        : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  const securityHeaders = computeSecurityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(securityHeaders).header(REQUEST_ID_HEADER, request.id);
    done();
  });
  registerRequestLogging(fastify, app.get<RootLogger>(ROOT_LOGGER));
  registerWebSessionHooks(fastify, config);

  // Uploads (avatars): parsed only where a route asks, with hard limits on the stream.
  await app.register(multipart, { limits: MULTIPART_LIMITS });
  // Without allowed origins there is nothing to answer: no CORS hook on every request.
  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      credentials: true,
      exposedHeaders: ['x-request-id', 'retry-after'],
    });
  }

  app.useGlobalPipes(new RequestValidationPipe(validationException));
  app.useGlobalFilters(new ProblemDetailsFilter());
  setupDocs(app);
  // The account pages (web/), same origin as the API; their routes fall back to index.html.
  await registerWebApp(app);
  return app;
}
