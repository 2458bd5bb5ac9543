import { FastifyRequest } from 'fastify';

/** Who is calling: a signed-in user (access token) or, later, an organization's API key. */
export interface UserPrincipal {
  type: 'user';
  userId: string;
  sessionId: string;
  /** The verified access-token claims. */
  claims: AccessTokenClaims;
}

/** An organization's API key, acting for its organization with its scopes. */
export interface ApiKeyPrincipal {
  type: 'api_key';
  keyId: string;
  organizationId: string;
  name: string;
  prefix: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

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
