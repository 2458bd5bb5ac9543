import { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/** Helmet's policy for the API, the docs and the account pages. */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Swagger UI at /docs needs inline styles; scripts stay same-origin only.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      scriptSrc: ["'self'"],
    },
  },
};

/**
 * The headers helmet would set, computed once. Helmet's policy is the same for every request,
 * but running its middleware per request (as @fastify/helmet does) rebuilds it each time, a
 * tenth of a cheap request's cost; a precomputed map is then copied onto each reply.
 */
export function computeSecurityHeaders(
  options: HelmetOptions = SECURITY_HEADER_OPTIONS,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return recorder;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: Error | undefined;
  let finished = false;
  const done = (error?: unknown) => {
    if (error !== undefined) failure = error instanceof Error ? error : new Error('helmet failed');
    finished = true;
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, done);
  // Helmet's middleware is synchronous; anything else would mean a policy that varies.
  if (!finished || failure) {
    throw new Error(`helmet did not produce static headers: ${failure?.message ?? 'pending'}`);
  }
  return headers;
}
