import { useId, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { loginRequestSchema } from '@hearth/protocol';
import { ApiError, apiRequest } from '../../realtime/api';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { HearthMark } from '../layout/HearthMark';
import { signOutMessage, useAuth } from './AuthProvider';
import { loginResultSchema } from './authStorage';
import type { LoginLocationState } from './RequireAuth';

/** A same-app path to return to after sign-in; anything odd falls back to the schedule. */
function returnPath(state: unknown): string {
  const from = (state as LoginLocationState | null)?.from;
  if (!from || typeof from.pathname !== 'string') return '/';
  const { pathname } = from;
  if (!pathname.startsWith('/') || pathname.startsWith('//') || pathname === '/login') return '/';
  return `${pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

export function LoginPage() {
  useDocumentTitle('Sign in');
  const { accessToken, signIn, signOutReason } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const target = returnPath(location.state);

  if (accessToken && !pending) return <Navigate to={target} replace />;

  const notice = signOutMessage(signOutReason);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const credentials = loginRequestSchema.safeParse({ email, password });
    if (!credentials.success) {
      const emailProblem = credentials.error.issues.some((issue) => issue.path[0] === 'email');
      setError(emailProblem ? 'Enter the email address you use for Hearth.' : 'Enter your password.');
      return;
    }

    setPending(true);
    setError(null);
    try {
      const body = await apiRequest<unknown>('/api/auth/login', { method: 'POST', body: credentials.data });
      const response = loginResultSchema.safeParse(body);
      if (!response.success) {
        setError('Hearth sent an answer we could not read. Please try again in a moment.');
        setPending(false);
        return;
      }
      signIn(response.data);
      navigate(target, { replace: true });
    } catch (caught) {
      setError(
        caught instanceof ApiError ? caught.message : 'Something went wrong while signing in. Please try again.',
      );
      setPending(false);
    }
  }

  return (
    <div className="login-page">
      <main className="login-card" aria-labelledby="login-heading">
        <div className="login-card__brand">
          <HearthMark size={44} />
          <span className="login-card__wordmark">Hearth</span>
        </div>
        <h1 id="login-heading" className="login-card__title">
          Sign in
        </h1>
        <p className="login-card__lede">Your program's groups and sessions, from home.</p>

        {notice && !error && (
          <p className="notice notice--info" role="status" data-testid="signout-notice">
            {notice}
          </p>
        )}

        <form className="form" onSubmit={onSubmit} noValidate aria-busy={pending}>
          <div className="field">
            <label className="field__label" htmlFor="login-email">
              Email
            </label>
            <input
              id="login-email"
              data-testid="login-email"
              className="field__input"
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="login-password">
              Password
            </label>
            <input
              id="login-password"
              data-testid="login-password"
              className="field__input"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error ? errorId : undefined}
            />
          </div>

          {error && (
            <p id={errorId} className="notice notice--error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}

          <button
            type="submit"
            data-testid="login-submit"
            className="button button--primary button--block"
            disabled={pending}
          >
            {pending && <span className="spinner" aria-hidden="true" />}
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>

        <div className="login-card__help">
          <p>Trouble signing in? Contact your program's care team.</p>
          <p>
            <strong>If you are in crisis</strong>, call or text <a href="tel:988">988</a> (Suicide &amp; Crisis
            Lifeline) or call <a href="tel:911">911</a>.
          </p>
        </div>
      </main>
    </div>
  );
}
