import { ParseUUIDPipe } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

/** A path id that is not even a UUID names nothing: 404, like an unknown one. */
export function uuidOr404(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new AppException('not_found', `${what} not found`),
  });
}
