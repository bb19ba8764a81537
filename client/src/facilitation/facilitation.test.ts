import type { ChatMessage, CheckinAnswerView, CrisisAlertView, FloorView } from '@hearth/protocol';
import { ChatClient, chatErrorText } from './ChatClient';
import { CheckinClient } from './CheckinClient';
import { CrisisClient } from './CrisisClient';
import { Facilitation } from './Facilitation';
import { formatCountdown, FloorClient, turnRemainingMs } from './FloorClient';
import { FakeSocket, flush, ok, refused } from './fakeSocket';
import { RequestError } from '../realtime/socket';

const SESSION = '99999999-9999-4999-8999-999999999999';
const OTHER = '88888888-8888-4888-8888-888888888888';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';

const msg = (id: string, sentAt: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  sessionId: SESSION,
  fromUserId: ALEX,
  fromDisplayName: 'Alex R.',
  toUserId: null,
  text: `hello ${id}`,
  sentAt,
  ...extra,
});

const floor = (revision: number, extra: Partial<FloorView> = {}): FloorView => ({
  sessionId: SESSION,
  revision,
  queue: [],
  holderUserId: null,
  talkingStick: false,
  turnMinutes: null,
  turnEndsAt: null,
  serverTime: new Date().toISOString(),
  goAround: null,
  ...extra,
});

describe('ChatClient', () => {
  it('loads history, adds pushes in server order once (ack and push), marks deletions, ignores other sessions', async () => {
    const a = msg('a0000000-0000-4000-8000-000000000001', '2026-01-01T10:00:00.000Z');
    const mine = msg('a0000000-0000-4000-8000-000000000002', '2026-01-01T10:01:00.000Z', { fromUserId: SAM });
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [a], patientPrivateChatAllowed: false }),
      'chat:send': () => ok(mine),
      'chat:delete': () => ok({}),
    });
    const chat = new ChatClient(socket.asSocket, SESSION);
    await chat.refresh();
    expect(chat.state.loaded).toBe(true);

    // The push overtakes the ack: one copy.
    const sending = chat.send('  hi there  ', THERAPIST);
    socket.fire('chat:messageSent', { sessionId: SESSION, message: mine });
    await sending;
    expect(socket.requests('chat:send')).toEqual([{ sessionId: SESSION, text: 'hi there', toUserId: THERAPIST }]);
    expect(chat.state.messages.map((m) => m.id)).toEqual([a.id, mine.id]);

    // A late push that the server ordered earlier goes before ours.
    const early = msg('a0000000-0000-4000-8000-000000000003', '2026-01-01T10:00:30.000Z');
    socket.fire('chat:messageSent', { sessionId: SESSION, message: early });
    socket.fire('chat:messageSent', { sessionId: OTHER, message: { ...early, id: 'x', sessionId: OTHER } });
    expect(chat.state.messages.map((m) => m.id)).toEqual([a.id, early.id, mine.id]);

    socket.fire('chat:messageDeleted', { sessionId: SESSION, messageId: a.id });
    expect(chat.state.messages[0]).toMatchObject({ id: a.id, deleted: true, text: '' });

    socket.fire('chat:settingsChanged', { sessionId: SESSION, patientPrivateChatAllowed: true });
    expect(chat.state.patientPrivateChatAllowed).toBe(true);
  });

  it('refuses empty and too-long drafts before sending; words the rate limit for people', async () => {
    const socket = new FakeSocket({ 'chat:send': () => refused('rate_limited', 'Too many messages') });
    const chat = new ChatClient(socket.asSocket, SESSION);
    await expect(chat.send('   ', null)).rejects.toThrow('Write a message first.');
    await expect(chat.send('x'.repeat(2001), null)).rejects.toThrow(/at most 2000 characters/);
    expect(socket.sent).toHaveLength(0);
    const e = await chat.send('hi', null).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RequestError);
    expect(chatErrorText(e)).toMatch(/sending messages quickly/);
  });

  it('close stops listening', () => {
    const socket = new FakeSocket();
    const chat = new ChatClient(socket.asSocket, SESSION);
    expect(socket.listenerCount()).toBe(3);
    chat.close();
    chat.close();
    expect(socket.listenerCount()).toBe(0);
  });
});

