import { useState } from 'react';
import { api, call } from '../api/client';
import { Link } from '../router';
import { Button, Field, FormError, useSubmit } from '../ui/form';
import { Page } from '../ui/page';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useSubmit();
  if (sentTo) {
    return (
      <Page title="Check your email" narrow>
        <div className="alert success" role="status">
          <p>
            If <strong>{sentTo}</strong> belongs to an account, we have sent it a link to choose a
            new password. The link works once, for a short time.
          </p>
        </div>
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page
      title="Forgot your password?"
      lead="Enter your email address and we will send you a link to choose a new one."
      narrow
    >
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          await call(api.POST('/api/v1/auth/password/forgot', { body: { email: email.trim() } }));
          setSentTo(email.trim());
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Button type="submit" className="block" pending={form.pending} pendingLabel="Sending…">
          Send reset link
        </Button>
      </form>
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </Page>
  );
}
