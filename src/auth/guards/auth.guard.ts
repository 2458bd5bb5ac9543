import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT, AuthRequirement } from '../../common/auth/auth.decorator';
import { AuthenticatedRequest } from '../../common/auth/principal';
import { IS_PUBLIC } from '../../common/auth/public.decorator';
import { AppException } from '../../common/errors/app.exception';
import { AccessTokensService } from '../tokens/access-tokens.service';

// The scheme name is case-insensitive (RFC 9110).
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
    if (!match) throw new AppException('unauthorized', 'A bearer access token is required');
    let claims;
    try {
      claims = await this.accessTokens.verifyFresh(match[1]);
    } catch {
      throw new AppException('unauthorized', 'The access token is not valid');
    }
    request.principal = { type: 'user', userId: claims.sub, sessionId: claims.sid, claims };
    return true;
  }
}
