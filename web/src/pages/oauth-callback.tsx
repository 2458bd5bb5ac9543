import { useEffect, useState } from 'react';
import { api, call, TokenResponse } from '../api/client';
import { ApiError, describeError, toApiError } from '../api/problem';
import { once } from '../once';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { Loading, Page } from '../ui/page';
import { MfaStep } from './sign-in';

const PROVIDER_ERRORS: Record<string, string> = {
  access_denied: 'The sign-in was cancelled at the provider.',
  state_mismatch: 'That sign-in came back in a different browser session. Please try again.',
  email_not_verified:
    'Your provider has not confirmed your email address, so we cannot use it to sign you in.',
};

/** Where social sign-in lands (OAUTH_SUCCESS_REDIRECT): a one-time code for the tokens. */
export function OAuthCallbackPage() {
  const { query } = useLocation();
  const session = useSession();
  const code = query.get('code');
  const providerError = query.get('error');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const done = (tokens: TokenResponse) => {
    session.signedIn(tokens);
    navigate('/account', { replace: true });
  };

  useEffect(() => {
    if (!code) return;
    once(`oauth:${code}`, () =>
      call(api.POST('/api/v1/auth/oauth/exchange', { body: { code } })),
    ).then(
      (body) =>
        'mfaRequired' in body && body.mfaRequired
          ? setMfaToken(body.mfaToken)
          : done(body as TokenResponse),
      (error: unknown) => setFailure(toApiError(error)),
    );
  }, [code]);

  if (providerError || failure || !code) {
    const message = providerError
      ? (PROVIDER_ERRORS[providerError] ??
        'The sign-in with your provider did not work. Please try again.')
      : failure
        ? describeError(failure, {
            token_invalid: 'This sign-in link was already used or has expired. Please try again.',
          })
        : 'This page is only used when coming back from a sign-in provider.';
    return (
      <Page title="Sign-in did not finish" narrow>
        <div className="alert error" role="alert">
          <p>{message}</p>
        </div>
        <p>
          <Link className="button primary" to="/sign-in">
            Back to sign in
          </Link>
        </p>
      </Page>
    );
  }
  if (mfaToken) {
    return (
      <Page title="Two-step verification" narrow>
        <MfaStep mfaToken={mfaToken} onDone={done} onCancel={() => navigate('/sign-in')} />
      </Page>
    );
  }
  return (
    <Page title="Signing you in" narrow>
      <Loading label="Finishing your sign-in…" />
    </Page>
  );
}
