/** Stable, snake_case error codes that clients switch on (SPEC.md, HTTP conventions). */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_credentials'
  | 'email_not_verified'
  | 'email_taken'
  | 'username_taken'
  | 'token_invalid'
  | 'token_expired'
  | 'token_reused'
  | 'mfa_required'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'service_unavailable'
  | 'internal_error';

/** The HTTP status of each code. Exhaustive: a new code without a status fails to compile. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'token_invalid':
    case 'token_expired':
      return 400;
    case 'invalid_credentials':
    case 'token_reused':
    case 'unauthorized':
      return 401;
    case 'email_not_verified':
    case 'mfa_required':
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'email_taken':
    case 'username_taken':
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
    case 'quota_exceeded':
      return 429;
    case 'internal_error':
      return 500;
    case 'service_unavailable':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`No status for error code ${String(unhandled)}`);
    }
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleOf(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** The code for a status that reached us without one (framework errors). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'validation_failed';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'service_unavailable';
    default:
      return 'internal_error';
  }
}
