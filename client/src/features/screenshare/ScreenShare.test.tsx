import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { RoomView } from '../room/RoomView';
import { pickScreen } from './ScreenShare';

const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const session = { id: '99999999-9999-4999-8999-999999999999', title: 'Stress management', kind: 'group' as const, startsAt: '2026-01-01T01:00:00.000Z', endsAt: '2026-01-01T04:00:00.000Z' };
const person = (userId: string, displayName: string, role: 'therapist' | 'patient') => ({
  userId,
  displayName,
  role,
  connection: 'connected' as const,
  micOn: true,
  cameraOn: true,
  micLocked: false,
});

function state(overrides: Partial<RoomState>): RoomState {
  return {
    ...initialRoomState,
    phase: 'in-room',
    connection: 'connected',
    session,
    selfUserId: ALEX,
    selfRole: 'patient',
    participants: [person(THERAPIST, 'Maya Ellison', 'therapist'), person(ALEX, 'Alex', 'patient')],
    screenShare: { sessionId: session.id, sharerUserId: null, startedAt: null, allowedUserIds: [] },
    ...overrides,
  };
}

function renderRoom(s: RoomState, actions = { ...fakeRoomActions(), startScreenShare: jest.fn().mockResolvedValue(undefined), stopScreenShare: jest.fn().mockResolvedValue(undefined) }) {
  render(
    <MemoryRouter>
      <RoomView state={s} actions={actions} hasMicrophone hasCamera />
    </MemoryRouter>,
  );
  return actions;
}

describe('screen sharing in the room', () => {
  const original = navigator.mediaDevices;
  beforeAll(() => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getDisplayMedia: jest.fn() } });
  });
  afterAll(() => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: original });
  });

  it('shows someone else’s screen large, with the tiles in a strip', () => {
    renderRoom(
      state({
        screenShare: { sessionId: session.id, sharerUserId: THERAPIST, startedAt: null, allowedUserIds: [] },
        remoteScreen: { userId: THERAPIST, consumerId: 'c1', track: {} as MediaStreamTrack },
      }),
    );
    expect(screen.getByTestId('screen-video')).toHaveAttribute('data-user-id', THERAPIST);
    expect(screen.getByText('Maya Ellison is sharing their screen')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'People in the room' })).toHaveClass('room-grid--strip');
  });

  it('a patient sees no share button until allowed', async () => {
    renderRoom(state({}));
    expect(screen.queryByTestId('share-screen')).toBeNull();
    expect(screen.getByTestId('toggle-mic')).toBeInTheDocument();
  });

  it('no share button where the browser cannot capture a screen (phones), even for a therapist', async () => {
    const getDisplayMedia = navigator.mediaDevices?.getDisplayMedia;
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { ...navigator.mediaDevices, getDisplayMedia: undefined } });
    try {
      renderRoom(state({ selfUserId: THERAPIST, selfRole: 'therapist' }));
      expect(screen.queryByTestId('share-screen')).toBeNull();
    } finally {
      Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { ...navigator.mediaDevices, getDisplayMedia } });
    }
  });

  it('an allowed patient starts sharing; the sharer sees it and stops with one click', async () => {
    const allowed = { sessionId: session.id, sharerUserId: null, startedAt: null, allowedUserIds: [ALEX] };
    const actions = renderRoom(state({ screenShare: allowed }));
    await userEvent.click(screen.getByTestId('share-screen'));
    expect(actions.startScreenShare).toHaveBeenCalled();
  });

  it('while sharing: a banner and one click to stop', async () => {
    const actions = renderRoom(
      state({
        screenShare: { sessionId: session.id, sharerUserId: ALEX, startedAt: null, allowedUserIds: [ALEX] },
        localScreen: {} as MediaStream,
      }),
    );
    expect(screen.getByTestId('screen-sharing-banner')).toHaveTextContent('You are sharing your screen');
    expect(screen.getByTestId('share-screen')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('screen-video')).toBeNull();
    await userEvent.click(screen.getByTestId('share-screen'));
    expect(actions.stopScreenShare).toHaveBeenCalledTimes(1);
  });

  it('asks the browser for the screen’s sound too, unprocessed', async () => {
    const getDisplayMedia = navigator.mediaDevices.getDisplayMedia as jest.Mock;
    getDisplayMedia.mockResolvedValueOnce({} as MediaStream);
    await pickScreen();
    expect(getDisplayMedia).toHaveBeenCalledWith(
      expect.objectContaining({ video: expect.anything(), audio: expect.objectContaining({ echoCancellation: false }) }),
    );
  });

  it('plays the shared screen’s sound and says so; a patient’s talking-stick hold does not silence it', () => {
    renderRoom(
      state({
        screenShare: { sessionId: session.id, sharerUserId: THERAPIST, startedAt: null, allowedUserIds: [] },
        remoteScreen: { userId: THERAPIST, consumerId: 'c1', track: {} as MediaStreamTrack },
        remoteScreenAudio: { userId: THERAPIST, consumerId: 'c2', track: {} as MediaStreamTrack },
        participants: [person(THERAPIST, 'Maya Ellison', 'therapist'), { ...person(ALEX, 'Alex', 'patient'), micOn: false, micLocked: true }],
      }),
    );
    const audio = screen.getByTestId('screen-audio');
    expect(audio.tagName).toBe('AUDIO');
    expect(audio).toHaveAttribute('data-user-id', THERAPIST);
    expect(screen.getByText('Maya Ellison is sharing their screen with sound')).toBeInTheDocument();
  });

  it('without sound from the sharer there is no screen audio, and the caption does not promise any', () => {
    renderRoom(
      state({
        screenShare: { sessionId: session.id, sharerUserId: THERAPIST, startedAt: null, allowedUserIds: [] },
        remoteScreen: { userId: THERAPIST, consumerId: 'c1', track: {} as MediaStreamTrack },
      }),
    );
    expect(screen.queryByTestId('screen-audio')).toBeNull();
    expect(screen.getByText('Maya Ellison is sharing their screen')).toBeInTheDocument();
  });

  it('the sharer is told when their screen’s sound goes out too', () => {
    const withSound = { getAudioTracks: () => [{ readyState: 'live' }] } as unknown as MediaStream;
    renderRoom(
      state({
        screenShare: { sessionId: session.id, sharerUserId: ALEX, startedAt: null, allowedUserIds: [ALEX] },
        localScreen: withSound,
      }),
    );
    expect(screen.getByTestId('screen-sharing-banner')).toHaveTextContent('sharing your screen and its sound');
  });
});
