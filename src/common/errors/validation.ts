import { ValidationError } from '@nestjs/common';
import { AppException, FieldError } from './app.exception';

/** Flattens nested class-validator errors into `[{ field: 'a.b', message }]`. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: constraint === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function validationException(errors: ValidationError[]): AppException {
  const fieldErrors = flattenValidationErrors(errors);
  const fields = [...new Set(fieldErrors.map((error) => error.field))].join(', ');
  return new AppException('validation_failed', `Invalid request: ${fields}`, {
    errors: fieldErrors,
  });
}
