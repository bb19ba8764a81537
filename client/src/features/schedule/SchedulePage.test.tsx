import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, storeSignedInSession, type FakeReply } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const MINUTE = 60_000;
// Monday 24 November 2025, 17:50 local time: ten minutes before an evening group.
const NOW = new Date(2025, 10, 24, 17, 50);
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * MINUTE).toISOString();

const checkIn = {
  id: 'grp-1',
  title: 'Coping strategies',
  kind: 'group',
  startsAt: at(-20),
  endsAt: at(160),
  cohortId: 'extra fields are fine',
};
const oneToOne = { id: 'ind-1', title: 'Weekly check-in with Sam', kind: 'individual', startsAt: at(200), endsAt: at(250) };
const tomorrow = { id: 'grp-2', title: 'Relapse prevention', kind: 'group', startsAt: at(24 * 60), endsAt: at(27 * 60) };
const lastWeek = { id: 'grp-0', title: 'Old group', kind: 'group', startsAt: at(-7 * 24 * 60), endsAt: at(-7 * 24 * 60 + 180) };

function serveSessions(reply: () => FakeReply | Promise<FakeReply>) {
  return installFakeApi({ 'GET /api/me/sessions': reply });
}

function card(id: string): HTMLElement {
  const found = screen.getAllByTestId('session-card').find((el) => el.dataset.sessionId === id);
  if (!found) throw new Error(`no card for ${id}`);
  return found;
}

describe('SchedulePage', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    storeSignedInSession();
  });
  afterEach(() => jest.useRealTimers());

  it('lists the sessions soonest first with title, kind and time, asking with the bearer token', async () => {
    const requests = serveSessions(() => ({ status: 200, body: [tomorrow, oneToOne, checkIn, lastWeek] }));
    renderApp();

    expect(screen.getByTestId('schedule-loading')).toHaveTextContent('Loading your sessions');
    const cards = await screen.findAllByTestId('session-card');

    expect(requests[0]?.headers.Authorization).toBe('Bearer token-abc');
    // Ended before today: not shown.
    expect(cards.map((c) => c.dataset.sessionId)).toEqual(['grp-1', 'ind-1', 'grp-2']);
    expect(within(card('grp-1')).getByRole('heading', { name: 'Coping strategies' })).toBeInTheDocument();
    expect(card('grp-1')).toHaveTextContent('Group session');
    expect(card('ind-1')).toHaveTextContent('Individual session');
    expect(card('grp-1').querySelector('time')).toHaveAttribute('datetime', checkIn.startsAt);
    expect(screen.getByRole('heading', { level: 2, name: 'Today' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Tomorrow' })).toBeInTheDocument();
  });

  it('marks the session in progress as "Your next session"', async () => {
    serveSessions(() => ({ status: 200, body: [oneToOne, checkIn] }));
    renderApp();

    await screen.findAllByTestId('session-card');
    expect(card('grp-1')).toHaveTextContent('Your next session');
    expect(card('ind-1')).not.toHaveTextContent('Your next session');
  });

  it('enables join only from 15 minutes before the start until the end', async () => {
    const soon = { ...oneToOne, id: 'ind-soon', startsAt: at(10), endsAt: at(60) };
    const later = { ...oneToOne, id: 'ind-later', startsAt: at(16), endsAt: at(60) };
    const endedToday = { ...checkIn, id: 'grp-ended', startsAt: at(-120), endsAt: at(-1) };
    serveSessions(() => ({ status: 200, body: [checkIn, soon, later, endedToday] }));
    renderApp();
    await screen.findAllByTestId('session-card');

    const join = (id: string) => within(card(id)).getByTestId('join-session');
    expect(join('grp-1')).toBeEnabled(); // in progress
    expect(join('ind-soon')).toBeEnabled(); // starts in 10 min
    expect(join('ind-later')).toBeDisabled(); // starts in 16 min
    expect(card('ind-later')).toHaveTextContent('You can join from');
    expect(join('grp-ended')).toBeDisabled();
    expect(card('grp-ended')).toHaveTextContent('This session has ended.');
    // The ended one is not "next"; the one in progress is.
    expect(card('grp-ended')).not.toHaveTextContent('Your next session');

    // The window opens by itself, without a reload.
    await act(async () => {
      await jest.advanceTimersByTimeAsync(MINUTE + 15_000);
    });
    expect(join('ind-later')).toBeEnabled();
  });

  it('joining goes to the session join page', async () => {
    serveSessions(() => ({ status: 200, body: [checkIn] }));
    renderApp();
    const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });

    await user.click(within(await screen.findByTestId('session-card')).getByTestId('join-session'));

    expect(await screen.findByTestId('join-placeholder')).toHaveAttribute('data-session-id', 'grp-1');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Your room is on its way');
  });

  it('says so when nothing is scheduled', async () => {
    serveSessions(() => ({ status: 200, body: [lastWeek] }));
    renderApp();

    expect(await screen.findByTestId('schedule-empty')).toHaveTextContent('No upcoming sessions');
    expect(screen.queryByTestId('session-card')).not.toBeInTheDocument();
  });

  it("shows the server's error and loads again on retry", async () => {
    let calls = 0;
    serveSessions(() => {
      calls += 1;
      return calls === 1
        ? { status: 503, body: { code: 'internal', message: 'The schedule service is restarting.' } }
        : { status: 200, body: [checkIn] };
    });
    renderApp();
    const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });

    const error = await screen.findByTestId('schedule-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('The schedule service is restarting.');

    await user.click(within(error).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByTestId('session-card')).toHaveAttribute('data-session-id', 'grp-1');
    expect(screen.queryByTestId('schedule-error')).not.toBeInTheDocument();
  });

  it('treats a response of the wrong shape as an error, not as an empty schedule', async () => {
    serveSessions(() => ({ status: 200, body: { sessions: [checkIn] } }));
    renderApp();

    expect(await screen.findByTestId('schedule-error')).toHaveTextContent("We couldn't load your schedule.");
    expect(screen.queryByTestId('schedule-empty')).not.toBeInTheDocument();
  });
});
