import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from './AuthProvider';

/** Where the login page sends the user back to; set by RequireAuth. */
export interface LoginLocationState {
  from?: { pathname: string; search?: string; hash?: string };
}

/** Renders its children (or the nested route) only when signed in; otherwise goes to /login and back. */
export function RequireAuth({ children }: { children?: ReactNode }) {
  const { accessToken, restoring, signOutReason } = useAuth();
  const location = useLocation();
  if (restoring) {
    return (
      <p className="state state--loading state--page" role="status">
        <span className="spinner" aria-hidden="true" />
        Signing you back in…
      </p>
    );
  }
  if (!accessToken) {
    // After an explicit sign-out the next person starts from the schedule, not from where the last one was.
    const state: LoginLocationState | undefined =
      signOutReason?.kind === 'user'
        ? undefined
        : { from: { pathname: location.pathname, search: location.search, hash: location.hash } };
    return <Navigate to="/login" replace state={state} />;
  }
  return children ?? <Outlet />;
}
