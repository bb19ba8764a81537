import { act, fireEvent, screen } from '@testing-library/react';
import { installFakeApi, storeSignedInSession } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';
import { holdActivity } from './activityHold';

const MINUTE = 60_000;

async function advance(ms: number) {
  await act(async () => {
    await jest.advanceTimersByTimeAsync(ms);
  });
}

describe('automatic logoff after inactivity', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    storeSignedInSession();
    installFakeApi({ 'GET /api/me/sessions': () => ({ status: 200, body: [] }) });
  });

  afterEach(() => jest.useRealTimers());

  it('warns a minute before, then signs out after 15 minutes without activity', async () => {
    renderApp({ route: '/' });
    await advance(0);
    expect(screen.getByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();

    await advance(14 * MINUTE - 1_000);
    expect(screen.queryByTestId('idle-warning')).not.toBeInTheDocument();

    await advance(1_000);
    const warning = screen.getByTestId('idle-warning');
    expect(warning).toHaveTextContent('Are you still there?');
    expect(warning).toHaveTextContent('1:00');

    await advance(30_000);
    expect(screen.getByTestId('idle-warning')).toHaveTextContent('0:30');

    await advance(30_000);
    expect(screen.queryByTestId('idle-warning')).not.toBeInTheDocument();
    expect(screen.getByTestId('login-email')).toBeInTheDocument();
    expect(screen.getByTestId('signout-notice')).toHaveTextContent(
      'You were signed out after 15 minutes without activity',
    );
    expect(window.sessionStorage.getItem('hearth.auth')).toBeNull();
  });

  it('never signs out while a live session holds activity, and resumes counting after', async () => {
    renderApp({ route: '/' });
    await advance(0);
    const release = holdActivity();
    try {
      await advance(60 * MINUTE);
      expect(screen.queryByTestId('idle-warning')).not.toBeInTheDocument();
      expect(screen.getByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();
    } finally {
      release();
    }
    await advance(15 * MINUTE);
    expect(screen.getByTestId('login-email')).toBeInTheDocument();
  });

  it('"Stay signed in" dismisses the warning and restarts the clock', async () => {
    renderApp({ route: '/' });
    await advance(14 * MINUTE + 30_000);

    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(screen.queryByTestId('idle-warning')).not.toBeInTheDocument();

    // Past the original deadline: still signed in.
    await advance(MINUTE);
    expect(screen.getByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();

    // A full quiet period later the warning comes back.
    await advance(13 * MINUTE);
    expect(screen.getByTestId('idle-warning')).toBeInTheDocument();
  });

  it('counts typing and pointer activity before the warning', async () => {
    renderApp({ route: '/' });

    await advance(10 * MINUTE);
    fireEvent.keyDown(document.body, { key: 'a' });
    await advance(10 * MINUTE);
    fireEvent.pointerDown(document.body);
    await advance(10 * MINUTE);

    expect(screen.queryByTestId('idle-warning')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Hello, Pat' })).toBeInTheDocument();

    await advance(5 * MINUTE);
    expect(screen.getByTestId('login-email')).toBeInTheDocument();
  });

  it('uses the configured timeout in the warning and the sign-out message', async () => {
    renderApp({ route: '/', idleTimeoutMs: 5 * MINUTE });

    await advance(4 * MINUTE);
    expect(screen.getByTestId('idle-warning')).toBeInTheDocument();
    await advance(MINUTE);
    expect(screen.getByTestId('signout-notice')).toHaveTextContent(
      'You were signed out after 5 minutes without activity',
    );
  });
});
