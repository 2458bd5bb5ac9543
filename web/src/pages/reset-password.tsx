import { useState } from 'react';
import { api, call } from '../api/client';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import { Button, Field, FormError, useSubmit } from '../ui/form';
import { Page } from '../ui/page';

export function ResetPasswordPage() {
  const { query } = useLocation();
  const session = useSession();
  const token = query.get('token');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const form = useSubmit({
    token_invalid:
      'This reset link is not valid, or it was already used or replaced by a newer one.',
    token_expired: 'This reset link has expired.',
  });
  if (!token) {
    return (
      <Page title="Choose a new password" narrow>
        <p>This page needs the link from your password-reset email.</p>
        <p>
          <Link to="/forgot-password">Ask for a reset link</Link>
        </p>
      </Page>
    );
  }
  if (done) {
    return (
      <Page title="Password changed" narrow>
        <div className="alert success" role="status">
          <p>Your new password is set, and every device that was signed in has been signed out.</p>
        </div>
        <p>
          <Link className="button primary" to="/sign-in">
            Sign in
          </Link>
        </p>
      </Page>
    );
  }
  const linkProblem = form.error?.code === 'token_invalid' || form.error?.code === 'token_expired';
  return (
    <Page title="Choose a new password" narrow>
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          await call(
            api.POST('/api/v1/auth/password/reset', { body: { token, newPassword: password } }),
          );
          // Every session ended, this browser's too.
          session.forget();
          setDone(true);
        })}
      >
        <FormError state={form}>
          {linkProblem && <Link to="/forgot-password">Ask for a new link</Link>}
        </FormError>
        <Field
          state={form}
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Button type="submit" className="block" pending={form.pending} pendingLabel="Saving…">
          Set new password
        </Button>
      </form>
    </Page>
  );
}
