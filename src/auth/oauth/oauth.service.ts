import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { randomToken, tokenDigest } from '../../common/crypto/tokens';
import { AppException } from '../../common/errors/app.exception';
import { ClientInfo } from '../../common/http/request-context';
import { AppConfig } from '../../config/app-config';
import { UsersService } from '../../users/users.service';
import { AuthService } from '../auth.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { MfaChallengeResponseDto } from '../mfa/dto/mfa-challenge-response.dto';
import { MfaService } from '../mfa/mfa.service';
import { IdentitiesService } from './identities.service';
import { OAuthFlows } from './oauth-flows';
import { OAuthProviders } from './oauth-providers';
import { OAuthRepository } from './oauth.repository';
import { OAuthErrorCode, OAuthFlowError, OAuthProvider } from './providers/oauth-provider';

const EXCHANGE_CODE_LIFETIME_MS = 60 * 1000;

/** Provider `error` values passed on as they are; anything else is the provider's failure. */
const PROVIDER_ERRORS: Record<string, OAuthErrorCode> = {
  access_denied: 'access_denied',
  invalid_request: 'invalid_request',
  temporarily_unavailable: 'server_error',
  server_error: 'server_error',
};

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The browser's round trip to a provider: start (state, nonce, PKCE), callback (checks,
 * identity, a one-time code on OAUTH_SUCCESS_REDIRECT), and the exchange of that code.
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger(OAuthService.name);

  constructor(
    private readonly providers: OAuthProviders,
    private readonly flows: OAuthFlows,
    private readonly identities: IdentitiesService,
    private readonly exchangeCodes: OAuthRepository,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
    private readonly config: AppConfig,
  ) {}

  listProviders(): Array<{ id: string; name: string }> {
    return this.providers.list().map(({ id, name }) => ({ id, name }));
  }

  private provider(id: string): OAuthProvider {
    const provider = this.providers.find(id);
    if (!provider) throw new AppException('not_found', 'No such sign-in provider');
    return provider;
  }

  /** OAUTH_SUCCESS_REDIRECT with `?code=` or `?error=`. */
  redirectWith(params: { code: string } | { error: OAuthErrorCode }): string {
    const url = new URL(this.config.oauth.successRedirect);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /**
   * Where to send the browser, and the id of the flow its cookie must carry back (null
   * when the provider cannot be reached: the browser goes back with `?error=`).
   */
  async start(
    providerId: string,
    rememberMe: boolean,
  ): Promise<{ location: string; flowId: string | null }> {
    const provider = this.provider(providerId);
    const state = randomToken();
    const nonce = randomToken();
    // PKCE (RFC 7636): 43 URL-safe characters, sent to the provider as their S256 digest.
    const codeVerifier = randomToken();
    let location: string;
    try {
      location = await provider.authorizationUrl({
        state,
        nonce,
        codeChallenge: tokenDigest(codeVerifier).toString('base64url'),
      });
    } catch (error) {
      if (!(error instanceof OAuthFlowError)) throw error;
      return { location: this.redirectWith({ error: error.code }), flowId: null };
    }
    const flowId = await this.flows.save({
      provider: provider.id,
      state,
      nonce,
      codeVerifier,
      rememberMe,
    });
    return { location, flowId };
  }

  /** Always a redirect to OAUTH_SUCCESS_REDIRECT: with a one-time code, or with an error. */
  async callback(
    providerId: string,
    params: Record<string, string>,
    flowId: string | null,
    client: ClientInfo,
  ): Promise<string> {
    try {
      const provider = this.provider(providerId);
      const flow = flowId ? await this.flows.take(flowId) : null;
      if (!flow || flow.provider !== provider.id || !sameString(params.state ?? '', flow.state)) {
        throw new OAuthFlowError('state_mismatch', 'The sign-in did not start in this browser');
      }
      if (params.error) {
        throw new OAuthFlowError(
          PROVIDER_ERRORS[params.error] ?? 'server_error',
          `The provider answered ${params.error}`,
        );
      }
      if (!params.code) throw new OAuthFlowError('invalid_request', 'The provider sent no code');
      const identity = await provider.identify({
        params,
        state: flow.state,
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
      });
      const user = await this.identities.resolve(provider.id, identity, client);
      const code = randomToken();
      await this.exchangeCodes.addExchangeCode({
        userId: user.id,
        codeDigest: tokenDigest(code),
        provider: provider.id,
        rememberMe: flow.rememberMe,
        expiresAt: new Date(Date.now() + EXCHANGE_CODE_LIFETIME_MS),
      });
      return this.redirectWith({ code });
    } catch (error) {
      if (error instanceof OAuthFlowError) {
        this.logger.log(
          `Social sign-in with ${providerId} failed: ${error.code} (${error.message})`,
        );
        return this.redirectWith({ error: error.code });
      }
      if (error instanceof AppException && error.code === 'not_found') {
        return this.redirectWith({ error: 'invalid_request' });
      }
      this.logger.error(`Social sign-in with ${providerId} failed: ${(error as Error).message}`);
      return this.redirectWith({ error: 'server_error' });
    }
  }

  /** The callback's code for the token response (or, with 2FA on, the 2FA challenge). */
  async exchange(
    code: string,
    client: ClientInfo,
  ): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    const found = await this.exchangeCodes.findExchangeCode(tokenDigest(code));
    if (!found || found.consumedAt) {
      throw new AppException('token_invalid', 'The code is not valid', { status: 401 });
    }
    if (found.expiresAt.getTime() <= Date.now()) {
      throw new AppException('token_expired', 'The code has expired', { status: 401 });
    }
    if (!(await this.exchangeCodes.consumeExchangeCode(found.id))) {
      throw new AppException('token_invalid', 'The code is not valid', { status: 401 });
    }
    const user = await this.users.findById(found.userId);
    if (!user || !user.isActive) {
      throw new AppException('unauthorized', 'This account is deactivated', { status: 401 });
    }
    const method = `oauth:${found.provider}`;
    if (await this.mfa.isEnabled(user.id)) {
      return this.mfa.challenge(user, { rememberMe: found.rememberMe, method });
    }
    return this.auth.completeSignIn(user, { rememberMe: found.rememberMe, client, method });
  }
}
