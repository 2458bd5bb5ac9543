import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import {
  api,
  call,
  listenForSessionChanges,
  hasSessionHint,
  refreshSession,
  setAccessToken,
  setSessionHint,
  TokenResponse,
  User,
} from './api/client';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'offline' }
  | { status: 'signed-in'; user: User };

interface SessionApi {
  state: SessionState;
  user: User | null;
  /** After a successful sign-in: the access token stays in memory only. */
  signedIn(tokens: TokenResponse): void;
  signOut(): Promise<void>;
  /** Drops the session locally (it already ended on the server). */
  forget(): void;
  setUser(user: User): void;
  reloadUser(): Promise<User>;
}

const SessionContext = createContext<SessionApi | null>(null);

// Tells the other tabs of this browser that the session ended, so none keeps showing it.
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('gatehouse-session') : null;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    listenForSessionChanges((tokens) =>
      setState(tokens ? { status: 'signed-in', user: tokens.user } : { status: 'anonymous' }),
    );
    // A page load starts with no access token: the refresh cookie, if any, brings one.
    if (hasSessionHint()) refreshSession().catch(() => setState({ status: 'offline' }));
    else setState({ status: 'anonymous' });
    const onMessage = (event: MessageEvent) => {
      if (event.data === 'signed-out') {
        setAccessToken(null);
        setState({ status: 'anonymous' });
      }
    };
    channel?.addEventListener('message', onMessage);
    return () => channel?.removeEventListener('message', onMessage);
  }, []);

  const forget = useCallback(() => {
    setAccessToken(null);
    setSessionHint(false);
    setState({ status: 'anonymous' });
  }, []);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      user: state.status === 'signed-in' ? state.user : null,
      signedIn(tokens) {
        setAccessToken(tokens.accessToken);
        setSessionHint(true);
        setState({ status: 'signed-in', user: tokens.user });
      },
      async signOut() {
        try {
          await call(api.POST('/api/v1/auth/logout'));
        } finally {
          forget();
          channel?.postMessage('signed-out');
        }
      },
      forget,
      setUser(user) {
        setState({ status: 'signed-in', user });
      },
      async reloadUser() {
        const user = await call(api.GET('/api/v1/users/me'));
        setState({ status: 'signed-in', user });
        return user;
      },
    }),
    [state, forget],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only for pages behind RequireUser. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

/** The caller's role in an organization, from the user's memberships. */
export function roleIn(user: User, organizationId: string | null | undefined) {
  return user.memberships.find((m) => m.organizationId === organizationId)?.role ?? null;
}

export function atLeast(role: string | null, wanted: 'member' | 'admin' | 'owner'): boolean {
  const rank = { member: 1, admin: 2, owner: 3 } as const;
  return role !== null && (rank[role as keyof typeof rank] ?? 0) >= rank[wanted];
}
