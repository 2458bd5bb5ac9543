/** Why a social sign-in failed, as the callback reports it: `?error=<code>`. */
export type OAuthErrorCode =
  'access_denied' | 'state_mismatch' | 'email_not_verified' | 'invalid_request' | 'server_error';

/** A failure the callback turns into a redirect with `?error=<code>`. */
export class OAuthFlowError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who the provider says signed in. */
export interface ProviderIdentity {
  /** The provider's stable account id. */
  subject: string;
  /** Lower-cased; null when the provider gave none. */
  email: string | null;
  /** Only `true` when the provider vouches for the email. */
  emailVerified: boolean;
  name: string | null;
}

export interface AuthorizationRequest {
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface CallbackInput {
  /** The callback's query parameters, as the provider sent them. */
  params: Record<string, string>;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** One configured provider: where to send the browser, and how to read its answer. */
export interface OAuthProvider {
  readonly id: string;
  readonly name: string;
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /** Exchanges the code (with the PKCE verifier) and validates what comes back. */
  identify(input: CallbackInput): Promise<ProviderIdentity>;
}

/** A provider's email, normalized as ours are; null when it is not a plausible address. */
export function normalizeProviderEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/** Providers send `true`, and a few the string "true". */
export function isVerifiedFlag(value: unknown): boolean {
  return value === true || value === 'true';
}
