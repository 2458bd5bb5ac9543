import { useCallback, useEffect, useState } from 'react';
import { api, call, Session } from '../../api/client';
import { describeError, toApiError } from '../../api/problem';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { ConfirmButton } from '../../ui/confirm';
import { Status } from '../../ui/form';
import { Loading, Section } from '../../ui/page';
import { formatDateTime } from '../../format';

/** A short, readable name for a browser from its user agent ("Chrome on Linux"). */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[ /]/)[0] || 'A client';
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  return system ? `${browser} on ${system}` : browser;
}

export function SessionsSection() {
  const session = useSession();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    call(api.GET('/api/v1/auth/sessions')).then(
      (list) => setSessions(list.items),
      (caught: unknown) => setError(describeError(toApiError(caught))),
    );
  }, []);
  useEffect(load, [load]);

  const revoke = async (target: Session) => {
    if (target.current) {
      await session.signOut();
      navigate('/sign-in');
      return;
    }
    await call(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id: target.id } } }));
    setNotice(`${deviceName(target.userAgent)} is signed out.`);
    load();
  };

  const everywhere = async () => {
    await call(api.POST('/api/v1/auth/logout-all'));
    session.forget();
    navigate('/sign-in');
  };

  return (
    <Section title="Where you are signed in" id="sessions">
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <Status message={notice} />
      {!sessions ? (
        !error && <Loading />
      ) : (
        <ul className="list">
          {sessions.map((item) => (
            <li key={item.id} className="list-row">
              <div>
                <strong>{deviceName(item.userAgent)}</strong>{' '}
                {item.current && <span className="badge ok">This device</span>}
                <p className="muted small">
                  {item.ip ?? 'Unknown address'} · signed in {formatDateTime(item.createdAt)} · last
                  active {formatDateTime(item.lastUsedAt)}
                </p>
              </div>
              <ConfirmButton
                label="Sign out"
                buttonLabel={`Sign out ${deviceName(item.userAgent)}${item.current ? ' (this device)' : ''}`}
                title={
                  item.current
                    ? 'Sign out of this device?'
                    : `Sign out ${deviceName(item.userAgent)}?`
                }
                confirmLabel="Sign out"
                pendingLabel="Signing out…"
                variant="secondary"
                onConfirm={() => revoke(item)}
              >
                <p>That browser will need to sign in again.</p>
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <ConfirmButton
          label="Sign out everywhere"
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          pendingLabel="Signing out…"
          onConfirm={everywhere}
        >
          <p>Every device, this one included, will need to sign in again.</p>
        </ConfirmButton>
      </div>
    </Section>
  );
}
