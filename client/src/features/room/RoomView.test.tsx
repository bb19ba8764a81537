import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import type { ParticipantView } from '@hearth/protocol';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { orderTiles, RoomView } from './RoomView';

const THERAPIST = '11111111-1111-4111-8111-111111111111';
const COTHERAPIST = '22222222-2222-4222-8222-222222222222';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';
const JO = '55555555-5555-4555-8555-555555555555';

const person = (userId: string, displayName: string, role: ParticipantView['role'], extra: Partial<ParticipantView> = {}) => ({
  userId,
  displayName,
  role,
  connection: 'connected' as const,
  micOn: true,
  cameraOn: true,
  micLocked: false,
  ...extra,
});

const session = {
  id: '99999999-9999-4999-8999-999999999999',
  title: 'Evening group: coping skills',
  kind: 'group' as const,
  startsAt: '2026-01-01T01:00:00.000Z',
  endsAt: '2026-01-01T04:00:00.000Z',
};

function roomState(overrides: Partial<RoomState> = {}): RoomState {
  return {
    ...initialRoomState,
    phase: 'in-room',
    connection: 'connected',
    session,
    selfUserId: THERAPIST,
    selfRole: 'therapist',
    participants: [
      person(ALEX, 'Alex R.', 'patient', { micOn: false }),
      person(THERAPIST, 'Dana Whitfield', 'therapist'),
      person(SAM, 'Sam K.', 'patient', { cameraOn: false, connection: 'reconnecting' }),
      person(COTHERAPIST, 'Chris Ode', 'therapist'),
    ],
    lobby: [{ userId: JO, displayName: 'Jo P.', waitingSince: new Date(Date.now() - 3 * 60_000).toISOString() }],
    activeSpeakerUserId: ALEX,
    micOn: true,
    cameraOn: true,
    ...overrides,
  };
}

function renderRoom(state: RoomState, actions = fakeRoomActions()) {
  const utils = render(
    <MemoryRouter>
      <RoomView state={state} actions={actions} hasMicrophone hasCamera />
    </MemoryRouter>,
  );
  return { ...utils, actions };
}

const tile = (userId: string) =>
  screen.getAllByTestId('participant-tile').find((t) => t.getAttribute('data-user-id') === userId)!;

