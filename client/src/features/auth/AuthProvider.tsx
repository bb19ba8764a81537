import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { PublicUser } from '@hearth/protocol';
import { ApiError, apiRequest, setUnauthorizedHandler } from '../../realtime/api';
import {
  clearStoredSession,
  loginResultSchema,
  readStoredSession,
  sessionFromLogin,
  writeStoredSession,
  type AuthSession,
  type LoginResult,
} from './authStorage';
import { formatDuration } from './formatDuration';

/** Why a session ended; decides what the login page tells the user. */
export type SignOutReason =
  | { kind: 'user' }
  | { kind: 'idle'; idleMs: number }
  /** The server refused the session; `message` is its explanation when it gave one. */
  | { kind: 'expired'; message?: string };

export interface AuthContextValue {
  accessToken: string | null;
  user: PublicUser | null;
  /** True while a reloaded tab renews an expired access token; nothing protected renders meanwhile. */
  restoring: boolean;
  /** Why the last session ended, or null; cleared by the next sign-in. */
  signOutReason: SignOutReason | null;
  signIn(result: LoginResult): void;
  /** Forgets the tokens (memory and sessionStorage) and revokes the session on the server. Idempotent. */
  signOut(reason?: SignOutReason): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Renew the access token this long before it expires (background tabs run timers late). */
export const REFRESH_LEAD_MS = 2 * 60_000;
// setTimeout fires at once for delays above 2^31-1 ms.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Holds who is signed in. Keeps the access token fresh with the refresh token while the
 * tab is signed in; inactivity is the idle logout's business (useIdleLogout), not this one's.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<AuthSession | null>(() => readStoredSession());
  const [restoring, setRestoring] = useState(() => session !== null && session.expiresAt <= Date.now());
  const [signOutReason, setSignOutReason] = useState<SignOutReason | null>(null);
  // Read synchronously: sign-out and refresh triggers can fire in the same tick.
  const current = useRef<AuthSession | null>(session);
  const refreshing = useRef<Promise<boolean> | null>(null);

  const apply = useCallback((next: AuthSession) => {
    current.current = next;
    writeStoredSession(next);
    setSession(next);
  }, []);

  const signIn = useCallback(
    (result: LoginResult) => {
      setSignOutReason(null);
      setRestoring(false);
      apply(sessionFromLogin(result));
    },
    [apply],
  );

  const signOut = useCallback((reason: SignOutReason = { kind: 'user' }) => {
    const ending = current.current;
    clearStoredSession();
    current.current = null;
    setRestoring(false);
    setSession(null);
    if (!ending) return;
    // Only the first reason counts: a 401 racing an idle logout must not rewrite the message.
    setSignOutReason(reason);
    if (reason.kind !== 'expired') {
      // Best effort: the server also revokes sessions that go quiet.
      apiRequest('/api/auth/logout', { method: 'POST', token: ending.accessToken }).catch(() => undefined);
    }
  }, []);

  /** Renews the access token; resolves false (and signs out on refusal) when it cannot. */
  const refresh = useCallback((): Promise<boolean> => {
    if (refreshing.current) return refreshing.current;
    const from = current.current;
    if (!from) return Promise.resolve(false);
    if (!from.refreshToken) {
      // Nothing to renew with: a refused or expired token ends the session.
      signOut({ kind: 'expired' });
      return Promise.resolve(false);
    }
    const run = apiRequest<unknown>('/api/auth/refresh', { method: 'POST', body: { refreshToken: from.refreshToken } })
      .then((body) => {
        if (current.current !== from) return false; // signed out (or in again) meanwhile
        const parsed = loginResultSchema.safeParse(body);
        if (!parsed.success) throw new ApiError(200, 'bad_response', 'Please sign in again.');
        apply(sessionFromLogin(parsed.data));
        return true;
      })
      .catch((error: unknown) => {
        if (current.current !== from) return false;
        // Refused (idle too long, revoked, signed out elsewhere): the session is over.
        // Unreachable server: keep the session; the next timer or 401 tries again.
        const refused = error instanceof ApiError && error.status >= 400 && error.status < 500;
        if (refused || from.expiresAt <= Date.now()) {
          signOut({ kind: 'expired', message: error instanceof ApiError && refused ? error.message : undefined });
        }
        return false;
      })
      .finally(() => {
        refreshing.current = null;
        setRestoring(false);
      });
    refreshing.current = run;
    return run;
  }, [apply, signOut]);

  // A request was refused with our token: renew it if it is still the current one.
  useEffect(
    () =>
      setUnauthorizedHandler((failedToken) => {
        if (current.current?.accessToken === failedToken) void refresh();
      }),
    [refresh],
  );

  // Renew shortly before expiry (at once when a reloaded tab finds it already expired).
  useEffect(() => {
    if (!session) return;
    const ttl = session.expiresAt - Date.now();
    const lead = session.refreshToken ? Math.min(REFRESH_LEAD_MS, Math.max(0, ttl) / 2) : 0;
    const timer = setTimeout(() => void refresh(), Math.min(Math.max(0, ttl - lead), MAX_TIMER_MS));
    // A throttled background tab may be late: check again when it comes back.
    const onVisible = () => {
      if (document.visibilityState === 'visible' && session.expiresAt - Date.now() <= lead) void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [session, refresh]);

  const value = useMemo<AuthContextValue>(
    () => ({
      accessToken: session?.accessToken ?? null,
      user: session?.user ?? null,
      restoring,
      signOutReason,
      signIn,
      signOut,
    }),
    [session, restoring, signOutReason, signIn, signOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** What the login page says about the last sign-out, or null. */
export function signOutMessage(reason: SignOutReason | null): string | null {
  if (!reason) return null;
  switch (reason.kind) {
    case 'user':
      return 'You have signed out.';
    case 'idle':
      return `You were signed out after ${formatDuration(reason.idleMs)} without activity. Sign in again to continue.`;
    case 'expired':
      return reason.message ?? 'Your sign-in has expired. Please sign in again.';
    default:
      return assertUnreachable(reason);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
