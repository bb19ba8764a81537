import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ParticipantView, RoleplayState, RoleplayView, YourRole } from '@hearth/protocol';
import { FakeSocket, flush, ok } from '../../facilitation/fakeSocket';
import { Facilitation } from '../../facilitation/Facilitation';
import { RoleplayClient, sceneRemainingMs, spotlightFirst } from '../../facilitation/RoleplayClient';
import { initialRoomState, type RoomState } from '../../media/roomState';
import { fakeRoomActions } from '../../test/fakeRoomActions';
import { RoomView } from '../room/RoomView';
import { RoleplayPanel, splitGroups } from './RoleplayPanel';

const SESSION = '99999999-9999-4999-8999-999999999999';
const THERAPIST = '11111111-1111-4111-8111-111111111111';
const ALEX = '33333333-3333-4333-8333-333333333333';
const SAM = '44444444-4444-4444-8444-444444444444';
const KIM = '55555555-5555-4555-8555-555555555555';

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
const people = [person(THERAPIST, 'Dana Whitfield', 'therapist'), person(ALEX, 'Alex R.', 'patient'), person(SAM, 'Sam K.', 'patient'), person(KIM, 'Kim L.', 'patient')];

const view = (extra: Partial<RoleplayView> = {}): RoleplayView => ({
  sessionId: SESSION,
  exerciseId: 'ex-1',
  revision: 1,
  scenario: {
    id: 'sc-1',
    title: 'Saying no to a drink',
    skill: 'refusal_skills',
    setting: 'A party at a friend’s house.',
    goals: ['Say no clearly'],
    roles: [
      { key: 'refuser', name: 'Refuser' },
      { key: 'friend', name: 'Friend' },
    ],
    checklist: [
      { key: 'eye', text: 'Kept eye contact' },
      { key: 'no', text: 'Said no without excuses' },
    ],
  },
  round: 1,
  assignments: [
    { roleKey: 'refuser', roleName: 'Refuser', userId: ALEX },
    { roleKey: 'friend', roleName: 'Friend', userId: SAM },
  ],
  observerUserIds: [KIM],
  scene: { status: 'ready', durationSeconds: null, endsAt: null, remainingSeconds: null },
  spotlightUserIds: [],
  breakouts: null,
  debrief: null,
  serverTime: new Date().toISOString(),
  ...extra,
});
const running = (extra: Partial<RoleplayView> = {}) =>
  view({
    revision: 2,
    scene: { status: 'running', durationSeconds: 180, endsAt: new Date(Date.now() + 180_000).toISOString(), remainingSeconds: null },
    spotlightUserIds: [ALEX, SAM],
    ...extra,
  });
const yourRole = (userId: string): YourRole => ({
  sessionId: SESSION,
  exerciseId: 'ex-1',
  round: 1,
  breakoutId: null,
  role:
    userId === ALEX
      ? { key: 'refuser', name: 'Refuser', instructions: 'Say no politely and change the subject.' }
      : { key: 'friend', name: 'Friend', instructions: 'Offer a drink three times; get pushy.' },
});
const stateFor = (exercise: RoleplayView | null, role: YourRole | null = null, extra: Partial<RoleplayState> = {}): RoleplayState => ({
  exercise,
  yourRole: role,
  myFeedback: [],
  ...extra,
});

describe('RoleplayClient on a slow server', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a scene start, an observer’s feedback and the state load are re-sent under one key after a slow answer instead of failing at 10 s', async () => {
    let answerNow = false;
    const socket = new FakeSocket({
      'roleplay:startScene': () => (answerNow ? ok(running({ revision: 3 })) : undefined),
      'roleplay:submitFeedback': (p) =>
        answerNow ? ok({ playerUserId: (p as { playerUserId: string }).playerUserId, checked: ['eye'], note: null, submittedAt: '' }) : undefined,
      'roleplay:state': () => (answerNow ? ok(stateFor(view({ revision: 4 }))) : undefined),
    });
    const c = new RoleplayClient(socket.asSocket, SESSION);
    const outcomes: Record<string, unknown> = {};
    const track = (name: string, p: Promise<unknown>) =>
      void p.then(
        () => (outcomes[name] = 'done'),
        (e: unknown) => (outcomes[name] = e),
      );
    track('scene', c.startScene(180));
    track('feedback', c.submitFeedback(ALEX, ['eye'], null));
    track('state', c.refresh());
    await jest.advanceTimersByTimeAsync(10_000); // a plain request() rejected with "timeout" here
    expect(outcomes).toEqual({});
    for (const e of ['roleplay:startScene', 'roleplay:submitFeedback', 'roleplay:state']) expect(socket.requests(e)).toHaveLength(2);
    answerNow = true;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(outcomes).toEqual({ scene: 'done', feedback: 'done', state: 'done' });
    // Each action kept one key across its copies (the server runs it once); different actions differ.
    const keysOf = (event: string) => new Set(socket.sent.flatMap((s, i) => (s.event === event ? [socket.retryKeys[i]] : [])));
    const keys = ['roleplay:startScene', 'roleplay:submitFeedback', 'roleplay:state'].map(keysOf);
    expect(keys.map((k) => k.size)).toEqual([1, 1, 1]);
    expect(new Set(keys.map((k) => [...k][0])).size).toBe(3);
    expect(c.state.exercise?.revision).toBe(4);
    c.close();
  });

  it('a refusal is still an error at once, not retried', async () => {
    const socket = new FakeSocket({ 'roleplay:pauseScene': () => ({ ok: false, error: { code: 'forbidden', message: 'Only therapists can do that' } }) });
    const c = new RoleplayClient(socket.asSocket, SESSION);
    const refused = c.pauseScene().catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(0); // the fake timers also hold the socket's answer (a microtask)
    expect(await refused).toMatchObject({ code: 'forbidden' });
    await jest.advanceTimersByTimeAsync(30_000);
    expect(socket.requests('roleplay:pauseScene')).toHaveLength(1);
    c.close();
  });
});

