import { useCallback, useEffect, useState } from 'react';
import { api, call, Invitation, Member, Organization } from '../../api/client';
import { ApiError, describeError, toApiError } from '../../api/problem';
import { formatDate } from '../../format';
import { Link, navigate } from '../../router';
import { atLeast, useSession, useUser } from '../../session';
import { ConfirmButton } from '../../ui/confirm';
import { Button, Field, FormError, SelectField, Status, useSubmit } from '../../ui/form';
import { Loading, Page, Section } from '../../ui/page';
import { roleName } from './organizations-page';

function Settings({
  organization,
  onSaved,
}: {
  organization: Organization;
  onSaved: (o: Organization) => void;
}) {
  const [name, setName] = useState(organization.name);
  const [slug, setSlug] = useState(organization.slug);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit();
  return (
    <Section title="Settings">
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          setSaved(null);
          onSaved(
            await call(
              api.PATCH('/api/v1/organizations/{orgId}', {
                params: { path: { orgId: organization.id } },
                body: { name: name.trim(), slug: slug.trim() },
              }),
            ),
          );
          setSaved('Saved.');
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="name"
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          state={form}
          name="slug"
          label="Short name in addresses"
          required
          value={slug}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(e) => setSlug(e.target.value)}
        />
        <Status message={saved} />
        <Button type="submit" pending={form.pending} pendingLabel="Saving…">
          Save
        </Button>
      </form>
    </Section>
  );
}

