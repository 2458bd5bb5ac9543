import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AppException } from '../common/errors/app.exception';
import { findReservedKey } from './profile-validation';

const MAX_BODY_DEPTH = 32;

/**
 * Refuses a JSON body with a `__proto__`, `constructor` or `prototype` key at any depth.
 * Runs before the ValidationPipe, which would otherwise delete such keys silently (and the
 * DTO could not see them): a client that sends one learns it was refused.
 */
@Injectable()
export class ReservedKeysInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { body } = context.switchToHttp().getRequest<FastifyRequest>();
    const finding = findReservedKey(body, MAX_BODY_DEPTH);
    if (finding && 'tooDeep' in finding) {
      throw new AppException('validation_failed', `The body nests deeper than ${MAX_BODY_DEPTH}`);
    }
    if (finding) {
      const field = finding.path ? finding.path.split(/[.[]/)[0] : finding.key;
      throw AppException.validation(
        field,
        `key "${finding.key}" is not allowed (at ${finding.path || 'the top level'})`,
      );
    }
    return next.handle();
  }
}