describe('FloorClient', () => {
  it('keeps the newest revision, counts down on the server clock, and applies answers', async () => {
    const socket = new FakeSocket({
      'turn:state': () => ok(floor(5, { queue: [{ userId: ALEX, raisedAt: '' }, { userId: SAM, raisedAt: '' }] })),
      'turn:grant': () => ok(floor(7, { holderUserId: ALEX, talkingStick: true })),
    });
    const turns = new FloorClient(socket.asSocket, SESSION);
    await turns.refresh();
    expect(turns.state.floor?.queue.map((h) => h.userId)).toEqual([ALEX, SAM]);

    socket.fire('turn:stateChanged', floor(4));
    expect(turns.state.floor?.revision).toBe(5);

    await turns.grant(ALEX);
    expect(socket.requests('turn:grant')).toEqual([{ sessionId: SESSION, userId: ALEX }]);
    expect(turns.state.floor).toMatchObject({ revision: 7, holderUserId: ALEX, talkingStick: true });

    // The server's clock runs 60 s ahead of ours; the turn ends 90 s after the server's now.
    const now = Date.now();
    const server = now + 60_000;
    socket.fire(
      'turn:stateChanged',
      floor(8, { serverTime: new Date(server).toISOString(), turnEndsAt: new Date(server + 90_000).toISOString() }),
    );
    const left = turnRemainingMs(turns.state, now)!;
    expect(left).toBeGreaterThan(89_000);
    expect(left).toBeLessThanOrEqual(90_500);
  });

  it('formats the countdown as mm:ss', () => {
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(180_000)).toBe('03:00');
    expect(formatCountdown(61_200)).toBe('01:02');
    expect(formatCountdown(600_000)).toBe('10:00');
  });
});

describe('CheckinClient', () => {
  const answer = (userId: string, mood: number, checkinId = 'c1'): CheckinAnswerView => ({
    checkinId,
    userId,
    displayName: userId === ALEX ? 'Alex R.' : 'Sam K.',
    mood,
    craving: 2,
    word: null,
    submittedAt: '',
    trend: [],
  });

  it('therapists collect one answer per patient for the current check-in', async () => {
    const info = { id: 'c1', sessionId: SESSION, openedAt: '', closedAt: null };
    const socket = new FakeSocket({ 'checkin:open': () => ok(info) });
    const checkins = new CheckinClient(socket.asSocket, SESSION);
    await checkins.openCheckin();
    socket.fire('checkin:opened', { sessionId: SESSION, checkin: info });
    socket.fire('checkin:answered', { sessionId: SESSION, answer: answer(ALEX, 4) });
    socket.fire('checkin:answered', { sessionId: SESSION, answer: answer(SAM, 7) });
    socket.fire('checkin:answered', { sessionId: SESSION, answer: answer(ALEX, 6) });
    socket.fire('checkin:answered', { sessionId: SESSION, answer: answer(SAM, 1, 'old') });
    expect(checkins.state.answers.map((a) => [a.userId, a.mood])).toEqual([
      [SAM, 7],
      [ALEX, 6],
    ]);
    socket.fire('checkin:closed', { sessionId: SESSION, checkin: { ...info, closedAt: 'now' } });
    expect(checkins.state.open).toBeNull();
    expect(checkins.state.answers).toHaveLength(2);
  });

  it('patients submit to the open check-in and keep their own answer', async () => {
    const info = { id: 'c1', sessionId: SESSION, openedAt: '', closedAt: null };
    const socket = new FakeSocket({
      'checkin:state': () => ok({ open: info, mine: null }),
      'checkin:submit': () => ok({ submittedAt: '2026-01-01T10:00:00.000Z' }),
    });
    const checkins = new CheckinClient(socket.asSocket, SESSION);
    await checkins.refresh();
    await checkins.submit({ mood: 3, craving: 8, word: '  tired ' });
    expect(socket.requests('checkin:submit')).toEqual([{ sessionId: SESSION, checkinId: 'c1', mood: 3, craving: 8, word: 'tired' }]);
    expect(checkins.state.mine).toMatchObject({ mood: 3, craving: 8, word: 'tired' });
  });
});

