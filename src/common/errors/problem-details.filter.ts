import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { AppException, FieldError } from './app.exception';
import { codeForStatus, ErrorCode, statusOf, titleOf } from './error-codes';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
}

interface RenderedError {
  problem: ProblemDetails;
  headers?: Record<string, string>;
}

const PG_UNIQUE_VIOLATION = '23505';
// A row still referenced: 23503 (NO ACTION) or 23001 (RESTRICT).
const PG_STILL_REFERENCED = new Set(['23503', '23001']);

function problem(code: ErrorCode, detail: string, errors?: FieldError[]): ProblemDetails {
  const status = statusOf(code);
  return {
    type: `https://gatehouse.dev/problems/${code.replace(/_/g, '-')}`,
    title: titleOf(status),
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
  };
}

/** Fastify's own errors (body parsing, limits) carry a status and an FST_ code. */
interface FastifyError extends Error {
  statusCode?: number;
  code?: string;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).statusCode === 'number';
}

/** Maps any thrown value to problem details; nothing internal (stack, SQL) leaves here. */
export function renderError(exception: unknown): RenderedError {
  if (exception instanceof AppException) {
    const rendered = problem(exception.code, exception.detail, exception.errors);
    rendered.status = exception.status;
    rendered.title = titleOf(exception.status);
    return { problem: rendered, headers: exception.headers };
  }
  if (exception instanceof QueryFailedError) {
    const driverError = exception.driverError as { code?: string };
    if (driverError?.code === PG_UNIQUE_VIOLATION) {
      return { problem: problem('conflict', 'The resource already exists') };
    }
    if (driverError?.code && PG_STILL_REFERENCED.has(driverError.code)) {
      return { problem: problem('conflict', 'Other records still depend on this resource') };
    }
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeForStatus(status);
    const detail = status >= 500 ? 'An unexpected error occurred' : exception.message;
    return { problem: { ...problem(code, detail), status, title: titleOf(status) } };
  }
  if (isFastifyError(exception) && exception.statusCode! < 500) {
    const status = exception.statusCode!;
    const code = codeForStatus(status);
    const detail =
      exception.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body is larger than allowed'
        : exception.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Unsupported Content-Type'
          : status === 400
            ? 'The request body is not valid JSON'
            : exception.message;
    return { problem: { ...problem(code, detail), status, title: titleOf(status) } };
  }
  return { problem: problem('internal_error', 'An unexpected error occurred') };
}

export function sendProblem(reply: FastifyReply, rendered: RenderedError): void {
  if (rendered.headers) void reply.headers(rendered.headers);
  void reply
    .status(rendered.problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(rendered.problem);
}

/** The one global filter: every error leaves as RFC 9457 problem+json with a stable code. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const rendered = renderError(exception);
    if (rendered.problem.status >= 500) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      // Only name, message and stack: driver errors carry query parameters, which may be secrets.
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        {
          err: { type: error.name, message: error.message, stack: error.stack },
          requestId: request?.id,
          method: request?.method,
          // The path only: query strings can carry emailed tokens.
          path: request?.url.split('?', 1)[0],
        },
        'Unhandled error',
      );
    }
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), rendered);
  }
}
