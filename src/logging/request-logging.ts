import { FastifyInstance } from 'fastify';
import { RootLogger } from './root-logger';

/**
 * One line per answered request at `info` (nothing is registered above that level, so a
 * quiet service pays nothing per request). Path only: query strings can carry emailed tokens.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: RootLogger): void {
  if (!logger.isLevelEnabled('info')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?', 1)[0];
    if (!path.startsWith('/health')) {
      logger.info(
        {
          requestId: request.id,
          method: request.method,
          path,
          statusCode: reply.statusCode,
          responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
          remoteAddress: request.ip,
        },
        'request completed',
      );
    }
    done();
  });
}
