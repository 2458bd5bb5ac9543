import pino, { DestinationStream, Logger as PinoLogger } from 'pino';

/** DI token of the process's one pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export type RootLogger = PinoLogger;

/**
 * Anything that may hold a secret is censored wherever it appears in a logged object:
 * credentials in headers, and fields named like password/token/key/secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'newPassword',
    'currentPassword',
    'token',
    'accessToken',
    'refreshToken',
    'mfaToken',
    'key',
    'apiKey',
    'secret',
    'code',
    'recoveryCodes',
    'appSecret',
  ].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/**
 * JSON lines on stdout. Redaction costs only when a line is written: there is no per-request
 * child logger (its bindings would be serialized and redacted on every request).
 */
export function createRootLogger(
  level: string,
  destination: DestinationStream = pino.destination({ fd: 1, sync: true }),
): RootLogger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
