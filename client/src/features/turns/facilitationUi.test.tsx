import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import type { ChatMessage, FloorView, ParticipantView } from '@hearth/protocol';
import { ChatClient } from '../../facilitation/ChatClient';
import { CheckinClient } from '../../facilitation/CheckinClient';
import { Facilitation } from '../../facilitation/Facilitation';
import { FloorClient } from '../../facilitation/FloorClient';
import { FakeSocket, flush, ok } from '../../facilitation/fakeSocket';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { ChatPanel } from '../chat/ChatPanel';
import { CheckinForm } from '../checkins/CheckinForm';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { RoomView } from '../room/RoomView';
import { FloorPanel } from './FloorPanel';

const SESSION = '99999999-9999-4999-8999-999999999999';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';

const person = (userId: string, displayName: string, role: ParticipantView['role'], extra: Partial<ParticipantView> = {}): ParticipantView => ({
  userId,
  displayName,
  role,
  connection: 'connected',
  micOn: true,
  cameraOn: false,
  micLocked: false,
  ...extra,
});
const people = [person(THERAPIST, 'Dana Whitfield', 'therapist'), person(ALEX, 'Alex R.', 'patient'), person(SAM, 'Sam K.', 'patient')];

const floor = (extra: Partial<FloorView> = {}): FloorView => ({
  sessionId: SESSION,
  revision: 1,
  queue: [],
  holderUserId: null,
  talkingStick: false,
  turnMinutes: null,
  turnEndsAt: null,
  serverTime: new Date().toISOString(),
  goAround: null,
  ...extra,
});

const msg = (id: string, extra: Partial<ChatMessage>): ChatMessage => ({
  id,
  sessionId: SESSION,
  fromUserId: ALEX,
  fromDisplayName: 'Alex R.',
  toUserId: null,
  text: 'hi',
  sentAt: '2026-01-01T10:00:00.000Z',
  ...extra,
});

describe('FloorPanel', () => {
  it('lists raised hands in the server’s queue order; the therapist grants the floor from the queue', async () => {
    const socket = new FakeSocket({
      'turn:state': () => ok(floor({ queue: [{ userId: SAM, raisedAt: '' }, { userId: ALEX, raisedAt: '' }] })),
      'turn:grant': () => ok(floor({ revision: 2, queue: [{ userId: ALEX, raisedAt: '' }], holderUserId: SAM, turnMinutes: 3, turnEndsAt: new Date(Date.now() + 180_000).toISOString() })),
    });
    const client = new FloorClient(socket.asSocket, SESSION);
    await client.refresh();
    render(<FloorPanel floor={client} selfUserId={THERAPIST} selfRole="therapist" participants={people} />);

    const items = screen.getAllByTestId('hand-queue-item');
    expect(items.map((i) => i.getAttribute('data-user-id'))).toEqual([SAM, ALEX]);
    expect(items[0]).toHaveTextContent('Sam K.');
    expect(screen.queryByTestId('floor-holder')).toBeNull();

    await userEvent.click(within(items[0]!).getByTestId('grant-floor'));
    expect(socket.requests('turn:grant')).toEqual([{ sessionId: SESSION, userId: SAM }]);
    expect(screen.getByTestId('floor-holder')).toHaveAttribute('data-user-id', SAM);
    expect(screen.getAllByTestId('hand-queue-item').map((i) => i.getAttribute('data-user-id'))).toEqual([ALEX]);
    expect(screen.getByTestId('turn-timer').textContent).toMatch(/^0[23]:\d\d$/);
  });

  it('patients see the queue but no therapist tools; in a go-around the speaker can pass', async () => {
    const socket = new FakeSocket({
      'turn:state': () => ok(floor({ holderUserId: ALEX, goAround: { order: [ALEX, SAM], index: 0, spoken: [], passed: [] } })),
      'turn:pass': () => ok(floor({ revision: 2, holderUserId: SAM, goAround: { order: [ALEX, SAM], index: 1, spoken: [], passed: [ALEX] } })),
    });
    const client = new FloorClient(socket.asSocket, SESSION);
    await client.refresh();
    render(<FloorPanel floor={client} selfUserId={ALEX} selfRole="patient" participants={people} />);
    expect(screen.queryByTestId('grant-floor')).toBeNull();
    expect(screen.queryByTestId('talking-stick-toggle')).toBeNull();
    expect(screen.getByTestId('go-around')).toHaveTextContent('Your turn');
    await userEvent.click(screen.getByTestId('pass-turn'));
    expect(socket.sent.map((s) => s.event)).toContain('turn:pass');
    expect(screen.queryByTestId('pass-turn')).toBeNull();
    expect(screen.getByTestId('go-around')).toHaveTextContent('Sam K.’s turn');
  });
});

