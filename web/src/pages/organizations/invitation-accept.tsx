import { useState } from 'react';
import { api, call, Organization } from '../../api/client';
import { Link, navigate, useLocation } from '../../router';
import { useSession } from '../../session';
import { Button, FormError, useSubmit } from '../../ui/form';
import { Loading, Page } from '../../ui/page';

/** The emailed invitation link: sign in (or sign up) first, then accept. */
export function InvitationAcceptPage() {
  const { query, href } = useLocation();
  const session = useSession();
  const token = query.get('token');
  const [joined, setJoined] = useState<Organization | null>(null);
  const form = useSubmit({
    forbidden:
      'This invitation was sent to a different email address. Sign in with the address that received it (and confirm it).',
    token_invalid: 'This invitation is not valid any more: it was used, declined or withdrawn.',
    token_expired: 'This invitation has expired. Ask for a new one.',
  });

  if (!token) {
    return (
      <Page title="Invitation" narrow>
        <p>This page needs the link from your invitation email.</p>
      </Page>
    );
  }
  if (session.state.status === 'loading') return <Loading />;
  if (!session.user) {
    const next = encodeURIComponent(href);
    return (
      <Page title="You are invited" narrow>
        <p>
          You have been invited to join an organization on Gatehouse. Sign in to accept, or create
          an account with the email address the invitation was sent to.
        </p>
        <div className="actions">
          <Link className="button primary" to={`/sign-in?next=${next}`}>
            Sign in to accept
          </Link>
          <Link className="button secondary" to={`/sign-up?next=${next}`}>
            Create an account
          </Link>
        </div>
      </Page>
    );
  }
  if (joined) {
    return (
      <Page title={`Welcome to ${joined.name}`} narrow>
        <div className="alert success" role="status">
          <p>You are now a member of {joined.name}.</p>
        </div>
        <p>
          <Link className="button primary" to={`/organizations/${joined.id}`}>
            Open {joined.name}
          </Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Accept the invitation" narrow>
      <p>
        You are signed in as <strong>{session.user.email}</strong>.
      </p>
      <form
        ref={form.formRef}
        onSubmit={form.handle(async () => {
          const organization = await call(
            api.POST('/api/v1/invitations/accept', { body: { token } }),
          );
          const user = await session.reloadUser();
          if (!user.activeOrganizationId) {
            session.setUser(
              await call(
                api.PUT('/api/v1/users/me/active-organization', {
                  body: { organizationId: organization.id },
                }),
              ),
            );
          }
          setJoined(organization);
        })}
      >
        <FormError state={form} />
        <div className="actions">
          <Button type="submit" pending={form.pending} pendingLabel="Joining…">
            Accept invitation
          </Button>
          <Button
            variant="secondary"
            onClick={() =>
              void session
                .signOut()
                .finally(() => navigate(`/sign-in?next=${encodeURIComponent(href)}`))
            }
          >
            Use another account
          </Button>
        </div>
      </form>
    </Page>
  );
}
