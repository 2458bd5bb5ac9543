import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, AuditEvent, call } from '../api/client';
import { describeError, toApiError } from '../api/problem';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { atLeast, roleIn, useUser } from '../session';
import { Button, Field, SelectField } from '../ui/form';
import { Loading, Page, Section } from '../ui/page';

const PAGE_SIZE = 50;

/** Names for the ids in events: members (and the reader) by name, other things by kind. */
type Names = Map<string, string>;

function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : '';
}

function describeActor(event: AuditEvent, names: Names): string {
  if (event.actorType === 'system') return 'The system';
  if (event.actorType === 'api_key') return `API key ${shortId(event.actorId)}`;
  return (event.actorId && names.get(event.actorId)) ?? `Former member ${shortId(event.actorId)}`;
}

function describeTarget(event: AuditEvent, names: Names): string {
  if (!event.targetType) return '—';
  const named = event.targetId ? names.get(event.targetId) : undefined;
  return named ?? `${event.targetType.replace(/_/g, ' ')} ${shortId(event.targetId)}`;
}

export function AuditLogPage() {
  const user = useUser();
  const orgId = user.activeOrganizationId;
  const membership = user.memberships.find((m) => m.organizationId === orgId);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [actorType, setActorType] = useState('');
  const [since, setSince] = useState('');
  const [names, setNames] = useState<Names>(new Map());

  useEffect(() => {
    if (!orgId) return;
    call(
      api.GET('/api/v1/organizations/{orgId}/members', {
        params: { path: { orgId }, query: { limit: 200 } },
      }),
    ).then(
      (list) =>
        setNames(
          new Map(
            list.items.map((m) => [m.userId, m.userId === user.id ? `${m.name} (you)` : m.name]),
          ),
        ),
      () => undefined,
    );
  }, [orgId, user.id]);

  const loadPage = useCallback(
    (after: string | null) => {
      if (!orgId) return;
      setLoading(true);
      call(
        api.GET('/api/v1/organizations/{orgId}/audit-events', {
          params: {
            path: { orgId },
            query: { limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) },
          },
        }),
      )
        .then(
          (page) => {
            setEvents((previous) => (after ? [...previous, ...page.items] : page.items));
            setCursor(page.nextCursor);
            setLoaded(true);
          },
          (caught: unknown) => setError(describeError(toApiError(caught))),
        )
        .finally(() => setLoading(false));
    },
    [orgId],
  );
  useEffect(() => loadPage(null), [loadPage]);

  const actions = useMemo(() => [...new Set(events.map((e) => e.action))].sort(), [events]);
  const shown = events.filter(
    (event) =>
      (!action || event.action === action) &&
      (!actorType || event.actorType === actorType) &&
      (!since || event.createdAt >= new Date(`${since}T00:00:00`).toISOString()),
  );

  if (!orgId || !membership) {
    return (
      <Page title="Audit log">
        <p>
          Choose an active organization first: <Link to="/organizations">Organizations</Link>.
        </p>
      </Page>
    );
  }
  if (!atLeast(roleIn(user, orgId), 'admin')) {
    return (
      <Page title="Audit log">
        <p>Only the admins and the owner of {membership.name} can read its audit log.</p>
      </Page>
    );
  }
  return (
    <Page
      title="Audit log"
      lead={
        <>
          Who did what in <strong>{membership.name}</strong>, newest first.
        </>
      }
    >
      <Section title="Filters">
        <div className="inline-form" role="search" aria-label="Filter events">
          <SelectField
            name="action"
            label="Action"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          >
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </SelectField>
          <SelectField
            name="actorType"
            label="Done by"
            value={actorType}
            onChange={(e) => setActorType(e.target.value)}
          >
            <option value="">Anyone</option>
            <option value="user">People</option>
            <option value="api_key">API keys</option>
            <option value="system">The system</option>
          </SelectField>
          <Field
            name="since"
            label="Since"
            type="date"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <p className="muted small" role="status">
          {loaded ? `${shown.length} of ${events.length} loaded events shown.` : ''}
        </p>
      </Section>
      <Section title="Events">
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        {!loaded ? (
          !error && <Loading />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">By</th>
                  <th scope="col">Target</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((event) => (
                  <tr key={event.id}>
                    <td>{formatDateTime(event.createdAt)}</td>
                    <td>
                      <code>{event.action}</code>
                    </td>
                    <td>{describeActor(event, names)}</td>
                    <td>{describeTarget(event, names)}</td>
                    <td>{event.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && (
          <Button
            variant="secondary"
            pending={loading}
            pendingLabel="Loading…"
            onClick={() => loadPage(cursor)}
          >
            Load older events
          </Button>
        )}
      </Section>
    </Page>
  );
}
