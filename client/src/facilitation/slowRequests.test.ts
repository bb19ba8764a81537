import type { ChatMessage } from '@hearth/protocol';
import { ChatClient } from './ChatClient';
import { CrisisClient } from './CrisisClient';
import { FloorClient } from './FloorClient';
import { FakeSocket, ok } from './fakeSocket';

const SESSION = '99999999-9999-4999-8999-999999999999';
const ALEX = '33333333-3333-4333-8333-333333333333';
const THERAPIST = '11111111-1111-4111-8111-111111111111';

const message: ChatMessage = {
  id: 'm1',
  sessionId: SESSION,
  fromUserId: ALEX,
  fromDisplayName: 'Alex R.',
  toUserId: null,
  text: 'hello',
  sentAt: '2026-01-01T10:00:00Z',
};

/**
 * Chat, turns and crisis requests are re-sent after a slow answer under one
 * requestId (the server runs each key once), instead of failing after 10 s.
 */
describe('group requests on a slow server', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a chat message still goes through when the first answer is slow: re-sent under the same key, answered once', async () => {
    let answerNow = false;
    const socket = new FakeSocket({ 'chat:send': () => (answerNow ? ok(message) : undefined) });
    const chat = new ChatClient(socket.asSocket, SESSION);
    const sent = chat.send('hello', null);
    let settled: unknown = null;
    void sent.then(
      (m) => (settled = m),
      (e: unknown) => (settled = e),
    );
    await jest.advanceTimersByTimeAsync(10_000); // the old request() would have failed here
    expect(settled).toBeNull();
    expect(socket.requests('chat:send')).toHaveLength(2);
    answerNow = true;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(settled).toEqual(message);
    const keys = socket.retryKeys.filter(Boolean);
    expect(keys.length).toBe(3);
    expect(new Set(keys).size).toBe(1); // one key: the server runs it once
    expect(chat.state.messages.map((m) => m.id)).toEqual(['m1']);
    chat.close();
  });
});

describe('keys and side-room state', () => {
  it('each new action gets its own key; a crisis press and a raised hand carry one too', async () => {
    const socket = new FakeSocket({
      'turn:raiseHand': () => ok({}),
      'crisis:raise': () => ok({ alertId: 'a1', raisedAt: '2026-01-01T10:00:00Z' }),
    });
    const floor = new FloorClient(socket.asSocket, SESSION);
    const crisis = new CrisisClient(socket.asSocket, SESSION, () => ALEX);
    await Promise.all([floor.raiseHand().catch(() => undefined), crisis.raise()]);
    await floor.raiseHand().catch(() => undefined);
    const keys = socket.retryKeys;
    expect(keys.every((k) => typeof k === 'string' && k.length >= 8)).toBe(true);
    expect(new Set(keys).size).toBe(3);
    floor.close();
    crisis.close();
  });

  it('a patient entering while every therapist is in a side room sees who is away; a therapist can listen to the group from one', async () => {
    const socket = new FakeSocket({ 'crisis:listenToGroup': (p) => ok({ listening: (p as { on: boolean }).on }) });
    const patient = new CrisisClient(socket.asSocket, SESSION, () => ALEX);
    patient.applyState({ alerts: [], sideRooms: [], therapistsAway: ['Maya Ellison'] });
    expect(patient.state.therapistsAway).toEqual(['Maya Ellison']);
    patient.applyState({ alerts: [], sideRooms: [], therapistsAway: null });
    expect(patient.state.therapistsAway).toBeNull();

    const therapist = new CrisisClient(socket.asSocket, SESSION, () => THERAPIST);
    const room = { patientUserId: ALEX, userIds: [ALEX, THERAPIST], since: '2026-01-01T10:00:00Z' };
    therapist.applyState({ alerts: [], sideRooms: [room], listeningToGroup: false });
    await therapist.listenToGroup(true);
    expect(socket.requests('crisis:listenToGroup')).toEqual([{ sessionId: SESSION, on: true }]);
    expect(therapist.state.listeningToGroup).toBe(true);
    // The side room closes: listening is over.
    socket.fire('crisis:sideRoomChanged', { sessionId: SESSION, patientUserId: ALEX, sideRoom: null });
    expect(therapist.state.listeningToGroup).toBe(false);
    patient.close();
    therapist.close();
  });
});
