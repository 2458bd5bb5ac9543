import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '../errors/api-problems.decorator';

export const AUTH_REQUIREMENT = 'gatehouse:auth';

/** What a route needs from its caller. Every route has `@Auth(...)` or `@Public()`. */
export interface AuthRequirement {
  /** Only superusers (403 for anyone else). */
  superuser?: boolean;
}

/**
 * Declares that a route needs a signed-in caller, and documents it: the guard and the
 * OpenAPI security annotations come from the same line, so they cannot disagree.
 */
export function Auth(requirement: AuthRequirement = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, requirement),
    ApiBearerAuth('bearer'),
    ApiProblems(401, ...(requirement.superuser ? [403] : [])),
  );
}