describe('talking stick in the room', () => {
  async function roomFor(view: FloorView, selfUserId = SAM) {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [], patientPrivateChatAllowed: false }),
      'turn:state': () => ok(view),
      'checkin:state': () => ok({ open: null, mine: null }),
      'crisis:state': () => ok({ alerts: [], sideRooms: [] }),
      'turn:raiseHand': () => ok({ ...view, revision: view.revision + 1, queue: [...view.queue, { userId: selfUserId, raisedAt: '' }] }),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => selfUserId);
    f.refresh();
    await act(flush);
    const locked = view.talkingStick && view.holderUserId !== selfUserId;
    const state: RoomState = {
      ...initialRoomState,
      phase: 'in-room',
      connection: 'connected',
      selfUserId,
      selfRole: 'patient',
      participants: people.map((p) => (locked && p.userId === selfUserId ? { ...p, micOn: false, micLocked: true } : p)),
      micOn: !locked,
    };
    render(
      <MemoryRouter>
        <RoomView state={state} actions={fakeRoomActions()} hasMicrophone hasCamera facilitation={f} />
      </MemoryRouter>,
    );
    return socket;
  }

  it('a patient without the floor cannot turn the microphone on, and is told why', async () => {
    await roomFor(floor({ talkingStick: true, holderUserId: ALEX }));
    const mic = screen.getByTestId('toggle-mic');
    expect(mic).toBeDisabled();
    expect(mic).toHaveTextContent('Only the person holding the floor can speak');
    expect(screen.getByTestId('floor-lock-banner')).toBeInTheDocument();
    expect(screen.queryByText(/therapist has muted/)).toBeNull();
    // Alex's tile is highlighted as holding the floor.
    const alexTile = screen.getAllByTestId('participant-tile').find((t) => t.getAttribute('data-user-id') === ALEX)!;
    expect(alexTile).toHaveAttribute('data-floor', 'true');
  });

  it('the holder keeps the microphone', async () => {
    await roomFor(floor({ talkingStick: true, holderUserId: SAM }));
    expect(screen.getByTestId('toggle-mic')).toBeEnabled();
    expect(screen.getByTestId('floor-holder')).toHaveAttribute('data-user-id', SAM);
  });

  it('raising a hand puts you in the queue and shows your place', async () => {
    const socket = await roomFor(floor());
    await userEvent.click(screen.getByTestId('raise-hand'));
    expect(socket.requests('turn:raiseHand')).toHaveLength(1);
    expect(screen.getByTestId('lower-hand')).toHaveTextContent('You are number 1');
    expect(screen.getAllByTestId('hand-queue-item').map((i) => i.getAttribute('data-user-id'))).toEqual([SAM]);
  });
});

