import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { IdleWarningBanner } from '../auth/IdleWarningBanner';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../auth/useIdleLogout';
import { HearthMark } from './HearthMark';
import { roleLabel } from './roleLabel';

export interface AppLayoutProps {
  /** Automatic logoff after this long without activity. */
  idleTimeoutMs?: number;
}

/** The signed-in frame: header with who is signed in, the idle warning, and the page. */
export function AppLayout({ idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS }: AppLayoutProps) {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();

  function onSignOut() {
    signOut({ kind: 'user' });
    navigate('/login', { replace: true });
  }

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <div className="app-header__inner">
          <Link to="/" className="app-header__brand">
            <HearthMark size={32} />
            <span>Hearth</span>
          </Link>
          {user && (
            <div className="app-header__account">
              <p className="app-header__user" data-testid="current-user">
                <span className="app-header__name">{user.displayName}</span>
                <span className="app-header__role">{roleLabel(user.role)}</span>
              </p>
              <button type="button" className="button button--quiet" onClick={onSignOut} data-testid="sign-out">
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      {user && user.role !== 'family' && (
        <nav className="app-nav" aria-label="Main">
          <ul className="app-nav__list">
            <li>
              <NavLink to="/" end className="app-nav__link">
                Schedule
              </NavLink>
            </li>
            {user.role === 'admin' && (
              <li>
                <NavLink to="/admin/programs" className="app-nav__link" data-testid="nav-programs">
                  Programs
                </NavLink>
              </li>
            )}
            {user.role === 'admin' && (
              <li>
                <NavLink to="/admin/audit" className="app-nav__link" data-testid="nav-audit">
                  Audit log
                </NavLink>
              </li>
            )}
            {user.role === 'therapist' && (
              <li>
                <NavLink to="/therapist" className="app-nav__link" data-testid="nav-my-cohorts">
                  My cohorts
                </NavLink>
              </li>
            )}
            <li>
              <NavLink to="/calendar" className="app-nav__link" data-testid="nav-calendar">
                Calendar
              </NavLink>
            </li>
          </ul>
        </nav>
      )}
      <IdleWarningBanner timeoutMs={idleTimeoutMs} />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
