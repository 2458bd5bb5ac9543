import { FastifyRequest } from 'fastify';

/** Who is calling: a signed-in user (access token) or, later, an organization's API key. */
export interface UserPrincipal {
  type: 'user';
  userId: string;
  sessionId: string;
  /** The verified access-token claims. */
  claims: AccessTokenClaims;
}

export type Principal = UserPrincipal;

export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
