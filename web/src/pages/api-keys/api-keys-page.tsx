import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiKey, ApiKeySecret, call } from '../../api/client';
import { describeError, toApiError } from '../../api/problem';
import { formatDate, formatDateTime } from '../../format';
import { Link } from '../../router';
import { atLeast, roleIn, useUser } from '../../session';
import { ConfirmButton } from '../../ui/confirm';
import { Button, Field, FormError, SelectField, Status, useSubmit } from '../../ui/form';
import { Loading, Page, Section } from '../../ui/page';
import { UsageChart } from './usage-chart';

const KNOWN_SCOPES = [
  { scope: 'org:read', label: 'Read the organization (org:read)' },
  { scope: 'members:read', label: 'Read its members (members:read)' },
];

const GRACE_PERIODS = [
  { seconds: 0, label: 'Stop the old key now' },
  { seconds: 3600, label: 'Keep the old key working for 1 hour' },
  { seconds: 86400, label: 'Keep the old key working for 1 day' },
  { seconds: 604800, label: 'Keep the old key working for 7 days' },
];

const STATUS_NAMES: Record<ApiKey['status'], string> = {
  active: 'Active',
  rotating: 'Rotating out',
  expired: 'Expired',
  revoked: 'Revoked',
};

/** The only moment a secret is visible: copy it now. */
function SecretPanel({ secret, onDone }: { secret: ApiKeySecret; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Focus lands on the key itself (selected), so it is announced and ready to copy.
  useEffect(() => input.current?.focus(), [secret.id]);
  return (
    <div className="secret-panel" role="region" aria-labelledby="secret-heading">
      <h3 id="secret-heading">Your new key “{secret.name}”</h3>
      <p>
        <strong>Copy it now: you will not see it again.</strong> We keep only a fingerprint of it,
        so it cannot be shown later.
      </p>
      <div className="field">
        <label htmlFor="new-key">API key</label>
        <input
          id="new-key"
          ref={input}
          className="mono"
          readOnly
          value={secret.key}
          onFocus={(e) => e.target.select()}
          data-testid="new-api-key"
        />
      </div>
      <Status message={copied} />
      <div className="actions">
        <Button
          onClick={() => {
            navigator.clipboard.writeText(secret.key).then(
              () => setCopied('The key is copied to the clipboard.'),
              () => setCopied('Copying is not allowed here: select the key and copy it.'),
            );
          }}
        >
          Copy key
        </Button>
        <Button variant="secondary" onClick={onDone}>
          I have stored it
        </Button>
      </div>
    </div>
  );
}

function CreateKey({
  orgId,
  onCreated,
}: {
  orgId: string;
  onCreated: (secret: ApiKeySecret) => void;
}) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [otherScopes, setOtherScopes] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const form = useSubmit();
  return (
    <Section title="Create a key">
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          const extra = otherScopes.split(/[\s,]+/).filter(Boolean);
          const created = await call(
            api.POST('/api/v1/organizations/{orgId}/api-keys', {
              params: { path: { orgId } },
              body: {
                name: name.trim(),
                scopes: [...new Set([...scopes, ...extra])],
                // The end of the chosen day, in the reader's time zone.
                ...(expiresOn
                  ? { expiresAt: new Date(`${expiresOn}T23:59:59`).toISOString() }
                  : {}),
              },
            }),
          );
          setName('');
          setScopes([]);
          setOtherScopes('');
          setExpiresOn('');
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
          hint="Say where it is used, e.g. “CI deploys”."
          onChange={(e) => setName(e.target.value)}
        />
        <fieldset>
          <legend>Scopes</legend>
          {KNOWN_SCOPES.map(({ scope, label }) => (
            <Field
              key={scope}
              name={`scope-${scope}`}
              type="checkbox"
              label={label}
              checked={scopes.includes(scope)}
              onChange={(e) =>
                setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
              }
            />
          ))}
          <Field
            state={form}
            name="scopes"
            label="Other scopes (optional)"
            value={otherScopes}
            autoCapitalize="none"
            spellCheck={false}
            hint="Separated by spaces or commas, for your own services."
            onChange={(e) => setOtherScopes(e.target.value)}
          />
        </fieldset>
        <Field
          state={form}
          name="expiresAt"
          label="Expires on (optional)"
          type="date"
          value={expiresOn}
          onChange={(e) => setExpiresOn(e.target.value)}
          hint="Leave empty for a key that does not expire."
        />
        <Button type="submit" pending={form.pending} pendingLabel="Creating…">
          Create key
        </Button>
      </form>
    </Section>
  );
}

