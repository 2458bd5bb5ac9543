import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader } from '@nestjs/swagger';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** Before validation, on `refresh` routes: the cookie stands in for the body's `refreshToken`. */
@Injectable()
export class WebSessionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const role = this.reflector.get<WebSessionRole>(WEB_SESSION_ROLE, context.getHandler());
    if (role !== 'refresh' || !isWebClient(request)) return true;
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body === 'object' && body !== null && body.refreshToken !== undefined) return true;
    const token = readCookie(request.headers.cookie, REFRESH_COOKIE);
    if (!token) throw new AppException('unauthorized', 'No web session: sign in first');
    request.body = { ...body, refreshToken: token };
    return true;
  }
}

/**
 * The answer's side of web-session mode, as an `onSend` hook on the web-session routes only
 * (a Nest interceptor would wrap every call of those routes, web or not, in rxjs and async
 * resources: ~10% of a refresh). Sets the refresh cookie and takes the token out of the body,
 * clears the cookie on sign-out and when a refresh is refused.
 */
export function registerWebSessionHooks(fastify: FastifyInstance, config: AppConfig): void {
  const secure = config.http.appUrl.startsWith('https:');
  const clear = (reply: FastifyReply) =>
    reply.header('set-cookie', refreshCookie('', { secure, maxAge: 0 }));

  const moveTokenToCookie = (reply: FastifyReply, payload: string): string => {
    const tokens = JSON.parse(payload) as TokenBody;
    if (typeof tokens.refreshToken !== 'string') return payload;
    const { refreshToken, ...rest } = tokens;
    const lifetime = typeof tokens.refreshExpiresIn === 'number' ? tokens.refreshExpiresIn : 0;
    // A lifetime past the plain TTL means "remember me": only then does the cookie outlive the
    // browser session.
    const remembered = lifetime > config.auth.refreshTokenTtlSeconds;
    void reply.header(
      'set-cookie',
      refreshCookie(refreshToken, { secure, maxAge: remembered ? lifetime : undefined }),
    );
    return JSON.stringify(rest);
  };

  const onSend = (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: null, payload: unknown) => void,
  ): void => {
    if (!isWebClient(request)) return done(null, payload);
    const role = (request.routeOptions.config as WebSessionRouteConfig).webSession;
    const status = reply.statusCode;
    if (role === 'end') {
      if (status < 400) void clear(reply);
    } else if (status >= 200 && status < 300 && typeof payload === 'string') {
      return done(null, moveTokenToCookie(reply, payload));
    } else if (role === 'refresh' && status === 401) {
      // A refused refresh cookie is dead (spent, revoked or expired): stop sending it.
      void clear(reply);
    }
    done(null, payload);
  };

  fastify.addHook('onRoute', (route) => {
    if (!(route.config as WebSessionRouteConfig | undefined)?.webSession) return;
    const own = route.onSend ? [route.onSend].flat() : [];
    route.onSend = [...own, onSend] as typeof route.onSend;
  });
}

interface WebSessionRouteConfig {
  webSession?: WebSessionRole;
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
    RouteConfig({ webSession: role } satisfies WebSessionRouteConfig),
    UseGuards(WebSessionGuard),
    ApiHeader({
      name: 'X-Gatehouse-Client',
      required: false,
      description: ROLE_DESCRIPTION[role],
      schema: { type: 'string', enum: [WEB_CLIENT_VALUE] },
    }),
  );
}
