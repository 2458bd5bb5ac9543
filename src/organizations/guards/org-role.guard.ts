import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest } from '../../common/auth/principal';
import { AppException } from '../../common/errors/app.exception';
import { hasOrgRole, OrgRole } from '../org-roles';
import {
  OrgAccess,
  OrgAccessService,
  organizationNotFound,
  OrgScope,
  roleRequired,
} from '../org-access.service';

export const REQUIRED_ORG_ROLE = 'gatehouse:org-role';
export const ORG_ACCESS_CHECKED_BY_QUERY = 'gatehouse:org-access-checked-by-query';

export type OrgRequest = AuthenticatedRequest & { orgAccess?: OrgAccess; orgScope?: OrgScope };

/**
 * Runs after the global AuthGuard on routes with `@Auth({ org })`: resolves the route's
 * `:orgId` and the caller's membership once, attaches them to the request, and checks the
 * role. Outsiders get 404, never 403, so organization ids tell them nothing.
 * On `@OrgAccessCheckedByQuery()` reads it only works out the caller's claim (`OrgScope`), and
 * the route's one statement checks it along with the read.
 */
@Injectable()
export class OrgRoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: OrgAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const least = this.reflector.getAllAndOverride<OrgRole | undefined>(REQUIRED_ORG_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<OrgRequest>();
    const organizationId = (request.params as Record<string, string | undefined>).orgId;
    if (!least || organizationId === undefined) {
      throw new Error('@Auth({ org }) needs a route with an :orgId parameter');
    }
    if (!request.principal) throw new AppException('unauthorized', 'Not signed in');

    if (this.reflector.get<boolean>(ORG_ACCESS_CHECKED_BY_QUERY, context.getHandler())) {
      // The statement checks membership only; a stronger role needs the full check here.
      if (least !== 'member') throw new Error('@OrgAccessCheckedByQuery() is for member reads');
      const scope = this.access.scope(request.principal, organizationId);
      if (!scope) throw organizationNotFound();
      request.orgScope = scope;
      return true;
    }
    const access = await this.access.resolve(request.principal, organizationId);
    if (!access) throw organizationNotFound();
    // A key reaches here only on routes that accept keys, after AuthGuard checked its scope.
    if (request.principal.type === 'user' && !hasOrgRole(access.membership, least)) {
      throw roleRequired(least);
    }
    request.orgAccess = access;
    return true;
  }
}
