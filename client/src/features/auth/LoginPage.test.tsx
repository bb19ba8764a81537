import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { deferred, installFakeApi, loginResponse, storeSignedInSession, type FakeReply } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const noSessions = () => ({ status: 200, body: [] });

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByTestId('login-email'), email);
  await user.type(screen.getByTestId('login-password'), password);
  await user.click(screen.getByTestId('login-submit'));
  return user;
}

describe('LoginPage', () => {
  it('signs in, keeps the token for this tab and lands on the schedule', async () => {
    const login = deferred<FakeReply>();
    const requests = installFakeApi({
      'POST /api/auth/login': () => login.promise,
      'GET /api/me/sessions': noSessions,
    });
    renderApp({ route: '/login' });

    await fillAndSubmit('Patient1@Hearth.test ', 'hearth-demo');

    // While the server thinks: no double submits, and the user sees progress.
    const submit = screen.getByTestId('login-submit');
    expect(submit).toBeDisabled();
    expect(submit).toHaveTextContent('Signing in…');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/auth/login',
      body: { email: 'patient1@hearth.test', password: 'hearth-demo' },
    });

    login.resolve({ status: 200, body: loginResponse({ accessToken: 'tok-patient1' }) });

    expect(await screen.findByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();
    expect(screen.getByTestId('current-user')).toHaveTextContent('Pat Rivera');
    expect(screen.getByTestId('current-user')).toHaveTextContent('Patient');
    const stored = window.sessionStorage.getItem('hearth.auth');
    expect(stored).toContain('tok-patient1');
    expect(stored).toContain('refresh-abc');
    expect(requests.find((r) => r.path === '/api/me/sessions')?.headers.Authorization).toBe('Bearer tok-patient1');
  });

  it("shows the server's message when the password is wrong, and stays signed out", async () => {
    installFakeApi({
      'POST /api/auth/login': () => ({
        status: 401,
        body: { code: 'unauthenticated', message: 'That email and password do not match.' },
      }),
    });
    renderApp({ route: '/login' });

    await fillAndSubmit('patient1@hearth.test', 'wrong');

    const error = await screen.findByTestId('login-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('That email and password do not match.');
    expect(screen.getByTestId('login-submit')).toBeEnabled();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(window.sessionStorage.getItem('hearth.auth')).toBeNull();
  });

  it('asks for a valid email before calling the server', async () => {
    const requests = installFakeApi({});
    renderApp({ route: '/login' });

    await fillAndSubmit('not-an-email', 'secret');

    expect(screen.getByTestId('login-error')).toHaveTextContent('Enter the email address you use for Hearth.');
    expect(requests).toHaveLength(0);
  });

  it('keeps you signed in across a reload of the tab', async () => {
    storeSignedInSession();
    installFakeApi({ 'GET /api/me/sessions': noSessions });

    renderApp({ route: '/' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();
    expect(screen.queryByTestId('login-email')).not.toBeInTheDocument();
  });

  it('forgets a stored token that has expired and cannot be renewed', () => {
    storeSignedInSession(loginResponse({ expiresIn: 1, refreshToken: undefined }));
    const future = Date.now() + 5_000;
    jest.spyOn(Date, 'now').mockReturnValue(future);
    installFakeApi({});

    renderApp({ route: '/' });

    expect(screen.getByTestId('login-email')).toBeInTheDocument();
    jest.restoreAllMocks();
  });

  it('sends a signed-in visitor of /login to the schedule', async () => {
    storeSignedInSession();
    installFakeApi({ 'GET /api/me/sessions': noSessions });

    renderApp({ route: '/login' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();
  });

  it('signs out from the header, clears the tab and says so on the login page', async () => {
    storeSignedInSession();
    installFakeApi({ 'GET /api/me/sessions': noSessions });
    renderApp({ route: '/' });
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(screen.getByTestId('login-email')).toBeInTheDocument();
    expect(screen.getByTestId('signout-notice')).toHaveTextContent('You have signed out.');
    expect(window.sessionStorage.getItem('hearth.auth')).toBeNull();
  });

  it('signs out when the server rejects a token it cannot renew', async () => {
    storeSignedInSession(loginResponse({ refreshToken: undefined }));
    installFakeApi({
      'GET /api/me/sessions': () => ({ status: 401, body: { code: 'unauthenticated', message: 'Token revoked.' } }),
    });

    renderApp({ route: '/' });

    const notice = await screen.findByTestId('signout-notice');
    expect(notice).toHaveTextContent('Your sign-in has expired. Please sign in again.');
    expect(window.sessionStorage.getItem('hearth.auth')).toBeNull();
  });
});

describe('RequireAuth', () => {
  it('sends a signed-out visitor to the login page, then back to where they were going', async () => {
    installFakeApi({ 'POST /api/auth/login': () => ({ status: 200, body: loginResponse() }) });
    renderApp({ route: '/sessions/group-42/join' });

    // Nothing of the protected page leaks before sign-in.
    expect(screen.getByTestId('login-email')).toBeInTheDocument();
    expect(screen.queryByTestId('device-check')).not.toBeInTheDocument();

    await fillAndSubmit('patient1@hearth.test', 'hearth-demo');

    const page = await screen.findByTestId('device-check');
    expect(page).toHaveAttribute('data-session-id', 'group-42');
    expect(within(page).getByRole('heading', { level: 1 })).toHaveTextContent('Get ready to join');
  });

  it('shows a not-found page for unknown addresses', () => {
    installFakeApi({});
    renderApp({ route: '/no/such/page' });

    expect(screen.getByRole('heading', { name: "We couldn't find that page" })).toBeInTheDocument();
  });
});
