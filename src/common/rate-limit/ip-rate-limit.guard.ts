import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception';

/**
 * Per client IP and per endpoint (RATE_LIMIT_AUTH_PER_MINUTE). The IP is Fastify's, which
 * honours X-Forwarded-For only as TRUST_PROXY allows, so inventing headers resets nothing.
 */
@Injectable()
export class IpRateLimitGuard extends ThrottlerGuard {
  protected getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve((request as unknown as FastifyRequest).ip);
  }

  protected throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new AppException('rate_limited', 'Too many requests; try again later', {
      headers: { 'Retry-After': String(detail.timeToBlockExpire || detail.timeToExpire) },
    });
  }
}
