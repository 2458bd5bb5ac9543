import { ReactNode, useState } from 'react';
import { api, call } from './api/client';
import { describeError, toApiError } from './api/problem';
import { Link, navigate, useLocation } from './router';
import { atLeast, roleIn, useSession } from './session';
import { Button } from './ui/form';

function OrganizationSwitcher() {
  const { user, setUser } = useSession();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!user || user.memberships.length === 0) return null;
  const change = async (organizationId: string) => {
    setPending(true);
    setError(null);
    try {
      setUser(
        await call(api.PUT('/api/v1/users/me/active-organization', { body: { organizationId } })),
      );
    } catch (caught) {
      setError(describeError(toApiError(caught)));
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="switcher">
      <label htmlFor="active-organization">Organization</label>
      <select
        id="active-organization"
        value={user.activeOrganizationId ?? ''}
        aria-busy={pending || undefined}
        onChange={(event) => void change(event.target.value)}
      >
        {!user.activeOrganizationId && <option value="">Choose…</option>}
        {user.memberships.map((m) => (
          <option key={m.organizationId} value={m.organizationId}>
            {m.name}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const { path } = useLocation();
  const current = path === to || (to !== '/' && path.startsWith(`${to}/`));
  return (
    <Link to={to} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { user } = session;
  const [signingOut, setSigningOut] = useState(false);
  const signOut = async () => {
    setSigningOut(true);
    try {
      await session.signOut();
    } catch {
      // Signed out locally all the same; the server session ends at its expiry at worst.
    } finally {
      setSigningOut(false);
      navigate('/sign-in');
    }
  };
  const isAdmin = user ? atLeast(roleIn(user, user.activeOrganizationId), 'admin') : false;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <svg aria-hidden="true" viewBox="0 0 32 32" width="24" height="24">
              <rect width="32" height="32" rx="7" fill="currentColor" />
              <path d="M9 26V13l7-6 7 6v13h-5v-7h-4v7z" fill="var(--bg)" />
            </svg>
            Gatehouse
          </Link>
          {user && (
            <nav aria-label="Main">
              <ul>
                <li>
                  <NavLink to="/account">Account</NavLink>
                </li>
                <li>
                  <NavLink to="/organizations">Organizations</NavLink>
                </li>
                {isAdmin && (
                  <>
                    <li>
                      <NavLink to="/api-keys">API keys</NavLink>
                    </li>
                    <li>
                      <NavLink to="/audit-log">Audit log</NavLink>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          )}
          {user && (
            <div className="topbar-end">
              <OrganizationSwitcher />
              <Button
                variant="secondary"
                pending={signingOut}
                pendingLabel="Signing out…"
                onClick={() => void signOut()}
              >
                Sign out
              </Button>
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
