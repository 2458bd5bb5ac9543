import { useEffect, useState } from 'react';
import { api, call } from '../api/client';
import { ApiError, describeError, toApiError } from '../api/problem';
import { once } from '../once';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import { Button, Field, FormError, Status, useSubmit } from '../ui/form';
import { Loading, Page } from '../ui/page';
import { takeNext } from './pending-next';

function ResendForm() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const form = useSubmit();
  return (
    <form
      ref={form.formRef}
      noValidate
      onSubmit={form.handle(async () => {
        await call(api.POST('/api/v1/auth/verify-email/resend', { body: { email: email.trim() } }));
        setSent(
          `If ${email.trim()} has an account waiting for confirmation, a new link is on its way.`,
        );
      })}
    >
      <FormError state={form} />
      <Status message={sent} />
      <Field
        state={form}
        name="email"
        label="Your email address"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <Button type="submit" pending={form.pending} pendingLabel="Sending…">
        Send a new link
      </Button>
    </form>
  );
}

export function VerifyEmailPage() {
  const { query } = useLocation();
  const { user } = useSession();
  const token = query.get('token');
  const [outcome, setOutcome] = useState<'pending' | 'verified' | ApiError>('pending');
  const [next] = useState(() => takeNext());

  useEffect(() => {
    if (!token) return;
    once(`verify:${token}`, () =>
      call(api.POST('/api/v1/auth/verify-email', { body: { token } })),
    ).then(
      () => setOutcome('verified'),
      (error: unknown) => setOutcome(toApiError(error)),
    );
  }, [token]);

  if (!token) {
    return (
      <Page title="Confirm your email" narrow>
        <p>This page needs the link from your confirmation email. Ask for a new one:</p>
        <ResendForm />
      </Page>
    );
  }
  if (outcome === 'pending') {
    return (
      <Page title="Confirming your email" narrow>
        <Loading label="Confirming your email address…" />
      </Page>
    );
  }
  if (outcome === 'verified') {
    const continueTo = next ?? '/account';
    return (
      <Page title="Email confirmed" narrow>
        <div className="alert success" role="status">
          <p>Thank you: your email address is confirmed.</p>
        </div>
        <p>
          {user ? (
            <Link className="button primary" to={continueTo}>
              Continue
            </Link>
          ) : (
            <Link className="button primary" to={`/sign-in?next=${encodeURIComponent(continueTo)}`}>
              Sign in
            </Link>
          )}
        </p>
      </Page>
    );
  }
  if (outcome.code === 'token_expired') {
    return (
      <Page title="This link has expired" narrow>
        <div className="alert error" role="alert">
          <p>Confirmation links work for a limited time. We can send you a fresh one.</p>
        </div>
        <ResendForm />
      </Page>
    );
  }
  return (
    <Page title="This link cannot be used" narrow>
      <div className="alert error" role="alert">
        <p>
          {outcome.code === 'token_invalid'
            ? 'This confirmation link is not valid, or it was already used. If you already confirmed your address, just sign in.'
            : describeError(outcome)}
        </p>
      </div>
      <p>
        <Link className="button primary" to="/sign-in">
          Sign in
        </Link>
      </p>
      <details>
        <summary>Need a new confirmation link?</summary>
        <ResendForm />
      </details>
    </Page>
  );
}
