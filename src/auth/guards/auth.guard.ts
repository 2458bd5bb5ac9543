import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, AuthRequirement } from '../../common/auth/auth.decorator';
import { ApiKeyCredentials } from '../../common/auth/api-key-credentials';
import { AuthenticatedRequest } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../../users/users.service';
import { AccessTokensService } from '../tokens/access-tokens.service';

// The scheme name is case-insensitive (RFC 9110).
// Keys are recognised by their prefix; everything else is an access token.
const API_KEY_PREFIX = 'gk_';
const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The global guard: every route is closed unless it says `@Public()` or `@Auth(...)`.
 * Checking a token costs a cached lookup and an in-memory revocation check, no query.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokensService,
    private readonly apiKeys: ApiKeyCredentials,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const requirement = this.reflector.getAllAndOverride<AuthRequirement>(
      AUTH_REQUIREMENT,
      targets,
    );
    if (!requirement) {
      // A route that declares nothing is a mistake; deny rather than guess.
      throw new AppException('forbidden', 'This route is not available');
    }

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    const headerKey = request.headers['x-api-key'];
    const apiKey =
      typeof headerKey === 'string'
        ? headerKey
        : match?.[1].startsWith(API_KEY_PREFIX)
          ? match[1]
          : undefined;
    if (apiKey !== undefined) {
      if (!requirement.apiKey) {
        throw new AppException('unauthorized', 'This route needs a user access token');
      }
      const routeOrganizationId = requirement.org
        ? (request.params as Record<string, string | undefined>).orgId
        : undefined;
      request.principal = await this.apiKeys.authenticate(
        apiKey,
        requirement.apiKey,
        routeOrganizationId,
      );
      return true;
    }
    if (!match) throw new AppException('unauthorized', 'A bearer access token is required');
    let claims;
    try {
      claims = await this.accessTokens.verifyFresh(match[1]);
    } catch {
      throw new AppException('unauthorized', 'The access token is not valid');
    }
    request.principal = { type: 'user', userId: claims.sub, sessionId: claims.sid, claims };
    if (requirement.superuser) {
      // Admin routes read the flag fresh: a demotion takes effect on the next request.
      const user = await this.users.findById(claims.sub);
      if (!user?.isActive || !user.isSuperuser) {
        throw new AppException('forbidden', 'This needs a superuser');
      }
    }
    return true;
  }
}