describe('RoleplayClient', () => {
  it('loads the state, applies pushes for its session only, and drops older views', async () => {
    const socket = new FakeSocket({ 'roleplay:state': () => ok(stateFor(view(), yourRole(ALEX))) });
    const c = new RoleplayClient(socket.asSocket, SESSION);
    await c.refresh();
    expect(c.state.exercise?.revision).toBe(1);
    expect(c.state.yourRole?.role?.key).toBe('refuser');
    socket.fire('roleplay:stateChanged', { sessionId: SESSION, exercise: running({ revision: 3 }) });
    socket.fire('roleplay:stateChanged', { sessionId: SESSION, exercise: view({ revision: 2 }) });
    socket.fire('roleplay:stateChanged', { sessionId: 'other', exercise: null });
    expect(c.state.exercise?.revision).toBe(3);
    expect(sceneRemainingMs(c.state, Date.now())).toBeGreaterThan(170_000);
    socket.fire('roleplay:yourRole', { ...yourRole(ALEX), role: null });
    expect(c.state.yourRole).toBeNull();
    socket.fire('roleplay:stateChanged', { sessionId: SESSION, exercise: null });
    expect(c.state.exercise).toBeNull();
    c.close();
    expect(socket.listenerCount()).toBe(0);
  });

  it('sends the therapist’s requests with the session and applies the answer', async () => {
    const socket = new FakeSocket({
      'roleplay:assign': () => ok(view({ revision: 2 })),
      'roleplay:startScene': () => ok(running({ revision: 3 })),
      'roleplay:swapRoles': () => ok(view({ revision: 4, round: 2 })),
      'roleplay:submitFeedback': (p) => ok({ playerUserId: (p as { playerUserId: string }).playerUserId, checked: ['eye'], note: 'Calm', submittedAt: '' }),
    });
    const c = new RoleplayClient(socket.asSocket, SESSION);
    await c.assign([{ roleKey: 'refuser', userId: ALEX }]);
    await c.startScene(180);
    expect(socket.requests('roleplay:startScene')).toEqual([{ sessionId: SESSION, durationSeconds: 180 }]);
    expect(c.state.exercise?.spotlightUserIds).toEqual([ALEX, SAM]);
    await c.submitFeedback(ALEX, ['eye'], ' Calm ');
    expect(socket.requests('roleplay:submitFeedback')).toEqual([{ sessionId: SESSION, playerUserId: ALEX, checked: ['eye'], note: 'Calm' }]);
    expect(c.state.myFeedback).toHaveLength(1);
    await c.swapRoles();
    expect(socket.requests('roleplay:swapRoles')).toEqual([{ sessionId: SESSION }]);
    expect(c.state.myFeedback).toHaveLength(0); // a new round starts fresh
  });

  it('is part of the Facilitation bundle and reloads with it', async () => {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [] }),
      'turn:state': () => ok({ sessionId: SESSION, revision: 1, queue: [], holderUserId: null, talkingStick: false, turnMinutes: null, turnEndsAt: null, serverTime: new Date().toISOString(), goAround: null }),
      'checkin:state': () => ok({ open: null, mine: null }),
      'crisis:state': () => ok({ alerts: [], sideRooms: [] }),
      'roleplay:state': () => ok(stateFor(view())),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => KIM);
    f.refresh();
    await flush();
    await flush();
    expect(f.roleplay.state.exercise?.exerciseId).toBe('ex-1');
    f.close();
    expect(socket.listenerCount()).toBe(0);
  });

  it('puts the spotlit first in role order; splits people into pairs with a trio for the odd one', () => {
    const tiles = [{ userId: 'a' }, { userId: 'b' }, { userId: 'c' }, { userId: 'd' }];
    expect(spotlightFirst(tiles, ['d', 'b']).map((t) => t.userId)).toEqual(['d', 'b', 'a', 'c']);
    expect(spotlightFirst(tiles, []).map((t) => t.userId)).toEqual(['a', 'b', 'c', 'd']);
    expect(splitGroups(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    expect(splitGroups(['a', 'b', 'c', 'd'], 3)).toEqual([['a', 'b', 'c', 'd']]);
  });
});

