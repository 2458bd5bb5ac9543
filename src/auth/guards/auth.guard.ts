import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, AuthRequirement } from '../../common/auth/auth.decorator';
import { ApiKeyCredentials } from '../../common/auth/api-key-credentials';
import { AccessTokenClaims, AuthenticatedRequest } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { AppException } from '../../common/errors/app.exception';
import { andThen } from '../../common/maybe-promise';
import { PerRoute } from '../../common/routes/per-route';
import { UsersService } from '../../users/users.service';
import { AccessTokensService } from '../tokens/access-tokens.service';

// Keys are recognised by their prefix; everything else is an access token.
const API_KEY_PREFIX = 'gk_';

function invalidAccessToken(): AppException {
  return new AppException('unauthorized', 'The access token is not valid');
}

/** What a route asks of its caller: `public`, a requirement, or nothing (a mistake). */
type RouteAccess = 'public' | AuthRequirement | undefined;

/**
 * The credential of `Authorization: Bearer <credential>` (scheme case-insensitive, RFC 9110).
 * Its characters are checked where it is parsed (an access token's shape, a key's format), so
 * a cached token is not scanned again on every request.
 */
export function bearerCredential(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const credential = header.slice(7).trimStart();
  return credential === '' ? undefined : credential;
}

/**
 * The global guard: every route is closed unless it says `@Public()` or `@Auth(...)`.
 * Checking a token costs a cached lookup and an in-memory revocation check, no query.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly access = new PerRoute<RouteAccess>((handler, controller) =>
    this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller])
      ? 'public'
      : this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, [
          handler,
          controller,
        ]),
  );

  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokensService,
    private readonly apiKeys: ApiKeyCredentials,
    private readonly users: UsersService,
  ) {}

  /**
   * Synchronous where it can be (public routes, a cached access token): Nest awaits a
   * returned promise, which costs every request a few microtask turns.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirement = this.access.of(context);
    if (requirement === 'public') return true;
    if (!requirement) {
      // A route that declares nothing is a mistake; deny rather than guess.
      throw new AppException('forbidden', 'This route is not available');
    }
    return this.admit(context.switchToHttp().getRequest<AuthenticatedRequest>(), requirement);
  }

  /**
   * Attaches the caller to `request.principal` when its credential meets `requirement`, and
   * throws the AppException to answer with otherwise. Also called directly by the routes
   * Fastify serves without Nest's pipeline (see WhoamiRoute).
   */
  admit(request: AuthenticatedRequest, requirement: AuthRequirement): boolean | Promise<boolean> {
    const bearer = bearerCredential(request.headers.authorization);
    const headerKey = request.headers['x-api-key'];
    const apiKey =
      typeof headerKey === 'string'
        ? headerKey
        : bearer?.startsWith(API_KEY_PREFIX)
          ? bearer
          : undefined;
    if (apiKey !== undefined) return this.admitApiKey(request, apiKey, requirement);
    if (!bearer) throw new AppException('unauthorized', 'A bearer access token is required');
    let claims: AccessTokenClaims | Promise<AccessTokenClaims>;
    try {
      claims = this.accessTokens.verifyFresh(bearer);
    } catch {
      throw invalidAccessToken();
    }
    if (claims instanceof Promise) {
      return claims.then(
        (fresh) => this.admitUser(request, fresh, requirement),
        () => {
          throw invalidAccessToken();
        },
      );
    }
    return this.admitUser(request, claims, requirement);
  }

  private admitApiKey(
    request: AuthenticatedRequest,
    apiKey: string,
    requirement: AuthRequirement,
  ): boolean | Promise<boolean> {
    if (!requirement.apiKey) {
      throw new AppException('unauthorized', 'This route needs a user access token');
    }
    const routeOrganizationId = requirement.org
      ? (request.params as Record<string, string | undefined>).orgId
      : undefined;
    return andThen(
      this.apiKeys.authenticate(apiKey, requirement.apiKey, routeOrganizationId),
      (principal) => {
        request.principal = principal;
        return true;
      },
    );
  }

  private admitUser(
    request: AuthenticatedRequest,
    claims: AccessTokenClaims,
    requirement: AuthRequirement,
  ): boolean | Promise<boolean> {
    request.principal = { type: 'user', userId: claims.sub, sessionId: claims.sid, claims };
    // Admin routes read the flag fresh: a demotion takes effect on the next request.
    return requirement.superuser ? this.requireSuperuser(claims.sub) : true;
  }

  private async requireSuperuser(userId: string): Promise<boolean> {
    const user = await this.users.findById(userId);
    if (!user?.isActive || !user.isSuperuser) {
      throw new AppException('forbidden', 'This needs a superuser');
    }
    return true;
  }
}
