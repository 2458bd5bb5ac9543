import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { OrgAccess, OrgScope } from '../org-access.service';
import { OrgRequest } from './org-role.guard';

/** The organization and the caller's membership that `OrgRoleGuard` resolved for this request. */
export const CurrentOrg = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OrgAccess => {
    const request = context.switchToHttp().getRequest<OrgRequest>();
    if (!request.orgAccess) throw new Error('CurrentOrg used on a route without @Auth({ org })');
    return request.orgAccess;
  },
);

/** The caller's unchecked claim to the route's organization (`@OrgAccessCheckedByQuery()`). */
export const CurrentOrgScope = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OrgScope => {
    const request = context.switchToHttp().getRequest<OrgRequest>();
    if (!request.orgScope) {
      throw new Error('CurrentOrgScope used on a route without @OrgAccessCheckedByQuery()');
    }
    return request.orgScope;
  },
);
