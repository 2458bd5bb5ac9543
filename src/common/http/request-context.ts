import { FastifyRequest } from 'fastify';

/** Where a request came from, as recorded in sessions and audit events. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Fastify's `request.ip` already honours TRUST_PROXY; X-Forwarded-For is ignored otherwise. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}