describe('RoomView in the room', () => {
  it('shows everyone as a tile, self first, then therapists, with a remote video for each other person', () => {
    renderRoom(roomState());
    const ids = screen.getAllByTestId('participant-tile').map((t) => t.getAttribute('data-user-id'));
    expect(ids).toEqual([THERAPIST, COTHERAPIST, ALEX, SAM]);
    const videos = screen.getAllByTestId('remote-video');
    expect(videos.map((v) => v.getAttribute('data-user-id')).sort()).toEqual([ALEX, COTHERAPIST, SAM].sort());
    for (const v of videos) {
      expect(v.tagName).toBe('VIDEO');
      expect((v as HTMLVideoElement).muted).toBe(true);
      expect(v).toHaveAttribute('playsinline');
    }
    expect(within(tile(THERAPIST)).queryByTestId('remote-video')).toBeNull();
    expect(within(tile(THERAPIST)).getByTestId('self-video')).toBeInTheDocument();
    // Sound plays through one hidden <audio> per remote person.
    expect(document.querySelectorAll('audio[data-remote-audio]')).toHaveLength(3);
  });

  it('marks the active speaker inside their tile only', () => {
    renderRoom(roomState());
    const markers = screen.getAllByTestId('active-speaker');
    expect(markers).toHaveLength(1);
    expect(tile(ALEX)).toContainElement(markers[0]!);
    expect(tile(ALEX)).toHaveClass('tile--speaking');
  });

  it('shows who is muted, who has the camera off and who is reconnecting', () => {
    renderRoom(roomState());
    expect(within(tile(ALEX)).getByTestId('tile-mic-off')).toBeInTheDocument();
    expect(within(tile(ALEX)).queryByTestId('tile-camera-off')).toBeNull();
    expect(within(tile(SAM)).getByTestId('tile-camera-off')).toBeInTheDocument();
    expect(within(tile(SAM)).getByTestId('tile-reconnecting')).toHaveTextContent('Reconnecting');
    expect(within(tile(SAM)).getByText(/Sam K\.: .*camera off, reconnecting/)).toBeInTheDocument();
  });

  it('gives therapists mute and remove on patients’ tiles only, the lobby, and end session', async () => {
    const { actions } = renderRoom(roomState());
    expect(screen.getAllByTestId('mute-user').map((b) => b.getAttribute('data-user-id'))).toEqual([ALEX, SAM]);
    expect(screen.getAllByTestId('remove-user').map((b) => b.getAttribute('data-user-id'))).toEqual([ALEX, SAM]);
    expect(screen.getByTestId('end-session')).toBeInTheDocument();

    const lobby = screen.getByTestId('lobby-list');
    expect(within(lobby).getByText('Jo P.')).toBeInTheDocument();
    expect(within(lobby).getByText('waiting 3 minutes')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Mute Alex R.' }));
    expect(actions.mute).toHaveBeenCalledWith(ALEX);
    await userEvent.click(screen.getByRole('button', { name: 'Move Sam K. to the waiting room' }));
    expect(actions.remove).toHaveBeenCalledWith(SAM);
    await userEvent.click(screen.getByTestId('admit-user'));
    expect(actions.admit).toHaveBeenCalledWith([JO]);
    await userEvent.click(screen.getByTestId('admit-all'));
    expect(actions.admit).toHaveBeenLastCalledWith('all');
  });

  it('offers to let a muted patient unmute again', async () => {
    const state = roomState();
    state.participants = state.participants.map((p) => (p.userId === ALEX ? { ...p, micLocked: true } : p));
    const { actions } = renderRoom(state);
    expect(within(tile(ALEX)).queryByTestId('mute-user')).toBeNull();
    expect(within(tile(ALEX)).getByText('Muted by therapist')).toBeInTheDocument();
    await userEvent.click(within(tile(ALEX)).getByTestId('unlock-mic'));
    expect(actions.unlockMic).toHaveBeenCalledWith(ALEX);
  });

  it('hides every therapist control from patients', () => {
    renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', lobby: [] }));
    expect(screen.queryByTestId('mute-user')).toBeNull();
    expect(screen.queryByTestId('remove-user')).toBeNull();
    expect(screen.queryByTestId('end-session')).toBeNull();
    expect(screen.queryByTestId('lobby-list')).toBeNull();
    expect(screen.queryByTestId('admit-all')).toBeNull();
    expect(screen.getByTestId('leave-room')).toBeInTheDocument();
    expect(screen.getAllByTestId('participant-tile')[0]).toHaveAttribute('data-user-id', ALEX);
  });

  it('ends the session for everyone only after the therapist confirms', async () => {
    const { actions } = renderRoom(roomState());
    await userEvent.click(screen.getByTestId('end-session'));
    const dialog = screen.getByRole('alertdialog', { name: 'End the session for everyone?' });
    expect(actions.endSession).not.toHaveBeenCalled();
    // The safe choice has focus; cancelling keeps the session going.
    expect(within(dialog).getByRole('button', { name: 'Keep the session going' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep the session going' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(actions.endSession).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('end-session'));
    await userEvent.click(screen.getByTestId('end-session-confirm'));
    expect(actions.endSession).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('leaves only after confirming; Escape keeps the person in the room', async () => {
    const { actions } = renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', lobby: [] }));
    await userEvent.click(screen.getByTestId('leave-room'));
    const dialog = screen.getByRole('alertdialog', { name: 'Leave the group?' });
    expect(dialog).toHaveTextContent('without waiting to be let in again');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(actions.leave).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('leave-room'));
    await userEvent.click(screen.getByTestId('leave-room-confirm'));
    expect(actions.leave).toHaveBeenCalledTimes(1);
  });

  it('toggles own microphone and camera, with the state in aria-pressed', async () => {
    const { actions } = renderRoom(roomState({ micOn: true, cameraOn: false }));
    const mic = screen.getByTestId('toggle-mic');
    const camera = screen.getByTestId('toggle-camera');
    expect(mic).toHaveAttribute('aria-pressed', 'true');
    expect(mic).toHaveAccessibleName(/Microphone/);
    expect(camera).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(mic);
    expect(actions.setMic).toHaveBeenCalledWith(false);
    await userEvent.click(camera);
    expect(actions.setCamera).toHaveBeenCalledWith(true);
  });

  it('shows a refused action as an alert', async () => {
    const actions = fakeRoomActions();
    actions.setMic.mockRejectedValue(new Error('Your therapist has muted you for now.'));
    renderRoom(roomState(), actions);
    await userEvent.click(screen.getByTestId('toggle-mic'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your therapist has muted you for now.');
  });

  it('disables the microphone button while a therapist has it locked', () => {
    const state = roomState({ selfUserId: ALEX, selfRole: 'patient', micOn: false });
    state.participants = state.participants.map((p) => (p.userId === ALEX ? { ...p, micLocked: true } : p));
    renderRoom(state);
    expect(screen.getByTestId('toggle-mic')).toBeDisabled();
    expect(screen.getByTestId('toggle-mic')).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByText('The therapist has muted your microphone for now.')).toBeInTheDocument();
  });

  it('moves focus to the room heading (after its first paint) and announces who joins and leaves', async () => {
    const { rerender, actions } = renderRoom(roomState());
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: session.title })).toHaveFocus());
    expect(screen.getByTestId('room-announcement')).toHaveTextContent('');
    const next = roomState();
    next.participants = [...next.participants.filter((p) => p.userId !== SAM), person(JO, 'Jo P.', 'patient')];
    rerender(
      <MemoryRouter>
        <RoomView state={next} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('room-announcement')).toHaveTextContent('Jo P. joined. Sam K. left.');
  });

    it.each(['connecting', 'connected', 'reconnecting'] as const)('reports the connection as exactly “%s”', (connection) => {
    renderRoom(roomState({ connection }));
    expect(screen.getByTestId('connection-state').textContent).toBe(connection);
    if (connection === 'reconnecting') {
      expect(screen.getByTestId('reconnecting-banner')).toHaveTextContent(/keep your place/);
      expect(within(tile(THERAPIST)).getByTestId('tile-reconnecting')).toBeInTheDocument();
    } else {
      expect(screen.queryByTestId('reconnecting-banner')).toBeNull();
    }
  });
});

describe('RoomView outside the room', () => {
  it('shows a waiting patient their place in line and lets them leave', async () => {
    const { actions } = renderRoom({ ...initialRoomState, phase: 'waiting', session, lobbyPosition: 2, connection: 'connected' });
    const lobby = screen.getByTestId('lobby-waiting');
    expect(lobby).toHaveTextContent('number 2 in line');
    expect(lobby).toHaveTextContent(/therapist will let you in/);
    expect(screen.queryByTestId('room')).toBeNull();
    await userEvent.click(screen.getByTestId('leave-lobby'));
    expect(actions.leave).toHaveBeenCalled();
  });

  it('tells a patient who was moved back to the waiting room why', () => {
    renderRoom({
      ...initialRoomState,
      phase: 'removed',
      session,
      message: 'The therapist moved you back to the waiting room.',
    });
    expect(screen.getByTestId('lobby-waiting')).toBeInTheDocument();
    expect(screen.getByTestId('lobby-message')).toHaveTextContent('moved you back to the waiting room');
  });

  it('says when the therapist ended the session, with a way back', () => {
    renderRoom({ ...initialRoomState, phase: 'ended', session });
    expect(screen.getByTestId('session-ended')).toHaveTextContent('The therapist has ended this session');
    expect(screen.getByRole('link', { name: 'Back to your schedule' })).toHaveAttribute('href', '/');
  });
});

describe('RoomView reactions', () => {
  it('offers the four reactions in More, sends the chosen one and closes the menu', async () => {
    const actions = { ...fakeRoomActions(), react: jest.fn().mockResolvedValue(undefined) };
    renderRoom(roomState(), actions);
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByRole('group', { name: 'React to the group without speaking' })).toBeVisible();
    expect(['support', 'agree', 'thanks', 'relate'].map((r) => screen.getByTestId(`react-${r}`).textContent)).toEqual([
      'Sending support',
      'Agrees',
      'Thank you',
      'Me too',
    ]);
    await userEvent.click(screen.getByTestId('react-relate'));
    expect(actions.react).toHaveBeenCalledWith('relate');
    expect(screen.getByTestId('more-menu')).toHaveAttribute('aria-expanded', 'false');
  });

  it('shows a reaction on its sender’s tile and reads it out, but not one’s own', () => {
    const { rerender, actions } = renderRoom(roomState({ reactions: { [ALEX]: { reaction: 'support', id: 1 }, [THERAPIST]: { reaction: 'agree', id: 2 } } }));
    const badge = within(tile(ALEX)).getByTestId('tile-reaction');
    expect(badge).toHaveAttribute('data-reaction', 'support');
    expect(badge).toHaveTextContent('Sending support');
    expect(within(tile(THERAPIST)).getByTestId('tile-reaction')).toHaveAttribute('data-reaction', 'agree');
    expect(within(tile(SAM)).queryByTestId('tile-reaction')).toBeNull();
    expect(screen.getByTestId('reaction-announcement')).toHaveTextContent('Alex R.: Sending support.');
    expect(screen.getByTestId('reaction-announcement')).not.toHaveTextContent('Agrees');
    rerender(
      <MemoryRouter>
        <RoomView state={roomState({ reactions: { [SAM]: { reaction: 'relate', id: 3 } } })} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(within(tile(ALEX)).queryByTestId('tile-reaction')).toBeNull();
    expect(screen.getByTestId('reaction-announcement')).toHaveTextContent('Sam K.: Me too.');
  });

  it('lets a therapist turn reactions off for everyone; with them off, nobody is offered any', async () => {
    const actions = { ...fakeRoomActions(), react: jest.fn().mockResolvedValue(undefined), setReactionsAllowed: jest.fn().mockResolvedValue(undefined) };
    const { rerender } = renderRoom(roomState(), actions);
    await userEvent.click(screen.getByTestId('more-menu'));
    const toggle = screen.getByTestId('reactions-toggle');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(toggle);
    expect(actions.setReactionsAllowed).toHaveBeenCalledWith(false);
    rerender(
      <MemoryRouter>
        <RoomView state={roomState({ reactionsAllowed: false })} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('reactions-toggle')).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('reactions-toggle')).toHaveTextContent('Off for everyone');
    expect(screen.queryByTestId('react-support')).toBeNull();
    // A patient's menu: reactions while on, none while off, and never the switch.
    rerender(
      <MemoryRouter>
        <RoomView state={roomState({ selfUserId: ALEX, selfRole: 'patient', reactionsAllowed: false })} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(screen.queryByTestId('react-support')).toBeNull();
    expect(screen.queryByTestId('reactions-toggle')).toBeNull();
    rerender(
      <MemoryRouter>
        <RoomView state={roomState({ selfUserId: ALEX, selfRole: 'patient' })} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('react-support')).toBeInTheDocument();
  });

  it('offers no reactions where the room has none (no action)', async () => {
    renderRoom(roomState());
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.queryByTestId('react-support')).toBeNull();
  });
});

describe('orderTiles', () => {
  it('keeps arrival order within each group', () => {
    const list = [person(ALEX, 'A', 'patient'), person(SAM, 'S', 'patient'), person(COTHERAPIST, 'C', 'therapist'), person(JO, 'J', 'patient')];
    expect(orderTiles(list, SAM).map((p) => p.userId)).toEqual([SAM, COTHERAPIST, ALEX, JO]);
  });
});
