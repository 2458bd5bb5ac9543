import { Fragment, ReactNode, useEffect } from 'react';
import { Layout } from './layout';
import { AccountPage } from './pages/account/account-page';
import { ApiKeysPage } from './pages/api-keys/api-keys-page';
import { AuditLogPage } from './pages/audit-log';
import { ForgotPasswordPage } from './pages/forgot-password';
import { NotFoundPage } from './pages/not-found';
import { OAuthCallbackPage } from './pages/oauth-callback';
import { InvitationAcceptPage } from './pages/organizations/invitation-accept';
import { OrganizationPage } from './pages/organizations/organization-page';
import { OrganizationsPage } from './pages/organizations/organizations-page';
import { ResetPasswordPage } from './pages/reset-password';
import { SignInPage } from './pages/sign-in';
import { SignUpPage } from './pages/sign-up';
import { VerifyEmailPage } from './pages/verify-email';
import { navigate, useLocation } from './router';
import { useSession } from './session';
import { Loading } from './ui/page';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Pages for signed-in people: others are sent to sign in, and come back afterwards. */
function RequireUser({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const { href } = useLocation();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'offline') {
    return (
      <div className="alert error" role="alert">
        <p>We could not reach Gatehouse. Check your connection and reload the page.</p>
      </div>
    );
  }
  if (state.status === 'anonymous') {
    return <Redirect to={`/sign-in?next=${encodeURIComponent(href)}`} />;
  }
  return <>{children}</>;
}

/** Sign-in and sign-up are for signed-out people; a signed-in one goes on. */
function GuestOnly({ children }: { children: ReactNode }) {
  const { state } = useSession();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'signed-in') return <Redirect to="/account" />;
  return <>{children}</>;
}

function route(path: string): ReactNode {
  const organization = /^\/organizations\/([0-9a-f-]{36})$/i.exec(path);
  if (organization) {
    return (
      <RequireUser>
        <OrganizationPage organizationId={organization[1]} />
      </RequireUser>
    );
  }
  switch (path) {
    case '/':
      return <HomeRedirect />;
    case '/sign-in':
      return (
        <GuestOnly>
          <SignInPage />
        </GuestOnly>
      );
    case '/sign-up':
      return (
        <GuestOnly>
          <SignUpPage />
        </GuestOnly>
      );
    case '/verify-email':
      return <VerifyEmailPage />;
    case '/forgot-password':
      return <ForgotPasswordPage />;
    case '/reset-password':
      return <ResetPasswordPage />;
    case '/oauth/callback':
      return <OAuthCallbackPage />;
    case '/invitations/accept':
      return <InvitationAcceptPage />;
    case '/account':
      return (
        <RequireUser>
          <AccountPage />
        </RequireUser>
      );
    case '/organizations':
      return (
        <RequireUser>
          <OrganizationsPage />
        </RequireUser>
      );
    case '/api-keys':
      return (
        <RequireUser>
          <ApiKeysPage />
        </RequireUser>
      );
    case '/audit-log':
      return (
        <RequireUser>
          <AuditLogPage />
        </RequireUser>
      );
    default:
      return <NotFoundPage />;
  }
}

function HomeRedirect() {
  const { state } = useSession();
  if (state.status === 'loading') return <Loading />;
  return <Redirect to={state.status === 'signed-in' ? '/account' : '/sign-in'} />;
}

export function App() {
  const { path } = useLocation();
  // Keyed by path: a new page starts fresh (its own state, its heading focused).
  return (
    <Layout>
      <Fragment key={path}>{route(path)}</Fragment>
    </Layout>
  );
}
