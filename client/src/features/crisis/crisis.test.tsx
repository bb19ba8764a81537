import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CrisisAlertView, ParticipantView } from '@hearth/protocol';
import { CrisisClient, stepOf } from '../../facilitation/CrisisClient';
import { FakeSocket, flush, ok } from '../../facilitation/fakeSocket';
import { CrisisAlerts } from './CrisisAlerts';
import { CrisisButton, CrisisStatus } from './CrisisButton';

const SESSION = '99999999-9999-4999-8999-999999999999';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';

const person = (userId: string, displayName: string, role: ParticipantView['role']): ParticipantView => ({
  userId,
  displayName,
  role,
  connection: 'connected',
  micOn: true,
  cameraOn: true,
  micLocked: false,
});

const alert = (id: string, userId: string, displayName: string, extra: Partial<CrisisAlertView> = {}): CrisisAlertView => ({
  id,
  sessionId: SESSION,
  userId,
  displayName,
  raisedByUserId: userId,
  raisedAt: '2026-01-01T10:00:00.000Z',
  location: 'Home, 12 Palm St',
  callbackNumber: '+1 480 555 0134',
  acknowledgedByUserId: null,
  acknowledgedAt: null,
  withdrawnAt: null,
  resolvedAt: null,
  resolvedByUserId: null,
  outcome: null,
  ...extra,
});

describe('crisis flow, patient side', () => {
  function setup() {
    const socket = new FakeSocket({
      'crisis:raise': () => ok({ alertId: 'a1', raisedAt: '2026-01-01T10:00:00.000Z' }),
      'crisis:withdraw': () => ok({ alertId: 'a1', withdrawnAt: '2026-01-01T10:00:30.000Z' }),
    });
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => ALEX);
    render(
      <>
        <CrisisButton crisis={crisis} />
        <CrisisStatus crisis={crisis} nameOf={() => 'your therapist'} />
      </>,
    );
    return { socket, crisis };
  }

  it('reads sent → seen by the therapist → resolved, then can be dismissed', async () => {
    const { socket, crisis } = setup();
    await userEvent.click(screen.getByTestId('crisis-button'));
    await act(flush);
    expect(screen.getByTestId('crisis-button')).toHaveTextContent('Help requested');
    expect(screen.getByTestId('crisis-status')).toHaveAttribute('data-state', 'sent');
    expect(screen.getByTestId('crisis-state')).toHaveTextContent('Your therapists have been alerted');

    act(() => socket.fire('crisis:acknowledged', { sessionId: SESSION, alertId: 'a1', acknowledgedAt: '2026-01-01T10:01:00.000Z', acknowledgedByName: 'Maya Ellison' }));
    expect(screen.getByTestId('crisis-status')).toHaveAttribute('data-state', 'seen');
    expect(screen.getByText('Seen by Maya Ellison')).toBeInTheDocument();
    expect(screen.getByTestId('crisis-state')).toHaveTextContent('Maya Ellison has seen your alert');
    // The old "will be with you in a moment" is gone for good.
    expect(screen.queryByText(/in a moment/)).toBeNull();

    act(() => socket.fire('crisis:resolved', { sessionId: SESSION, alertId: 'a1', resolvedAt: '2026-01-01T10:20:00.000Z' }));
    expect(stepOf(crisis.state.mine!)).toBe('resolved');
    expect(screen.getByTestId('crisis-state')).toHaveTextContent('marked your alert resolved');
    expect(screen.getByTestId('crisis-button')).toHaveTextContent('I need help now');
    expect(screen.queryByTestId('crisis-withdraw')).toBeNull();
    await userEvent.click(screen.getByTestId('crisis-dismiss'));
    expect(screen.queryByTestId('crisis-status')).toBeNull();
    crisis.close();
  });

  it('takes back a press made by mistake', async () => {
    const { socket, crisis } = setup();
    await userEvent.click(screen.getByTestId('crisis-button'));
    await act(flush);
    await userEvent.click(screen.getByTestId('crisis-withdraw'));
    await act(flush);
    expect(socket.requests('crisis:withdraw')).toEqual([{ sessionId: SESSION, alertId: 'a1' }]);
    expect(screen.queryByTestId('crisis-status')).toBeNull();
    expect(screen.getByTestId('crisis-button')).toHaveTextContent('I need help now');
    crisis.close();
  });
});