async function panelFor(selfUserId: string, state: RoleplayState, replies: Record<string, (p: unknown) => ReturnType<typeof ok>> = {}) {
  const socket = new FakeSocket({ 'roleplay:state': () => ok(state), ...replies });
  const c = new RoleplayClient(socket.asSocket, SESSION);
  await c.refresh();
  render(<RoleplayPanel roleplay={c} selfUserId={selfUserId} selfRole={selfUserId === THERAPIST ? 'therapist' : 'patient'} participants={people} />);
  return { socket, c };
}

describe('RoleplayPanel', () => {
  it('a player sees only their own role’s instructions', async () => {
    await panelFor(ALEX, stateFor(view(), yourRole(ALEX)));
    const box = screen.getByTestId('roleplay-instructions');
    expect(box).toHaveAttribute('data-role-id', 'refuser');
    expect(box).toHaveTextContent('Say no politely');
    expect(document.body).not.toHaveTextContent('Offer a drink');
    expect(screen.queryByTestId('observer-checklist')).toBeNull();
    expect(screen.queryByTestId('roleplay-start-scene')).toBeNull();
  });

  it('an observer ticks the checklist for a player and sends a note', async () => {
    const { socket } = await panelFor(KIM, stateFor(running()), {
      'roleplay:submitFeedback': () => ok({ playerUserId: ALEX, checked: ['no'], note: 'Clear', submittedAt: '' }),
    });
    expect(screen.queryByTestId('roleplay-instructions')).toBeNull();
    expect(screen.getByTestId('roleplay-observing')).toBeInTheDocument();
    expect(screen.getByTestId('roleplay-timer')).toHaveTextContent(/^0[23]:[0-5]\d$/);
    const forms = screen.getAllByTestId('observer-checklist');
    expect(forms.map((f) => f.getAttribute('data-user-id'))).toEqual([ALEX, SAM]);
    const form = forms[0]!;
    await userEvent.click(within(form).getByLabelText('Said no without excuses'));
    await userEvent.type(within(form).getByTestId('observer-note'), 'Clear');
    await userEvent.click(within(form).getByTestId('roleplay-feedback-submit'));
    await act(flush);
    expect(socket.requests('roleplay:submitFeedback')).toEqual([{ sessionId: SESSION, playerUserId: ALEX, checked: ['no'], note: 'Clear' }]);
    expect(within(form).getByTestId('roleplay-feedback-saved')).toBeInTheDocument();
  });

  it('the therapist casts roles and starts a timed scene', async () => {
    const ready = view({ assignments: [{ roleKey: 'refuser', roleName: 'Refuser', userId: null }, { roleKey: 'friend', roleName: 'Friend', userId: null }], observerUserIds: [ALEX, SAM, KIM] });
    let current = ready;
    const answer = (v: RoleplayView) => () => ok((current = v));
    const { socket } = await panelFor(THERAPIST, stateFor(ready, null, { therapist: { roles: [], feedback: [] } }), {
      'roleplay:state': () => ok(stateFor(current, null, { therapist: { roles: [], feedback: [] } })),
      'roleplay:assign': answer(view({ revision: 2 })),
      'roleplay:startScene': answer(running({ revision: 3 })),
    });
    expect(screen.getByTestId('roleplay-start-scene')).toBeDisabled();
    await userEvent.selectOptions(screen.getByLabelText('Refuser'), ALEX);
    await userEvent.selectOptions(screen.getByLabelText('Friend'), SAM);
    await userEvent.click(screen.getByTestId('roleplay-assign'));
    await act(flush);
    expect(socket.requests('roleplay:assign')).toEqual([
      { sessionId: SESSION, assignments: [{ roleKey: 'refuser', userId: ALEX }, { roleKey: 'friend', userId: SAM }] },
    ]);
    await userEvent.selectOptions(screen.getByTestId('roleplay-scene-length'), '300');
    await userEvent.click(screen.getByTestId('roleplay-start-scene'));
    await act(flush);
    expect(socket.requests('roleplay:startScene')).toEqual([{ sessionId: SESSION, durationSeconds: 300 }]);
    expect(screen.getByTestId('roleplay-pause')).toBeInTheDocument();
    expect(screen.getByTestId('roleplay-end-scene')).toBeInTheDocument();
    expect(screen.getByTestId('roleplay-assign')).toBeDisabled();
  });
});