describe('CrisisClient', () => {
  const alert = (id: string, raisedAt: string, extra: Partial<CrisisAlertView> = {}): CrisisAlertView => ({
    id,
    sessionId: SESSION,
    userId: ALEX,
    displayName: 'Alex R.',
    raisedByUserId: ALEX,
    raisedAt,
    location: 'Home, 12 Palm St',
    callbackNumber: '+1 480 555 0134',
    acknowledgedByUserId: null,
    acknowledgedAt: null,
    ...extra,
  });

  it('therapists see alerts newest first, acknowledgements and side rooms', async () => {
    const socket = new FakeSocket({
      'crisis:moveToSideRoom': () => ok({ patientUserId: ALEX, userIds: [ALEX, THERAPIST], since: '' }),
      'crisis:returnToGroup': () => ok({}),
    });
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => THERAPIST);
    socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a1', '2026-01-01T10:00:00Z') });
    socket.fire('crisis:raised', { sessionId: SESSION, alert: alert('a2', '2026-01-01T10:05:00Z', { userId: SAM }) });
    socket.fire('crisis:updated', { sessionId: SESSION, alert: alert('a1', '2026-01-01T10:00:00Z', { acknowledgedAt: 'x' }) });
    expect(crisis.state.alerts.map((a) => [a.id, a.acknowledgedAt])).toEqual([
      ['a2', null],
      ['a1', 'x'],
    ]);
    await crisis.moveToSideRoom(ALEX, [THERAPIST]);
    expect(crisis.state.sideRooms).toHaveLength(1);
    await crisis.returnToGroup(ALEX);
    expect(crisis.state.sideRooms).toHaveLength(0);
  });

  it('a patient raises once and hears when a therapist has seen it', async () => {
    const socket = new FakeSocket({ 'crisis:raise': () => ok({ alertId: 'a1', raisedAt: '2026-01-01T10:00:00Z' }) });
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => ALEX);
    await crisis.raise();
    await crisis.raise();
    expect(crisis.state.mine).toEqual({ alertId: 'a1', raisedAt: '2026-01-01T10:00:00Z', acknowledgedAt: null });
    socket.fire('crisis:acknowledged', { sessionId: SESSION, alertId: 'a1', acknowledgedAt: '2026-01-01T10:01:00Z' });
    expect(crisis.state.mine?.acknowledgedAt).toBe('2026-01-01T10:01:00Z');
  });
});

describe('Facilitation', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('loads everything in one request per entry into the room (not on connect), retrying until the room has taken us back', async () => {
    let admitted = false;
    const state = {
      chat: { messages: [], patientPrivateChatAllowed: false },
      floor: floor(1),
      checkins: { open: null, mine: null },
      crisis: { alerts: [], sideRooms: [] },
      roleplay: { exercise: null, yourRole: null, myFeedback: [] },
    };
    const socket = new FakeSocket({ 'facilitation:state': () => (admitted ? ok(state) : refused('not_admitted')) });
    const entries = new Set<() => void>();
    const f = new Facilitation(socket.asSocket, SESSION, () => ALEX, () => null, (l) => {
      entries.add(l);
      return () => entries.delete(l);
    });
    const enter = () => entries.forEach((l) => l());
    // A (re)connect alone asks nothing: the room client rejoins, and its entry loads the state.
    socket.fire('connect');
    socket.fire('room:admitted', { sessionId: SESSION });
    await jest.advanceTimersByTimeAsync(0);
    expect(socket.sent).toHaveLength(0);
    enter();
    await jest.advanceTimersByTimeAsync(0);
    expect(socket.requests('facilitation:state')).toHaveLength(1);
    admitted = true;
    await jest.advanceTimersByTimeAsync(300);
    expect(socket.requests('facilitation:state')).toHaveLength(2);
    expect(f.floor.state.floor?.revision).toBe(1);
    expect(f.chat.state.loaded).toBe(true);
    expect(f.roleplay.state.loaded).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(socket.requests('facilitation:state')).toHaveLength(2);
    // Back after a reconnect: one more entry, one more load, and never the five separate requests.
    enter();
    await jest.advanceTimersByTimeAsync(0);
    expect(socket.requests('facilitation:state')).toHaveLength(3);
    expect(socket.sent.every((r) => r.event === 'facilitation:state')).toBe(true);
    f.close();
    expect(entries.size).toBe(0);
    expect(socket.listenerCount()).toBe(0);
  });
});
