import { Logger } from '@nestjs/common';
import type { BaseClient, TokenSet, UserinfoResponse } from 'openid-client';
import {
  AuthorizationRequest,
  CallbackInput,
  isVerifiedFlag,
  normalizeProviderEmail,
  OAuthFlowError,
  OAuthProvider,
  ProviderIdentity,
} from './oauth-provider';

type OpenIdClient = typeof import('openid-client');
let openIdClient: Promise<OpenIdClient> | undefined;
/** Loaded on first use: most installations configure no OIDC provider (start-up time). */
const loadOpenIdClient = () => (openIdClient ??= import('openid-client'));

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

function nameFrom(claims: Record<string, unknown>): string | null {
  const name = claims.name;
  if (typeof name === 'string' && name.trim()) return name;
  const parts = [claims.given_name, claims.family_name].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  if (parts.length > 0) return parts.join(' ');
  return typeof claims.preferred_username === 'string' ? claims.preferred_username : null;
}

/**
 * Any OpenID Connect provider (Google included) through openid-client: discovery, the
 * authorization code flow with PKCE (S256), and ID-token validation (signature, iss, aud,
 * exp, nonce). The email comes from the ID token, or from userinfo when it has none.
 */
export class OidcProvider implements OAuthProvider {
  private readonly logger: Logger;
  private client: Promise<BaseClient> | null = null;

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly settings: OidcSettings,
    private readonly redirectUri: string,
  ) {
    this.logger = new Logger(`OAuth:${id}`);
  }

  /** Discovered once, on first use; a failed discovery is retried by the next request. */
  private discover(): Promise<BaseClient> {
    this.client ??= loadOpenIdClient()
      .then(({ Issuer }) => Issuer.discover(this.settings.issuer))
      .then(
        (issuer) =>
          new issuer.Client({
            client_id: this.settings.clientId,
            client_secret: this.settings.clientSecret,
            redirect_uris: [this.redirectUri],
            response_types: ['code'],
          }),
        (error: Error) => {
          this.client = null;
          this.logger.error(`Discovery of ${this.settings.issuer} failed: ${error.message}`);
          throw new OAuthFlowError('server_error', 'The provider is unavailable');
        },
      );
    return this.client;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const client = await this.discover();
    return client.authorizationUrl({
      scope: 'openid email profile',
      redirect_uri: this.redirectUri,
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async identify(input: CallbackInput): Promise<ProviderIdentity> {
    const client = await this.discover();
    const { errors } = await loadOpenIdClient();
    let tokenSet: TokenSet;
    try {
      tokenSet = await client.callback(this.redirectUri, input.params, {
        response_type: 'code',
        state: input.state,
        nonce: input.nonce,
        code_verifier: input.codeVerifier,
      });
    } catch (error) {
      throw this.translate(error, errors);
    }
    const claims = tokenSet.claims() as Record<string, unknown> & { sub: string };
    let email: unknown = claims.email;
    let emailVerified: unknown = claims.email_verified;
    let name = nameFrom(claims);
    if (email === undefined && tokenSet.access_token) {
      let info: UserinfoResponse;
      try {
        // openid-client checks that userinfo's `sub` is the ID token's.
        info = await client.userinfo(tokenSet);
      } catch (error) {
        throw this.translate(error, errors);
      }
      email = info.email;
      emailVerified = info.email_verified;
      name ??= nameFrom(info);
    }
    return {
      subject: claims.sub,
      email: normalizeProviderEmail(email),
      emailVerified: isVerifiedFlag(emailVerified),
      name,
    };
  }

  private translate(error: unknown, errors: OpenIdClient['errors']): OAuthFlowError {
    if (error instanceof OAuthFlowError) return error;
    if (error instanceof errors.RPError) {
      // The answer failed validation (nonce, signature, issuer, audience, expiry…).
      this.logger.warn(`Rejected the provider's answer: ${error.message}`);
      return new OAuthFlowError('invalid_request', 'The provider’s answer is not valid');
    }
    if (error instanceof errors.OPError) {
      const status = error.response?.statusCode ?? 400;
      this.logger.warn(`The provider refused: ${error.error ?? error.message}`);
      return status >= 500
        ? new OAuthFlowError('server_error', 'The provider failed')
        : new OAuthFlowError('invalid_request', 'The provider refused the code');
    }
    this.logger.error(`Talking to the provider failed: ${(error as Error).message}`);
    return new OAuthFlowError('server_error', 'The provider is unavailable');
  }
}
