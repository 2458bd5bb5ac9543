import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { getSchemaPath } from '@nestjs/swagger';
import { FastifyInstance } from 'fastify';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator.service';
import { AuthRequirement } from '../common/auth/auth.decorator';
import { AuthenticatedRequest, Principal, UserPrincipal } from '../common/auth/principal';
import { problemResponse } from '../common/errors/api-problems.decorator';
import { AppException } from '../common/errors/app.exception';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { andThen, MaybePromise } from '../common/maybe-promise';
import { RouteInventory } from '../common/routes/route-inventory';
import type { NativeRouteDocs } from '../docs/native-route-docs';
import { UserSummary, UsersService } from '../users/users.service';
import { WHOAMI_RESPONSE_SCHEMA, WhoamiResponseDto } from './dto/whoami-response.dto';
import { AuthGuard } from './guards/auth.guard';

export const WHOAMI_PATH = '/api/v1/whoami';
/** A user's access token or any API key, whatever its scopes. */
const WHOAMI_ACCESS: AuthRequirement = { apiKey: true };

/**
 * `GET /api/v1/whoami`, served by Fastify directly rather than by a Nest controller, as
 * `POST /api-keys/verify` is: other services call it to learn who a credential belongs to, on
 * every request they serve, and it answers from caches, so Nest's per-request pipeline
 * (execution context, guard and pipe consumers, the parameter decorator, the response
 * controller, their promises) was close to a third of its cost (A/B on one core, with a key:
 * 102 → 71 µs of CPU per request). The global guard's check runs as it does for every route
 * (AuthGuard's `admit`), errors leave through the global problem+json filter, and the global
 * hooks (security headers, request id, logging, CORS) run as for any route. Its OpenAPI entry
 * is `whoamiRouteDocs`.
 */
@Injectable()
export class WhoamiRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly guard: AuthGuard,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly inventory: RouteInventory,
  ) {}

  onModuleInit(): void {
    this.inventory.addNative({
      method: 'GET',
      path: WHOAMI_PATH,
      controller: WhoamiRoute.name,
      handler: 'describe',
      access: WHOAMI_ACCESS,
    });
    // The CLI builds the same modules without an HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.get(
      WHOAMI_PATH,
      { schema: { response: { 200: WHOAMI_RESPONSE_SCHEMA } } },
      (request: AuthenticatedRequest) =>
        andThen(this.guard.admit(request, WHOAMI_ACCESS), () =>
          this.describe(request.principal as Principal),
        ),
    );
  }

  /** Answers from caches: no query in the steady state, and no promise when all is cached. */
  private describe(principal: Principal): MaybePromise<WhoamiResponseDto> {
    if (principal.type === 'api_key') {
      return andThen(this.apiKeys.organization(principal.organizationId), (organization) => ({
        type: 'api_key' as const,
        apiKey: {
          id: principal.keyId,
          name: principal.name,
          prefix: principal.prefix,
          scopes: principal.scopes,
        },
        organization: { id: organization.id, name: organization.name, slug: organization.slug },
      }));
    }
    return andThen(this.users.summary(principal.userId), (user) => userAnswer(principal, user));
  }
}

function userAnswer(principal: UserPrincipal, user: UserSummary | null): WhoamiResponseDto {
  if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
  return {
    type: 'user',
    user: { id: user.id, email: user.email, username: user.username },
    sessionId: principal.sessionId,
  };
}

/** The route's OpenAPI path item, as the controller it replaced described it. */
export function whoamiRouteDocs(): NativeRouteDocs {
  return {
    path: WHOAMI_PATH,
    models: [WhoamiResponseDto, ProblemDetailsDto],
    item: {
      get: {
        operationId: 'Whoami_whoami',
        summary: 'Who is calling: a user (access token) or an API key',
        tags: ['api-keys'],
        security: [{ bearer: [] }, { apiKey: [] }],
        parameters: [],
        responses: {
          '200': {
            description: '',
            content: {
              'application/json': { schema: { $ref: getSchemaPath(WhoamiResponseDto) } },
            },
          },
          '401': problemResponse(401),
        },
      },
    },
  };
}
