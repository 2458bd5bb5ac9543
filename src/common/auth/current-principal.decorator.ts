import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedRequest, Principal } from './principal';

/** The authenticated caller the global guard attached to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.principal) throw new Error('CurrentPrincipal used on a route without @Auth');
    return request.principal;
  },
);
