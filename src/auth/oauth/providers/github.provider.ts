import { Logger } from '@nestjs/common';
import {
  AuthorizationRequest,
  CallbackInput,
  normalizeProviderEmail,
  OAuthFlowError,
  OAuthProvider,
  ProviderIdentity,
} from './oauth-provider';

export interface GithubSettings {
  clientId: string;
  clientSecret: string;
  /** `https://github.com`: authorize and token endpoints. */
  baseUrl: string;
  /** `https://api.github.com`: `/user` and `/user/emails`. */
  apiUrl: string;
}

const TIMEOUT_MS = 10_000;

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's OAuth app flow (not OpenID Connect): no ID token, so identity comes from the API
 * — the numeric user id as subject, and the primary email with GitHub's verified flag.
 */
export class GithubProvider implements OAuthProvider {
  readonly id = 'github';
  readonly name = 'GitHub';
  private readonly logger = new Logger('OAuth:github');

  constructor(
    private readonly settings: GithubSettings,
    private readonly redirectUri: string,
  ) {}

  authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const url = new URL(`${this.settings.baseUrl}/login/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: this.settings.clientId,
      redirect_uri: this.redirectUri,
      scope: 'read:user user:email',
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    return Promise.resolve(url.toString());
  }

  async identify(input: CallbackInput): Promise<ProviderIdentity> {
    const code = input.params.code;
    if (!code) throw new OAuthFlowError('invalid_request', 'The provider sent no code');
    const token = await this.call<{ access_token?: string; error?: string }>(
      `${this.settings.baseUrl}/login/oauth/access_token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret,
          code,
          redirect_uri: this.redirectUri,
          code_verifier: input.codeVerifier,
        }).toString(),
      },
    );
    // GitHub answers a bad code with 200 and an `error` field.
    if (!token.access_token) {
      this.logger.warn(`The provider refused the code: ${token.error ?? 'no access_token'}`);
      throw new OAuthFlowError('invalid_request', 'The provider refused the code');
    }
    const auth = { authorization: `Bearer ${token.access_token}` };
    const user = await this.call<GithubUser>(`${this.settings.apiUrl}/user`, { headers: auth });
    const emails = await this.call<GithubEmail[]>(`${this.settings.apiUrl}/user/emails`, {
      headers: auth,
    });
    if (typeof user.id !== 'number' || !Array.isArray(emails)) {
      throw new OAuthFlowError('server_error', 'The provider’s answer is not understood');
    }
    const primary = emails.find((entry) => entry.primary) ?? null;
    return {
      subject: String(user.id),
      email: normalizeProviderEmail(primary?.email),
      emailVerified: primary?.verified === true,
      name: user.name || user.login || null,
    };
  }

  private async call<T>(url: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: {
          accept: 'application/json',
          'user-agent': 'Gatehouse',
          'x-github-api-version': '2022-11-28',
          ...init.headers,
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.error(`Talking to the provider failed: ${(error as Error).message}`);
      throw new OAuthFlowError('server_error', 'The provider is unavailable');
    }
    if (!response.ok) {
      this.logger.warn(`The provider answered ${response.status} for ${new URL(url).pathname}`);
      throw new OAuthFlowError(
        response.status >= 500 ? 'server_error' : 'access_denied',
        'The provider refused the request',
      );
    }
    try {
      return (await response.json()) as T;
    } catch {
      throw new OAuthFlowError('server_error', 'The provider’s answer is not understood');
    }
  }
}
