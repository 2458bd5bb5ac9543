import { ErrorCode, statusOf } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

export interface AppExceptionOptions {
  errors?: FieldError[];
  /** Response headers that belong with this error (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /**
   * A status other than the code's usual one: `token_invalid` is 400 for an emailed token
   * but 401 for a credential (refresh token).
   */
  status?: number;
}

/** The one exception type features throw; the global filter renders it as problem+json. */
export class AppException extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: AppExceptionOptions = {},
  ) {
    super(detail);
    this.status = options.status ?? statusOf(code);
    this.errors = options.errors;
    this.headers = options.headers;
  }

  static validation(field: string, message: string): AppException {
    return new AppException('validation_failed', `${field}: ${message}`, {
      errors: [{ field, message }],
    });
  }
}