describe('ChatPanel', () => {
  it('marks private messages, renders text never as HTML, and offers patients only therapists privately', async () => {
    const socket = new FakeSocket({
      'chat:history': () =>
        ok({
          messages: [
            msg('m1', { text: '<b>bold</b> & <img src=x onerror=alert(1)>' }),
            msg('m2', { fromUserId: SAM, fromDisplayName: 'Sam K.', toUserId: THERAPIST, text: 'just for Dana' }),
          ],
          patientPrivateChatAllowed: false,
        }),
      'chat:send': (p) => ok(msg('m3', { fromUserId: SAM, fromDisplayName: 'Sam K.', toUserId: (p as { toUserId?: string }).toUserId ?? null, text: 'hello', sentAt: '2026-01-01T10:05:00.000Z' })),
    });
    const chat = new ChatClient(socket.asSocket, SESSION);
    await chat.refresh();
    const { container } = render(<ChatPanel chat={chat} selfUserId={SAM} selfRole="patient" participants={people} />);

    const [group, priv] = screen.getAllByTestId('chat-message');
    expect(group).not.toHaveAttribute('data-private');
    expect(group).toHaveAttribute('data-from-user-id', ALEX);
    expect(group).toHaveTextContent('<b>bold</b> & <img src=x onerror=alert(1)>');
    expect(container.querySelector('b, img')).toBeNull();
    expect(priv).toHaveAttribute('data-private', 'true');
    expect(priv).toHaveTextContent('Private to Dana Whitfield');

    const recipient = screen.getByTestId('chat-recipient');
    expect(within(recipient).getAllByRole('option').map((o) => o.getAttribute('value'))).toEqual(['group', THERAPIST]);
    expect(screen.queryByTestId('chat-delete')).toBeNull();

    await userEvent.selectOptions(recipient, THERAPIST);
    await userEvent.type(screen.getByTestId('chat-input'), 'hello{Enter}');
    expect(socket.requests('chat:send')).toEqual([{ sessionId: SESSION, text: 'hello', toUserId: THERAPIST }]);
    expect(screen.getAllByTestId('chat-message')).toHaveLength(3);
    expect(screen.getByTestId('chat-input')).toHaveValue('');
  });

  it('shows a removed message in place, and errors inline', async () => {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [msg('m1', {})], patientPrivateChatAllowed: false }),
      'chat:send': () => ({ ok: false, error: { code: 'rate_limited', message: 'slow down' } }),
      'chat:delete': () => ok({}),
    });
    const chat = new ChatClient(socket.asSocket, SESSION);
    await chat.refresh();
    render(<ChatPanel chat={chat} selfUserId={THERAPIST} selfRole="therapist" participants={people} />);
    await userEvent.click(screen.getByTestId('chat-delete'));
    expect(screen.getByTestId('chat-message')).toHaveTextContent('Message removed');
    await userEvent.click(screen.getByTestId('chat-send'));
    expect(screen.getByTestId('chat-error')).toHaveTextContent('Write a message first.');
    await userEvent.type(screen.getByTestId('chat-input'), 'again');
    await userEvent.click(screen.getByTestId('chat-send'));
    expect(screen.getByTestId('chat-error')).toHaveTextContent(/sending messages quickly/);
  });
});

describe('CheckinForm', () => {
  it('asks for both scores before sending, then shows the answer privately', async () => {
    const info = { id: 'c1', sessionId: SESSION, openedAt: '', closedAt: null };
    const socket = new FakeSocket({
      'checkin:state': () => ok({ open: info, mine: null }),
      'checkin:submit': () => ok({ submittedAt: '2026-01-01T10:00:00.000Z' }),
    });
    const checkins = new CheckinClient(socket.asSocket, SESSION);
    await checkins.refresh();
    render(<CheckinForm checkins={checkins} />);

    await userEvent.click(screen.getByTestId('checkin-submit'));
    expect(screen.getByText('Choose your mood, from 0 to 10.')).toBeInTheDocument();
    expect(screen.getByText('Choose your craving, from 0 to 10.')).toBeInTheDocument();
    expect(socket.requests('checkin:submit')).toHaveLength(0);

    // The slider shows 5 while unset; choosing 5 still counts (native input event).
    fireEvent.input(screen.getByTestId('checkin-mood'), { target: { value: '5' } });
    fireEvent.input(screen.getByTestId('checkin-craving'), { target: { value: '8' } });
    expect(screen.getByTestId('checkin-craving-value')).toHaveTextContent('8 / 10');
    await userEvent.type(screen.getByTestId('checkin-word'), 'x'.repeat(41));
    await userEvent.click(screen.getByTestId('checkin-submit'));
    expect(screen.getByText(/at most 40 characters/)).toBeInTheDocument();
    await userEvent.clear(screen.getByTestId('checkin-word'));
    await userEvent.type(screen.getByTestId('checkin-word'), 'hopeful');
    await userEvent.click(screen.getByTestId('checkin-submit'));
    expect(socket.requests('checkin:submit')).toEqual([{ sessionId: SESSION, checkinId: 'c1', mood: 5, craving: 8, word: 'hopeful' }]);
    expect(await screen.findByRole('status')).toHaveTextContent('mood 5/10 and craving 8/10');
  });
});

