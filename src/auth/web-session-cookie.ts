import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, Observable, throwError } from 'rxjs';
import { AppException } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';

/**
 * Web-session mode, for the browser pages served by this service: a request that carries
 * `X-Gatehouse-Client: web` gets its refresh token as an HttpOnly cookie instead of in the
 * body, and `POST /refresh` takes it from that cookie. The header is the CSRF defence next to
 * SameSite=Strict: a cross-site form cannot send it, and a cross-origin script cannot send it
 * without passing CORS (CORS_ORIGINS). Every other client keeps the plain JSON API.
 */
export const WEB_CLIENT_HEADER = 'x-gatehouse-client';
export const WEB_CLIENT_VALUE = 'web';
export const REFRESH_COOKIE = 'gh_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

const WEB_SESSION_ROLE = 'gatehouse:web-session-role';

/** `issue`: the route answers with a token response; `refresh`: it also spends the cookie; `end`: sign-out. */
export type WebSessionRole = 'issue' | 'refresh' | 'end';

export function isWebClient(request: FastifyRequest): boolean {
  const value = request.headers[WEB_CLIENT_HEADER];
  return typeof value === 'string' && value.trim().toLowerCase() === WEB_CLIENT_VALUE;
}

/** The value of one cookie in a `Cookie` header (the first, when a name repeats). */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

export interface RefreshCookieOptions {
  secure: boolean;
  /** Seconds; absent for a browser-session cookie, 0 to delete it. */
  maxAge?: number;
}

export function refreshCookie(value: string, options: RefreshCookieOptions): string {
  const parts = [
    `${REFRESH_COOKIE}=${encodeURIComponent(value)}`,
    `Path=${REFRESH_COOKIE_PATH}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined)
    parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  return parts.join('; ');
}

interface TokenBody {
  refreshToken?: unknown;
  refreshExpiresIn?: unknown;
}

@Injectable()
export class WebSessionInterceptor implements NestInterceptor {
  private readonly secure: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    this.secure = config.http.appUrl.startsWith('https:');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!isWebClient(request)) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const role = this.reflector.get<WebSessionRole>(WEB_SESSION_ROLE, context.getHandler());

    if (role === 'end') {
      return next.handle().pipe(
        map((body: unknown) => {
          this.clear(reply);
          return body;
        }),
      );
    }
    if (role === 'refresh') this.useCookieAsBody(request);
    return next.handle().pipe(
      map((body: unknown) => this.moveTokenToCookie(reply, body)),
      catchError((error: unknown) => {
        // A refused refresh cookie is dead (spent, revoked or expired): stop sending it.
        if (role === 'refresh' && error instanceof AppException && error.status === 401) {
          this.clear(reply);
        }
        return throwError(() => error);
      }),
    );
  }

  /** Runs before validation: the cookie stands in for the body's `refreshToken`. */
  private useCookieAsBody(request: FastifyRequest): void {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body === 'object' && body !== null && body.refreshToken !== undefined) return;
    const token = readCookie(request.headers.cookie, REFRESH_COOKIE);
    if (!token) throw new AppException('unauthorized', 'No web session: sign in first');
    request.body = { ...body, refreshToken: token };
  }

  private moveTokenToCookie(reply: FastifyReply, body: unknown): unknown {
    const tokens = body as TokenBody | undefined;
    if (!tokens || typeof tokens.refreshToken !== 'string') return body;
    const { refreshToken, ...rest } = tokens;
    const lifetime = typeof tokens.refreshExpiresIn === 'number' ? tokens.refreshExpiresIn : 0;
    // A lifetime past the plain TTL means "remember me": only then does the cookie outlive the
    // browser session.
    const remembered = lifetime > this.config.auth.refreshTokenTtlSeconds;
    void reply.header(
      'set-cookie',
      refreshCookie(refreshToken, {
        secure: this.secure,
        maxAge: remembered ? lifetime : undefined,
      }),
    );
    return rest;
  }

  private clear(reply: FastifyReply): void {
    void reply.header('set-cookie', refreshCookie('', { secure: this.secure, maxAge: 0 }));
  }
}

const MODE_DESCRIPTION =
  'Web-session mode (the service’s own pages): send `web` and the refresh token travels as the ' +
  `HttpOnly, SameSite=Strict cookie \`${REFRESH_COOKIE}\` (path \`${REFRESH_COOKIE_PATH}\`, ` +
  'Secure when APP_URL is https) instead of the JSON body.';

const ROLE_DESCRIPTION: Record<WebSessionRole, string> = {
  issue: `${MODE_DESCRIPTION} The response sets the cookie and leaves \`refreshToken\` out.`,
  refresh:
    `${MODE_DESCRIPTION} The cookie replaces the body's \`refreshToken\` (body \`{}\`); the ` +
    'response sets the next cookie, and a refused one is cleared.',
  end: `${MODE_DESCRIPTION} The response clears the cookie.`,
};

/** Opts a route into web-session mode (see WEB_CLIENT_HEADER) and documents the header. */
export function WebSession(role: WebSessionRole) {
  return applyDecorators(
    SetMetadata(WEB_SESSION_ROLE, role),
    UseInterceptors(WebSessionInterceptor),
    ApiHeader({
      name: 'X-Gatehouse-Client',
      required: false,
      description: ROLE_DESCRIPTION[role],
      schema: { type: 'string', enum: [WEB_CLIENT_VALUE] },
    }),
  );
}
