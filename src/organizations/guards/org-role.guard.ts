import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticatedRequest, Principal } from '../../common/auth/principal';
import { AppException } from '../../common/errors/app.exception';
import { PerRoute } from '../../common/routes/per-route';
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
interface RouteOrgRule {
  least: OrgRole | undefined;
  checkedByQuery: boolean;
}

@Injectable()
export class OrgRoleGuard implements CanActivate {
  private readonly rules = new PerRoute<RouteOrgRule>((handler, controller) => ({
    least: this.reflector.getAllAndOverride<OrgRole | undefined>(REQUIRED_ORG_ROLE, [
      handler,
      controller,
    ]),
    checkedByQuery: this.reflector.get<boolean>(ORG_ACCESS_CHECKED_BY_QUERY, handler) === true,
  }));

  constructor(
    private readonly reflector: Reflector,
    private readonly access: OrgAccessService,
  ) {}

  /** Synchronous on `@OrgAccessCheckedByQuery()` reads: Nest would await even a resolved promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const { least, checkedByQuery } = this.rules.of(context);
    const request = context.switchToHttp().getRequest<OrgRequest>();
    const organizationId = (request.params as Record<string, string | undefined>).orgId;
    if (!least || organizationId === undefined) {
      throw new Error('@Auth({ org }) needs a route with an :orgId parameter');
    }
    if (!request.principal) throw new AppException('unauthorized', 'Not signed in');

    if (checkedByQuery) {
      // The statement checks membership only; a stronger role needs the full check here.
      if (least !== 'member') throw new Error('@OrgAccessCheckedByQuery() is for member reads');
      const scope = this.access.scope(request.principal, organizationId);
      if (!scope) throw organizationNotFound();
      request.orgScope = scope;
      return true;
    }
    return this.admit(request, request.principal, organizationId, least);
  }

  private async admit(
    request: OrgRequest,
    principal: Principal,
    organizationId: string,
    least: OrgRole,
  ): Promise<boolean> {
    const access = await this.access.resolve(principal, organizationId);
    if (!access) throw organizationNotFound();
    // A key reaches here only on routes that accept keys, after AuthGuard checked its scope.
    if (principal.type === 'user' && !hasOrgRole(access.membership, least)) {
      throw roleRequired(least);
    }
    request.orgAccess = access;
    return true;
  }
}
