import { ArgumentMetadata, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { getSchemaPath } from '@nestjs/swagger';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { problemResponse } from '../common/errors/api-problems.decorator';
import { ProblemDetailsDto } from '../common/errors/problem-details.dto';
import { validationException } from '../common/errors/validation';
import { andThen, MaybePromise } from '../common/maybe-promise';
import { RouteInventory } from '../common/routes/route-inventory';
import { RequestValidationPipe } from '../common/validation/request-validation.pipe';
import type { NativeRouteDocs } from '../docs/native-route-docs';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyVerifyDto, ApiKeyVerifyResponseDto } from './dto/api-key.dto';
import { FailedVerifyLimiter } from './failed-verify-limiter';

export const API_KEY_VERIFY_PATH = '/api/v1/api-keys/verify';
const VERIFY_BODY: ArgumentMetadata = { type: 'body', metatype: ApiKeyVerifyDto };

const text = { type: 'string' } as const;
const count = { type: 'integer' } as const;

/** ApiKeyVerifyResponseDto for Fastify's compiled serializer, quicker than JSON.stringify. */
const VERIFY_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['valid'],
  properties: {
    valid: { type: 'boolean' },
    code: text,
    keyId: text,
    organizationId: text,
    scopes: { type: 'array', items: text },
    quota: {
      type: 'object',
      properties: { limit: count, used: count, remaining: count },
    },
  },
} as const;

/**
 * `POST /api/v1/api-keys/verify`, served by Fastify directly rather than by a Nest controller.
 * Other services call it for each request they serve, which makes it Gatehouse's hottest
 * route, and Nest's per-request pipeline (execution context, the global guard, the pipes and
 * interceptor consumers, the response controller) was a large part of its cost: 36 → 28 µs
 * of CPU a call in an A/B on one core, for the same work. The steps are the ones Nest ran, in
 * its order: the failed-verification limit (a guard before), then the API's validation pipe
 * on the body, then the service. Errors still leave through the global problem+json filter
 * (Nest installs it as Fastify's error handler), and the global hooks (security headers,
 * request id, logging, CORS) run as for any route. Its OpenAPI entry is `verifyRouteDocs`.
 */
@Injectable()
export class ApiKeyVerifyRoute implements OnModuleInit {
  private readonly validation = new RequestValidationPipe(validationException);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly apiKeys: ApiKeysService,
    private readonly failures: FailedVerifyLimiter,
    private readonly inventory: RouteInventory,
  ) {}

  onModuleInit(): void {
    this.inventory.addNative({
      method: 'POST',
      path: API_KEY_VERIFY_PATH,
      controller: ApiKeyVerifyRoute.name,
      handler: 'verify',
      access: 'public',
    });
    // The CLI builds the same modules without an HTTP server.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.post(
      API_KEY_VERIFY_PATH,
      { schema: { response: { 200: VERIFY_RESPONSE_SCHEMA } } },
      (request) => this.verify(request),
    );
  }

  /** Each step answers at once when it can: with limits off and the key cached, nothing waits. */
  private verify(request: FastifyRequest): MaybePromise<ApiKeyVerifyResponseDto> {
    return andThen(this.failures.admit(request.ip), () =>
      andThen(this.validation.transformNow(request.body, VERIFY_BODY), (body) => {
        const { key, cost } = body as ApiKeyVerifyDto;
        return andThen(this.apiKeys.verify(key, cost ?? 1), (result) =>
          result.valid ? result : this.failures.recordFailure(request.ip).then(() => result),
        );
      }),
    );
  }
}

/** The route's OpenAPI path item, as its controller's decorators described it. */
export function verifyRouteDocs(): NativeRouteDocs {
  return {
    path: API_KEY_VERIFY_PATH,
    models: [ApiKeyVerifyDto, ApiKeyVerifyResponseDto, ProblemDetailsDto],
    item: {
      post: {
        operationId: 'ApiKeyVerify_verify',
        summary: 'Check a key another service received, counting `cost` requests when it is valid',
        description:
          'The key is the credential. Always 200 for a well-formed body: `valid: false` with a ' +
          '`code` (`not_found`, `revoked`, `expired`, `quota_exceeded`) otherwise. Failed ' +
          'calls are rate-limited per client IP.',
        tags: ['api-keys'],
        security: [{}],
        parameters: [],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: getSchemaPath(ApiKeyVerifyDto) } } },
        },
        responses: {
          '200': {
            description: '',
            content: {
              'application/json': { schema: { $ref: getSchemaPath(ApiKeyVerifyResponseDto) } },
            },
          },
          '400': problemResponse(400),
          '429': problemResponse(429),
        },
      },
    },
  };
}
