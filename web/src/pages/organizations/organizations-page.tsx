import { useCallback, useEffect, useState } from 'react';
import { api, call, Invitation, Organization } from '../../api/client';
import { describeError, toApiError } from '../../api/problem';
import { Link, navigate } from '../../router';
import { useSession, useUser } from '../../session';
import { Button, Field, FormError, Status, useSubmit } from '../../ui/form';
import { Loading, Page, Section } from '../../ui/page';

const ROLE_NAMES = { owner: 'Owner', admin: 'Admin', member: 'Member' } as const;

export function roleName(role: keyof typeof ROLE_NAMES | null): string {
  return role ? ROLE_NAMES[role] : 'No role';
}

function CreateOrganization({ onCreated }: { onCreated: (organization: Organization) => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const form = useSubmit();
  return (
    <Section title="Create an organization">
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          const created = await call(
            api.POST('/api/v1/organizations', {
              body: { name: name.trim(), ...(slug.trim() ? { slug: slug.trim() } : {}) },
            }),
          );
          setName('');
          setSlug('');
          onCreated(created);
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="name"
          label="Name"
          required
          value={name}
          autoComplete="organization"
          onChange={(event) => setName(event.target.value)}
        />
        <Field
          state={form}
          name="slug"
          label="Short name in addresses (optional)"
          value={slug}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(event) => setSlug(event.target.value)}
          hint="Made from the name when left empty."
        />
        <Button type="submit" pending={form.pending} pendingLabel="Creating…">
          Create organization
        </Button>
      </form>
    </Section>
  );
}

function MyInvitations({ onAccepted }: { onAccepted: () => void }) {
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSubmit();
  const load = useCallback(() => {
    call(api.GET('/api/v1/invitations')).then(
      (list) => setInvitations(list.items),
      () => setInvitations([]),
    );
  }, []);
  useEffect(load, [load]);
  if (!invitations || invitations.length === 0) return null;
  return (
    <Section title="Invitations for you">
      <FormError state={form} />
      <Status message={notice} />
      <ul className="list">
        {invitations.map((invitation) => (
          <li key={invitation.id} className="list-row">
            <div>
              <strong>{invitation.organization.name}</strong>
              <p className="muted small">as {roleName(invitation.role)}</p>
            </div>
            <div className="actions">
              <Button
                onClick={() =>
                  void form.run(async () => {
                    await call(
                      api.POST('/api/v1/invitations/{id}/accept', {
                        params: { path: { id: invitation.id } },
                      }),
                    );
                    setNotice(`You joined ${invitation.organization.name}.`);
                    load();
                    onAccepted();
                  })
                }
              >
                Accept
              </Button>
              <Button
                variant="secondary"
                onClick={() =>
                  void form.run(async () => {
                    await call(
                      api.POST('/api/v1/invitations/{id}/decline', {
                        params: { path: { id: invitation.id } },
                      }),
                    );
                    setNotice(`You declined the invitation to ${invitation.organization.name}.`);
                    load();
                  })
                }
              >
                Decline
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function OrganizationsPage() {
  const user = useUser();
  const { setUser, reloadUser } = useSession();
  const [organizations, setOrganizations] = useState<Organization[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const switcher = useSubmit();

  const load = useCallback(() => {
    call(api.GET('/api/v1/organizations', { params: { query: { limit: 200 } } })).then(
      (list) => setOrganizations(list.items),
      (caught: unknown) => setError(describeError(toApiError(caught))),
    );
  }, []);
  useEffect(load, [load]);

  const makeActive = (organization: Organization) =>
    switcher.run(async () => {
      setUser(
        await call(
          api.PUT('/api/v1/users/me/active-organization', {
            body: { organizationId: organization.id },
          }),
        ),
      );
      setNotice(`${organization.name} is now your active organization.`);
    });

  return (
    <Page title="Organizations">
      <div className="grid">
        <Section title="Your organizations">
          {error && (
            <p className="alert error" role="alert">
              {error}
            </p>
          )}
          <FormError state={switcher} />
          <Status message={notice} />
          {!organizations ? (
            !error && <Loading />
          ) : organizations.length === 0 ? (
            <p>You are not in any organization yet. Create one, or ask to be invited.</p>
          ) : (
            <ul className="list">
              {organizations.map((organization) => {
                const active = organization.id === user.activeOrganizationId;
                return (
                  <li key={organization.id} className="list-row">
                    <div>
                      <Link to={`/organizations/${organization.id}`}>
                        <strong>{organization.name}</strong>
                      </Link>{' '}
                      {active && <span className="badge ok">Active</span>}
                      <p className="muted small">
                        {organization.slug} · {roleName(organization.role)}
                      </p>
                    </div>
                    {!active && (
                      <Button
                        variant="secondary"
                        aria-label={`Make ${organization.name} active`}
                        onClick={() => void makeActive(organization)}
                      >
                        Make active
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </Section>
        <CreateOrganization
          onCreated={(created) =>
            void (async () => {
              if (!user.activeOrganizationId) {
                setUser(
                  await call(
                    api.PUT('/api/v1/users/me/active-organization', {
                      body: { organizationId: created.id },
                    }),
                  ),
                );
              } else {
                await reloadUser();
              }
              navigate(`/organizations/${created.id}`);
            })()
          }
        />
        <MyInvitations
          onAccepted={() => {
            load();
            void reloadUser();
          }}
        />
      </div>
    </Page>
  );
}
