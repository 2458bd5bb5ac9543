import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, AuthRequirement } from '../../common/auth/auth.decorator';
import { ApiKeyCredentials } from '../../common/auth/api-key-credentials';
import { AuthenticatedRequest } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { AppException } from '../../common/errors/app.exception';
import { UsersService } from '../../users/users.service';
import { AccessTokensService } from '../tokens/access-tokens.service';

// Keys are recognised by their prefix; everything else is an access token.
const API_KEY_PREFIX = 'gk_';
const BEARER_TOKEN = /^[A-Za-z0-9._~+/=-]+$/;

/** What a route asks of its caller: `public`, a requirement, or nothing (a mistake). */
type RouteAccess = 'public' | AuthRequirement | undefined;

/** The credential of `Authorization: Bearer <credential>` (scheme case-insensitive, RFC 9110). */
export function bearerCredential(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const credential = header.slice(7).trimStart();
  return BEARER_TOKEN.test(credential) ? credential : undefined;
}

/**
 * The global guard: every route is closed unless it says `@Public()` or `@Auth(...)`.
 * Checking a token costs a cached lookup and an in-memory revocation check, no query.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Per controller and handler: the metadata never changes after start, so it is read once. */
  private readonly access = new Map<object, Map<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokensService,
    private readonly apiKeys: ApiKeyCredentials,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.routeAccess(context);
    if (requirement === 'public') return true;
    if (!requirement) {
      // A route that declares nothing is a mistake; deny rather than guess.
      throw new AppException('forbidden', 'This route is not available');
    }

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = bearerCredential(request.headers.authorization);
    const headerKey = request.headers['x-api-key'];
    const apiKey =
      typeof headerKey === 'string'
        ? headerKey
        : bearer?.startsWith(API_KEY_PREFIX)
          ? bearer
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
    if (!bearer) throw new AppException('unauthorized', 'A bearer access token is required');
    let claims;
    try {
      claims = await this.accessTokens.verifyFresh(bearer);
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

  private routeAccess(context: ExecutionContext): RouteAccess {
    const controller = context.getClass();
    const handler = context.getHandler();
    let handlers = this.access.get(controller);
    if (handlers?.has(handler)) return handlers.get(handler);
    const targets = [handler, controller];
    const access = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
      ? 'public'
      : this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, targets);
    if (!handlers) this.access.set(controller, (handlers = new Map<object, RouteAccess>()));
    handlers.set(handler, access);
    return access;
  }
}
