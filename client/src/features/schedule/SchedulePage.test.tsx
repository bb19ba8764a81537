import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { installFakeApi, loginResponse, storeSignedInSession, type FakeReply } from '../../test/fakeApi';
import { renderApp } from '../../test/renderApp';

const MINUTE = 60_000;
// Monday 24 November 2025, 17:50 local time.
const NOW = new Date(2025, 10, 24, 17, 50);
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * MINUTE).toISOString();
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Only the fields the test contract guarantees. */
const groupNow = { id: uuid(1), title: 'Coping strategies', kind: 'group', startsAt: at(-20), endsAt: at(160) };
const oneToOne = { id: uuid(2), title: 'Weekly check-in', kind: 'individual', startsAt: at(200), endsAt: at(250) };
const tomorrow = { id: uuid(3), title: 'Relapse prevention', kind: 'group', startsAt: at(24 * 60), endsAt: at(27 * 60) };
const lastWeek = { id: uuid(4), title: 'Old group', kind: 'group', startsAt: at(-7 * 24 * 60), endsAt: at(-7 * 24 * 60 + 180) };

function serveSessions(reply: () => FakeReply | Promise<FakeReply>) {
  return installFakeApi({ 'GET /api/me/sessions': reply });
}

function card(id: string): HTMLElement {
  const found = screen.getAllByTestId('session-card').find((el) => el.dataset.sessionId === id);
  if (!found) throw new Error(`no card for ${id}`);
  return found;
}

const joinButton = (id: string) => within(card(id)).getByTestId('join-session');

describe('SchedulePage', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    storeSignedInSession();
  });
  afterEach(() => jest.useRealTimers());

  it('lists the sessions soonest first with title, kind and time, asking with the bearer token', async () => {
    const requests = serveSessions(() => ({ status: 200, body: [tomorrow, oneToOne, groupNow, lastWeek] }));
    renderApp();

    expect(screen.getByTestId('schedule-loading')).toHaveTextContent('Loading your sessions');
    const cards = await screen.findAllByTestId('session-card');

    expect(requests[0]?.headers.Authorization).toBe('Bearer token-abc');
    // Ended before today: not shown.
    expect(cards.map((c) => c.dataset.sessionId)).toEqual([groupNow.id, oneToOne.id, tomorrow.id]);
    expect(within(card(groupNow.id)).getByRole('heading', { name: 'Coping strategies' })).toBeInTheDocument();
    expect(card(groupNow.id)).toHaveTextContent('Group session');
    expect(card(oneToOne.id)).toHaveTextContent('Individual session');
    expect(card(groupNow.id).querySelector('time')).toHaveAttribute('datetime', groupNow.startsAt);
    expect(screen.getByRole('heading', { level: 2, name: 'Today' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Tomorrow' })).toBeInTheDocument();
  });

  it('marks the session in progress as "Your next session"', async () => {
    serveSessions(() => ({ status: 200, body: [oneToOne, groupNow] }));
    renderApp();

    await screen.findAllByTestId('session-card');
    expect(card(groupNow.id)).toHaveTextContent('Your next session');
    expect(card(oneToOne.id)).not.toHaveTextContent('Your next session');
  });

  it('enables join only from 15 minutes before the start until the end', async () => {
    const soon = { ...oneToOne, id: uuid(5), startsAt: at(10), endsAt: at(60) };
    const later = { ...oneToOne, id: uuid(6), startsAt: at(16), endsAt: at(60) };
    const endedToday = { ...groupNow, id: uuid(7), startsAt: at(-120), endsAt: at(-1) };
    serveSessions(() => ({ status: 200, body: [groupNow, soon, later, endedToday] }));
    renderApp();
    await screen.findAllByTestId('session-card');

    expect(joinButton(groupNow.id)).toBeEnabled(); // in progress
    expect(joinButton(soon.id)).toBeEnabled(); // starts in 10 min
    expect(joinButton(later.id)).toBeDisabled(); // starts in 16 min
    expect(card(later.id)).toHaveTextContent('You can join from');
    expect(joinButton(endedToday.id)).toBeDisabled();
    expect(card(endedToday.id)).toHaveTextContent('This session has ended.');
    expect(card(endedToday.id)).not.toHaveTextContent('Your next session');

    // The window opens by itself, without a reload.
    await act(async () => {
      await jest.advanceTimersByTimeAsync(MINUTE + 15_000);
    });
    expect(joinButton(later.id)).toBeEnabled();
  });

  it("uses the server's richer session view: program join window, therapists, theme, cancellations", async () => {
    const earlyWindow = {
      ...oneToOne,
      id: uuid(8),
      startsAt: at(25),
      endsAt: at(75),
      joinOpensAt: at(-5), // this program opens the room 30 minutes early
      therapistNames: ['Dana Whitfield'],
      theme: 'Planning for the holidays',
      status: 'scheduled',
    };
    const cancelled = { ...groupNow, id: uuid(9), status: 'cancelled', cancelledReason: 'Therapist unwell' };
    serveSessions(() => ({ status: 200, body: [cancelled, earlyWindow] }));
    renderApp();
    await screen.findAllByTestId('session-card');

    expect(joinButton(earlyWindow.id)).toBeEnabled();
    expect(card(earlyWindow.id)).toHaveTextContent('With Dana Whitfield');
    expect(card(earlyWindow.id)).toHaveTextContent('Planning for the holidays');
    expect(card(earlyWindow.id)).toHaveTextContent('Your next session');
    expect(joinButton(cancelled.id)).toBeDisabled();
    expect(card(cancelled.id)).toHaveTextContent('Cancelled');
    expect(card(cancelled.id)).toHaveTextContent('Reason: Therapist unwell');
    expect(card(cancelled.id)).not.toHaveTextContent('Your next session');
  });

  it('joining goes to the session join page', async () => {
    serveSessions(() => ({ status: 200, body: [groupNow] }));
    renderApp();
    const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });

    await user.click(within(await screen.findByTestId('session-card')).getByTestId('join-session'));

    expect(await screen.findByTestId('device-check')).toHaveAttribute('data-session-id', groupNow.id);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Get ready to join');
  });

  it('offers no join button to a program admin, who is not a member of the room', async () => {
    storeSignedInSession(loginResponse({ user: { id: uuid(9), role: 'admin', displayName: 'Ada Admin' } as never }));
    serveSessions(() => ({ status: 200, body: [groupNow] }));
    renderApp();
    await screen.findAllByTestId('session-card');
    expect(within(card(groupNow.id)).queryByTestId('join-session')).toBeNull();
    expect(within(card(groupNow.id)).getByTestId('admin-no-join')).toHaveTextContent('therapists and patients join');
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
        : { status: 200, body: [groupNow] };
    });
    renderApp();
    const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });

    const error = await screen.findByTestId('schedule-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('The schedule service is restarting.');

    await user.click(within(error).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByTestId('session-card')).toHaveAttribute('data-session-id', groupNow.id);
    expect(screen.queryByTestId('schedule-error')).not.toBeInTheDocument();
  });

  it('treats a response of the wrong shape as an error, not as an empty schedule', async () => {
    serveSessions(() => ({ status: 200, body: { sessions: [groupNow] } }));
    renderApp();

    expect(await screen.findByTestId('schedule-error')).toHaveTextContent("We couldn't load your schedule.");
    expect(screen.queryByTestId('schedule-empty')).not.toBeInTheDocument();
  });
});