function Members({
  organization,
  members,
  reload,
}: {
  organization: Organization;
  members: Member[];
  reload: () => void;
}) {
  const user = useUser();
  const canManage = atLeast(organization.role, 'admin');
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSubmit();
  const changeRole = (member: Member, role: 'member' | 'admin') =>
    form.run(async () => {
      setNotice(null);
      await call(
        api.PATCH('/api/v1/organizations/{orgId}/members/{userId}', {
          params: { path: { orgId: organization.id, userId: member.userId } },
          body: { role },
        }),
      );
      setNotice(`${member.name} is now ${roleName(role).toLowerCase()}.`);
      reload();
    });
  return (
    <Section title="Members" wide>
      <FormError state={form} />
      <Status message={notice} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Members of {organization.name}</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {canManage && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const self = member.userId === user.id;
              const editable = canManage && !self && member.role !== 'owner';
              return (
                <tr key={member.userId}>
                  <td>
                    <strong>{member.name}</strong>
                    {self && ' (you)'}
                    <div className="muted small">
                      {member.email} · @{member.username}
                    </div>
                  </td>
                  <td>
                    {editable ? (
                      <>
                        <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
                          Role of {member.name}
                        </label>
                        <select
                          id={`role-${member.userId}`}
                          value={member.role}
                          aria-busy={form.pending || undefined}
                          onChange={(e) =>
                            void changeRole(member, e.target.value as 'member' | 'admin')
                          }
                        >
                          <option value="member">Member</option>
                          <option value="admin">Admin</option>
                        </select>
                      </>
                    ) : (
                      roleName(member.role)
                    )}
                  </td>
                  <td>{formatDate(member.joinedAt)}</td>
                  {canManage && (
                    <td className="cell-actions">
                      {editable && (
                        <ConfirmButton
                          label="Remove"
                          buttonLabel={`Remove ${member.name}`}
                          title={`Remove ${member.name}?`}
                          confirmLabel="Remove"
                          pendingLabel="Removing…"
                          onConfirm={async () => {
                            await call(
                              api.DELETE('/api/v1/organizations/{orgId}/members/{userId}', {
                                params: { path: { orgId: organization.id, userId: member.userId } },
                              }),
                            );
                            setNotice(`${member.name} was removed.`);
                            reload();
                          }}
                        >
                          <p>
                            {member.name} loses access to {organization.name} at once.
                          </p>
                        </ConfirmButton>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Invitations({ organization }: { organization: Organization }) {
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [notice, setNotice] = useState<string | null>(null);
  const form = useSubmit();
  const load = useCallback(() => {
    call(
      api.GET('/api/v1/organizations/{orgId}/invitations', {
        params: { path: { orgId: organization.id } },
      }),
    ).then(
      (list) => setInvitations(list.items),
      () => setInvitations([]),
    );
  }, [organization.id]);
  useEffect(load, [load]);
  return (
    <Section title="Invitations">
      <form
        ref={form.formRef}
        noValidate
        className="inline-form"
        onSubmit={form.handle(async () => {
          setNotice(null);
          const sent = await call(
            api.POST('/api/v1/organizations/{orgId}/invitations', {
              params: { path: { orgId: organization.id } },
              body: { email: email.trim(), role },
            }),
          );
          setEmail('');
          setNotice(`Invitation sent to ${sent.email}.`);
          load();
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="email"
          label="Email address"
          type="email"
          required
          value={email}
          autoComplete="off"
          onChange={(e) => setEmail(e.target.value)}
        />
        <SelectField
          state={form}
          name="role"
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value as 'member' | 'admin')}
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </SelectField>
        <Button type="submit" pending={form.pending} pendingLabel="Sending…">
          Send invitation
        </Button>
      </form>
      <Status message={notice} />
      {!invitations ? (
        <Loading />
      ) : invitations.length === 0 ? (
        <p className="muted">No open invitations.</p>
      ) : (
        <ul className="list">
          {invitations.map((invitation) => (
            <li key={invitation.id} className="list-row">
              <div>
                <strong>{invitation.email}</strong>{' '}
                <span className={`badge ${invitation.status === 'pending' ? '' : 'warn'}`}>
                  {invitation.status === 'pending' ? 'Pending' : 'Expired'}
                </span>
                <p className="muted small">
                  {roleName(invitation.role)} · sent {formatDate(invitation.createdAt)} · expires{' '}
                  {formatDate(invitation.expiresAt)}
                </p>
              </div>
              <ConfirmButton
                label="Revoke"
                buttonLabel={`Revoke the invitation to ${invitation.email}`}
                title={`Revoke the invitation to ${invitation.email}?`}
                confirmLabel="Revoke"
                pendingLabel="Revoking…"
                onConfirm={async () => {
                  await call(
                    api.DELETE('/api/v1/organizations/{orgId}/invitations/{id}', {
                      params: { path: { orgId: organization.id, id: invitation.id } },
                    }),
                  );
                  setNotice(`The invitation to ${invitation.email} is revoked.`);
                  load();
                }}
              >
                <p>The link in the email stops working.</p>
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function DangerZone({
  organization,
  members,
  reload,
}: {
  organization: Organization;
  members: Member[];
  reload: () => void;
}) {
  const user = useUser();
  const { reloadUser } = useSession();
  const [newOwner, setNewOwner] = useState('');
  const owner = organization.role === 'owner';
  const others = members.filter((m) => m.userId !== user.id);
  const leaveOrDelete = async (action: 'leave' | 'delete') => {
    if (action === 'leave') {
      await call(
        api.POST('/api/v1/organizations/{orgId}/leave', {
          params: { path: { orgId: organization.id } },
        }),
      );
    } else {
      await call(
        api.DELETE('/api/v1/organizations/{orgId}', {
          params: { path: { orgId: organization.id } },
        }),
      );
    }
    await reloadUser();
    navigate('/organizations');
  };
  return (
    <Section title={owner ? 'Ownership and deletion' : 'Leave'}>
      <div className="danger-zone">
        {owner && others.length > 0 && (
          <div className="stack">
            <SelectField
              name="newOwner"
              label="Hand this organization to"
              value={newOwner}
              onChange={(e) => setNewOwner(e.target.value)}
            >
              <option value="">Choose a member…</option>
              {others.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name} ({m.email})
                </option>
              ))}
            </SelectField>
            {newOwner ? (
              <ConfirmButton
                label="Transfer ownership"
                title="Transfer ownership?"
                confirmLabel="Transfer"
                pendingLabel="Transferring…"
                onConfirm={async () => {
                  await call(
                    api.POST('/api/v1/organizations/{orgId}/transfer-ownership', {
                      params: { path: { orgId: organization.id } },
                      body: { userId: newOwner },
                    }),
                  );
                  await reloadUser();
                  reload();
                }}
              >
                <p>
                  {others.find((m) => m.userId === newOwner)?.name} becomes the owner with full
                  control, and you become an admin.
                </p>
              </ConfirmButton>
            ) : (
              <p className="muted small">Choose a member to transfer ownership to.</p>
            )}
          </div>
        )}
        <div className="actions">
          {!owner && (
            <ConfirmButton
              label="Leave organization"
              title={`Leave ${organization.name}?`}
              confirmLabel="Leave"
              pendingLabel="Leaving…"
              onConfirm={() => leaveOrDelete('leave')}
            >
              <p>You lose access until someone invites you again.</p>
            </ConfirmButton>
          )}
          {owner && (
            <ConfirmButton
              label="Delete organization"
              title={`Delete ${organization.name}?`}
              confirmLabel="Delete for good"
              pendingLabel="Deleting…"
              onConfirm={() => leaveOrDelete('delete')}
            >
              <p>
                This deletes {organization.name}, its memberships, invitations and API keys. It
                cannot be undone.
              </p>
            </ConfirmButton>
          )}
        </div>
      </div>
    </Section>
  );
}

export function OrganizationPage({ organizationId }: { organizationId: string }) {
  const [organization, setOrganization] = useState<Organization | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    const orgId = organizationId;
    Promise.all([
      call(api.GET('/api/v1/organizations/{orgId}', { params: { path: { orgId } } })),
      call(
        api.GET('/api/v1/organizations/{orgId}/members', {
          params: { path: { orgId }, query: { limit: 200 } },
        }),
      ),
    ]).then(
      ([loaded, list]) => {
        setOrganization(loaded);
        setMembers(list.items);
      },
      (error: unknown) => setFailure(toApiError(error)),
    );
  }, [organizationId]);
  useEffect(load, [load]);

  if (failure) {
    return (
      <Page title="Organization">
        <p className="alert error" role="alert">
          {describeError(failure)}
        </p>
        <p>
          <Link to="/organizations">Back to organizations</Link>
        </p>
      </Page>
    );
  }
  if (!organization || !members) return <Loading />;
  const admin = atLeast(organization.role, 'admin');
  return (
    <Page
      title={organization.name}
      lead={
        <>
          Your role: <strong>{roleName(organization.role)}</strong> · plan{' '}
          {organization.subscriptionTier}
        </>
      }
    >
      <div className="grid">
        <Members organization={organization} members={members} reload={load} />
        {admin && <Invitations organization={organization} />}
        {admin && <Settings organization={organization} onSaved={setOrganization} />}
        <DangerZone organization={organization} members={members} reload={load} />
      </div>
    </Page>
  );
}
