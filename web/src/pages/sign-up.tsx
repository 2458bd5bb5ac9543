import { useState } from 'react';
import { api, call } from '../api/client';
import { Link, navigate, safeNext, useLocation } from '../router';
import { useSession } from '../session';
import { Button, Field, FormError, useSubmit } from '../ui/form';
import { Page } from '../ui/page';
import { rememberNext } from './pending-next';

export function SignUpPage() {
  const session = useSession();
  const { query } = useLocation();
  const next = query.get('next');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useSubmit({
    email_taken: 'An account with this email address already exists.',
  });

  if (sentTo) {
    return (
      <Page title="Check your email" narrow>
        <div className="alert success" role="status">
          <p>
            We sent a confirmation link to <strong>{sentTo}</strong>. Open it to finish creating
            your account, then sign in.
          </p>
        </div>
        <p className="muted">
          Nothing there? Check your spam folder, or <Link to="/sign-in">sign in</Link> to ask for a
          new link.
        </p>
      </Page>
    );
  }

  return (
    <Page title="Create your account" narrow>
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          const body = await call(
            api.POST('/api/v1/auth/signup', {
              body: { name: name.trim(), email: email.trim(), password },
            }),
          );
          if ('accessToken' in body) {
            session.signedIn(body);
            navigate(safeNext(next), { replace: true });
            return;
          }
          // The confirmation link may open in another tab: keep where the person was heading.
          if (next) rememberNext(safeNext(next));
          setSentTo(body.email);
        })}
      >
        <FormError state={form}>
          {form.error?.code === 'email_taken' && <Link to="/sign-in">Sign in instead</Link>}
        </FormError>
        <Field
          state={form}
          name="name"
          label="Name"
          autoComplete="name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <Field
          state={form}
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          autoCapitalize="none"
          spellCheck={false}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          state={form}
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint="Pick a long phrase that is not used anywhere else."
        />
        <Button
          type="submit"
          className="block"
          pending={form.pending}
          pendingLabel="Creating account…"
        >
          Create account
        </Button>
      </form>
      <p className="muted">
        Already have an account?{' '}
        <Link to={`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</Link>
      </p>
    </Page>
  );
}