describe('crisis button in the waiting room', () => {
  it('a waiting patient can alert the therapists without being admitted first', async () => {
    const socket = new FakeSocket({
      'crisis:raise': () => ok({ alertId: 'a1', raisedAt: '2026-01-01T10:00:00.000Z' }),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => null);
    const state: RoomState = { ...initialRoomState, phase: 'waiting', connection: 'connected', lobbyPosition: 2 };
    render(
      <MemoryRouter>
        <RoomView
          state={state}
          actions={fakeRoomActions()}
          hasMicrophone
          hasCamera
          facilitation={f}
        />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('lobby-waiting')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('crisis-button'));
    await act(flush);
    expect(socket.requests('crisis:raise')).toEqual([{ sessionId: SESSION }]);
    f.close();
  });
});

describe('room re-renders', () => {
  it('a new speaker or a video arriving re-renders the tiles, not the chat; someone joining re-renders it too', async () => {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [msg('m1', { text: 'hello all' })], patientPrivateChatAllowed: false }),
      'turn:state': () => ok(floor()),
      'checkin:state': () => ok({ open: null, mine: null }),
      'crisis:state': () => ok({ alerts: [], sideRooms: [] }),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => THERAPIST);
    f.refresh();
    await act(flush);
    // Each render of the chat panel reads its store (useSyncExternalStore's getSnapshot); the room
    // itself does not (it reads the floor, check-in, crisis and role-play stores, so those cannot tell).
    const reads = { chat: 0 };
    const read = f.chat.getSnapshot;
    f.chat.getSnapshot = () => {
      reads.chat += 1;
      return read();
    };
    const state: RoomState = { ...initialRoomState, phase: 'in-room', connection: 'connected', selfUserId: THERAPIST, selfRole: 'therapist', participants: people };
    const room = (s: RoomState) => (
      <MemoryRouter>
        <RoomView state={s} actions={fakeRoomActions()} hasMicrophone hasCamera facilitation={f} />
      </MemoryRouter>
    );
    const { rerender } = render(room(state));
    expect(screen.getByTestId('chat-message')).toHaveTextContent('hello all');
    const settled = { ...reads };
    expect(settled.chat).toBeGreaterThan(0);
    const tileOf = (userId: string) => screen.getAllByTestId('participant-tile').find((t) => t.getAttribute('data-user-id') === userId)!;

    const speaking = { ...state, activeSpeakerUserId: ALEX };
    rerender(room(speaking));
    expect(tileOf(ALEX)).toHaveAttribute('data-speaking', 'true');
    const video = { ...speaking, remote: { [SAM]: { video: { id: 'v', kind: 'video' } as unknown as MediaStreamTrack, audioPaused: false, videoPaused: false } } };
    rerender(room(video));
    expect(reads).toEqual(settled);

    rerender(room({ ...video, participants: [...people, person('66666666-6666-4666-8666-666666666666', 'Jo P.', 'patient')] }));
    expect(screen.getAllByTestId('participant-tile')).toHaveLength(4);
    expect(reads.chat).toBeGreaterThan(settled.chat);
  });
});
