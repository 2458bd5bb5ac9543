import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { clientInfo, ClientInfo } from './request-context';

/** The caller's IP (proxy-aware per TRUST_PROXY) and user agent. */
export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ClientInfo =>
    clientInfo(context.switchToHttp().getRequest<FastifyRequest>()),
);
