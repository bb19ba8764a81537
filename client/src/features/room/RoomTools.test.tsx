import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import type { ParticipantView } from '@hearth/protocol';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { muteAllSummary, RoomView, type RoomActions } from './RoomView';

const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';

const person = (userId: string, displayName: string, role: ParticipantView['role'], extra: Partial<ParticipantView> = {}): ParticipantView => ({
  userId,
  displayName,
  role,
  connection: 'connected',
  micOn: true,
  cameraOn: true,
  micLocked: false,
  ...extra,
});

const fakeTrack = (id: string) => ({ id, kind: 'video' }) as unknown as MediaStreamTrack;

function roomState(overrides: Partial<RoomState> = {}): RoomState {
  return {
    ...initialRoomState,
    phase: 'in-room',
    connection: 'connected',
    session: { id: '99999999-9999-4999-8999-999999999999', title: 'Evening group', kind: 'group', startsAt: '', endsAt: '' },
    selfUserId: THERAPIST,
    selfRole: 'therapist',
    participants: [person(THERAPIST, 'Dana Whitfield', 'therapist'), person(ALEX, 'Alex R.', 'patient'), person(SAM, 'Sam K.', 'patient')],
    remote: {
      [ALEX]: { video: fakeTrack('a'), audioPaused: false, videoPaused: false },
      [SAM]: { video: fakeTrack('s'), audioPaused: false, videoPaused: false },
    },
    activeSpeakerUserId: null,
    micOn: true,
    cameraOn: true,
    ...overrides,
  };
}

function toolActions(): jest.Mocked<RoomActions> {
  return {
    ...fakeRoomActions(),
    muteAll: jest.fn().mockResolvedValue({ muted: [ALEX, SAM], alreadyMuted: 0, locked: false }),
    setAudioOnly: jest.fn().mockResolvedValue(undefined),
    dismissAudioOnly: jest.fn(),
    setNoiseSuppression: jest.fn().mockResolvedValue(undefined),
  } as jest.Mocked<RoomActions>;
}

function renderRoom(state: RoomState, actions = toolActions()) {
  const utils = render(
    <MemoryRouter>
      <RoomView state={state} actions={actions} hasMicrophone hasCamera />
    </MemoryRouter>,
  );
  return { ...utils, actions };
}

const tile = (userId: string) => screen.getAllByTestId('participant-tile').find((t) => t.getAttribute('data-user-id') === userId)!;
const lastLayer = (actions: jest.Mocked<RoomActions>, userId: string) =>
  (actions.preferLayer as jest.Mock).mock.calls.filter(([id]) => id === userId).at(-1)?.[1];

beforeEach(() => localStorage.clear());

describe('mute all', () => {
  it('says what it did in a few words', () => {
    expect(muteAllSummary({ muted: new Array(8).fill(ALEX), alreadyMuted: 0, locked: false })).toBe('8 muted.');
    expect(muteAllSummary({ muted: [ALEX], alreadyMuted: 2, locked: true })).toBe('1 muted and locked (2 already muted).');
    expect(muteAllSummary({ muted: [], alreadyMuted: 3, locked: false })).toBe('Everyone was already muted.');
  });

  it('is one tap for a therapist, with the result shown; "keep muted" is in More', async () => {
    const { actions } = renderRoom(roomState());
    await userEvent.click(screen.getByTestId('mute-all'));
    expect(actions.muteAll).toHaveBeenCalledWith(false);
    expect(await screen.findByTestId('mute-all-result')).toHaveTextContent('2 muted.');

    await userEvent.click(screen.getByTestId('more-menu'));
    await userEvent.click(screen.getByTestId('mute-all-lock'));
    expect(actions.muteAll).toHaveBeenLastCalledWith(true);
  });

  it('is not offered to patients, who are told who muted them and that they may unmute', async () => {
    renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', micOn: false, mutedBy: { byName: 'Dana Whitfield', locked: false } }));
    expect(screen.queryByTestId('mute-all')).toBeNull();
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.queryByTestId('mute-all-lock')).toBeNull();
    expect(screen.getByTestId('muted-by-banner')).toHaveTextContent('Dana Whitfield muted everyone’s microphone. You can unmute when you want to speak.');
    expect(screen.getByTestId('toggle-mic')).toBeEnabled();
  });
});

