import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { deferred, installFakeApi, loginResponse, storeSignedInSession, type FakeReply } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const MINUTE = 60_000;
const group = {
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Coping strategies',
  kind: 'group',
  startsAt: new Date(Date.now() + 5 * MINUTE).toISOString(),
  endsAt: new Date(Date.now() + 180 * MINUTE).toISOString(),
};

async function advance(ms: number) {
  await act(async () => {
    await jest.advanceTimersByTimeAsync(ms);
  });
}

describe('keeping the sign-in alive', () => {
  afterEach(() => jest.useRealTimers());

  it('renews the 15-minute access token before it expires and uses the new one', async () => {
    jest.useFakeTimers();
    storeSignedInSession(loginResponse({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900 }));
    const requests = installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [group] }),
      'POST /api/auth/refresh': () => ({
        status: 200,
        body: loginResponse({ accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 }),
      }),
    });
    renderApp();
    await advance(0);

    await advance(12 * MINUTE);
    expect(requests.filter((r) => r.path === '/api/auth/refresh')).toHaveLength(0);

    await advance(MINUTE);
    const refreshes = requests.filter((r) => r.path === '/api/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(window.sessionStorage.getItem('hearth.auth')).toContain('access-2');
    // The schedule stays on screen and is fetched again with the new token.
    expect(screen.getByTestId('session-card')).toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/api/me/sessions').at(-1)?.headers.Authorization).toBe(
      'Bearer access-2',
    );
  });

  it('renews the token when a request is refused, and the page recovers', async () => {
    storeSignedInSession(loginResponse({ accessToken: 'stale', refreshToken: 'refresh-1' }));
    installFakeApi({
      'GET /api/me/sessions': (request) =>
        request.headers.Authorization === 'Bearer fresh'
          ? { status: 200, body: [group] }
          : { status: 401, body: { code: 'unauthenticated', message: 'Your sign-in has expired.' } },
      'POST /api/auth/refresh': () => ({ status: 200, body: loginResponse({ accessToken: 'fresh', refreshToken: 'r2' }) }),
    });

    renderApp();

    expect(await screen.findByTestId('session-card')).toHaveAttribute('data-session-id', group.id);
  });

  it("signs out with the server's reason when it refuses to renew", async () => {
    storeSignedInSession(loginResponse({ accessToken: 'stale', refreshToken: 'refresh-1' }));
    installFakeApi({
      'GET /api/me/sessions': () => ({ status: 401, body: { code: 'unauthenticated', message: 'Expired.' } }),
      'POST /api/auth/refresh': () => ({
        status: 401,
        body: { code: 'session_expired', message: 'You were signed out after 15 minutes without activity.' },
      }),
    });

    renderApp();

    expect(await screen.findByTestId('signout-notice')).toHaveTextContent(
      'You were signed out after 15 minutes without activity.',
    );
    expect(window.sessionStorage.getItem('hearth.auth')).toBeNull();
  });

  it('a reloaded tab whose access token expired signs back in with the refresh token first', async () => {
    storeSignedInSession(loginResponse({ accessToken: 'old', refreshToken: 'refresh-1', expiresIn: 60 }));
    const realNow = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(realNow + 2 * MINUTE);
    const refresh = deferred<FakeReply>();
    const requests = installFakeApi({
      'POST /api/auth/refresh': () => refresh.promise,
      'GET /api/me/sessions': () => ({ status: 200, body: [group] }),
    });

    renderApp({ route: '/' });

    expect(screen.getByRole('status')).toHaveTextContent('Signing you back in…');
    expect(requests.some((r) => r.path === '/api/me/sessions')).toBe(false);
    refresh.resolve({ status: 200, body: loginResponse({ accessToken: 'new', refreshToken: 'refresh-2' }) });

    expect(await screen.findByTestId('session-card')).toBeInTheDocument();
    expect(requests.find((r) => r.path === '/api/me/sessions')?.headers.Authorization).toBe('Bearer new');
    jest.restoreAllMocks();
  });

  it('signing out revokes the session on the server', async () => {
    storeSignedInSession(loginResponse({ accessToken: 'access-1', refreshToken: 'refresh-1' }));
    const requests = installFakeApi({
      'GET /api/me/sessions': () => ({ status: 200, body: [] }),
      'POST /api/auth/logout': () => ({ status: 204 }),
    });
    renderApp();

    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out' }));

    const logout = requests.find((r) => r.path === '/api/auth/logout');
    expect(logout?.method).toBe('POST');
    expect(logout?.headers.Authorization).toBe('Bearer access-1');
  });
});
