import { useEffect, useState } from 'react';
import { api, call, MfaChallenge, Schemas, TokenResponse } from '../api/client';
import { Link, navigate, safeNext, useLocation } from '../router';
import { useSession } from '../session';
import { Button, Field, FormError, Status, useSubmit } from '../ui/form';
import { Page } from '../ui/page';

type Provider = Schemas['OAuthProviderResponseDto'];

function isChallenge(body: TokenResponse | MfaChallenge): body is MfaChallenge {
  return 'mfaRequired' in body && body.mfaRequired === true;
}

export function SocialButtons({ rememberMe }: { rememberMe: boolean }) {
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    call(api.GET('/api/v1/auth/oauth/providers')).then(
      (list) => setProviders(list.items),
      () => setProviders([]),
    );
  }, []);
  if (providers.length === 0) return null;
  return (
    <div className="social">
      <p className="divider">
        <span>or</span>
      </p>
      <ul className="stack">
        {providers.map((provider) => (
          <li key={provider.id}>
            {/* A full navigation: the provider's page, then back to /oauth/callback. */}
            <a
              className="button secondary block"
              href={`/api/v1/auth/oauth/${encodeURIComponent(provider.id)}/start${rememberMe ? '?rememberMe=true' : ''}`}
            >
              Continue with {provider.name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The second step of a sign-in with 2FA on: a TOTP code or a recovery code. */
export function MfaStep({
  mfaToken,
  onDone,
  onCancel,
}: {
  mfaToken: string;
  onDone: (tokens: TokenResponse) => void;
  onCancel: () => void;
}) {
  const form = useSubmit(
    {
      invalid_credentials:
        'That code did not work. Codes change every 30 seconds: try the current one.',
      token_invalid: 'This sign-in took too long. Please start again.',
      token_expired: 'This sign-in took too long. Please start again.',
    },
    { focusOnError: 'code' },
  );
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  return (
    <form
      ref={form.formRef}
      noValidate
      onSubmit={form.handle(async () => {
        onDone(
          await call(api.POST('/api/v1/auth/login/mfa', { body: { mfaToken, code: code.trim() } })),
        );
      })}
    >
      <p>
        {recovery
          ? 'Enter one of the recovery codes you saved when you turned on two-step verification. Each works once.'
          : 'Open your authenticator app and enter the 6-digit code for Gatehouse.'}
      </p>
      <FormError state={form} />
      <Field
        state={form}
        name="code"
        label={recovery ? 'Recovery code' : 'Authentication code'}
        autoComplete="one-time-code"
        inputMode={recovery ? 'text' : 'numeric'}
        autoFocus
        required
        value={code}
        onChange={(event) => setCode(event.target.value)}
      />
      <div className="actions">
        <Button type="submit" pending={form.pending} pendingLabel="Checking…">
          Verify
        </Button>
        <Button variant="link" onClick={() => setRecovery(!recovery)}>
          {recovery ? 'Use an authenticator code' : 'Use a recovery code'}
        </Button>
        <Button variant="link" onClick={onCancel}>
          Start over
        </Button>
      </div>
    </form>
  );
}

export function SignInPage() {
  const session = useSession();
  const { query } = useLocation();
  const next = safeNext(query.get('next'));
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [rememberMe, setRememberMe] = useState(false);
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [resent, setResent] = useState<string | null>(null);
  const form = useSubmit({
    invalid_credentials: 'The email, username or password is not right.',
  });

  const done = (tokens: TokenResponse) => {
    session.signedIn(tokens);
    navigate(next, { replace: true });
  };

  const resend = async () => {
    await call(
      api.POST('/api/v1/auth/verify-email/resend', { body: { email: identifier.trim() } }),
    );
    setResent(`If ${identifier.trim()} has an account, a new confirmation link is on its way.`);
  };

  return (
    <Page title={mfaToken ? 'Two-step verification' : 'Sign in'} narrow>
      {mfaToken ? (
        <MfaStep
          mfaToken={mfaToken}
          onDone={done}
          onCancel={() => {
            setMfaToken(null);
            setPassword('');
          }}
        />
      ) : (
        <>
          <form
            ref={form.formRef}
            noValidate
            onSubmit={form.handle(async () => {
              setResent(null);
              const body = await call(
                api.POST('/api/v1/auth/login', {
                  body: { identifier: identifier.trim(), password, rememberMe },
                }),
              );
              if (isChallenge(body)) setMfaToken(body.mfaToken);
              else done(body);
            })}
          >
            <FormError state={form}>
              {form.error?.code === 'email_not_verified' && identifier.includes('@') && (
                <Button variant="link" onClick={() => void resend()}>
                  Send the confirmation link again
                </Button>
              )}
            </FormError>
            <Status message={resent} />
            <Field
              state={form}
              name="identifier"
              label="Email or username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={identifier}
              onChange={(event) => setIdentifier(event.target.value)}
            />
            <Field
              state={form}
              name="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <Field
              name="rememberMe"
              label="Remember me on this device"
              type="checkbox"
              checked={rememberMe}
              onChange={(event) => setRememberMe(event.target.checked)}
            />
            <Button
              type="submit"
              className="block"
              pending={form.pending}
              pendingLabel="Signing in…"
            >
              Sign in
            </Button>
          </form>
          <p>
            <Link to="/forgot-password">Forgot your password?</Link>
          </p>
          <SocialButtons rememberMe={rememberMe} />
          <p className="muted">
            New here?{' '}
            <Link to={`/sign-up${query.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
              Create an account
            </Link>
          </p>
        </>
      )}
    </Page>
  );
}
