import type { components } from './schema';

export type Problem = components['schemas']['ProblemDetailsDto'];
export type FieldError = components['schemas']['FieldErrorDto'];

/** An API failure (problem+json), or a network failure with the code `network_error`. */
export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** Seconds, from `Retry-After` on 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(problem.detail);
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

export function networkError(): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    code: 'network_error',
    detail: 'The server could not be reached',
  });
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

/** Turns whatever an API call failed with into an ApiError. */
export function toApiError(error: unknown, response?: Response): ApiError {
  if (error instanceof ApiError) return error;
  if (isProblem(error)) {
    const retryAfter = Number(response?.headers.get('retry-after') ?? NaN);
    return new ApiError(error, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  if (response) {
    return new ApiError({
      type: 'about:blank',
      title: response.statusText || 'Error',
      status: response.status,
      code: response.status >= 500 ? 'internal_error' : 'unknown',
      detail: `The server answered ${response.status}`,
    });
  }
  return networkError();
}

/**
 * Words for a person, chosen by the stable `code`. Where the API's own `detail` is already
 * written for people and says something specific (a conflict, a refused file), it is used.
 */
export function describeError(error: ApiError, overrides: Record<string, string> = {}): string {
  const override = overrides[error.code];
  if (override) return override;
  switch (error.code) {
    case 'validation_failed':
      return error.fieldErrors.length > 0
        ? 'Please correct the highlighted fields.'
        : error.problem.detail;
    case 'invalid_credentials':
      return 'That did not match. Check what you typed and try again.';
    case 'email_not_verified':
      return 'Please confirm your email address first: open the link we emailed you.';
    case 'email_taken':
      return 'An account with this email address already exists. Try signing in instead.';
    case 'username_taken':
      return 'That username is already taken. Please choose another one.';
    case 'token_invalid':
      return 'This link is not valid, or it has already been used.';
    case 'token_expired':
      return 'This link has expired.';
    case 'token_reused':
    case 'unauthorized':
      return 'Your session has ended. Please sign in again.';
    case 'forbidden':
      return 'You do not have permission to do that.';
    case 'not_found':
      return 'We could not find that. It may have been removed.';
    case 'rate_limited':
      return error.retryAfter
        ? `Too many attempts. Please wait ${error.retryAfter} seconds and try again.`
        : 'Too many attempts. Please wait a moment and try again.';
    case 'quota_exceeded':
      return 'This organization has used its monthly request quota.';
    case 'conflict':
    case 'payload_too_large':
    case 'unsupported_media_type':
      return error.problem.detail;
    case 'network_error':
      return 'We could not reach Gatehouse. Check your connection and try again.';
    default:
      return 'Something went wrong on our side. Please try again in a moment.';
  }
}