function KeyRow({
  apiKey,
  onRotated,
  onChanged,
}: {
  apiKey: ApiKey;
  onRotated: (secret: ApiKeySecret) => void;
  onChanged: (message: string) => void;
}) {
  const [showUsage, setShowUsage] = useState(false);
  const [grace, setGrace] = useState(0);
  const live = apiKey.status === 'active' || apiKey.status === 'rotating';
  const path = { orgId: apiKey.organizationId, id: apiKey.id };
  return (
    <li className="key">
      <div className="list-row">
        <div>
          <strong>{apiKey.name}</strong>{' '}
          <span
            className={`badge ${apiKey.status === 'active' ? 'ok' : apiKey.status === 'rotating' ? 'warn' : 'off'}`}
          >
            {STATUS_NAMES[apiKey.status]}
          </span>
          <p className="muted small">
            <code>{apiKey.prefix}…</code> ·{' '}
            {apiKey.scopes.length > 0 ? apiKey.scopes.join(', ') : 'no scopes'}
          </p>
          <p className="muted small">
            Created {formatDate(apiKey.createdAt)} · last used{' '}
            {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'never'}
            {apiKey.expiresAt && <> · expires {formatDate(apiKey.expiresAt)}</>}
            {apiKey.graceEndsAt && <> · old key stops {formatDateTime(apiKey.graceEndsAt)}</>}
          </p>
        </div>
        <div className="actions">
          <Button
            variant="secondary"
            aria-expanded={showUsage}
            aria-controls={`usage-${apiKey.id}`}
            aria-label={`Usage of ${apiKey.name}`}
            onClick={() => setShowUsage(!showUsage)}
          >
            {showUsage ? 'Hide usage' : 'Usage'}
          </Button>
          {apiKey.status === 'active' && (
            <ConfirmButton
              label="Rotate"
              buttonLabel={`Rotate ${apiKey.name}`}
              title={`Rotate “${apiKey.name}”?`}
              confirmLabel="Create the new key"
              pendingLabel="Rotating…"
              variant="primary"
              onConfirm={async () => {
                onRotated(
                  await call(
                    api.POST('/api/v1/organizations/{orgId}/api-keys/{id}/rotate', {
                      params: { path },
                      body: { expireOldInSeconds: grace },
                    }),
                  ),
                );
              }}
            >
              <p>A new key replaces this one. Give your services time to switch:</p>
              <SelectField
                name="grace"
                label="The old key"
                value={String(grace)}
                onChange={(e) => setGrace(Number(e.target.value))}
              >
                {GRACE_PERIODS.map((p) => (
                  <option key={p.seconds} value={p.seconds}>
                    {p.label}
                  </option>
                ))}
              </SelectField>
            </ConfirmButton>
          )}
          {live && (
            <ConfirmButton
              label="Revoke"
              buttonLabel={`Revoke ${apiKey.name}`}
              title={`Revoke “${apiKey.name}”?`}
              confirmLabel="Revoke key"
              pendingLabel="Revoking…"
              onConfirm={async () => {
                await call(
                  api.DELETE('/api/v1/organizations/{orgId}/api-keys/{id}', { params: { path } }),
                );
                onChanged(`“${apiKey.name}” is revoked: it stops working at once.`);
              }}
            >
              <p>
                Every service using this key is refused from the next request on. This cannot be
                undone.
              </p>
            </ConfirmButton>
          )}
        </div>
      </div>
      <div id={`usage-${apiKey.id}`}>{showUsage && <UsageChart apiKey={apiKey} />}</div>
    </li>
  );
}

export function ApiKeysPage() {
  const user = useUser();
  const orgId = user.activeOrganizationId;
  const membership = user.memberships.find((m) => m.organizationId === orgId);
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<ApiKeySecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    if (!orgId) return;
    call(
      api.GET('/api/v1/organizations/{orgId}/api-keys', {
        params: { path: { orgId }, query: { limit: 200 } },
      }),
    ).then(
      (list) => setKeys(list.items),
      (caught: unknown) => setError(describeError(toApiError(caught))),
    );
  }, [orgId]);
  useEffect(load, [load]);

  if (!orgId || !membership) {
    return (
      <Page title="API keys">
        <p>
          Choose an active organization first: <Link to="/organizations">Organizations</Link>.
        </p>
      </Page>
    );
  }
  if (!atLeast(roleIn(user, orgId), 'admin')) {
    return (
      <Page title="API keys">
        <p>Only the admins and the owner of {membership.name} manage its API keys.</p>
      </Page>
    );
  }
  return (
    <Page
      title="API keys"
      lead={
        <>
          Keys let your services call Gatehouse as <strong>{membership.name}</strong>.
        </>
      }
    >
      {secret && <SecretPanel secret={secret} onDone={() => setSecret(null)} />}
      <div className="grid">
        <Section title="Keys">
          {error && (
            <p className="alert error" role="alert">
              {error}
            </p>
          )}
          <Status message={notice} />
          {!keys ? (
            !error && <Loading />
          ) : keys.length === 0 ? (
            <p className="muted">No keys yet.</p>
          ) : (
            <ul className="list">
              {keys.map((key) => (
                <KeyRow
                  key={key.id}
                  apiKey={key}
                  onRotated={(rotated) => {
                    setSecret(rotated);
                    setNotice(null);
                    load();
                  }}
                  onChanged={(message) => {
                    setNotice(message);
                    load();
                  }}
                />
              ))}
            </ul>
          )}
        </Section>
        <CreateKey
          orgId={orgId}
          onCreated={(created) => {
            setSecret(created);
            setNotice(null);
            load();
          }}
        />
      </div>
    </Page>
  );
}
