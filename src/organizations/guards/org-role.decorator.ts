import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiExtension, ApiParam } from '@nestjs/swagger';
import { ApiProblems } from '../../common/errors/api-problems.decorator';
import { OrgRole } from '../org-roles';
import { ORG_ACCESS_CHECKED_BY_QUERY, OrgRoleGuard, REQUIRED_ORG_ROLE } from './org-role.guard';

/**
 * The organization part of `@Auth({ org })` (use that, not this): the least role needed in
 * the route's `:orgId` organization, its guard, and its documentation.
 */
export function RequireOrgRole(least: OrgRole): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ORG_ROLE, least),
    UseGuards(OrgRoleGuard),
    ApiParam({ name: 'orgId', format: 'uuid', description: 'The organization' }),
    ApiExtension('x-required-org-role', least),
    ApiProblems(404),
  );
}

/**
 * For reads open to every member (`@Auth({ org: 'member' })`) whose statement checks the
 * caller's `OrgScope` itself (read it with `@CurrentOrgScope()`): one round trip, not two.
 */
export function OrgAccessCheckedByQuery(): MethodDecorator {
  return SetMetadata(ORG_ACCESS_CHECKED_BY_QUERY, true);
}
