import { Inject, Injectable } from '@nestjs/common';
import { randomToken } from '../../common/crypto/tokens';
import { SharedState } from '../../common/shared-state/shared-state';

export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

/** What the start of a sign-in leaves for its callback; never sent to the browser. */
export interface OAuthFlow {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  rememberMe: boolean;
}

/**
 * Sign-ins in progress, in the shared state (any instance may receive the callback), under
 * a random id that only the browser's cookie holds. Each is taken at most once.
 */
@Injectable()
export class OAuthFlows {
  constructor(@Inject(SharedState) private readonly state: SharedState) {}

  async save(flow: OAuthFlow): Promise<string> {
    const id = randomToken();
    await this.state.set(`oauth-flow:${id}`, JSON.stringify(flow), FLOW_LIFETIME_MS);
    return id;
  }

  /** The flow, once: a second callback with the same cookie finds nothing. */
  async take(id: string): Promise<OAuthFlow | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const key = `oauth-flow:${id}`;
    const stored = await this.state.get(key);
    if (stored === null) return null;
    if (!(await this.state.setIfAbsent(`oauth-flow-taken:${id}`, '1', FLOW_LIFETIME_MS))) {
      return null;
    }
    await this.state.delete(key);
    return JSON.parse(stored) as OAuthFlow;
  }
}
