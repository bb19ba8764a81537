import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { titleFor } from '../session/JoinSessionPage';
import { RoomView } from './RoomView';
import { arrivalChimeMuted, arrivalShouldSound, setArrivalChimeMuted } from './waitingRoomAlert';

const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const JO = '55555555-5555-4555-8555-555555555555';
const SAM = '44444444-4444-4444-8444-444444444444';
const session = { id: '99999999-9999-4999-8999-999999999999', title: 'Evening group', kind: 'group' as const, startsAt: '', endsAt: '' };

const waiting = (userId: string, displayName: string) => ({ userId, displayName, waitingSince: new Date().toISOString() });

function therapistRoom(lobby: RoomState['lobby']): RoomState {
  return {
    ...initialRoomState,
    phase: 'in-room',
    connection: 'connected',
    session,
    selfUserId: THERAPIST,
    selfRole: 'therapist',
    participants: [
      { userId: THERAPIST, displayName: 'Dana Whitfield', role: 'therapist', connection: 'connected', micOn: true, cameraOn: true, micLocked: false },
      { userId: ALEX, displayName: 'Alex R.', role: 'patient', connection: 'connected', micOn: true, cameraOn: true, micLocked: false },
    ],
    lobby,
  };
}

/** Counts chimes: each chime starts oscillators on a fresh AudioContext. */
function fakeAudio() {
  const chimes = { count: 0 };
  class FakeAudioContext {
    currentTime = 0;
    destination = {};
    constructor() {
      chimes.count++;
    }
    createOscillator() {
      return { frequency: { value: 0 }, connect: (n: unknown) => n, start() {}, stop() {} };
    }
    createGain() {
      return { gain: { value: 0 }, connect: (n: unknown) => n };
    }
    close() {
      return Promise.resolve();
    }
  }
  (window as unknown as { AudioContext: unknown }).AudioContext = FakeAudioContext;
  return chimes;
}

function renderRoom(state: RoomState) {
  const utils = render(
    <MemoryRouter>
      <RoomView state={state} actions={fakeRoomActions()} hasMicrophone hasCamera />
    </MemoryRouter>,
  );
  return {
    ...utils,
    show: (next: RoomState) =>
      utils.rerender(
        <MemoryRouter>
          <RoomView state={next} actions={fakeRoomActions()} hasMicrophone hasCamera />
        </MemoryRouter>,
      ),
  };
}

describe('waiting-room alert for therapists', () => {
  let hasFocus: jest.SpyInstance;
  beforeEach(() => {
    setArrivalChimeMuted(false);
    hasFocus = jest.spyOn(document, 'hasFocus').mockReturnValue(false);
  });
  afterEach(() => {
    hasFocus.mockRestore();
    delete (window as unknown as { AudioContext?: unknown }).AudioContext;
    window.localStorage.clear();
  });

  it('sounds when the list is not in front of the therapist, never when switched off or already looked at', () => {
    expect(arrivalShouldSound({ muted: false, tabFocused: false, lobbyInView: true })).toBe(true);
    expect(arrivalShouldSound({ muted: false, tabFocused: true, lobbyInView: false })).toBe(true);
    expect(arrivalShouldSound({ muted: false, tabFocused: true, lobbyInView: true })).toBe(false);
    expect(arrivalShouldSound({ muted: true, tabFocused: false, lobbyInView: false })).toBe(false);
  });

  it('chimes once per arrival (not for those already waiting) and counts them in the tab title', () => {
    const chimes = fakeAudio();
    const room = renderRoom(therapistRoom([waiting(JO, 'Jo P.')]));
    expect(chimes.count).toBe(0); // Jo was waiting when the room opened
    room.show(therapistRoom([waiting(JO, 'Jo P.'), waiting(SAM, 'Sam K.')]));
    expect(chimes.count).toBe(1);
    room.show(therapistRoom([waiting(JO, 'Jo P.'), waiting(SAM, 'Sam K.')]));
    room.show(therapistRoom([waiting(SAM, 'Sam K.')])); // Jo admitted: no sound
    expect(chimes.count).toBe(1);
    expect(titleFor(therapistRoom([waiting(JO, 'Jo P.'), waiting(SAM, 'Sam K.')]))).toBe('(2 waiting) Evening group');
    expect(titleFor({ ...therapistRoom([waiting(JO, 'Jo P.')]), selfRole: 'patient' })).toBe('Evening group');
  });

  it('the therapist turns the chime off in the waiting-room panel; it stays off on this device', async () => {
    const chimes = fakeAudio();
    const room = renderRoom(therapistRoom([]));
    const box = screen.getByRole('checkbox', { name: 'Chime when someone arrives' });
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(box).not.toBeChecked();
    expect(arrivalChimeMuted()).toBe(true);
    expect(window.localStorage.getItem('hearth:arrival-chime-muted')).toBe('1');
    room.show(therapistRoom([waiting(JO, 'Jo P.')]));
    expect(chimes.count).toBe(0);

    await userEvent.click(box);
    room.show(therapistRoom([waiting(JO, 'Jo P.'), waiting(SAM, 'Sam K.')]));
    expect(chimes.count).toBe(1);
  });

  it('stays quiet while the tab is focused and the waiting-room list is on screen', () => {
    const chimes = fakeAudio();
    const observed: { cb: IntersectionObserverCallback; el: Element }[] = [];
    class FakeObserver {
      constructor(private readonly cb: IntersectionObserverCallback) {}
      observe(el: Element) {
        observed.push({ cb: this.cb, el });
      }
      disconnect() {}
    }
    (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver = FakeObserver;
    try {
      const room = renderRoom(therapistRoom([]));
      const panel = observed.find((o) => o.el.classList.contains('lobby-panel'))!;
      expect(panel).toBeDefined();
      act(() => panel.cb([{ isIntersecting: true, intersectionRatio: 1, target: panel.el } as unknown as IntersectionObserverEntry], {} as IntersectionObserver));
      hasFocus.mockReturnValue(true);
      room.show(therapistRoom([waiting(JO, 'Jo P.')]));
      expect(chimes.count).toBe(0);
      // The therapist switched to another tab: the next arrival sounds.
      hasFocus.mockReturnValue(false);
      room.show(therapistRoom([waiting(JO, 'Jo P.'), waiting(SAM, 'Sam K.')]));
      expect(chimes.count).toBe(1);
    } finally {
      delete (window as unknown as { IntersectionObserver?: unknown }).IntersectionObserver;
    }
  });

  it('patients get no chime and no switch', () => {
    const chimes = fakeAudio();
    const patient = { ...therapistRoom([]), selfUserId: ALEX, selfRole: 'patient' as const };
    const room = renderRoom(patient);
    room.show({ ...patient, lobby: [waiting(JO, 'Jo P.')] });
    expect(chimes.count).toBe(0);
    expect(screen.queryByTestId('arrival-chime')).toBeNull();
  });
});
