import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { titleOf } from './error-codes';
import { ProblemDetailsDto } from './problem-details.dto';

/** The OpenAPI response for a problem+json error of `status` (needs ProblemDetailsDto's model). */
export function problemResponse(status: number): ResponseObject {
  return {
    description: titleOf(status),
    content: {
      'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } },
    },
  };
}

/** Documents the problem+json error responses a route can give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
