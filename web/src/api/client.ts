import createClient from 'openapi-fetch';
import { ApiError, networkError, toApiError } from './problem';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserResponseDto'];
export type TokenResponse = Schemas['TokenResponseDto'];
export type MfaChallenge = Schemas['MfaChallengeResponseDto'];
export type Profile = Schemas['ProfileResponseDto'];
export type Organization = Schemas['OrganizationResponseDto'];
export type Member = Schemas['MemberResponseDto'];
export type Invitation = Schemas['InvitationResponseDto'];
export type ApiKey = Schemas['ApiKeyResponseDto'];
export type ApiKeySecret = Schemas['ApiKeySecretResponseDto'];
export type AuditEvent = Schemas['AuditEventResponseDto'];
export type Session = Schemas['SessionResponseDto'];
export type Role = Member['role'];

/**
 * Web-session mode (see the README): with this header the API keeps the refresh token in an
 * HttpOnly cookie scoped to /api/v1/auth, and the access token lives only in this module.
 */
const WEB_CLIENT_HEADER = 'X-Gatehouse-Client';

let accessToken: string | null = null;
let onSessionChange: (tokens: TokenResponse | null) => void = () => undefined;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/** The session provider listens here for refreshes and for a session that ended. */
export function listenForSessionChanges(listener: (tokens: TokenResponse | null) => void): void {
  onSessionChange = listener;
}

// Credentials are exchanged at these routes: a 401 from them is an answer, not an expired token.
const NO_RETRY =
  /\/api\/v1\/auth\/(login|login\/mfa|signup|refresh|oauth\/exchange|logout(-all)?)$/;

async function isExpiredToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  try {
    const body = (await response.clone().json()) as { code?: string };
    return body.code === 'unauthorized';
  } catch {
    return false;
  }
}

/** Sends with the current access token; on an expired one, refreshes once and retries. */
async function sessionFetch(request: Request): Promise<Response> {
  const retryable = accessToken !== null && !NO_RETRY.test(new URL(request.url).pathname);
  const retry = retryable ? request.clone() : null;
  const response = await fetch(request);
  if (!retry || !(await isExpiredToken(response))) return response;
  const refreshed = await refreshSession();
  if (!refreshed) return response;
  retry.headers.set('Authorization', `Bearer ${refreshed.accessToken}`);
  return fetch(retry);
}

export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: sessionFetch });

api.use({
  onRequest({ request }) {
    request.headers.set(WEB_CLIENT_HEADER, 'web');
    if (accessToken && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
    }
    return request;
  },
});

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful call, or an ApiError with the problem details. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (error) {
    throw error instanceof ApiError ? error : networkError();
  }
  if (result.error !== undefined || !result.response.ok) {
    throw toApiError(result.error, result.response);
  }
  return result.data as T;
}

// A hint, not a credential: whether this browser may hold a refresh cookie (the cookie itself
// is HttpOnly). Without it a page load skips the refresh call that could only answer 401.
const SESSION_HINT = 'gatehouse:session';

export function setSessionHint(present: boolean): void {
  try {
    if (present) localStorage.setItem(SESSION_HINT, '1');
    else localStorage.removeItem(SESSION_HINT);
  } catch {
    // Storage off: every load asks the API instead.
  }
}

export function hasSessionHint(): boolean {
  try {
    return localStorage.getItem(SESSION_HINT) !== null;
  } catch {
    return true;
  }
}

let refreshing: Promise<TokenResponse | null> | null = null;

async function spendRefreshCookie(): Promise<TokenResponse | null> {
  try {
    // The cookie stands in for the body's refreshToken (web-session mode).
    const tokens = await call(
      api.POST('/api/v1/auth/refresh', { body: {} }),
    );
    setAccessToken(tokens.accessToken);
    setSessionHint(true);
    return tokens;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    setAccessToken(null);
    setSessionHint(false);
    return null;
  }
}

/**
 * Rotates the refresh cookie for a new access token: one request at a time in this tab, and,
 * through the Web Locks API, across tabs (two tabs spending one cookie would look like reuse).
 */
export function refreshSession(): Promise<TokenResponse | null> {
  refreshing ??= (async () => {
    try {
      const tokens = navigator.locks
        ? await navigator.locks.request('gatehouse-refresh', spendRefreshCookie)
        : await spendRefreshCookie();
      onSessionChange(tokens);
      return tokens;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