describe('RoomView during a scene', () => {
  const actions = fakeRoomActions();


  it('features the players first for everyone and tells an observer the scene holds their mic', async () => {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [] }),
      'turn:state': () => ok({ sessionId: SESSION, revision: 1, queue: [], holderUserId: null, talkingStick: false, turnMinutes: null, turnEndsAt: null, serverTime: new Date().toISOString(), goAround: null }),
      'checkin:state': () => ok({ open: null, mine: null }),
      'crisis:state': () => ok({ alerts: [], sideRooms: [] }),
      'roleplay:state': () => ok(stateFor(running({ assignments: [{ roleKey: 'refuser', roleName: 'Refuser', userId: SAM }, { roleKey: 'friend', roleName: 'Friend', userId: ALEX }], spotlightUserIds: [SAM, ALEX] }))),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => KIM);
    f.refresh();
    await act(flush);
    await act(flush);
    const state: RoomState = {
      ...initialRoomState,
      phase: 'in-room',
      connection: 'connected',
      selfUserId: KIM,
      selfRole: 'patient',
      participants: people.map((p) => (p.userId === KIM ? { ...p, micOn: false, micLocked: true } : p)),
      micOn: false,
    };
    render(<RoomView state={state} actions={actions} hasMicrophone hasCamera facilitation={f} />);
    const order = screen.getAllByTestId('participant-tile').map((t) => t.getAttribute('data-user-id'));
    expect(order.slice(0, 2)).toEqual([SAM, ALEX]);
    expect(screen.getAllByTestId('participant-tile')[0]).toHaveAttribute('data-spotlight', 'true');
    expect(screen.getByTestId('scene-hold-banner')).toHaveTextContent('held by the scene');
    expect(screen.queryByText('The therapist has muted your microphone for now.')).toBeNull();
    f.close();
  });
  /** Kim's room, as the server would send it: floor and exercise as given, Kim's mic as the server shows it. */
  async function kimsRoom(floor: { talkingStick: boolean; holderUserId: string | null }, exercise: RoleplayView, kimMicLocked: boolean) {
    const socket = new FakeSocket({
      'chat:history': () => ok({ messages: [] }),
      'turn:state': () => ok({ sessionId: SESSION, revision: 1, queue: [], turnMinutes: null, turnEndsAt: null, serverTime: new Date().toISOString(), goAround: null, ...floor }),
      'checkin:state': () => ok({ open: null, mine: null }),
      'crisis:state': () => ok({ alerts: [], sideRooms: [] }),
      'roleplay:state': () => ok(stateFor(exercise)),
    });
    const f = new Facilitation(socket.asSocket, SESSION, () => KIM);
    f.refresh();
    await act(flush);
    await act(flush);
    const state: RoomState = {
      ...initialRoomState,
      phase: 'in-room',
      connection: 'connected',
      selfUserId: KIM,
      selfRole: 'patient',
      participants: people.map((p) => (p.userId === KIM ? { ...p, micOn: false, micLocked: kimMicLocked } : p)),
      micOn: false,
    };
    render(<RoomView state={state} actions={actions} hasMicrophone hasCamera facilitation={f} />);
    return f;
  }

  it('holds an observer’s microphone during a scene from the shared rule, before the server’s lock arrives', async () => {
    const f = await kimsRoom({ talkingStick: false, holderUserId: null }, running(), false);
    const mic = screen.getByTestId('toggle-mic');
    expect(mic).toBeDisabled();
    expect(mic).toHaveTextContent('Held during the scene');
    f.close();
  });

  it('lets the talking stick stop at a breakout sub-room’s door, as the server does', async () => {
    const breakouts = [
      { id: 'b1', name: 'Pair 1', userIds: [ALEX, KIM], assignments: [], therapistUserIds: [] },
      { id: 'b2', name: 'Pair 2', userIds: [SAM], assignments: [], therapistUserIds: [] },
    ];
    const f = await kimsRoom({ talkingStick: true, holderUserId: SAM }, view({ breakouts }), false);
    const mic = screen.getByTestId('toggle-mic');
    expect(mic).toBeEnabled();
    expect(mic).toHaveTextContent('Off');
    expect(screen.queryByTestId('floor-lock-banner')).toBeNull();
    f.close();
  });
});