describe('crisis flow, therapist side', () => {
  const participants = [person(THERAPIST, 'Maya Ellison', 'therapist'), person(ALEX, 'Alex R.', 'patient')];

  function setup() {
    const socket = new FakeSocket({
      'crisis:resolve': (p) => {
        const { alertId, outcome } = p as { alertId: string; outcome: CrisisAlertView['outcome'] };
        return ok(alert(alertId, alertId === 'a1' ? ALEX : SAM, alertId === 'a1' ? 'Alex R.' : 'Sam K.', { withdrawnAt: '2026-01-01T10:00:40.000Z', resolvedAt: '2026-01-01T10:30:00.000Z', resolvedByUserId: THERAPIST, outcome }));
      },
    });
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => THERAPIST);
    const chime = jest.fn();
    socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a0', ALEX, 'Alex R.', { resolvedAt: '2026-01-01T09:00:00.000Z', outcome: 'safe_continuing' }) });
    render(<CrisisAlerts crisis={crisis} selfUserId={THERAPIST} participants={participants} onChime={chime} />);
    return { socket, crisis, chime };
  }

  it('keeps every alert in one list: open ones with location and actions, a patient who left marked, closed ones folded away', () => {
    const { socket, chime } = setup();
    expect(screen.getByTestId('crisis-list')).toHaveTextContent('none open');
    expect(chime).not.toHaveBeenCalled(); // already there when the room opened

    act(() => socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a1', ALEX, 'Alex R.', { raisedAt: '2026-01-01T10:05:00.000Z' }) }));
    act(() => socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a2', SAM, 'Sam K.', { raisedAt: '2026-01-01T10:06:00.000Z' }) }));
    expect(chime).toHaveBeenCalledTimes(2);
    const cards = screen.getAllByTestId('crisis-alert');
    expect(cards.map((c) => c.getAttribute('data-user-id'))).toEqual([SAM, ALEX]);
    expect(within(cards[1]!).getByTestId('crisis-location')).toHaveTextContent('Home, 12 Palm St');
    // Sam is neither in the room nor waiting: marked as having left, no side room offered.
    expect(within(cards[0]!).getByTestId('crisis-alert-left')).toHaveTextContent('Left the session');
    expect(within(cards[0]!).queryByTestId('crisis-move')).toBeNull();
    expect(within(cards[1]!).queryByTestId('crisis-alert-left')).toBeNull();
    expect(screen.getByTestId('crisis-list')).toHaveTextContent('2 open');
    expect(screen.getByTestId('crisis-history')).toHaveTextContent('1 earlier alert');
  });

  it('shows a withdrawn press (it happened) and resolves alerts with the chosen outcome', async () => {
    const { socket, chime } = setup();
    act(() => socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a1', ALEX, 'Alex R.') }));
    act(() => socket.fire('crisis:updated', { sessionId: SESSION, alert: alert('a1', ALEX, 'Alex R.', { withdrawnAt: '2026-01-01T10:00:40.000Z' }) }));
    expect(chime).toHaveBeenCalledTimes(1);
    const card = screen.getByTestId('crisis-alert');
    expect(card).toHaveAttribute('data-withdrawn', 'true');
    expect(within(card).getByTestId('crisis-withdrawn')).toHaveTextContent('Withdrawn by Alex R.');
    expect(within(card).queryByTestId('crisis-acknowledge')).toBeNull();
    expect(within(card).getByTestId('crisis-outcome')).toHaveValue('pressed_by_mistake');

    await userEvent.selectOptions(within(card).getByTestId('crisis-outcome'), 'followed_up_privately');
    await userEvent.click(within(card).getByTestId('crisis-resolve'));
    await act(flush);
    expect(socket.requests('crisis:resolve')).toEqual([{ sessionId: SESSION, alertId: 'a1', outcome: 'followed_up_privately' }]);
    expect(screen.queryByTestId('crisis-alert')).toBeNull();
    await userEvent.click(screen.getByText('2 earlier alerts'));
    const items = screen.getAllByTestId('crisis-history-item').map((i) => i.textContent);
    expect(items).toContainEqual(expect.stringMatching(/withdrawn · resolved by you: Followed up privately/));
  });
});

describe('the group while every therapist is in a side room', () => {
  it('is told who stepped out and that they will be back, and the notice clears when one is back', async () => {
    const { TherapistAwayBanner } = await import('./TherapistAwayBanner');
    const socket = new FakeSocket({});
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => SAM);
    render(<TherapistAwayBanner crisis={crisis} />);
    expect(screen.queryByTestId('therapist-away')).toBeNull();
    act(() => socket.fire('crisis:therapistAway', { sessionId: SESSION, away: true, therapistNames: ['Maya Ellison'] }));
    expect(screen.getByTestId('therapist-away')).toHaveTextContent('Maya Ellison is with someone privately and will be back shortly.');
    act(() => socket.fire('crisis:therapistAway', { sessionId: SESSION, away: false, therapistNames: [] }));
    expect(screen.queryByTestId('therapist-away')).toBeNull();
    crisis.close();
  });
});

describe('waiting-room cues for therapists', () => {
  it('chimes once per new arrival, not for people already waiting, and puts the count in the tab title', async () => {
    const { renderHook } = await import('@testing-library/react');
    const { useArrivalChime } = await import('./alertChime');
    const play = jest.fn();
    const { rerender } = renderHook(({ ids }) => useArrivalChime(ids, true, play), { initialProps: { ids: ['a'] } });
    expect(play).not.toHaveBeenCalled();
    rerender({ ids: ['a', 'b'] });
    expect(play).toHaveBeenCalledTimes(1);
    rerender({ ids: ['b'] });
    rerender({ ids: ['b'] });
    expect(play).toHaveBeenCalledTimes(1);

    const { titleFor } = await import('../session/JoinSessionPage');
    const { initialRoomState } = await import('../../media/roomState');
    const base = { ...initialRoomState, phase: 'in-room' as const, session: { id: SESSION, title: 'Evening group', kind: 'group' as const, startsAt: '', endsAt: '' } };
    const lobby = [{ userId: ALEX, displayName: 'Alex R.', waitingSince: '' }, { userId: SAM, displayName: 'Sam K.', waitingSince: '' }];
    expect(titleFor({ ...base, selfRole: 'therapist', lobby })).toBe('(2 waiting) Evening group');
    expect(titleFor({ ...base, selfRole: 'patient', lobby })).toBe('Evening group');
  });
});