describe('pin and speaker view', () => {
  it('shows everyone in the grid until someone is pinned; the pinned tile goes large with the full layer, the rest to the strip with the small one', async () => {
    const { actions } = renderRoom(roomState());
    expect(screen.queryByTestId('featured-stage')).toBeNull();
    await userEvent.click(within(tile(SAM)).getByTestId('pin-tile'));
    const stage = screen.getByTestId('featured-stage');
    expect(stage).toHaveAttribute('data-view', 'pinned');
    expect(within(stage).getByTestId('participant-tile')).toHaveAttribute('data-user-id', SAM);
    expect(within(tile(SAM)).getByTestId('pin-tile')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('list', { name: 'People in the room' })).toHaveClass('room-grid--strip');
    expect(lastLayer(actions, SAM)).toBe(2);
    expect(lastLayer(actions, ALEX)).toBe(0);

    await userEvent.click(within(tile(SAM)).getByTestId('pin-tile'));
    expect(screen.queryByTestId('featured-stage')).toBeNull();
    expect(lastLayer(actions, SAM)).not.toBe(2);
  });

  it('speaker view puts whoever speaks large, and is remembered on this device', async () => {
    const { rerender, actions } = renderRoom(roomState({ activeSpeakerUserId: ALEX }));
    await userEvent.click(screen.getByTestId('more-menu'));
    await userEvent.click(screen.getByTestId('view-mode'));
    expect(screen.getByTestId('view-mode')).toHaveAttribute('aria-pressed', 'true');
    expect(within(screen.getByTestId('featured-stage')).getByTestId('participant-tile')).toHaveAttribute('data-user-id', ALEX);
    expect(lastLayer(actions, ALEX)).toBe(2);

    rerender(
      <MemoryRouter>
        <RoomView state={roomState({ activeSpeakerUserId: SAM })} actions={actions} hasMicrophone hasCamera />
      </MemoryRouter>,
    );
    expect(within(screen.getByTestId('featured-stage')).getByTestId('participant-tile')).toHaveAttribute('data-user-id', SAM);
    expect(lastLayer(actions, ALEX)).toBe(0);
    expect(localStorage.getItem('hearth.viewMode')).toBe('speaker');
  });
});

describe('audio only', () => {
  it('is offered when the connection struggles; "Not now" dismisses, "Audio only" switches', async () => {
    const { actions } = renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', audioOnlySuggested: true }));
    expect(screen.getByTestId('audio-only-offer')).toHaveTextContent('Your connection is struggling');
    await userEvent.click(screen.getByTestId('audio-only-dismiss'));
    expect(actions.dismissAudioOnly).toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('audio-only-accept'));
    expect(actions.setAudioOnly).toHaveBeenCalledWith(true);
  });

  it('shows initials instead of video, keeps the speaking marker, and can be turned off from More', async () => {
    const { actions } = renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', audioOnly: true, cameraOn: false, activeSpeakerUserId: SAM }));
    expect(screen.getByTestId('audio-only-banner')).toBeInTheDocument();
    expect(tile(SAM)).toHaveClass('tile--no-video');
    expect(tile(THERAPIST)).toHaveClass('tile--no-video');
    expect(within(tile(SAM)).getByTestId('active-speaker')).toBeInTheDocument();
    expect(within(tile(SAM)).getByText('SK')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByTestId('audio-only-toggle')).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByTestId('audio-only-toggle'));
    expect(actions.setAudioOnly).toHaveBeenCalledWith(false);
  });
});

describe('noise suppression', () => {
  it('is on by default and can be turned off in the room (music)', async () => {
    const { actions } = renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient' }));
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByTestId('noise-suppression-toggle')).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByTestId('noise-suppression-toggle'));
    expect(actions.setNoiseSuppression).toHaveBeenCalledWith(false);
  });
});

describe('background blur', () => {
  it('is offered in More only where the browser can blur, and switches', async () => {
    const actions = { ...toolActions(), setBackgroundBlur: jest.fn().mockResolvedValue(undefined) } as jest.Mocked<RoomActions>;
    const { unmount } = renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', blurAvailable: false }), actions);
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.queryByTestId('blur-toggle')).toBeNull();
    unmount();

    renderRoom(roomState({ selfUserId: ALEX, selfRole: 'patient', blurAvailable: true, backgroundBlur: false }), actions);
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByTestId('blur-toggle')).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(screen.getByTestId('blur-toggle'));
    expect(actions.setBackgroundBlur).toHaveBeenCalledWith(true);
  });

  it('says "Starting blur…" while the model loads, and shows a failure with the camera still on', async () => {
    const actions = { ...toolActions(), setBackgroundBlur: jest.fn().mockRejectedValue(new Error('x')) } as jest.Mocked<RoomActions>;
    const base = { selfUserId: ALEX, selfRole: 'patient' as const, blurAvailable: true, blurMode: 'fallback' as const };
    const { unmount } = renderRoom(roomState({ ...base, backgroundBlur: true, blurStatus: 'starting' }), actions);
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByTestId('blur-toggle')).toHaveAttribute('data-state', 'starting');
    expect(screen.getByTestId('blur-toggle')).toHaveTextContent('Starting blur…');
    expect(screen.getByTestId('blur-starting')).toHaveTextContent('Starting blur…');
    expect(screen.queryByTestId('blur-error')).toBeNull();
    unmount();

    renderRoom(roomState({ ...base, backgroundBlur: false, blurStatus: 'failed', blurError: 'We could not start background blur.' }), actions);
    expect(screen.getByTestId('blur-error')).toHaveTextContent('We could not start background blur.');
    expect(screen.queryByTestId('blur-starting')).toBeNull();
    await userEvent.click(screen.getByTestId('more-menu'));
    expect(screen.getByTestId('blur-toggle')).toHaveAttribute('aria-pressed', 'false');
    // Trying again: a rejected attempt is shown from state (blurError), not thrown at the page.
    await userEvent.click(screen.getByTestId('blur-toggle'));
    expect(actions.setBackgroundBlur).toHaveBeenCalledWith(true);
  });
});
