import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { GithubProvider } from './providers/github.provider';
import { OAuthProvider } from './providers/oauth-provider';
import { OidcProvider } from './providers/oidc.provider';

/** The configured providers, in the order they are offered; others do not exist. */
@Injectable()
export class OAuthProviders {
  private readonly providers = new Map<string, OAuthProvider>();

  constructor(config: AppConfig) {
    const { google, github, oidc } = config.oauth;
    // Redirect URIs come from APP_URL (registered with the provider), never from the request.
    const callback = (id: string) => `${config.http.appUrl}/api/v1/auth/oauth/${id}/callback`;
    if (google) {
      this.add(new OidcProvider('google', 'Google', google, callback('google')));
    }
    if (github) this.add(new GithubProvider(github, callback('github')));
    for (const provider of oidc) {
      this.add(new OidcProvider(provider.id, provider.name, provider, callback(provider.id)));
    }
  }

  private add(provider: OAuthProvider): void {
    this.providers.set(provider.id, provider);
  }

  list(): OAuthProvider[] {
    return [...this.providers.values()];
  }

  find(id: string): OAuthProvider | null {
    return this.providers.get(id) ?? null;
  }
}
