import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { RequireOrgRole } from '../../organizations/guards/org-role.decorator';
import { ApiProblems } from '../errors/api-problems.decorator';

export const AUTH_REQUIREMENT = 'gatehouse:auth';

/** What a route needs from its caller. Every route has `@Auth(...)` or `@Public()`. */
export interface AuthRequirement {
  /** Only superusers (403 for anyone else). */
  superuser?: boolean;
  /**
   * The least role in the organization of the route's `:orgId` (owner > admin > member).
   * Non-members get 404, members with a lesser role 403.
   */
  org?: 'member' | 'admin' | 'owner';
  /**
   * API keys may call the route too: `true` for any key, or the scope a key needs
   * (`org:read`). With `org`, only keys of that organization.
   */
  apiKey?: true | string;
}

/**
 * Declares that a route needs a signed-in caller, and documents it: the guard and the
 * OpenAPI security annotations come from the same line, so they cannot disagree.
 */
export function Auth(requirement: AuthRequirement = {}): MethodDecorator & ClassDecorator {
  const mayForbid = requirement.superuser || (requirement.org && requirement.org !== 'member');
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, requirement),
    ApiBearerAuth('bearer'),
    ...(requirement.apiKey ? [ApiSecurity('apiKey')] : []),
    ApiProblems(401, ...(mayForbid ? [403] : [])),
    ...(requirement.org ? [RequireOrgRole(requirement.org)] : []),
  );
}
